// The Pipeline: every step learns from the training rows only; resampling happens in Fit and
// never at prediction; specs, errors, saved states.
#include <cmath>

#include <hitscope/pipeline.hpp>

#include "prepare/random.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

const std::vector<std::string> kNames = {"a", "b", "key"};
const std::vector<std::string> kClasses = {"low", "high"};

// Two classes, 3 features (the third a small integer category), class 1 shifted.
void MakeData(int64_t rows, Matrix* x, Labels* y, uint64_t seed = 1) {
  *x = Matrix(rows, 3);
  y->clear();
  for (int64_t row = 0; row < rows; ++row) {
    CounterRng rng(seed, 0, static_cast<uint64_t>(row));
    int32_t label = row % 4 == 0 ? 1 : 0;  // 25 % class 1
    (*x)(row, 0) = rng.Normal() + 1.5 * label;
    (*x)(row, 1) = 10 + 3 * rng.Normal();
    (*x)(row, 2) = static_cast<double>(rng.Below(4));
    y->push_back(label);
  }
}

TEST(PipelineTest, ScalerLearnsFromTrainingRowsOnly) {
  Matrix train(2, 3, std::vector<double>{0, 0, 0, 2, 4, 1});
  Matrix test(1, 3, std::vector<double>{100, 100, 1});
  PipelineSpec spec;
  spec.Set("model.k", "1");
  Pipeline pipeline(spec, TargetKind::kClass, kNames, kClasses);
  pipeline.FitClasses(train, Labels{0, 1});
  Matrix transformed = pipeline.Transform(test);
  // Training mean 1 and std 1 for column a: a test value of 100 becomes 99, not something
  // computed with the test row included.
  EXPECT_DOUBLE_EQ(transformed(0, 0), 99.0);
  EXPECT_DOUBLE_EQ(transformed(0, 1), (100.0 - 2) / 2);
}

TEST(PipelineTest, ResamplesOnlyWhileFitting) {
  Matrix x;
  Labels y;
  MakeData(400, &x, &y);
  PipelineSpec spec;
  spec.Set("resample", "smote");
  spec.Set("model", "logreg");
  Pipeline pipeline(spec, TargetKind::kClass, kNames, kClasses);
  pipeline.FitClasses(x, y);
  EXPECT_EQ(pipeline.rows_given(), 400);
  EXPECT_EQ(pipeline.rows_fitted(), 600) << "300 low, 100 high + 200 synthetic high";
  Labels predicted;
  Matrix proba;
  pipeline.PredictBoth(x, &predicted, &proba);
  EXPECT_EQ(predicted.size(), 400u) << "one prediction per given row, nothing resampled";
  EXPECT_EQ(proba.rows(), 400);
  EXPECT_EQ(predicted, pipeline.PredictClasses(x));
}

TEST(PipelineTest, OneHotSelectorAndNames) {
  Matrix x;
  Labels y;
  MakeData(200, &x, &y);
  PipelineSpec spec;
  spec.Set("one_hot", "key");
  spec.Set("select_k", "3");
  spec.Set("model", "logreg");
  Pipeline pipeline(spec, TargetKind::kClass, kNames, kClasses);
  pipeline.FitClasses(x, y);
  std::vector<std::string> names = pipeline.ModelFeatureNames();
  ASSERT_EQ(names.size(), 3u);
  EXPECT_NE(std::find(names.begin(), names.end(), "a"), names.end()) << "the informative one";
  EXPECT_EQ(spec.Describe(),
            "standard scaler -> one-hot (key) -> select 3 best -> logreg (C 1.0, max_iter 100, "
            "solver lbfgs, tol 1e-4)");
}

