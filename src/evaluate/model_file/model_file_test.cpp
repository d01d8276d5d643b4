// Model files: round trips, and every way a file or a table can be wrong.
#include <cmath>

#include <hitscope/evaluation.hpp>
#include <hitscope/model_file.hpp>

#include "evaluate/model_file/byte_io.hpp"
#include "prepare/random.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

// A small track table with three features, a popularity and an id.
Table MakeTracks(int64_t rows) {
  std::vector<double> energy, tempo, popularity;
  std::vector<std::optional<int64_t>> key;
  std::vector<std::optional<std::string>> ids;
  for (int64_t row = 0; row < rows; ++row) {
    CounterRng rng(7, 0, static_cast<uint64_t>(row));
    double e = rng.Uniform();
    energy.push_back(e);
    tempo.push_back(100 + 40 * rng.Uniform());
    key.push_back(static_cast<int64_t>(rng.Below(12)));
    popularity.push_back(std::floor(100 * (0.6 * e + 0.4 * rng.Uniform())));
    ids.push_back("t" + std::to_string(row));
  }
  return Table({"track_id", "energy", "tempo", "key", "popularity"},
               std::vector<Column>{MakeStringColumn(ids), DenseFloat64Column(energy),
                                   DenseFloat64Column(tempo), MakeInt64Column(key),
                                   DenseFloat64Column(popularity)});
}

TrainedModel Train(const Table& table, const std::string& model, TargetKind target) {
  DatasetOptions options;
  options.target = target;
  Dataset data = BuildDataset(table, options);
  PipelineSpec spec;
  spec.Set("model", model);
  spec.Set("one_hot", "key");
  return MakeTrainedModel(FitFinal(data, spec), data, table, data.Summary());
}

TEST(ModelFileTest, RoundTripGivesTheSamePredictions) {
  Table tracks = MakeTracks(300);
  for (auto [model, target] :
       {std::pair{"knn", TargetKind::kClass}, std::pair{"logreg", TargetKind::kClass},
        std::pair{"ridge", TargetKind::kPopularity}, std::pair{"knn", TargetKind::kPopularity}}) {
    TrainedModel trained = Train(tracks, model, target);
    testing::TempDir dir;
    SaveModel(trained, dir.File("model.hsm"));
    EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{"model.hsm"});
    TrainedModel loaded = LoadModel(dir.File("model.hsm"));
    EXPECT_EQ(loaded.roles.features, (std::vector<std::string>{"energy", "key", "tempo"}));
    EXPECT_EQ(loaded.pipeline.spec().ToParams(), trained.pipeline.spec().ToParams());
    TablePredictions before = PredictTable(trained, tracks);
    TablePredictions after = PredictTable(loaded, tracks);
    EXPECT_EQ(before.classes, after.classes) << model;
    EXPECT_EQ(before.popularity, after.popularity) << model;
    Table out = PredictionsTable(loaded, tracks, after);
    EXPECT_EQ(out.names()[0], "track_id");
    EXPECT_EQ(out.num_rows(), 300);
  }
}

TEST(ModelFileTest, RefusesDamagedFiles) {
  Table tracks = MakeTracks(100);
  std::string bytes = EncodeModel(Train(tracks, "logreg", TargetKind::kClass));
  // Every single flipped byte in the payload is caught by the checksum.
  for (size_t at : {size_t{30}, bytes.size() / 2, bytes.size() - 10}) {
    std::string corrupt = bytes;
    corrupt[at] ^= 0x20;
    testing::ExpectError([&] { DecodeModel(corrupt, "m.hsm"); }, ErrorKind::kInvalidInput,
                         {"'m.hsm' is corrupt", "checksum"});
  }
  testing::ExpectError([&] { DecodeModel(bytes.substr(0, bytes.size() - 7), "m.hsm"); },
                       ErrorKind::kInvalidInput, {"truncated"});
  testing::ExpectError([&] { DecodeModel(bytes.substr(0, 12), "m.hsm"); }, ErrorKind::kInvalidInput,
                       {"truncated"});
  testing::ExpectError([&] { DecodeModel("a,b\n1,2\n", "data.csv"); }, ErrorKind::kInvalidInput,
                       {"'data.csv' is not a hitscope model file"});
  std::string newer = bytes;
  newer[8] = 2;  // the format version (u32 after the magic)
  testing::ExpectError([&] { DecodeModel(newer, "m.hsm"); }, ErrorKind::kInvalidInput,
                       {"model format version 2", "reads version 1", "Retrain"});
  // A payload that passes the checksum but lies about its content.
  std::string payload = bytes.substr(20, bytes.size() - 24);
  payload.resize(payload.size() - 5);
  model_file::ByteWriter header;
  header.U32(kModelFormatVersion);
  header.U64(payload.size());
  model_file::ByteWriter trailer;
  trailer.U32(model_file::Crc32(payload));
  std::string forged = "HITSCOPE" + header.bytes() + payload + trailer.bytes();
  testing::ExpectError([&] { DecodeModel(forged, "m.hsm"); }, ErrorKind::kInvalidInput,
                       {"'m.hsm' is damaged"});
  testing::TempDir dir;
  testing::ExpectError([&] { LoadModel(dir.File("none.hsm")); }, ErrorKind::kIo, {"none.hsm"});
}

TEST(ModelFileTest, RefusesTablesWithoutTheSchema) {
  Table tracks = MakeTracks(100);
  TrainedModel trained = Train(tracks, "knn", TargetKind::kClass);
  testing::ExpectError([&] { PredictTable(trained, tracks.DropColumn("tempo")); },
                       ErrorKind::kInvalidInput, {"lacks a feature column", "'tempo'"});
  testing::ExpectError([&] { PredictTable(trained, tracks.RenameColumn("tempo", "tempo_bpm")); },
                       ErrorKind::kInvalidInput, {"'tempo'", "did you mean 'tempo_bpm'"});
  Table text = tracks.SetColumn("energy", MakeStringColumn(std::vector<std::optional<std::string>>(
                                              100, std::string("high"))));
  testing::ExpectError([&] { PredictTable(trained, text); }, ErrorKind::kInvalidInput,
                       {"'energy' holds string values", "trained on float64"});
  // Extra columns are ignored; a missing value leaves that row without a prediction.
  std::vector<std::optional<double>> tempo(100, 120.0);
  tempo[3] = std::nullopt;
  Table holes = tracks.SetColumn("tempo", MakeFloat64Column(tempo))
                    .SetColumn("extra", DenseFloat64Column(std::vector<double>(100, 1.0)));
  TablePredictions predictions = PredictTable(trained, holes);
  EXPECT_EQ(predictions.skipped_missing, 1);
  EXPECT_EQ(predictions.rows.size(), 99u);
  Table out = PredictionsTable(trained, holes, predictions);
  EXPECT_TRUE(out.column("predicted_class").IsNull(3));
  EXPECT_FALSE(out.column("predicted_class").IsNull(4));
}

TEST(ByteIoTest, Crc32KnownAnswer) {
  EXPECT_EQ(model_file::Crc32("123456789"), 0xcbf43926u);  // the standard check value
  EXPECT_EQ(model_file::Crc32(""), 0u);
}

}  // namespace
}  // namespace hitscope
