// The model registry: versions, promotion, removal, what each entry records, and every way a
// registry, a model or its metadata can be wrong.
#include <filesystem>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <hitscope/csv.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/registry.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using nlohmann::json;

const std::string kBundled = testing::SourcePath("data/spotify_songs.csv");

// A small logistic regression on the first rows of the bundled data; its summary holds a
// cross-validated evaluation (as `hitscope train --cv`) when `evaluation` is given.
TrainedModel TrainSmall(Evaluation* evaluation = nullptr, double c = 1.0) {
  CsvReadOptions read;
  read.max_rows = 600;
  Table table = ReadCsv(kBundled, read);
  Dataset data = BuildDataset(table, {});
  PipelineSpec spec;
  spec.Set("model", "logreg");
  spec.Set("model.C", std::to_string(c));
  std::string summary = "data: " + data.Summary() + "\n";
  if (evaluation != nullptr) {
    *evaluation = CrossValidate(data, spec, Protocol::Parse("stratified:3"));
    summary += evaluation->ToText();
  }
  return MakeTrainedModel(FitFinal(data, spec), data, table, summary);
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SaveModel(TrainSmall(&evaluation_), dir_.File("m1.hsm"));
    SaveModel(TrainSmall(nullptr, 0.1), dir_.File("m2.hsm"));
    testing::WriteText(dir_.File("train.csv"), testing::ReadText(kBundled));
  }
  RegistryAddOptions Options(const std::string& name = "popularity") {
    RegistryAddOptions options;
    options.name = name;
    options.data_path = dir_.File("train.csv");
    return options;
  }
  std::string db() const { return dir_.File("registry.db"); }

  testing::TempDir dir_;
  Evaluation evaluation_;
};

TEST(Sha256Test, KnownAnswers) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  testing::TempDir dir;
  // Larger than the 1 MiB read buffer, so the streamed digest crosses buffer boundaries.
  std::string big(3 * (1 << 20) + 17, 'x');
  testing::WriteText(dir.File("big.bin"), big);
  EXPECT_EQ(Sha256OfFile(dir.File("big.bin")), Sha256Hex(big));
  EXPECT_NE(Sha256Hex(big), Sha256Hex(big.substr(1))) << "negative control";
}

TEST(ModelNameTest, OnlySafeNames) {
  for (const char* good : {"popularity", "pop-v2", "a", "Model_1.beta"}) {
    EXPECT_TRUE(IsValidModelName(good)) << good;
  }
  for (const char* bad : {"", "..", "../etc", "a/b", ".hidden", "-x", "a b", "name%2F", "ü"}) {
    EXPECT_FALSE(IsValidModelName(bad)) << bad;
  }
  EXPECT_FALSE(IsValidModelName(std::string(129, 'a')));
  testing::ExpectError([] { CheckModelName("../x"); }, ErrorKind::kInvalidArgument,
                       {"model name '../x' is not allowed", "letters, digits"});
}

