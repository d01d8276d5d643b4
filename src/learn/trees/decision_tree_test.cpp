// Decision trees: known answers, agreement between the splitters, weights, saving, threads and
// every bad input with its message.
#include <algorithm>
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

Matrix Column(std::initializer_list<double> values) {
  return Matrix(static_cast<int64_t>(values.size()), 1, std::vector<double>(values));
}

// One feature, two classes split cleanly between 2 and 3: a stump at the midpoint 2.5.
TEST(DecisionTreeTest, StumpAtTheMidpoint) {
  DecisionTreeClassifier tree;
  tree.Fit(Column({1, 2, 3, 4}), std::vector<int32_t>{0, 0, 1, 1});
  const TreeNodes& nodes = tree.tree();
  ASSERT_EQ(nodes.node_count(), 3);
  EXPECT_EQ(nodes.feature[0], 0);
  EXPECT_EQ(nodes.threshold[0], 2.5);
  EXPECT_EQ(nodes.impurity[0], 0.5);
  EXPECT_EQ(nodes.left[0], 1);
  EXPECT_EQ(nodes.right[0], 2);
  EXPECT_EQ(std::vector<double>(nodes.Value(1).begin(), nodes.Value(1).end()),
            (std::vector<double>{2, 0}));
  EXPECT_EQ(std::vector<double>(nodes.Value(2).begin(), nodes.Value(2).end()),
            (std::vector<double>{0, 2}));
  EXPECT_EQ(nodes.max_depth, 1);
  // float32(2.5000001) is 2.5: compared as float32, as scikit-learn compares.
  EXPECT_EQ(tree.Predict(Column({2.5, 2.5000001, 2.5000003, 0, 9})), (Labels{0, 0, 1, 0, 1}));
  Matrix proba = tree.PredictProba(Column({0}));
  EXPECT_EQ(proba(0, 0), 1.0);
  EXPECT_EQ(tree.FeatureImportances(), std::vector<double>{1.0});
}

// XOR needs depth 2; depth 1 cannot separate it.
TEST(DecisionTreeTest, XorNeedsTwoLevels) {
  Matrix x(4, 2, std::vector<double>{0, 0, 0, 1, 1, 0, 1, 1});
  Labels y = {0, 1, 1, 0};
  DecisionTreeOptions deep;
  DecisionTreeClassifier tree(deep);
  tree.Fit(x, y);
  EXPECT_EQ(tree.Predict(x), y);
  EXPECT_EQ(tree.tree().max_depth, 2);
  DecisionTreeOptions shallow;
  shallow.max_depth = 1;
  DecisionTreeClassifier stump(shallow);
  stump.Fit(x, y);
  EXPECT_LT(Accuracy(stump.Predict(x), y), 1.0);
}

TEST(DecisionTreeTest, RegressionTreeMeansAndSquaredError) {
  DecisionTreeRegressor tree;
  tree.Fit(Column({1, 2, 3, 4}), std::vector<double>{10, 10, 30, 50});
  const TreeNodes& nodes = tree.tree();
  EXPECT_EQ(nodes.value[0], 25.0);
  // Variance of {10, 10, 30, 50}: mean 25, squares 225 + 225 + 25 + 625 = 1100 / 4.
  EXPECT_EQ(nodes.impurity[0], 275.0);
  EXPECT_EQ(tree.Predict(Column({1, 3, 4})), (std::vector<double>{10, 30, 50}));
}

// The three splitters agree: exact and the literal scikit-learn port node for node; histogram
// (with one bin per distinct value) on every training prediction and the tree's shape.
TEST(DecisionTreeTest, SplittersAgree) {
  auto data = MakeTracks(600, 5, 3, 1, /*decimals=*/1);
  std::vector<TreeNodes> grown;
  std::vector<Labels> predictions;
  for (TreeSplitter splitter :
       {TreeSplitter::kExact, TreeSplitter::kSklearn, TreeSplitter::kHistogram}) {
    DecisionTreeOptions options;
    options.splitter = splitter;
    options.max_features = MaxFeatures::Count(3);
    options.seed = 5;
    DecisionTreeClassifier tree(options);
    tree.Fit(data.x, data.y);
    grown.push_back(tree.tree());
    predictions.push_back(tree.Predict(data.x));
  }
  EXPECT_EQ(grown[0].feature, grown[1].feature);
  EXPECT_EQ(grown[0].threshold, grown[1].threshold);
  EXPECT_EQ(grown[0].value, grown[1].value);
  EXPECT_EQ(grown[0].impurity, grown[1].impurity);
  EXPECT_EQ(grown[0].feature, grown[2].feature);
  EXPECT_EQ(grown[0].n_node_samples, grown[2].n_node_samples);
  EXPECT_EQ(grown[0].value, grown[2].value);
  EXPECT_EQ(predictions[0], predictions[2]);
}

