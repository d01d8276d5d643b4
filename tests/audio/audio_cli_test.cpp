// `hitscope spectrogram` and `hitscope cnn` end to end: exit codes, messages, files on disk.
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <sys/wait.h>

#include <hitscope/csv.hpp>

#include "audio/audio_fixtures.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::AudioFormat;

using testing::CliRun;

CliRun Hitscope(const std::string& args, const testing::TempDir& dir) {
  return testing::RunCommand(std::string(HITSCOPE_CLI) + " " + args, dir);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(SpectrogramCliTest, HelpHasExamples) {
  testing::TempDir dir;
  const CliRun run = Hitscope("spectrogram --help", dir);
  EXPECT_EQ(run.code, 0);
  EXPECT_TRUE(Contains(run.out, "Examples:"));
  EXPECT_TRUE(Contains(run.out, "128 x 1292"));
  EXPECT_TRUE(Contains(Hitscope("--help", dir).out, "spectrogram"));
}

TEST(SpectrogramCliTest, MixedFolderWritesGoodFilesAndReportsBadOnes) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.File("in"));
  testing::WriteAudio(dir.File("in/tone.wav"), testing::Tone(440, 44100), 1, 22050,
                      AudioFormat::kWav16);
  testing::WriteText(dir.File("in/broken.mp3"), std::string(70000, '\x11'));
  testing::WriteText(dir.File("in/notes.txt"), "x");
  const CliRun run = Hitscope(
      "spectrogram " + dir.File("in") + " --out " + dir.File("out") + " --duration 2", dir);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.err, "wrote 1 spectrogram of 128 x 87")) << run.err;
  EXPECT_TRUE(Contains(run.err, "1 of 2 files failed")) << run.err;
  EXPECT_TRUE(Contains(run.err, "broken: corrupt:")) << run.err;
  EXPECT_TRUE(Contains(run.err, "skipped 1 file without an audio extension: notes.txt")) << run.err;
  EXPECT_TRUE(std::filesystem::exists(dir.File("out/tone.png")));
  EXPECT_TRUE(std::filesystem::exists(dir.File("out/tone.npy")));
  const Table index = ReadCsv(dir.File("out/index.csv"));
  EXPECT_EQ(index.num_rows(), 2);

  const CliRun strict = Hitscope(
      "spectrogram " + dir.File("in") + " --out " + dir.File("out2") + " --duration 2 --strict",
      dir);
  EXPECT_EQ(strict.code, 1);
  EXPECT_TRUE(Contains(strict.err, "--strict: some files failed")) << strict.err;

  std::filesystem::remove(dir.File("in/tone.wav"));
  const CliRun none = Hitscope("spectrogram " + dir.File("in") + " --out " + dir.File("out3"), dir);
  EXPECT_EQ(none.code, 1);
  EXPECT_TRUE(Contains(none.err, "no file could be used")) << none.err;
}

TEST(SpectrogramCliTest, ManifestSingleFileAndUsageErrors) {
  testing::TempDir dir;
  testing::WriteAudio(dir.File("a.flac"), testing::Noise(22050, 3, 0.3), 2, 11025,
                      AudioFormat::kFlac);
  testing::WriteText(dir.File("m.csv"),
                     "file,track_id,popularity,artist\na.flac,t1,40,X\ngone.mp3,t2,3,Y\n");
  const CliRun run = Hitscope("-q spectrogram " + dir.File("m.csv") + " --out " + dir.File("o") +
                                  " --format npy --ref max --duration 1",
                              dir);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(run.err.empty()) << run.err;
  const Table index = ReadCsv(dir.File("o/index.csv"));
  ASSERT_EQ(index.num_rows(), 2);
  EXPECT_EQ(index.column("status").StringAt(1), "error");
  EXPECT_TRUE(Contains(std::string(index.column("error").StringAt(1)), "missing:"));
  EXPECT_EQ(index.column("popularity").NumericAt(0), 40);
  EXPECT_FALSE(std::filesystem::exists(dir.File("o/t1.png")));

  const CliRun single = Hitscope(
      "spectrogram " + dir.File("a.flac") + " --out " + dir.File("s") + " --png-range=-80:0", dir);
  EXPECT_EQ(single.code, 0) << single.err;
  EXPECT_TRUE(std::filesystem::exists(dir.File("s/a.png")));

  EXPECT_EQ(Hitscope("spectrogram " + dir.File("a.flac"), dir).code, 2) << "--out is required";
  EXPECT_EQ(Hitscope("spectrogram x --out y --format gif", dir).code, 2);
  const CliRun range =
      Hitscope("spectrogram " + dir.File("a.flac") + " --out y --png-range=0:-80", dir);
  EXPECT_EQ(range.code, 2);
  EXPECT_TRUE(Contains(range.err, "LOW:HIGH")) << range.err;
  const CliRun ref = Hitscope("spectrogram " + dir.File("a.flac") + " --out y --ref loud", dir);
  EXPECT_EQ(ref.code, 2);
  EXPECT_TRUE(Contains(ref.err, "'loud' is neither a number nor 'max'")) << ref.err;
  const CliRun missing = Hitscope("spectrogram " + dir.File("nothing") + " --out y", dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(Contains(missing.err, "does not exist")) << missing.err;
}

TEST(SpectrogramCliTest, SharedClipsAllBecomeImages) {
  HITSCOPE_REQUIRE_SHARED_AUDIO();
  testing::TempDir dir;
  const CliRun run = Hitscope(
      "spectrogram " + testing::SharedAudioDir() + " --out " + dir.File("o") + " --format png",
      dir);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.err, "of 128 x 1292")) << run.err;
  int images = 0;
  for (const auto& name : testing::ListDir(dir.File("o"))) images += name.ends_with(".png");
  EXPECT_EQ(images, static_cast<int>(testing::SharedAudioFiles().size()));
}

