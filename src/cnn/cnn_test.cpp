// The CNN on a tiny synthetic set with a known answer (noise is "low", pure tones "medium",
// click trains "high"), the protocol (grouped split, nothing fitted on test rows), the model
// file (round trip, damage), data loading and errors.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <random>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/cnn.hpp>
#include <hitscope/runtime.hpp>

#include "audio/audio_fixtures.hpp"
#include "cnn/cnn_internal.hpp"
#include "testing/fixtures.hpp"

// Under LeakSanitizer (the asan-ubsan preset) the leak check at exit crashes in LSan's own
// stop-the-world tracer ("Tracer caught signal 11") while scanning the thread-local storage of
// LibTorch's OpenMP workers, whichever optimiser trained the network. Without the TLS scan it
// runs, and reports only memory that glib (loaded by LibTorch), libgomp's thread teams and glibc's
// TLS resizing keep for the process's life: those are suppressed, everything else is checked.
extern "C" const char* __lsan_default_options() {
  return "use_tls=0";
}
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libglib-2.0.so\nleak:libgomp.so\nleak:_dl_resize_dtv\nleak:add_to_global_resize\n";
}

namespace hitscope {
namespace {

using testing::ExpectError;

constexpr int kBands = 32, kFrames = 24;

// These networks are tiny: on one thread they train faster than OpenMP can fork and join.
// (SaveLoadRoundTrip runs on two threads, so that path is covered too.)
class CnnTestEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { SetThreadCount(1); }
};
const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new CnnTestEnvironment);

SpectrogramJobOptions OneSecond() {
  SpectrogramJobOptions options;
  options.load.duration_seconds = 1.0;
  options.progress_label.clear();
  return options;
}

// Rows of every kind; popularity 10 (low), 45 (medium), 80 (high); ten artists.
CnnDataset ToyData(int per_class, int bands = kBands, int frames = kFrames) {
  CnnDataset data;
  data.bands = bands;
  data.frames = frames;
  data.spectrogram = OneSecond();
  const double popularity[3] = {10, 45, 80};
  for (int i = 0; i < per_class; ++i) {
    for (int kind = 0; kind < 3; ++kind) {
      Spectrogram s = MelSpectrogram(testing::ToySound(kind, i));
      PowerToDb(s);
      const Spectrogram small = ResizeSpectrogram(s, bands, frames);
      data.values.insert(data.values.end(), small.values.begin(), small.values.end());
      data.track_ids.push_back(fmt::format("k{}_{}", kind, i));
      data.artists.push_back(fmt::format("artist{}", (i * 3 + kind) % 10));
      data.popularity.push_back(popularity[kind]);
    }
  }
  return data;
}

CnnOptions SmallOptions() {
  CnnOptions options;
  options.input_bands = kBands;
  options.input_frames = kFrames;
  options.epochs = 12;
  options.batch_size = 16;
  options.test_fraction = 0.3;
  options.seed = 3;
  return options;
}

TEST(CnnTest, LearnsNoiseTonesAndClicksNearPerfectlyAndLossFalls) {
  if (!CnnBackendAvailable()) GTEST_SKIP() << "built without LibTorch";
  const CnnDataset data = ToyData(30);
  CnnTrainReport report;
  const CnnModel model = CnnModel::Train(data, SmallOptions(), &report);
  ASSERT_EQ(report.epochs.size(), 12u);
  EXPECT_LT(report.epochs.back().train_loss, 0.5 * report.epochs.front().train_loss);
  ASSERT_TRUE(report.test.has_value());
  EXPECT_GE(report.test->accuracy, 0.95) << report.Summary();
  EXPECT_GE(report.test->macro_f1, 0.95);
  EXPECT_EQ(report.train_rows + report.test_rows, 90);
  EXPECT_EQ(report.grouped_by, "artist");
  EXPECT_NE(report.backend.find("LibTorch 1.13"), std::string::npos) << report.backend;
  EXPECT_NE(report.Summary().find("balanced accuracy"), std::string::npos);
  const auto json = nlohmann::json::parse(report.ToJson());
  EXPECT_EQ(json["test"]["labels"][2], "high");
  EXPECT_EQ(json["epochs"].size(), 12u);
  // The model, not chance: a negative control with shuffled labels does not reach it.
  CnnDataset shuffled = data;
  std::mt19937 random(5);
  std::shuffle(shuffled.popularity.begin(), shuffled.popularity.end(), random);
  CnnTrainReport control;
  CnnModel::Train(shuffled, SmallOptions(), &control);
  EXPECT_LT(control.test->accuracy, 0.8) << control.Summary();
}

