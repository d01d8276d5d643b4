// The leakage demonstration: on the bundled tracks' real audio features with labels that are
// pure noise, the honest pipeline (SMOTE fitted inside each training part) scores at chance,
// while the original study's protocol (SMOTE on all rows, then the split) scores far above it.
// The numbers are printed, and recorded as test properties.
#include <cstdio>

#include <hitscope/csv.hpp>
#include <hitscope/dataset.hpp>
#include <hitscope/evaluation.hpp>

#include "prepare/random.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

// The first `rows` tracks of the bundled data with noise labels: 60 % low, 25 % medium, 15 %
// high (imbalanced, as popularity classes often are), drawn independently of everything.
Dataset NoiseLabelledTracks(int64_t rows) {
  CsvReadOptions options;
  options.max_rows = rows;
  Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"), options);
  Dataset data = BuildDataset(table, DatasetOptions{});
  for (int64_t row = 0; row < data.rows(); ++row) {
    double u = CounterRng(2024, 0, static_cast<uint64_t>(row)).Uniform();
    data.y[row] = u < 0.6 ? 0 : u < 0.85 ? 1 : 2;
  }
  return data;
}

void Print(const char* name, const Evaluation& evaluation) {
  const ScoreSummary& balanced = evaluation.Score("balanced_accuracy");
  const ScoreSummary& macro = evaluation.Score("macro_f1");
  std::printf("%-34s balanced accuracy %.3f [%.3f, %.3f]  macro F1 %.3f  accuracy %.3f\n", name,
              balanced.mean, balanced.ci_low, balanced.ci_high, macro.mean,
              evaluation.Score("accuracy").mean);
  ::testing::Test::RecordProperty(std::string(name) + " balanced_accuracy",
                                  std::to_string(balanced.mean));
}

TEST(SupervisedLeakageTest, HonestSmoteAtChanceLeakyFarAbove) {
  Dataset data = NoiseLabelledTracks(6000);
  Protocol protocol = Protocol::Parse("stratified:5");
  for (const char* resample : {"smote", "ros"}) {
    PipelineSpec spec;
    spec.Set("resample", resample);
    spec.Set("model", "knn");
    spec.Set("model.k", "5");
    Evaluation honest = CrossValidate(data, spec, protocol);
    Evaluation leaky = EvaluateLeakyResampleBeforeSplit(data, spec, protocol);
    Print((std::string(resample) + " inside the folds (honest)").c_str(), honest);
    Print((std::string(resample) + " before the split (leaky)").c_str(), leaky);
    // Chance: balanced accuracy 1/3 whatever the class shares.
    EXPECT_NEAR(honest.Score("balanced_accuracy").mean, 1.0 / 3, 0.03) << resample;
    EXPECT_LT(honest.Score("balanced_accuracy").ci_low, 1.0 / 3 + 0.01) << resample;
    EXPECT_GT(leaky.Score("balanced_accuracy").mean, 0.55) << resample;
    EXPECT_GT(leaky.Score("balanced_accuracy").ci_low, honest.Score("balanced_accuracy").ci_high)
        << resample << ": the intervals do not even touch";
  }
}

// Negative control: with real signal the honest protocol is not stuck at chance, so the test
// above measures the labels, not a broken pipeline.
TEST(SupervisedLeakageTest, HonestProtocolFindsRealSignal) {
  Dataset data = NoiseLabelledTracks(6000);
  for (int64_t row = 0; row < data.rows(); ++row) {
    data.y[row] = data.x(row, 1) < 0.6 ? 0 : data.x(row, 1) < 0.8 ? 1 : 2;  // energy
  }
  PipelineSpec spec;
  spec.Set("resample", "smote");
  Evaluation honest = CrossValidate(data, spec, Protocol::Parse("stratified:5"));
  Print("smote, labels from energy (honest)", honest);
  EXPECT_GT(honest.Score("balanced_accuracy").mean, 0.6);
}

}  // namespace
}  // namespace hitscope
