// The mel basis and the window, computed with the same float64 operations, in the same order,
// as librosa 0.10 (filters.mel, convert.hz_to_mel / mel_to_hz / mel_frequencies /
// fft_frequencies) and numpy 1.24 (linspace, rfftfreq), so that the float32 weights come out
// equal to librosa's (tests compare them with the golden of tests/parity/audio_mel_reference.py).
#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include <hitscope/audio.hpp>
#include <hitscope/error.hpp>

#include "audio/mel_internal.hpp"

namespace hitscope {
namespace {

constexpr double kLinearStep = 200.0 / 3;  // Hz per mel below 1 kHz (f_sp)
constexpr double kMinLogHz = 1000.0;       // start of the logarithmic part (min_log_hz)
constexpr double kMinLogMel = kMinLogHz / kLinearStep;

double LogStep() {
  return std::log(6.4) / 27.0;
}

// numpy.linspace(start, stop, num) for num >= 2: i * step + start, the last value set to stop.
std::vector<double> Linspace(double start, double stop, int num) {
  std::vector<double> out(num);
  if (num == 1) {
    out[0] = start;
    return out;
  }
  const double step = (stop - start) / (num - 1);
  for (int i = 0; i < num; ++i) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

}  // namespace

double HzToMel(double hz) {
  double mel = (hz - 0.0) / kLinearStep;
  if (hz >= kMinLogHz) mel = kMinLogMel + std::log(hz / kMinLogHz) / LogStep();
  return mel;
}

double MelToHz(double mel) {
  double hz = 0.0 + kLinearStep * mel;
  if (mel >= kMinLogMel) hz = kMinLogHz * std::exp(LogStep() * (mel - kMinLogMel));
  return hz;
}

std::vector<double> MelFrequencies(int n, double fmin, double fmax) {
  if (n < 1) throw InvalidArgument(fmt::format("mel frequencies: n must be >= 1, got {}", n));
  std::vector<double> mels = Linspace(HzToMel(fmin), HzToMel(fmax), n);
  for (double& mel : mels) mel = MelToHz(mel);
  return mels;
}

std::vector<double> HannWindow(int n) {
  // scipy.signal.windows.general_cosine(n + 1, [0.5, 0.5]) without its last point:
  // fac = linspace(-pi, pi, n + 1); w = 0.5 cos(0 fac) + 0.5 cos(1 fac).
  std::vector<double> fac = Linspace(-std::numbers::pi, std::numbers::pi, n + 1);
  std::vector<double> window(n);
  for (int i = 0; i < n; ++i) window[i] = 0.5 + 0.5 * std::cos(fac[i]);
  return window;
}

void ValidateMelOptions(const MelOptions& options) {
  auto fail = [](const std::string& what) { return InvalidArgument("mel spectrogram: " + what); };
  if (options.sample_rate < 1) {
    throw fail(fmt::format("sample rate must be >= 1 Hz, got {}", options.sample_rate));
  }
  if (options.n_fft < 2) throw fail(fmt::format("n_fft must be >= 2, got {}", options.n_fft));
  if (options.n_fft > (1 << 20)) {
    throw fail(fmt::format("n_fft must be <= 1048576, got {}", options.n_fft));
  }
  if (options.hop_length < 1) {
    throw fail(fmt::format("hop length must be >= 1, got {}", options.hop_length));
  }
  if (options.n_mels < 1 || options.n_mels > 4096) {
    throw fail(fmt::format("n_mels must be in 1..4096, got {}", options.n_mels));
  }
  const double nyquist = options.sample_rate / 2.0;
  const double fmax = options.fmax == 0 ? nyquist : options.fmax;
  if (!(options.fmin >= 0) || !(fmax > options.fmin) || !std::isfinite(fmax)) {
    throw fail(fmt::format("need 0 <= fmin < fmax, got fmin {} and fmax {}", options.fmin, fmax));
  }
  if (!(options.power > 0) || !std::isfinite(options.power)) {
    throw fail(fmt::format("power must be > 0, got {}", options.power));
  }
}

std::vector<float> MelFilterbank(const MelOptions& options) {
  ValidateMelOptions(options);
  const int n_mels = options.n_mels;
  const int bins = options.n_fft / 2 + 1;
  const double fmax = options.fmax == 0 ? options.sample_rate / 2.0 : options.fmax;
  // numpy.fft.rfftfreq(n_fft, d=1.0 / sr): k * (1.0 / (n_fft * d)).
  const double d = 1.0 / options.sample_rate;
  const double val = 1.0 / (options.n_fft * d);
  std::vector<double> fft_freqs(bins);
  for (int k = 0; k < bins; ++k) fft_freqs[k] = k * val;
  const std::vector<double> mel_f = MelFrequencies(n_mels + 2, options.fmin, fmax);
  std::vector<float> weights(static_cast<size_t>(n_mels) * bins);
  for (int m = 0; m < n_mels; ++m) {
    const double fdiff_low = mel_f[m + 1] - mel_f[m];
    const double fdiff_high = mel_f[m + 2] - mel_f[m + 1];
    // Slaney normalisation: every triangle gets area 1 (in Hz), "approx constant energy per
    // channel". librosa multiplies the float32 weights by the float64 factor in place.
    const double enorm = 2.0 / (mel_f[m + 2] - mel_f[m]);
    for (int k = 0; k < bins; ++k) {
      const double lower = -(mel_f[m] - fft_freqs[k]) / fdiff_low;
      const double upper = (mel_f[m + 2] - fft_freqs[k]) / fdiff_high;
      const float weight = static_cast<float>(std::max(0.0, std::min(lower, upper)));
      weights[static_cast<size_t>(m) * bins + k] = static_cast<float>(weight * enorm);
    }
  }
  return weights;
}

namespace audio {

SparseMelBasis::SparseMelBasis(const MelOptions& options) {
  const std::vector<float> dense = MelFilterbank(options);
  const int bins = options.n_fft / 2 + 1;
  bands.resize(options.n_mels);
  for (int m = 0; m < options.n_mels; ++m) {
    const float* row = dense.data() + static_cast<size_t>(m) * bins;
    int first = 0;
    while (first < bins && row[first] == 0.0f) ++first;
    int last = bins - 1;
    while (last >= first && row[last] == 0.0f) --last;
    Band& band = bands[m];
    band.first_bin = first;
    band.offset = weights.size();
    for (int k = first; k <= last; ++k) weights.push_back(row[k]);
    band.count = static_cast<int>(weights.size() - band.offset);
  }
}

}  // namespace audio
}  // namespace hitscope