// On the CPU the network trains with a fused Adam step (torch_network.cpp); it must follow
// LibTorch's torch::optim::Adam: the same initial weights and dropout masks (same seed), so the
// trained networks may differ only by float rounding.
TEST(CnnTest, FusedAdamTrainsLikeLibTorchAdam) {
  if (!CnnBackendAvailable()) GTEST_SKIP() << "built without LibTorch";
  const CnnDataset data = ToyData(8);
  CnnOptions options = SmallOptions();
  options.epochs = 4;
  CnnTrainReport fused_report, torch_report;
  const CnnModel fused = CnnModel::Train(data, options, &fused_report);
  ASSERT_EQ(setenv("HITSCOPE_CNN_ADAM", "torch", 1), 0);
  const CnnModel reference = CnnModel::Train(data, options, &torch_report);
  unsetenv("HITSCOPE_CNN_ADAM");
  const Matrix a = fused.PredictProba(data), b = reference.PredictProba(data);
  double largest = 0;
  for (int64_t i = 0; i < a.rows(); ++i) {
    for (int64_t c = 0; c < a.cols(); ++c)
      largest = std::max(largest, std::fabs(a(i, c) - b(i, c)));
  }
  EXPECT_LT(largest, 1e-4);
  for (size_t e = 0; e < fused_report.epochs.size(); ++e) {
    EXPECT_NEAR(fused_report.epochs[e].train_loss, torch_report.epochs[e].train_loss, 1e-4) << e;
  }
  // The weights moved: a network that had not trained would pass the comparison trivially.
  EXPECT_LT(fused_report.epochs.back().train_loss, 0.8 * fused_report.epochs.front().train_loss);
}

TEST(CnnTest, SaveLoadRoundTripGivesIdenticalPredictions) {
  if (!CnnBackendAvailable()) GTEST_SKIP() << "built without LibTorch";
  testing::TempDir dir;
  const CnnDataset data = ToyData(6);
  CnnOptions options = SmallOptions();
  options.epochs = 2;
  SetThreadCount(2);
  const CnnModel model = CnnModel::Train(data, options);
  model.Save(dir.File("m.hscnn"));
  const CnnModel back = CnnModel::Load(dir.File("m.hscnn"));
  SetThreadCount(1);
  const Matrix a = model.PredictProba(data), b = back.PredictProba(data);
  ASSERT_EQ(a.rows(), 18);
  ASSERT_EQ(a.cols(), 3);
  for (int64_t i = 0; i < a.rows(); ++i) {
    double total = 0;
    for (int64_t c = 0; c < 3; ++c) {
      EXPECT_EQ(a(i, c), b(i, c)) << i;
      total += a(i, c);
    }
    EXPECT_NEAR(total, 1.0, 1e-5);
  }
  EXPECT_EQ(back.input_mean(), model.input_mean());
  EXPECT_EQ(back.options().input_frames, kFrames);
  EXPECT_EQ(back.spectrogram().load.duration_seconds, 1.0);
  const auto description = nlohmann::json::parse(back.DescriptionJson());
  EXPECT_EQ(description["spectrogram"]["mel"]["n_mels"], 128);
  EXPECT_EQ(description["options"]["input"]["bands"], kBands);
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{"m.hscnn"});
  back.Save(dir.File("again.hscnn"));  // the description, report included, survives a round trip
  EXPECT_EQ(testing::ReadText(dir.File("again.hscnn")), testing::ReadText(dir.File("m.hscnn")));
}

