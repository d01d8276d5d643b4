// hitscope/pipeline.hpp: the chain scaler -> one-hot encoder -> selector -> resampler -> model,
// fitted on training rows only.
//
// A PipelineSpec names the steps and their parameters as text, so a search can vary them and a
// model file can store them. A Pipeline built from it is fitted on one training part: every
// transformer learns from those rows only, the resampler changes those rows only (and is never
// applied when predicting), class weights come from those rows only, then the model is fitted.
// Predict / PredictProba run the transformers and the model; they never resample. There is no
// way to resample rows that are later scored, except the explicitly leaky protocol of
// include/hitscope/evaluation.hpp (EvaluateLeakyResampleBeforeSplit).
//
// Parameters (PipelineSpec::Set / FromParams):
//   scaler        none | standard | minmax | robust                          (default standard)
//   one_hot       comma-separated feature names to one-hot encode, e.g. key,mode  (default none)
//   select_k      keep the k best features by ANOVA F (0: keep all)          (default 0)
//   resample      none | ros | smote | smote_tomek | tomek                   (default none)
//   smote_k       SMOTE's neighbours                                         (default 5)
//   class_weight  none | balanced                                            (default none)
//   model         a registered model name (models.hpp: knn, logreg, ridge)   (default knn)
//   model.NAME    a model parameter, e.g. model.k=7, model.C=0.1
//   seed          the seed of every random step                              (default 0)
// Errors: Error(kInvalidArgument) for an unknown parameter or value (naming the valid ones) and
// for combinations that cannot work (resampling or class weights with a popularity-score
// target, class weights with a model that ignores sample weights). Fit and Predict throw what
// their steps throw (include/hitscope/preprocess.hpp, resample.hpp, models.hpp).
// Thread-safety: a fitted Pipeline is immutable; Predict may run from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <hitscope/dataset.hpp>
#include <hitscope/estimator.hpp>
#include <hitscope/models.hpp>

namespace hitscope {

struct PipelineSpec {
  std::string scaler = "standard";
  std::vector<std::string> one_hot;
  int select_k = 0;
  std::string resample = "none";
  int smote_k = 5;
  std::string class_weight = "none";
  std::string model = "knn";
  ParamMap model_params;  // only the ones set; defaults come from the model registry
  uint64_t seed = 0;

  // Sets one parameter by its name above. Throws Error(kInvalidArgument).
  void Set(const std::string& name, const std::string& value);
  // Every parameter as text (model parameters with their defaults filled in).
  ParamMap ToParams() const;
  static PipelineSpec FromParams(const ParamMap& params);
  // "robust scaler -> smote (k 5) -> knn (k 5, weights uniform)".
  std::string Describe() const;
};

class Pipeline {
 public:
  // Builds the unfitted steps. `feature_names` are the input columns (one_hot refers to them);
  // `class_names` name the classes 0..k-1 of a class target (empty for the popularity score).
  // Throws Error(kInvalidArgument) as described above.
  Pipeline(PipelineSpec spec, TargetKind target, std::vector<std::string> feature_names,
           std::vector<std::string> class_names);
  ~Pipeline();
  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;

  // Fits on training rows (x: rows x features). REQUIRES: a class target.
  void FitClasses(const Matrix& x, std::span<const int32_t> y);
  // Fits on training rows with the popularity score as target. REQUIRES: a score target.
  void FitScores(const Matrix& x, std::span<const double> y);

  // The transformed features (no resampling): what the model sees for rows x.
  Matrix Transform(const Matrix& x) const;
  Labels PredictClasses(const Matrix& x) const;
  // rows x num_classes; a class the training rows lacked has probability 0.
  Matrix PredictProba(const Matrix& x) const;
  // Both at once (one transform, one neighbour search for KNN).
  void PredictBoth(const Matrix& x, Labels* labels, Matrix* proba) const;
  std::vector<double> PredictScores(const Matrix& x) const;

  bool fitted() const { return fitted_; }
  const PipelineSpec& spec() const { return spec_; }
  TargetKind target() const { return target_; }
  int num_classes() const { return static_cast<int>(class_names_.size()); }
  const std::vector<std::string>& class_names() const { return class_names_; }
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // Names of the columns the model sees (after one-hot encoding and selection).
  std::vector<std::string> ModelFeatureNames() const;
  // Training rows the model saw in the last fit (after resampling) and before it.
  int64_t rows_fitted() const { return rows_fitted_; }
  int64_t rows_given() const { return rows_given_; }

  // For model files: the fitted transformers and model, in order, and their restoration (on a
  // freshly built Pipeline with the same spec). LoadStates throws Error(kInvalidInput) when the
  // states do not fit the steps.
  std::vector<EstimatorState> SaveStates() const;
  void LoadStates(const std::vector<EstimatorState>& states);

 private:
  void FitTransformers(Matrix* x, std::span<const int32_t> y);

  PipelineSpec spec_;
  TargetKind target_;
  std::vector<std::string> feature_names_;
  std::vector<std::string> class_names_;
  std::vector<std::unique_ptr<Transformer>> transformers_;
  std::unique_ptr<Resampler> resampler_;
  std::unique_ptr<Classifier> classifier_;
  std::unique_ptr<Regressor> regressor_;
  bool fitted_ = false;
  int64_t rows_fitted_ = 0, rows_given_ = 0;
};

// The resampler a spec names (none: nullptr), for the leaky protocol and tests.
std::unique_ptr<Resampler> MakeResampler(const PipelineSpec& spec,
                                         const std::vector<std::string>& class_names);

}  // namespace hitscope
