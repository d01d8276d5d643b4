// Gradient boosting through XGBoost: it learns, early stopping keeps the best round, its trees as
// a TreeEnsemble reproduce its margins, its SHAP values add up, saving round-trips, and bad input
// is refused with a message.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include <hitscope/boosting.hpp>
#include <hitscope/runtime.hpp>

#include "learn/trees/tree_test_data.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using trees::testing::Accuracy;
using trees::testing::MakeTracks;

XGBoostOptions Small(int rounds) {
  XGBoostOptions options;
  options.n_estimators = rounds;
  options.max_depth = 4;
  options.n_threads = 2;
  return options;
}

TEST(XGBoostTest, ClassifierLearnsAndGivesProbabilities) {
  auto train = MakeTracks(3000, 6, 3, 1);
  auto test = MakeTracks(1000, 6, 3, 2);
  XGBoostClassifier model(Small(40));
  model.Fit(train.x, train.y);
  EXPECT_EQ(model.num_classes(), 3);
  EXPECT_EQ(model.rounds(), 40);
  EXPECT_GT(Accuracy(model.Predict(test.x), test.y), 0.7);
  Matrix proba = model.PredictProba(test.x);
  for (int64_t row = 0; row < 20; ++row) {
    EXPECT_NEAR(proba(row, 0) + proba(row, 1) + proba(row, 2), 1.0, 1e-6);
  }
  std::vector<double> importances = model.FeatureImportances();
  double total = 0;
  for (double value : importances) total += value;
  EXPECT_NEAR(total, 1.0, 1e-6);
  EXPECT_EQ(std::max_element(importances.begin(), importances.end()) - importances.begin(), 0);
}

TEST(XGBoostTest, BinaryClassifierHasTwoColumns) {
  auto data = MakeTracks(800, 4, 2, 3);
  XGBoostClassifier model(Small(10));
  model.Fit(data.x, data.y);
  Matrix proba = model.PredictProba(data.x);
  EXPECT_EQ(proba.cols(), 2);
  EXPECT_NEAR(proba(0, 0) + proba(0, 1), 1.0, 1e-6);
}

// The trees read back from XGBoost's JSON give XGBoost's own margins (float32 rounding apart),
// for the three objectives.
TEST(XGBoostTest, EnsembleReproducesTheMargins) {
  for (int classes : {2, 3}) {
    auto data = MakeTracks(1000, 5, classes, 4);
    XGBoostClassifier model(Small(15));
    model.Fit(data.x, data.y);
    Matrix margin = model.PredictMargin(data.x);
    Matrix ours = model.Ensemble().Predict(data.x);
    ASSERT_EQ(ours.cols(), margin.cols());
    for (int64_t i = 0; i < static_cast<int64_t>(ours.data().size()); ++i) {
      EXPECT_NEAR(ours.data()[i], margin.data()[i], 1e-5) << "classes " << classes;
    }
  }
  auto data = MakeTracks(1000, 5, 3, 5);
  XGBoostRegressor regressor(Small(15));
  regressor.Fit(data.x, data.target);
  std::vector<double> predicted = regressor.Predict(data.x);
  Matrix ours = regressor.Ensemble().Predict(data.x);
  for (int64_t row = 0; row < 100; ++row) EXPECT_NEAR(ours(row, 0), predicted[row], 1e-3);
}

// XGBoost's SHAP values (pred_contribs) add up to the margin: local accuracy.
TEST(XGBoostTest, ContributionsAddUpToTheMargin) {
  auto data = MakeTracks(600, 4, 3, 6);
  XGBoostClassifier model(Small(12));
  model.Fit(data.x, data.y);
  Matrix contributions = model.PredictContributions(data.x);
  Matrix margin = model.PredictMargin(data.x);
  ASSERT_EQ(contributions.cols(), 3 * 5);
  for (int64_t row = 0; row < 50; ++row) {
    for (int k = 0; k < 3; ++k) {
      double sum = 0;
      for (int f = 0; f < 5; ++f) sum += contributions(row, k * 5 + f);
      EXPECT_NEAR(sum, margin(row, k), 1e-4);
    }
  }
}

