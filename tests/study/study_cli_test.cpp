// `hitscope study` end to end on a reduced config (tests/study/reduced.toml): the three output
// files, results.json's fields, the leakage gap, the model file with `predict`, the printed
// default config, reproducibility and error messages.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

struct CommandRun {
  int code;
  std::string out, err;
};

CommandRun Hitscope(const std::string& args, const testing::TempDir& dir) {
  std::string out = dir.File("stdout.txt"), err = dir.File("stderr.txt");
  std::string command = "cd " + dir.path() + " && " + std::string(HITSCOPE_CLI) + " " + args +
                        " >" + out + " 2>" + err + " </dev/null";
  int status = std::system(command.c_str());
  CommandRun run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::ReadText(out),
                 testing::ReadText(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return run;
}

const std::string kBundled = testing::SourcePath("data/spotify_songs.csv");
const std::string kReduced = testing::SourcePath("tests/study/reduced.toml");

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(StudyCliTest, ReducedStudyWritesReportJsonAndModel) {
  testing::TempDir dir;
  CommandRun run = Hitscope("study " + kBundled + " --config " + kReduced + " --out out", dir);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Has(run.err, "wrote out/report.html")) << run.err;
  EXPECT_TRUE(Has(run.err, "Leakage:")) << run.err;
  // No temporary files are left beside the outputs.
  EXPECT_EQ(testing::ListDir(dir.File("out")),
            (std::vector<std::string>{"best_model.hsm", "report.html", "results.json"}));

  auto json = nlohmann::json::parse(testing::ReadText(dir.File("out/results.json")));
  EXPECT_EQ(json["source"]["rows"], 32833);
  EXPECT_EQ(json["config"]["seed"], 3);
  EXPECT_GE(json["findings"].size(), 6u);
  EXPECT_EQ(json["exploration"]["overview"]["rows"], 32833);
  EXPECT_EQ(json["clustering"].size(), 2u);
  EXPECT_EQ(json["clustering"][1]["rows_sampled"], 3000);
  EXPECT_EQ(json["models"]["data"]["rows"], 6000);
  EXPECT_EQ(json["models"]["classifiers"].size(), 9u);  // 3 classifiers x 3 protocols
  EXPECT_FALSE(json["models"]["best"]["name"].get<std::string>().empty());
  EXPECT_TRUE(json["models"].contains("knn_sweep"));
  EXPECT_TRUE(json["models"].contains("depth_sweep"));
  EXPECT_EQ(json["models"]["knn_search"]["candidates"].size(), 2u);
  EXPECT_EQ(json["models"]["imbalance"].size(), 4u);  // none, ros, smote; none with robust
  EXPECT_EQ(json["importance"]["features"].size(), 12u);
  EXPECT_EQ(json["rfe"]["features"].size(), 12u);
  EXPECT_EQ(json["regression"].size(), 2u);
  EXPECT_GE(json["budget_notes"].size(), 4u);

  // The leakage demonstration: the leaky protocol scores clearly above the honest one.
  ASSERT_EQ(json["leakage"]["pairs"].size(), 2u);
  const auto& ros = json["leakage"]["pairs"][0];
  EXPECT_EQ(ros["resampler"], "ros");
  EXPECT_FALSE(ros["honest"]["leaky"].get<bool>());
  EXPECT_TRUE(ros["leaky"]["leaky"].get<bool>());
  double honest = ros["honest"]["scores"]["accuracy"]["mean"];
  double leaky = ros["leaky"]["scores"]["accuracy"]["mean"];
  EXPECT_GT(leaky - honest, 0.15) << honest << " vs " << leaky;
  // ... on every split, not only on average.
  const auto& honest_folds = ros["honest"]["scores"]["accuracy"]["per_fold"];
  const auto& leaky_folds = ros["leaky"]["scores"]["accuracy"]["per_fold"];
  ASSERT_EQ(honest_folds.size(), leaky_folds.size());
  for (size_t k = 0; k < honest_folds.size(); ++k) {
    EXPECT_GT(leaky_folds[k].get<double>(), honest_folds[k].get<double>() + 0.1) << k;
  }
  EXPECT_NEAR(ros["gap"]["accuracy"].get<double>(), leaky - honest, 1e-12);

  std::string html = testing::ReadText(dir.File("out/report.html"));
  for (const char* id : {"findings", "overview", "clustering", "models", "leakage", "importance",
                         "regression", "method"}) {
    EXPECT_TRUE(Has(html, std::string("data-section=\"") + id + "\"")) << id;
  }

  // The best model is a model file `predict` reads.
  CommandRun predict = Hitscope("predict out/best_model.hsm " + kBundled + " --out p.csv", dir);
  ASSERT_EQ(predict.code, 0) << predict.err;
  std::string predictions = testing::ReadText(dir.File("p.csv"));
  EXPECT_TRUE(Has(predictions.substr(0, predictions.find('\n')), "predicted_class"));
  EXPECT_EQ(std::count(predictions.begin(), predictions.end(), '\n'), 32834);
}

