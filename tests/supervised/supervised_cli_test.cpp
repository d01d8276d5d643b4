// hitscope train / evaluate / predict end to end: outputs on disk, exit codes, messages.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::CliRun;

CliRun Hitscope(const std::string& args, const testing::TempDir& dir) {
  return testing::RunCommand(std::string(HITSCOPE_CLI) + " " + args, dir);
}

// The first `rows` lines of the bundled data, as a CSV in `dir`.
std::string BundledHead(const testing::TempDir& dir, int rows) {
  std::ifstream in(testing::SourcePath("data/spotify_songs.csv"));
  std::string line, text;
  for (int i = 0; i <= rows && std::getline(in, line); ++i) text += line + "\n";
  std::string path = dir.File("songs.csv");
  testing::WriteText(path, text);
  return path;
}

TEST(SupervisedCliTest, HelpHasExamples) {
  testing::TempDir dir;
  for (const char* command : {"train", "evaluate", "predict"}) {
    CliRun help = Hitscope(std::string(command) + " --help", dir);
    EXPECT_EQ(help.code, 0) << command;
    EXPECT_NE(help.out.find("Examples:"), std::string::npos) << command;
  }
  EXPECT_NE(Hitscope("--help", dir).out.find("evaluate"), std::string::npos);
}

TEST(SupervisedCliTest, TrainThenPredict) {
  testing::TempDir dir;
  std::string songs = BundledHead(dir, 2000);
  std::string model = dir.File("knn.hsm");
  CliRun train =
      Hitscope("train " + songs + " --model knn --param k=7 --cv stratified:3 --out " + model, dir);
  ASSERT_EQ(train.code, 0) << train.err;
  EXPECT_NE(train.out.find("stratified 3-fold"), std::string::npos) << train.out;
  EXPECT_NE(train.err.find("wrote '" + model + "'"), std::string::npos) << train.err;
  EXPECT_NE(train.err.find("classes low <= "), std::string::npos) << train.err;
  CliRun predict =
      Hitscope("predict " + model + " " + songs + " --out " + dir.File("predictions.csv"), dir);
  ASSERT_EQ(predict.code, 0) << predict.err;
  std::string predictions = testing::ReadText(dir.File("predictions.csv"));
  EXPECT_EQ(predictions.substr(0, predictions.find('\n')),
            "track_id,predicted_class,p_low,p_medium,p_high");
  EXPECT_EQ(std::count(predictions.begin(), predictions.end(), '\n'), 2001);
  EXPECT_NE(predict.err.find("predicted 2000 of 2000 rows"), std::string::npos) << predict.err;
  // The score target with ridge, written to stdout.
  std::string ridge = dir.File("ridge.hsm");
  ASSERT_EQ(
      Hitscope("train " + songs + " --target popularity --model ridge --out " + ridge, dir).code,
      0);
  CliRun scores = Hitscope("predict " + ridge + " " + songs, dir);
  ASSERT_EQ(scores.code, 0) << scores.err;
  EXPECT_EQ(scores.out.substr(0, scores.out.find('\n')), "track_id,predicted_popularity");
}

TEST(SupervisedCliTest, EvaluateWritesJsonAndShowsTheLeak) {
  testing::TempDir dir;
  std::string songs = BundledHead(dir, 2000);
  CliRun run = Hitscope("evaluate " + songs +
                            " --model knn --param k=1 --resample smote --leaky --cv stratified:3 "
                            "--json " +
                            dir.File("eval.json"),
                        dir);
  ASSERT_EQ(run.code, 0) << run.err;
  for (const char* part : {"precision    recall  f1-score   support", "LEAKY PROTOCOL",
                           "leakage demonstration", "inside each training part only"}) {
    EXPECT_NE(run.out.find(part), std::string::npos) << part;
  }
  auto json = nlohmann::json::parse(testing::ReadText(dir.File("eval.json")));
  EXPECT_EQ(json["honest"]["leaky"], false);
  EXPECT_EQ(json["leaky"]["leaky"], true);
  EXPECT_GT(json["leaky"]["scores"]["accuracy"]["mean"].get<double>(),
            json["honest"]["scores"]["accuracy"]["mean"].get<double>());
}

TEST(SupervisedCliTest, NestedSearchAndGroupedAndTimeProtocols) {
  testing::TempDir dir;
  std::string songs = BundledHead(dir, 1500);
  CliRun nested = Hitscope("evaluate " + songs +
                               " --model logreg --search grid --grid model.C=0.1,1 --cv "
                               "stratified:3 --inner-cv stratified:2",
                           dir);
  ASSERT_EQ(nested.code, 0) << nested.err;
  EXPECT_NE(nested.out.find("nested cross-validation"), std::string::npos) << nested.out;
  CliRun group = Hitscope("evaluate " + songs + " --cv group:artist:3", dir);
  ASSERT_EQ(group.code, 0) << group.err;
  EXPECT_NE(group.out.find("group 3-fold cross-validation by artist"), std::string::npos);
  CliRun time = Hitscope("evaluate " + songs + " --target popularity --model knn --cv time", dir);
  ASSERT_EQ(time.code, 0) << time.err;
  EXPECT_NE(time.out.find("r2"), std::string::npos);
}

