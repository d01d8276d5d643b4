// hitscope/importance.hpp: which features drive a model: impurity importance (mean decrease in
// impurity), permutation importance, recursive feature elimination (RFE) and a correlation
// filter, and a side-by-side table of the importance measures.
//
// Read impurity importance with care. It is computed on the training rows, from the splits the
// trees chose, and it is biased towards features with many distinct values (continuous features
// such as tempo, loudness or duration offer many more thresholds than mode or key, so deep trees
// split on them by chance and collect impurity decrease even when they carry no signal; Strobl
// et al. 2007). Permutation importance measures the drop in a held-out score when one column is
// shuffled, so it reflects what the model uses on new rows; its caveat is correlated features
// (shuffling one leaves its twin to carry the signal, so both look less important). Prefer
// permutation importance (or SHAP, hitscope/shap.hpp) on held-out rows, and read impurity
// importance beside it, never alone. docs/trees.md shows both on the bundled data.
//
// Threads: permutation importance scores the columns in parallel (the model's Predict must be
// thread-safe, which every hitscope estimator's is); results never depend on the thread count.
// Errors: Error(kInvalidArgument) for bad options (n_repeats < 1, step <= 0, a threshold outside
// [0, 1]) and for an importance source the model cannot give; Error(kInvalidInput) for data that
// do not fit the model (column or row counts, NaN).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>
#include <hitscope/trees.hpp>

namespace hitscope {

// Importance per feature, with its spread.
struct ImportanceResult {
  std::vector<double> mean;  // per feature
  std::vector<double> std;   // per feature: over repeats (permutation) or trees (impurity)
  // Permutation only: the score with nothing permuted, and features x n_repeats drops in score
  // (scikit-learn: importances).
  double baseline = 0;
  Matrix importances;
};

// The impurity importance of a tree model (its FeatureImportances(), as scikit-learn's
// feature_importances_), with the standard deviation over its trees (0 for a single tree).
ImportanceResult ImpurityImportance(const TreeModel& model);

// The score permutation importance measures. kDefault: accuracy for classifiers and R2 for
// regressors, as scikit-learn's estimator.score.
enum class ImportanceScoring { kDefault, kAccuracy, kBalancedAccuracy, kR2, kNegMeanAbsoluteError };

struct PermutationImportanceOptions {
  // Shuffles per feature, >= 1. scikit-learn: n_repeats (default 5).
  int n_repeats = 5;
  // Seeds the shuffles. scikit-learn: random_state.
  uint32_t seed = 0;
  // scikit-learn: scoring (None: the estimator's score).
  ImportanceScoring scoring = ImportanceScoring::kDefault;
};

// The drop in score when each column of `x` is shuffled, n_repeats times, as scikit-learn 1.2.1's
// inspection.permutation_importance: the same shuffles (numpy's RandomState(seed) gives one seed,
// every column starts a RandomState from it and shuffles its index array cumulatively), so with
// an equal model the importances are equal. Give held-out rows (the test part of a split), not
// the rows the model was fitted on. std is numpy's (ddof 0).
ImportanceResult PermutationImportance(const Classifier& model, const Matrix& x,
                                       std::span<const int32_t> y,
                                       const PermutationImportanceOptions& options = {});
ImportanceResult PermutationImportance(const Regressor& model, const Matrix& x,
                                       std::span<const double> y,
                                       const PermutationImportanceOptions& options = {});

// Where RFE takes its importances from.
enum class ImportanceSource {
  kImpurity,     // the fitted model's impurity importance (tree models; scikit-learn's RFE)
  kPermutation,  // permutation importance on a held-out part of the rows RFE is given
  kShap,         // mean |SHAP| on the rows RFE is given (tree models; hitscope/shap.hpp)
};

struct RfeOptions {
  // Features to keep, >= 1; 0 keeps half (rounded down). scikit-learn: n_features_to_select.
  int n_features_to_select = 0;
  // Features removed per round: a count (>= 1) or, below 1, a fraction of all features (at
  // least one). scikit-learn: step (default 1).
  double step = 1;
  ImportanceSource importance = ImportanceSource::kImpurity;
  // kPermutation: the share of the rows held out for scoring (the model is fitted on the rest),
  // drawn with `permutation.seed`, and the shuffles.
  double validation_fraction = 0.2;
  PermutationImportanceOptions permutation;
};

struct RfeResult {
  std::vector<uint8_t> support;  // per feature: 1 if kept (scikit-learn: support_)
  std::vector<int> ranking;      // per feature: 1 for kept, larger = dropped earlier (ranking_)
  std::vector<int64_t> elimination_order;  // features in the order they were dropped
};

// Recursive feature elimination, as scikit-learn 1.2.1's feature_selection.RFE: fit a fresh copy
// of `prototype` (CloneUnfitted) on the remaining features, drop the `step` least important,
// repeat. Ties in importance drop the feature listed first (a stable sort; scikit-learn's argsort
// gives the same order for up to 16 features). With kImpurity and an equal model the selection
// equals scikit-learn's.
RfeResult RecursiveFeatureElimination(const Classifier& prototype, const Matrix& x,
                                      std::span<const int32_t> y, const RfeOptions& options = {});
RfeResult RecursiveFeatureElimination(const Regressor& prototype, const Matrix& x,
                                      std::span<const double> y, const RfeOptions& options = {});

// RFE as a pipeline step (a selector): Fit runs RecursiveFeatureElimination with a copy of the
// prototype; Transform keeps the selected columns in input order.
class RfeSelector final : public Transformer {
 public:
  RfeSelector(std::shared_ptr<const Classifier> prototype, RfeOptions options = {});
  std::string Name() const override { return "rfe"; }
  bool fitted() const override { return !result_.support.empty(); }
  void Fit(const Matrix& x, std::span<const int32_t> y = {},
           std::span<const double> sample_weight = {}) override;
  Matrix Transform(const Matrix& x) const override;
  std::vector<std::string> OutputNames(const std::vector<std::string>& input) const override;
  std::unique_ptr<Transformer> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

