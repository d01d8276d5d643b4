// ServedModel: predictions and per-track contributions (TreeSHAP, XGBoost's SHAP, or occlusion).
#include "serve/served_model.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <hitscope/boosting.hpp>
#include <hitscope/error.hpp>
#include <hitscope/models.hpp>
#include <hitscope/serve.hpp>
#include <hitscope/shap.hpp>

namespace hitscope::serve {

namespace {

// The occlusion reference of each raw feature: the training centre the scaler learned, else the
// middle of the documented range (0 without one). Whole-number features (key, mode) are rounded
// so that an encoder sees a category it knows.
std::vector<double> ReferencePoint(const TrainedModel& model,
                                   const std::vector<EstimatorState>& states) {
  const auto& features = model.roles.features;
  const std::string& scaler = model.pipeline.spec().scaler;
  std::vector<double> reference;
  if (scaler != "none" && !states.empty()) {
    const EstimatorState& state = states.front();
    if (scaler == "standard") {
      reference = state.Numbers("mean");
    } else if (scaler == "robust") {
      reference = state.Numbers("center");
    } else if (scaler == "minmax") {
      const auto& low = state.Numbers("data_min");
      const auto& high = state.Numbers("data_max");
      for (size_t f = 0; f < low.size() && f < high.size(); ++f) {
        reference.push_back((low[f] + high[f]) / 2);
      }
    }
  }
  if (reference.size() != features.size()) {
    reference.clear();
    for (const auto& name : features) {
      const FeatureRange* range = FindFeatureRange(name);
      reference.push_back(range != nullptr ? (range->min + range->max) / 2 : 0.0);
    }
  }
  for (size_t f = 0; f < features.size(); ++f) {
    const FeatureRange* range = FindFeatureRange(features[f]);
    if (range != nullptr && range->integer) {
      reference[f] = std::clamp(std::round(reference[f]), range->min, range->max);
    }
  }
  return reference;
}

std::string ExplainedName(const TrainedModel& model, const std::string& space, int32_t klass,
                          int outputs) {
  if (model.pipeline.target() != TargetKind::kClass) return "predicted popularity";
  const auto& names = model.classes.names;
  std::string name = outputs == 1 && names.size() == 2 ? names[1] : names.at(klass);
  return space == "probability" ? fmt::format("P({})", name) : fmt::format("{} of {}", space, name);
}

void SortAndCut(std::vector<Contribution>* contributions, int top_k) {
  std::stable_sort(contributions->begin(), contributions->end(),
                   [](const Contribution& a, const Contribution& b) {
                     return std::abs(a.contribution) > std::abs(b.contribution);
                   });
  if (contributions->size() > static_cast<size_t>(top_k)) contributions->resize(top_k);
}

}  // namespace

const char* ContributionMethodName(ContributionMethod method) {
  switch (method) {
    case ContributionMethod::kTreeShap:
      return "tree_shap";
    case ContributionMethod::kXgboostShap:
      return "xgboost_shap";
    case ContributionMethod::kOcclusion:
      return "occlusion";
  }
  return "occlusion";
}

ServedModel::ServedModel(ModelInfo info, TrainedModel model)
    : info_(std::move(info)), model_(std::move(model)) {
  const Pipeline& pipeline = model_.pipeline;
  const ModelEntry& entry = FindModel(pipeline.spec().model);
  ParamMap params = CompleteModelParams(entry, pipeline.spec().model_params);
  std::vector<EstimatorState> states = pipeline.SaveStates();
  if (states.empty()) {
    throw InvalidInput(
        fmt::format("model '{}' ({}) holds no fitted model; retrain it", info_.name, info_.source));
  }
  const Estimator* estimator = nullptr;
  if (is_class()) {
    classifier_ = entry.make_classifier(params);
    classifier_->LoadState(states.back());
    estimator = classifier_.get();
  } else {
    regressor_ = entry.make_regressor(params);
    regressor_->LoadState(states.back());
    estimator = regressor_.get();
  }
  if (const auto* trees = dynamic_cast<const TreeModel*>(estimator)) {
    ensemble_ = std::make_unique<TreeEnsemble>(trees->Ensemble());
    method_ = dynamic_cast<const XGBoostModel*>(estimator) != nullptr
                  ? ContributionMethod::kXgboostShap
                  : ContributionMethod::kTreeShap;
  }
  model_features_ = pipeline.ModelFeatureNames();
  reference_ = ReferencePoint(model_, states);
}

ServedModel::~ServedModel() = default;

std::string ServedModel::Describe() const {
  return model_.pipeline.spec().Describe();
}

std::vector<TrackPrediction> ServedModel::Predict(const Matrix& x, int top_k) const {
  const Pipeline& pipeline = model_.pipeline;
  std::vector<TrackPrediction> out(static_cast<size_t>(x.rows()));
  if (is_class()) {
    Labels labels;
    Matrix proba;
    pipeline.PredictBoth(x, &labels, &proba);
    for (int64_t row = 0; row < x.rows(); ++row) {
      TrackPrediction& track = out[static_cast<size_t>(row)];
      track.class_index = labels[static_cast<size_t>(row)];
      track.probabilities.assign(proba.Row(row), proba.Row(row) + proba.cols());
    }
  } else {
    std::vector<double> scores = pipeline.PredictScores(x);
    for (int64_t row = 0; row < x.rows(); ++row) {
      out[static_cast<size_t>(row)].popularity = scores[static_cast<size_t>(row)];
    }
  }
  if (top_k <= 0 || x.rows() == 0) return out;
  if (method_ == ContributionMethod::kOcclusion) {
    AddOcclusion(x, top_k, &out);
  } else {
    AddShap(x, pipeline.Transform(x), top_k, &out);
  }
  return out;
}

void ServedModel::AddShap(const Matrix& raw, const Matrix& transformed, int top_k,
                          std::vector<TrackPrediction>* out) const {
  ShapValues shap;
  if (method_ == ContributionMethod::kXgboostShap) {
    const auto* xgb = classifier_ ? dynamic_cast<const XGBoostModel*>(classifier_.get())
                                  : dynamic_cast<const XGBoostModel*>(regressor_.get());
    // XGBoost's pred_contribs: per output, the features then the bias.
    Matrix contributions = xgb->PredictContributions(transformed);
    const int64_t features = transformed.cols();
    shap.rows = transformed.rows();
    shap.features = features;
    shap.outputs = static_cast<int>(contributions.cols() / (features + 1));
    shap.output_space = ensemble_->output_space;
    shap.expected_value.assign(static_cast<size_t>(shap.outputs), 0.0);
    shap.values.resize(static_cast<size_t>(shap.rows * shap.outputs * features));
    for (int64_t row = 0; row < shap.rows; ++row) {
      for (int k = 0; k < shap.outputs; ++k) {
        const double* block = contributions.Row(row) + k * (features + 1);
        std::copy(block, block + features,
                  shap.values.begin() + (row * shap.outputs + k) * features);
        shap.expected_value[static_cast<size_t>(k)] = block[features];
      }
    }
  } else {
    shap = TreeShap(*ensemble_, transformed);
  }
  const bool raw_values = model_features_ == model_.roles.features;
  for (int64_t row = 0; row < transformed.rows(); ++row) {
    TrackPrediction& track = (*out)[static_cast<size_t>(row)];
    int output = 0;
    if (is_class() && shap.outputs > 1) output = track.class_index;
    const double* shown = raw_values ? raw.Row(row) : transformed.Row(row);
    ShapExplanation explanation = ExplainRow(
        shap, row, output, std::span<const double>(shown, static_cast<size_t>(shap.features)));
    track.explained = ExplainedName(model_, shap.output_space, track.class_index, shap.outputs);
    track.expected_value = explanation.expected_value;
    for (const ShapContribution& c : explanation.contributions) {
      track.contributions.push_back(
          {model_features_.at(static_cast<size_t>(c.feature)), c.value, c.shap});
    }
    SortAndCut(&track.contributions, top_k);
  }
}

void ServedModel::AddOcclusion(const Matrix& raw, int top_k,
                               std::vector<TrackPrediction>* out) const {
  const int64_t features = raw.cols();
  // Row r's feature f set to its reference, for every (r, f).
  Matrix occluded(raw.rows() * features, features);
  for (int64_t row = 0; row < raw.rows(); ++row) {
    for (int64_t f = 0; f < features; ++f) {
      double* target = occluded.Row(row * features + f);
      std::copy(raw.Row(row), raw.Row(row) + features, target);
      target[f] = reference_[static_cast<size_t>(f)];
    }
  }
  std::vector<double> after;
  if (is_class()) {
    Matrix proba = model_.pipeline.PredictProba(occluded);
    for (int64_t i = 0; i < occluded.rows(); ++i) {
      after.push_back(proba(i, (*out)[static_cast<size_t>(i / features)].class_index));
    }
  } else {
    after = model_.pipeline.PredictScores(occluded);
  }
  for (int64_t row = 0; row < raw.rows(); ++row) {
    TrackPrediction& track = (*out)[static_cast<size_t>(row)];
    const double before =
        is_class() ? track.probabilities[static_cast<size_t>(track.class_index)] : track.popularity;
    track.explained = ExplainedName(model_, "probability", track.class_index, 0);
    for (int64_t f = 0; f < features; ++f) {
      track.contributions.push_back({model_.roles.features[static_cast<size_t>(f)], raw(row, f),
                                     before - after[static_cast<size_t>(row * features + f)]});
    }
    SortAndCut(&track.contributions, top_k);
  }
}

}  // namespace hitscope::serve