// An integrated Beatport/Spotify table (generated, then joined): roles detected, grouped by ISRC
// and by artist, time-ordered, trained and used.
TEST(SupervisedCliTest, IntegratedTableEndToEnd) {
  testing::TempDir dir;
  ASSERT_EQ(Hitscope("generate --tracks 4000 --seed 5 --feature-coverage 1 "
                     "--popularity-coverage 1 --out " +
                         dir.File("gen"),
                     dir)
                .code,
            0);
  std::string tracks = dir.File("tracks.csv");
  ASSERT_EQ(Hitscope("integrate " + dir.File("gen") + " --out " + tracks, dir).code, 0);
  CliRun isrc = Hitscope("evaluate " + tracks + " --model logreg --cv group:isrc:3", dir);
  ASSERT_EQ(isrc.code, 0) << isrc.err;
  EXPECT_NE(isrc.out.find("group 3-fold cross-validation by isrc"), std::string::npos);
  EXPECT_NE(isrc.err.find("target: 'popularity' in classes low <= 0 < medium"), std::string::npos)
      << isrc.err;
  CliRun time = Hitscope("evaluate " + tracks + " --cv time:2 --resample ros", dir);
  ASSERT_EQ(time.code, 0) << time.err;
  EXPECT_NE(time.out.find("time-ordered expanding windows (2 splits"), std::string::npos);
  std::string model = dir.File("m.hsm");
  ASSERT_EQ(Hitscope("train " + tracks + " --cv group:artist:3 --out " + model, dir).code, 0);
  CliRun predict = Hitscope("predict " + model + " " + tracks, dir);
  ASSERT_EQ(predict.code, 0) << predict.err;
  EXPECT_EQ(predict.out.substr(0, predict.out.find('\n')),
            "track_id,predicted_class,p_low,p_medium,p_high");
}

TEST(SupervisedCliTest, BadInputsAreClearErrors) {
  testing::TempDir dir;
  std::string songs = BundledHead(dir, 300);
  CliRun unknown = Hitscope("evaluate " + songs + " --model svm", dir);
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown model 'svm'"), std::string::npos) << unknown.err;
  CliRun param = Hitscope("evaluate " + songs + " --param kk=3", dir);
  EXPECT_EQ(param.code, 2);
  EXPECT_NE(param.err.find("no parameter 'kk'"), std::string::npos) << param.err;
  CliRun protocol = Hitscope("evaluate " + songs + " --cv kfold:5", dir);
  EXPECT_EQ(protocol.code, 2);
  CliRun isrc = Hitscope("evaluate " + songs + " --cv group:isrc:3", dir);
  EXPECT_EQ(isrc.code, 1);
  EXPECT_NE(isrc.err.find("needs an isrc column"), std::string::npos) << isrc.err;
  CliRun column = Hitscope("evaluate " + songs + " --features energy,tempo2", dir);
  EXPECT_EQ(column.code, 1);
  EXPECT_NE(column.err.find("did you mean 'tempo'"), std::string::npos) << column.err;
  CliRun big_k = Hitscope("evaluate " + songs + " --param k=500 --cv holdout:0.5", dir);
  EXPECT_EQ(big_k.code, 1);
  EXPECT_NE(big_k.err.find("k = 500 neighbours, but there are only"), std::string::npos)
      << big_k.err;
  CliRun one_class = Hitscope("train " + songs + " --classes edges:1000,2000 --out x.hsm", dir);
  EXPECT_EQ(one_class.code, 1);
  EXPECT_NE(one_class.err.find("a single popularity class ('low')"), std::string::npos)
      << one_class.err;
  CliRun no_out = Hitscope("train " + songs, dir);
  EXPECT_EQ(no_out.code, 2) << "--out is required";
  // A corrupt model file and a table without the model's columns.
  std::string model = dir.File("m.hsm");
  ASSERT_EQ(Hitscope("train " + songs + " --out " + model, dir).code, 0);
  std::string bytes = testing::ReadText(model);
  bytes[bytes.size() / 2] ^= 1;
  testing::WriteText(dir.File("bad.hsm"), bytes);
  CliRun corrupt = Hitscope("predict " + dir.File("bad.hsm") + " " + songs, dir);
  EXPECT_EQ(corrupt.code, 1);
  EXPECT_NE(corrupt.err.find("is corrupt"), std::string::npos) << corrupt.err;
  testing::WriteText(dir.File("other.csv"), "track_id,energy\na,0.5\n");
  CliRun schema = Hitscope("predict " + model + " " + dir.File("other.csv"), dir);
  EXPECT_EQ(schema.code, 1);
  EXPECT_NE(schema.err.find("lacks feature columns"), std::string::npos) << schema.err;
  CliRun leaky = Hitscope("evaluate " + songs + " --leaky", dir);
  EXPECT_EQ(leaky.code, 2);
  EXPECT_NE(leaky.err.find("add --resample"), std::string::npos);
}

}  // namespace
}  // namespace hitscope
