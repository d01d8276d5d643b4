// Protocols, cross-validation, search, nested search and the leaky protocol on synthetic data.
// The full leakage demonstration with its numbers is tests/supervised/supervised_leakage_test.cpp.
#include <cmath>

#include <nlohmann/json.hpp>

#include <hitscope/evaluation.hpp>

#include "prepare/random.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

// Two informative features and one noise feature; classes 0/1/2 by a noisy linear score.
// `noise_labels`: labels drawn at random (60 / 25 / 15 %), unrelated to the features.
Dataset MakeDataset(int64_t rows, bool noise_labels = false, uint64_t seed = 3) {
  Dataset data;
  data.feature_names = {"a", "b", "noise"};
  data.target = TargetKind::kClass;
  data.classes.names = {"low", "medium", "high"};
  data.classes.upper_edges = {0.5, 1.5};
  data.x = Matrix(rows, 3);
  for (int64_t row = 0; row < rows; ++row) {
    CounterRng rng(seed, 0, static_cast<uint64_t>(row));
    double a = rng.Normal(), b = rng.Normal();
    data.x(row, 0) = a;
    data.x(row, 1) = b;
    data.x(row, 2) = rng.Normal();
    double score = a + 0.5 * b + 0.3 * rng.Normal();
    int32_t label = score < -0.4 ? 0 : score < 0.6 ? 1 : 2;
    if (noise_labels) {
      double u = rng.Uniform();
      label = u < 0.6 ? 0 : u < 0.85 ? 1 : 2;
    }
    data.y.push_back(label);
    data.popularity.push_back(label);
    data.artist_groups.push_back(row / 5);
    data.years.push_back(2000 + static_cast<int32_t>(row % 10));
    data.source_rows.push_back(row);
  }
  return data;
}

TEST(ProtocolTest, ParsesAndDescribes) {
  EXPECT_EQ(Protocol::Parse("stratified:10").folds, 10);
  EXPECT_EQ(Protocol::Parse("repeated:5x3").repeats, 3);
  Protocol group = Protocol::Parse("group:isrc:4");
  EXPECT_EQ(group.group, "isrc");
  EXPECT_EQ(group.ToString(), "group:isrc:4");
  EXPECT_EQ(Protocol::Parse("time").Describe(),
            "time-ordered split (train on earlier release years, test on the latest ~20 %)");
  EXPECT_EQ(Protocol::Parse("holdout:0.3").ToString(), "holdout:0.3");
  testing::ExpectError([] { Protocol::Parse("stratified:x"); }, ErrorKind::kInvalidArgument,
                       {"'x' is not an integer", "the forms are"});
  testing::ExpectError([] { Protocol::Parse("group:label:5"); }, ErrorKind::kInvalidArgument,
                       {"unknown group 'label'"});
  testing::ExpectError([] { Protocol::Parse("kfold"); }, ErrorKind::kInvalidArgument,
                       {"unknown protocol 'kfold'"});
}

TEST(CrossValidateTest, EveryProtocolScoresUnseenRows) {
  Dataset data = MakeDataset(600);
  PipelineSpec spec;
  spec.Set("model", "logreg");
  for (const char* text :
       {"stratified:5", "repeated:3x2", "group:artist:4", "time:3", "holdout:0.25", "time"}) {
    Protocol protocol = Protocol::Parse(text);
    Evaluation evaluation = CrossValidate(data, spec, protocol);
    int64_t test_rows = 0;
    for (const auto& fold : evaluation.folds) test_rows += fold.test_rows;
    EXPECT_GT(evaluation.Score("accuracy").mean, 0.6) << text << ": well above chance (1/3)";
    EXPECT_GT(evaluation.Score("roc_auc_ovr").mean, 0.8) << text;
    if (protocol.kind == ProtocolKind::kStratifiedKFold) {
      EXPECT_EQ(test_rows, 600) << "every row tested once";
      EXPECT_EQ(evaluation.folds.size(), 5u);
      EXPECT_LT(evaluation.Score("accuracy").ci_low, evaluation.Score("accuracy").mean);
    }
  }
}

