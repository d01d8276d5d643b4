// XGBoostClassifier and XGBoostRegressor (include/hitscope/boosting.hpp).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xgboost/c_api.h>

#include <hitscope/boosting.hpp>
#include <hitscope/error.hpp>

#include "learn/boosting/booster.hpp"
#include "learn/cluster/numpy_compat.hpp"
#include "learn/preprocess/check_input.hpp"

namespace hitscope {

namespace {

constexpr const char* kClassifierWho = "xgboost";
constexpr const char* kRegressorWho = "xgboost regressor";

void CheckOptions(const XGBoostOptions& o, const char* who) {
  auto fail = [who](const std::string& what) {
    throw InvalidArgument(fmt::format("{}: {}", who, what));
  };
  if (o.n_estimators < 1)
    fail(fmt::format("n_estimators must be at least 1, got {}", o.n_estimators));
  if (!(o.learning_rate > 0))
    fail(fmt::format("learning_rate must be > 0, got {}", o.learning_rate));
  if (o.max_depth < 1) fail(fmt::format("max_depth must be at least 1, got {}", o.max_depth));
  if (!(o.min_child_weight >= 0)) fail("min_child_weight must be >= 0");
  if (!(o.subsample > 0 && o.subsample <= 1))
    fail(fmt::format("subsample must be in (0, 1], got {}", o.subsample));
  if (!(o.colsample_bytree > 0 && o.colsample_bytree <= 1)) {
    fail(fmt::format("colsample_bytree must be in (0, 1], got {}", o.colsample_bytree));
  }
  if (!(o.reg_lambda >= 0) || !(o.reg_alpha >= 0) || !(o.gamma >= 0)) {
    fail("reg_lambda, reg_alpha and gamma must be >= 0");
  }
  if (o.tree_method != "hist" && o.tree_method != "approx" && o.tree_method != "exact") {
    fail(fmt::format("tree_method '{}' is not one of hist, approx, exact", o.tree_method));
  }
  if (o.max_bin < 2) fail(fmt::format("max_bin must be at least 2, got {}", o.max_bin));
  if (o.early_stopping_rounds < 0) fail("early_stopping_rounds must be >= 0");
  if (!(o.validation_fraction > 0 && o.validation_fraction <= 0.5)) {
    fail(fmt::format("validation_fraction must be in (0, 0.5], got {}", o.validation_fraction));
  }
}

void CheckFeatures(const Matrix& x, const char* who) {
  learn::CheckNotEmpty(x, who);
  learn::CheckFinite(x, who);
}

// A validation fold of `fraction` of the rows, drawn per group (class) with the seed, so that
// every class keeps its share; at least one row per group with two or more rows.
void SplitValidation(int64_t rows, std::span<const int32_t> groups, double fraction, uint32_t seed,
                     std::vector<int64_t>* train, std::vector<int64_t>* valid) {
  cluster::NumpyRandomState random_state(seed);
  std::vector<int64_t> order = random_state.Permutation(rows);
  int32_t n_groups = 1;
  for (int32_t g : groups) n_groups = std::max(n_groups, g + 1);
  std::vector<int64_t> size(static_cast<size_t>(n_groups), 0), taken(size);
  for (int64_t row = 0; row < rows; ++row) ++size[groups.empty() ? 0 : groups[row]];
  std::vector<uint8_t> is_valid(static_cast<size_t>(rows), 0);
  for (int64_t row : order) {
    int32_t g = groups.empty() ? 0 : groups[row];
    auto want = static_cast<int64_t>(std::floor(fraction * static_cast<double>(size[g])));
    if (size[g] >= 2) want = std::max<int64_t>(want, 1);
    if (taken[g] < want) {
      is_valid[row] = 1;
      ++taken[g];
    }
  }
  for (int64_t row = 0; row < rows; ++row) (is_valid[row] ? valid : train)->push_back(row);
}

std::vector<float> ToFloat(std::span<const int32_t> labels) {
  return std::vector<float>(labels.begin(), labels.end());
}
std::vector<float> ToFloat(std::span<const double> values) {
  return std::vector<float>(values.begin(), values.end());
}

template <class T>
std::vector<T> Take(std::span<const T> values, const std::vector<int64_t>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (int64_t row : rows) out.push_back(values[row]);
  return out;
}

// Trains with an explicit validation fold or one carved out of the rows.
template <class Target>
std::shared_ptr<const boosting::Booster> TrainBooster(
    const XGBoostOptions& options, boosting::Task task, int num_classes, const Matrix& x,
    std::span<const Target> y, std::span<const double> weights, const Matrix* x_valid,
    std::span<const Target> y_valid, std::vector<double>* history, const char* who) {
  boosting::TrainInput input;
  input.task = task;
  input.num_classes = num_classes;
  std::vector<float> labels, valid_labels;
  std::vector<double> fit_weights;
  Matrix x_fit, x_hold;
  if (x_valid == nullptr && options.early_stopping_rounds > 0) {
    std::vector<int64_t> train_rows, valid_rows;
    std::span<const int32_t> groups;
    if constexpr (std::is_same_v<Target, int32_t>) groups = y;
    SplitValidation(x.rows(), groups, options.validation_fraction, options.seed, &train_rows,
                    &valid_rows);
    if (valid_rows.empty() || train_rows.empty()) {
      throw InvalidInput(
          fmt::format("{}: {} rows are too few to hold out a validation fold for early stopping",
                      who, x.rows()));
    }
    x_fit = x.TakeRows(train_rows);
    x_hold = x.TakeRows(valid_rows);
    std::vector<Target> y_fit = Take(y, train_rows), y_hold = Take(y, valid_rows);
    labels = ToFloat(std::span<const Target>(y_fit));
    valid_labels = ToFloat(std::span<const Target>(y_hold));
    if (!weights.empty()) fit_weights = Take(weights, train_rows);
    input.x = &x_fit;
    input.x_valid = &x_hold;
  } else {
    labels = ToFloat(y);
    if (x_valid != nullptr) valid_labels = ToFloat(y_valid);
    fit_weights.assign(weights.begin(), weights.end());
    input.x = &x;
    input.x_valid = x_valid;
  }
  input.labels = labels;
  input.valid_labels = valid_labels;
  input.weights = fit_weights;
  history->clear();
  return boosting::Booster::Train(options, input, history, who);
}

void CheckLabelsAndClasses(const Matrix& x, std::span<const int32_t> y, const char* who,
                           int* num_classes) {
  learn::CheckLabels(x, y, who);
  auto [lo, hi] = std::minmax_element(y.begin(), y.end());
  if (*lo == *hi) {
    throw InvalidInput(fmt::format(
        "{}: every training row has class {}; a classifier needs at least two classes", who, *lo));
  }
  *num_classes = *hi + 1;
}

void CheckTargets(const Matrix& x, std::span<const double> y, const char* who) {
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(fmt::format("{}: {} targets for {} rows", who, y.size(), x.rows()));
  }
  for (size_t row = 0; row < y.size(); ++row) {
    if (!std::isfinite(y[row])) {
      throw InvalidInput(fmt::format("{}: the target is {} at row {}", who, y[row], row + 1));
    }
  }
}

void SaveOptions(const XGBoostOptions& o, EstimatorState* state) {
  auto& n = state->numbers;
  n["n_estimators"] = {static_cast<double>(o.n_estimators)};
  n["learning_rate"] = {o.learning_rate};
  n["max_depth"] = {static_cast<double>(o.max_depth)};
  n["min_child_weight"] = {o.min_child_weight};
  n["subsample"] = {o.subsample};
  n["colsample_bytree"] = {o.colsample_bytree};
  n["reg_lambda"] = {o.reg_lambda};
  n["reg_alpha"] = {o.reg_alpha};
  n["gamma"] = {o.gamma};
  n["max_bin"] = {static_cast<double>(o.max_bin)};
  n["early_stopping_rounds"] = {static_cast<double>(o.early_stopping_rounds)};
  n["validation_fraction"] = {o.validation_fraction};
  n["seed"] = {static_cast<double>(o.seed)};
  n["n_threads"] = {static_cast<double>(o.n_threads)};
  state->texts["tree_method"] = o.tree_method;
  state->texts["eval_metric"] = o.eval_metric;
}

XGBoostOptions LoadOptions(const EstimatorState& state) {
  XGBoostOptions o;
  o.n_estimators = static_cast<int>(state.Number("n_estimators"));
  o.learning_rate = state.Number("learning_rate");
  o.max_depth = static_cast<int>(state.Number("max_depth"));
  o.min_child_weight = state.Number("min_child_weight");
  o.subsample = state.Number("subsample");
  o.colsample_bytree = state.Number("colsample_bytree");
  o.reg_lambda = state.Number("reg_lambda");
  o.reg_alpha = state.Number("reg_alpha");
  o.gamma = state.Number("gamma");
  o.max_bin = static_cast<int>(state.Number("max_bin"));
  o.early_stopping_rounds = static_cast<int>(state.Number("early_stopping_rounds"));
  o.validation_fraction = state.Number("validation_fraction");
  o.seed = static_cast<uint32_t>(state.Number("seed"));
  o.n_threads = static_cast<int>(state.Number("n_threads"));
  o.tree_method = state.Text("tree_method");
  o.eval_metric = state.Text("eval_metric");
  return o;
}

}  // namespace

