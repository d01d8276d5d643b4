// The tree commands end to end: `train`, `predict` and `evaluate` with tree, forest and xgboost,
// `explain` (text, JSON, one track) and `sweep`, on the bundled data; bad input with its exit code
// and message.
#include <cstdlib>
#include <filesystem>
#include <random>

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::CliRun;

CliRun Hitscope(const std::string& args, const testing::TempDir& dir) {
  return testing::RunCommand(std::string(HITSCOPE_CLI) + " -q " + args, dir);
}

const std::string kBundled = testing::SourcePath("data/spotify_songs.csv");
const char* kFeatures[] = {"danceability", "energy",      "key",          "loudness",
                           "mode",         "speechiness", "acousticness", "instrumentalness",
                           "liveness",     "valence",     "tempo",        "duration_ms"};

// A small track table with the bundled data's columns; `skip` leaves one feature out and
// `popularity` < 0 draws it at random.
std::string WriteTable(const testing::TempDir& dir, const std::string& name, int rows,
                       const std::string& skip = "", int popularity = -1) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::string text = "track_id,track_popularity";
  for (const char* feature : kFeatures) {
    if (feature != skip) text += std::string(",") + feature;
  }
  text += "\n";
  for (int row = 0; row < rows; ++row) {
    int p = popularity >= 0 ? popularity : static_cast<int>(uniform(rng) * 100);
    text += "t" + std::to_string(row) + "," + std::to_string(p);
    for (const char* feature : kFeatures) {
      if (feature != skip) text += "," + std::to_string(uniform(rng));
    }
    text += "\n";
  }
  std::string path = dir.File(name);
  testing::WriteText(path, text);
  return path;
}

TEST(TreesCliTest, TrainPredictAndExplainEachTreeModel) {
  testing::TempDir dir;
  struct Case {
    const char* model;
    const char* params;
  };
  for (Case c : {Case{"tree", "--param max_depth=6"},
                 Case{"forest", "--param n_estimators=8 --param max_depth=8"},
                 Case{"xgboost", "--param n_estimators=15"}}) {
    SCOPED_TRACE(c.model);
    std::string model = dir.File(std::string(c.model) + ".hsm");
    CliRun train = Hitscope(
        "train " + kBundled + " --model " + c.model + " " + c.params + " --out " + model, dir);
    ASSERT_EQ(train.code, 0) << train.err;
    CliRun predict = Hitscope(
        "predict " + model + " " + kBundled + " --out " + dir.File("predictions.csv"), dir);
    ASSERT_EQ(predict.code, 0) << predict.err;
    EXPECT_NE(testing::ReadText(dir.File("predictions.csv")).find("p_high"), std::string::npos);

    CliRun text = Hitscope("explain " + model + " " + kBundled +
                               " --shap-rows 50 --repeats 2 --track 6f807x0ima9a1j3VPbc7VN",
                           dir);
    ASSERT_EQ(text.code, 0) << text.err;
    for (const char* word : {"impurity", "permutation", "mean |SHAP|", "instrumentalness",
                             "track 6f807x0ima9a1j3VPbc7VN (row 1): predicted", "favours"}) {
      EXPECT_NE(text.out.find(word), std::string::npos) << word << "\n" << text.out;
    }
    CliRun json = Hitscope(
        "explain " + model + " " + kBundled +
            " --json --no-permutation --shap-rows 20 --track 0r7CVbZTWZgbTCYdfa2P31 --top 4",
        dir);
    ASSERT_EQ(json.code, 0) << json.err;
    auto parsed = nlohmann::json::parse(json.out);
    EXPECT_EQ(parsed["features"].size(), 12u);
    EXPECT_TRUE(parsed["features"][0].contains("mean_abs_shap"));
    EXPECT_FALSE(parsed["features"][0].contains("permutation_mean"));
    EXPECT_EQ(parsed["track"]["contributions"].size(), 4u);
    // Local accuracy, as printed: expected value + contributions of every feature = prediction.
    EXPECT_GT(parsed["track"]["prediction"].get<double>(), -1e9);
  }
}

