// The OpenAPI 3.0 description of the prediction API, served at /openapi.json.
#include <hitscope/serve.hpp>

#include "serve/responses.hpp"

namespace hitscope::serve {

namespace {

using ojson = nlohmann::ordered_json;

ojson Ref(const std::string& schema) {
  return {{"$ref", "#/components/schemas/" + schema}};
}

ojson JsonContent(const ojson& schema) {
  return {{"application/json", {{"schema", schema}}}};
}

ojson ErrorResponse(const std::string& description) {
  return {{"description", description}, {"content", JsonContent(Ref("Error"))}};
}

// The 4xx answers every prediction endpoint can give.
ojson PredictErrors(ojson responses) {
  responses["400"] = ErrorResponse("malformed JSON or CSV, or a body of the wrong shape");
  responses["401"] = ErrorResponse("missing or wrong bearer token (when the server has one)");
  responses["404"] = ErrorResponse("no model of that name");
  responses["413"] = ErrorResponse(
      "body larger than --max-body-bytes, or more tracks than "
      "--max-batch");
  responses["415"] = ErrorResponse("wrong Content-Type");
  responses["422"] = ErrorResponse(
      "missing, extra, non-numeric or out-of-range features (the field is named, e.g. "
      "tracks[2].danceability), or a bad \"contributions\"");
  return responses;
}

ojson TrackSchema() {
  ojson properties = {{"id",
                       {{"oneOf", {{{"type", "string"}}, {{"type", "integer"}}}},
                        {"description", "echoed in the answer"}}}};
  for (const FeatureRange& range : AudioFeatureRanges()) {
    properties[range.name] = {{"type", range.integer ? "integer" : "number"},
                              {"minimum", range.min},
                              {"maximum", range.max},
                              {"description", range.meaning}};
  }
  return {{"type", "object"},
          {"description",
           "One track: every feature of the model (GET /models lists them) by name, and "
           "optionally an id. Features with a documented range are checked against it; other "
           "features take any finite number. Keys that are not features are refused."},
          {"properties", properties},
          {"additionalProperties", {{"type", "number"}}}};
}

ojson PredictionSchema() {
  ojson contribution = {{"type", "object"},
                        {"properties",
                         {{"feature", {{"type", "string"}}},
                          {"value", {{"type", "number"}}},
                          {"contribution", {{"type", "number"}}}}}};
  return {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"class", {{"type", "string"}, {"description", "the predicted popularity class"}}},
        {"probabilities",
         {{"type", "object"},
          {"additionalProperties", {{"type", "number"}}},
          {"description", "probability of each class, by class name"}}},
        {"popularity",
         {{"type", "number"}, {"description", "the predicted score (popularity models)"}}},
        {"contributions",
         {{"type", "object"},
          {"description",
           "the track's top feature contributions: method tree_shap (exact TreeSHAP of the "
           "predicted class's probability), xgboost_shap (XGBoost's SHAP values, log-odds or "
           "margin) or occlusion (change of the predicted class's probability when the feature "
           "is set to its training reference; not SHAP)"},
          {"properties",
           {{"method", {{"type", "string"}, {"enum", {"tree_shap", "xgboost_shap", "occlusion"}}}},
            {"explains", {{"type", "string"}}},
            {"expected_value", {{"type", "number"}, {"nullable", true}}},
            {"top", {{"type", "array"}, {"items", contribution}}}}}}}}}};
}

}  // namespace

