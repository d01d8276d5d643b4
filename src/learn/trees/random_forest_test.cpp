// Random forests: thread independence, out-of-bag scores, the splitters, saving, and bad input.
#include <cmath>

#include <gtest/gtest.h>

#include <hitscope/runtime.hpp>
#include <hitscope/trees.hpp>

#include "learn/trees/tree_test_data.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using trees::testing::Accuracy;
using trees::testing::MakeTracks;

RandomForestOptions SmallForest(int trees) {
  RandomForestOptions options;
  options.n_estimators = trees;
  options.seed = 3;
  return options;
}

TEST(RandomForestTest, SameForestOnOneAndTwoThreads) {
  auto data = MakeTracks(3000, 6, 3, 1);
  std::vector<Matrix> proba;
  for (int threads : {1, 2}) {
    SetThreadCount(threads);
    RandomForestClassifier forest(SmallForest(8));
    forest.Fit(data.x, data.y);
    proba.push_back(forest.PredictProba(data.x));
  }
  SetThreadCount(0);
  EXPECT_TRUE(std::equal(proba[0].data().begin(), proba[0].data().end(), proba[1].data().begin()));
}

// Batches walk the trees 16 rows at a time (CompiledTrees::AddLeafShares): at awkward sizes
// around the lane and block widths, every row gets what it gets alone, and PredictBoth agrees
// with Predict and PredictProba.
TEST(RandomForestTest, BatchesAgreeWithSingleRowsAtAwkwardSizes) {
  auto data = MakeTracks(700, 6, 3, 11);
  RandomForestClassifier forest(SmallForest(12));
  forest.Fit(data.x, data.y);
  for (int64_t rows : {1, 3, 7, 15, 16, 17, 31, 33, 255, 257, 700}) {
    Matrix x(rows, data.x.cols());
    std::copy(data.x.Row(0), data.x.Row(0) + rows * data.x.cols(), x.Row(0));
    Matrix batch = forest.PredictProba(x);
    for (int64_t row = 0; row < rows; ++row) {
      Matrix one(1, x.cols());
      std::copy(x.Row(row), x.Row(row) + x.cols(), one.Row(0));
      Matrix alone = forest.PredictProba(one);
      for (int64_t k = 0; k < batch.cols(); ++k) {
        ASSERT_EQ(batch(row, k), alone(0, k)) << rows << " rows, row " << row;
      }
    }
    Labels labels;
    Matrix proba;
    forest.PredictBoth(x, &labels, &proba);
    EXPECT_EQ(labels, forest.Predict(x)) << rows;
    EXPECT_TRUE(std::equal(proba.data().begin(), proba.data().end(), batch.data().begin()));
  }
}

// PredictProba is exactly scikit-learn's sum: per row, tree by tree, the leaf's values divided by
// their sum, then divided by the number of trees; with the compact shares walk (few features)
// and without it (255 features or more, where the 16-byte nodes are walked).
TEST(RandomForestTest, ProbabilitiesAreTheTreesLeavesSummedInOrder) {
  for (int features : {6, 260}) {
    auto train = MakeTracks(features > 100 ? 300 : 2000, features, 3, 12);
    auto test = MakeTracks(301, features, 3, 13);
    RandomForestClassifier forest(SmallForest(features > 100 ? 3 : 9));
    forest.Fit(train.x, train.y);
    Matrix proba = forest.PredictProba(test.x);
    for (int64_t row = 0; row < test.x.rows(); ++row) {
      std::vector<double> expected(3, 0.0);
      for (const TreeNodes& tree : forest.trees()) {
        std::span<const double> value = tree.Value(tree.Leaf(test.x.Row(row)));
        double sum = 0;
        for (double v : value) sum += v;
        if (sum == 0) sum = 1;
        for (int k = 0; k < 3; ++k) expected[k] += value[k] / sum;
      }
      for (int k = 0; k < 3; ++k) {
        expected[k] /= static_cast<double>(forest.trees().size());
        ASSERT_EQ(proba(row, k), expected[k]) << features << " features, row " << row;
      }
    }
  }
}

TEST(RandomForestTest, OutOfBagScoreEstimatesHeldOutAccuracy) {
  auto train = MakeTracks(3000, 6, 3, 2);
  auto test = MakeTracks(3000, 6, 3, 3);
  RandomForestOptions options = SmallForest(40);
  options.oob_score = true;
  RandomForestClassifier forest(options);
  forest.Fit(train.x, train.y);
  double held_out = Accuracy(forest.Predict(test.x), test.y);
  EXPECT_NEAR(forest.oob_score(), held_out, 0.04);
  EXPECT_EQ(forest.oob_rows_never_left_out(), 0);
  EXPECT_EQ(forest.oob_decision_function().rows(), 3000);
  // PredictProba averages the trees' normalised leaves: rows sum to 1.
  Matrix proba = forest.PredictProba(test.x);
  for (int64_t row = 0; row < 10; ++row) {
    EXPECT_NEAR(proba(row, 0) + proba(row, 1) + proba(row, 2), 1.0, 1e-12);
  }
}

