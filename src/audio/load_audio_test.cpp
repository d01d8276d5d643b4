// LoadAudio: decoding every format, mixing down, windows, resampling, and every way a file can
// be unusable, each with its message.
#include <cmath>
#include <filesystem>
#include <numeric>

#include <sndfile.h>
#include <soxr.h>

#include <hitscope/audio.hpp>

#include "audio/audio_fixtures.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::AudioFormat;
using testing::ExpectError;

double Rms(const std::vector<float>& x, size_t from = 0, size_t to = 0) {
  if (to == 0) to = x.size();
  double sum = 0;
  for (size_t i = from; i < to; ++i) sum += static_cast<double>(x[i]) * x[i];
  return std::sqrt(sum / static_cast<double>(to - from));
}

AudioLoadOptions Window(double seconds) {
  AudioLoadOptions options;
  options.duration_seconds = seconds;
  return options;
}

TEST(LoadAudioTest, FloatWavAtTargetRateComesBackExactly) {
  testing::TempDir dir;
  const auto tone = testing::Tone(440, 22050, 22050, 0.25);
  testing::WriteAudio(dir.File("a.wav"), tone, 1, 22050, AudioFormat::kWavFloat);
  const AudioClip clip = LoadAudio(dir.File("a.wav"), Window(1.0));
  ASSERT_EQ(clip.samples.size(), 22050u);
  EXPECT_EQ(clip.samples, tone);
  EXPECT_EQ(clip.format, "WAV");
  EXPECT_EQ(clip.source_sample_rate, 22050);
  EXPECT_EQ(clip.source_channels, 1);
  EXPECT_DOUBLE_EQ(clip.source_seconds, 1.0);
  EXPECT_DOUBLE_EQ(clip.decoded_seconds, 1.0);
  EXPECT_DOUBLE_EQ(clip.padded_seconds, 0.0);
  EXPECT_NEAR(clip.peak_dbfs, 20 * std::log10(0.25), 1e-3);
}

TEST(LoadAudioTest, StereoIsTheMeanOfTheChannels) {
  testing::TempDir dir;
  const auto left = testing::Tone(300, 22050, 22050, 0.5);
  const std::vector<float> right(22050, 0.1f);
  testing::WriteAudio(dir.File("s.wav"), testing::Interleave({left, right}), 2, 22050,
                      AudioFormat::kWavFloat);
  const AudioClip clip = LoadAudio(dir.File("s.wav"), Window(1.0));
  ASSERT_EQ(clip.samples.size(), 22050u);
  for (size_t i = 0; i < clip.samples.size(); ++i) {
    ASSERT_EQ(clip.samples[i], (left[i] + 0.1f) / 2.0f) << i;
  }
}

TEST(LoadAudioTest, ResamplesTo22050KeepingTheTone) {
  testing::TempDir dir;
  const auto tone = testing::Tone(1000, 44100 * 2, 44100, 0.5);
  testing::WriteAudio(dir.File("t.wav"), tone, 1, 44100, AudioFormat::kWavFloat);
  const AudioClip clip = LoadAudio(dir.File("t.wav"), Window(2.0));
  ASSERT_EQ(clip.samples.size(), 44100u);
  EXPECT_EQ(clip.sample_rate, 22050);
  // Away from the edges the resampled tone is the tone at 22,050 Hz (soxr HQ is linear-phase
  // with its delay removed).
  const auto ideal = testing::Tone(1000, 44100, 22050, 0.5);
  double worst = 0;
  for (size_t i = 2000; i < 42000; ++i)
    worst = std::max(worst, std::fabs(clip.samples[i] - ideal[i]) * 1.0);
  EXPECT_LT(worst, 1e-3);
  EXPECT_EQ(Resample(tone, 44100, 22050).size(), 44100u);
  EXPECT_EQ(Resample(std::vector<float>(1001, 0.5f), 44100, 22050).size(), 501u);  // ceil
  EXPECT_EQ(Resample(std::vector<float>(7, 0.5f), 8000, 22050).size(), 20u);
}

