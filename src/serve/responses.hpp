// serve/responses.hpp: the JSON (and CSV) the API answers with.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "serve/predict_request.hpp"
#include "serve/request_error.hpp"
#include "serve/served_model.hpp"

namespace hitscope::serve {

// {"model", "version", "target", "prediction": {...}} for a single track, "predictions": [...]
// for a batch. A prediction: "id" (when sent), "class" and "probabilities" (by class name) or
// "popularity", and "contributions": {"method", "explains", "expected_value", "top": [{"feature",
// "value", "contribution"}]} when asked for.
std::string PredictionsJson(const ServedModel& model, const PredictRequest& request,
                            const std::vector<TrackPrediction>& predictions);
// The CSV answer: the id column (or "row"), predicted_class and p_<class> per class (or
// predicted_popularity), as `hitscope predict` writes it.
std::string PredictionsCsv(const ServedModel& model, const PredictRequest& request,
                           const std::vector<TrackPrediction>& predictions);

// What GET /models says about one model: name, version, created, target, pipeline, features
// (with ranges and a typical value), classes, metrics, contributions method, model_sha256.
nlohmann::ordered_json ModelJson(const ServedModel& model);

// {"error": {"status", "code", "message", "field"}, "errors": [...]}.
std::string ErrorJson(const RequestError& error);

// The OpenAPI 3.0 description of the API (GET /openapi.json); `auth` adds the bearer scheme.
std::string OpenApiJson(bool auth, const std::vector<std::string>& model_names);

}  // namespace hitscope::serve