const boosting::Booster& XGBoostModel::booster() const {
  if (booster_ == nullptr) {
    throw InvalidArgument("xgboost: call Fit before predicting or explaining");
  }
  return *booster_;
}

int XGBoostModel::rounds() const {
  return booster().Rounds();
}

std::string XGBoostModel::ModelJson() const {
  return booster().ToJson();
}

Matrix XGBoostModel::PredictMargin(const Matrix& x) const {
  const boosting::Booster& model = booster();
  learn::CheckColumns(x, n_features_, "xgboost");
  CheckFeatures(x, "xgboost");
  std::vector<float> raw = model.Predict(x, boosting::PredictType::kMargin, options_.n_threads);
  const int64_t outputs = x.rows() == 0 ? 1 : static_cast<int64_t>(raw.size()) / x.rows();
  return Matrix(x.rows(), outputs, std::vector<double>(raw.begin(), raw.end()));
}

Matrix XGBoostModel::PredictContributions(const Matrix& x) const {
  const boosting::Booster& model = booster();
  learn::CheckColumns(x, n_features_, "xgboost");
  CheckFeatures(x, "xgboost");
  std::vector<float> raw =
      model.Predict(x, boosting::PredictType::kContributions, options_.n_threads);
  const int64_t width =
      x.rows() == 0 ? n_features_ + 1 : static_cast<int64_t>(raw.size()) / x.rows();
  return Matrix(x.rows(), width, std::vector<double>(raw.begin(), raw.end()));
}

