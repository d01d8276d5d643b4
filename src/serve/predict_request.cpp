// Request bodies to feature matrices: the JSON shape, the CSV columns, and each value's range.
#include "serve/predict_request.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/csv.hpp>
#include <hitscope/serve.hpp>

#include "core/text.hpp"

namespace hitscope::serve {

namespace {

using nlohmann::json;

const char* JsonTypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "a number";
  }
}

// A value as the user sent it, shortened for messages.
std::string Shown(const json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

std::string FeatureList(const ServedModel& model) {
  return QuoteList(model.features());
}

// Collects field errors, stopping at kMaxListedErrors.
class ErrorList {
 public:
  void Add(std::string code, std::string field, std::string message) {
    if (errors_.size() < kMaxListedErrors) {
      errors_.push_back({std::move(code), std::move(field), std::move(message)});
    }
  }
  void ThrowIfAny(int status) {
    if (!errors_.empty()) throw RequestError(status, std::move(errors_));
  }

 private:
  std::vector<FieldError> errors_;
};

// Reads "contributions" (JSON or query text already parsed to a number).
int CheckContributions(double value, const std::string& shown, int64_t rows,
                       const ServedModel& model, const RequestLimits& limits) {
  if (!std::isfinite(value) || value != std::floor(value) || value < 0 || value > 1000) {
    throw RequestError(422, "invalid_contributions", "contributions",
                       fmt::format("\"contributions\" must be a whole number of features to show "
                                   "per track, 0 (none) to {}; got {}",
                                   model.features().size(), shown));
  }
  int contributions = static_cast<int>(value);
  if (contributions > 0 && rows > limits.max_explained) {
    throw RequestError(
        422, "too_many_to_explain", "contributions",
        fmt::format("contributions are computed for at most {} tracks per request (SHAP is "
                    "costly) and this request has {}; send fewer tracks or \"contributions\": 0",
                    limits.max_explained, rows));
  }
  return contributions;
}

void CheckBatchSize(int64_t rows, const std::string& field, const RequestLimits& limits) {
  if (rows > limits.max_batch) {
    throw RequestError(413, "batch_too_large", field,
                       fmt::format("{} tracks in one request, more than the server's limit of {} "
                                   "(--max-batch); split the batch",
                                   rows, limits.max_batch));
  }
}

// One JSON track into row `row` of x.
void ReadTrack(const json& track, const std::string& field, const ServedModel& model, int64_t row,
               PredictRequest* request, ErrorList* errors) {
  if (!track.is_object()) {
    errors->Add("invalid_track", field,
                fmt::format("{} must be an object of features by name, got {}", field,
                            JsonTypeName(track)));
    return;
  }
  const auto& features = model.features();
  for (const auto& [key, value] : track.items()) {
    if (key == "id") {
      if (value.is_string() || value.is_number_integer()) {
        request->ids[static_cast<size_t>(row)] =
            value.is_string() ? value.get<std::string>() : value.dump();
      } else {
        errors->Add("invalid_id", field + ".id",
                    fmt::format("{}.id must be a string or a whole number, got {}", field,
                                JsonTypeName(value)));
      }
      continue;
    }
    if (std::find(features.begin(), features.end(), key) == features.end()) {
      errors->Add(
          "extra_feature", field + "." + key,
          fmt::format("'{}' is not a feature of model '{}'{}; send exactly its features "
                      "{} (and optionally \"id\")",
                      key, model.info().name, DidYouMean(key, features), FeatureList(model)));
    }
  }
  for (size_t f = 0; f < features.size(); ++f) {
    const std::string& name = features[f];
    const std::string value_field = field + "." + name;
    auto it = track.find(name);
    if (it == track.end()) {
      errors->Add("missing_feature", value_field,
                  fmt::format("{} lacks the feature '{}', which model '{}' needs; send every "
                              "feature: {}",
                              field, name, model.info().name, FeatureList(model)));
      continue;
    }
    if (!it->is_number()) {
      errors->Add("not_a_number", value_field,
                  fmt::format("{} must be a JSON number, got {} {}", value_field, JsonTypeName(*it),
                              Shown(*it)));
      continue;
    }
    double value = it->get<double>();
    std::string problem = CheckFeatureValue(name, value);
    if (!problem.empty()) {
      errors->Add(std::isfinite(value) ? "out_of_range" : "not_finite", value_field,
                  fmt::format("{}: {}", value_field, problem));
      continue;
    }
    request->x(row, static_cast<int64_t>(f)) = value;
  }
}

}  // namespace