TEST(CnnTest, PredictsAudioFilesEndToEnd) {
  if (!CnnBackendAvailable()) GTEST_SKIP() << "built without LibTorch";
  testing::TempDir dir;
  const CnnModel model = CnnModel::Train(ToyData(30), SmallOptions());
  testing::WriteAudio(dir.File("tone.wav"), testing::ToySound(1, 77), 1, 22050,
                      testing::AudioFormat::kWav16);
  testing::WriteAudio(dir.File("noise.flac"), testing::ToySound(0, 77), 1, 22050,
                      testing::AudioFormat::kFlac);
  const std::vector<double> tone = model.PredictAudioFile(dir.File("tone.wav"));
  const std::vector<double> noise = model.PredictAudioFile(dir.File("noise.flac"));
  ASSERT_EQ(tone.size(), 3u);
  EXPECT_EQ(std::max_element(tone.begin(), tone.end()) - tone.begin(), 1);
  EXPECT_EQ(std::max_element(noise.begin(), noise.end()) - noise.begin(), 0);
  ExpectError([&] { model.PredictAudioFile(dir.File("none.wav")); }, ErrorKind::kIo, {"missing:"});
}

TEST(CnnTest, TestRowsNeverInfluenceTheFit) {
  // The split comes first: changing the held-out rows' spectrograms changes nothing fitted.
  if (!CnnBackendAvailable()) GTEST_SKIP() << "built without LibTorch";
  CnnDataset data = ToyData(6);
  CnnOptions options = SmallOptions();
  options.epochs = 2;
  CnnTrainReport first;
  const CnnModel a = CnnModel::Train(data, options, &first);
  const auto groups = cnn::RowGroups(data, nullptr);
  std::vector<int64_t> all(data.rows());
  std::iota(all.begin(), all.end(), 0);
  const cnn::Split split = cnn::GroupShuffleSplit(groups, all, options.test_fraction, options.seed);
  ASSERT_EQ(static_cast<int64_t>(split.test.size()), first.test_rows);
  CnnDataset changed = data;
  const int64_t row_size = kBands * kFrames;
  for (int64_t row : split.test) {
    for (int64_t i = 0; i < row_size; ++i) changed.values[row * row_size + i] += 100.0f;
  }
  const CnnModel b = CnnModel::Train(changed, options);
  EXPECT_EQ(a.input_mean(), b.input_mean());
  EXPECT_EQ(a.input_std(), b.input_std());
  const Matrix pa = a.PredictProba(data), pb = b.PredictProba(data);
  for (size_t i = 0; i < pa.data().size(); ++i) ASSERT_EQ(pa.data()[i], pb.data()[i]) << i;
  // Negative control: changing a training row does change the fit.
  changed = data;
  changed.values[split.train[0] * row_size] += 100.0f;
  EXPECT_NE(CnnModel::Train(changed, options).input_mean(), a.input_mean());
}

TEST(CnnTest, GroupedSplitKeepsEveryArtistOnOneSide) {
  const CnnDataset data = ToyData(10);
  std::string grouped_by;
  const auto groups = cnn::RowGroups(data, &grouped_by);
  EXPECT_EQ(grouped_by, "artist");
  std::vector<int64_t> all(data.rows());
  std::iota(all.begin(), all.end(), 0);
  const cnn::Split split = cnn::GroupShuffleSplit(groups, all, 0.25, 9);
  std::set<std::string> train, test;
  for (int64_t row : split.train) train.insert(data.artists[row]);
  for (int64_t row : split.test) test.insert(data.artists[row]);
  EXPECT_EQ(test.size(), 3u);  // ceil(0.25 * 10 artists)
  for (const auto& artist : test) EXPECT_EQ(train.count(artist), 0u) << artist;
  EXPECT_EQ(split.train.size() + split.test.size(), 30u);
  CnnDataset anonymous = data;
  for (auto& artist : anonymous.artists) artist.clear();
  cnn::RowGroups(anonymous, &grouped_by);
  EXPECT_EQ(grouped_by, "track");
  const std::vector<int64_t> five = {0, 1, 2, 3, 4};
  ExpectError([&] { cnn::GroupShuffleSplit(std::vector<std::string>(5, "same"), five, 0.2, 1); },
              ErrorKind::kInvalidInput, {"at least 2 groups"});
}

