// Mel spectrograms: librosa's mel basis and dB spectrograms from the numpy reference's golden
// (tests/parity/audio_mel_reference.py), tones in the right band, known dB answers, shapes and
// errors.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>

#include <nlohmann/json.hpp>

#include <hitscope/audio.hpp>

#include "audio/audio_fixtures.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

const nlohmann::json& Golden() {
  static const nlohmann::json golden = [] {
    std::ifstream in(testing::SourcePath("tests/parity/audio_mel_golden.json"));
    return nlohmann::json::parse(in);
  }();
  return golden;
}

std::vector<float> Synthesise(const nlohmann::json& signal) {
  const std::string kind = signal["kind"];
  const auto& params = signal["params"];
  const int64_t samples = params["samples"];
  if (kind == "tone") {
    return testing::Tone(params["frequency"], samples, 22050, params.value("amplitude", 0.5));
  }
  if (kind == "noise") return testing::Noise(samples, params["seed"].get<uint32_t>());
  return std::vector<float>(samples, 0.0f);
}

Spectrogram DbSpectrogram(const std::vector<float>& samples, DbOptions db = {},
                          MelOptions mel = {}) {
  Spectrogram s = MelSpectrogram(samples, mel);
  PowerToDb(s, db);
  return s;
}

TEST(MelFilterbankTest, EqualsLibrosaMelBasis) {
  const auto& golden = Golden();
  const std::vector<float> weights = MelFilterbank();
  const int bins = 1025;
  ASSERT_EQ(weights.size(), 128u * bins);
  double worst = 0;
  for (int m = 0; m < 128; ++m) {
    const auto& row = golden["filters"][m];
    const int first = row["first_bin"];
    const auto& values = row["weights"];
    for (int k = 0; k < bins; ++k) {
      const int j = k - first;
      const double want =
          j >= 0 && j < static_cast<int>(values.size()) ? values[j].get<double>() : 0;
      worst = std::max(worst, std::fabs(weights[m * bins + k] - want));
    }
  }
  // Both sides round the same float64 expressions to float32: equal to the bit.
  EXPECT_EQ(worst, 0.0);
}

TEST(MelFilterbankTest, MelFrequenciesAndWindowEqualLibrosa) {
  const auto& golden = Golden();
  const std::vector<double> freqs = MelFrequencies(130, 0.0, 11025.0);
  ASSERT_EQ(freqs.size(), golden["mel_frequencies"].size());
  for (size_t i = 0; i < freqs.size(); ++i) {
    EXPECT_NEAR(freqs[i], golden["mel_frequencies"][i].get<double>(), 1e-9 * (1 + freqs[i])) << i;
  }
  const std::vector<double> window = HannWindow(2048);
  for (int i = 0; i < 8; ++i) {
    EXPECT_NEAR(window[i], golden["window_head"][i].get<double>(), 1e-15) << i;  // cos: 1 ulp
  }
  EXPECT_EQ(window[0], 0.0);
  EXPECT_NEAR(window[1024], 1.0, 1e-15);  // periodic: the peak at n / 2, no trailing zero
  EXPECT_NEAR(HzToMel(1000.0), 15.0, 1e-12);
  EXPECT_NEAR(MelToHz(HzToMel(4321.0)), 4321.0, 1e-9);
  EXPECT_NEAR(HzToMel(500.0), 7.5, 1e-12);  // linear below 1 kHz: 200/3 Hz per mel
}

TEST(MelSpectrogramTest, SynthesisedSignalsMatchNumpyReferenceWithin0p01Db) {
  const auto& golden = Golden();
  ASSERT_FALSE(golden["signals"].empty());
  for (const auto& signal : golden["signals"]) {
    DbOptions db;
    if (signal["ref"] == "max") db.reference = DbReference::kMaximum;
    const Spectrogram ours = DbSpectrogram(Synthesise(signal), db);
    const auto& want = signal["db"];
    ASSERT_EQ(ours.bands, signal["shape"][0].get<int64_t>()) << signal["name"];
    ASSERT_EQ(ours.frames, signal["shape"][1].get<int64_t>()) << signal["name"];
    double worst = 0;
    for (int64_t m = 0; m < ours.bands; ++m) {
      for (int64_t t = 0; t < ours.frames; ++t) {
        worst = std::max(worst, std::fabs(ours.at(m, t) - want[m][t].get<double>()));
      }
    }
    EXPECT_LT(worst, 0.01) << signal["name"] << " ref " << signal["ref"];
    RecordProperty(signal["name"].get<std::string>() + "_ref_" + signal["ref"].get<std::string>(),
                   std::to_string(worst));
  }
}

