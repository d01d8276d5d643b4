// JSON and CSV answers of the prediction API.
#include "serve/responses.hpp"

#include <cmath>

#include <hitscope/csv.hpp>
#include <hitscope/model_file.hpp>
#include <hitscope/serve.hpp>

namespace hitscope::serve {

namespace {

using ojson = nlohmann::ordered_json;

ojson NumberOrNull(double value) {
  return std::isfinite(value) ? ojson(value) : ojson(nullptr);
}

ojson PredictionJson(const ServedModel& model, const std::string& id, const TrackPrediction& track,
                     int contributions) {
  ojson out = ojson::object();
  if (!id.empty()) out["id"] = id;
  if (model.is_class()) {
    out["class"] = model.class_names().at(static_cast<size_t>(track.class_index));
    ojson probabilities = ojson::object();
    for (size_t k = 0; k < track.probabilities.size(); ++k) {
      probabilities[model.class_names()[k]] = track.probabilities[k];
    }
    out["probabilities"] = std::move(probabilities);
  } else {
    out["popularity"] = NumberOrNull(track.popularity);
  }
  if (contributions > 0) {
    ojson top = ojson::array();
    for (const Contribution& c : track.contributions) {
      top.push_back({{"feature", c.feature}, {"value", c.value}, {"contribution", c.contribution}});
    }
    out["contributions"] = {{"method", ContributionMethodName(model.method())},
                            {"explains", track.explained},
                            {"expected_value", NumberOrNull(track.expected_value)},
                            {"top", std::move(top)}};
  }
  return out;
}

// A JSON string as ojson::dump() writes it.
void AppendString(std::string* out, const std::string& text) {
  *out += ojson(text).dump();
}

// A number as ojson::dump() writes it: the shortest text that reads back as the same double
// (nlohmann's own to_chars, which dump() calls), null when not finite.
void AppendNumber(std::string* out, double value) {
  if (!std::isfinite(value)) {
    *out += "null";
    return;
  }
  char buffer[64];
  char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, value);
  out->append(buffer, static_cast<size_t>(end - buffer));
}

// PredictionsJson without contributions, written straight out: the same text as building the
// ojson and dumping it (serve_unit_test compares the two), without a JSON object per track.
std::string PlainPredictionsJson(const ServedModel& model, const PredictRequest& request,
                                 const std::vector<TrackPrediction>& predictions) {
  std::string out;
  out.reserve(128 + predictions.size() * (model.is_class() ? 96 : 32));
  out += "{\"model\":";
  AppendString(&out, model.info().name);
  out += ",\"version\":";
  AppendString(&out, model.info().version);
  out += model.is_class() ? ",\"target\":\"class\"" : ",\"target\":\"popularity\"";
  out += request.single ? ",\"prediction\":" : ",\"predictions\":[";
  // The class names as keys and values, escaped once.
  std::vector<std::string> names;
  for (const std::string& name : model.class_names()) names.push_back(ojson(name).dump());
  for (size_t i = 0; i < predictions.size(); ++i) {
    const TrackPrediction& track = predictions[i];
    if (i > 0) out += ',';
    out += '{';
    const std::string& id = request.ids.at(i);
    if (!id.empty()) {
      out += "\"id\":";
      AppendString(&out, id);
      out += ',';
    }
    if (model.is_class()) {
      out += "\"class\":";
      out += names.at(static_cast<size_t>(track.class_index));
      out += ",\"probabilities\":{";
      for (size_t k = 0; k < track.probabilities.size(); ++k) {
        if (k > 0) out += ',';
        out += names[k];
        out += ':';
        AppendNumber(&out, track.probabilities[k]);
      }
      out += '}';
    } else {
      out += "\"popularity\":";
      AppendNumber(&out, track.popularity);
    }
    out += '}';
    if (request.single) break;
  }
  out += request.single ? "}" : "]}";
  return out;
}

}  // namespace

