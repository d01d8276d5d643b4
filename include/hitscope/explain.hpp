// hitscope/explain.hpp: what drives a saved model's predictions on a track table: impurity
// importance, permutation importance and mean |SHAP| side by side (global), and one track's
// SHAP explanation (local). What `hitscope explain` prints.
//
// The model is the fitted model inside a model file's pipeline; it sees the pipeline's
// transformed features (scaled, encoded, selected), and every measure is given per model feature
// (for scalers these are the table's features; a scaler changes no tree split and no
// attribution). Impurity importance and SHAP values need a tree model (tree, forest, xgboost);
// permutation importance works for any model. Permutation importance is scored against the
// table's own popularity (accuracy of the classes, or R2), so it needs the table's popularity
// column and should be given held-out rows: on the training rows it measures how well the model
// remembers them, not how it generalises.
//
// Errors: Error(kInvalidInput) for a table without the model's features (as PredictTable), a
// track id that is not in the table, no usable rows; Error(kInvalidArgument) for bad options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <hitscope/importance.hpp>
#include <hitscope/model_file.hpp>
#include <hitscope/shap.hpp>

namespace hitscope {

struct ExplainOptions {
  // Explain this track (the value of the model's id column, or a 1-based row number when the
  // table has no id column); empty: no per-track explanation.
  std::string track;
  // Features shown in the per-track explanation.
  int top = 8;
  // Rows whose SHAP values make the global summary (an evenly spaced sample; 0: all).
  int64_t shap_rows = 300;
  // Permutation importance: off, or its repeats and seed.
  bool permutation = true;
  int n_repeats = 5;
  uint32_t seed = 0;
};

struct TrackExplanation {
  std::string id;
  int64_t table_row = 0;              // 0-based row of the table
  std::string predicted;              // class name, or the predicted popularity
  std::vector<double> probabilities;  // per class (class target)
  std::string explained;              // what the SHAP values explain ("P(high)", "log-odds ...")
  ShapExplanation shap;               // for the predicted class (or the score)
  std::vector<std::string> feature_names;  // the model's features, indexed by contribution.feature
};

struct ModelExplanation {
  std::string model;         // PipelineSpec::Describe()
  std::string output_space;  // what SHAP values explain: probability, value, log-odds, margin
  std::vector<std::string> class_names;
  int64_t rows = 0;              // table rows with every feature
  int64_t skipped_missing = 0;   // rows left out for a missing feature
  int64_t permutation_rows = 0;  // rows with a popularity value, used by permutation importance
  int64_t shap_rows = 0;
  ImportanceTable importance;  // impurity / permutation / mean |SHAP| per model feature
  std::optional<TrackExplanation> track;

  std::string ToText() const;
  std::string ToJson() const;
};

ModelExplanation ExplainModel(const TrainedModel& model, const Table& table,
                              const ExplainOptions& options = {});

}  // namespace hitscope
