// The prediction server over real sockets on a free loopback port: every endpoint, every
// validation error with the field it names, token authentication, model names that try to leave
// the models folder, and hot promotion under concurrent requests (no failed or mixed answers).
#include <atomic>
#include <filesystem>
#include <thread>

#include <hitscope/registry.hpp>

#include "serve_fixtures.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using nlohmann::json;
using testing::Http;
using testing::HttpAnswer;
using testing::ValidTrack;

constexpr const char* kJson = "application/json";

json Body(const json& tracks_or_track, const std::string& key = "track") {
  return json{{key, tracks_or_track}};
}

// Expects a JSON error answer of `status` whose headline names `field` with `code`.
void ExpectError(const HttpAnswer& answer, int status, const std::string& code,
                 const std::string& field) {
  EXPECT_EQ(answer.status, status) << answer.body;
  json body = answer.Json();
  ASSERT_TRUE(body.is_object()) << answer.body;
  EXPECT_EQ(answer.Header("Content-Type"), kJson);
  EXPECT_EQ(body["error"]["status"], status);
  EXPECT_EQ(body["error"]["code"], code) << answer.body;
  EXPECT_EQ(body["error"]["field"], field) << answer.body;
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
}

class ServeHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::filesystem::create_directory(dir_->File("models"));
    SaveModel(testing::TrainSmallModel("forest"), dir_->File("models/popularity.hsm"));
    // A model outside the folder that a crafted name must never reach.
    SaveModel(testing::TrainSmallModel("tree", 300), dir_->File("secret.hsm"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static ServeOptions Options() {
    ServeOptions options;
    options.models_dir = dir_->File("models");
    options.max_body_bytes = 64 << 10;
    options.max_batch = 50;
    options.max_explained = 10;
    return options;
  }
  static testing::TempDir* dir_;
};
testing::TempDir* ServeHttpTest::dir_ = nullptr;

TEST_F(ServeHttpTest, EveryEndpoint) {
  testing::RunningServer running(Options());
  const int port = running.port();

  HttpAnswer page = Http(port, "GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.Header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"features\""), std::string::npos);
  EXPECT_NE(page.Header("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  for (const char* asset : {"/assets/app.js", "/assets/app.css", "/assets/echarts.min.js"}) {
    HttpAnswer answer = Http(port, "GET", asset);
    EXPECT_EQ(answer.status, 200) << asset;
    EXPECT_GT(answer.body.size(), 1000u) << asset;
  }
  EXPECT_GT(Http(port, "GET", "/assets/echarts.min.js").body.size(), 500000u);

  json health = Http(port, "GET", "/health").Json();
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["models"], 1);
  EXPECT_EQ(health["auth"], false);

  json models = Http(port, "GET", "/models").Json();
  ASSERT_EQ(models["models"].size(), 1u);
  json model = models["models"][0];
  EXPECT_EQ(model["name"], "popularity");
  EXPECT_EQ(model["target"], "class");
  EXPECT_EQ(model["features"].size(), 12u);
  EXPECT_EQ(model["classes"].size(), 3u);
  EXPECT_EQ(model["contributions"], "tree_shap");
  for (const char* key : {"version", "created", "metrics", "pipeline", "model_sha256"}) {
    EXPECT_TRUE(model.contains(key)) << key;
  }
  EXPECT_EQ(Http(port, "GET", "/models/popularity").Json(), model);

  json openapi = Http(port, "GET", "/openapi.json").Json();
  EXPECT_EQ(openapi["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* path : {"/health", "/models", "/models/{name}", "/models/{name}/predict",
                           "/models/{name}/predict.csv", "/metrics"}) {
    EXPECT_TRUE(openapi["paths"].contains(path)) << path;
  }

  HttpAnswer one =
      Http(port, "POST", "/models/popularity/predict", Body(ValidTrack()).dump(), kJson);
  ASSERT_EQ(one.status, 200) << one.body;
  json prediction = one.Json()["prediction"];
  EXPECT_TRUE(prediction["class"].is_string());
  double total = 0;
  for (auto& [name, p] : prediction["probabilities"].items()) total += p.get<double>();
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_EQ(prediction["contributions"]["method"], "tree_shap");
  EXPECT_EQ(prediction["contributions"]["top"].size(), 5u);

  json second = ValidTrack();
  second["id"] = "b";
  second["danceability"] = 0.2;
  HttpAnswer batch = Http(port, "POST", "/models/popularity/predict",
                          json{{"tracks", {ValidTrack(), second}}}.dump(), kJson);
  ASSERT_EQ(batch.status, 200) << batch.body;
  json predictions = batch.Json()["predictions"];
  ASSERT_EQ(predictions.size(), 2u);
  EXPECT_EQ(predictions[1]["id"], "b");
  EXPECT_EQ(predictions[0]["probabilities"], prediction["probabilities"]);
  EXPECT_FALSE(predictions[0].contains("contributions"));

  HttpAnswer csv =
      Http(port, "POST", "/models/popularity/predict.csv", testing::TracksCsv(3), "text/csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\n')),
            "track_id,predicted_class,p_low,p_medium,p_high");
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 4);
  HttpAnswer csv_json = Http(port, "POST", "/models/popularity/predict.csv?contributions=2",
                             testing::TracksCsv(3), "text/csv", {{"Accept", kJson}});
  ASSERT_EQ(csv_json.status, 200) << csv_json.body;
  EXPECT_EQ(csv_json.Json()["predictions"].size(), 3u);
  EXPECT_EQ(csv_json.Json()["predictions"][2]["contributions"]["top"].size(), 2u);

  HttpAnswer metrics = Http(port, "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  for (const char* text :
       {"hitscope_http_requests_total{route=\"/models/{name}/predict\",method=\"POST\","
        "status=\"200\"} 2",
        "hitscope_http_request_duration_seconds_bucket", "hitscope_predictions_total",
        "process_resident_memory_bytes", "hitscope_models_served 1"}) {
    EXPECT_NE(metrics.body.find(text), std::string::npos) << text << "\n" << metrics.body;
  }
  // Request logging: one line per request, with status and model version.
  std::vector<std::string> log = running.Log();
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const std::string& line) {
    return line.find("POST /models/popularity/predict 200") != std::string::npos &&
           line.find("popularity@") != std::string::npos;
  }));
}