TEST(XGBoostTest, EarlyStoppingKeepsTheBestRound) {
  auto data = MakeTracks(2000, 6, 3, 7);
  XGBoostOptions options = Small(300);
  options.learning_rate = 0.5;
  options.max_depth = 6;
  options.early_stopping_rounds = 5;
  XGBoostClassifier model(options);
  model.Fit(data.x, data.y);
  const std::vector<double>& history = model.validation_history();
  ASSERT_FALSE(history.empty());
  EXPECT_LT(static_cast<int>(history.size()), 300);
  int best = static_cast<int>(std::min_element(history.begin(), history.end()) - history.begin());
  EXPECT_EQ(model.best_iteration(), best);
  EXPECT_EQ(static_cast<int>(history.size()), best + 1 + 5);

  // An explicit validation fold.
  auto valid = MakeTracks(500, 6, 3, 8);
  XGBoostClassifier explicit_fold(options);
  explicit_fold.FitWithValidation(data.x, data.y, valid.x, valid.y);
  EXPECT_LT(explicit_fold.rounds(), 300);
}

TEST(XGBoostTest, SaveAndLoadGiveTheSameModel) {
  auto data = MakeTracks(500, 4, 3, 9);
  XGBoostClassifier model(Small(8));
  model.Fit(data.x, data.y);
  XGBoostClassifier loaded;
  loaded.LoadState(model.SaveState());
  Matrix a = loaded.PredictProba(data.x), b = model.PredictProba(data.x);
  EXPECT_TRUE(std::equal(a.data().begin(), a.data().end(), b.data().begin()));
  EXPECT_EQ(loaded.options().n_estimators, 8);

  EstimatorState damaged = model.SaveState();
  damaged.texts["xgboost_model"] = "{\"learner\": 3";
  testing::ExpectError([&] { loaded.LoadState(damaged); }, ErrorKind::kInvalidInput,
                       {"XGBoost cannot read the saved model", "damaged"});
}

TEST(XGBoostTest, RegressorLearnsPopularity) {
  auto train = MakeTracks(3000, 5, 3, 10);
  auto test = MakeTracks(1000, 5, 3, 11);
  XGBoostRegressor model(Small(60));
  model.Fit(train.x, train.target);
  std::vector<double> predicted = model.Predict(test.x);
  double error = 0, spread = 0, mean = 0;
  for (double t : test.target) mean += t / static_cast<double>(test.target.size());
  for (size_t i = 0; i < predicted.size(); ++i) {
    error += (predicted[i] - test.target[i]) * (predicted[i] - test.target[i]);
    spread += (test.target[i] - mean) * (test.target[i] - mean);
  }
  EXPECT_GT(1 - error / spread, 0.5);  // R2
}

// "hist" builds the same trees whatever the thread count.
TEST(XGBoostTest, SameModelOnOneAndFourThreads) {
  auto data = MakeTracks(5000, 6, 3, 13);
  std::vector<Matrix> proba;
  for (int threads : {1, 4}) {
    XGBoostOptions options = Small(20);
    options.n_threads = threads;
    XGBoostClassifier model(options);
    model.Fit(data.x, data.y);
    proba.push_back(model.PredictProba(data.x));
  }
  EXPECT_TRUE(std::equal(proba[0].data().begin(), proba[0].data().end(), proba[1].data().begin()));
}

TEST(XGBoostTest, BadInputIsRefused) {
  auto data = MakeTracks(100, 3, 3, 12);
  XGBoostClassifier model(Small(5));
  testing::ExpectError([&] { model.Predict(data.x); }, ErrorKind::kInvalidArgument, {"call Fit"});
  Matrix with_nan = data.x;
  with_nan(3, 0) = std::nan("");
  testing::ExpectError([&] { model.Fit(with_nan, data.y); }, ErrorKind::kInvalidInput,
                       {"xgboost", "nan", "row 4"});
  testing::ExpectError([&] { model.Fit(data.x, Labels(100, 2)); }, ErrorKind::kInvalidInput,
                       {"at least two classes"});
  XGBoostOptions options = Small(5);
  options.max_depth = 0;
  XGBoostClassifier bad(options);
  testing::ExpectError([&] { bad.Fit(data.x, data.y); }, ErrorKind::kInvalidArgument,
                       {"max_depth must be at least 1"});
  options = Small(5);
  options.tree_method = "gpu";
  XGBoostClassifier gpu(options);
  testing::ExpectError([&] { gpu.Fit(data.x, data.y); }, ErrorKind::kInvalidArgument,
                       {"tree_method 'gpu'"});
  model.Fit(data.x, data.y);
  testing::ExpectError([&] { model.PredictProba(Matrix(2, 5)); }, ErrorKind::kInvalidInput,
                       {"5 columns", "fitted on 3"});
  EXPECT_EQ(XGBoostVersion().substr(0, 3), "1.7");
}

}  // namespace
}  // namespace hitscope