TEST(MelSpectrogramTest, ToneAtKnownFrequencyPeaksInNearestBand) {
  const std::vector<double> centres = MelFrequencies(130, 0, 11025);  // band m peaks at m + 1
  for (double hz : {110.0, 440.0, 1000.0, 2500.0, 6000.0, 10000.0}) {
    const Spectrogram s = MelSpectrogram(testing::Tone(hz, 22050));
    std::vector<double> energy(s.bands, 0.0);
    for (int64_t m = 0; m < s.bands; ++m) {
      for (int64_t t = 2; t < s.frames - 2; ++t) energy[m] += s.at(m, t);
    }
    const auto peak = std::max_element(energy.begin(), energy.end()) - energy.begin();
    int64_t nearest = 0;
    for (int64_t m = 1; m < 128; ++m) {
      if (std::fabs(centres[m + 1] - hz) < std::fabs(centres[nearest + 1] - hz)) nearest = m;
    }
    EXPECT_EQ(peak, nearest) << hz << " Hz";
  }
}

TEST(MelSpectrogramTest, ThirtySecondsGive128By1292) {
  const std::vector<float> samples = testing::Noise(30 * 22050, 3, 0.1);
  const Spectrogram s = MelSpectrogram(samples);
  EXPECT_EQ(s.bands, 128);
  EXPECT_EQ(s.frames, 1292);
  EXPECT_EQ(SpectrogramFrames(661500), 1292);
  MelOptions uncentred;
  uncentred.center = false;
  EXPECT_EQ(SpectrogramFrames(661500, uncentred), 1 + (661500 - 2048) / 512);
  EXPECT_EQ(MelSpectrogram(samples, uncentred).frames, 1 + (661500 - 2048) / 512);
  EXPECT_EQ(SpectrogramFrames(0), 0);
  EXPECT_EQ(SpectrogramFrames(1), 1);
}

TEST(MelSpectrogramTest, FrameCountsAtAwkwardLengthsAndSmallOptions) {
  for (int64_t length : {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 511, 512, 513, 2047, 2049}) {
    const auto samples = testing::Noise(length, 1);
    const Spectrogram s = MelSpectrogram(samples);
    EXPECT_EQ(s.frames, 1 + length / 512) << length;
    for (float v : s.values) EXPECT_TRUE(std::isfinite(v) && v >= 0) << length;
  }
  MelOptions small;
  small.n_fft = 100;  // not a power of two: the KissFFT path
  small.hop_length = 7;
  small.n_mels = 20;
  const Spectrogram s = MelSpectrogram(testing::Tone(1000, 1000), small);
  EXPECT_EQ(s.bands, 20);
  EXPECT_EQ(s.frames, 1 + 1000 / 7);
}

// The whole power mel spectrogram in float64, one frame and one bin at a time: zero padding,
// periodic Hann window, a direct DFT, |X|^2 and the dense mel basis.
Spectrogram ScalarMelSpectrogram(const std::vector<float>& samples, const MelOptions& options) {
  const int n_fft = options.n_fft;
  const int pad = options.center ? n_fft / 2 : 0;
  const int64_t frames = SpectrogramFrames(static_cast<int64_t>(samples.size()), options);
  const std::vector<double> window = HannWindow(n_fft);
  const std::vector<float> basis = MelFilterbank(options);
  const int bins = n_fft / 2 + 1;
  Spectrogram out{options.n_mels, frames, std::vector<float>(options.n_mels * frames)};
  std::vector<double> power(bins);
  for (int64_t t = 0; t < frames; ++t) {
    for (int k = 0; k < bins; ++k) {
      double re = 0, im = 0;
      for (int n = 0; n < n_fft; ++n) {
        const int64_t at = t * options.hop_length + n - pad;
        const double x = at >= 0 && at < static_cast<int64_t>(samples.size()) ? samples[at] : 0;
        const double angle =
            -2.0 * std::numbers::pi * static_cast<double>((int64_t{k} * n) % n_fft) / n_fft;
        re += window[n] * x * std::cos(angle);
        im += window[n] * x * std::sin(angle);
      }
      power[k] = re * re + im * im;
    }
    for (int m = 0; m < options.n_mels; ++m) {
      double sum = 0;
      for (int k = 0; k < bins; ++k) sum += basis[m * bins + k] * power[k];
      out.values[m * frames + t] = static_cast<float>(sum);
    }
  }
  return out;
}