std::string PredictionsJson(const ServedModel& model, const PredictRequest& request,
                            const std::vector<TrackPrediction>& predictions) {
  if (request.contributions <= 0 && !(request.single && predictions.empty())) {
    return PlainPredictionsJson(model, request, predictions);
  }
  ojson out = {{"model", model.info().name},
               {"version", model.info().version},
               {"target", model.is_class() ? "class" : "popularity"}};
  if (request.single) {
    out["prediction"] =
        PredictionJson(model, request.ids.at(0), predictions.at(0), request.contributions);
  } else {
    ojson all = ojson::array();
    for (size_t i = 0; i < predictions.size(); ++i) {
      all.push_back(PredictionJson(model, request.ids[i], predictions[i], request.contributions));
    }
    out["predictions"] = std::move(all);
  }
  return out.dump();
}

std::string PredictionsCsv(const ServedModel& model, const PredictRequest& request,
                           const std::vector<TrackPrediction>& predictions) {
  TablePredictions table_predictions;
  const auto rows = static_cast<int64_t>(predictions.size());
  const int classes = static_cast<int>(model.class_names().size());
  if (model.is_class()) table_predictions.proba = Matrix(rows, classes);
  for (int64_t row = 0; row < rows; ++row) {
    const TrackPrediction& track = predictions[static_cast<size_t>(row)];
    table_predictions.rows.push_back(row);
    if (model.is_class()) {
      table_predictions.classes.push_back(track.class_index);
      for (int k = 0; k < classes; ++k) {
        table_predictions.proba(row, k) = track.probabilities[static_cast<size_t>(k)];
      }
    } else {
      table_predictions.popularity.push_back(track.popularity);
    }
  }
  return FormatCsv(PredictionsTable(model.model(), *request.table, table_predictions));
}

ojson ModelJson(const ServedModel& model) {
  const ModelInfo& info = model.info();
  ojson features = ojson::array();
  for (size_t f = 0; f < model.features().size(); ++f) {
    const std::string& name = model.features()[f];
    ojson feature = {{"name", name}};
    if (const FeatureRange* range = FindFeatureRange(name)) {
      feature["min"] = range->min;
      feature["max"] = range->max;
      feature["integer"] = range->integer;
      feature["meaning"] = range->meaning;
    }
    feature["typical"] = model.reference()[f];
    features.push_back(std::move(feature));
  }
  ojson out = {{"name", info.name},
               {"version", info.version},
               {"created", info.created},
               {"target", model.is_class() ? "class" : "popularity"},
               {"pipeline", model.Describe()},
               {"features", std::move(features)}};
  if (model.is_class()) {
    const PopularityClasses& classes = model.model().classes;
    ojson list = ojson::array();
    for (size_t k = 0; k < classes.names.size(); ++k) {
      ojson entry = {{"name", classes.names[k]}};
      if (k < classes.upper_edges.size()) {
        entry["popularity_at_most"] = NumberOrNull(classes.upper_edges[k]);
      }
      list.push_back(std::move(entry));
    }
    out["classes"] = std::move(list);
    out["classes_description"] = classes.Describe();
  }
  ojson metrics = ojson::parse(info.metrics_json.empty() ? "{}" : info.metrics_json, nullptr,
                               /*allow_exceptions=*/false);
  out["metrics"] = metrics.is_discarded() ? ojson::object() : metrics;
  out["contributions"] = ContributionMethodName(model.method());
  out["model_sha256"] = info.model_sha256;
  out["hitscope_version"] = model.model().hitscope_version;
  return out;
}

std::string ErrorJson(const RequestError& error) {
  ojson all = ojson::array();
  for (const FieldError& e : error.errors) {
    all.push_back({{"code", e.code}, {"field", e.field}, {"message", e.message}});
  }
  const FieldError& first = error.errors.at(0);
  ojson out = {{"error",
                {{"status", error.status},
                 {"code", first.code},
                 {"message", first.message},
                 {"field", first.field}}},
               {"errors", std::move(all)}};
  return out.dump();
}

}  // namespace hitscope::serve
