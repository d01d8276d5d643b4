// hitscope/trees.hpp: decision trees (CART) and random forests, for popularity classes and for
// the raw popularity score.
//
// Shapes: X is rows x features (Matrix); class labels are 0..k-1 (k = the largest label + 1, so a
// class absent from a training fold keeps its column, with probability 0); regression targets
// are finite numbers. sample_weight is empty (all ones) or one finite weight >= 0 per row; rows of
// weight 0 are ignored, as scikit-learn does.
//
// Reference: scikit-learn 1.2.1's DecisionTreeClassifier / DecisionTreeRegressor and
// RandomForestClassifier / RandomForestRegressor (sklearn/tree/_splitter.pyx, _criterion.pyx,
// _tree.pyx, ensemble/_forest.py), reproduced rule for rule:
//  - features are compared as float32 (X is converted as scikit-learn converts it); a split goes
//    left when float32(x) <= threshold, the threshold being the midpoint of two neighbouring
//    float32 values (computed in double, as x[p-1] / 2 + x[p] / 2); values closer than 1e-7 (in
//    float32 arithmetic) are not split apart;
//  - the features of each node are visited in scikit-learn's random order (its Fisher-Yates draw
//    with the rand_r generator, seeded from numpy's RandomState(seed), constant features
//    remembered for the subtree) and the first best split wins a tie;
//  - nodes are numbered depth first, left child first; a node's value is its weighted class
//    counts (classifier) or weighted mean (regressor); impurities and improvements are computed
//    with scikit-learn's formulas (entropy in bits);
//  - forests draw each tree's seed, its bootstrap (as sample-weight counts) and its splitter seed
//    from numpy's legacy generator exactly as scikit-learn does.
// So with the same seed a hitscope tree equals scikit-learn's node for node (features,
// thresholds, values, impurities), and a forest equals scikit-learn's tree for tree, whenever
// the weights are whole numbers (no weights, bootstrap counts, integer targets). Deviation: sums
// of non-integer weights (class_weight "balanced") and of non-integer targets are accumulated in
// ascending feature order rather than in the order of scikit-learn's unstable introsort, so they
// can differ in the last bits, which can only change a split whose improvement ties another to
// the last bits. Not supported: max_leaf_nodes (best-first growth), ccp_alpha pruning, missing
// values in X (Fit and Predict throw Error(kInvalidInput) naming the row and column; fill or drop
// them first), sparse X, several outputs.
//
// Splitters: kExact finds the best split among all thresholds (features presorted once, node
// segments partitioned stably, so each level costs O(rows x features), not a sort per node);
// kHistogram first bins each feature into at most max_bins ranges (bin edges at midpoints between
// distinct values, or at quantiles when there are more distinct values than bins) and splits only
// at bin edges: faster on big data, nearly as accurate. With at most max_bins distinct values per
// feature both splitters divide the training rows identically (thresholds may differ between
// the same two neighbouring training values). kSklearn is scikit-learn's own algorithm ported
// literally (each drawn feature re-sorted in every node with its introsort): as slow as
// scikit-learn, but every sum is taken in scikit-learn's order, so trees are bit-identical even
// with non-integer weights; it is the reference the tests hold kExact to.
//
// Threads: Fit and Predict use the worker pool (hitscope::SetThreadCount): a forest builds its
// trees in parallel, a single tree evaluates and partitions features in parallel at large nodes;
// results never depend on the thread count. Fitted models are immutable; Predict, PredictProba
// and the accessors are safe from several threads.
//
// Errors: Fit throws Error(kInvalidArgument) for an option out of range (max_depth 0,
// min_samples_leaf 0, a criterion of the wrong kind, ...) and Error(kInvalidInput) for unusable
// data (an empty matrix, NaN or infinity, a negative weight, all weights zero, fewer than two
// classes, labels and rows of different counts). Predict before Fit throws
// Error(kInvalidArgument); Predict on a matrix with another column count throws
// Error(kInvalidInput).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>