TEST(MelSpectrogramTest, MatchesScalarReferenceAtAwkwardSizes) {
  // n_fft 24 and 40: the vector gather with KissFFT; 100: the scalar gather; 16, 64: all vector.
  for (int n_fft : {16, 24, 40, 64, 100}) {
    for (int hop : {1, 5, 16}) {
      for (int64_t length : {1, 7, 8, 9, 33, 100}) {
        for (bool center : {true, false}) {
          MelOptions options;
          options.n_fft = n_fft;
          options.hop_length = hop;
          options.n_mels = 6;
          options.center = center;
          if (SpectrogramFrames(length, options) == 0) continue;
          const auto samples = testing::Noise(length, static_cast<uint32_t>(n_fft + hop + length));
          const Spectrogram fast = MelSpectrogram(samples, options);
          const Spectrogram slow = ScalarMelSpectrogram(samples, options);
          ASSERT_EQ(fast.frames, slow.frames);
          double scale = 0;
          for (float v : slow.values) scale = std::max(scale, static_cast<double>(v));
          for (size_t i = 0; i < fast.values.size(); ++i) {
            ASSERT_NEAR(fast.values[i], slow.values[i], 1e-5 * scale + 1e-12)
                << "n_fft " << n_fft << " hop " << hop << " length " << length << " center "
                << center << " value " << i;
          }
        }
      }
    }
  }
}

TEST(MelSpectrogramTest, DoublingAmplitudeAdds6Db) {
  DbOptions db;
  db.top_db = 0;
  const auto quiet = testing::Noise(22050, 9, 0.1);
  auto loud = quiet;
  for (float& v : loud) v *= 2.0f;
  const Spectrogram a = DbSpectrogram(quiet, db), b = DbSpectrogram(loud, db);
  for (size_t i = 0; i < a.values.size(); ++i) {
    EXPECT_NEAR(b.values[i] - a.values[i], 20 * std::log10(2.0), 1e-3) << i;
  }
}

TEST(PowerToDbTest, KnownAnswers) {
  Spectrogram s{1, 4, {1.0f, 10.0f, 100.0f, 1e-12f}};
  Spectrogram ref_one = s;
  PowerToDb(ref_one);  // ref 1, amin 1e-10, top_db 80: floor at 20 - 80 = -60
  EXPECT_NEAR(ref_one.values[0], 0.0, 1e-6);
  EXPECT_NEAR(ref_one.values[1], 10.0, 1e-5);
  EXPECT_NEAR(ref_one.values[2], 20.0, 1e-5);
  EXPECT_NEAR(ref_one.values[3], -60.0, 1e-5);
  Spectrogram ref_max = s;
  DbOptions max;
  max.reference = DbReference::kMaximum;
  max.top_db = 0;  // no floor: amin limits 1e-12 to -100 dB, minus 20
  PowerToDb(ref_max, max);
  EXPECT_NEAR(ref_max.values[0], -20.0, 1e-5);
  EXPECT_NEAR(ref_max.values[2], 0.0, 1e-6);
  EXPECT_NEAR(ref_max.values[3], -120.0, 1e-4);
  Spectrogram silence{1, 3, {0.0f, 0.0f, 0.0f}};
  PowerToDb(silence);
  for (float v : silence.values) EXPECT_NEAR(v, -100.0, 1e-4);
}

TEST(MelSpectrogramTest, ErrorsSayWhatIsWrong) {
  using testing::ExpectError;
  ExpectError([] { MelSpectrogram({}); }, ErrorKind::kInvalidInput, {"empty", "no"});
  std::vector<float> nan_sample = testing::Noise(100, 1);
  nan_sample[42] = std::nanf("");
  ExpectError([&] { MelSpectrogram(nan_sample); }, ErrorKind::kInvalidInput,
              {"sample 42", "finite"});
  MelOptions options;
  options.n_fft = 1;
  ExpectError([&] { MelSpectrogram(testing::Noise(100, 1), options); }, ErrorKind::kInvalidArgument,
              {"n_fft must be >= 2"});
  options = {};
  options.hop_length = 0;
  ExpectError([&] { MelFilterbank(options); }, ErrorKind::kInvalidArgument, {"hop length"});
  options = {};
  options.fmin = 12000;
  ExpectError([&] { MelFilterbank(options); }, ErrorKind::kInvalidArgument, {"fmin < fmax"});
  options = {};
  options.center = false;
  ExpectError([&] { MelSpectrogram(testing::Noise(100, 1), options); }, ErrorKind::kInvalidInput,
              {"too short", "100 samples"});
  Spectrogram s{1, 1, {1.0f}};
  DbOptions db;
  db.amin = 0;
  ExpectError([&] { PowerToDb(s, db); }, ErrorKind::kInvalidArgument, {"amin must be > 0"});
}

}  // namespace
}  // namespace hitscope
