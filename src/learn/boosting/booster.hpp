// learn/boosting/booster.hpp: the one place that calls XGBoost's C API: DMatrix and Booster
// handles owned by RAII objects, the training loop with early stopping, prediction, and the
// model as XGBoost's JSON. Every XGBoost error becomes Error(kInternal) with XGBoost's message.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <hitscope/boosting.hpp>

namespace hitscope::boosting {

enum class Task { kClassification, kRegression };

// What a training run needs beyond the options.
struct TrainInput {
  Task task = Task::kClassification;
  int num_classes = 0;  // classification
  const Matrix* x = nullptr;
  std::span<const float> labels;    // one per row (class index or target)
  std::span<const double> weights;  // empty or one per row
  const Matrix* x_valid = nullptr;  // the validation fold (early stopping), or null
  std::span<const float> valid_labels;
};

// The XGBoost prediction types (XGBoosterPredictFromDMatrix's "type").
enum class PredictType { kValue = 0, kMargin = 1, kContributions = 2 };

class Booster {
 public:
  ~Booster();
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  // Trains a booster; `history` receives the validation metric of every round trained.
  static std::shared_ptr<const Booster> Train(const XGBoostOptions& options,
                                              const TrainInput& input, std::vector<double>* history,
                                              const char* who);
  // A booster from XGBoost's JSON model. Throws Error(kInvalidInput) if XGBoost cannot read it.
  static std::shared_ptr<const Booster> FromJson(const std::string& json, const char* who);

  std::string ToJson() const;
  // The prediction of every row of x as XGBoost lays it out (strict shape): kValue / kMargin:
  // rows x outputs; kContributions: rows x outputs x (features + 1).
  std::vector<float> Predict(const Matrix& x, PredictType type, int n_threads) const;
  int Rounds() const;
  // XGBoost's "gain" score per feature (0 for unused features).
  std::vector<double> GainScores(int64_t n_features) const;

 private:
  explicit Booster(void* handle) : handle_(handle) {}
  void* handle_;
  mutable std::mutex mutex_;  // XGBoost's prediction buffers belong to the handle
};

// XGBoost's objective and metric direction for a task.
std::string Objective(Task task, int num_classes);

}  // namespace hitscope::boosting