std::string CheckFeatureValue(const std::string& feature, double value) {
  if (!std::isfinite(value)) return fmt::format("{} is not a finite number", value);
  const FeatureRange* range = FindFeatureRange(feature);
  if (range == nullptr) return "";
  if (value < range->min || value > range->max) {
    return fmt::format("{} is outside its valid range {}..{} ({}); send a value in range", value,
                       range->min, range->max, range->meaning);
  }
  if (range->integer && value != std::floor(value)) {
    return fmt::format("{} is not a whole number; {} takes whole numbers {}..{} ({})", value,
                       feature, range->min, range->max, range->meaning);
  }
  return "";
}

PredictRequest ParseJsonRequest(std::string_view body, const ServedModel& model,
                                const RequestLimits& limits) {
  json document;
  try {
    document = json::parse(body);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    size_t bracket = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    throw RequestError(400, "malformed_json", "body",
                       fmt::format("the body is not valid JSON ({}, byte {}); send "
                                   "{{\"track\": {{\"danceability\": 0.7, ...}}}}",
                                   what, e.byte));
  }
  if (!document.is_object()) {
    throw RequestError(400, "invalid_shape", "body",
                       fmt::format("the body must be a JSON object, {{\"track\": {{...}}}} or "
                                   "{{\"tracks\": [...]}}, got {}",
                                   JsonTypeName(document)));
  }
  for (const auto& [key, value] : document.items()) {
    if (key == "track" || key == "tracks" || key == "contributions") continue;
    const auto& features = model.features();
    bool is_feature = std::find(features.begin(), features.end(), key) != features.end();
    throw RequestError(
        400, "unknown_field", key,
        is_feature ? fmt::format("unknown field '{}': put the features inside \"track\", as "
                                 "{{\"track\": {{\"{}\": ...}}}}",
                                 key, key)
                   : fmt::format("unknown field '{}'; the body takes \"track\" (one track) or "
                                 "\"tracks\" (a list), and optionally \"contributions\"",
                                 key));
  }
  const bool has_track = document.contains("track"), has_tracks = document.contains("tracks");
  if (has_track == has_tracks) {
    throw RequestError(400, "invalid_shape", "body",
                       has_track ? "give \"track\" or \"tracks\", not both"
                                 : "the body needs \"track\": {...features...} (one track) or "
                                   "\"tracks\": [{...}, ...] (a batch)");
  }
  PredictRequest request;
  request.single = has_track;
  const json* tracks = nullptr;
  int64_t rows = 1;
  if (has_tracks) {
    tracks = &document["tracks"];
    if (!tracks->is_array()) {
      throw RequestError(
          400, "invalid_shape", "tracks",
          fmt::format("\"tracks\" must be an array of tracks, got {}", JsonTypeName(*tracks)));
    }
    rows = static_cast<int64_t>(tracks->size());
    if (rows == 0) {
      throw RequestError(422, "empty_batch", "tracks",
                         "\"tracks\" is empty; send at least one track");
    }
    CheckBatchSize(rows, "tracks", limits);
  }
  request.contributions = has_track ? limits.default_contributions : 0;
  if (auto it = document.find("contributions"); it != document.end()) {
    request.contributions = CheckContributions(it->is_number() ? it->get<double>() : std::nan(""),
                                               Shown(*it), rows, model, limits);
  } else if (rows > limits.max_explained) {
    request.contributions = 0;
  }
  request.x = Matrix(rows, static_cast<int64_t>(model.features().size()));
  request.ids.assign(static_cast<size_t>(rows), "");
  ErrorList errors;
  if (has_track) {
    ReadTrack(document["track"], "track", model, 0, &request, &errors);
  } else {
    for (int64_t row = 0; row < rows; ++row) {
      ReadTrack((*tracks)[static_cast<size_t>(row)], fmt::format("tracks[{}]", row), model, row,
                &request, &errors);
    }
  }
  errors.ThrowIfAny(422);
  return request;
}