  const RfeResult& result() const { return result_; }
  std::vector<int64_t> selected() const;

 private:
  std::shared_ptr<const Classifier> prototype_;
  RfeOptions options_;
  RfeResult result_;
};

struct CorrelationFilterOptions {
  // Drop a feature whose |Pearson r| with a feature kept before it exceeds this, in [0, 1].
  double threshold = 0.9;
};

// Drops all but one of each group of strongly correlated features: columns are visited in order
// and a column is dropped when |r| with an earlier kept column exceeds the threshold. A constant
// column has r = 0 with every other. Transform keeps the kept columns in input order.
class CorrelationFilter final : public Transformer {
 public:
  explicit CorrelationFilter(CorrelationFilterOptions options = {});
  std::string Name() const override { return "correlation_filter"; }
  bool fitted() const override { return !kept_.empty(); }
  void Fit(const Matrix& x, std::span<const int32_t> y = {},
           std::span<const double> sample_weight = {}) override;
  Matrix Transform(const Matrix& x) const override;
  std::vector<std::string> OutputNames(const std::vector<std::string>& input) const override;
  std::unique_ptr<Transformer> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

  const std::vector<int64_t>& kept() const { return kept_; }
  // For each dropped column: the kept column it followed and their r.
  struct Dropped {
    int64_t column = 0;
    int64_t because_of = 0;
    double r = 0;
  };
  const std::vector<Dropped>& dropped() const { return dropped_; }
  const Matrix& correlation() const { return correlation_; }  // features x features

 private:
  CorrelationFilterOptions options_;
  int64_t input_cols_ = 0;
  std::vector<int64_t> kept_;
  std::vector<Dropped> dropped_;
  Matrix correlation_;
};

// The importance measures of one model side by side, one row per feature.
struct ImportanceTable {
  std::vector<std::string> features;
  std::vector<double> impurity;          // empty when not computed
  std::vector<double> permutation_mean;  // empty when not computed
  std::vector<double> permutation_std;
  std::vector<double> mean_abs_shap;  // empty when not computed
  std::string note;                   // printed under the table

  // Row order: by permutation importance if present, else mean |SHAP|, else impurity; largest
  // first.
  std::vector<int64_t> Order() const;
};
// A text table for the terminal, and JSON ({"features": [{"name", "impurity", ...}], "note"}).
std::string FormatImportanceTable(const ImportanceTable& table);
std::string ImportanceTableToJson(const ImportanceTable& table);

}  // namespace hitscope