std::vector<double> XGBoostModel::FeatureImportances() const {
  std::vector<double> gain = booster().GainScores(n_features_);
  // XGBClassifier.feature_importances_: the gains as float32, divided by their sum.
  std::vector<float> as_float(gain.begin(), gain.end());
  float total = 0;
  for (float value : as_float) total += value;
  std::vector<double> out(gain.size(), 0.0);
  if (total == 0) return out;
  for (size_t f = 0; f < out.size(); ++f) out[f] = as_float[f] / total;
  return out;
}

TreeEnsemble XGBoostModel::Ensemble() const {
  nlohmann::json model = nlohmann::json::parse(booster().ToJson());
  const nlohmann::json& learner = model.at("learner");
  const nlohmann::json& param = learner.at("learner_model_param");
  const std::string objective = learner.at("objective").at("name").get<std::string>();
  const double base_score = std::stod(param.at("base_score").get<std::string>());
  const int num_class = std::stoi(param.at("num_class").get<std::string>());
  const nlohmann::json& gbtree = learner.at("gradient_booster").at("model");
  TreeEnsemble ensemble;
  ensemble.rule = TreeEnsemble::Rule::kLess;
  ensemble.n_features = n_features_;
  ensemble.n_outputs =
      objective == "multi:softprob" || objective == "multi:softmax" ? std::max(num_class, 1) : 1;
  // XGBoost's margin starts at base_score mapped through the objective's link.
  double base_margin = base_score;
  if (objective == "binary:logistic") base_margin = std::log(base_score / (1.0 - base_score));
  // XGBoost stores base_score in float32 and adds it in float32.
  base_margin = static_cast<float>(base_margin);
  ensemble.base_value.assign(static_cast<size_t>(ensemble.n_outputs), base_margin);
  ensemble.output_space = objective == "binary:logistic" ? "log-odds"
                          : ensemble.n_outputs > 1       ? "margin"
                                                         : "value";
  const nlohmann::json& info = gbtree.at("tree_info");
  const nlohmann::json& trees = gbtree.at("trees");
  for (size_t t = 0; t < trees.size(); ++t) {
    const nlohmann::json& tree = trees[t];
    TreeEnsemble::Tree out;
    out.left = tree.at("left_children").get<std::vector<int32_t>>();
    out.right = tree.at("right_children").get<std::vector<int32_t>>();
    out.feature = tree.at("split_indices").get<std::vector<int32_t>>();
    out.threshold = tree.at("split_conditions").get<std::vector<double>>();
    out.cover = tree.at("sum_hessian").get<std::vector<double>>();
    for (int value : tree.at("default_left").get<std::vector<int>>()) {
      out.default_left.push_back(static_cast<uint8_t>(value));
    }
    // A leaf's value is kept in split_conditions.
    out.value.resize(out.left.size());
    for (size_t node = 0; node < out.left.size(); ++node) {
      out.value[node] = out.left[node] < 0 ? out.threshold[node] : 0.0;
    }
    out.values_per_node = 1;
    out.output = ensemble.n_outputs > 1 ? info[t].get<int>() : 0;
    ensemble.trees.push_back(std::move(out));
  }
  return ensemble;
}

