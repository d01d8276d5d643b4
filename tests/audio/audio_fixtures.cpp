#include "audio/audio_fixtures.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include <fmt/format.h>
#include <sndfile.h>

#include <hitscope/audio.hpp>

#include "testing/fixtures.hpp"

namespace hitscope::testing {

std::vector<float> Tone(double frequency, int64_t samples, int rate, double amplitude) {
  std::vector<float> out(samples);
  const double factor = 2 * std::numbers::pi * frequency;  // numpy: 2 * np.pi * f * n / sr
  for (int64_t n = 0; n < samples; ++n) {
    out[n] = static_cast<float>(amplitude * std::sin(factor * static_cast<double>(n) / rate));
  }
  return out;
}

std::vector<float> Noise(int64_t samples, uint32_t seed, double amplitude) {
  std::vector<float> out(samples);
  uint64_t state = seed;
  for (int64_t i = 0; i < samples; ++i) {
    state = (state * 1103515245u + 12345u) % 2147483648u;
    out[i] =
        static_cast<float>((static_cast<double>(state) / 2147483648.0 - 0.5) * 2.0 * amplitude);
  }
  return out;
}

std::vector<float> ToySound(int kind, int i) {
  if (kind == 0) return Noise(22050, 100 + i, 0.3);
  if (kind == 1) return Tone(300.0 * std::pow(1.07, i % 40), 22050, 22050, 0.3);
  std::vector<float> clicks(22050, 0.0f);
  for (size_t t = static_cast<size_t>(i * 37 % 500); t < clicks.size();
       t += 1500 + 40 * static_cast<size_t>(i % 20)) {
    clicks[t] = 0.8f;
  }
  return clicks;
}

std::vector<float> Interleave(const std::vector<std::vector<float>>& channels) {
  const size_t frames = channels.front().size();
  std::vector<float> out(frames * channels.size());
  for (size_t f = 0; f < frames; ++f) {
    for (size_t c = 0; c < channels.size(); ++c) out[f * channels.size() + c] = channels[c][f];
  }
  return out;
}

void WriteAudio(const std::string& path, const std::vector<float>& interleaved, int channels,
                int rate, AudioFormat format) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  switch (format) {
    case AudioFormat::kWav16:
      info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
      break;
    case AudioFormat::kWavFloat:
      info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
      break;
    case AudioFormat::kFlac:
      info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
      break;
    case AudioFormat::kOgg:
      info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
      break;
    case AudioFormat::kMp3:
      info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
      break;
  }
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr) << "libsndfile cannot write " << path << ": " << sf_strerror(nullptr);
  // Float WAV keeps values as they are (NaN included); PCM formats clip.
  if (format != AudioFormat::kWavFloat) sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const sf_count_t frames = static_cast<sf_count_t>(interleaved.size() / channels);
  EXPECT_EQ(sf_writef_float(file, interleaved.data(), frames), frames) << sf_strerror(file);
  sf_close(file);
}

void TruncateFile(const std::string& path, int64_t bytes) {
  std::filesystem::resize_file(path, static_cast<uintmax_t>(bytes));
}

void CorruptBytes(const std::string& path, int64_t offset, int64_t count) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(offset);
  for (int64_t i = 0; i < count; ++i) file.put(static_cast<char>((i * 151 + 89) & 0xFF));
}

std::string SharedAudioDir() {
  const std::string dir = SourcePath("../shared/data/audio");
  std::error_code error;
  return std::filesystem::is_directory(dir, error) ? dir : "";
}

std::vector<std::string> SharedAudioFiles() {
  std::vector<std::string> files;
  const std::string dir = SharedAudioDir();
  if (dir.empty()) return files;
  for (const auto& source : ListAudioFolder(dir)) files.push_back(source.path);
  return files;
}

}  // namespace hitscope::testing