// With a few features per node the exact splitter defers partitions (a feature is moved into a
// node's range only when a node needs it, from the range of the last node that did): still the
// literal port's tree, with bootstrap-like whole weights (zeros included, codes embedded in the
// entries) and with more than 4 classes (rows not embedded), over many levels.
TEST(DecisionTreeTest, DeferredPartitionsGiveTheLiteralPortsTree) {
  for (int classes : {3, 6}) {
    auto data = MakeTracks(1500, 7, classes, 11, /*decimals=*/2);
    std::vector<double> weights(1500);
    for (size_t row = 0; row < weights.size(); ++row) weights[row] = (row * 7919 % 5 + 1) % 4;
    for (int max_features : {1, 2, 4}) {
      std::vector<TreeNodes> grown;
      for (TreeSplitter splitter : {TreeSplitter::kExact, TreeSplitter::kSklearn}) {
        DecisionTreeOptions options;
        options.splitter = splitter;
        options.max_features = MaxFeatures::Count(max_features);
        options.seed = 3;
        DecisionTreeClassifier tree(options);
        tree.Fit(data.x, data.y, weights);
        grown.push_back(tree.tree());
      }
      SCOPED_TRACE(::testing::Message() << classes << " classes, max_features " << max_features);
      EXPECT_GT(grown[0].max_depth, 8);
      EXPECT_EQ(grown[0].feature, grown[1].feature);
      EXPECT_EQ(grown[0].threshold, grown[1].threshold);
      EXPECT_EQ(grown[0].n_node_samples, grown[1].n_node_samples);
      EXPECT_EQ(grown[0].value, grown[1].value);
      EXPECT_EQ(grown[0].impurity, grown[1].impurity);
    }
  }
}

// With more distinct values than bins the histogram splitter is an approximation, close on
// held-out rows.
TEST(DecisionTreeTest, HistogramApproximatesExact) {
  auto train = MakeTracks(4000, 6, 3, 2);
  auto test = MakeTracks(2000, 6, 3, 3);
  DecisionTreeOptions options;
  options.max_depth = 6;
  DecisionTreeClassifier exact(options);
  options.splitter = TreeSplitter::kHistogram;
  options.max_bins = 32;
  DecisionTreeClassifier histogram(options);
  exact.Fit(train.x, train.y);
  histogram.Fit(train.x, train.y);
  EXPECT_NEAR(Accuracy(histogram.Predict(test.x), test.y), Accuracy(exact.Predict(test.x), test.y),
              0.03);
}

// Rows of weight 0 are left out, as if they were not there.
TEST(DecisionTreeTest, ZeroWeightRowsAreIgnored) {
  auto data = MakeTracks(300, 4, 3, 4);
  std::vector<double> weights(300, 1.0);
  std::vector<int64_t> kept;
  for (int64_t row = 0; row < 300; ++row) {
    if (row % 3 == 0) {
      weights[row] = 0;
    } else {
      kept.push_back(row);
    }
  }
  Labels y_kept;
  for (int64_t row : kept) y_kept.push_back(data.y[row]);
  DecisionTreeClassifier weighted, subset;
  weighted.Fit(data.x, data.y, weights);
  subset.Fit(data.x.TakeRows(kept), y_kept);
  EXPECT_EQ(weighted.tree().threshold, subset.tree().threshold);
  EXPECT_EQ(weighted.tree().value, subset.tree().value);
}

// class_weight multiplies into the sample weights.
TEST(DecisionTreeTest, ClassWeightEqualsSampleWeights) {
  auto data = MakeTracks(300, 4, 3, 5);
  DecisionTreeOptions options;
  options.class_weight = ClassWeight::Parse("1,2,3");
  DecisionTreeClassifier by_class(options);
  by_class.Fit(data.x, data.y);
  std::vector<double> weights;
  for (int32_t label : data.y) weights.push_back(label + 1.0);
  DecisionTreeClassifier by_row;
  by_row.Fit(data.x, data.y, weights);
  EXPECT_EQ(by_class.tree().threshold, by_row.tree().threshold);
  EXPECT_EQ(by_class.tree().value, by_row.tree().value);
}

TEST(DecisionTreeTest, SaveAndLoadGiveTheSameModel) {
  auto data = MakeTracks(400, 5, 3, 6);
  DecisionTreeOptions options;
  options.max_depth = 7;
  options.criterion = TreeCriterion::kEntropy;
  DecisionTreeClassifier tree(options);
  tree.Fit(data.x, data.y);
  EstimatorState state = tree.SaveState();
  auto loaded = tree.CloneUnfitted();
  DecisionTreeClassifier fresh;
  fresh.LoadState(state);
  EXPECT_EQ(fresh.options().criterion, TreeCriterion::kEntropy);
  EXPECT_EQ(fresh.options().max_depth, 7);
  EXPECT_EQ(fresh.PredictProba(data.x).data().size(), tree.PredictProba(data.x).data().size());
  Matrix a = fresh.PredictProba(data.x), b = tree.PredictProba(data.x);
  EXPECT_TRUE(std::equal(a.data().begin(), a.data().end(), b.data().begin()));

  // A damaged state: a child pointing outside the tree.
  state.numbers["tree.left"][0] = 1e6;
  testing::ExpectError([&] { fresh.LoadState(state); }, ErrorKind::kInvalidInput,
                       {"decision tree", "damaged", "node 0"});
  state.numbers.erase("tree.value");
  testing::ExpectError([&] { fresh.LoadState(state); }, ErrorKind::kInvalidInput, {"tree.value"});
}