TEST(TreesCliTest, EvaluateForestAndSweepDepth) {
  testing::TempDir dir;
  CliRun evaluate = Hitscope("evaluate " + kBundled +
                                 " --model forest --param n_estimators=5 --param max_depth=6 "
                                 "--cv holdout:0.2",
                             dir);
  ASSERT_EQ(evaluate.code, 0) << evaluate.err;
  EXPECT_NE(evaluate.out.find("accuracy"), std::string::npos);
  CliRun sweep =
      Hitscope("sweep " + kBundled + " --model tree --sweep max_depth --values 1..6 --json " +
                   dir.File("sweep.json"),
               dir);
  ASSERT_EQ(sweep.code, 0) << sweep.err;
  EXPECT_NE(sweep.out.find("max_depth sweep of tree"), std::string::npos);
  auto parsed = nlohmann::json::parse(testing::ReadText(dir.File("sweep.json")));
  ASSERT_EQ(parsed["points"].size(), 6u);
  EXPECT_GT(parsed["points"][0]["train_error"].get<double>(),
            parsed["points"][5]["train_error"].get<double>());
  CliRun k = Hitscope("sweep " + kBundled + " --model knn --sweep k --values 1,9", dir);
  ASSERT_EQ(k.code, 0) << k.err;
  EXPECT_NE(k.out.find("k sweep of knn"), std::string::npos);
}

TEST(TreesCliTest, BadInputGetsItsExitCodeAndMessage) {
  testing::TempDir dir;
  std::string table = WriteTable(dir, "tracks.csv", 200);
  std::string model = dir.File("tree.hsm");
  ASSERT_EQ(
      Hitscope("train " + table + " --model tree --param max_depth=4 --out " + model, dir).code, 0);
  // A table from another feature schema: tempo is missing.
  std::string other = WriteTable(dir, "other.csv", 50, "tempo");
  CliRun schema = Hitscope("explain " + model + " " + other, dir);
  EXPECT_EQ(schema.code, 1);
  EXPECT_NE(schema.err.find("tempo"), std::string::npos) << schema.err;
  CliRun predict = Hitscope("predict " + model + " " + other, dir);
  EXPECT_EQ(predict.code, 1);
  EXPECT_NE(predict.err.find("tempo"), std::string::npos) << predict.err;
  // A track that is not there.
  CliRun track = Hitscope("explain " + model + " " + table + " --track nope", dir);
  EXPECT_EQ(track.code, 1);
  EXPECT_NE(track.err.find("no track 'nope'"), std::string::npos) << track.err;
  // max_depth 0 and an unknown parameter are usage errors.
  CliRun depth = Hitscope(
      "train " + table + " --model tree --param max_depth=0 --out " + dir.File("x.hsm"), dir);
  EXPECT_EQ(depth.code, 2);
  EXPECT_NE(depth.err.find("max_depth must be at least 1"), std::string::npos) << depth.err;
  CliRun unknown = Hitscope("train " + table + " --model forest --param trees=5 --out x.hsm", dir);
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("n_estimators"), std::string::npos) << unknown.err;
  // Every track in one class.
  std::string flat = WriteTable(dir, "flat.csv", 100, "", 50);
  CliRun one_class = Hitscope(
      "train " + flat + " --model tree --classes edges:60 --out " + dir.File("y.hsm"), dir);
  EXPECT_EQ(one_class.code, 1);
  EXPECT_NE(one_class.err.find("class"), std::string::npos) << one_class.err;
  CliRun sweep = Hitscope("sweep " + table + " --model tree --sweep depth --values 1..3", dir);
  EXPECT_EQ(sweep.code, 2);
  EXPECT_NE(sweep.err.find("max_depth"), std::string::npos) << sweep.err;
}

}  // namespace
}  // namespace hitscope
