// RunSpectrogramJob: good files processed, bad files recorded with their reason, the index and
// spec written, nothing half-written, the same bytes whatever the thread count; manifests.
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/audio.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/runtime.hpp>

#include "audio/audio_fixtures.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::AudioFormat;
using testing::ExpectError;

SpectrogramJobOptions ShortJob() {
  SpectrogramJobOptions options;
  options.load.duration_seconds = 1.0;
  options.progress_label.clear();
  return options;
}

// A folder with two good files and one of each kind of bad one.
void MakeMixedFolder(const testing::TempDir& dir) {
  testing::WriteAudio(dir.File("tone.wav"), testing::Tone(440, 22050), 1, 22050,
                      AudioFormat::kWav16);
  testing::WriteAudio(dir.File("noise.flac"), testing::Noise(44100, 3, 0.2), 1, 44100,
                      AudioFormat::kFlac);
  testing::WriteAudio(dir.File("silent.wav"), std::vector<float>(22050, 0.0f), 1, 22050,
                      AudioFormat::kWav16);
  testing::WriteText(dir.File("broken.mp3"), std::string(70000, '\x11'));
  testing::WriteText(dir.File("empty.ogg"), "");
  testing::WriteText(dir.File("readme.txt"), "not audio\n");
}

TEST(AudioSourcesTest, FolderListingSkipsNonAudioAndNamesByStem) {
  testing::TempDir dir;
  MakeMixedFolder(dir);
  testing::WriteText(dir.File("tone.mp3"), "x");  // same stem as tone.wav
  std::vector<std::string> skipped;
  const auto sources = ListAudioFolder(dir.path(), &skipped);
  std::vector<std::string> ids;
  for (const auto& s : sources) ids.push_back(s.track_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"broken", "empty", "noise", "silent", "tone.mp3",
                                           "tone.wav"}));
  EXPECT_EQ(skipped, std::vector<std::string>{"readme.txt"});
  ExpectError([&] { ListAudioFolder(dir.File("tone.wav")); }, ErrorKind::kIo, {"not a folder"});
}

TEST(AudioSourcesTest, ManifestPathsIdsPopularityAndErrors) {
  testing::TempDir dir;
  testing::WriteText(dir.File("m.csv"),
                     "file,track_id,popularity,artist\n"
                     "tone.wav,007,55,Ann\n"
                     "/abs/x.mp3,b,0,\n"
                     "sub/y.flac,,,Bo\n");
  const auto sources = ReadAudioManifest(dir.File("m.csv"));
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0].path, dir.File("tone.wav"));
  EXPECT_EQ(sources[0].track_id, "007");
  EXPECT_EQ(sources[0].popularity, 55.0);
  EXPECT_EQ(sources[0].artist, "Ann");
  EXPECT_EQ(sources[1].path, "/abs/x.mp3");
  EXPECT_EQ(sources[1].popularity, 0.0);
  EXPECT_EQ(sources[2].track_id, "y");
  EXPECT_FALSE(sources[2].popularity.has_value());
  EXPECT_EQ(sources[2].manifest_row, 3);

  testing::WriteText(dir.File("nofile.csv"), "track,popularity\na,1\n");
  ExpectError([&] { ReadAudioManifest(dir.File("nofile.csv")); }, ErrorKind::kInvalidInput,
              {"nofile.csv", "no 'file' column", "'track', 'popularity'"});
  testing::WriteText(dir.File("dup.csv"), "file,track_id\na.wav,x\nb.wav,x\n");
  ExpectError([&] { ReadAudioManifest(dir.File("dup.csv")); }, ErrorKind::kInvalidInput,
              {"row 2", "'x' already appears on row 1"});
  testing::WriteText(dir.File("pop.csv"), "file,popularity\na.wav,high\n");
  ExpectError([&] { ReadAudioManifest(dir.File("pop.csv")); }, ErrorKind::kInvalidInput,
              {"row 1", "'high' is not a number from 0 to 100"});
  testing::WriteText(dir.File("pop2.csv"), "file,popularity\na.wav,101\n");
  ExpectError([&] { ReadAudioManifest(dir.File("pop2.csv")); }, ErrorKind::kInvalidInput,
              {"'101'"});
  testing::WriteText(dir.File("blank.csv"), "file,popularity\n,3\n");
  ExpectError([&] { ReadAudioManifest(dir.File("blank.csv")); }, ErrorKind::kInvalidInput,
              {"row 1", "empty"});
}

