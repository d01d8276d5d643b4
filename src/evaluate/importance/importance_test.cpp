// Importance measures: permutation importance on a model that uses one feature, impurity
// importance with its spread, RFE, the correlation filter and the table, with their errors.
#include <cmath>

#include <gtest/gtest.h>

#include <hitscope/importance.hpp>
#include <hitscope/runtime.hpp>
#include <hitscope/trees.hpp>

#include "learn/trees/tree_test_data.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using trees::testing::MakeTracks;

// A classifier that looks at feature 0 only: class 1 when it is positive.
class SignOfFirst final : public Classifier {
 public:
  std::string Name() const override { return "sign_of_first"; }
  bool fitted() const override { return true; }
  void Fit(const Matrix&, std::span<const int32_t>, std::span<const double>) override {}
  Matrix PredictProba(const Matrix& x) const override {
    Matrix out(x.rows(), 2);
    for (int64_t row = 0; row < x.rows(); ++row) out(row, x(row, 0) > 0 ? 1 : 0) = 1;
    return out;
  }
  int num_classes() const override { return 2; }
  std::unique_ptr<Classifier> CloneUnfitted() const override {
    return std::make_unique<SignOfFirst>();
  }
};

TEST(PermutationImportanceTest, OnlyTheUsedFeatureMatters) {
  auto data = MakeTracks(500, 4, 2, 1);
  Labels y;
  for (int64_t row = 0; row < 500; ++row) y.push_back(data.x(row, 0) > 0 ? 1 : 0);
  SignOfFirst model;
  PermutationImportanceOptions options;
  options.n_repeats = 4;
  ImportanceResult result = PermutationImportance(model, data.x, y, options);
  EXPECT_EQ(result.baseline, 1.0);
  EXPECT_EQ(result.importances.rows(), 4);
  EXPECT_EQ(result.importances.cols(), 4);
  EXPECT_GT(result.mean[0], 0.3);  // shuffled signs are right about half the time
  for (int f = 1; f < 4; ++f) {
    EXPECT_EQ(result.mean[f], 0.0);
    EXPECT_EQ(result.std[f], 0.0);
  }
  EXPECT_GT(result.std[0], 0.0);
}

// Every column is shuffled with the same sequence of shuffles (scikit-learn's rule), and the
// answer does not depend on the thread count.
TEST(PermutationImportanceTest, SameShufflesOnOneAndTwoThreads) {
  auto data = MakeTracks(800, 5, 3, 2);
  DecisionTreeOptions tree_options;
  tree_options.max_depth = 5;
  DecisionTreeClassifier tree(tree_options);
  tree.Fit(data.x, data.y);
  SetThreadCount(1);
  ImportanceResult one = PermutationImportance(tree, data.x, data.y);
  SetThreadCount(2);
  ImportanceResult two = PermutationImportance(tree, data.x, data.y);
  SetThreadCount(0);
  EXPECT_EQ(one.mean, two.mean);
  EXPECT_EQ(one.std, two.std);
}

TEST(PermutationImportanceTest, RegressorUsesR2AndBadOptionsAreRefused) {
  auto data = MakeTracks(400, 4, 3, 3);
  DecisionTreeRegressor tree;
  tree.Fit(data.x, data.target);
  ImportanceResult result = PermutationImportance(tree, data.x, data.target);
  EXPECT_EQ(result.baseline, 1.0);  // a fully grown tree fits its training rows exactly
  EXPECT_GT(result.mean[0], result.mean[3]);
  PermutationImportanceOptions options;
  options.n_repeats = 0;
  testing::ExpectError([&] { PermutationImportance(tree, data.x, data.target, options); },
                       ErrorKind::kInvalidArgument, {"n_repeats must be at least 1"});
  options = {};
  options.scoring = ImportanceScoring::kAccuracy;
  testing::ExpectError([&] { PermutationImportance(tree, data.x, data.target, options); },
                       ErrorKind::kInvalidArgument, {"for classifiers"});
  testing::ExpectError([&] { PermutationImportance(tree, data.x, std::vector<double>(3, 0.0)); },
                       ErrorKind::kInvalidInput, {"3 targets for 400 rows"});
}

TEST(ImpurityImportanceTest, ForestSpreadOverTrees) {
  auto data = MakeTracks(600, 4, 3, 4);
  RandomForestOptions options;
  options.n_estimators = 6;
  RandomForestClassifier forest(options);
  forest.Fit(data.x, data.y);
  ImportanceResult result = ImpurityImportance(forest);
  EXPECT_EQ(result.mean, forest.FeatureImportances());
  for (double spread : result.std) EXPECT_GT(spread, 0.0);
  DecisionTreeClassifier tree;
  tree.Fit(data.x, data.y);
  EXPECT_EQ(ImpurityImportance(tree).std, std::vector<double>(4, 0.0));
}