TEST(LoadAudioTest, ChunkedResamplingEqualsOneShotBitForBit) {
  // Resample (and LoadAudio) feed libsoxr a chunk at a time; the samples must be those of
  // soxr_oneshot over the whole signal, the call librosa's soxr_hq resampling makes.
  for (const int rate : {8000, 11025, 16000, 22050 * 2, 32000, 44100, 48000, 96000}) {
    for (const size_t n : {size_t{7}, size_t{1001}, size_t{50000}, size_t{3 * 44100 + 17}}) {
      const auto x = testing::Noise(n, 11, 0.4);
      const size_t out_len = static_cast<size_t>(std::ceil(n * 22050.0 / rate));
      std::vector<float> expected(out_len, 0.0f);
      const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
      const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
      const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
      size_t done = 0;
      ASSERT_EQ(soxr_oneshot(rate, 22050, 1, x.data(), n, nullptr, expected.data(), out_len, &done,
                             &io, &quality, &runtime),
                nullptr);
      const std::vector<float> got = Resample(x, rate, 22050);
      ASSERT_EQ(got.size(), out_len) << rate << " " << n;
      for (size_t i = 0; i < out_len; ++i) {
        ASSERT_EQ(got[i], expected[i]) << rate << " Hz, " << n << " samples, at " << i;
      }
    }
  }
}

TEST(LoadAudioTest, LoadAudioResamplesAsOneShotOfTheMonoWindow) {
  testing::TempDir dir;
  const auto left = testing::Noise(3 * 48000 + 5, 21, 0.4);
  const auto right = testing::Noise(3 * 48000 + 5, 22, 0.4);
  testing::WriteAudio(dir.File("n.wav"), testing::Interleave({left, right}), 2, 48000,
                      AudioFormat::kWavFloat);
  const AudioClip clip = LoadAudio(dir.File("n.wav"), Window(2.5));
  const size_t n = static_cast<size_t>(2.5 * 48000);
  std::vector<float> mono(n);
  for (size_t i = 0; i < n; ++i) mono[i] = (left[i] + right[i]) / 2.0f;
  const size_t out_len = static_cast<size_t>(std::ceil(n * 22050.0 / 48000));
  std::vector<float> expected(out_len, 0.0f);
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  ASSERT_EQ(soxr_oneshot(48000, 22050, 1, mono.data(), n, nullptr, expected.data(), out_len,
                         nullptr, &io, &quality, &runtime),
            nullptr);
  ASSERT_EQ(clip.samples.size(), static_cast<size_t>(2.5 * 22050));
  for (size_t i = 0; i < out_len; ++i) ASSERT_EQ(clip.samples[i], expected[i]) << i;
}

TEST(LoadAudioTest, EveryFormatDecodes) {
  testing::TempDir dir;
  const auto tone = testing::Tone(440, 44100, 44100, 0.5);
  const auto stereo = testing::Interleave({tone, tone});
  struct Case {
    const char* name;
    AudioFormat format;
    const char* label;
  };
  for (const Case& c :
       {Case{"a.wav", AudioFormat::kWav16, "WAV"}, Case{"a.flac", AudioFormat::kFlac, "FLAC"},
        Case{"a.ogg", AudioFormat::kOgg, "OGG"}, Case{"a.mp3", AudioFormat::kMp3, "MP3"}}) {
    testing::WriteAudio(dir.File(c.name), stereo, 2, 44100, c.format);
    const AudioClip clip = LoadAudio(dir.File(c.name), Window(1.0));
    EXPECT_EQ(clip.format, c.label) << c.name;
    EXPECT_EQ(clip.samples.size(), 22050u) << c.name;
    EXPECT_EQ(clip.source_channels, 2) << c.name;
    EXPECT_EQ(clip.source_sample_rate, 44100) << c.name;
    // Lossy codecs add delay and noise; the level of the tone survives every one.
    EXPECT_NEAR(Rms(clip.samples, 4000, 18000), 0.5 / std::sqrt(2.0), 0.03) << c.name;
  }
}

