// Trees and forests against scikit-learn 1.2.1, from the golden file made by
// tests/parity/trees_make_golden.py: the same nodes (features, thresholds, values, impurities),
// the same importances, the same forest tree for tree.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>

#include <hitscope/csv.hpp>
#include <hitscope/importance.hpp>
#include <hitscope/trees.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

const nlohmann::json& Golden() {
  static const nlohmann::json golden = [] {
    std::ifstream in(testing::SourcePath("tests/parity/trees_golden.json"));
    return nlohmann::json::parse(in);
  }();
  return golden;
}

Matrix ToMatrix(const nlohmann::json& rows) {
  auto n = static_cast<int64_t>(rows.size());
  auto cols = static_cast<int64_t>(rows[0].size());
  Matrix x(n, cols);
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t c = 0; c < cols; ++c) x(r, c) = rows[r][c].get<double>();
  }
  return x;
}

template <class T>
std::vector<T> ToVector(const nlohmann::json& values) {
  return values.get<std::vector<T>>();
}

// The numbers of a nested array, row after row.
std::vector<double> Flatten(const nlohmann::json& rows) {
  std::vector<double> out;
  for (const auto& row : rows) {
    for (const auto& value : row) out.push_back(value.get<double>());
  }
  return out;
}

// A golden tree as TreeNodes, to walk it.
TreeNodes FromGolden(const nlohmann::json& tree, int values_per_node) {
  TreeNodes nodes;
  nodes.left = ToVector<int32_t>(tree["left"]);
  nodes.right = ToVector<int32_t>(tree["right"]);
  nodes.feature = ToVector<int32_t>(tree["feature"]);
  nodes.threshold = ToVector<double>(tree["threshold"]);
  nodes.values_per_node = values_per_node;
  nodes.value = ToVector<double>(tree["value"]);
  return nodes;
}

// The share of rows whose leaf's largest class agrees between two trees.
double PredictionAgreement(const TreeNodes& a, const TreeNodes& b, const Matrix& x) {
  auto argmax = [](std::span<const double> values) {
    return std::max_element(values.begin(), values.end()) - values.begin();
  };
  int64_t same = 0;
  for (int64_t row = 0; row < x.rows(); ++row) {
    same += argmax(a.Value(a.Leaf(x.Row(row)))) == argmax(b.Value(b.Leaf(x.Row(row))));
  }
  return static_cast<double>(same) / static_cast<double>(x.rows());
}

DecisionTreeOptions TreeOptions(const nlohmann::json& params) {
  DecisionTreeOptions options;
  if (params.contains("criterion")) options.criterion = ParseTreeCriterion(params["criterion"]);
  if (params.contains("max_depth")) options.max_depth = params["max_depth"];
  if (params.contains("min_samples_leaf")) options.min_samples_leaf = params["min_samples_leaf"];
  if (params.contains("min_samples_split")) {
    options.min_samples_split = params["min_samples_split"];
  }
  if (params.contains("min_weight_fraction_leaf")) {
    options.min_weight_fraction_leaf = params["min_weight_fraction_leaf"];
  }
  if (params.contains("min_impurity_decrease")) {
    options.min_impurity_decrease = params["min_impurity_decrease"];
  }
  if (params.contains("max_features")) {
    const auto& value = params["max_features"];
    options.max_features = value.is_string() ? MaxFeatures::Parse(value.get<std::string>())
                                             : MaxFeatures::Count(value.get<int>());
  }
  if (params.contains("class_weight")) {
    options.class_weight = ClassWeight::Parse(params["class_weight"].get<std::string>());
  }
  if (params.contains("random_state")) options.seed = params["random_state"];
  return options;
}