TEST(StudyCliTest, SameSeedSameNumbersOtherSeedOtherSamples) {
  testing::TempDir dir;
  std::string common = "-q study " + kBundled + " --config " + kReduced;
  ASSERT_EQ(Hitscope(common + " --out a", dir).code, 0);
  ASSERT_EQ(Hitscope(common + " --out b", dir).code, 0);
  ASSERT_EQ(Hitscope(common + " --out c --seed 4", dir).code, 0);
  auto a = nlohmann::json::parse(testing::ReadText(dir.File("a/results.json")));
  auto b = nlohmann::json::parse(testing::ReadText(dir.File("b/results.json")));
  auto c = nlohmann::json::parse(testing::ReadText(dir.File("c/results.json")));
  for (auto* json : {&a, &b, &c}) {
    json->erase("timings");
    for (auto& run : (*json)["models"]["classifiers"]) run.erase("seconds");
    for (auto& run : (*json)["models"]["imbalance"]) run.erase("seconds");
    for (auto& run : (*json)["regression"]) run.erase("seconds");
    for (auto& cluster : (*json)["clustering"]) cluster.erase("timings");
    json->erase("findings");  // none holds a time, but keep the comparison on numbers
  }
  EXPECT_EQ(a, b);
  EXPECT_NE(a["models"], c["models"]);  // negative control: the seed changes the samples
}

TEST(StudyCliTest, PrintedConfigIsTheDefaultAndParses) {
  testing::TempDir dir;
  CommandRun print = Hitscope("study --print-config", dir);
  ASSERT_EQ(print.code, 0) << print.err;
  EXPECT_TRUE(Has(print.out, "[leakage]")) << print.out;
  EXPECT_TRUE(Has(print.out, "# ")) << print.out;
  testing::WriteText(dir.File("study.toml"), print.out);
  testing::WriteText(dir.File("tiny.csv"),
                     "track_popularity,danceability,energy\n10,0.5,0.4\n20,0.6,0.5\n");
  // The printed config is accepted (the data is then too small for it: a data error, exit 1,
  // not a config error).
  CommandRun run = Hitscope("study tiny.csv --config study.toml --out o", dir);
  EXPECT_NE(run.code, 0);
  EXPECT_FALSE(Has(run.err, "study.toml")) << run.err;
}

TEST(StudyCliTest, ConfigErrorsNameFileLineAndKey) {
  testing::TempDir dir;
  testing::WriteText(dir.File("bad.toml"), "seed = 1\n[models]\nclasifiers = [\"tree\"]\n");
  CommandRun run = Hitscope("study " + kBundled + " --config bad.toml", dir);
  EXPECT_EQ(run.code, 1);
  EXPECT_TRUE(Has(run.err, "bad.toml:3:")) << run.err;
  EXPECT_TRUE(Has(run.err, "did you mean 'classifiers'")) << run.err;
  CommandRun missing = Hitscope("study no_such.csv", dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(Has(missing.err, "no_such.csv")) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("out/study/report.html")));
}

}  // namespace
}  // namespace hitscope