TEST(CnnTest, EarlyStoppingKeepsTheBestValidationEpoch) {
  if (!CnnBackendAvailable()) GTEST_SKIP() << "built without LibTorch";
  CnnDataset data = ToyData(12);
  for (size_t i = 0; i < data.popularity.size(); ++i) data.popularity[i] = (i * 37 % 3) * 35.0;
  CnnOptions options = SmallOptions();
  options.epochs = 40;
  options.learning_rate = 0.01;
  options.validation_fraction = 0.3;
  options.patience = 2;
  options.class_weights = true;
  CnnTrainReport report;
  CnnModel::Train(data, options, &report);
  EXPECT_TRUE(report.stopped_early);
  EXPECT_LT(report.epochs.size(), 40u);
  EXPECT_GT(report.validation_rows, 0);
  double best = 1e300;
  int best_epoch = 0;
  for (const CnnEpoch& e : report.epochs) {
    if (e.validation_loss < best) best = e.validation_loss, best_epoch = e.epoch;
  }
  EXPECT_EQ(report.best_epoch, best_epoch);
  ASSERT_EQ(report.class_weights.size(), 3u);
  double weighted = 0;
  for (int c = 0; c < 3; ++c) weighted += report.class_weights[c] * report.train_class_counts[c];
  EXPECT_NEAR(weighted, static_cast<double>(report.train_rows), 1e-9);  // "balanced"
}

TEST(CnnTest, ModelFileErrorsSayWhatIsWrong) {
  if (!CnnBackendAvailable()) GTEST_SKIP() << "built without LibTorch";
  testing::TempDir dir;
  CnnOptions options = SmallOptions();
  options.epochs = 1;
  CnnModel::Train(ToyData(4), options).Save(dir.File("m.hscnn"));
  const std::string bytes = testing::ReadText(dir.File("m.hscnn"));
  ExpectError([&] { CnnModel::Load(dir.File("none.hscnn")); }, ErrorKind::kIo, {"none.hscnn"});
  testing::WriteText(dir.File("text.hscnn"), "a model, honestly");
  ExpectError([&] { CnnModel::Load(dir.File("text.hscnn")); }, ErrorKind::kInvalidInput,
              {"text.hscnn", "not a hitscope CNN model"});
  testing::WriteText(dir.File("cut.hscnn"), bytes.substr(0, bytes.size() / 2));
  ExpectError([&] { CnnModel::Load(dir.File("cut.hscnn")); }, ErrorKind::kInvalidInput,
              {"cut.hscnn", "truncated"});
  std::string damaged = bytes;
  damaged[damaged.size() - 100] ^= 0x40;
  testing::WriteText(dir.File("bad.hscnn"), damaged);
  ExpectError([&] { CnnModel::Load(dir.File("bad.hscnn")); }, ErrorKind::kInvalidInput,
              {"bad.hscnn", "checksum"});
  std::string future = bytes;
  future[7] = 9;
  testing::WriteText(dir.File("v9.hscnn"), future);
  ExpectError([&] { CnnModel::Load(dir.File("v9.hscnn")); }, ErrorKind::kInvalidInput,
              {"format version 9"});
}

TEST(CnnTest, OptionsAndDataErrors) {
  const CnnDataset data = ToyData(2);
  auto train = [&](CnnOptions options, const CnnDataset& d) { CnnModel::Train(d, options); };
  CnnOptions options = SmallOptions();
  options.epochs = 0;
  ExpectError([&] { train(options, data); }, ErrorKind::kInvalidArgument, {"epochs must be >= 1"});
  options = SmallOptions();
  options.class_labels = {"a", "b"};
  ExpectError([&] { train(options, data); }, ErrorKind::kInvalidArgument,
              {"2 class edges need 3 labels"});
  options = SmallOptions();
  options.input_bands = options.input_frames = 3;
  ExpectError([&] { train(options, ToyData(2, 3, 3)); }, ErrorKind::kInvalidArgument,
              {"too small", "--input-size"});
  options = SmallOptions();
  options.test_fraction = 1.0;
  ExpectError([&] { train(options, data); }, ErrorKind::kInvalidArgument, {"test fraction"});
  options = SmallOptions();
  options.input_frames = 30;
  ExpectError([&] { train(options, data); }, ErrorKind::kInvalidInput, {"32 x 24", "32 x 30"});
  CnnDataset one = ToyData(1);
  one.track_ids.resize(1);
  one.artists.resize(1);
  one.popularity.resize(1);
  one.values.resize(kBands * kFrames);
  ExpectError([&] { train(SmallOptions(), one); }, ErrorKind::kInvalidInput, {"at least 2"});
  CnnDataset unlabelled = data;
  unlabelled.popularity[1] = std::nan("");
  ExpectError([&] { train(SmallOptions(), unlabelled); }, ErrorKind::kInvalidInput,
              {"row 2 has no popularity"});
}

