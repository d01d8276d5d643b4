// serve/served_model.hpp: one model as the server holds it: the loaded model file, what /models
// says about it, and predictions with each track's top feature contributions.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>
#include <hitscope/matrix.hpp>
#include <hitscope/model_file.hpp>
#include <hitscope/trees.hpp>

namespace hitscope::serve {

// Where a model came from and what the registry (or the file) says about it.
struct ModelInfo {
  std::string name;
  std::string version;       // registry: "3"; folder: the first 12 hex digits of the file's SHA-256
  std::string created;       // ISO 8601 UTC: registration time, or the file's modification time
  std::string source;        // "registry.db: popularity version 3" or the file's path
  std::string metrics_json;  // registry metrics JSON (include/hitscope/registry.hpp)
  std::string model_sha256;
};

// How a model's contributions are computed (include/hitscope/serve.hpp, "Contributions").
enum class ContributionMethod { kTreeShap, kXgboostShap, kOcclusion };
const char* ContributionMethodName(ContributionMethod method);

struct Contribution {
  std::string feature;  // a model feature (after one-hot encoding or selection, if any)
  double value = 0;     // the track's value of it (as sent, when the model sees raw features)
  double contribution = 0;
};

struct TrackPrediction {
  int32_t class_index = -1;                 // class target
  std::vector<double> probabilities;        // class target: one per class
  double popularity = std::nan("");         // score target
  std::string explained;                    // what contributions explain: "P(high)", "popularity"
  double expected_value = std::nan("");     // SHAP: the model's average output; occlusion: NaN
  std::vector<Contribution> contributions;  // largest |contribution| first, at most top_k
};

// Immutable once built; Predict may run from many threads at once.
class ServedModel {
 public:
  // Throws Error(kInvalidInput) when the model's fitted estimator cannot be rebuilt.
  ServedModel(ModelInfo info, TrainedModel model);
  ~ServedModel();

  const ModelInfo& info() const { return info_; }
  const TrainedModel& model() const { return model_; }
  const std::vector<std::string>& features() const { return model_.roles.features; }
  bool is_class() const { return model_.pipeline.target() == TargetKind::kClass; }
  const std::vector<std::string>& class_names() const { return model_.classes.names; }
  ContributionMethod method() const { return method_; }
  // Per raw feature: a typical value (the training reference of the occlusion, the middle of the
  // documented range when the model has no scaler), for the page's starting values.
  const std::vector<double>& reference() const { return reference_; }
  // "forest (100 trees) ..." from the pipeline.
  std::string Describe() const;

  // x: rows x features() (raw values, checked by the caller). Contributions (top_k > 0) for
  // every row.
  std::vector<TrackPrediction> Predict(const Matrix& x, int top_k) const;

 private:
  void AddShap(const Matrix& raw, const Matrix& transformed, int top_k,
               std::vector<TrackPrediction>* out) const;
  void AddOcclusion(const Matrix& raw, int top_k, std::vector<TrackPrediction>* out) const;

  ModelInfo info_;
  TrainedModel model_;
  ContributionMethod method_ = ContributionMethod::kOcclusion;
  std::unique_ptr<Classifier> classifier_;  // the pipeline's fitted model, for SHAP
  std::unique_ptr<Regressor> regressor_;
  std::unique_ptr<TreeEnsemble> ensemble_;  // tree models: their trees, built once
  std::vector<std::string> model_features_;
  std::vector<double> reference_;
};

}  // namespace hitscope::serve