void XGBoostModel::SaveCommon(EstimatorState* state) const {
  SaveOptions(options_, state);
  state->numbers["n_features"] = {static_cast<double>(n_features_)};
  state->numbers["validation_history"] = history_;
  state->texts["xgboost_model"] = booster().ToJson();
}

void XGBoostModel::LoadCommon(const EstimatorState& state) {
  options_ = LoadOptions(state);
  n_features_ = static_cast<int64_t>(state.Number("n_features"));
  history_ = state.Numbers("validation_history");
  booster_ = boosting::Booster::FromJson(state.Text("xgboost_model"), "xgboost");
}

void XGBoostClassifier::Fit(const Matrix& x, std::span<const int32_t> y,
                            std::span<const double> sample_weight) {
  CheckOptions(options_, kClassifierWho);
  CheckFeatures(x, kClassifierWho);
  int classes = 0;
  CheckLabelsAndClasses(x, y, kClassifierWho, &classes);
  learn::CheckSampleWeight(x, sample_weight, kClassifierWho);
  booster_ = TrainBooster<int32_t>(options_, boosting::Task::kClassification, classes, x, y,
                                   sample_weight, nullptr, {}, &history_, kClassifierWho);
  num_classes_ = classes;
  n_features_ = x.cols();
}

void XGBoostClassifier::FitWithValidation(const Matrix& x, std::span<const int32_t> y,
                                          const Matrix& x_valid, std::span<const int32_t> y_valid,
                                          std::span<const double> sample_weight) {
  CheckOptions(options_, kClassifierWho);
  CheckFeatures(x, kClassifierWho);
  CheckFeatures(x_valid, kClassifierWho);
  learn::CheckColumns(x_valid, x.cols(), kClassifierWho);
  int classes = 0;
  CheckLabelsAndClasses(x, y, kClassifierWho, &classes);
  learn::CheckLabels(x_valid, y_valid, kClassifierWho);
  for (int32_t label : y_valid) {
    if (label >= classes) {
      throw InvalidInput(
          fmt::format("{}: the validation fold has class {}, which no training row has",
                      kClassifierWho, label));
    }
  }
  learn::CheckSampleWeight(x, sample_weight, kClassifierWho);
  booster_ = TrainBooster<int32_t>(options_, boosting::Task::kClassification, classes, x, y,
                                   sample_weight, &x_valid, y_valid, &history_, kClassifierWho);
  num_classes_ = classes;
  n_features_ = x.cols();
}

