// audio/audio_fixtures.hpp: fixtures that speak audio: synthesised signals (the same float32
// samples as tests/parity/audio_mel_reference.py makes), audio files in any format libsndfile
// writes, damaged files, and the shared real clips.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hitscope::testing {

// float32(amplitude * sin(2 pi frequency n / rate)), n = 0 .. samples - 1 (as numpy computes it).
std::vector<float> Tone(double frequency, int64_t samples, int rate = 22050,
                        double amplitude = 0.5);
// Uniform noise in [-amplitude, amplitude) from the 31-bit LCG of audio_mel_reference.noise.
std::vector<float> Noise(int64_t samples, uint32_t seed, double amplitude = 0.5);

// One second at 22,050 Hz of a sound of three kinds with a known popularity class for the CNN
// tests: 0 noise ("low"), 1 a pure tone ("medium"), 2 a click train ("high"); `i` makes every
// clip different (seed, pitch, click spacing).
std::vector<float> ToySound(int kind, int i);

enum class AudioFormat { kWav16, kWavFloat, kFlac, kOgg, kMp3 };

// Writes interleaved samples (frames x channels) as an audio file with libsndfile.
void WriteAudio(const std::string& path, const std::vector<float>& interleaved, int channels,
                int rate, AudioFormat format);
// Interleaves channels of equal length.
std::vector<float> Interleave(const std::vector<std::vector<float>>& channels);

// Keeps the first `bytes` bytes of a file.
void TruncateFile(const std::string& path, int64_t bytes);
// Overwrites `count` bytes from `offset` with a fixed garbage pattern.
void CorruptBytes(const std::string& path, int64_t offset, int64_t count);

// The real clips of ../shared/data/audio (relative to the repository), or "" when absent.
std::string SharedAudioDir();
// The audio files of SharedAudioDir(), sorted.
std::vector<std::string> SharedAudioFiles();

}  // namespace hitscope::testing

// Skips the test, saying why, when the shared clips are not there.
#define HITSCOPE_REQUIRE_SHARED_AUDIO()                                                       \
  do {                                                                                        \
    if (::hitscope::testing::SharedAudioDir().empty()) {                                      \
      GTEST_SKIP() << "the shared audio clips (../shared/data/audio next to the repository) " \
                      "are missing; this test needs them";                                    \
    }                                                                                         \
  } while (0)