std::string OpenApiJson(bool auth, const std::vector<std::string>& model_names) {
  ojson name_parameter = {
      {"name", "name"},
      {"in", "path"},
      {"required", true},
      {"description", "a model name (GET /models)"},
      {"schema",
       {{"type", "string"},
        {"pattern", "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"},
        {"example", model_names.empty() ? "popularity" : model_names.front()}}}};
  ojson predict_request = {
      {"type", "object"},
      {"description",
       "One track ({\"track\": {...}}, answered with \"prediction\") or a batch ({\"tracks\": "
       "[...]}, answered with \"predictions\" in order)."},
      {"properties",
       {{"track", Ref("Track")},
        {"tracks", {{"type", "array"}, {"items", Ref("Track")}, {"minItems", 1}}},
        {"contributions",
         {{"type", "integer"},
          {"minimum", 0},
          {"description",
           "top feature contributions per track (default 5 for one track, 0 for a batch; "
           "at most --max-explained tracks per request)"}}}}},
      {"additionalProperties", false}};
  ojson predict_response = {{"type", "object"},
                            {"properties",
                             {{"model", {{"type", "string"}}},
                              {"version", {{"type", "string"}}},
                              {"target", {{"type", "string"}, {"enum", {"class", "popularity"}}}},
                              {"prediction", Ref("Prediction")},
                              {"predictions", {{"type", "array"}, {"items", Ref("Prediction")}}}}}};
  ojson error = {
      {"type", "object"},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"properties",
           {{"status", {{"type", "integer"}}},
            {"code", {{"type", "string"}}},
            {"message", {{"type", "string"}}},
            {"field", {{"type", "string"}, {"description", "e.g. tracks[2].danceability"}}}}}}},
        {"errors", {{"type", "array"}, {"description", "every problem found (at most 20)"}}}}}};
  ojson model = {{"type", "object"},
                 {"properties",
                  {{"name", {{"type", "string"}}},
                   {"version", {{"type", "string"}}},
                   {"created", {{"type", "string"}, {"format", "date-time"}}},
                   {"target", {{"type", "string"}}},
                   {"pipeline", {{"type", "string"}}},
                   {"features", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                   {"classes", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                   {"metrics", {{"type", "object"}}},
                   {"contributions", {{"type", "string"}}},
                   {"model_sha256", {{"type", "string"}}}}}};

  ojson paths;
  paths["/health"]["get"] = {
      {"summary", "Liveness: models served and reload problems (no token needed)"},
      {"responses",
       {{"200", {{"description", "serving"}, {"content", JsonContent({{"type", "object"}})}}}}}};
  paths["/models"]["get"] = {
      {"summary", "Every model served, with its features, classes and metrics"},
      {"responses",
       {{"200",
         {{"description", "the models"},
          {"content",
           JsonContent(
               {{"type", "object"},
                {"properties", {{"models", {{"type", "array"}, {"items", Ref("Model")}}}}}})}}},
        {"401", ErrorResponse("missing or wrong bearer token")}}}};
  paths["/models/{name}"]["get"] = {
      {"summary", "One model"},
      {"parameters", {name_parameter}},
      {"responses",
       {{"200", {{"description", "the model"}, {"content", JsonContent(Ref("Model"))}}},
        {"404", ErrorResponse("no model of that name")}}}};
  paths["/models/{name}/predict"]["post"] = {
      {"summary", "Predict the popularity class of one track or a batch"},
      {"parameters", {name_parameter}},
      {"requestBody", {{"required", true}, {"content", JsonContent(Ref("PredictRequest"))}}},
      {"responses", PredictErrors({{"200",
                                    {{"description", "the predictions, in request order"},
                                     {"content", JsonContent(Ref("PredictResponse"))}}}})}};
  paths["/models/{name}/predict.csv"]["post"] = {
      {"summary",
       "Predict every row of a CSV (a header with the model's feature columns; other columns "
       "are ignored, the model's id column is echoed)"},
      {"parameters",
       {name_parameter,
        {{"name", "contributions"},
         {"in", "query"},
         {"required", false},
         {"description", "top contributions per track (JSON answers only)"},
         {"schema", {{"type", "integer"}, {"minimum", 0}}}}}},
      {"requestBody",
       {{"required", true}, {"content", {{"text/csv", {{"schema", {{"type", "string"}}}}}}}}},
      {"responses",
       PredictErrors({{"200",
                       {{"description",
                         "CSV (id or row, predicted_class, p_<class>...), or JSON as /predict "
                         "with Accept: application/json"},
                        {"content",
                         {{"text/csv", {{"schema", {{"type", "string"}}}}},
                          {"application/json", {{"schema", Ref("PredictResponse")}}}}}}}})}};
  paths["/metrics"]["get"] = {
      {"summary", "Prometheus metrics: requests, latencies, errors, predictions, memory"},
      {"responses",
       {{"200",
         {{"description", "text exposition format 0.0.4"},
          {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}}}};
  paths["/openapi.json"]["get"] = {{"summary", "This description"},
                                   {"responses", {{"200", {{"description", "OpenAPI 3.0"}}}}}};

  ojson doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "hitscope prediction API"},
        {"version", "0.1.0"},
        {"description",
         "Scores tracks with hitscope models: the popularity class with its probabilities (or "
         "the popularity score) and each track's top feature contributions. Every error is a "
         "4xx/5xx with a JSON body naming the field."}}},
      {"servers", {{{"url", "/"}}}},
      {"paths", paths},
      {"components",
       {{"schemas",
         {{"Track", TrackSchema()},
          {"PredictRequest", predict_request},
          {"Prediction", PredictionSchema()},
          {"PredictResponse", predict_response},
          {"Model", model},
          {"Error", error}}}}}};
  if (auth) {
    doc["components"]["securitySchemes"] = {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}};
    doc["security"] = {{{"bearer", ojson::array()}}};
  }
  return doc.dump(2);
}

}  // namespace hitscope::serve
