// hitscope/boosting.hpp: gradient-boosted trees, trained and evaluated by XGBoost 1.7 through
// its C API (Debian's libxgboost-dev), behind the same Classifier / Regressor interface as every
// other model, so that the Pipeline, the metrics and model files treat it like the others.
//
// Objectives: classifiers use "multi:softprob" (three or more classes) or "binary:logistic" (two);
// regressors "reg:squarederror". XGBoost's base_score (0.5) is kept. X is passed as float32, as
// XGBoost's Python package passes it; NaN in X is an error here (XGBoost would treat it as
// missing; hitscope asks for missing values to be handled before learning).
//
// Early stopping (early_stopping_rounds > 0): the rows given to Fit are split into a training
// part and a validation fold (validation_fraction of them, stratified by class for classifiers,
// drawn with the seed), or FitWithValidation takes the validation rows explicitly. Training
// stops when the validation metric has not improved for early_stopping_rounds rounds, and the
// model keeps the rounds up to the best one (XGBoost's best_iteration). The validation fold comes
// from the rows given to Fit, so inside a Pipeline it is part of the training side of the split:
// the test rows are never seen.
//
// Explanations: PredictContributions returns XGBoost's own SHAP values (pred_contribs: exact
// TreeSHAP in float32, last column the bias); Ensemble() gives the same trees to hitscope's
// TreeShap (hitscope/shap.hpp), which matches them to float32 rounding. Both explain the margin
// (log-odds), not the probability.
//
// Threads: XGBoost's own OpenMP threads, n_threads of them (0: hitscope::ThreadCount()). Results
// of "hist" and "exact" do not depend on the thread count. Predict and PredictProba may be called
// from several threads (calls into XGBoost are serialised per model).
//
// Errors: Fit throws Error(kInvalidArgument) for options out of range and Error(kInvalidInput)
// for unusable data (as the trees: NaN, one class, negative weights); an error inside XGBoost
// becomes Error(kInternal) with XGBoost's message.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>
#include <hitscope/trees.hpp>

namespace hitscope {

namespace boosting {
class Booster;  // the XGBoost handle and its training loop (learn/boosting/booster.hpp)
}

struct XGBoostOptions {
  // Boosting rounds (trees per class). XGBoost: n_estimators / num_boost_round (default 100).
  int n_estimators = 100;
  // Shrinkage of each tree. XGBoost: learning_rate / eta (default 0.3).
  double learning_rate = 0.3;
  // Deepest leaf of each tree, >= 1. XGBoost: max_depth (default 6).
  int max_depth = 6;
  // The least hessian weight in a child. XGBoost: min_child_weight (default 1).
  double min_child_weight = 1;
  // Rows drawn per tree, in (0, 1]. XGBoost: subsample (default 1).
  double subsample = 1;
  // Features drawn per tree, in (0, 1]. XGBoost: colsample_bytree (default 1).
  double colsample_bytree = 1;
  // L2 and L1 penalties on leaf weights. XGBoost: reg_lambda / lambda (1), reg_alpha / alpha (0).
  double reg_lambda = 1;
  double reg_alpha = 0;
  // The least loss reduction for a split. XGBoost: gamma / min_split_loss (default 0).
  double gamma = 0;
  // "hist" (default), "approx" or "exact". XGBoost: tree_method.
  std::string tree_method = "hist";
  // Bins per feature for "hist". XGBoost: max_bin (default 256).
  int max_bin = 256;
  // Stop after this many rounds without improvement on the validation fold; 0: no early
  // stopping. XGBoost: early_stopping_rounds.
  int early_stopping_rounds = 0;
  // The share of Fit's rows held out as the validation fold, in (0, 0.5]. (XGBoost's Python
  // package takes an eval_set instead; see FitWithValidation.)
  double validation_fraction = 0.1;
  // The metric early stopping watches; empty: the objective's default (mlogloss, logloss, rmse).
  // XGBoost: eval_metric.
  std::string eval_metric;
  // XGBoost: random_state / seed (default 0).
  uint32_t seed = 0;
  // XGBoost's threads; 0: hitscope::ThreadCount(). XGBoost: n_jobs / nthread.
  int n_threads = 0;
};

// What every XGBoost model shares; see the file comment.
class XGBoostModel : public TreeModel {
 public:
  // XGBoost's SHAP values of the margin: rows x (outputs * (features + 1)), for each output the
  // features' contributions then the bias (expected value). REQUIRES: fitted.
  Matrix PredictContributions(const Matrix& x) const;
  // The raw margin per row and output (rows x outputs).
  Matrix PredictMargin(const Matrix& x) const;
  // The trees XGBoost grew, for hitscope's TreeShap (rule kLess, margin space).
  TreeEnsemble Ensemble() const override;
  // XGBoost's "gain" importance normalised to sum 1 (XGBClassifier.feature_importances_).
  std::vector<double> FeatureImportances() const override;

  const XGBoostOptions& options() const { return options_; }
  int64_t n_features() const { return n_features_; }
  // Rounds kept (best_iteration + 1 after early stopping), and the validation metric per round
  // trained (empty without early stopping).
  int rounds() const;
  int best_iteration() const { return rounds() - 1; }
  const std::vector<double>& validation_history() const { return history_; }
  // The XGBoost model as XGBoost's JSON (what a model file stores).
  std::string ModelJson() const;

 protected:
  explicit XGBoostModel(XGBoostOptions options) : options_(std::move(options)) {}
  void SaveCommon(EstimatorState* state) const;
  void LoadCommon(const EstimatorState& state);
  bool has_booster() const { return booster_ != nullptr; }
  const boosting::Booster& booster() const;

  XGBoostOptions options_;
  int64_t n_features_ = 0;
  std::shared_ptr<const boosting::Booster> booster_;
  std::vector<double> history_;
};

class XGBoostClassifier final : public Classifier, public XGBoostModel {
 public:
  explicit XGBoostClassifier(XGBoostOptions options = {}) : XGBoostModel(std::move(options)) {}
  std::string Name() const override { return "xgboost"; }
  bool fitted() const override { return has_booster(); }
  void Fit(const Matrix& x, std::span<const int32_t> y,
           std::span<const double> sample_weight = {}) override;
  // Fit with an explicit validation fold for early stopping (validation_fraction is unused).
  void FitWithValidation(const Matrix& x, std::span<const int32_t> y, const Matrix& x_valid,
                         std::span<const int32_t> y_valid,
                         std::span<const double> sample_weight = {});
  Matrix PredictProba(const Matrix& x) const override;
  int num_classes() const override { return num_classes_; }
  std::unique_ptr<Classifier> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

 private:
  int num_classes_ = 0;
};

class XGBoostRegressor final : public Regressor, public XGBoostModel {
 public:
  explicit XGBoostRegressor(XGBoostOptions options = {}) : XGBoostModel(std::move(options)) {}
  std::string Name() const override { return "xgboost_regressor"; }
  bool fitted() const override { return has_booster(); }
  void Fit(const Matrix& x, std::span<const double> y,
           std::span<const double> sample_weight = {}) override;
  void FitWithValidation(const Matrix& x, std::span<const double> y, const Matrix& x_valid,
                         std::span<const double> y_valid,
                         std::span<const double> sample_weight = {});
  std::vector<double> Predict(const Matrix& x) const override;
  std::unique_ptr<Regressor> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
};

// XGBoost's version, "1.7.4".
std::string XGBoostVersion();

}  // namespace hitscope
