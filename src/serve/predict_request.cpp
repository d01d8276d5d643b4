// Request bodies to feature matrices: the JSON shape, the CSV columns, and each value's range.
#include "serve/predict_request.hpp"

#include <charconv>
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

// Whether "contributions" is a whole number 0..1000.
bool ContributionsValueOk(double value) {
  return std::isfinite(value) && value == std::floor(value) && value >= 0 && value <= 1000;
}

// Reads "contributions" (JSON or query text already parsed to a number).
int CheckContributions(double value, const std::string& shown, int64_t rows,
                       const ServedModel& model, const RequestLimits& limits) {
  if (!ContributionsValueOk(value)) {
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

// What CheckFeatureValue accepts (the plain reader looks each feature's range up once).
bool FeatureValueOk(const FeatureRange* range, double value) {
  if (!std::isfinite(value)) return false;
  if (range == nullptr) return true;
  if (value < range->min || value > range->max) return false;
  return !range->integer || value == std::floor(value);
}

// The common request read without building a JSON document: plain JSON (no escapes, ASCII
// strings) of the documented shape, every key once, every value valid. It gives up (returns
// false) at the first thing it does not take, which includes everything that would be answered
// with an error and everything nlohmann::json could read differently; ParseJsonRequest then reads
// the body the full way, so answers and errors are the full reader's.
class PlainJsonReader {
 public:
  PlainJsonReader(std::string_view body, const ServedModel& model, const RequestLimits& limits)
      : p_(body.data()), end_(body.data() + body.size()), model_(model), limits_(limits) {}

  bool Read(PredictRequest* request) {
    const auto& features = model_.features();
    ranges_.reserve(features.size());
    for (const auto& name : features) ranges_.push_back(FindFeatureRange(name));
    bool has_track = false, has_tracks = false, has_contributions = false;
    double contributions = 0;
    if (!Expect('{')) return false;
    do {
      std::string_view key;
      if (!String(&key) || !Expect(':')) return false;
      if (key == "tracks" && !has_tracks) {
        has_tracks = true;
        if (!Expect('[')) return false;
        do {
          if (!Track()) return false;
        } while (Next());
        if (!Expect(']')) return false;
      } else if (key == "track" && !has_track) {
        has_track = true;
        if (!Track()) return false;
      } else if (key == "contributions" && !has_contributions) {
        has_contributions = true;
        std::string_view text;
        bool integer = false;
        if (!Number(&contributions, &text, &integer)) return false;
      } else {
        return false;
      }
    } while (Next());
    if (!Expect('}')) return false;
    SkipSpace();
    if (p_ != end_ || has_track == has_tracks) return false;
    const auto rows = static_cast<int64_t>(ids_.size());
    if (rows > limits_.max_batch) return false;
    request->single = has_track;
    request->contributions = has_track ? limits_.default_contributions : 0;
    if (has_contributions) {
      // CheckContributions' rules.
      if (!ContributionsValueOk(contributions)) return false;
      request->contributions = static_cast<int>(contributions);
      if (request->contributions > 0 && rows > limits_.max_explained) return false;
    } else if (rows > limits_.max_explained) {
      request->contributions = 0;
    }
    request->x = Matrix(rows, static_cast<int64_t>(features.size()), std::move(values_));
    request->ids = std::move(ids_);
    return true;
  }

 private:
  void SkipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool Expect(char c) {
    SkipSpace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  // After a member or element: true at a ',' (another follows), false otherwise.
  bool Next() {
    SkipSpace();
    if (p_ != end_ && *p_ == ',') {
      ++p_;
      return true;
    }
    return false;
  }
  // A string of printable ASCII without escapes.
  bool String(std::string_view* out) {
    if (!Expect('"')) return false;
    const char* start = p_;
    while (p_ != end_ && *p_ != '"') {
      if (*p_ < 0x20 || *p_ > 0x7E || *p_ == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    *out = std::string_view(start, static_cast<size_t>(p_ - start));
    ++p_;
    return true;
  }
  // A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, converted as nlohmann::json
  // converts it (both round correctly); integers have at most 18 digits and are never "-0"
  // (which nlohmann::json reads as the integer 0, +0.0 as a double), non-finite results give up.
  bool Number(double* out, std::string_view* text, bool* integer) {
    SkipSpace();
    const char* start = p_;
    if (p_ != end_ && *p_ == '-') ++p_;
    const char* digits = p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    const auto whole_digits = p_ - digits;
    *integer = true;
    if (p_ != end_ && *p_ == '.') {
      *integer = false;
      ++p_;
      const char* fraction = p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == fraction) return false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      *integer = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      const char* exponent = p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == exponent) return false;
    }
    if (*integer && (whole_digits > 18 || (start != digits && *digits == '0'))) return false;
    if (p_ - start > 64) return false;
    const auto [end, error] = std::from_chars(start, p_, *out);
    if (error != std::errc() || end != p_ || !std::isfinite(*out)) return false;
    *text = std::string_view(start, static_cast<size_t>(p_ - start));
    return true;
  }
  // One track: every feature once, in range, and optionally "id" (a string or a whole number).
  bool Track() {
    const auto& features = model_.features();
    const size_t base = values_.size();
    values_.resize(base + features.size());
    seen_.assign(features.size(), 0);
    std::string id;
    bool has_id = false;
    size_t filled = 0, expected = 0;
    if (!Expect('{')) return false;
    do {
      std::string_view key;
      if (!String(&key) || !Expect(':')) return false;
      if (key == "id") {
        if (has_id) return false;
        has_id = true;
        SkipSpace();
        if (p_ != end_ && *p_ == '"') {
          std::string_view text;
          if (!String(&text)) return false;
          id.assign(text);
        } else {
          double value = 0;
          std::string_view text;
          bool integer = false;
          if (!Number(&value, &text, &integer) || !integer) return false;
          id.assign(text);
        }
        continue;
      }
      // Tracks usually list the features in the model's order.
      size_t f = expected;
      if (f >= features.size() || features[f] != key) {
        f = static_cast<size_t>(std::find(features.begin(), features.end(), key) -
                                features.begin());
        if (f == features.size()) return false;
      }
      if (seen_[f]) return false;
      seen_[f] = 1;
      ++filled;
      expected = f + 1;
      double value = 0;
      std::string_view text;
      bool integer = false;
      if (!Number(&value, &text, &integer) || !FeatureValueOk(ranges_[f], value)) return false;
      values_[base + f] = value;
    } while (Next());
    if (!Expect('}') || filled != features.size()) return false;
    ids_.push_back(std::move(id));
    return static_cast<int64_t>(ids_.size()) <= limits_.max_batch;
  }

  const char* p_;
  const char* end_;
  const ServedModel& model_;
  const RequestLimits& limits_;
  std::vector<const FeatureRange*> ranges_;
  std::vector<char> seen_;
  std::vector<double> values_;
  std::vector<std::string> ids_;
};

}  // namespace

std::string CheckFeatureValue(const std::string& feature, double value) {
  const FeatureRange* range = FindFeatureRange(feature);
  if (FeatureValueOk(range, value)) return "";
  if (!std::isfinite(value)) return fmt::format("{} is not a finite number", value);
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

bool ReadPlainJsonRequest(std::string_view body, const ServedModel& model,
                          const RequestLimits& limits, PredictRequest* request) {
  return PlainJsonReader(body, model, limits).Read(request);
}

PredictRequest ParseJsonRequest(std::string_view body, const ServedModel& model,
                                const RequestLimits& limits) {
  if (PredictRequest request; ReadPlainJsonRequest(body, model, limits, &request)) return request;
  return ReadFullJsonRequest(body, model, limits);
}

PredictRequest ReadFullJsonRequest(std::string_view body, const ServedModel& model,
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