// Without bootstrap and with all features drawn, every tree sees the same rows: the same root
// split, and (grown to purity) every training row predicted. Deeper down, equally good splits
// are broken by each tree's own feature order, so the trees may differ there.
TEST(RandomForestTest, NoBootstrapAllFeaturesGivesTheSameRoot) {
  auto data = MakeTracks(500, 4, 3, 4);
  RandomForestOptions options = SmallForest(3);
  options.bootstrap = false;
  options.tree.max_features = MaxFeatures::All();
  RandomForestClassifier forest(options);
  forest.Fit(data.x, data.y);
  for (const TreeNodes& tree : forest.trees()) {
    EXPECT_EQ(tree.feature[0], forest.trees()[0].feature[0]);
    EXPECT_EQ(tree.threshold[0], forest.trees()[0].threshold[0]);
    EXPECT_EQ(tree.n_node_samples[0], 500);
  }
  EXPECT_EQ(forest.Predict(data.x), data.y);
}

TEST(RandomForestTest, HistogramForestIsAsAccurate) {
  auto train = MakeTracks(4000, 6, 3, 5);
  auto test = MakeTracks(2000, 6, 3, 6);
  RandomForestClassifier exact(SmallForest(20));
  RandomForestOptions options = SmallForest(20);
  options.tree.splitter = TreeSplitter::kHistogram;
  RandomForestClassifier histogram(options);
  exact.Fit(train.x, train.y);
  histogram.Fit(train.x, train.y);
  EXPECT_NEAR(Accuracy(histogram.Predict(test.x), test.y), Accuracy(exact.Predict(test.x), test.y),
              0.03);
}

TEST(RandomForestTest, ImportancesAverageTheTrees) {
  auto data = MakeTracks(1000, 5, 3, 7);
  RandomForestClassifier forest(SmallForest(5));
  forest.Fit(data.x, data.y);
  std::vector<double> importances = forest.FeatureImportances();
  std::vector<std::vector<double>> per_tree = forest.TreeImportances();
  ASSERT_EQ(per_tree.size(), 5u);
  double total = 0;
  for (size_t f = 0; f < importances.size(); ++f) {
    double mean = 0;
    for (const auto& tree : per_tree) mean += tree[f] / 5.0;
    EXPECT_NEAR(importances[f], mean, 1e-12);  // each tree's importances sum to 1 already
    total += importances[f];
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(RandomForestTest, RegressorAveragesItsTreesAndScoresOutOfBag) {
  auto data = MakeTracks(1500, 5, 3, 8);
  RandomForestOptions options = RandomForestRegressor::DefaultOptions();
  options.n_estimators = 10;
  options.oob_score = true;
  RandomForestRegressor forest(options);
  forest.Fit(data.x, data.target);
  std::vector<double> predicted = forest.Predict(data.x);
  TreeEnsemble ensemble = forest.Ensemble();
  Matrix raw = ensemble.Predict(data.x);
  for (int64_t row = 0; row < 20; ++row) EXPECT_NEAR(predicted[row], raw(row, 0), 1e-9);
  EXPECT_GT(forest.oob_score(), 0.3);
  EXPECT_LT(forest.oob_score(), 1.0);
}

TEST(RandomForestTest, SaveAndLoadGiveTheSameModel) {
  auto data = MakeTracks(600, 5, 3, 9);
  RandomForestClassifier forest(SmallForest(4));
  forest.Fit(data.x, data.y);
  RandomForestClassifier loaded;
  loaded.LoadState(forest.SaveState());
  EXPECT_EQ(loaded.options().n_estimators, 4);
  Matrix a = loaded.PredictProba(data.x), b = forest.PredictProba(data.x);
  EXPECT_TRUE(std::equal(a.data().begin(), a.data().end(), b.data().begin()));
  EXPECT_EQ(loaded.FeatureImportances(), forest.FeatureImportances());
}

TEST(RandomForestTest, BadOptionsAreRejected) {
  auto data = MakeTracks(40, 3, 2, 10);
  auto fit = [&](RandomForestOptions options) {
    return [options, &data] {
      RandomForestClassifier forest(options);
      forest.Fit(data.x, data.y);
    };
  };
  RandomForestOptions options;
  options.n_estimators = 0;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"n_estimators"});
  options = {};
  options.bootstrap = false;
  options.oob_score = true;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"oob_score needs bootstrap"});
  options = {};
  options.max_samples = 41;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"max_samples", "1..40"});
  options = {};
  options.tree.max_depth = 0;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"random forest", "max_depth"});
}

}  // namespace
}  // namespace hitscope