// Every difference between our tree and scikit-learn's, as readable lines. Values and
// impurities may differ in the last bits (tolerance `tol`); structure and thresholds must match.
std::vector<std::string> TreeDifferences(const TreeNodes& ours, const nlohmann::json& theirs,
                                         double tol = 1e-12) {
  std::vector<std::string> out;
  auto left = ToVector<int32_t>(theirs["left"]);
  if (static_cast<int64_t>(left.size()) != ours.node_count()) {
    out.push_back("node count " + std::to_string(ours.node_count()) + " vs " +
                  std::to_string(left.size()));
    return out;
  }
  auto right = ToVector<int32_t>(theirs["right"]);
  auto feature = ToVector<int32_t>(theirs["feature"]);
  auto threshold = ToVector<double>(theirs["threshold"]);
  auto impurity = ToVector<double>(theirs["impurity"]);
  auto n_node = ToVector<int64_t>(theirs["n_node_samples"]);
  auto weighted = ToVector<double>(theirs["weighted_n_node_samples"]);
  auto value = ToVector<double>(theirs["value"]);
  auto close = [tol](double a, double b) {
    return std::fabs(a - b) <= tol * std::max(1.0, std::fabs(b));
  };
  for (size_t node = 0; node < left.size() && out.size() < 10; ++node) {
    std::string at = "node " + std::to_string(node) + ": ";
    if (ours.left[node] != left[node] || ours.right[node] != right[node])
      out.push_back(at + "children");
    if (ours.feature[node] != feature[node]) out.push_back(at + "feature");
    if (ours.threshold[node] != threshold[node]) out.push_back(at + "threshold");
    if (!close(ours.impurity[node], impurity[node])) out.push_back(at + "impurity");
    if (ours.n_node_samples[node] != n_node[node]) out.push_back(at + "n_node_samples");
    if (!close(ours.weighted_n_node_samples[node], weighted[node])) out.push_back(at + "weight");
    for (int k = 0; k < ours.values_per_node; ++k) {
      if (!close(ours.value[node * ours.values_per_node + k],
                 value[node * ours.values_per_node + k])) {
        out.push_back(at + "value");
        break;
      }
    }
  }
  if (ours.max_depth != theirs["max_depth"].get<int>()) out.push_back("max_depth");
  return out;
}

double MaxAbsDifference(std::span<const double> a, std::span<const double> b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    worst = std::max(worst, std::fabs(a[i] - b[i]));
  }
  return worst;
}

const nlohmann::json& FindCase(const char* list, const std::string& name) {
  for (const auto& entry : Golden()[list]) {
    if (entry["name"] == name) return entry;
  }
  throw std::runtime_error("no golden case " + name);
}

struct FittedCase {
  TreeNodes nodes;
  std::vector<double> importances;
};

FittedCase FitCase(const nlohmann::json& c, TreeSplitter splitter) {
  Matrix x = ToMatrix(c["x"]);
  std::vector<double> weights;
  if (c.contains("sample_weight")) weights = ToVector<double>(c["sample_weight"]);
  DecisionTreeOptions options = TreeOptions(c["params"]);
  options.splitter = splitter;
  if (c["kind"] == "classifier") {
    DecisionTreeClassifier tree(options);
    tree.Fit(x, ToVector<int32_t>(c["y"]), weights);
    return {tree.tree(), tree.FeatureImportances()};
  }
  DecisionTreeRegressor tree(options);
  tree.Fit(x, ToVector<double>(c["y"]), weights);
  return {tree.tree(), tree.FeatureImportances()};
}

bool NonIntegerWeights(const nlohmann::json& params) {
  return params.contains("class_weight");
}

class TreeCaseTest : public ::testing::TestWithParam<std::string> {};

// The literal port of scikit-learn's splitter gives the same tree, bit for bit, in every case.
TEST_P(TreeCaseTest, SklearnSplitterGivesTheSameTree) {
  const nlohmann::json& c = FindCase("cases", GetParam());
  FittedCase fitted = FitCase(c, TreeSplitter::kSklearn);
  auto differences = TreeDifferences(fitted.nodes, c["tree"]);
  EXPECT_TRUE(differences.empty()) << ::testing::PrintToString(differences);
  EXPECT_LE(MaxAbsDifference(fitted.importances, ToVector<double>(c["importances"])), 1e-15);
}