TEST(SpectrogramJobTest, BadFilesAreRecordedAndTheRestProcessed) {
  testing::TempDir in, out;
  MakeMixedFolder(in);
  auto sources = ListAudioFolder(in.path());
  AudioSource missing;
  missing.path = in.File("gone.wav");
  missing.track_id = "gone";
  sources.push_back(missing);
  const SpectrogramJobReport report = RunSpectrogramJob(sources, out.path(), ShortJob());
  EXPECT_EQ(report.ok, 2);
  EXPECT_EQ(report.failed, 4);
  std::map<std::string, std::string> errors;
  for (const auto& o : report.outcomes) errors[o.source.track_id] = o.error;
  EXPECT_EQ(errors["tone"], "");
  EXPECT_EQ(errors["noise"], "");
  EXPECT_EQ(errors["silent"].rfind("silent:", 0), 0u) << errors["silent"];
  EXPECT_EQ(errors["broken"].rfind("corrupt:", 0), 0u) << errors["broken"];
  EXPECT_EQ(errors["empty"].rfind("empty:", 0), 0u) << errors["empty"];
  EXPECT_EQ(errors["gone"].rfind("missing:", 0), 0u) << errors["gone"];
  EXPECT_EQ(testing::ListDir(out.path()),
            (std::vector<std::string>{"index.csv", "noise.npy", "noise.png", "spectrogram.json",
                                      "tone.npy", "tone.png"}));
  const Table index = ReadCsv(report.index_path);
  ASSERT_EQ(index.num_rows(), 6);
  EXPECT_EQ(index.column("track_id").StringAt(5), "gone");
  EXPECT_EQ(index.column("status").StringAt(5), "error");
  EXPECT_EQ(index.column("status").StringAt(2), "ok");
  EXPECT_EQ(index.column("frames").ints()[2], 44);
  EXPECT_EQ(index.column("bands").ints()[2], 128);
  EXPECT_TRUE(index.column("frames").IsNull(5));
  const std::string summary = report.Summary();
  EXPECT_NE(summary.find("wrote 2 spectrograms of 128 x 44"), std::string::npos) << summary;
  EXPECT_NE(summary.find("4 of 6 files failed"), std::string::npos) << summary;
  EXPECT_NE(summary.find("failures by kind: corrupt 1, empty 1, missing 1, silent 1"),
            std::string::npos)
      << summary;
  const auto spec = nlohmann::json::parse(testing::ReadText(out.File("spectrogram.json")));
  EXPECT_EQ(spec["mel"]["n_mels"], 128);
  EXPECT_EQ(spec["tracks"]["ok"], 2);
  // The tensor is what ComputeDbSpectrogram gives.
  const Spectrogram tone = ReadNpySpectrogram(out.File("tone.npy"));
  EXPECT_EQ(tone.values, ComputeDbSpectrogram(in.File("tone.wav"), ShortJob()).values);
}

TEST(SpectrogramJobTest, SameBytesWithOneOrTwoThreads) {
  testing::TempDir in, one, two;
  for (int i = 0; i < 5; ++i) {
    testing::WriteAudio(in.File(fmt::format("n{}.wav", i)), testing::Noise(30000, i + 1, 0.3), 1,
                        44100, AudioFormat::kWav16);
  }
  const auto sources = ListAudioFolder(in.path());
  SetThreadCount(1);
  RunSpectrogramJob(sources, one.path(), ShortJob());
  SetThreadCount(2);
  RunSpectrogramJob(sources, two.path(), ShortJob());
  SetThreadCount(0);
  for (const std::string& name : testing::ListDir(one.path())) {
    EXPECT_EQ(testing::ReadText(one.File(name)), testing::ReadText(two.File(name))) << name;
  }
}

TEST(SpectrogramJobTest, OutputsOptionsAndUsageErrors) {
  testing::TempDir in, out;
  testing::WriteAudio(in.File("a b?.wav"), testing::Tone(440, 22050), 1, 22050,
                      AudioFormat::kWav16);
  auto options = ShortJob();
  options.write_png = false;
  options.write_samples = true;
  options.png_range = PngMapping{-100, 20};
  const auto report = RunSpectrogramJob(ListAudioFolder(in.path()), out.path(), options);
  ASSERT_EQ(report.ok, 1);
  EXPECT_EQ(report.outcomes[0].npy, "a_b_.npy");  // a safe file name for any id
  EXPECT_EQ(report.outcomes[0].samples, "a_b_.samples.npy");
  EXPECT_TRUE(report.outcomes[0].png.empty());
  options.write_npy = options.write_samples = false;
  ExpectError([&] { RunSpectrogramJob(ListAudioFolder(in.path()), out.path(), options); },
              ErrorKind::kInvalidArgument, {"nothing to write"});
  options = ShortJob();
  options.mel.sample_rate = 16000;
  ExpectError([&] { RunSpectrogramJob(ListAudioFolder(in.path()), out.path(), options); },
              ErrorKind::kInvalidArgument, {"22050 Hz", "16000 Hz"});
  std::vector<AudioSource> twice = ListAudioFolder(in.path());
  twice.push_back(twice[0]);
  ExpectError([&] { RunSpectrogramJob(twice, out.path(), ShortJob()); }, ErrorKind::kInvalidInput,
              {"track id 'a b?'", "unique"});
  testing::WriteText(out.File("file"), "x");
  ExpectError([&] { RunSpectrogramJob(ListAudioFolder(in.path()), out.File("file"), ShortJob()); },
              ErrorKind::kIo, {"cannot create the output folder"});
}

TEST(SpectrogramJobTest, SpecJsonRoundTrip) {
  SpectrogramJobOptions options;
  options.db.reference = DbReference::kMaximum;
  options.db.top_db = 60;
  options.mel.n_mels = 64;
  options.load.duration_seconds = 10;
  const auto back = ParseSpectrogramSpecJson(SpectrogramSpecJson(options), "spec");
  EXPECT_EQ(back.db.reference, DbReference::kMaximum);
  EXPECT_EQ(back.db.top_db, 60);
  EXPECT_EQ(back.mel.n_mels, 64);
  EXPECT_EQ(back.load.duration_seconds, 10);
  ExpectError([] { ParseSpectrogramSpecJson("{\"format\": \"hitscope spectrograms\"}", "s.json"); },
              ErrorKind::kInvalidInput, {"s.json", "malformed"});
  ExpectError([] { ParseSpectrogramSpecJson("[1, 2]", "t.json"); }, ErrorKind::kInvalidInput,
              {"t.json"});
}

}  // namespace
}  // namespace hitscope