PredictRequest ParseCsvRequest(const std::string& body, const ServedModel& model,
                               const RequestLimits& limits, const std::string& contributions) {
  Table table;
  CsvReadOptions options;
  options.bad_rows = BadRowPolicy::kStrict;
  options.allow_empty = true;
  try {
    table = ReadCsvString(body, "request body", options);
  } catch (const Error& e) {
    throw RequestError(400, "malformed_csv", "body",
                       fmt::format("{}; send a CSV with a header row", e.what()));
  }
  ErrorList errors;
  const auto& features = model.features();
  for (const auto& name : features) {
    if (!table.HasColumn(name)) {
      errors.Add("missing_feature", name,
                 fmt::format("the CSV has no column '{}'{}, which model '{}' needs; its columns "
                             "are {}; the model's features: {}",
                             name, DidYouMean(name, table.names()), model.info().name,
                             QuoteList(table.names()), FeatureList(model)));
    }
  }
  errors.ThrowIfAny(422);
  const int64_t rows = table.num_rows();
  if (rows == 0) {
    throw RequestError(422, "empty_batch", "body", "the CSV has a header but no rows");
  }
  CheckBatchSize(rows, "body", limits);
  PredictRequest request;
  request.contributions = 0;
  if (!contributions.empty()) {
    char* end = nullptr;
    double value = std::strtod(contributions.c_str(), &end);
    if (end != contributions.c_str() + contributions.size()) value = std::nan("");
    request.contributions =
        CheckContributions(value, "'" + contributions + "'", rows, model, limits);
  }
  request.x = Matrix(rows, static_cast<int64_t>(features.size()));
  for (size_t f = 0; f < features.size(); ++f) {
    const std::string& name = features[f];
    const Column& column = table.column(name);
    for (int64_t row = 0; row < rows; ++row) {
      const std::string field = fmt::format("rows[{}].{}", row, name);
      if (column.IsNull(row)) {
        errors.Add(
            "missing_value", field,
            fmt::format("data row {}: '{}' is empty; every feature needs a value", row + 1, name));
        continue;
      }
      double value = 0;
      if (IsNumeric(column.type())) {
        value = column.NumericAt(row);
      } else {
        std::string text = column.ToString(row);
        char* end = nullptr;
        value = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size()) {
          errors.Add("not_a_number", field,
                     fmt::format("data row {}: '{}' is '{}', not a number", row + 1, name, text));
          continue;
        }
      }
      std::string problem = CheckFeatureValue(name, value);
      if (!problem.empty()) {
        errors.Add(std::isfinite(value) ? "out_of_range" : "not_finite", field,
                   fmt::format("data row {}: '{}': {}", row + 1, name, problem));
        continue;
      }
      request.x(row, static_cast<int64_t>(f)) = value;
    }
  }
  errors.ThrowIfAny(422);
  const std::string& id = model.model().roles.id;
  request.ids.assign(static_cast<size_t>(rows), "");
  if (!id.empty() && table.HasColumn(id)) {
    const Column& column = table.column(id);
    for (int64_t row = 0; row < rows; ++row) {
      if (!column.IsNull(row)) request.ids[static_cast<size_t>(row)] = column.ToString(row);
    }
  }
  request.table = std::move(table);
  return request;
}

}  // namespace hitscope::serve
