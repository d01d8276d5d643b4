// Predictions for a new table, checked against the model's feature schema.
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/model_file.hpp>

#include "core/text.hpp"

namespace hitscope {

namespace {

// The closest column name, also catching renames that add a prefix or suffix ("tempo" ->
// "tempo_bpm"), which the edit distance alone finds too far.
std::string Suggestion(const std::string& missing, const std::vector<std::string>& names) {
  std::string close = DidYouMean(missing, names);
  if (!close.empty()) return close;
  for (const auto& name : names) {
    if (name.find(missing) != std::string::npos || missing.find(name) != std::string::npos) {
      return fmt::format(" (did you mean '{}'?)", name);
    }
  }
  return "";
}

}  // namespace

TablePredictions PredictTable(const TrainedModel& model, const Table& table) {
  const auto& names = model.roles.features;
  std::vector<std::string> missing;
  for (const auto& name : names) {
    if (!table.HasColumn(name)) missing.push_back(name);
  }
  if (!missing.empty()) {
    throw InvalidInput(fmt::format(
        "the table lacks {} the model was trained on: {}{}; the table's columns are {}. Give "
        "a table with the training features (renamed columns must keep their names)",
        missing.size() == 1 ? "a feature column" : "feature columns", QuoteList(missing),
        Suggestion(missing[0], table.names()), QuoteList(table.names())));
  }
  std::vector<const Column*> columns;
  for (size_t f = 0; f < names.size(); ++f) {
    const Column& column = table.column(names[f]);
    if (!IsNumeric(column.type())) {
      throw InvalidInput(fmt::format(
          "feature column '{}' holds {} values but the model was trained on {} values; check the "
          "file (use --type {}={} if the reader guessed wrong)",
          names[f], DataTypeName(column.type()), DataTypeName(model.feature_types[f]), names[f],
          DataTypeName(model.feature_types[f])));
    }
    columns.push_back(&column);
  }
  TablePredictions out;
  for (int64_t row = 0; row < table.num_rows(); ++row) {
    bool complete = true;
    for (const Column* column : columns)
      complete = complete && std::isfinite(column->NumericAt(row));
    if (complete) {
      out.rows.push_back(row);
    } else {
      ++out.skipped_missing;
    }
  }
  Matrix x(static_cast<int64_t>(out.rows.size()), static_cast<int64_t>(columns.size()));
  for (size_t i = 0; i < out.rows.size(); ++i) {
    for (size_t f = 0; f < columns.size(); ++f) {
      x(static_cast<int64_t>(i), static_cast<int64_t>(f)) = columns[f]->NumericAt(out.rows[i]);
    }
  }
  if (out.rows.empty()) return out;
  if (model.pipeline.target() == TargetKind::kClass) {
    model.pipeline.PredictBoth(x, &out.classes, &out.proba);
  } else {
    out.popularity = model.pipeline.PredictScores(x);
  }
  return out;
}

Table PredictionsTable(const TrainedModel& model, const Table& table,
                       const TablePredictions& predictions) {
  std::vector<std::string> names;
  std::vector<Column> columns;
  const int64_t rows = table.num_rows();
  std::vector<int64_t> position(static_cast<size_t>(rows), -1);
  for (size_t i = 0; i < predictions.rows.size(); ++i) {
    position[predictions.rows[i]] = static_cast<int64_t>(i);
  }
  if (!model.roles.id.empty() && table.HasColumn(model.roles.id)) {
    names.push_back(model.roles.id);
    columns.push_back(table.column(model.roles.id));
  } else {
    ColumnBuilder row_numbers(DataType::kInt64);
    for (int64_t row = 0; row < rows; ++row) row_numbers.AppendInt(row + 1);
    names.push_back("row");
    columns.push_back(row_numbers.Finish());
  }
  if (model.pipeline.target() == TargetKind::kClass) {
    ColumnBuilder predicted(DataType::kString);
    for (int64_t row = 0; row < rows; ++row) {
      if (position[row] < 0) {
        predicted.AppendNull();
      } else {
        predicted.AppendString(model.classes.names[predictions.classes[position[row]]]);
      }
    }
    names.push_back("predicted_class");
    columns.push_back(predicted.Finish());
    for (int c = 0; c < model.classes.num_classes(); ++c) {
      ColumnBuilder probability(DataType::kFloat64);
      for (int64_t row = 0; row < rows; ++row) {
        if (position[row] < 0) {
          probability.AppendNull();
        } else {
          probability.AppendFloat(predictions.proba(position[row], c));
        }
      }
      names.push_back("p_" + model.classes.names[c]);
      columns.push_back(probability.Finish());
    }
  } else {
    ColumnBuilder predicted(DataType::kFloat64);
    for (int64_t row = 0; row < rows; ++row) {
      if (position[row] < 0) {
        predicted.AppendNull();
      } else {
        predicted.AppendFloat(predictions.popularity[position[row]]);
      }
    }
    names.push_back("predicted_popularity");
    columns.push_back(predicted.Finish());
  }
  return Table(std::move(names), std::move(columns));
}

}  // namespace hitscope
