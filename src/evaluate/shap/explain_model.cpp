// ExplainModel (include/hitscope/explain.hpp): importances and SHAP values of a saved model.
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/boosting.hpp>
#include <hitscope/error.hpp>
#include <hitscope/explain.hpp>
#include <hitscope/models.hpp>

namespace hitscope {

namespace {

constexpr const char* kBiasNote =
    "impurity importance comes from the training rows and favours features with many distinct "
    "values (tempo, loudness, duration) over few (mode, key); read it beside permutation "
    "importance and SHAP, not alone";

// The fitted model inside the pipeline, rebuilt from its saved state.
struct FittedModel {
  std::unique_ptr<Classifier> classifier;
  std::unique_ptr<Regressor> regressor;
  const Estimator* estimator = nullptr;
};

FittedModel ExtractModel(const Pipeline& pipeline) {
  const PipelineSpec& spec = pipeline.spec();
  const ModelEntry& entry = FindModel(spec.model);
  ParamMap params = CompleteModelParams(entry, spec.model_params);
  std::vector<EstimatorState> states = pipeline.SaveStates();
  FittedModel out;
  if (pipeline.target() == TargetKind::kClass) {
    out.classifier = entry.make_classifier(params);
    out.classifier->LoadState(states.back());
    out.estimator = out.classifier.get();
  } else {
    out.regressor = entry.make_regressor(params);
    out.regressor->LoadState(states.back());
    out.estimator = out.regressor.get();
  }
  return out;
}

// XGBoost's own contributions as ShapValues (its pred_contribs: features then the bias).
ShapValues ContributionsAsShap(const XGBoostModel& model, const Matrix& x,
                               const std::string& output_space) {
  Matrix contributions = model.PredictContributions(x);
  ShapValues shap;
  shap.rows = x.rows();
  shap.features = x.cols();
  shap.outputs = static_cast<int>(contributions.cols() / (x.cols() + 1));
  shap.output_space = output_space;
  shap.expected_value.assign(static_cast<size_t>(shap.outputs), 0.0);
  shap.values.resize(static_cast<size_t>(shap.rows * shap.outputs * shap.features));
  for (int64_t row = 0; row < shap.rows; ++row) {
    for (int k = 0; k < shap.outputs; ++k) {
      const double* block = contributions.Row(row) + k * (x.cols() + 1);
      for (int64_t f = 0; f < shap.features; ++f) {
        shap.values[static_cast<size_t>((row * shap.outputs + k) * shap.features + f)] = block[f];
      }
      shap.expected_value[k] = block[x.cols()];
    }
  }
  return shap;
}

ShapValues ShapOf(const TreeModel& trees, const Estimator& estimator, const Matrix& x,
                  int64_t max_rows) {
  TreeEnsemble ensemble = trees.Ensemble();
  if (const auto* xgb = dynamic_cast<const XGBoostModel*>(&estimator)) {
    std::vector<int64_t> rows = ShapSampleRows(x.rows(), max_rows);
    return ContributionsAsShap(*xgb, x.TakeRows(rows), ensemble.output_space);
  }
  TreeShapOptions options;
  options.max_rows = max_rows;
  return TreeShap(ensemble, x, options);
}

// The table row of a track: the id column's value, or a 1-based row number.
int64_t FindTrack(const TrainedModel& model, const Table& table, const std::string& track) {
  const std::string& id = model.roles.id;
  if (!id.empty() && table.HasColumn(id)) {
    const Column& column = table.column(id);
    for (int64_t row = 0; row < table.num_rows(); ++row) {
      if (!column.IsNull(row) && column.ToString(row) == track) return row;
    }
    throw InvalidInput(fmt::format(
        "explain: no track '{}' in column '{}'; give one of its values (or a row number for a "
        "table without ids)",
        track, id));
  }
  char* end = nullptr;
  long long number = std::strtoll(track.c_str(), &end, 10);
  if (end == track.c_str() || *end != '\0' || number < 1 || number > table.num_rows()) {
    throw InvalidInput(fmt::format(
        "explain: the table has no id column, so --track takes a row number 1..{}, not '{}'",
        table.num_rows(), track));
  }
  return number - 1;
}

}  // namespace

ModelExplanation ExplainModel(const TrainedModel& model, const Table& table,
                              const ExplainOptions& options) {
  if (options.top < 1 || options.n_repeats < 1 || options.shap_rows < 0) {
    throw InvalidArgument("explain: top and n_repeats must be at least 1, shap_rows >= 0");
  }
  const Pipeline& pipeline = model.pipeline;
  TablePredictions predictions = PredictTable(model, table);
  if (predictions.rows.empty()) {
    throw InvalidInput("explain: no row of the table has every feature of the model");
  }
  Matrix raw = TableToMatrix(table.Take(predictions.rows), model.roles.features);
  Matrix x = pipeline.Transform(raw);
  FittedModel fitted = ExtractModel(pipeline);
  const auto* trees = dynamic_cast<const TreeModel*>(fitted.estimator);

  ModelExplanation out;
  out.model = pipeline.spec().Describe();
  out.class_names = pipeline.class_names();
  out.rows = static_cast<int64_t>(predictions.rows.size());
  out.skipped_missing = predictions.skipped_missing;
  out.importance.features = pipeline.ModelFeatureNames();
  if (trees != nullptr) out.importance.impurity = trees->FeatureImportances();

  // Permutation importance against the table's popularity, where it has one.
  if (options.permutation && table.HasColumn(model.roles.target)) {
    const Column& popularity = table.column(model.roles.target);
    std::vector<int64_t> scored;
    for (size_t i = 0; i < predictions.rows.size(); ++i) {
      if (!std::isnan(popularity.NumericAt(predictions.rows[i]))) {
        scored.push_back(static_cast<int64_t>(i));
      }
    }
    if (scored.size() >= 2) {
      Matrix x_scored = x.TakeRows(scored);
      PermutationImportanceOptions permutation;
      permutation.n_repeats = options.n_repeats;
      permutation.seed = options.seed;
      ImportanceResult result;
      if (fitted.classifier) {
        Labels y;
        for (int64_t i : scored) {
          y.push_back(model.classes.ClassOf(popularity.NumericAt(predictions.rows[i])));
        }
        result = PermutationImportance(*fitted.classifier, x_scored, y, permutation);
      } else {
        std::vector<double> y;
        for (int64_t i : scored) y.push_back(popularity.NumericAt(predictions.rows[i]));
        result = PermutationImportance(*fitted.regressor, x_scored, y, permutation);
      }
      out.importance.permutation_mean = result.mean;
      out.importance.permutation_std = result.std;
      out.permutation_rows = static_cast<int64_t>(scored.size());
    }
  }

  if (trees != nullptr) {
    ShapValues shap = ShapOf(*trees, *fitted.estimator, x, options.shap_rows);
    out.output_space = shap.output_space;
    out.shap_rows = shap.rows;
    out.importance.mean_abs_shap = SummarizeShap(shap).mean_abs;
  }
  out.importance.note = trees != nullptr ? kBiasNote
                                         : "impurity importance and SHAP values need a tree model "
                                           "(tree, forest, xgboost); permutation importance only";

  if (!options.track.empty()) {
    int64_t table_row = FindTrack(model, table, options.track);
    auto it = std::find(predictions.rows.begin(), predictions.rows.end(), table_row);
    if (it == predictions.rows.end()) {
      throw InvalidInput(
          fmt::format("explain: track '{}' (row {}) has a missing feature; it cannot be explained",
                      options.track, table_row + 1));
    }
    const auto i = static_cast<int64_t>(it - predictions.rows.begin());
    TrackExplanation track;
    track.id = options.track;
    track.table_row = table_row;
    track.feature_names = out.importance.features;
    int output = 0;
    if (pipeline.target() == TargetKind::kClass) {
      int32_t predicted = predictions.classes[static_cast<size_t>(i)];
      track.predicted = out.class_names.at(static_cast<size_t>(predicted));
      for (int k = 0; k < predictions.proba.cols(); ++k) {
        track.probabilities.push_back(predictions.proba(i, k));
      }
      output = predicted;
    } else {
      track.predicted = fmt::format("{:.2f}", predictions.popularity[static_cast<size_t>(i)]);
    }
    if (trees != nullptr) {
      Matrix one = x.TakeRows(std::vector<int64_t>{i});
      ShapValues shap = ShapOf(*trees, *fitted.estimator, one, 0);
      // A binary XGBoost model explains the log-odds of the second class.
      if (shap.outputs == 1) output = 0;
      // Show the table's own values when the model's features are the table's (a scaler only);
      // after encoding or selection, the values the model saw.
      const bool same_features = out.importance.features == model.roles.features;
      const double* shown = same_features ? raw.Row(i) : one.Row(0);
      std::vector<double> values(shown, shown + one.cols());
      track.shap = ExplainRow(shap, 0, output, values);
      track.shap.contributions.resize(
          std::min<size_t>(track.shap.contributions.size(), static_cast<size_t>(options.top)));
      if (pipeline.target() == TargetKind::kClass) {
        std::string name =
            shap.outputs == 1 && out.class_names.size() == 2 ? out.class_names[1] : track.predicted;
        track.explained = shap.output_space == "probability"
                              ? fmt::format("P({})", name)
                              : fmt::format("{} of {}", shap.output_space, name);
      } else {
        track.explained = "predicted popularity";
      }
    }
    out.track = std::move(track);
  }
  return out;
}

std::string ModelExplanation::ToText() const {
  std::string text = fmt::format("model: {}\n", model);
  text += fmt::format("rows: {} with every feature", rows);
  if (skipped_missing > 0)
    text += fmt::format(" ({} left out for a missing feature)", skipped_missing);
  text += "\n";
  if (permutation_rows > 0) {
    text += fmt::format(
        "permutation importance: drop in {} over {} rows when a feature is shuffled (give "
        "held-out rows)\n",
        class_names.empty() ? "R2" : "accuracy", permutation_rows);
  }
  if (shap_rows > 0) {
    text += fmt::format("mean |SHAP|: over {} rows, {} summed over {} output(s)\n", shap_rows,
                        output_space, std::max<size_t>(class_names.size(), 1));
  }
  text += "\n" + FormatImportanceTable(importance);
  if (track) {
    text += fmt::format("\ntrack {} (row {}): predicted {}", track->id, track->table_row + 1,
                        track->predicted);
    if (!track->probabilities.empty()) {
      text += " (";
      for (size_t k = 0; k < track->probabilities.size(); ++k) {
        text += fmt::format("{}{} {:.3f}", k ? ", " : "", class_names[k], track->probabilities[k]);
      }
      text += ")";
    }
    text += "\n";
    if (!track->explained.empty()) {
      text += fmt::format("{}: expected {:.4f}, this track {:.4f}\n", track->explained,
                          track->shap.expected_value, track->shap.prediction);
      for (const ShapContribution& c : track->shap.contributions) {
        text += fmt::format("  {:<18} = {:<12.6g} {:+.4f}\n", track->feature_names[c.feature],
                            c.value, c.shap);
      }
    }
  }
  return text;
}

std::string ModelExplanation::ToJson() const {
  nlohmann::json out = nlohmann::json::parse(ImportanceTableToJson(importance));
  out["model"] = model;
  out["output_space"] = output_space;
  out["classes"] = class_names;
  out["rows"] = rows;
  out["skipped_missing"] = skipped_missing;
  out["permutation_rows"] = permutation_rows;
  out["shap_rows"] = shap_rows;
  if (track) {
    nlohmann::json t;
    t["id"] = track->id;
    t["row"] = track->table_row + 1;
    t["predicted"] = track->predicted;
    if (!track->probabilities.empty()) t["probabilities"] = track->probabilities;
    if (!track->explained.empty()) {
      t["explained"] = track->explained;
      t["expected_value"] = track->shap.expected_value;
      t["prediction"] = track->shap.prediction;
      t["contributions"] = nlohmann::json::array();
      for (const ShapContribution& c : track->shap.contributions) {
        t["contributions"].push_back(
            {{"feature", track->feature_names[c.feature]}, {"value", c.value}, {"shap", c.shap}});
      }
    }
    out["track"] = t;
  }
  return out.dump(1) + "\n";
}

}  // namespace hitscope