// The fast exact splitter gives the same tree whenever the weights are whole numbers; with
// class weights its sums round differently, which may flip near-ties (documented deviation).
TEST_P(TreeCaseTest, ExactSplitterGivesTheSameTree) {
  const nlohmann::json& c = FindCase("cases", GetParam());
  FittedCase fitted = FitCase(c, TreeSplitter::kExact);
  if (NonIntegerWeights(c["params"])) {
    int k = fitted.nodes.values_per_node;
    EXPECT_GE(PredictionAgreement(fitted.nodes, FromGolden(c["tree"], k), ToMatrix(c["x"])), 0.97);
    return;
  }
  auto differences = TreeDifferences(fitted.nodes, c["tree"]);
  EXPECT_TRUE(differences.empty()) << ::testing::PrintToString(differences);
  // Impurity importances within 1e-6 (the bar); in practice equal to the last bits.
  EXPECT_LE(MaxAbsDifference(fitted.importances, ToVector<double>(c["importances"])), 1e-15);
}

INSTANTIATE_TEST_SUITE_P(Golden, TreeCaseTest,
                         ::testing::Values("gini_default", "entropy_depth4_leaf3",
                                           "max_features_2_seed7", "balanced_split10",
                                           "min_weight_fraction", "integer_sample_weight",
                                           "ties_sqrt_seed11", "ties_all_seed4",
                                           "regression_default", "regression_depth5_leaf4"));

// Negative control: the comparison notices one moved threshold and one changed value.
TEST(TreeParityTest, ComparisonCatchesADifference) {
  const nlohmann::json& c = Golden()["cases"][0];
  FittedCase fitted = FitCase(c, TreeSplitter::kExact);
  nlohmann::json changed = c["tree"];
  changed["threshold"][0] = changed["threshold"][0].get<double>() + 1e-9;
  changed["value"][3] = changed["value"][3].get<double>() + 1;
  auto differences = TreeDifferences(fitted.nodes, changed);
  EXPECT_EQ(differences, (std::vector<std::string>{"node 0: threshold", "node 1: value"}));
}

RandomForestOptions ForestOptions(const nlohmann::json& params) {
  RandomForestOptions options;
  options.tree = ForestTreeDefaults();
  if (params.contains("criterion"))
    options.tree.criterion = ParseTreeCriterion(params["criterion"]);
  if (params.contains("max_depth")) options.tree.max_depth = params["max_depth"];
  if (params.contains("min_samples_leaf")) {
    options.tree.min_samples_leaf = params["min_samples_leaf"];
  }
  if (params.contains("class_weight")) {
    options.tree.class_weight = ClassWeight::Parse(params["class_weight"].get<std::string>());
  }
  options.n_estimators = params["n_estimators"];
  options.seed = params["random_state"];
  if (params.contains("max_samples")) options.max_samples = params["max_samples"];
  if (params.contains("oob_score")) options.oob_score = params["oob_score"];
  return options;
}

class ForestCaseTest : public ::testing::TestWithParam<std::tuple<std::string, TreeSplitter>> {};

