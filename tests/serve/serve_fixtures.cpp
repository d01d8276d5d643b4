#include "serve_fixtures.hpp"

#include <httplib.h>

#include <hitscope/csv.hpp>
#include <hitscope/evaluation.hpp>

#include "testing/fixtures.hpp"

namespace hitscope::testing {

TrainedModel TrainSmallModel(const std::string& model, int rows) {
  CsvReadOptions read;
  read.max_rows = rows;
  Table table = ReadCsv(SourcePath("data/spotify_songs.csv"), read);
  Dataset data = BuildDataset(table, {});
  PipelineSpec spec;
  spec.Set("model", model);
  if (model == "tree") spec.Set("model.max_depth", "4");
  if (model == "forest") {
    spec.Set("model.n_estimators", "10");
    spec.Set("model.max_depth", "5");
  }
  return MakeTrainedModel(FitFinal(data, spec), data, table, "data: test\n");
}

nlohmann::json ValidTrack() {
  return {{"danceability", 0.7},
          {"energy", 0.8},
          {"key", 5},
          {"loudness", -5.5},
          {"mode", 1},
          {"speechiness", 0.05},
          {"acousticness", 0.1},
          {"instrumentalness", 0},
          {"liveness", 0.12},
          {"valence", 0.5},
          {"tempo", 120},
          {"duration_ms", 210000}};
}

std::string TracksCsv(int rows) {
  std::string text =
      "track_id,danceability,energy,key,loudness,mode,speechiness,acousticness,"
      "instrumentalness,liveness,valence,tempo,duration_ms\n";
  for (int row = 0; row < rows; ++row) {
    text += "t" + std::to_string(row) + "," + std::to_string(0.1 + 0.8 * (row % 10) / 10.0) +
            ",0.8,5,-5.5,1,0.05,0.1,0,0.12,0.5,120,210000\n";
  }
  return text;
}

std::string HttpAnswer::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json HttpAnswer::Json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

HttpAnswer Http(int port, const std::string& method, const std::string& path,
                const std::string& body, const std::string& content_type,
                const std::map<std::string, std::string>& headers) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  client.set_connection_timeout(5, 0);
  httplib::Headers sent;
  for (const auto& [name, value] : headers) sent.emplace(name, value);
  httplib::Request request;
  request.method = method;
  request.path = path;
  request.headers = sent;
  request.body = body;
  if (!content_type.empty()) request.set_header("Content-Type", content_type);
  httplib::Result result = client.send(request);
  HttpAnswer answer;
  if (!result) return answer;
  answer.status = result->status;
  answer.body = result->body;
  for (const auto& [name, value] : result->headers) answer.headers.emplace(name, value);
  return answer;
}

RunningServer::RunningServer(ServeOptions options) {
  options.host = "127.0.0.1";
  options.port = 0;
  std::shared_ptr<LogLines> log = log_;
  options.log = [log](std::string_view line) {
    std::lock_guard<std::mutex> lock(log->mutex);
    log->lines.emplace_back(line);
  };
  server_ = std::make_unique<PredictionServer>(std::move(options));
  port_ = server_->Bind();
  thread_ = std::thread([this] { server_->Run(); });
}

RunningServer::~RunningServer() {
  server_->Stop();
  thread_.join();
}

std::vector<std::string> RunningServer::Log() const {
  std::lock_guard<std::mutex> lock(log_->mutex);
  return log_->lines;
}

}  // namespace hitscope::testing
