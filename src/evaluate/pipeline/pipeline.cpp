// Pipeline: fit every step on the training part, predict without resampling.
#include <algorithm>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/pipeline.hpp>
#include <hitscope/preprocess.hpp>
#include <hitscope/resample.hpp>

#include "core/text.hpp"

namespace hitscope {

namespace {

std::unique_ptr<Transformer> MakeScaler(const std::string& name) {
  if (name == "standard") return std::make_unique<StandardScaler>();
  if (name == "minmax") return std::make_unique<MinMaxScaler>();
  if (name == "robust") return std::make_unique<RobustScaler>();
  return nullptr;
}

}  // namespace

std::unique_ptr<Resampler> MakeResampler(const PipelineSpec& spec,
                                         const std::vector<std::string>& class_names) {
  SmoteOptions smote;
  smote.k_neighbors = spec.smote_k;
  smote.seed = spec.seed;
  smote.class_names = class_names;
  if (spec.resample == "ros") {
    return std::make_unique<RandomOverSampler>(
        RandomOverSamplerOptions{OverSampling::kNotMajority, spec.seed});
  }
  if (spec.resample == "smote") return std::make_unique<Smote>(smote);
  if (spec.resample == "smote_tomek") return std::make_unique<SmoteTomek>(smote);
  if (spec.resample == "tomek") return std::make_unique<TomekLinks>();
  return nullptr;
}

Pipeline::Pipeline(PipelineSpec spec, TargetKind target, std::vector<std::string> feature_names,
                   std::vector<std::string> class_names)
    : spec_(std::move(spec)),
      target_(target),
      feature_names_(std::move(feature_names)),
      class_names_(std::move(class_names)) {
  const ModelEntry& model = FindModel(spec_.model);
  ParamMap params = CompleteModelParams(model, spec_.model_params);
  if (target_ == TargetKind::kClass) {
    if (!model.make_classifier) {
      throw InvalidArgument(fmt::format(
          "model {} predicts a number, not a class; use it with --target popularity, or choose "
          "a classifier",
          spec_.model));
    }
    classifier_ = model.make_classifier(params);
  } else {
    if (!model.make_regressor) {
      throw InvalidArgument(fmt::format(
          "model {} predicts classes, not the popularity score; use it with --target class, or "
          "choose knn or ridge for --target popularity",
          spec_.model));
    }
    if (spec_.resample != "none" || spec_.class_weight != "none" || spec_.select_k > 0) {
      throw InvalidArgument(
          "resampling, class weights and the F-test selector need popularity classes; use "
          "--target class, or drop them for --target popularity");
    }
    regressor_ = model.make_regressor(params);
  }
  if (spec_.class_weight == "balanced" && !model.uses_sample_weights) {
    throw InvalidArgument(fmt::format(
        "model {} ignores sample weights, so class_weight=balanced would change nothing; "
        "use resampling (--resample) or a model with class weights (logreg)",
        spec_.model));
  }
  if (auto scaler = MakeScaler(spec_.scaler)) transformers_.push_back(std::move(scaler));
  if (!spec_.one_hot.empty()) {
    OneHotEncoderOptions options;
    for (const auto& name : spec_.one_hot) {
      auto it = std::find(feature_names_.begin(), feature_names_.end(), name);
      if (it == feature_names_.end()) {
        throw InvalidArgument(
            fmt::format("pipeline: one_hot names '{}', which is not a feature{}; "
                        "the features are {}",
                        name, DidYouMean(name, feature_names_), QuoteList(feature_names_)));
      }
      options.columns.push_back(it - feature_names_.begin());
    }
    transformers_.push_back(std::make_unique<OneHotEncoder>(options));
  }
  if (spec_.select_k > 0) {
    transformers_.push_back(std::make_unique<SelectKBest>(SelectKBestOptions{spec_.select_k}));
  }
  resampler_ = MakeResampler(spec_, class_names_);
}

Pipeline::~Pipeline() = default;
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;

void Pipeline::FitTransformers(Matrix* x, std::span<const int32_t> y) {
  if (x->cols() != static_cast<int64_t>(feature_names_.size())) {
    throw InvalidInput(fmt::format("pipeline: {} feature columns given, {} expected ({})",
                                   x->cols(), feature_names_.size(), QuoteList(feature_names_)));
  }
  rows_given_ = x->rows();
  for (auto& transformer : transformers_) {
    transformer->Fit(*x, y);
    *x = transformer->Transform(*x);
  }
}

void Pipeline::FitClasses(const Matrix& x, std::span<const int32_t> y) {
  if (target_ != TargetKind::kClass) {
    throw InvalidArgument("pipeline: FitClasses on a pipeline built for the popularity score");
  }
  std::vector<int64_t> counts(static_cast<size_t>(num_classes()), 0);
  for (int32_t label : y) {
    if (label < 0 || label >= num_classes()) {
      throw InvalidInput(
          fmt::format("pipeline: class {} is outside 0..{}", label, num_classes() - 1));
    }
    ++counts[label];
  }
  if (std::count_if(counts.begin(), counts.end(), [](int64_t c) { return c > 0; }) < 2) {
    std::string which = "none";
    for (int c = 0; c < num_classes(); ++c) {
      if (counts[c] > 0) which = fmt::format("'{}'", class_names_[c]);
    }
    throw InvalidInput(fmt::format(
        "the training rows hold a single popularity class ({}); a classifier needs at least two. "
        "Check --classes (the edges may put every row in one class) or the split",
        which));
  }
  fitted_ = false;
  Matrix features = x;
  FitTransformers(&features, y);
  Labels labels(y.begin(), y.end());
  // Resampling happens here, on the training rows only, and nowhere else.
  if (resampler_) {
    Matrix resampled;
    Labels resampled_labels;
    resampler_->FitResample(features, labels, &resampled, &resampled_labels);
    features = std::move(resampled);
    labels = std::move(resampled_labels);
  }
  std::vector<double> weights;
  if (spec_.class_weight == "balanced") weights = BalancedSampleWeights(labels);
  classifier_->Fit(features, labels, weights);
  rows_fitted_ = features.rows();
  fitted_ = true;
}

void Pipeline::FitScores(const Matrix& x, std::span<const double> y) {
  if (target_ != TargetKind::kPopularity) {
    throw InvalidArgument("pipeline: FitScores on a pipeline built for popularity classes");
  }
  fitted_ = false;
  Matrix features = x;
  FitTransformers(&features, {});
  regressor_->Fit(features, y);
  rows_fitted_ = features.rows();
  fitted_ = true;
}

Matrix Pipeline::Transform(const Matrix& x) const {
  if (!fitted_) throw InvalidArgument("pipeline: call Fit before predicting");
  if (x.cols() != static_cast<int64_t>(feature_names_.size())) {
    throw InvalidInput(fmt::format("pipeline: {} feature columns given, {} expected ({})", x.cols(),
                                   feature_names_.size(), QuoteList(feature_names_)));
  }
  Matrix features = x;
  for (const auto& transformer : transformers_) features = transformer->Transform(features);
  return features;
}

Labels Pipeline::PredictClasses(const Matrix& x) const {
  if (!classifier_) throw InvalidArgument("pipeline: this pipeline predicts the popularity score");
  return classifier_->Predict(Transform(x));
}

namespace {

// The model's probabilities widened to every class: classes the training rows lacked (the
// highest indices) get probability 0.
Matrix PadClasses(Matrix proba, int classes) {
  if (proba.cols() == classes) return proba;
  Matrix padded(proba.rows(), classes);
  for (int64_t row = 0; row < proba.rows(); ++row) {
    std::copy_n(proba.Row(row), proba.cols(), padded.Row(row));
  }
  return padded;
}

}  // namespace

Matrix Pipeline::PredictProba(const Matrix& x) const {
  if (!classifier_) throw InvalidArgument("pipeline: this pipeline predicts the popularity score");
  return PadClasses(classifier_->PredictProba(Transform(x)), num_classes());
}

void Pipeline::PredictBoth(const Matrix& x, Labels* labels, Matrix* proba) const {
  if (!classifier_) throw InvalidArgument("pipeline: this pipeline predicts the popularity score");
  classifier_->PredictBoth(Transform(x), labels, proba);
  *proba = PadClasses(std::move(*proba), num_classes());
}

std::vector<double> Pipeline::PredictScores(const Matrix& x) const {
  if (!regressor_) throw InvalidArgument("pipeline: this pipeline predicts classes");
  return regressor_->Predict(Transform(x));
}

std::vector<std::string> Pipeline::ModelFeatureNames() const {
  std::vector<std::string> names = feature_names_;
  for (const auto& transformer : transformers_) names = transformer->OutputNames(names);
  return names;
}

std::vector<EstimatorState> Pipeline::SaveStates() const {
  if (!fitted_) throw InvalidArgument("pipeline: fit it before saving it");
  std::vector<EstimatorState> states;
  for (const auto& transformer : transformers_) states.push_back(transformer->SaveState());
  states.push_back(classifier_ ? classifier_->SaveState() : regressor_->SaveState());
  return states;
}

void Pipeline::LoadStates(const std::vector<EstimatorState>& states) {
  if (states.size() != transformers_.size() + 1) {
    throw InvalidInput(fmt::format(
        "the model file holds {} fitted steps but its pipeline ({}) has {}; the file is damaged",
        states.size(), spec_.Describe(), transformers_.size() + 1));
  }
  for (size_t i = 0; i < transformers_.size(); ++i) transformers_[i]->LoadState(states[i]);
  if (classifier_) {
    classifier_->LoadState(states.back());
  } else {
    regressor_->LoadState(states.back());
  }
  fitted_ = true;
}

}  // namespace hitscope