TEST(CnnDataTest, ResizeAveragesLikeAdaptivePooling) {
  const Spectrogram s{2, 4, {1, 2, 3, 4, 5, 6, 7, 8}};
  const Spectrogram half = ResizeSpectrogram(s, 1, 2);
  EXPECT_EQ(half.values, (std::vector<float>{(1 + 2 + 5 + 6) / 4.0f, (3 + 4 + 7 + 8) / 4.0f}));
  const Spectrogram three{1, 3, {0, 3, 9}};  // 3 -> 2: cells [0, 2) and [1, 3) overlap
  EXPECT_EQ(ResizeSpectrogram(three, 1, 2).values, (std::vector<float>{1.5f, 6.0f}));
  EXPECT_EQ(ResizeSpectrogram(three, 1, 6).values, (std::vector<float>{0, 0, 3, 3, 9, 9}));
  EXPECT_EQ(ResizeSpectrogram(s, 2, 4).values, s.values);
  ExpectError([&] { ResizeSpectrogram(s, 0, 2); }, ErrorKind::kInvalidArgument, {"resize"});
}

TEST(CnnDataTest, PopularityClassesKeepZeroLow) {
  EXPECT_EQ(PopularityClasses({0, 29.9, 30, 59, 60, 100}, {30, 60}),
            (std::vector<int32_t>{0, 0, 1, 1, 2, 2}));
  ExpectError([] { PopularityClasses({1}, {60, 30}); }, ErrorKind::kInvalidArgument, {"increase"});
}

TEST(CnnDataTest, LoadsSpectrogramFoldersAndManifestsSkippingBadRows) {
  testing::TempDir dir;
  testing::WriteAudio(dir.File("a.wav"), testing::ToySound(0, 1), 1, 22050,
                      testing::AudioFormat::kWav16);
  testing::WriteAudio(dir.File("b.wav"), testing::ToySound(1, 1), 1, 22050,
                      testing::AudioFormat::kWav16);
  testing::WriteAudio(dir.File("c.wav"), testing::ToySound(2, 1), 1, 22050,
                      testing::AudioFormat::kWav16);
  testing::WriteText(dir.File("m.csv"),
                     "file,track_id,popularity,artist\na.wav,a,10,X\nb.wav,b,50,Y\n"
                     "c.wav,c,,Z\ngone.wav,d,70,W\n");
  const CnnDataset direct = LoadCnnDataset(dir.File("m.csv"), 16, 8, true, OneSecond());
  EXPECT_EQ(direct.track_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(direct.values.size(), 2u * 16 * 8);
  ASSERT_EQ(direct.skipped.size(), 2u);
  EXPECT_EQ(direct.skipped[0], "c: no popularity");
  EXPECT_NE(direct.skipped[1].find("d: missing:"), std::string::npos);

  RunSpectrogramJob(ReadAudioManifest(dir.File("m.csv")), dir.File("spec"), OneSecond());
  const CnnDataset folder = LoadCnnDataset(dir.File("spec"), 16, 8, true);
  EXPECT_EQ(folder.track_ids, direct.track_ids);
  EXPECT_EQ(folder.values, direct.values);
  EXPECT_EQ(folder.artists, (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(folder.spectrogram.load.duration_seconds, 1.0);
  const CnnDataset index = LoadCnnDataset(dir.File("spec/index.csv"), 16, 8, false);
  EXPECT_EQ(index.rows(), 3);  // c has no popularity but is usable for prediction

  ExpectError([&] { LoadCnnDataset(dir.path(), 16, 8, true); }, ErrorKind::kInvalidInput,
              {"no index.csv"});
  ExpectError([&] { LoadCnnDataset(dir.File("nothing"), 16, 8, true); }, ErrorKind::kIo,
              {"does not exist"});
  testing::WriteText(dir.File("bad.csv"), "file,popularity\ngone.wav,3\n");
  ExpectError([&] { LoadCnnDataset(dir.File("bad.csv"), 16, 8, true, OneSecond()); },
              ErrorKind::kInvalidInput, {"no usable spectrogram", "gone: missing:"});
  std::filesystem::remove(dir.File("spec/spectrogram.json"));
  ExpectError([&] { LoadCnnDataset(dir.File("spec"), 16, 8, true); }, ErrorKind::kInvalidInput,
              {"no spectrogram.json"});
}

}  // namespace
}  // namespace hitscope
