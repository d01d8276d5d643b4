// serve_fixtures.hpp: what the server tests share: small trained models, a server running on a
// free loopback port in this process, and a few-line HTTP client.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <hitscope/model_file.hpp>
#include <hitscope/serve.hpp>

namespace hitscope::testing {

// A model fitted on the first `rows` rows of the bundled data: "tree" (depth 4), "forest" (10
// trees, depth 5) or another model name with its defaults.
TrainedModel TrainSmallModel(const std::string& model, int rows = 800);

// A valid track of the bundled data's twelve features.
nlohmann::json ValidTrack();
// The same tracks as a CSV with a track_id column.
std::string TracksCsv(int rows);

struct HttpAnswer {
  int status = 0;  // 0: no answer (connection failed)
  std::string body;
  std::multimap<std::string, std::string> headers;
  std::string Header(const std::string& name) const;
  nlohmann::json Json() const;  // the body parsed (discarded JSON when it is not JSON)
};

// Sends one request on a fresh connection.
HttpAnswer Http(int port, const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& content_type = "",
                const std::map<std::string, std::string>& headers = {});

// A PredictionServer on 127.0.0.1 and a free port, run on its own thread until destroyed.
class RunningServer {
 public:
  explicit RunningServer(ServeOptions options);
  ~RunningServer();
  int port() const { return port_; }
  PredictionServer& server() { return *server_; }
  std::vector<std::string> Log() const;

 private:
  struct LogLines {
    std::mutex mutex;
    std::vector<std::string> lines;
  };
  std::shared_ptr<LogLines> log_ = std::make_shared<LogLines>();
  std::unique_ptr<PredictionServer> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace hitscope::testing