TEST_F(RegistryTest, AddListPromoteRemove) {
  ModelRegistry registry(db());
  int tick = 0;
  registry.SetClockForTesting([&] { return "2025-05-01T12:00:0" + std::to_string(tick++) + "Z"; });
  RegistryEntry first = registry.Add(dir_.File("m1.hsm"), Options());
  EXPECT_EQ(first.name, "popularity");
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.created_at, "2025-05-01T12:00:00Z");
  EXPECT_FALSE(first.promoted);
  EXPECT_EQ(first.data_sha256, Sha256OfFile(kBundled));
  EXPECT_EQ(first.data_source, dir_.File("train.csv"));
  std::string bytes = testing::ReadText(dir_.File("m1.hsm"));
  EXPECT_EQ(first.model_sha256, Sha256Hex(bytes));
  EXPECT_EQ(first.model_bytes, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(registry.ModelBytes("popularity", 1), bytes);

  json config = json::parse(first.config);
  EXPECT_EQ(config["pipeline"]["model"], "logreg");
  EXPECT_EQ(config["target"], "class");
  EXPECT_EQ(config["features"].size(), 12u);
  EXPECT_EQ(config["features"][0], "danceability");
  EXPECT_EQ(config["classes"]["names"], json({"low", "medium", "high"}));
  json metrics = json::parse(first.metrics);
  EXPECT_EQ(metrics["protocol"], evaluation_.protocol.Describe());
  // The summary prints 4 decimals.
  EXPECT_NEAR(metrics["scores"]["macro_f1"]["mean"].get<double>(),
              evaluation_.Score("macro_f1").mean, 6e-5);
  EXPECT_NEAR(metrics["scores"]["accuracy"]["ci95"][1].get<double>(),
              evaluation_.Score("accuracy").ci_high, 6e-5);

  RegistryAddOptions second_options = Options();
  second_options.note = "C=0.1";
  second_options.promote = true;
  RegistryEntry second = registry.Add(dir_.File("m2.hsm"), second_options);
  EXPECT_EQ(second.version, 2);
  EXPECT_TRUE(second.promoted);
  EXPECT_EQ(second.note, "C=0.1");
  EXPECT_EQ(json::parse(second.metrics)["source"], "none") << "trained without --cv";
  EXPECT_EQ(registry.Promoted(), (std::map<std::string, int64_t>{{"popularity", 2}}));

  registry.Add(dir_.File("m1.hsm"), Options("other"));
  std::vector<RegistryEntry> all = registry.List();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name + std::to_string(all[0].version), "other1");
  EXPECT_EQ(all[2].name + std::to_string(all[2].version), "popularity2");
  EXPECT_EQ(registry.List("popularity").size(), 2u);
  EXPECT_TRUE(registry.List("nobody").empty());

  registry.Promote("popularity", 1);
  EXPECT_EQ(registry.Promoted().at("popularity"), 1);
  EXPECT_TRUE(registry.Get("popularity", 1).promoted);
  EXPECT_FALSE(registry.Get("popularity", 2).promoted);
  EXPECT_FALSE(registry.Get("popularity", 1).summary.empty());

  testing::ExpectError([&] { registry.Remove("popularity", 1); }, ErrorKind::kInvalidArgument,
                       {"version 1 of 'popularity' is the promoted one", "--force"});
  registry.Remove("popularity", 2);
  EXPECT_EQ(registry.List("popularity").size(), 1u);
  // Versions are never reused.
  EXPECT_EQ(registry.Add(dir_.File("m2.hsm"), Options()).version, 3);
  registry.Remove("popularity", 1, /*force=*/true);
  EXPECT_EQ(registry.Promoted().count("popularity"), 0u);
  EXPECT_EQ(registry.Promoted().count("other"), 0u);
}

TEST_F(RegistryTest, StateSurvivesReopeningAndExportRoundTrips) {
  {
    ModelRegistry registry(db());
    RegistryAddOptions options = Options();
    options.promote = true;
    registry.Add(dir_.File("m1.hsm"), options);
  }
  ModelRegistry reopened(db(), RegistryOpenMode::kReadOnly);
  EXPECT_EQ(reopened.Promoted().at("popularity"), 1);
  testing::TempDir out;
  reopened.Export("popularity", 1, out.File("exported.hsm"));
  EXPECT_EQ(testing::ListDir(out.path()), std::vector<std::string>{"exported.hsm"});
  EXPECT_EQ(testing::ReadText(out.File("exported.hsm")), testing::ReadText(dir_.File("m1.hsm")));
  TrainedModel model = LoadModel(out.File("exported.hsm"));
  EXPECT_EQ(model.pipeline.spec().model, "logreg");
  testing::ExpectError([&] { reopened.Promote("popularity", 1); }, ErrorKind::kIo, {"read-only"});
}

TEST_F(RegistryTest, DataVersionSeesOtherConnectionsCommits) {
  ModelRegistry writer(db());
  writer.Add(dir_.File("m1.hsm"), Options());
  writer.Add(dir_.File("m2.hsm"), Options());
  ModelRegistry reader(db(), RegistryOpenMode::kReadOnly);
  int64_t before = reader.DataVersion();
  EXPECT_EQ(reader.DataVersion(), before) << "negative control: nothing changed";
  writer.Promote("popularity", 2);
  EXPECT_NE(reader.DataVersion(), before);
  EXPECT_EQ(reader.Promoted().at("popularity"), 2);
}