TEST_F(ServeHttpTest, EveryValidationErrorNamesItsField) {
  testing::RunningServer running(Options());
  const int port = running.port();
  auto predict = [port](const std::string& body, const std::string& type = kJson,
                        const std::string& name = "popularity") {
    return Http(port, "POST", "/models/" + name + "/predict", body, type);
  };
  ExpectError(predict(Body(ValidTrack()).dump(), kJson, "popularty"), 404, "unknown_model", "name");
  EXPECT_NE(predict(Body(ValidTrack()).dump(), kJson, "popularty").body.find("popularity"),
            std::string::npos)
      << "suggests the right name";
  json missing = ValidTrack();
  missing.erase("valence");
  ExpectError(predict(Body(missing).dump()), 422, "missing_feature", "track.valence");
  json extra = ValidTrack();
  extra["genre"] = 1;
  ExpectError(predict(Body(extra).dump()), 422, "extra_feature", "track.genre");
  json text = ValidTrack();
  text["energy"] = "loud";
  ExpectError(predict(Body(text).dump()), 422, "not_a_number", "track.energy");
  json out_of_range = ValidTrack();
  out_of_range["danceability"] = 1.2;
  ExpectError(predict(json{{"tracks", {ValidTrack(), out_of_range}}}.dump()), 422, "out_of_range",
              "tracks[1].danceability");
  ExpectError(predict(Body(ValidTrack()).dump(), "text/plain"), 415, "unsupported_media_type",
              "Content-Type");
  ExpectError(predict(Body(ValidTrack()).dump(), ""), 415, "unsupported_media_type",
              "Content-Type");
  ExpectError(predict("{\"track\": {\"danceability\": 0.5,"), 400, "malformed_json", "body");
  ExpectError(predict("\"just a string\""), 400, "invalid_shape", "body");
  ExpectError(predict(std::string(70 << 10, ' ')), 413, "body_too_large", "body");
  json many = json::array();
  for (int i = 0; i < 51; ++i) many.push_back(ValidTrack());
  ExpectError(predict(json{{"tracks", many}}.dump()), 413, "batch_too_large", "tracks");
  many.erase(many.begin());
  EXPECT_EQ(predict(json{{"tracks", many}}.dump()).status, 200) << "50 is within the limit";
  ExpectError(predict(json{{"tracks", many}, {"contributions", 3}}.dump()), 422,
              "too_many_to_explain", "contributions");
  // CSV bodies.
  auto predict_csv = [port](const std::string& body) {
    return Http(port, "POST", "/models/popularity/predict.csv", body, "text/csv");
  };
  ExpectError(predict_csv("danceability,energy\n0.5,0.5\n"), 422, "missing_feature", "key");
  std::string bad_row = testing::TracksCsv(2);
  bad_row.replace(bad_row.rfind(",0.8,"), 5, ",8.0,");
  ExpectError(predict_csv(bad_row), 422, "out_of_range", "rows[1].energy");
  ExpectError(predict_csv(testing::TracksCsv(51)), 413, "batch_too_large", "body");
  ExpectError(Http(port, "POST", "/models/popularity/predict.csv", testing::TracksCsv(1), kJson),
              415, "unsupported_media_type", "Content-Type");
  // Paths and methods.
  ExpectError(Http(port, "GET", "/models/popularity/predict"), 405, "method_not_allowed", "method");
  EXPECT_EQ(Http(port, "GET", "/models/popularity/predict").Header("Allow"), "POST");
  ExpectError(Http(port, "DELETE", "/models"), 405, "method_not_allowed", "method");
  ExpectError(Http(port, "GET", "/nothing/here"), 404, "not_found", "path");
  ExpectError(Http(port, "GET", "/models/no_such_model"), 404, "unknown_model", "name");
  // The server is still healthy and every error was counted.
  EXPECT_EQ(Http(port, "GET", "/health").Json()["status"], "ok");
  std::string metrics = Http(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("hitscope_http_errors_total{route=\"/models/{name}/predict\","
                         "status=\"422\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("hitscope_internal_errors_total 0"), std::string::npos) << metrics;
}

TEST_F(ServeHttpTest, ModelNamesCannotLeaveTheModelsFolder) {
  testing::RunningServer running(Options());
  const int port = running.port();
  const std::string body = Body(ValidTrack()).dump();
  for (const char* path : {"/models/..%2Fsecret/predict", "/models/%2E%2E%2Fsecret/predict",
                           "/models/../secret.hsm", "/models/secret/predict", "/models/..%2Fsecret",
                           "/models/.hsm/predict", "/models/%2Fetc%2Fpasswd/predict"}) {
    HttpAnswer answer = Http(port, "POST", path, body, kJson);
    EXPECT_TRUE(answer.status == 400 || answer.status == 404 || answer.status == 405)
        << path << ": " << answer.status << " " << answer.body;
    EXPECT_TRUE(answer.Json().contains("error")) << path;
  }
  EXPECT_EQ(Http(port, "GET", "/models").Json()["models"].size(), 1u);
}

TEST_F(ServeHttpTest, BearerToken) {
  ServeOptions options = Options();
  options.token = "s3cret-token";
  testing::RunningServer running(options);
  const int port = running.port();
  const std::map<std::string, std::string> good = {{"Authorization", "Bearer s3cret-token"}};
  const std::map<std::string, std::string> wrong = {{"Authorization", "Bearer s3cret-tokem"}};
  const std::map<std::string, std::string> basic = {{"Authorization", "Basic czNjcmV0"}};
  // Open: the page, its assets, health and the API description.
  for (const char* path : {"/", "/assets/app.js", "/health", "/openapi.json"}) {
    EXPECT_EQ(Http(port, "GET", path).status, 200) << path;
  }
  EXPECT_EQ(Http(port, "GET", "/health").Json()["auth"], true);
  EXPECT_FALSE(Http(port, "GET", "/health").Json().contains("served"));
  // Guarded: models, predictions, metrics.
  for (const char* path : {"/models", "/models/popularity", "/metrics"}) {
    HttpAnswer none = Http(port, "GET", path);
    ExpectError(none, 401, "unauthorized", "Authorization");
    EXPECT_NE(none.Header("WWW-Authenticate").find("Bearer"), std::string::npos);
    ExpectError(Http(port, "GET", path, "", "", wrong), 401, "unauthorized", "Authorization");
    ExpectError(Http(port, "GET", path, "", "", basic), 401, "unauthorized", "Authorization");
    EXPECT_EQ(Http(port, "GET", path, "", "", good).status, 200) << path;
  }
  const std::string body = Body(ValidTrack()).dump();
  ExpectError(Http(port, "POST", "/models/popularity/predict", body, kJson), 401, "unauthorized",
              "Authorization");
  EXPECT_EQ(Http(port, "POST", "/models/popularity/predict", body, kJson, good).status, 200);
  // An unknown model answers 401 before 404: without the token nothing about models leaks.
  ExpectError(Http(port, "POST", "/models/other/predict", body, kJson), 401, "unauthorized",
              "Authorization");
  EXPECT_TRUE(Http(port, "GET", "/openapi.json").Json()["components"].contains("securitySchemes"));
}

// Versions promoted in the registry while four clients send batches: every answer is 200, names
// a version, and all its predictions are that version's (never a mix); the last promotion wins.
TEST_F(ServeHttpTest, HotPromotionUnderConcurrentRequests) {
  testing::TempDir dir;
  SaveModel(testing::TrainSmallModel("forest"), dir.File("forest.hsm"));
  SaveModel(testing::TrainSmallModel("logreg"), dir.File("logreg.hsm"));
  const std::string db = dir.File("models.db");
  {
    ModelRegistry registry(db);
    RegistryAddOptions add;
    add.name = "popularity";
    add.data_sha256 = std::string(64, 'a');
    add.promote = true;
    registry.Add(dir.File("forest.hsm"), add);
    add.promote = false;
    registry.Add(dir.File("logreg.hsm"), add);
  }
  ServeOptions options;
  options.registry_path = db;
  options.reload_interval_ms = 0;
  options.access_log = false;
  options.threads = 8;
  testing::RunningServer running(options);
  const int port = running.port();
  json tracks = json::array();
  for (int i = 0; i < 20; ++i) {
    json track = ValidTrack();
    track["danceability"] = i / 20.0;
    tracks.push_back(track);
  }
  const std::string body = json{{"tracks", tracks}}.dump();
  auto predict = [&] { return Http(port, "POST", "/models/popularity/predict", body, kJson); };

  // Each version's answer, taken alone.
  std::map<std::string, json> expected;
  ModelRegistry writer(db, RegistryOpenMode::kReadWriteOnly);
  for (int64_t version : {1, 2}) {
    writer.Promote("popularity", version);
    json answer = predict().Json();
    ASSERT_EQ(answer["version"], std::to_string(version));
    expected[std::to_string(version)] = answer["predictions"];
  }
  ASSERT_NE(expected["1"], expected["2"]) << "negative control: the versions must differ";

  std::atomic<bool> done{false};
  std::atomic<int> answers{0}, failures{0};
  std::map<std::string, int> seen;
  std::mutex seen_mutex;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!done.load()) {
        HttpAnswer answer = predict();
        json parsed = answer.Json();
        const bool ok = answer.status == 200 && parsed.is_object() &&
                        expected.count(parsed.value("version", "")) == 1 &&
                        parsed["predictions"] == expected[parsed["version"].get<std::string>()];
        if (!ok) {
          ++failures;
          ADD_FAILURE() << answer.status << " " << answer.body.substr(0, 300);
        } else {
          std::lock_guard<std::mutex> lock(seen_mutex);
          ++seen[parsed["version"].get<std::string>()];
        }
        ++answers;
      }
    });
  }
  for (int round = 0; round < 12; ++round) {
    writer.Promote("popularity", round % 2 == 0 ? 1 : 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
  writer.Promote("popularity", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  done = true;
  for (auto& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(answers.load(), 40);
  EXPECT_GT(seen["1"], 0);
  EXPECT_GT(seen["2"], 0);
  EXPECT_EQ(predict().Json()["version"], "1") << "the last promotion is served";
  EXPECT_NE(Http(port, "GET", "/metrics").body.find("hitscope_model_reloads_total"),
            std::string::npos);
}

// Stop() while a large batch is being answered: the answer still arrives complete.
TEST_F(ServeHttpTest, StopFinishesRequestsInFlight) {
  ServeOptions options = Options();
  options.max_batch = 20000;
  options.max_body_bytes = 16 << 20;
  auto running = std::make_unique<testing::RunningServer>(options);
  const int port = running->port();
  const std::string csv = testing::TracksCsv(20000);
  HttpAnswer answer;
  std::thread client(
      [&] { answer = Http(port, "POST", "/models/popularity/predict.csv", csv, "text/csv"); });
  // Wait until the request is being answered, then stop.
  for (int i = 0; i < 2000 && running->server().InFlight() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  running->server().Stop();
  client.join();
  running.reset();
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(std::count(answer.body.begin(), answer.body.end(), '\n'), 20001);
  EXPECT_EQ(Http(port, "GET", "/health").status, 0) << "no longer listening";
}

}  // namespace
}  // namespace hitscope
