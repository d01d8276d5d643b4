// hitscope's TreeSHAP on XGBoost's own trees against XGBoost's pred_contribs: the same model,
// the same algorithm, so the same SHAP values (XGBoost computes in float32).
#include <cmath>

#include <gtest/gtest.h>

#include <hitscope/boosting.hpp>
#include <hitscope/shap.hpp>

#include "learn/trees/tree_test_data.hpp"

namespace hitscope {
namespace {

// Worst |ours - XGBoost's| relative to the largest contribution of the model.
double Compare(const XGBoostModel& model, const Matrix& x) {
  Matrix theirs = model.PredictContributions(x);
  ShapValues ours = TreeShap(model.Ensemble(), x);
  const int64_t width = x.cols() + 1;
  double worst = 0, scale = 0;
  for (int64_t row = 0; row < x.rows(); ++row) {
    for (int k = 0; k < ours.outputs; ++k) {
      for (int64_t f = 0; f < x.cols(); ++f) {
        double t = theirs(row, k * width + f);
        worst = std::max(worst, std::fabs(ours.At(row, k, f) - t));
        scale = std::max(scale, std::fabs(t));
      }
      worst =
          std::max(worst, std::fabs(ours.expected_value[k] - theirs(row, k * width + x.cols())));
    }
  }
  return worst / std::max(scale, 1e-12);
}

TEST(XGBoostShapTest, MulticlassMatchesPredContribs) {
  auto data = trees::testing::MakeTracks(2000, 6, 3, 1);
  XGBoostOptions options;
  options.n_estimators = 30;
  options.max_depth = 5;
  XGBoostClassifier model(options);
  model.Fit(data.x, data.y);
  EXPECT_LE(Compare(model, data.x.TakeRows(std::vector<int64_t>{0, 5, 9, 100, 1999})), 2e-5);
}

TEST(XGBoostShapTest, BinaryAndRegressionMatchPredContribs) {
  auto data = trees::testing::MakeTracks(1500, 5, 2, 2);
  XGBoostOptions options;
  options.n_estimators = 20;
  XGBoostClassifier binary(options);
  binary.Fit(data.x, data.y);
  std::vector<int64_t> rows = {0, 1, 2, 3, 700};
  EXPECT_LE(Compare(binary, data.x.TakeRows(rows)), 2e-5);
  XGBoostRegressor regressor(options);
  regressor.Fit(data.x, data.target);
  EXPECT_LE(Compare(regressor, data.x.TakeRows(rows)), 2e-5);
}

// Local accuracy of hitscope's TreeSHAP on XGBoost's trees, in double: to 1e-9 of the margin
// the same trees give.
TEST(XGBoostShapTest, LocalAccuracyOnTheMargin) {
  auto data = trees::testing::MakeTracks(1000, 5, 3, 3);
  XGBoostOptions options;
  options.n_estimators = 25;
  XGBoostClassifier model(options);
  model.Fit(data.x, data.y);
  TreeEnsemble ensemble = model.Ensemble();
  ShapValues shap = TreeShap(ensemble, data.x);
  Matrix margin = ensemble.Predict(data.x);
  for (int64_t row = 0; row < shap.rows; ++row) {
    for (int k = 0; k < 3; ++k) {
      double sum = shap.expected_value[k];
      for (double value : shap.Row(row, k)) sum += value;
      ASSERT_NEAR(sum, margin(row, k), 1e-9);
    }
  }
}

}  // namespace
}  // namespace hitscope