TEST(RfeTest, KeepsTheInformativeFeatures) {
  auto data = MakeTracks(1500, 6, 3, 5);
  DecisionTreeOptions options;
  options.max_depth = 6;
  DecisionTreeClassifier prototype(options);
  RfeOptions rfe;
  rfe.n_features_to_select = 3;
  RfeResult result = RecursiveFeatureElimination(prototype, data.x, data.y, rfe);
  // Features 0..3 carry the signal (0 most, 3 least); 4 and 5 are noise.
  EXPECT_EQ(result.support[0], 1);
  EXPECT_EQ(result.support[4], 0);
  EXPECT_EQ(result.support[5], 0);
  EXPECT_EQ(result.elimination_order.size(), 3u);
  int kept = 0;
  for (size_t f = 0; f < 6; ++f) {
    kept += result.support[f];
    EXPECT_EQ(result.ranking[f] == 1, result.support[f] == 1);
  }
  EXPECT_EQ(kept, 3);
  // The last one dropped has ranking 2, the first one dropped the largest.
  EXPECT_EQ(result.ranking[result.elimination_order.back()], 2);
  EXPECT_EQ(result.ranking[result.elimination_order.front()], 4);

  for (ImportanceSource source : {ImportanceSource::kPermutation, ImportanceSource::kShap}) {
    rfe.importance = source;
    RfeResult other = RecursiveFeatureElimination(prototype, data.x, data.y, rfe);
    EXPECT_EQ(other.support[0], 1);
    EXPECT_EQ(other.support[5] + other.support[4], 0);
  }
}

TEST(RfeTest, SelectorStepAndErrors) {
  auto data = MakeTracks(600, 5, 3, 6);
  auto prototype = std::make_shared<DecisionTreeClassifier>();
  RfeOptions options;
  options.step = 0.5;  // two of five features a round
  options.n_features_to_select = 1;
  RfeSelector selector(prototype, options);
  selector.Fit(data.x, data.y);
  EXPECT_EQ(selector.selected().size(), 1u);
  EXPECT_EQ(selector.Transform(data.x).cols(), 1);
  std::vector<std::string> names = {"a", "b", "c", "d", "e"};
  EXPECT_EQ(selector.OutputNames(names).size(), 1u);
  RfeSelector loaded(nullptr);
  loaded.LoadState(selector.SaveState());
  EXPECT_EQ(loaded.selected(), selector.selected());

  options.n_features_to_select = 6;
  testing::ExpectError([&] { RecursiveFeatureElimination(*prototype, data.x, data.y, options); },
                       ErrorKind::kInvalidArgument, {"n_features_to_select must be in 1..5"});
  options.n_features_to_select = 2;
  options.step = 0;
  testing::ExpectError([&] { RecursiveFeatureElimination(*prototype, data.x, data.y, options); },
                       ErrorKind::kInvalidArgument, {"step must be > 0"});
  options.step = 1;
  SignOfFirst not_a_tree;
  testing::ExpectError([&] { RecursiveFeatureElimination(not_a_tree, data.x, data.y, options); },
                       ErrorKind::kInvalidArgument,
                       {"needs a tree model", "sign_of_first", "permutation"});
}

TEST(CorrelationFilterTest, DropsTheLaterTwin) {
  auto data = MakeTracks(300, 3, 2, 7);
  Matrix x(300, 4);
  for (int64_t row = 0; row < 300; ++row) {
    x(row, 0) = data.x(row, 0);
    x(row, 1) = data.x(row, 1);
    x(row, 2) = -2 * data.x(row, 0) + 1;  // r = -1 with column 0
    x(row, 3) = 5;                        // constant
  }
  CorrelationFilter filter;
  filter.Fit(x);
  EXPECT_EQ(filter.kept(), (std::vector<int64_t>{0, 1, 3}));
  ASSERT_EQ(filter.dropped().size(), 1u);
  EXPECT_EQ(filter.dropped()[0].column, 2);
  EXPECT_EQ(filter.dropped()[0].because_of, 0);
  EXPECT_NEAR(filter.dropped()[0].r, -1.0, 1e-12);
  EXPECT_EQ(filter.correlation()(3, 0), 0.0);
  EXPECT_EQ(filter.Transform(x).cols(), 3);
  std::vector<std::string> names = {"energy", "tempo", "loudness", "mode"};
  EXPECT_EQ(filter.OutputNames(names), (std::vector<std::string>{"energy", "tempo", "mode"}));
  CorrelationFilterOptions options;
  options.threshold = 1.5;
  CorrelationFilter bad(options);
  testing::ExpectError([&] { bad.Fit(x); }, ErrorKind::kInvalidArgument, {"[0, 1]"});
}

TEST(ImportanceTableTest, OrderedByPermutationWithEveryColumn) {
  ImportanceTable table;
  table.features = {"tempo", "energy", "mode"};
  table.impurity = {0.5, 0.3, 0.2};
  table.permutation_mean = {0.01, 0.08, 0.0};
  table.permutation_std = {0.001, 0.004, 0.0};
  table.mean_abs_shap = {0.02, 0.06, 0.01};
  table.note = "impurity importance is biased towards many-valued features";
  EXPECT_EQ(table.Order(), (std::vector<int64_t>{1, 0, 2}));
  std::string text = FormatImportanceTable(table);
  EXPECT_LT(text.find("energy"), text.find("tempo"));
  EXPECT_NE(text.find("mean |SHAP|"), std::string::npos);
  EXPECT_NE(text.find("biased"), std::string::npos);
  std::string json = ImportanceTableToJson(table);
  EXPECT_NE(json.find("\"permutation_mean\""), std::string::npos);
}

}  // namespace
}  // namespace hitscope