TEST(LoadAudioTest, WindowOffsetAndPadding) {
  testing::TempDir dir;
  std::vector<float> ramp(3 * 22050);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<float>(i % 22050) / 22050.0f;
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] += static_cast<float>(i / 22050) * 0.0f;
  testing::WriteAudio(dir.File("r.wav"), ramp, 1, 22050, AudioFormat::kWavFloat);
  AudioLoadOptions options = Window(1.0);
  options.offset_seconds = 1.0;
  AudioClip clip = LoadAudio(dir.File("r.wav"), options);
  ASSERT_EQ(clip.samples.size(), 22050u);
  EXPECT_EQ(clip.samples[0], ramp[22050]);
  EXPECT_EQ(clip.samples[22049], ramp[44099]);
  options = Window(5.0);  // longer than the file: zeros at the end
  clip = LoadAudio(dir.File("r.wav"), options);
  ASSERT_EQ(clip.samples.size(), 5u * 22050);
  EXPECT_DOUBLE_EQ(clip.decoded_seconds, 3.0);
  EXPECT_DOUBLE_EQ(clip.padded_seconds, 2.0);
  EXPECT_EQ(clip.samples[3 * 22050 - 1], ramp.back());
  EXPECT_EQ(clip.samples[3 * 22050], 0.0f);
  options.pad_to_duration = false;
  EXPECT_EQ(LoadAudio(dir.File("r.wav"), options).samples.size(), 3u * 22050);
  options = Window(0);  // whole file
  EXPECT_EQ(LoadAudio(dir.File("r.wav"), options).samples.size(), 3u * 22050);
}

TEST(LoadAudioTest, Mp3DecodesLikeLibsndfile) {
  // librosa reads MP3 through soundfile (libsndfile + libmpg123): the same samples, bit for bit.
  HITSCOPE_REQUIRE_SHARED_AUDIO();
  const std::string path = testing::SharedAudioDir() + "/hyperrogue_hr3-caves.mp3";
  AudioLoadOptions options = Window(5.0);
  options.sample_rate = 0;  // no resampling: compare decoders only
  const AudioClip ours = LoadAudio(path, options);
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  std::vector<float> frames(static_cast<size_t>(5 * 44100) * info.channels);
  ASSERT_EQ(sf_readf_float(file, frames.data(), 5 * 44100), 5 * 44100);
  sf_close(file);
  ASSERT_EQ(ours.samples.size(), 5u * 44100);
  for (size_t i = 0; i < ours.samples.size(); ++i) {
    ASSERT_EQ(ours.samples[i], (frames[2 * i] + frames[2 * i + 1]) / 2.0f) << i;
  }
}

TEST(LoadAudioTest, SharedClipsAllDecodeToThirtySecondWindows) {
  HITSCOPE_REQUIRE_SHARED_AUDIO();
  const auto files = testing::SharedAudioFiles();
  ASSERT_GE(files.size(), 10u);
  for (const std::string& file : files) {
    const AudioClip clip = LoadAudio(file);
    EXPECT_EQ(clip.samples.size(), 661500u) << file;
    EXPECT_GT(clip.decoded_seconds, 7.0) << file;
    EXPECT_GT(clip.peak_dbfs, -30.0) << file;
  }
}

TEST(LoadAudioTest, MissingUnreadableEmptyAndUnsupported) {
  testing::TempDir dir;
  ExpectError([&] { LoadAudio(dir.File("nope.mp3")); }, ErrorKind::kIo,
              {"missing:", "nope.mp3", "does not exist"});
  ExpectError([&] { LoadAudio(dir.path()); }, ErrorKind::kIo, {"is a folder"});
  testing::WriteText(dir.File("zero.wav"), "");
  ExpectError([&] { LoadAudio(dir.File("zero.wav")); }, ErrorKind::kInvalidInput,
              {"empty:", "0 bytes"});
  testing::WriteText(dir.File("notes.txt"), "these are not samples\n");
  ExpectError([&] { LoadAudio(dir.File("notes.txt")); }, ErrorKind::kInvalidInput,
              {"unsupported format:", "notes.txt", "convert it"});
  testing::WriteText(dir.File("song.m4a"), std::string(4000, 'x'));
  ExpectError([&] { LoadAudio(dir.File("song.m4a")); }, ErrorKind::kInvalidInput,
              {"unsupported format:", "ffmpeg"});
}

