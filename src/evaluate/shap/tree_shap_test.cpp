// TreeSHAP against its definition (brute force over feature subsets), local accuracy on trees
// and forests, a hand-computed stump, and the summaries.
#include <cmath>

#include <gtest/gtest.h>

#include <hitscope/runtime.hpp>
#include <hitscope/shap.hpp>
#include <hitscope/trees.hpp>

#include "learn/trees/tree_test_data.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using trees::testing::MakeTracks;

double MaxDifference(const ShapValues& a, const ShapValues& b) {
  double worst = 0;
  for (size_t i = 0; i < a.values.size(); ++i) {
    worst = std::max(worst, std::fabs(a.values[i] - b.values[i]));
  }
  return worst;
}

// expected + sum of SHAP values - raw output, worst over rows and outputs.
double LocalAccuracyError(const ShapValues& shap, const Matrix& raw) {
  double worst = 0;
  for (int64_t row = 0; row < shap.rows; ++row) {
    for (int k = 0; k < shap.outputs; ++k) {
      double sum = shap.expected_value[k];
      for (double value : shap.Row(row, k)) sum += value;
      worst = std::max(worst, std::fabs(sum - raw(row, k)));
    }
  }
  return worst;
}

// A stump on feature 0 with covers 3 (left, value 1) and 1 (right, value 5): the expected value
// is (3 * 1 + 1 * 5) / 4 = 2, and a row going left gets SHAP 1 - 2 = -1 on feature 0, 0
// elsewhere.
TEST(TreeShapTest, StumpByHand) {
  TreeEnsemble ensemble;
  ensemble.n_features = 2;
  ensemble.base_value = {0};
  TreeEnsemble::Tree tree;
  tree.left = {1, -1, -1};
  tree.right = {2, -1, -1};
  tree.feature = {0, -2, -2};
  tree.threshold = {0.5, -2, -2};
  tree.cover = {4, 3, 1};
  tree.value = {2, 1, 5};
  ensemble.trees.push_back(tree);
  Matrix x(2, 2, std::vector<double>{0.0, 7.0, 1.0, 7.0});
  ShapValues shap = TreeShap(ensemble, x);
  EXPECT_DOUBLE_EQ(shap.expected_value[0], 2.0);
  EXPECT_DOUBLE_EQ(shap.At(0, 0, 0), -1.0);
  EXPECT_DOUBLE_EQ(shap.At(0, 0, 1), 0.0);
  EXPECT_DOUBLE_EQ(shap.At(1, 0, 0), 3.0);
}

class TreeShapModelTest : public ::testing::TestWithParam<int> {};

TreeEnsemble FitCase(int which, const trees::testing::Labelled& data) {
  switch (which) {
    case 0: {
      DecisionTreeOptions options;
      options.max_depth = 6;
      DecisionTreeClassifier tree(options);
      tree.Fit(data.x, data.y);
      return tree.Ensemble();
    }
    case 1: {
      DecisionTreeRegressor tree;
      tree.Fit(data.x, data.target);
      return tree.Ensemble();
    }
    case 2: {
      RandomForestOptions options;
      options.n_estimators = 5;
      options.tree.max_depth = 8;
      RandomForestClassifier forest(options);
      forest.Fit(data.x, data.y);
      return forest.Ensemble();
    }
    default: {
      RandomForestOptions options = RandomForestRegressor::DefaultOptions();
      options.n_estimators = 4;
      RandomForestRegressor forest(options);
      forest.Fit(data.x, data.target);
      return forest.Ensemble();
    }
  }
}

// Algorithm 2 equals the Shapley values from their definition (Algorithm 1's expectations over
// every subset), for a tree, a deep regression tree and forests.
TEST_P(TreeShapModelTest, EqualsBruteForce) {
  auto data = MakeTracks(300, 5, 3, 1 + static_cast<uint32_t>(GetParam()));
  TreeEnsemble ensemble = FitCase(GetParam(), data);
  std::vector<int64_t> rows = {0, 1, 2, 3, 17, 99};
  Matrix x = data.x.TakeRows(rows);
  ShapValues fast = TreeShap(ensemble, x);
  ShapValues slow = TreeShapBruteForce(ensemble, x);
  EXPECT_LE(MaxDifference(fast, slow), 1e-10);
  EXPECT_EQ(fast.expected_value, slow.expected_value);
}

