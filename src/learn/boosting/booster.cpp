#include "learn/boosting/booster.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <hitscope/error.hpp>
#include <hitscope/runtime.hpp>

namespace hitscope::boosting {

namespace {

void Check(int status, const char* who, const char* what) {
  if (status == 0) return;
  throw InternalError(fmt::format("{}: XGBoost failed to {}: {}", who, what, XGBGetLastError()));
}

void QuietOnce() {
  static std::once_flag once;
  std::call_once(once, [] { XGBSetGlobalConfig("{\"verbosity\": 0}"); });
}

// A DMatrix of float32 rows, freed on scope exit.
class DMatrix {
 public:
  DMatrix(const Matrix& x, std::span<const float> labels, std::span<const double> weights,
          int n_threads, const char* who) {
    std::vector<float> values(x.data().begin(), x.data().end());
    Check(XGDMatrixCreateFromMat_omp(values.data(), static_cast<bst_ulong>(x.rows()),
                                     static_cast<bst_ulong>(x.cols()),
                                     std::numeric_limits<float>::quiet_NaN(), &handle_, n_threads),
          who, "build its matrix");
    if (!labels.empty()) {
      Check(XGDMatrixSetFloatInfo(handle_, "label", labels.data(),
                                  static_cast<bst_ulong>(labels.size())),
            who, "set the labels");
    }
    if (!weights.empty()) {
      std::vector<float> w(weights.begin(), weights.end());
      Check(XGDMatrixSetFloatInfo(handle_, "weight", w.data(), static_cast<bst_ulong>(w.size())),
            who, "set the weights");
    }
  }
  ~DMatrix() { XGDMatrixFree(handle_); }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

int Threads(const XGBoostOptions& options) {
  return options.n_threads > 0 ? options.n_threads : ThreadCount();
}

// Lower is better for the losses, higher for the ranking metrics.
bool HigherIsBetter(const std::string& metric) {
  return metric.rfind("auc", 0) == 0 || metric.rfind("map", 0) == 0 ||
         metric.rfind("ndcg", 0) == 0 || metric.rfind("pre", 0) == 0;
}

// The value in XGBoost's evaluation line "[3]\tvalid-mlogloss:0.512".
double ParseMetric(const char* line, std::string* name) {
  std::string text(line);
  auto dash = text.find('-');
  auto colon = text.rfind(':');
  if (dash == std::string::npos || colon == std::string::npos || colon < dash) {
    throw InternalError(fmt::format("cannot read XGBoost's evaluation '{}'", text));
  }
  *name = text.substr(dash + 1, colon - dash - 1);
  return std::stod(text.substr(colon + 1));
}

}  // namespace

std::string Objective(Task task, int num_classes) {
  if (task == Task::kRegression) return "reg:squarederror";
  return num_classes == 2 ? "binary:logistic" : "multi:softprob";
}

Booster::~Booster() {
  XGBoosterFree(handle_);
}

std::shared_ptr<const Booster> Booster::Train(const XGBoostOptions& options,
                                              const TrainInput& input, std::vector<double>* history,
                                              const char* who) {
  QuietOnce();
  const int threads = Threads(options);
  DMatrix train(*input.x, input.labels, input.weights, threads, who);
  std::unique_ptr<DMatrix> valid;
  if (input.x_valid != nullptr) {
    valid = std::make_unique<DMatrix>(*input.x_valid, input.valid_labels, std::span<const double>(),
                                      threads, who);
  }
  DMatrixHandle cache[2] = {train.get(), valid ? valid->get() : nullptr};
  BoosterHandle handle = nullptr;
  Check(XGBoosterCreate(cache, valid ? 2 : 1, &handle), who, "create a booster");
  std::shared_ptr<Booster> booster(new Booster(handle));
  auto set = [&](const char* name, const std::string& value) {
    Check(XGBoosterSetParam(handle, name, value.c_str()), who, "accept its parameters");
  };
  set("objective", Objective(input.task, input.num_classes));
  if (input.task == Task::kClassification && input.num_classes > 2) {
    set("num_class", std::to_string(input.num_classes));
  }
  set("eta", fmt::format("{}", options.learning_rate));
  set("max_depth", std::to_string(options.max_depth));
  set("min_child_weight", fmt::format("{}", options.min_child_weight));
  set("subsample", fmt::format("{}", options.subsample));
  set("colsample_bytree", fmt::format("{}", options.colsample_bytree));
  set("lambda", fmt::format("{}", options.reg_lambda));
  set("alpha", fmt::format("{}", options.reg_alpha));
  set("gamma", fmt::format("{}", options.gamma));
  set("tree_method", options.tree_method);
  set("max_bin", std::to_string(options.max_bin));
  set("seed", std::to_string(options.seed));
  set("nthread", std::to_string(threads));
  set("verbosity", "0");
  if (!options.eval_metric.empty()) set("eval_metric", options.eval_metric);

  const bool early = valid != nullptr && options.early_stopping_rounds > 0;
  double best = 0;
  int best_round = -1;
  bool higher_better = false;
  for (int round = 0; round < options.n_estimators; ++round) {
    Check(XGBoosterUpdateOneIter(handle, round, train.get()), who, "train a round");
    if (!early) continue;
    DMatrixHandle eval[1] = {valid->get()};
    const char* names[1] = {"valid"};
    const char* line = nullptr;
    Check(XGBoosterEvalOneIter(handle, round, eval, names, 1, &line), who,
          "score the validation fold");
    std::string metric;
    double value = ParseMetric(line, &metric);
    if (round == 0) higher_better = HigherIsBetter(metric);
    history->push_back(value);
    if (best_round < 0 || (higher_better ? value > best : value < best)) {
      best = value;
      best_round = round;
    }
    if (round - best_round >= options.early_stopping_rounds) break;
  }
  if (early && best_round + 1 < booster->Rounds()) {
    BoosterHandle sliced = nullptr;
    Check(XGBoosterSlice(handle, 0, best_round + 1, 1, &sliced), who,
          "keep the rounds up to the best one");
    return std::shared_ptr<const Booster>(new Booster(sliced));
  }
  return booster;
}

std::shared_ptr<const Booster> Booster::FromJson(const std::string& json, const char* who) {
  QuietOnce();
  BoosterHandle handle = nullptr;
  Check(XGBoosterCreate(nullptr, 0, &handle), who, "create a booster");
  std::shared_ptr<Booster> booster(new Booster(handle));
  if (XGBoosterLoadModelFromBuffer(handle, json.data(), static_cast<bst_ulong>(json.size())) != 0) {
    throw InvalidInput(
        fmt::format("{}: XGBoost cannot read the saved model ({}); the model file is damaged", who,
                    XGBGetLastError()));
  }
  return booster;
}

std::string Booster::ToJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  bst_ulong length = 0;
  const char* bytes = nullptr;
  Check(XGBoosterSaveModelToBuffer(handle_, "{\"format\": \"json\"}", &length, &bytes), "xgboost",
        "save its model");
  return std::string(bytes, length);
}

std::vector<float> Booster::Predict(const Matrix& x, PredictType type, int n_threads) const {
  DMatrix data(x, {}, {}, n_threads > 0 ? n_threads : ThreadCount(), "xgboost");
  std::string config = fmt::format(
      "{{\"type\": {}, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
      "\"strict_shape\": true}}",
      static_cast<int>(type));
  std::lock_guard<std::mutex> lock(mutex_);
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* result = nullptr;
  Check(XGBoosterPredictFromDMatrix(handle_, data.get(), config.c_str(), &shape, &dims, &result),
        "xgboost", "predict");
  size_t total = 1;
  for (bst_ulong d = 0; d < dims; ++d) total *= static_cast<size_t>(shape[d]);
  return std::vector<float>(result, result + total);
}

int Booster::Rounds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int rounds = 0;
  Check(XGBoosterBoostedRounds(handle_, &rounds), "xgboost", "count its rounds");
  return rounds;
}

std::vector<double> Booster::GainScores(int64_t n_features) const {
  std::lock_guard<std::mutex> lock(mutex_);
  bst_ulong n = 0, dims = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  Check(XGBoosterFeatureScore(handle_, "{\"importance_type\": \"gain\"}", &n, &names, &dims, &shape,
                              &scores),
        "xgboost", "score its features");
  std::vector<double> out(static_cast<size_t>(n_features), 0.0);
  for (bst_ulong i = 0; i < n; ++i) {
    // Unnamed features are called "f0", "f1", ...
    std::string name(names[i]);
    if (name.size() > 1 && name[0] == 'f') {
      int64_t feature = std::stoll(name.substr(1));
      if (feature >= 0 && feature < n_features) out[feature] = scores[i];
    }
  }
  return out;
}

}  // namespace hitscope::boosting