// Large nodes are searched and partitioned in parallel; the tree is the same on one thread.
TEST(DecisionTreeTest, SameTreeOnOneAndTwoThreads) {
  auto data = MakeTracks(30000, 6, 3, 7);
  std::vector<TreeNodes> grown;
  for (int threads : {1, 2}) {
    SetThreadCount(threads);
    DecisionTreeClassifier tree;
    tree.Fit(data.x, data.y);
    grown.push_back(tree.tree());
  }
  SetThreadCount(0);
  EXPECT_EQ(grown[0].threshold, grown[1].threshold);
  EXPECT_EQ(grown[0].feature, grown[1].feature);
  EXPECT_EQ(grown[0].value, grown[1].value);
}

TEST(DecisionTreeTest, ImportancesSumToOneAndFavourTheSignal) {
  auto data = MakeTracks(2000, 6, 3, 8);
  DecisionTreeOptions options;
  options.max_depth = 5;
  DecisionTreeClassifier tree(options);
  tree.Fit(data.x, data.y);
  std::vector<double> importances = tree.FeatureImportances();
  double total = 0;
  for (double value : importances) total += value;
  EXPECT_NEAR(total, 1.0, 1e-12);
  // Feature 0 carries most of the signal; features 4 and 5 none.
  EXPECT_EQ(std::max_element(importances.begin(), importances.end()) - importances.begin(), 0);
  EXPECT_LT(importances[4] + importances[5], importances[0]);
}

TEST(DecisionTreeTest, BadOptionsAreRejectedWithTheirRange) {
  auto data = MakeTracks(50, 3, 2, 9);
  auto fit = [&](DecisionTreeOptions options) {
    return [options, &data] {
      DecisionTreeClassifier tree(options);
      tree.Fit(data.x, data.y);
    };
  };
  DecisionTreeOptions options;
  options.max_depth = 0;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument,
                       {"max_depth must be at least 1", "got 0"});
  options = {};
  options.min_samples_leaf = 0;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"min_samples_leaf"});
  options = {};
  options.min_samples_split = 1;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"min_samples_split"});
  options = {};
  options.max_features = MaxFeatures::Count(4);
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"max_features 4", "1..3"});
  options = {};
  options.criterion = TreeCriterion::kSquaredError;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"squared_error"});
  options = {};
  options.class_weight.mode = ClassWeight::Mode::kBalancedSubsample;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"random forests"});
  options = {};
  options.min_weight_fraction_leaf = 0.7;
  testing::ExpectError(fit(options), ErrorKind::kInvalidArgument, {"[0, 0.5]"});
  testing::ExpectError([] { MaxFeatures::Parse("most"); }, ErrorKind::kInvalidArgument,
                       {"max_features 'most'"});
  testing::ExpectError([] { ParseTreeSplitter("fast"); }, ErrorKind::kInvalidArgument,
                       {"exact, histogram or sklearn"});
}

TEST(DecisionTreeTest, BadDataIsRejectedWithWhereItIs) {
  auto data = MakeTracks(20, 3, 2, 10);
  DecisionTreeClassifier tree;
  Matrix with_nan = data.x;
  with_nan(4, 1) = std::nan("");
  testing::ExpectError([&] { tree.Fit(with_nan, data.y); }, ErrorKind::kInvalidInput,
                       {"decision tree", "nan", "row 5", "column 2"});
  testing::ExpectError([&] { tree.Fit(data.x, Labels(20, 1)); }, ErrorKind::kInvalidInput,
                       {"every training row has class 1", "at least two classes"});
  std::vector<double> negative(20, 1.0);
  negative[2] = -1;
  testing::ExpectError([&] { tree.Fit(data.x, data.y, negative); }, ErrorKind::kInvalidInput,
                       {"sample weight -1 at row 3"});
  testing::ExpectError([&] { tree.Fit(data.x, data.y, std::vector<double>(20, 0.0)); },
                       ErrorKind::kInvalidInput, {"every sample weight is 0"});
  testing::ExpectError([&] { tree.Fit(Matrix(), Labels{}); }, ErrorKind::kInvalidInput, {"0 x 0"});
  testing::ExpectError([&] { tree.Predict(data.x); }, ErrorKind::kInvalidArgument,
                       {"call Fit before Predict"});
  tree.Fit(data.x, data.y);
  testing::ExpectError([&] { tree.Predict(Matrix(2, 4)); }, ErrorKind::kInvalidInput,
                       {"4 columns", "fitted on 3"});
  Matrix nan_row(1, 3);
  nan_row(0, 2) = std::nan("");
  testing::ExpectError([&] { tree.Predict(nan_row); }, ErrorKind::kInvalidInput,
                       {"nan at row 1, column 3"});
  DecisionTreeRegressor regressor;
  std::vector<double> target(20, 1.0);
  target[7] = std::nan("");
  testing::ExpectError([&] { regressor.Fit(data.x, target); }, ErrorKind::kInvalidInput,
                       {"target is nan at row 8"});
}

}  // namespace
}  // namespace hitscope