namespace hitscope {

namespace trees {
class CompiledTrees;  // fitted trees packed for prediction (learn/trees/compiled_trees.hpp)
}

// The impurity a split lowers. scikit-learn: criterion.
enum class TreeCriterion {
  kAuto,          // kGini for classifiers, kSquaredError for regressors
  kGini,          // "gini": 1 - sum_k p_k^2
  kEntropy,       // "entropy" (also "log_loss"): -sum_k p_k log2 p_k
  kSquaredError,  // "squared_error" (regressors): the weighted variance of the targets
};

// How split thresholds are searched; see "Splitters" above.
enum class TreeSplitter { kExact, kHistogram, kSklearn };

// How many features each split draws. scikit-learn: max_features (None, "sqrt", "log2", int,
// float).
struct MaxFeatures {
  enum class Kind { kAll, kSqrt, kLog2, kCount, kFraction };
  Kind kind = Kind::kAll;
  double value = 0;  // the count (kCount) or the fraction in (0, 1] (kFraction)

  static MaxFeatures All() { return {}; }
  static MaxFeatures Sqrt() { return {Kind::kSqrt, 0}; }
  static MaxFeatures Log2() { return {Kind::kLog2, 0}; }
  static MaxFeatures Count(int count) { return {Kind::kCount, static_cast<double>(count)}; }
  static MaxFeatures Fraction(double fraction) { return {Kind::kFraction, fraction}; }
  // "all", "sqrt", "log2", an integer ("4") or a fraction ("0.5"). Throws
  // Error(kInvalidArgument) for anything else.
  static MaxFeatures Parse(const std::string& text);
  std::string ToString() const;
  // The number of features drawn per split for n_features columns, as scikit-learn: max(1,
  // int(sqrt(n))), max(1, int(log2(n))), the count, or max(1, int(fraction * n)). Throws
  // Error(kInvalidArgument) for a count outside 1..n_features or a fraction outside (0, 1].
  int Resolve(int64_t n_features) const;
};

// Weights per class, multiplied into the sample weights. scikit-learn: class_weight.
struct ClassWeight {
  enum class Mode {
    kNone,               // None
    kBalanced,           // "balanced": n_samples / (n_classes * count(class)) on the fit rows
    kBalancedSubsample,  // "balanced_subsample" (forests): the same on each tree's bootstrap
    kGiven,              // a dict: weights[k] for class k (classes beyond the list weigh 1)
  };
  Mode mode = Mode::kNone;
  std::vector<double> weights;  // kGiven only

  // "none", "balanced", "balanced_subsample" or "w0,w1,..." (kGiven).
  static ClassWeight Parse(const std::string& text);
  std::string ToString() const;
};

struct DecisionTreeOptions {
  // The impurity to lower; kAuto picks gini (classifier) or squared error (regressor).
  // scikit-learn: criterion (default "gini" / "squared_error").
  TreeCriterion criterion = TreeCriterion::kAuto;
  // Exact, histogram or scikit-learn-literal split search; see above. scikit-learn: its
  // splitter="best" (what kExact and kSklearn reproduce).
  TreeSplitter splitter = TreeSplitter::kExact;
  // The deepest a leaf may be (the root has depth 0); -1: no limit. 0 is an error.
  // scikit-learn: max_depth (default None).
  int max_depth = -1;
  // A node with fewer (non-zero-weight) rows is a leaf. >= 2. scikit-learn: min_samples_split
  // (default 2).
  int min_samples_split = 2;
  // Each child keeps at least this many rows. >= 1. scikit-learn: min_samples_leaf (default 1).
  int min_samples_leaf = 1;
  // Each child keeps at least this fraction of the total weight, in [0, 0.5].
  // scikit-learn: min_weight_fraction_leaf (default 0).
  double min_weight_fraction_leaf = 0.0;
  // Features drawn per split. scikit-learn: max_features (default None: all).
  MaxFeatures max_features;
  // A split must lower the weighted impurity by at least this much, >= 0.
  // scikit-learn: min_impurity_decrease (default 0).
  double min_impurity_decrease = 0.0;
  // Classifiers only (kBalancedSubsample is for forests). scikit-learn: class_weight.
  ClassWeight class_weight;
  // kHistogram: bins per feature, 2..255. scikit-learn (HistGradientBoosting): max_bins.
  int max_bins = 255;
  // Seeds the feature order. scikit-learn: random_state (an int; hitscope has no "None").
  uint32_t seed = 0;
};

// A fitted tree in scikit-learn's tree_ layout: arrays indexed by node id, 0 being the root,
// nodes numbered depth first with the left child first.
struct TreeNodes {
  static constexpr int32_t kLeaf = -1;       // left / right of a leaf (TREE_LEAF)
  static constexpr int32_t kUndefined = -2;  // feature / threshold of a leaf (TREE_UNDEFINED)