std::string WriteToyManifest(const testing::TempDir& dir, int per_class) {
  std::string manifest = "file,track_id,popularity,artist\n";
  const int popularity[3] = {10, 45, 80};
  for (int i = 0; i < per_class; ++i) {
    for (int kind = 0; kind < 3; ++kind) {
      const std::string name = fmt::format("k{}_{}.wav", kind, i);
      testing::WriteAudio(dir.File(name), testing::ToySound(kind, i), 1, 22050,
                          AudioFormat::kWav16);
      manifest += fmt::format("{},k{}_{},{},artist{}\n", name, kind, i, popularity[kind],
                              (i * 3 + kind) % 10);
    }
  }
  testing::WriteText(dir.File("manifest.csv"), manifest);
  return dir.File("manifest.csv");
}

TEST(CnnCliTest, HelpListsSubcommandsWithExamples) {
  testing::TempDir dir;
  const CliRun run = Hitscope("cnn --help", dir);
  EXPECT_EQ(run.code, 0);
  for (const char* word : {"train", "evaluate", "predict", "Examples:"}) {
    EXPECT_TRUE(Contains(run.out, word)) << word;
  }
  for (const char* sub : {"train", "evaluate", "predict"}) {
    EXPECT_TRUE(Contains(Hitscope(std::string("cnn ") + sub + " --help", dir).out, "Examples:"))
        << sub;
  }
  EXPECT_EQ(Hitscope("cnn", dir).code, 2) << "a subcommand is required";
}

TEST(CnnCliTest, SpectrogramTrainPredictEvaluate) {
  testing::TempDir dir;
  const std::string manifest = WriteToyManifest(dir, 24);
  const std::string spec = dir.File("spec"), model = dir.File("m.hscnn");
  ASSERT_EQ(
      Hitscope("-q spectrogram " + manifest + " --out " + spec + " --format npy --duration 1", dir)
          .code,
      0);
  const CliRun train =
      Hitscope("--threads 1 cnn train " + spec + " --out " + model + " --report " +
                   dir.File("r.json") + " --input-size 32x24 --epochs 10 --batch 16 --seed 3",
               dir);
  ASSERT_EQ(train.code, 0) << train.err;
  EXPECT_TRUE(Contains(train.err, "split by artist")) << train.err;
  EXPECT_TRUE(Contains(train.err, "test (")) << train.err;
  EXPECT_TRUE(Contains(testing::ReadText(dir.File("r.json")), "\"balanced_accuracy\""));

  const CliRun one = Hitscope("--threads 1 cnn predict " + model + " " + dir.File("k1_5.wav"), dir);
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_TRUE(Contains(one.out, "track_id,predicted,p_low,p_medium,p_high")) << one.out;
  EXPECT_TRUE(Contains(one.out, "k1_5,medium,")) << one.out;

  const CliRun many = Hitscope(
      "-q --threads 1 cnn predict " + model + " " + spec + " --out " + dir.File("p.csv"), dir);
  ASSERT_EQ(many.code, 0) << many.err;
  EXPECT_EQ(ReadCsv(dir.File("p.csv")).num_rows(), 72);

  const CliRun evaluate = Hitscope("--threads 1 cnn evaluate " + model + " " + manifest, dir);
  ASSERT_EQ(evaluate.code, 0) << evaluate.err;
  EXPECT_TRUE(Contains(evaluate.out, "72 rows: accuracy")) << evaluate.out;
  EXPECT_TRUE(Contains(evaluate.out, "confusion matrix")) << evaluate.out;

  // Spectrograms made another way are refused, not scored.
  ASSERT_EQ(Hitscope("-q spectrogram " + manifest + " --out " + dir.File("spec64") +
                         " --format npy --duration 1 --mels 64",
                     dir)
                .code,
            0);
  const CliRun other = Hitscope("cnn predict " + model + " " + dir.File("spec64"), dir);
  EXPECT_EQ(other.code, 1);
  EXPECT_TRUE(Contains(other.err, "n_mels 64, the model's with 128")) << other.err;
}

TEST(CnnCliTest, ErrorsExitWithTheRightCode) {
  testing::TempDir dir;
  const std::string manifest = WriteToyManifest(dir, 2);
  const CliRun size =
      Hitscope("cnn train " + manifest + " --out " + dir.File("m") + " --input-size 12", dir);
  EXPECT_EQ(size.code, 2);
  EXPECT_TRUE(Contains(size.err, "BANDSxFRAMES")) << size.err;
  EXPECT_EQ(Hitscope("cnn train " + manifest + " --out x --device tpu", dir).code, 2);
  const CliRun missing = Hitscope("cnn predict " + dir.File("none.hscnn") + " x.wav", dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(Contains(missing.err, "none.hscnn")) << missing.err;
  testing::WriteText(dir.File("fake.hscnn"), "not a model");
  const CliRun fake = Hitscope("cnn predict " + dir.File("fake.hscnn") + " x.wav", dir);
  EXPECT_EQ(fake.code, 1);
  EXPECT_TRUE(Contains(fake.err, "not a hitscope CNN model")) << fake.err;
  testing::WriteText(dir.File("empty.csv"), "file,popularity\ngone.wav,10\n");
  const CliRun nothing =
      Hitscope("-q cnn train " + dir.File("empty.csv") + " --out " + dir.File("m2"), dir);
  EXPECT_EQ(nothing.code, 1);
  EXPECT_TRUE(Contains(nothing.err, "no usable spectrogram")) << nothing.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("m2")));
}

}  // namespace
}  // namespace hitscope