TEST_F(RegistryTest, UnknownNamesAndVersionsListWhatExists) {
  ModelRegistry registry(db());
  registry.Add(dir_.File("m1.hsm"), Options());
  registry.Add(dir_.File("m2.hsm"), Options());
  testing::ExpectError(
      [&] { registry.Promote("populariti", 1); }, ErrorKind::kInvalidArgument,
      {"no model named 'populariti'", "did you mean 'popularity'", "its models: 'popularity'"});
  testing::ExpectError([&] { registry.Get("popularity", 7); }, ErrorKind::kInvalidArgument,
                       {"model 'popularity' has no version 7", "its versions: 1, 2"});
  testing::ExpectError([&] { registry.Remove("popularity", 9); }, ErrorKind::kInvalidArgument,
                       {"no version 9"});
  testing::ExpectError([&] { registry.ModelBytes("x", 1); }, ErrorKind::kInvalidArgument,
                       {"no model named 'x'"});
}

TEST_F(RegistryTest, AddRefusesBadInputs) {
  ModelRegistry registry(db());
  testing::ExpectError([&] { registry.Add(dir_.File("m1.hsm"), Options("../escape")); },
                       ErrorKind::kInvalidArgument, {"model name '../escape' is not allowed"});
  RegistryAddOptions no_data = Options();
  no_data.data_path.clear();
  testing::ExpectError([&] { registry.Add(dir_.File("m1.hsm"), no_data); },
                       ErrorKind::kInvalidArgument, {"--data FILE", "--data-sha256"});
  RegistryAddOptions bad_hash = no_data;
  bad_hash.data_sha256 = "abc";
  testing::ExpectError([&] { registry.Add(dir_.File("m1.hsm"), bad_hash); },
                       ErrorKind::kInvalidArgument, {"64 lowercase hex digits", "'abc'"});
  RegistryAddOptions hash_given = no_data;
  hash_given.data_sha256 = Sha256Hex("training table");
  EXPECT_EQ(registry.Add(dir_.File("m1.hsm"), hash_given).data_sha256, hash_given.data_sha256);

  testing::WriteText(dir_.File("other.csv"), "a,b\n1,2\n");
  RegistryAddOptions wrong_data = Options();
  wrong_data.data_path = dir_.File("other.csv");
  testing::ExpectError([&] { registry.Add(dir_.File("m1.hsm"), wrong_data); },
                       ErrorKind::kInvalidInput,
                       {"lacks the model's feature columns", "'danceability'"});

  std::string bytes = testing::ReadText(dir_.File("m1.hsm"));
  bytes[bytes.size() / 2] ^= 0x5a;
  testing::WriteText(dir_.File("corrupt.hsm"), bytes);
  testing::ExpectError([&] { registry.Add(dir_.File("corrupt.hsm"), Options()); },
                       ErrorKind::kInvalidInput, {"corrupt.hsm", "is corrupt"});
  testing::ExpectError([&] { registry.Add(dir_.File("missing.hsm"), Options()); }, ErrorKind::kIo,
                       {"missing.hsm"});
  // Nothing of the refused additions was recorded.
  EXPECT_EQ(registry.List().size(), 1u);
  EXPECT_EQ(registry.List()[0].version, 1);
}

TEST_F(RegistryTest, MetricsComeFromAnEvaluationFileOrTheSummary) {
  ModelRegistry registry(db());
  testing::WriteText(dir_.File("eval.json"), evaluation_.ToJson());
  RegistryAddOptions options = Options();
  options.metrics_path = dir_.File("eval.json");
  json metrics = json::parse(registry.Add(dir_.File("m2.hsm"), options).metrics);
  EXPECT_EQ(metrics["source"], "evaluation file " + dir_.File("eval.json"));
  EXPECT_DOUBLE_EQ(metrics["scores"]["balanced_accuracy"]["mean"].get<double>(),
                   evaluation_.Score("balanced_accuracy").mean);

  // `evaluate --leaky` writes {"honest": ..., "leaky": ...}: the honest part is taken.
  testing::WriteText(dir_.File("both.json"), "{\"honest\": " + evaluation_.ToJson() +
                                                 ", \"leaky\": {\"leaky\": true, \"scores\": {}}}");
  options.metrics_path = dir_.File("both.json");
  metrics = json::parse(registry.Add(dir_.File("m2.hsm"), options).metrics);
  EXPECT_DOUBLE_EQ(metrics["scores"]["accuracy"]["mean"].get<double>(),
                   evaluation_.Score("accuracy").mean);

  testing::WriteText(dir_.File("leaky.json"), "{\"leaky\": true, \"scores\": {}}");
  options.metrics_path = dir_.File("leaky.json");
  testing::ExpectError([&] { registry.Add(dir_.File("m2.hsm"), options); },
                       ErrorKind::kInvalidInput, {"leaky protocol", "inflated"});
  testing::WriteText(dir_.File("bad.json"), "{\"scores\": ");
  options.metrics_path = dir_.File("bad.json");
  testing::ExpectError([&] { registry.Add(dir_.File("m2.hsm"), options); },
                       ErrorKind::kInvalidInput, {"bad.json", "is not JSON"});
}