  std::vector<int32_t> left, right;     // child node ids, kLeaf for leaves
  std::vector<int32_t> feature;         // the split's column, kUndefined for leaves
  std::vector<double> threshold;        // go left when float32(x) <= threshold; -2 for leaves
  std::vector<double> impurity;         // the node's impurity (gini, entropy or variance)
  std::vector<int64_t> n_node_samples;  // rows (of non-zero weight) in the node
  std::vector<double> weighted_n_node_samples;  // their total weight (TreeSHAP's cover)
  int values_per_node = 1;                      // classes (classifier) or 1 (regressor)
  std::vector<double> value;  // node_count x values_per_node: weighted class counts or means
  int max_depth = 0;          // the depth of the deepest leaf

  int64_t node_count() const { return static_cast<int64_t>(left.size()); }
  bool IsLeaf(int64_t node) const { return left[node] == kLeaf; }
  std::span<const double> Value(int64_t node) const {
    return {value.data() + node * values_per_node, static_cast<size_t>(values_per_node)};
  }
  // The leaf a row of features reaches (the row must have at least feature + 1 values).
  int32_t Leaf(const double* row) const;
  // Mean decrease in impurity per feature, normalised to sum 1 (all zeros for a single leaf),
  // as scikit-learn's tree_.compute_feature_importances().
  std::vector<double> ImpurityImportances(int64_t n_features) const;
};

// The fitted trees of any tree model, in the one form that TreeSHAP reads (hitscope/shap.hpp):
// each node's split, its cover (the training weight reaching it) and its values. A model's raw
// output for a row, per output k, is base_value[k] + sum over trees of weight * value at the leaf
// the row reaches (output k of the leaf if the tree has every output, else the tree's own
// output).
struct TreeEnsemble {
  enum class Rule {
    kLessEqual,  // left when float32(x) <= threshold (scikit-learn)
    kLess,       // left when float32(x) < float32(threshold) (XGBoost); NaN follows default_left
  };
  struct Tree {
    std::vector<int32_t> left, right, feature;  // left[node] < 0 marks a leaf
    std::vector<double> threshold, cover;
    std::vector<uint8_t> default_left;  // kLess only: where a missing value goes
    int values_per_node = 1;            // 1, or every output
    int output = 0;                     // the output of a one-value tree
    std::vector<double> value;          // node_count x values_per_node (leaves matter)
    double weight = 1.0;                // multiplies every value (1 / trees for a forest)
  };
  Rule rule = Rule::kLessEqual;
  int64_t n_features = 0;
  int n_outputs = 1;
  std::vector<double> base_value;  // per output; zeros for scikit-learn models
  std::vector<Tree> trees;
  // What the outputs are, for reports: "probability", "mean", "log-odds" or "margin".
  std::string output_space = "probability";