Matrix XGBoostClassifier::PredictProba(const Matrix& x) const {
  const boosting::Booster& model = booster();
  learn::CheckColumns(x, n_features_, kClassifierWho);
  CheckFeatures(x, kClassifierWho);
  std::vector<float> raw = model.Predict(x, boosting::PredictType::kValue, options_.n_threads);
  Matrix out(x.rows(), num_classes_);
  for (int64_t row = 0; row < x.rows(); ++row) {
    if (num_classes_ == 2) {
      double p = raw[row];
      out(row, 0) = 1.0 - p;
      out(row, 1) = p;
    } else {
      for (int k = 0; k < num_classes_; ++k) out(row, k) = raw[row * num_classes_ + k];
    }
  }
  return out;
}

std::unique_ptr<Classifier> XGBoostClassifier::CloneUnfitted() const {
  return std::make_unique<XGBoostClassifier>(options_);
}

EstimatorState XGBoostClassifier::SaveState() const {
  EstimatorState state;
  SaveCommon(&state);
  state.numbers["n_classes"] = {static_cast<double>(num_classes_)};
  return state;
}

void XGBoostClassifier::LoadState(const EstimatorState& state) {
  LoadCommon(state);
  num_classes_ = static_cast<int>(state.Number("n_classes"));
}

void XGBoostRegressor::Fit(const Matrix& x, std::span<const double> y,
                           std::span<const double> sample_weight) {
  CheckOptions(options_, kRegressorWho);
  CheckFeatures(x, kRegressorWho);
  CheckTargets(x, y, kRegressorWho);
  learn::CheckSampleWeight(x, sample_weight, kRegressorWho);
  booster_ = TrainBooster<double>(options_, boosting::Task::kRegression, 0, x, y, sample_weight,
                                  nullptr, {}, &history_, kRegressorWho);
  n_features_ = x.cols();
}

void XGBoostRegressor::FitWithValidation(const Matrix& x, std::span<const double> y,
                                         const Matrix& x_valid, std::span<const double> y_valid,
                                         std::span<const double> sample_weight) {
  CheckOptions(options_, kRegressorWho);
  CheckFeatures(x, kRegressorWho);
  CheckFeatures(x_valid, kRegressorWho);
  learn::CheckColumns(x_valid, x.cols(), kRegressorWho);
  CheckTargets(x, y, kRegressorWho);
  CheckTargets(x_valid, y_valid, kRegressorWho);
  learn::CheckSampleWeight(x, sample_weight, kRegressorWho);
  booster_ = TrainBooster<double>(options_, boosting::Task::kRegression, 0, x, y, sample_weight,
                                  &x_valid, y_valid, &history_, kRegressorWho);
  n_features_ = x.cols();
}

std::vector<double> XGBoostRegressor::Predict(const Matrix& x) const {
  const boosting::Booster& model = booster();
  learn::CheckColumns(x, n_features_, kRegressorWho);
  CheckFeatures(x, kRegressorWho);
  std::vector<float> raw = model.Predict(x, boosting::PredictType::kValue, options_.n_threads);
  return std::vector<double>(raw.begin(), raw.end());
}

std::unique_ptr<Regressor> XGBoostRegressor::CloneUnfitted() const {
  return std::make_unique<XGBoostRegressor>(options_);
}

EstimatorState XGBoostRegressor::SaveState() const {
  EstimatorState state;
  SaveCommon(&state);
  return state;
}

void XGBoostRegressor::LoadState(const EstimatorState& state) {
  LoadCommon(state);
}

std::string XGBoostVersion() {
  int major = 0, minor = 0, patch = 0;
  ::XGBoostVersion(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

}  // namespace hitscope
