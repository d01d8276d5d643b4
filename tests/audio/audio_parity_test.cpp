// Spectrograms of the real shared clips against the numpy reference of librosa 0.10
// (tests/parity/audio_mel_reference.py), computed from the same decoded, resampled samples
// (hitscope writes them with write_samples; the reference reads them). Needs the clips of
// ../shared/data/audio and Debian's /usr/bin/python3 with numpy; skips, saying which is
// missing, otherwise.
#include <cstdlib>

#include <nlohmann/json.hpp>

#include <hitscope/audio.hpp>

#include "audio/audio_fixtures.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

bool HaveNumpy() {
  return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

// Runs the reference's compare on a job's output folder; returns its JSON report.
nlohmann::json CompareWithReference(const std::string& folder, const testing::TempDir& dir) {
  const std::string out = dir.File("compare.json");
  const std::string command = "/usr/bin/python3 " +
                              testing::SourcePath("tests/parity/audio_mel_reference.py") +
                              " compare " + folder + " >" + out + " 2>" + dir.File("compare.err");
  const int status = std::system(command.c_str());
  EXPECT_NE(status, -1);
  const std::string text = testing::ReadText(out);
  if (text.empty()) {
    ADD_FAILURE() << "the reference printed nothing: "
                  << testing::ReadText(dir.File("compare.err"));
    return {};
  }
  return nlohmann::json::parse(text);
}

void ExpectParity(DbReference reference) {
  HITSCOPE_REQUIRE_SHARED_AUDIO();
  if (!HaveNumpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy is missing (scripts/bootstrap)";
  testing::TempDir dir;
  SpectrogramJobOptions options;
  options.write_png = false;
  options.write_samples = true;
  options.db.reference = reference;
  options.progress_label.clear();
  const auto sources = ListAudioFolder(testing::SharedAudioDir());
  const SpectrogramJobReport report = RunSpectrogramJob(sources, dir.File("out"), options);
  ASSERT_EQ(report.failed, 0) << report.Summary();
  const nlohmann::json result = CompareWithReference(dir.File("out"), dir);
  ASSERT_TRUE(result.contains("tracks"));
  ASSERT_EQ(result["tracks"].size(), sources.size());
  for (const auto& [track, entry] : result["tracks"].items()) {
    ASSERT_TRUE(entry.contains("max_abs_db_difference")) << track << ": " << entry.dump();
    const double difference = entry["max_abs_db_difference"];
    EXPECT_LT(difference, 0.01) << track;
    EXPECT_EQ(entry["frames"], 1292) << track;
    ::testing::Test::RecordProperty(track, std::to_string(difference));
  }
  EXPECT_LT(result["worst"].get<double>(), 0.01);
}

TEST(AudioParityTest, SharedClipsMatchLibrosaReferenceWithin0p01DbRefOne) {
  ExpectParity(DbReference::kValue);
}

TEST(AudioParityTest, SharedClipsMatchLibrosaReferenceWithin0p01DbRefMax) {
  ExpectParity(DbReference::kMaximum);
}

TEST(AudioParityTest, NegativeControlShiftedSamplesAreCaught) {
  // The comparison is sharp enough to notice samples that are off by one position.
  HITSCOPE_REQUIRE_SHARED_AUDIO();
  if (!HaveNumpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy is missing (scripts/bootstrap)";
  testing::TempDir dir;
  SpectrogramJobOptions options;
  options.write_png = false;
  options.write_samples = true;
  options.load.duration_seconds = 5;
  options.progress_label.clear();
  AudioSource source;
  source.path = testing::SharedAudioDir() + "/hyperrogue_hr3-desert_mono22k.wav";
  source.track_id = "desert";
  ASSERT_EQ(RunSpectrogramJob({source}, dir.File("out"), options).ok, 1);
  AudioClip clip = LoadAudio(source.path, options.load);
  clip.samples.insert(clip.samples.begin(), 0.0f);
  clip.samples.pop_back();
  WriteNpy(dir.File("out/desert.samples.npy"), clip.samples);
  const nlohmann::json result = CompareWithReference(dir.File("out"), dir);
  EXPECT_GT(result["worst"].get<double>(), 0.01);
}

}  // namespace
}  // namespace hitscope