  // The raw output of every row (rows x n_outputs), for checking explanations.
  Matrix Predict(const Matrix& x) const;
};

// Implemented by every model made of trees, so that explanations can reach its trees.
class TreeModel {
 public:
  virtual ~TreeModel() = default;
  // The fitted trees as TreeSHAP reads them. REQUIRES: fitted.
  virtual TreeEnsemble Ensemble() const = 0;
  // Impurity-based importance per feature (mean decrease in impurity, normalised to sum 1), as
  // the scikit-learn model's feature_importances_. REQUIRES: fitted.
  virtual std::vector<double> FeatureImportances() const = 0;
  // Each tree's importances (one row for a single tree), for their spread. REQUIRES: fitted.
  virtual std::vector<std::vector<double>> TreeImportances() const {
    return {FeatureImportances()};
  }
};

// A CART classification tree. scikit-learn: tree.DecisionTreeClassifier.
class DecisionTreeClassifier final : public Classifier, public TreeModel {
 public:
  explicit DecisionTreeClassifier(DecisionTreeOptions options = {});
  std::string Name() const override { return "decision_tree"; }
  bool fitted() const override { return !nodes_.left.empty(); }
  void Fit(const Matrix& x, std::span<const int32_t> y,
           std::span<const double> sample_weight = {}) override;
  // Each row's leaf class counts, normalised to sum 1.
  Matrix PredictProba(const Matrix& x) const override;
  // The class with the largest weighted count in each row's leaf (the lowest on a tie).
  Labels Predict(const Matrix& x) const override;
  int num_classes() const override { return nodes_.values_per_node; }
  std::unique_ptr<Classifier> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  TreeEnsemble Ensemble() const override;
  std::vector<double> FeatureImportances() const override;

  const DecisionTreeOptions& options() const { return options_; }
  const TreeNodes& tree() const { return nodes_; }
  int64_t n_features() const { return n_features_; }
  // The leaf of each row.
  std::vector<int32_t> Apply(const Matrix& x) const;

 private:
  DecisionTreeOptions options_;
  int64_t n_features_ = 0;
  TreeNodes nodes_;
  std::shared_ptr<const trees::CompiledTrees> compiled_;
};

// A CART regression tree (squared error). scikit-learn: tree.DecisionTreeRegressor.
class DecisionTreeRegressor final : public Regressor, public TreeModel {
 public:
  explicit DecisionTreeRegressor(DecisionTreeOptions options = {});
  std::string Name() const override { return "decision_tree_regressor"; }
  bool fitted() const override { return !nodes_.left.empty(); }
  void Fit(const Matrix& x, std::span<const double> y,
           std::span<const double> sample_weight = {}) override;
  std::vector<double> Predict(const Matrix& x) const override;
  std::unique_ptr<Regressor> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  TreeEnsemble Ensemble() const override;
  std::vector<double> FeatureImportances() const override;

  const DecisionTreeOptions& options() const { return options_; }
  const TreeNodes& tree() const { return nodes_; }
  int64_t n_features() const { return n_features_; }
  std::vector<int32_t> Apply(const Matrix& x) const;

 private:
  DecisionTreeOptions options_;
  int64_t n_features_ = 0;
  TreeNodes nodes_;
  std::shared_ptr<const trees::CompiledTrees> compiled_;
};

// A forest's tree options by default: a lone tree's, but max_features "sqrt" (scikit-learn's
// RandomForestClassifier).
inline DecisionTreeOptions ForestTreeDefaults() {
  DecisionTreeOptions options;
  options.max_features = MaxFeatures::Sqrt();
  return options;
}

struct RandomForestOptions {
  // Trees in the forest, >= 1. scikit-learn: n_estimators (default 100).
  int n_estimators = 100;
  // Each tree's options. The forest's defaults differ from a lone tree's in one place:
  // max_features is "sqrt" for classifiers and all features (1.0) for regressors, as
  // scikit-learn 1.2 (set tree.max_features to override). tree.seed is ignored: trees are
  // seeded from `seed` below. tree.class_weight may be kBalancedSubsample.
  DecisionTreeOptions tree = ForestTreeDefaults();
  // Draw each tree's rows with replacement (as weight counts). scikit-learn: bootstrap.
  bool bootstrap = true;
  // Rows drawn per tree: 0 = all rows, else the count (1 .. rows). scikit-learn: max_samples.
  int64_t max_samples = 0;
  // Score each training row with the trees that did not draw it (accuracy, or R2 for
  // regressors). REQUIRES: bootstrap. scikit-learn: oob_score.
  bool oob_score = false;
  // Seeds the trees' seeds. scikit-learn: random_state.
  uint32_t seed = 0;
};

// Class weights and bootstrap shared by the two forests; the trees are grown in parallel.
// scikit-learn: ensemble.RandomForestClassifier. PredictProba averages the trees' normalised
// leaf counts, in tree order.
class RandomForestClassifier final : public Classifier, public TreeModel {
 public:
  explicit RandomForestClassifier(RandomForestOptions options = {});
  std::string Name() const override { return "random_forest"; }
  bool fitted() const override { return !trees_.empty(); }
  void Fit(const Matrix& x, std::span<const int32_t> y,
           std::span<const double> sample_weight = {}) override;
  Matrix PredictProba(const Matrix& x) const override;
  // PredictProba and its most probable class (the lowest on a tie), walking the trees once.
  void PredictBoth(const Matrix& x, Labels* labels, Matrix* proba) const override;
  int num_classes() const override { return num_classes_; }
  std::unique_ptr<Classifier> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  TreeEnsemble Ensemble() const override;
  // The mean of the trees' normalised importances (trees with one node left out), normalised.
  std::vector<double> FeatureImportances() const override;
  std::vector<std::vector<double>> TreeImportances() const override;