TEST(LoadAudioTest, CorruptAndTruncatedFiles) {
  testing::TempDir dir;
  const auto noise = testing::Noise(5 * 44100, 3, 0.3);
  // A .wav of garbage.
  testing::WriteText(dir.File("garbage.wav"), std::string(5000, '\x55'));
  ExpectError([&] { LoadAudio(dir.File("garbage.wav")); }, ErrorKind::kInvalidInput,
              {"corrupt:", "garbage.wav"});
  // A WAV cut in half: its header promises more than the file holds.
  testing::WriteAudio(dir.File("cut.wav"), noise, 1, 44100, AudioFormat::kWav16);
  testing::TruncateFile(dir.File("cut.wav"), 44 + 44100 * 2);
  ExpectError([&] { LoadAudio(dir.File("cut.wav")); }, ErrorKind::kInvalidInput,
              {"truncated:", "cut.wav", "promises"});
  // A FLAC cut in half: the decoder loses sync.
  testing::WriteAudio(dir.File("cut.flac"), noise, 1, 44100, AudioFormat::kFlac);
  testing::TruncateFile(dir.File("cut.flac"),
                        static_cast<int64_t>(std::filesystem::file_size(dir.File("cut.flac")) / 2));
  ExpectError([&] { LoadAudio(dir.File("cut.flac")); }, ErrorKind::kInvalidInput,
              {"corrupt:", "cut.flac", "damaged after"});
  // An MP3 of garbage after its first frames.
  testing::WriteAudio(dir.File("bad.mp3"), noise, 1, 44100, AudioFormat::kMp3);
  testing::CorruptBytes(dir.File("bad.mp3"), 3000, 60000);
  ExpectError([&] { LoadAudio(dir.File("bad.mp3")); }, ErrorKind::kInvalidInput,
              {"corrupt:", "bad.mp3", "libmpg123"});
  // Only garbage with an .mp3 name.
  testing::WriteText(dir.File("junk.mp3"), std::string(70000, '\x11'));
  ExpectError([&] { LoadAudio(dir.File("junk.mp3")); }, ErrorKind::kInvalidInput,
              {"corrupt:", "junk.mp3"});
}

TEST(LoadAudioTest, SilentHeaderOnlyNonFiniteAndTooLarge) {
  testing::TempDir dir;
  testing::WriteAudio(dir.File("silent.wav"), std::vector<float>(22050, 0.0f), 1, 22050,
                      AudioFormat::kWav16);
  ExpectError([&] { LoadAudio(dir.File("silent.wav")); }, ErrorKind::kInvalidInput,
              {"silent:", "-inf dBFS", "--silence-threshold"});
  AudioLoadOptions accept_silence;
  accept_silence.silence_threshold_dbfs = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(LoadAudio(dir.File("silent.wav"), accept_silence).samples.size(), 661500u);
  testing::WriteAudio(dir.File("hiss.wav"), testing::Noise(22050, 2, 3e-5), 1, 22050,
                      AudioFormat::kWavFloat);
  ExpectError([&] { LoadAudio(dir.File("hiss.wav")); }, ErrorKind::kInvalidInput,
              {"silent:", "below the silence threshold of -80 dBFS"});
  testing::WriteAudio(dir.File("header.wav"), {}, 1, 22050, AudioFormat::kWav16);
  ExpectError([&] { LoadAudio(dir.File("header.wav")); }, ErrorKind::kInvalidInput,
              {"empty:", "no audio samples"});
  auto with_nan = testing::Noise(22050, 4);
  with_nan[11025] = std::nanf("");
  testing::WriteAudio(dir.File("nan.wav"), with_nan, 1, 22050, AudioFormat::kWavFloat);
  ExpectError([&] { LoadAudio(dir.File("nan.wav")); }, ErrorKind::kInvalidInput,
              {"invalid samples:", "NaN", "0.50 s"});
  testing::WriteAudio(dir.File("big.wav"), testing::Noise(22050, 5), 1, 22050, AudioFormat::kWav16);
  AudioLoadOptions small;
  small.max_file_bytes = 1000;
  ExpectError([&] { LoadAudio(dir.File("big.wav"), small); }, ErrorKind::kInvalidInput,
              {"too large:", "big.wav", "--max-file-mb"});
  AudioLoadOptions whole;
  whole.duration_seconds = 0;
  whole.max_seconds = 0.5;
  ExpectError([&] { LoadAudio(dir.File("big.wav"), whole); }, ErrorKind::kInvalidInput,
              {"too large:", "whole-file mode", "--max-seconds"});
  AudioLoadOptions late;
  late.offset_seconds = 2.0;
  ExpectError([&] { LoadAudio(dir.File("big.wav"), late); }, ErrorKind::kInvalidInput,
              {"empty:", "after the offset"});
  AudioLoadOptions bad;
  bad.duration_seconds = -1;
  ExpectError([&] { LoadAudio(dir.File("big.wav"), bad); }, ErrorKind::kInvalidArgument,
              {"duration must be >= 0"});
}

}  // namespace
}  // namespace hitscope