// Tree for tree the same forest: the bootstraps, the splitter seeds and the trees. With
// balanced_subsample the weights are not whole numbers, so only the literal splitter is bit-equal;
// the exact splitter must then agree on the probabilities to within a few votes.
TEST_P(ForestCaseTest, SameForestAsScikitLearn) {
  const auto& [name, splitter] = GetParam();
  const nlohmann::json& f = FindCase("forests", name);
  const nlohmann::json& data = Golden()["forest_data"];
  RandomForestOptions options = ForestOptions(f["params"]);
  options.tree.splitter = splitter;
  RandomForestClassifier forest(options);
  forest.Fit(ToMatrix(data["x_train"]), ToVector<int32_t>(data["y_train"]));
  ASSERT_EQ(forest.trees().size(), f["trees"].size());
  Matrix proba = forest.PredictProba(ToMatrix(data["x_test"]));
  if (splitter == TreeSplitter::kExact && NonIntegerWeights(f["params"])) {
    std::vector<double> theirs = Flatten(f["proba"]);
    double total = 0;
    for (size_t i = 0; i < theirs.size(); ++i) total += std::fabs(proba.data()[i] - theirs[i]);
    EXPECT_LE(total / static_cast<double>(theirs.size()), 0.05);
    return;
  }
  for (size_t t = 0; t < forest.trees().size(); ++t) {
    auto differences = TreeDifferences(forest.trees()[t], f["trees"][t]);
    EXPECT_TRUE(differences.empty())
        << "tree " << t << ": " << ::testing::PrintToString(differences);
  }
  EXPECT_LE(MaxAbsDifference(proba.data(), Flatten(f["proba"])), 1e-15);
  EXPECT_LE(MaxAbsDifference(forest.FeatureImportances(), ToVector<double>(f["importances"])),
            1e-15);
  if (f.contains("oob_score")) {
    EXPECT_DOUBLE_EQ(forest.oob_score(), f["oob_score"].get<double>());
    EXPECT_LE(MaxAbsDifference(forest.oob_decision_function().data(), Flatten(f["oob_decision"])),
              1e-15);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Golden, ForestCaseTest,
    ::testing::Combine(::testing::Values("forest_default", "forest_balanced_subsample",
                                         "forest_max_samples"),
                       ::testing::Values(TreeSplitter::kExact, TreeSplitter::kSklearn)));

TEST(ForestParityTest, RegressorSameForestAsScikitLearn) {
  const nlohmann::json& f = FindCase("forests", "forest_regressor");
  RandomForestOptions options = RandomForestRegressor::DefaultOptions();
  options.n_estimators = f["params"]["n_estimators"];
  options.seed = f["params"]["random_state"];
  options.oob_score = true;
  RandomForestRegressor forest(options);
  Matrix x = ToMatrix(f["x"]);
  forest.Fit(x, ToVector<double>(f["y"]));
  for (size_t t = 0; t < forest.trees().size(); ++t) {
    auto differences = TreeDifferences(forest.trees()[t], f["trees"][t]);
    EXPECT_TRUE(differences.empty())
        << "tree " << t << ": " << ::testing::PrintToString(differences);
  }
  std::vector<int64_t> head(50);
  for (int64_t i = 0; i < 50; ++i) head[i] = i;
  EXPECT_LE(MaxAbsDifference(forest.Predict(x.TakeRows(head)), ToVector<double>(f["prediction"])),
            1e-12);
  EXPECT_NEAR(forest.oob_score(), f["oob_score"].get<double>(), 1e-12);
}

// Permutation importance of the same tree with the same shuffles: equal to scikit-learn's.
TEST(ImportanceParityTest, PermutationImportanceEqualsScikitLearn) {
  const nlohmann::json& data = Golden()["forest_data"];
  const nlohmann::json& p = Golden()["permutation"];
  DecisionTreeClassifier tree;
  tree.Fit(ToMatrix(data["x_train"]), ToVector<int32_t>(data["y_train"]));
  PermutationImportanceOptions options;
  options.n_repeats = p["n_repeats"];
  options.seed = p["random_state"];
  ImportanceResult result = PermutationImportance(tree, ToMatrix(data["x_test"]),
                                                  ToVector<int32_t>(data["y_test"]), options);
  EXPECT_EQ(result.baseline, p["baseline"].get<double>());
  EXPECT_EQ(std::vector<double>(result.importances.data().begin(), result.importances.data().end()),
            Flatten(p["importances"]));
  EXPECT_LE(MaxAbsDifference(result.mean, ToVector<double>(p["mean"])), 1e-15);
  EXPECT_LE(MaxAbsDifference(result.std, ToVector<double>(p["std"])), 1e-15);
}

// RFE with the tree's impurity importances selects and ranks as scikit-learn's RFE.
TEST(ImportanceParityTest, RfeSelectsTheSameFeatures) {
  const nlohmann::json& data = Golden()["forest_data"];
  Matrix x = ToMatrix(data["x_train"]);
  Labels y = ToVector<int32_t>(data["y_train"]);
  for (const auto& c : Golden()["rfe"]) {
    RfeOptions options;
    options.n_features_to_select = c["n_features_to_select"];
    options.step = c["step"];
    RfeResult result = RecursiveFeatureElimination(DecisionTreeClassifier(), x, y, options);
    std::vector<uint8_t> support;
    for (bool kept : c["support"].get<std::vector<bool>>()) support.push_back(kept ? 1 : 0);
    EXPECT_EQ(result.support, support) << c.dump();
    EXPECT_EQ(result.ranking, ToVector<int>(c["ranking"])) << c.dump();
  }
}

// The bundled data set (32,833 real tracks): the same depth-8 tree, and a 20-tree forest whose
// accuracy and probabilities match on a fixed 80/20 split.
TEST(BundledParityTest, TreeAndForestOnSpotifySongs) {
  const nlohmann::json& b = Golden()["bundled"];
  Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"));
  auto features = ToVector<std::string>(b["features"]);
  Matrix x = TableToMatrix(table, features);
  const Column& popularity = table.column("track_popularity");
  auto edges = ToVector<double>(b["edges"]);
  Labels y(static_cast<size_t>(x.rows()));
  for (int64_t row = 0; row < x.rows(); ++row) {
    double p = popularity.NumericAt(row);
    y[row] = p <= edges[0] ? 0 : (p <= edges[1] ? 1 : 2);
  }
  auto test_rows = ToVector<int64_t>(b["test_rows"]);
  std::vector<uint8_t> is_test(static_cast<size_t>(x.rows()), 0);
  for (int64_t row : test_rows) is_test[row] = 1;
  std::vector<int64_t> train_rows;
  for (int64_t row = 0; row < x.rows(); ++row) {
    if (!is_test[row]) train_rows.push_back(row);
  }
  Matrix x_train = x.TakeRows(train_rows), x_test = x.TakeRows(test_rows);
  Labels y_train, y_test;
  for (int64_t row : train_rows) y_train.push_back(y[row]);
  for (int64_t row : test_rows) y_test.push_back(y[row]);

  DecisionTreeOptions tree_options;
  tree_options.max_depth = 8;
  DecisionTreeClassifier tree(tree_options);
  tree.Fit(x_train, y_train);
  auto differences = TreeDifferences(tree.tree(), b["tree"]);
  EXPECT_TRUE(differences.empty()) << ::testing::PrintToString(differences);

  RandomForestOptions forest_options;
  forest_options.n_estimators = 20;
  RandomForestClassifier forest(forest_options);
  forest.Fit(x_train, y_train);
  Matrix proba = forest.PredictProba(x_test);
  Labels predicted = forest.Predict(x_test);
  int64_t correct = 0;
  for (size_t i = 0; i < y_test.size(); ++i) correct += predicted[i] == y_test[i];
  double accuracy = static_cast<double>(correct) / static_cast<double>(y_test.size());
  EXPECT_NEAR(accuracy, b["forest_accuracy"].get<double>(), 0.005);
  std::vector<int64_t> head(200);
  for (int64_t i = 0; i < 200; ++i) head[i] = i;
  EXPECT_LE(MaxAbsDifference(proba.TakeRows(head).data(), Flatten(b["forest_proba_head"])), 1e-15);
}

}  // namespace
}  // namespace hitscope