// Local accuracy: expected value + contributions = the model's output, to 1e-9.
TEST_P(TreeShapModelTest, LocalAccuracy) {
  auto data = MakeTracks(400, 6, 3, 10 + static_cast<uint32_t>(GetParam()));
  TreeEnsemble ensemble = FitCase(GetParam(), data);
  ShapValues shap = TreeShap(ensemble, data.x);
  EXPECT_LE(LocalAccuracyError(shap, ensemble.Predict(data.x)), 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Models, TreeShapModelTest, ::testing::Values(0, 1, 2, 3));

// Negative control: the local-accuracy check notices a changed leaf.
TEST(TreeShapTest, LocalAccuracyCatchesAChangedLeaf) {
  auto data = MakeTracks(200, 4, 3, 20);
  TreeEnsemble ensemble = FitCase(0, data);
  ShapValues shap = TreeShap(ensemble, data.x);
  TreeEnsemble changed = ensemble;
  for (size_t node = 0; node < changed.trees[0].left.size(); ++node) {
    if (changed.trees[0].left[node] < 0) changed.trees[0].value[node * 3] += 0.25;
  }
  EXPECT_GT(LocalAccuracyError(shap, changed.Predict(data.x)), 0.1);
}

TEST(TreeShapTest, SameValuesOnOneAndTwoThreads) {
  auto data = MakeTracks(500, 5, 3, 21);
  TreeEnsemble ensemble = FitCase(2, data);
  SetThreadCount(1);
  ShapValues one = TreeShap(ensemble, data.x);
  SetThreadCount(2);
  ShapValues two = TreeShap(ensemble, data.x);
  SetThreadCount(0);
  EXPECT_EQ(one.values, two.values);
}

TEST(TreeShapTest, SampleOfRowsAndSummaries) {
  auto data = MakeTracks(1000, 5, 3, 22);
  TreeEnsemble ensemble = FitCase(0, data);
  TreeShapOptions options;
  options.max_rows = 100;
  ShapValues sample = TreeShap(ensemble, data.x, options);
  EXPECT_EQ(sample.rows, 100);
  EXPECT_EQ(ShapSampleRows(1000, 100)[1], 10);
  ShapValues all = TreeShap(ensemble, data.x);
  // Row 10 of the data is row 1 of the sample.
  for (int k = 0; k < 3; ++k) {
    for (int64_t f = 0; f < 5; ++f) EXPECT_EQ(sample.At(1, k, f), all.At(10, k, f));
  }
  ShapSummary summary = SummarizeShap(all);
  EXPECT_EQ(summary.mean_abs.size(), 5u);
  EXPECT_NEAR(summary.mean_abs[0],
              summary.per_output(0, 0) + summary.per_output(1, 0) + summary.per_output(2, 0),
              1e-12);
  // Feature 0 drives the classes most.
  EXPECT_EQ(
      std::max_element(summary.mean_abs.begin(), summary.mean_abs.end()) - summary.mean_abs.begin(),
      0);
  std::vector<double> row(data.x.Row(3), data.x.Row(3) + 5);
  ShapExplanation explanation = ExplainRow(all, 3, 2, row);
  EXPECT_EQ(explanation.contributions.size(), 5u);
  for (size_t i = 1; i < explanation.contributions.size(); ++i) {
    EXPECT_GE(std::fabs(explanation.contributions[i - 1].shap),
              std::fabs(explanation.contributions[i].shap));
  }
  EXPECT_NEAR(explanation.prediction,
              ensemble.Predict(data.x.TakeRows(std::vector<int64_t>{3}))(0, 2), 1e-9);
}

TEST(TreeShapTest, BadInputIsRefused) {
  auto data = MakeTracks(100, 4, 3, 23);
  TreeEnsemble ensemble = FitCase(0, data);
  testing::ExpectError([&] { TreeShap(ensemble, Matrix(3, 5)); }, ErrorKind::kInvalidInput,
                       {"SHAP", "5 columns", "fitted on 4"});
  ShapValues shap = TreeShap(ensemble, data.x.TakeRows(std::vector<int64_t>{0, 1}));
  testing::ExpectError([&] { ExplainRow(shap, 5, 0, {}); }, ErrorKind::kInvalidArgument,
                       {"no row 5"});
}

}  // namespace
}  // namespace hitscope