TEST(CrossValidateTest, TextAndJsonNameTheProtocol) {
  Dataset data = MakeDataset(300);
  PipelineSpec spec;
  spec.Set("resample", "smote");
  Evaluation evaluation = CrossValidate(data, spec, Protocol::Parse("stratified:3"));
  std::string text = evaluation.ToText();
  for (const char* part : {"stratified 3-fold cross-validation", "inside each training part only",
                           "95 % interval", "macro avg", "confusion matrix"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
  nlohmann::json json = nlohmann::json::parse(evaluation.ToJson());
  EXPECT_EQ(json["protocol"]["name"], "stratified:3");
  EXPECT_EQ(json["leaky"], false);
  EXPECT_EQ(json["pipeline"]["resample"], "smote");
  EXPECT_EQ(json["scores"]["macro_f1"]["per_fold"].size(), 3u);
  EXPECT_GT(json["splits"][0]["fitted_rows"].get<int64_t>(),
            json["splits"][0]["train_rows"].get<int64_t>());
}

// Labels that are pure noise: honest resampling inside the folds scores at chance, resampling
// before the split scores far above it (KNN with k = 1 finds the copies).
TEST(LeakyProtocolTest, LeakyScoresFarAboveHonestOnNoise) {
  Dataset data = MakeDataset(900, /*noise_labels=*/true);
  PipelineSpec spec;
  spec.Set("resample", "ros");
  spec.Set("model.k", "1");
  Protocol protocol = Protocol::Parse("stratified:5");
  Evaluation honest = CrossValidate(data, spec, protocol);
  Evaluation leaky = EvaluateLeakyResampleBeforeSplit(data, spec, protocol);
  EXPECT_NEAR(honest.Score("balanced_accuracy").mean, 1.0 / 3, 0.06);
  EXPECT_GT(leaky.Score("balanced_accuracy").mean, 0.45);
  EXPECT_TRUE(leaky.leaky);
  EXPECT_NE(leaky.ToText().find("LEAKY PROTOCOL"), std::string::npos);
  PipelineSpec plain;
  testing::ExpectError([&] { EvaluateLeakyResampleBeforeSplit(data, plain, protocol); },
                       ErrorKind::kInvalidArgument, {"needs a resampler"});
}

TEST(SearchTest, GridFindsTheBetterCandidate) {
  Dataset data = MakeDataset(500);
  PipelineSpec base;
  SearchSpace space = {{"model.k", {"1", "25"}}, {"scaler", {"standard", "robust"}}};
  SearchResult result = Search(data, base, space, SearchOptions{}, Protocol::Parse("stratified:3"));
  ASSERT_EQ(result.candidates.size(), 4u);
  EXPECT_EQ(result.candidates[1].varied.at("model.k"), "1");
  EXPECT_EQ(result.candidates[1].varied.at("scaler"), "robust")
      << "the last name (sorted) varies fastest";
  EXPECT_EQ(result.candidates[result.best].varied.at("model.k"), "25")
      << "smooth boundary: more neighbours win";
  EXPECT_NE(result.ToText().find("<- best"), std::string::npos);
  SearchOptions random;
  random.random = true;
  random.candidates = 3;
  random.seed = 4;
  EXPECT_EQ(Search(data, base, space, random, Protocol::Parse("stratified:3")).candidates.size(),
            3u);
  testing::ExpectError(
      [&] {
        Search(data, base, {{"model.kk", {"1"}}}, SearchOptions{}, Protocol::Parse("stratified:3"));
      },
      ErrorKind::kInvalidArgument, {"no parameter 'kk'"});
}

TEST(SearchTest, NestedSearchesInsideEachOuterTrainingPart) {
  Dataset data = MakeDataset(400);
  PipelineSpec base;
  SearchSpace space = {{"model.k", {"1", "15"}}};
  NestedEvaluation nested =
      NestedCrossValidate(data, base, space, SearchOptions{}, Protocol::Parse("stratified:3"),
                          Protocol::Parse("stratified:2"));
  ASSERT_EQ(nested.chosen.size(), 3u);
  for (const auto& search : nested.searches) {
    // The inner search saw about two thirds of the rows, split in halves.
    EXPECT_NEAR(static_cast<double>(search.candidates[0].score.per_fold.size()), 2, 0);
  }
  EXPECT_EQ(nested.outer.folds.size(), 3u);
  EXPECT_NE(nested.ToText().find("split 3: model.k="), std::string::npos);
}

TEST(CrossValidateTest, PopularityScoreTarget) {
  Dataset data = MakeDataset(300);
  data.target = TargetKind::kPopularity;
  PipelineSpec spec;
  spec.Set("model", "ridge");
  Evaluation evaluation = CrossValidate(data, spec, Protocol::Parse("group:artist:3"));
  EXPECT_GT(evaluation.Score("r2").mean, 0.3);
  EXPECT_LT(evaluation.Score("mae").mean, 1.0);
  // Stratified protocols stratify the score by its quintiles.
  Evaluation stratified = CrossValidate(data, spec, Protocol::Parse("stratified:3"));
  EXPECT_EQ(stratified.folds.size(), 3u);
  EXPECT_GT(stratified.Score("r2").mean, 0.3);
}

TEST(CrossValidateTest, MissingGroupsOrYearsAreClearErrors) {
  Dataset data = MakeDataset(100);
  data.isrc_groups.clear();
  data.years.clear();
  PipelineSpec spec;
  testing::ExpectError([&] { CrossValidate(data, spec, Protocol::Parse("group:isrc:3")); },
                       ErrorKind::kInvalidInput, {"needs an isrc column", "--isrc-column"});
  testing::ExpectError([&] { CrossValidate(data, spec, Protocol::Parse("time")); },
                       ErrorKind::kInvalidInput, {"needs release dates"});
}

}  // namespace
}  // namespace hitscope
