// The serve stage without sockets: feature ranges, request parsing and every validation error it
// names, predictions and their contributions (TreeSHAP adds up; occlusion for other models),
// answers, metrics, and the folder source's reloading. The HTTP server end to end is tested in
// tests/serve/.
#include <filesystem>

#include <nlohmann/json.hpp>

#include <hitscope/csv.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/model_file.hpp>
#include <hitscope/serve.hpp>

#include "serve/model_catalog.hpp"
#include "serve/predict_request.hpp"
#include "serve/responses.hpp"
#include "serve/server_metrics.hpp"
#include "testing/fixtures.hpp"

namespace hitscope::serve {
namespace {

using nlohmann::json;

const std::string kBundled = testing::SourcePath("data/spotify_songs.csv");

TrainedModel TrainSmall(const std::string& model, int rows = 800) {
  CsvReadOptions read;
  read.max_rows = rows;
  Table table = ReadCsv(kBundled, read);
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

ServedModel Serve(const std::string& model) {
  ModelInfo info{"popularity", "1", "2025-01-01T00:00:00Z", "test", "", "sha"};
  return ServedModel(info, TrainSmall(model));
}

// A valid track of the bundled data's twelve features.
json Track() {
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

// Runs `fn`, expects a RequestError of `status` whose first error has `code` and `field`.
void ExpectRequestError(const std::function<void()>& fn, int status, const std::string& code,
                        const std::string& field) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected " << status << " " << code;
  } catch (const RequestError& error) {
    EXPECT_EQ(error.status, status) << error.errors.at(0).message;
    EXPECT_EQ(error.errors.at(0).code, code) << error.errors.at(0).message;
    EXPECT_EQ(error.errors.at(0).field, field) << error.errors.at(0).message;
    EXPECT_FALSE(error.errors.at(0).message.empty());
  }
}

class ServeModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { tree_ = new ServedModel(Serve("tree")); }
  static void TearDownTestSuite() {
    delete tree_;
    tree_ = nullptr;
  }
  PredictRequest Parse(const json& body) const {
    return ParseJsonRequest(body.dump(), *tree_, limits_);
  }
  static ServedModel* tree_;
  RequestLimits limits_;
};
ServedModel* ServeModelTest::tree_ = nullptr;

TEST(FeatureRangeTest, SpotifyRangesAndWholeNumbers) {
  EXPECT_EQ(CheckFeatureValue("danceability", 0), "");
  EXPECT_EQ(CheckFeatureValue("danceability", 1), "");
  EXPECT_NE(CheckFeatureValue("danceability", 1.0001), "") << "negative control";
  EXPECT_NE(CheckFeatureValue("danceability", -0.01), "");
  EXPECT_EQ(CheckFeatureValue("key", -1), "");
  EXPECT_NE(CheckFeatureValue("key", 12), "");
  EXPECT_NE(CheckFeatureValue("key", 2.5).find("whole"), std::string::npos);
  EXPECT_NE(CheckFeatureValue("mode", 0.5), "");
  EXPECT_EQ(CheckFeatureValue("loudness", 1.3), "");
  EXPECT_NE(CheckFeatureValue("loudness", -61), "");
  EXPECT_NE(CheckFeatureValue("duration_ms", 0), "");
  EXPECT_NE(CheckFeatureValue("tempo", std::nan("")).find("finite"), std::string::npos);
  // A feature without a documented range takes any finite number.
  EXPECT_EQ(CheckFeatureValue("my_feature", -1e9), "");
  EXPECT_EQ(FindFeatureRange("my_feature"), nullptr);
  ASSERT_NE(FindFeatureRange("valence"), nullptr);
  EXPECT_EQ(AudioFeatureRanges().size(), 13u);
}

TEST_F(ServeModelTest, ParsesOneTrackAndABatch) {
  PredictRequest one = Parse({{"track", Track()}});
  EXPECT_TRUE(one.single);
  ASSERT_EQ(one.x.rows(), 1);
  ASSERT_EQ(one.x.cols(), 12);
  EXPECT_EQ(one.x(0, 0), 0.7);
  EXPECT_EQ(one.contributions, limits_.default_contributions);
  json second = Track();
  second["id"] = "t2";
  PredictRequest batch = Parse({{"tracks", {Track(), second}}, {"contributions", 3}});
  EXPECT_FALSE(batch.single);
  EXPECT_EQ(batch.x.rows(), 2);
  EXPECT_EQ(batch.ids, (std::vector<std::string>{"", "t2"}));
  EXPECT_EQ(batch.contributions, 3);
  EXPECT_EQ(Parse({{"tracks", {Track()}}}).contributions, 0) << "batches: none unless asked";
}

// The plain reader (ReadPlainJsonRequest) takes the common bodies and reads them exactly as the
// full reader does; everything else it leaves to the full reader.
TEST_F(ServeModelTest, PlainReaderAgreesWithTheFullReader) {
  const std::string track =
      R"({"danceability": 0.7, "energy": 8e-1, "key": 5, "loudness": -5.5, "mode": 1,)"
      R"( "speechiness": 0.05, "acousticness": 1E-1, "instrumentalness": 0, "liveness": 0.12,)"
      R"( "valence": 0.5, "tempo": 120.000000000000001, "duration_ms": 210000})";
  const std::string reordered =
      R"({"tempo":99.5,"key":-1,"mode":0,"danceability":0.123456789012345678,"energy":1,)"
      R"("loudness":-0.0,"speechiness":0.0583,"acousticness":0.102,"instrumentalness":1.0,)"
      R"("liveness":0.0653,"valence":0.518,"duration_ms":194754.0,"id":"a-1"})";
  const std::string with_id = track.substr(0, track.size() - 1) + R"(, "id": 42})";
  const std::vector<std::string> taken = {
      "{\"track\": " + track + "}",
      " \r\n\t{ \"track\" :" + reordered + " , \"contributions\" : 2 } \n",
      R"({"tracks": [)" + track + "," + reordered + "," + with_id + R"(], "contributions": 0})",
      R"({"contributions": 0.0, "tracks": [)" + reordered + "]}",
      R"({"tracks": [)" + track + "]}",
  };
  for (const std::string& body : taken) {
    PredictRequest plain;
    ASSERT_TRUE(ReadPlainJsonRequest(body, *tree_, limits_, &plain)) << body;
    PredictRequest full = ReadFullJsonRequest(body, *tree_, limits_);
    EXPECT_EQ(plain.single, full.single);
    EXPECT_EQ(plain.ids, full.ids);
    EXPECT_EQ(plain.contributions, full.contributions);
    ASSERT_EQ(plain.x.rows(), full.x.rows());
    ASSERT_EQ(plain.x.cols(), full.x.cols());
    for (size_t i = 0; i < plain.x.data().size(); ++i) {
      EXPECT_EQ(std::signbit(plain.x.data()[i]), std::signbit(full.x.data()[i])) << body;
      EXPECT_EQ(plain.x.data()[i], full.x.data()[i]) << body;
    }
  }
  EXPECT_EQ(ParseJsonRequest(taken[2], *tree_, limits_).ids,
            (std::vector<std::string>{"", "a-1", "42"}));
  // Left to the full reader: errors of every kind, escapes, non-ASCII text, duplicate keys, "-0"
  // (an integer to the full reader), numbers JSON does not allow, trailing text.
  auto with = [&](const std::string& from, const std::string& to) {
    std::string body = "{\"track\": " + track + "}";
    return body.replace(body.find(from), from.size(), to);
  };
  const std::vector<std::string> declined = {
      "",
      "{}",
      "[]",
      "{\"track\": " + track + "} x",
      "{\"track\": " + track + ",}",
      "{\"track\": " + track + ", \"track\": " + track + "}",
      "{\"track\": " + track + ", \"tracks\": [" + track + "]}",
      R"({"tracks": []})",
      "{\"track\": " + track + ", \"extra\": 1}",
      "{\"track\": " + track + ", \"contributions\": -1}",
      "{\"track\": " + track + ", \"contributions\": 1.5}",
      "{\"track\": " + track + ", \"contributions\": \"2\"}",
      with("\"key\": 5", "\"key\": 5.5"),
      with("\"key\": 5", "\"key\": -0"),
      with("\"key\": 5", "\"key\": 05"),
      with("\"key\": 5", "\"key\": +5"),
      with("\"key\": 5", "\"key\": 5."),
      with("\"key\": 5", "\"key\": \"5\""),
      with("\"key\": 5", "\"k\\u0065y\": 5"),
      with("\"key\": 5", "\"key\": 5, \"key\": 5"),
      with("\"key\": 5", "\"kéy\": 5"),
      with("\"key\": 5, ", ""),
      with("\"tempo\": 120.000000000000001", "\"tempo\": 1e400"),
      with("\"tempo\": 120.000000000000001", "\"tempo\": 301"),
      with("\"tempo\": 120.000000000000001", "\"tempo\": NaN"),
      with("\"tempo\": 120.000000000000001", "\"tempo\": 1234567890123456789"),
      with("\"duration_ms\": 210000", "\"duration_ms\": 210000, \"id\": 1.5"),
      with("\"duration_ms\": 210000", "\"duration_ms\": 210000, \"id\": \"a\\\"b\""),
      with("\"duration_ms\": 210000", "\"duration_ms\": 210000, \"id\": null"),
  };
  for (const std::string& body : declined) {
    PredictRequest plain;
    EXPECT_FALSE(ReadPlainJsonRequest(body, *tree_, limits_, &plain)) << body;
  }
  RequestLimits small = limits_;
  small.max_batch = 1;
  PredictRequest plain;
  EXPECT_FALSE(ReadPlainJsonRequest(taken[2], *tree_, small, &plain)) << "batch too large";
  small = limits_;
  small.max_explained = 0;
  EXPECT_FALSE(ReadPlainJsonRequest(taken[1], *tree_, small, &plain)) << "too many to explain";
  ASSERT_TRUE(ReadPlainJsonRequest(taken[0], *tree_, small, &plain));
  EXPECT_EQ(plain.contributions, 0) << "a single track gets none when none may be explained";
}

TEST_F(ServeModelTest, JsonErrorsNameTheField) {
  auto parse_text = [this](const std::string& body) {
    return [this, body] { ParseJsonRequest(body, *tree_, limits_); };
  };
  ExpectRequestError(parse_text("{\"track\": "), 400, "malformed_json", "body");
  ExpectRequestError(parse_text("[1, 2]"), 400, "invalid_shape", "body");
  ExpectRequestError(parse_text("{}"), 400, "invalid_shape", "body");
  ExpectRequestError(
      [&] {
        Parse({{"track", Track()}, {"tracks", {Track()}}});
      },
      400, "invalid_shape", "body");
  ExpectRequestError(
      [&] {
        Parse({{"track", Track()}, {"danceability", 1}});
      },
      400, "unknown_field", "danceability");
  ExpectRequestError([&] { Parse({{"tracks", Track()}}); }, 400, "invalid_shape", "tracks");
  ExpectRequestError([&] { Parse({{"tracks", json::array()}}); }, 422, "empty_batch", "tracks");
  ExpectRequestError([&] { Parse({{"track", 3}}); }, 422, "invalid_track", "track");

  json missing = Track();
  missing.erase("energy");
  ExpectRequestError([&] { Parse({{"track", missing}}); }, 422, "missing_feature", "track.energy");
  json extra = Track();
  extra["danceabilty"] = 0.5;
  ExpectRequestError([&] { Parse({{"track", extra}}); }, 422, "extra_feature", "track.danceabilty");
  json text = Track();
  text["tempo"] = "fast";
  ExpectRequestError([&] { Parse({{"track", text}}); }, 422, "not_a_number", "track.tempo");
  json out_of_range = Track();
  out_of_range["danceability"] = 1.5;
  ExpectRequestError(
      [&] {
        Parse({{"tracks", {Track(), out_of_range}}});
      },
      422, "out_of_range", "tracks[1].danceability");
  json fractional_key = Track();
  fractional_key["key"] = 2.5;
  ExpectRequestError([&] { Parse({{"track", fractional_key}}); }, 422, "out_of_range", "track.key");
  json bad_id = Track();
  bad_id["id"] = json::array();
  ExpectRequestError([&] { Parse({{"track", bad_id}}); }, 422, "invalid_id", "track.id");
  ExpectRequestError(
      [&] {
        Parse({{"track", Track()}, {"contributions", -1}});
      },
      422, "invalid_contributions", "contributions");
  ExpectRequestError(
      [&] {
        Parse({{"track", Track()}, {"contributions", "all"}});
      },
      422, "invalid_contributions", "contributions");
}

TEST_F(ServeModelTest, EveryFieldErrorIsListedUpToALimit) {
  json bad = Track();
  for (auto& value : bad) value = "x";
  try {
    Parse({{"track", bad}});
    FAIL() << "no error";
  } catch (const RequestError& error) {
    EXPECT_EQ(error.errors.size(), 12u);
    json body = json::parse(ErrorJson(error));
    EXPECT_EQ(body["error"]["status"], 422);
    EXPECT_EQ(body["errors"].size(), 12u);
    EXPECT_EQ(body["errors"][11]["field"], "track.duration_ms");
  }
  json many = json::array();
  for (int i = 0; i < 30; ++i) many.push_back(bad);
  try {
    Parse({{"tracks", many}});
    FAIL() << "no error";
  } catch (const RequestError& error) {
    EXPECT_EQ(error.errors.size(), kMaxListedErrors);
  }
}

TEST_F(ServeModelTest, BatchLimits) {
  limits_.max_batch = 3;
  limits_.max_explained = 2;
  json four = json::array({Track(), Track(), Track(), Track()});
  ExpectRequestError([&] { Parse({{"tracks", four}}); }, 413, "batch_too_large", "tracks");
  json three = json::array({Track(), Track(), Track()});
  EXPECT_EQ(Parse({{"tracks", three}}).x.rows(), 3);
  ExpectRequestError(
      [&] {
        Parse({{"tracks", three}, {"contributions", 2}});
      },
      422, "too_many_to_explain", "contributions");
}

TEST_F(ServeModelTest, CsvBodies) {
  const std::string header =
      "track_id,danceability,energy,key,loudness,mode,speechiness,acousticness,"
      "instrumentalness,liveness,valence,tempo,duration_ms,genre\n";
  const std::string row = "0.7,0.8,5,-5.5,1,0.05,0.1,0,0.12,0.5,120,210000";
  PredictRequest ok =
      ParseCsvRequest(header + "a1," + row + ",pop\na2," + row + ",rock\n", *tree_, limits_, "2");
  EXPECT_EQ(ok.x.rows(), 2);
  EXPECT_EQ(ok.contributions, 2);
  ASSERT_TRUE(ok.table.has_value());
  EXPECT_EQ(ok.ids.size(), 2u);

  auto parse = [this](const std::string& body, const std::string& contributions = "") {
    return [this, body, contributions] { ParseCsvRequest(body, *tree_, limits_, contributions); };
  };
  ExpectRequestError(parse("danceability,energy\n0.5,0.5\n"), 422, "missing_feature", "key");
  ExpectRequestError(parse(header), 422, "empty_batch", "body");
  ExpectRequestError(parse(header + "a1,1.2," + row.substr(4) + ",pop\n"), 422, "out_of_range",
                     "rows[0].danceability");
  ExpectRequestError(parse(header + "a1," + row + ",pop\na2,x," + row.substr(4) + ",pop\n"), 422,
                     "not_a_number", "rows[1].danceability");
  ExpectRequestError(parse(header + "a1,," + row.substr(4) + ",pop\n"), 422, "missing_value",
                     "rows[0].danceability");
  ExpectRequestError(parse(header + "a1," + row + ",pop\n", "many"), 422, "invalid_contributions",
                     "contributions");
  ExpectRequestError(parse(header + "\"unclosed," + row + "\n"), 400, "malformed_csv", "body");
}

TEST_F(ServeModelTest, PredictionsAgreeWithPredictTable) {
  CsvReadOptions read;
  read.max_rows = 50;
  Table table = ReadCsv(kBundled, read);
  TablePredictions expected = PredictTable(tree_->model(), table);
  Matrix x(table.num_rows(), 12);
  for (size_t f = 0; f < tree_->features().size(); ++f) {
    const Column& column = table.column(tree_->features()[f]);
    for (int64_t row = 0; row < table.num_rows(); ++row) {
      x(row, static_cast<int64_t>(f)) = column.NumericAt(row);
    }
  }
  std::vector<TrackPrediction> got = tree_->Predict(x, 0);
  ASSERT_EQ(got.size(), expected.classes.size());
  for (size_t row = 0; row < got.size(); ++row) {
    EXPECT_EQ(got[row].class_index, expected.classes[row]) << row;
    for (int k = 0; k < 3; ++k) {
      EXPECT_DOUBLE_EQ(got[row].probabilities[static_cast<size_t>(k)],
                       expected.proba(static_cast<int64_t>(row), k));
    }
    EXPECT_TRUE(got[row].contributions.empty());
  }
}

// TreeSHAP is exact: the average output plus every feature's contribution is the predicted
// class's probability.
TEST_F(ServeModelTest, TreeShapContributionsAddUpToTheProbability) {
  EXPECT_EQ(tree_->method(), ContributionMethod::kTreeShap);
  PredictRequest request = Parse({{"tracks", {Track(), Track()}}, {"contributions", 12}});
  request.x(1, 0) = 0.2;
  request.x(1, 1) = 0.3;
  for (const TrackPrediction& track : tree_->Predict(request.x, 12)) {
    ASSERT_EQ(track.contributions.size(), 12u);
    double total = track.expected_value;
    for (const Contribution& c : track.contributions) total += c.contribution;
    EXPECT_NEAR(total, track.probabilities[static_cast<size_t>(track.class_index)], 1e-9);
    EXPECT_EQ(track.explained,
              "P(" + tree_->class_names()[static_cast<size_t>(track.class_index)] + ")");
    for (size_t i = 1; i < track.contributions.size(); ++i) {
      EXPECT_GE(std::abs(track.contributions[i - 1].contribution),
                std::abs(track.contributions[i].contribution));
    }
  }
  EXPECT_EQ(tree_->Predict(request.x, 3)[0].contributions.size(), 3u);
}

TEST(ServedModelTest, OtherModelsGetOcclusion) {
  ServedModel logreg = Serve("logreg");
  EXPECT_EQ(logreg.method(), ContributionMethod::kOcclusion);
  RequestLimits limits;
  PredictRequest request = ParseJsonRequest(json({{"track", Track()}}).dump(), logreg, limits);
  TrackPrediction track = logreg.Predict(request.x, 12).at(0);
  ASSERT_EQ(track.contributions.size(), 12u);
  EXPECT_TRUE(std::isnan(track.expected_value));
  // Setting a feature to its reference leaves a track at the reference unchanged.
  Matrix at_reference(1, 12);
  for (int64_t f = 0; f < 12; ++f) at_reference(0, f) = logreg.reference()[static_cast<size_t>(f)];
  const std::vector<TrackPrediction> at_reference_predictions = logreg.Predict(at_reference, 12);
  for (const Contribution& c : at_reference_predictions.at(0).contributions) {
    EXPECT_NEAR(c.contribution, 0.0, 1e-12) << c.feature;
  }
}

TEST_F(ServeModelTest, AnswersAsJsonAndCsv) {
  PredictRequest request = Parse({{"track", Track()}});
  json one = json::parse(PredictionsJson(*tree_, request, tree_->Predict(request.x, 5)));
  EXPECT_EQ(one["model"], "popularity");
  EXPECT_EQ(one["target"], "class");
  EXPECT_EQ(one["prediction"]["probabilities"].size(), 3u);
  EXPECT_EQ(one["prediction"]["contributions"]["method"], "tree_shap");
  EXPECT_EQ(one["prediction"]["contributions"]["top"].size(), 5u);

  json model = ModelJson(*tree_);
  EXPECT_EQ(model["features"].size(), 12u);
  EXPECT_EQ(model["features"][0]["name"], "danceability");
  EXPECT_EQ(model["features"][0]["max"], 1.0);
  EXPECT_EQ(model["classes"].size(), 3u);

  const std::string csv_body =
      "track_id,danceability,energy,key,loudness,mode,speechiness,acousticness,"
      "instrumentalness,liveness,valence,tempo,duration_ms\n"
      "a1,0.7,0.8,5,-5.5,1,0.05,0.1,0,0.12,0.5,120,210000\n";
  PredictRequest csv = ParseCsvRequest(csv_body, *tree_, RequestLimits{}, "");
  std::string answer = PredictionsCsv(*tree_, csv, tree_->Predict(csv.x, 0));
  EXPECT_EQ(answer.substr(0, answer.find('\n')), "track_id,predicted_class,p_low,p_medium,p_high");
  EXPECT_EQ(answer.substr(answer.find('\n') + 1, 3), "a1,");

  json openapi = json::parse(OpenApiJson(true, {"popularity"}));
  EXPECT_TRUE(openapi["paths"].contains("/models/{name}/predict"));
  EXPECT_TRUE(openapi["components"]["securitySchemes"].contains("bearer"));
}

// Answers without contributions are written straight out: the same text as the JSON document.
TEST_F(ServeModelTest, PlainAnswersAreTheDocumentsText) {
  using ojson = nlohmann::ordered_json;
  json tracks = json::array();
  for (int i = 0; i < 40; ++i) {
    json track = Track();
    track["danceability"] = i / 40.0;
    track["energy"] = 1 - i / 40.0;
    track["tempo"] = 60 + 3 * i;
    if (i % 3 == 1) track["id"] = "t\"" + std::to_string(i) + "\u00e9\n";
    if (i % 3 == 2) track["id"] = i * 1000;
    tracks.push_back(track);
  }
  for (const json& body :
       {json{{"tracks", tracks}}, json{{"track", tracks[1]}, {"contributions", 0}}}) {
    PredictRequest request = Parse(body);
    std::vector<TrackPrediction> predictions = tree_->Predict(request.x, 0);
    ojson expected = {{"model", "popularity"}, {"version", "1"}, {"target", "class"}};
    ojson all = ojson::array();
    for (size_t i = 0; i < predictions.size(); ++i) {
      ojson one = ojson::object();
      if (!request.ids[i].empty()) one["id"] = request.ids[i];
      one["class"] = tree_->class_names().at(static_cast<size_t>(predictions[i].class_index));
      ojson probabilities = ojson::object();
      for (size_t k = 0; k < 3; ++k) {
        probabilities[tree_->class_names()[k]] = predictions[i].probabilities[k];
      }
      one["probabilities"] = std::move(probabilities);
      all.push_back(std::move(one));
    }
    if (request.single) {
      expected["prediction"] = all[0];
    } else {
      expected["predictions"] = std::move(all);
    }
    EXPECT_EQ(PredictionsJson(*tree_, request, predictions), expected.dump());
  }
}

TEST(ServerMetricsTest, RoutesCountsAndHistograms) {
  EXPECT_EQ(RouteOf("/"), Route::kPage);
  EXPECT_EQ(RouteOf("/models"), Route::kModels);
  EXPECT_EQ(RouteOf("/models/x"), Route::kModel);
  EXPECT_EQ(RouteOf("/models/x/predict"), Route::kPredict);
  EXPECT_EQ(RouteOf("/models/x/predict.csv"), Route::kPredictCsv);
  EXPECT_EQ(RouteOf("/models/x/other"), Route::kOther);
  EXPECT_EQ(RouteOf("/assets/app.js"), Route::kAsset);
  ServerMetrics metrics;
  metrics.Record(Route::kPredict, "POST", 200, 0.0003);
  metrics.Record(Route::kPredict, "POST", 200, 0.003);
  metrics.Record(Route::kPredict, "POST", 422, 0.0001);
  metrics.Record(Route::kOther, "GET", 404, -1);
  metrics.CountPredictions("popularity", "3", 100);
  std::string text = metrics.Prometheus({{"hitscope_models_served", {"Models.", 1.0}}});
  for (const char* line :
       {"hitscope_http_requests_total{route=\"/models/{name}/"
        "predict\",method=\"POST\",status=\"200\"} 2",
        "hitscope_http_requests_total{route=\"/models/{name}/"
        "predict\",method=\"POST\",status=\"422\"} 1",
        "hitscope_http_request_duration_seconds_bucket{route=\"/models/{name}/"
        "predict\",le=\"0.0005\"} 2",
        "hitscope_http_request_duration_seconds_bucket{route=\"/models/{name}/"
        "predict\",le=\"+Inf\"} 3",
        "hitscope_http_request_duration_seconds_count{route=\"/models/{name}/predict\"} 3",
        "hitscope_predictions_total{model=\"popularity\",version=\"3\"} 100",
        "hitscope_models_served 1"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("le=\"0.0005\"} 3"), std::string::npos) << "negative control";
  EXPECT_GT(ResidentMemoryBytes(), 0);
}

TEST(ModelCatalogTest, FolderReloadsChangedFilesAndKeepsTheOldOnFailure) {
  testing::TempDir dir;
  SaveModel(TrainSmall("tree", 400), dir.File("popularity.hsm"));
  testing::WriteText(dir.File("notes.txt"), "not a model");
  std::vector<std::string> log;
  ModelCatalog catalog(MakeFolderSource(dir.path()), std::chrono::milliseconds(0),
                       [&](std::string_view line) { log.emplace_back(line); });
  std::shared_ptr<const ServedModel> first = catalog.Find("popularity");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(catalog.Find("notes"), nullptr);
  EXPECT_EQ(catalog.Models()->size(), 1u);

  // A new file replaces the model; the request holding `first` keeps it.
  SaveModel(TrainSmall("logreg", 400), dir.File("popularity.hsm"));
  std::shared_ptr<const ServedModel> second = catalog.Find("popularity");
  ASSERT_NE(second, nullptr);
  EXPECT_NE(second->info().version, first->info().version);
  EXPECT_EQ(second->method(), ContributionMethod::kOcclusion);
  EXPECT_EQ(first->method(), ContributionMethod::kTreeShap);
  EXPECT_EQ(catalog.reloads(), 1);

  // A corrupt file: the previous version keeps serving and the problem is reported.
  testing::WriteText(dir.File("popularity.hsm"), "garbage");
  EXPECT_EQ(catalog.Find("popularity"), second);
  ASSERT_FALSE(catalog.errors().empty());
  EXPECT_NE(catalog.errors()[0].find("popularity.hsm"), std::string::npos);
}

TEST(ModelCatalogTest, LinksOutOfTheFolderAndBadNamesAreNotServed) {
  testing::TempDir dir, outside;
  std::filesystem::create_directory(dir.File("models"));
  SaveModel(TrainSmall("tree", 400), outside.File("secret.hsm"));
  SaveModel(TrainSmall("tree", 400), dir.File("models/good.hsm"));
  std::filesystem::create_symlink(outside.File("secret.hsm"), dir.File("models/escape.hsm"));
  std::filesystem::copy_file(dir.File("models/good.hsm"), dir.File("models/.hidden.hsm"));
  // At start every problem is fatal, and named.
  testing::ExpectError(
      [&] {
        ModelCatalog catalog(MakeFolderSource(dir.File("models")), std::chrono::milliseconds(0),
                             [](std::string_view) {});
      },
      ErrorKind::kInvalidInput, {"escape.hsm", "outside the models folder", "'.hidden'"});
  // Appearing later, they are left out while the good model keeps serving.
  std::filesystem::remove(dir.File("models/escape.hsm"));
  std::filesystem::remove(dir.File("models/.hidden.hsm"));
  ModelCatalog catalog(MakeFolderSource(dir.File("models")), std::chrono::milliseconds(0),
                       [](std::string_view) {});
  std::filesystem::create_symlink(outside.File("secret.hsm"), dir.File("models/escape.hsm"));
  EXPECT_NE(catalog.Find("good"), nullptr);
  EXPECT_EQ(catalog.Find("escape"), nullptr);
  EXPECT_EQ(catalog.Models()->size(), 1u);
}

TEST(PredictionServerTest, OptionErrors) {
  ServeOptions none;
  testing::ExpectError([&] { PredictionServer server(none); }, ErrorKind::kInvalidArgument,
                       {"--models", "--registry"});
  testing::TempDir dir;
  ServeOptions empty;
  empty.models_dir = dir.path();
  testing::ExpectError([&] { PredictionServer server(empty); }, ErrorKind::kInvalidInput,
                       {dir.path()});
  ServeOptions missing;
  missing.models_dir = dir.File("nope");
  testing::ExpectError([&] { PredictionServer server(missing); }, ErrorKind::kIo, {"nope"});
  SaveModel(TrainSmall("tree", 400), dir.File("m.hsm"));
  ServeOptions bad_port;
  bad_port.models_dir = dir.path();
  bad_port.port = 70000;
  testing::ExpectError([&] { PredictionServer server(bad_port); }, ErrorKind::kInvalidArgument,
                       {"--port"});
}

}  // namespace
}  // namespace hitscope::serve
