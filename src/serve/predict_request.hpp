// serve/predict_request.hpp: request bodies (JSON or CSV) turned into a feature matrix for one
// model, with every problem named by its field.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hitscope/matrix.hpp>
#include <hitscope/table.hpp>

#include "serve/request_error.hpp"
#include "serve/served_model.hpp"

namespace hitscope::serve {

struct RequestLimits {
  int max_batch = 10000;
  int max_explained = 100;
  int default_contributions = 5;
};

struct PredictRequest {
  bool single = false;           // {"track": ...}: answer with one "prediction"
  Matrix x;                      // rows x model features, checked
  std::vector<std::string> ids;  // per row: the "id" sent (JSON text), or "" for none
  int contributions = 0;         // top contributions per track
  std::optional<Table> table;    // CSV: the table as read (for the CSV answer's id column)
};

// Most field errors listed in one answer.
inline constexpr size_t kMaxListedErrors = 20;

// {"track": {...}} or {"tracks": [{...}, ...]}, optionally "contributions": N. A track holds
// every feature of the model as a JSON number (whole for key, mode, time_signature) in its
// range, and may hold "id" (string or number). Throws RequestError: 400 malformed JSON or shape,
// 413 too many tracks, 422 missing / extra / non-numeric / out-of-range features or a bad
// "contributions".
PredictRequest ParseJsonRequest(std::string_view body, const ServedModel& model,
                                const RequestLimits& limits);
// ParseJsonRequest's two readers. The plain one reads the common body (plain JSON of that shape,
// every value valid) without building a JSON document, and returns false, leaving the rest to
// the full one (nlohmann::json), at anything else: anything answered with an error, and anything
// the full reader might read differently. Where it returns true, the request is the full
// reader's.
bool ReadPlainJsonRequest(std::string_view body, const ServedModel& model,
                          const RequestLimits& limits, PredictRequest* request);
PredictRequest ReadFullJsonRequest(std::string_view body, const ServedModel& model,
                                   const RequestLimits& limits);

// A CSV with a header holding every feature column (other columns are ignored; the model's id
// column is echoed). `contributions` from the query string ("" for none). Throws RequestError:
// 400 malformed CSV, 413 too many rows, 422 missing / non-numeric / empty / out-of-range values
// (named by line and column).
PredictRequest ParseCsvRequest(const std::string& body, const ServedModel& model,
                               const RequestLimits& limits, const std::string& contributions);

// Checks one value against the feature's documented range. Returns "" when fine, else the
// reason ("1.7 is outside 0..1 (how suitable for dancing ...)").
std::string CheckFeatureValue(const std::string& feature, double value);

}  // namespace hitscope::serve