TEST(PipelineTest, SpecParametersRoundTripAndErrors) {
  PipelineSpec spec;
  spec.Set("scaler", "robust");
  spec.Set("resample", "smote_tomek");
  spec.Set("model", "knn");
  spec.Set("model.k", "9");
  PipelineSpec again = PipelineSpec::FromParams(spec.ToParams());
  EXPECT_EQ(again.ToParams(), spec.ToParams());
  EXPECT_EQ(again.Describe(),
            "robust scaler -> smote_tomek (k 5) -> knn (algorithm auto, k 9, leaf_size 30, "
            "weights uniform)");
  testing::ExpectError([&] { spec.Set("scaler", "robst"); }, ErrorKind::kInvalidArgument,
                       {"scaler must be one of", "did you mean 'robust'"});
  testing::ExpectError([&] { spec.Set("resampler", "smote"); }, ErrorKind::kInvalidArgument,
                       {"unknown parameter 'resampler'", "did you mean 'resample'"});
  testing::ExpectError([&] { spec.Set("model", "svm"); }, ErrorKind::kInvalidArgument,
                       {"unknown model 'svm'"});
  PipelineSpec weighted;
  weighted.Set("class_weight", "balanced");
  testing::ExpectError([&] { Pipeline p(weighted, TargetKind::kClass, kNames, kClasses); },
                       ErrorKind::kInvalidArgument, {"knn ignores sample weights"});
  PipelineSpec logreg;
  logreg.Set("model", "logreg");
  testing::ExpectError([&] { Pipeline p(logreg, TargetKind::kPopularity, kNames, {}); },
                       ErrorKind::kInvalidArgument, {"predicts classes", "knn or ridge"});
  PipelineSpec smote_score;
  smote_score.Set("resample", "smote");
  testing::ExpectError([&] { Pipeline p(smote_score, TargetKind::kPopularity, kNames, {}); },
                       ErrorKind::kInvalidArgument, {"need popularity classes"});
  PipelineSpec bad_one_hot;
  bad_one_hot.Set("one_hot", "kee");
  testing::ExpectError([&] { Pipeline p(bad_one_hot, TargetKind::kClass, kNames, kClasses); },
                       ErrorKind::kInvalidArgument, {"'kee'", "did you mean 'key'"});
}

TEST(PipelineTest, SavedStatesRebuildTheSamePredictions) {
  Matrix x;
  Labels y;
  MakeData(300, &x, &y);
  PipelineSpec spec;
  spec.Set("scaler", "minmax");
  spec.Set("one_hot", "key");
  spec.Set("model", "logreg");
  spec.Set("class_weight", "balanced");
  Pipeline pipeline(spec, TargetKind::kClass, kNames, kClasses);
  pipeline.FitClasses(x, y);
  Pipeline copy(spec, TargetKind::kClass, kNames, kClasses);
  copy.LoadStates(pipeline.SaveStates());
  EXPECT_EQ(copy.PredictClasses(x), pipeline.PredictClasses(x));
  EXPECT_EQ(copy.PredictProba(x).data()[11], pipeline.PredictProba(x).data()[11]);
  std::vector<EstimatorState> states = pipeline.SaveStates();
  states.pop_back();
  testing::ExpectError([&] { copy.LoadStates(states); }, ErrorKind::kInvalidInput,
                       {"holds 2 fitted steps", "has 3"});
  // Class weights change the fit (negative control for the weights being used).
  PipelineSpec unweighted = spec;
  unweighted.Set("class_weight", "none");
  Pipeline plain(unweighted, TargetKind::kClass, kNames, kClasses);
  plain.FitClasses(x, y);
  EXPECT_NE(plain.PredictProba(x).data()[11], pipeline.PredictProba(x).data()[11]);
}

TEST(PipelineTest, OneClassIsAClearError) {
  Matrix x;
  Labels y;
  MakeData(50, &x, &y);
  Pipeline pipeline(PipelineSpec{}, TargetKind::kClass, kNames, kClasses);
  testing::ExpectError([&] { pipeline.FitClasses(x, Labels(50, 1)); }, ErrorKind::kInvalidInput,
                       {"a single popularity class ('high')", "--classes"});
}

TEST(PipelineTest, RegressionPipeline) {
  Matrix x;
  Labels y;
  MakeData(200, &x, &y);
  std::vector<double> score(200);
  for (int64_t row = 0; row < 200; ++row) score[row] = 3 * x(row, 0) + 7;
  PipelineSpec spec;
  spec.Set("model", "ridge");
  spec.Set("model.alpha", "0.0001");
  Pipeline pipeline(spec, TargetKind::kPopularity, kNames, {});
  pipeline.FitScores(x, score);
  EXPECT_NEAR(pipeline.PredictScores(x)[5], score[5], 1e-3);
  testing::ExpectError([&] { pipeline.PredictClasses(x); }, ErrorKind::kInvalidArgument,
                       {"predicts the popularity score"});
}

}  // namespace
}  // namespace hitscope