  const RandomForestOptions& options() const { return options_; }
  const std::vector<TreeNodes>& trees() const { return trees_; }
  int64_t n_features() const { return n_features_; }
  // REQUIRES: options().oob_score. Accuracy of the out-of-bag votes (scikit-learn: oob_score_),
  // their class probabilities (oob_decision_function_, rows x classes; a row no tree left out
  // gets zeros, as scikit-learn) and how many rows that was.
  double oob_score() const { return oob_score_; }
  const Matrix& oob_decision_function() const { return oob_decision_; }
  int64_t oob_rows_never_left_out() const { return oob_never_; }

 private:
  RandomForestOptions options_;
  int64_t n_features_ = 0;
  int num_classes_ = 0;
  std::vector<TreeNodes> trees_;
  std::shared_ptr<const trees::CompiledTrees> compiled_;
  double oob_score_ = 0;
  Matrix oob_decision_;
  int64_t oob_never_ = 0;
};

// scikit-learn: ensemble.RandomForestRegressor (criterion squared error; Predict averages the
// trees in tree order).
class RandomForestRegressor final : public Regressor, public TreeModel {
 public:
  explicit RandomForestRegressor(RandomForestOptions options = DefaultOptions());
  // The regressor's defaults: max_features all (scikit-learn 1.2's 1.0).
  static RandomForestOptions DefaultOptions();
  std::string Name() const override { return "random_forest_regressor"; }
  bool fitted() const override { return !trees_.empty(); }
  void Fit(const Matrix& x, std::span<const double> y,
           std::span<const double> sample_weight = {}) override;
  std::vector<double> Predict(const Matrix& x) const override;
  std::unique_ptr<Regressor> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  TreeEnsemble Ensemble() const override;
  std::vector<double> FeatureImportances() const override;
  std::vector<std::vector<double>> TreeImportances() const override;

  const RandomForestOptions& options() const { return options_; }
  const std::vector<TreeNodes>& trees() const { return trees_; }
  int64_t n_features() const { return n_features_; }
  // REQUIRES: options().oob_score. R2 of the out-of-bag predictions (scikit-learn: oob_score_)
  // and the predictions (oob_prediction_; 0 for a row no tree left out).
  double oob_score() const { return oob_score_; }
  const std::vector<double>& oob_prediction() const { return oob_prediction_; }
  int64_t oob_rows_never_left_out() const { return oob_never_; }

 private:
  RandomForestOptions options_;
  int64_t n_features_ = 0;
  std::vector<TreeNodes> trees_;
  std::shared_ptr<const trees::CompiledTrees> compiled_;
  double oob_score_ = 0;
  std::vector<double> oob_prediction_;
  int64_t oob_never_ = 0;
};

// Names for reports and command lines: "gini", "entropy", "squared_error", "auto"; "exact",
// "histogram", "sklearn". The parsers throw Error(kInvalidArgument) listing the accepted names.
std::string ToString(TreeCriterion criterion);
std::string ToString(TreeSplitter splitter);
TreeCriterion ParseTreeCriterion(const std::string& text);
TreeSplitter ParseTreeSplitter(const std::string& text);

}  // namespace hitscope