TEST(MetricsFromSummaryTest, TakesTheLastHonestScoreTable) {
  const std::string honest =
      "protocol:   stratified 5-fold\n"
      "pipeline:   standard scaler -> knn (k 5)\n"
      "\n"
      "score                  mean      std   95 % interval\n"
      "accuracy             0.5000   0.0100   [0.4900, 0.5100]\n"
      "r2                   0.2500   0.0000   (one split: no interval)\n"
      "\n"
      "classification report (all test rows pooled):\n"
      "   low 0.5 0.5\n";
  json metrics = json::parse(MetricsFromSummary("data: 10 rows\n" + honest));
  EXPECT_EQ(metrics["protocol"], "stratified 5-fold");
  EXPECT_EQ(metrics["scores"]["accuracy"],
            json({{"mean", 0.5}, {"std", 0.01}, {"ci95", {0.49, 0.51}}}));
  EXPECT_EQ(metrics["scores"]["r2"], json({{"mean", 0.25}, {"std", 0.0}}));
  EXPECT_EQ(metrics["scores"].size(), 2u) << "the classification report is not a score";
  const std::string leaky =
      "*** LEAKY PROTOCOL (leakage demonstration): ... ***\n"
      "protocol:   leaky\n\n"
      "score                  mean      std   95 % interval\n"
      "accuracy             0.9900   0.0100   [0.9800, 1.0000]\n";
  EXPECT_EQ(json::parse(MetricsFromSummary(honest + leaky))["scores"]["accuracy"]["mean"], 0.5);
  EXPECT_EQ(json::parse(MetricsFromSummary(leaky))["source"], "none") << "leaky scores are refused";
  EXPECT_EQ(json::parse(MetricsFromSummary("data: 10 rows\n"))["scores"], json::object());
}

TEST(RegistryFileTest, RefusesFilesThatAreNotRegistries) {
  testing::TempDir dir;
  testing::WriteText(dir.File("text.db"), std::string(4096, 'x'));
  testing::ExpectError([&] { ModelRegistry registry(dir.File("text.db")); },
                       ErrorKind::kInvalidInput, {"text.db", "is not a hitscope model registry"});
  // An SQLite database of something else.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("other.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE songs (title TEXT)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  testing::ExpectError([&] { ModelRegistry registry(dir.File("other.db")); },
                       ErrorKind::kInvalidInput, {"other.db", "not a hitscope model registry"});
  testing::ExpectError(
      [&] { ModelRegistry registry(dir.File("absent.db"), RegistryOpenMode::kReadOnly); },
      ErrorKind::kIo, {"cannot open the model registry", "absent.db"});
  EXPECT_FALSE(std::filesystem::exists(dir.File("absent.db")));
  testing::ExpectError(
      [&] { ModelRegistry registry(dir.File("absent.db"), RegistryOpenMode::kReadWriteOnly); },
      ErrorKind::kIo, {"absent.db"});
  // A newer layout.
  ASSERT_EQ(sqlite3_open(dir.File("newer.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  testing::ExpectError([&] { ModelRegistry registry(dir.File("newer.db")); },
                       ErrorKind::kInvalidInput, {"newer hitscope", "layout 99"});
}

}  // namespace
}  // namespace hitscope
