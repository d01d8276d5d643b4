// The STFT's FFT against a float64 DFT (the scalar reference) at awkward sizes, both paths
// (batched radix-4 and KissFFT) against each other, and known answers.
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>
#include <kiss_fft.h>

#include "audio/real_fft.hpp"

namespace hitscope::audio {
namespace {

using Spectrum = std::vector<std::complex<double>>;

// X_k = sum_n x_n exp(-2 pi i k n / N) in float64, k = 0 .. N / 2.
Spectrum ReferenceDft(const std::vector<float>& x) {
  const size_t n = x.size();
  std::vector<std::complex<double>> roots(n);  // exp(-2 pi i j / n)
  for (size_t j = 0; j < n; ++j) roots[j] = std::polar(1.0, -2.0 * std::numbers::pi * j / n);
  Spectrum out(n / 2 + 1);
  for (size_t k = 0; k < out.size(); ++k) {
    std::complex<double> sum = 0;
    for (size_t t = 0; t < n; ++t) sum += static_cast<double>(x[t]) * roots[(k * t) % n];
    out[k] = sum;
  }
  return out;
}

// The spectra of eight frames through RealFft, frame `lane` being frames[lane].
std::vector<Spectrum> Transform(const RealFft& fft, const std::vector<std::vector<float>>& frames) {
  const int n = fft.size();
  AlignedFloats in(static_cast<size_t>(n) * kFftLanes), scratch(in.size());
  AlignedFloats out(static_cast<size_t>(fft.bins()) * 2 * kFftLanes);
  for (int lane = 0; lane < kFftLanes; ++lane) {
    for (int t = 0; t < n; ++t) in[t * kFftLanes + lane] = frames[lane][t];
  }
  fft.Forward(in.data(), scratch.data(), out.data());
  std::vector<Spectrum> spectra(kFftLanes, Spectrum(fft.bins()));
  for (int lane = 0; lane < kFftLanes; ++lane) {
    for (int k = 0; k < fft.bins(); ++k) {
      spectra[lane][k] = {out[(2 * k) * kFftLanes + lane], out[(2 * k + 1) * kFftLanes + lane]};
    }
  }
  return spectra;
}

std::vector<std::vector<float>> RandomFrames(int n, unsigned seed) {
  std::vector<std::vector<float>> frames(kFftLanes, std::vector<float>(n));
  uint64_t state = seed;
  for (auto& frame : frames) {
    for (float& v : frame) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      v = static_cast<float>(static_cast<int64_t>(state >> 33) % 20001 - 10000) / 10000.0f;
    }
  }
  return frames;
}

// Largest |X - reference| relative to sqrt(N) * ||x||_2 (the size of a bin's rounding error
// scale for a float32 FFT).
double RelativeError(const Spectrum& got, const Spectrum& want, const std::vector<float>& x) {
  double norm = 0;
  for (float v : x) norm += static_cast<double>(v) * v;
  const double scale = std::sqrt(norm * x.size()) + 1e-30;
  double worst = 0;
  for (size_t k = 0; k < want.size(); ++k) worst = std::max(worst, std::abs(got[k] - want[k]));
  return worst / scale;
}

class FftSizeTest : public ::testing::TestWithParam<int> {};

TEST_P(FftSizeTest, MatchesFloat64DftInEveryLane) {
  const int n = GetParam();
  RealFft fft(n);
  EXPECT_EQ(fft.bins(), n / 2 + 1);
  EXPECT_EQ(fft.batched(), n >= 2 && (n & (n - 1)) == 0);
  const auto frames = RandomFrames(n, 17 + n);
  const auto spectra = Transform(fft, frames);
  for (int lane = 0; lane < kFftLanes; ++lane) {
    if (n > 1024 && lane != 0 && lane != kFftLanes - 1) continue;  // the O(n^2) DFT is slow
    const double error = RelativeError(spectra[lane], ReferenceDft(frames[lane]), frames[lane]);
    EXPECT_LT(error, 1e-6) << "size " << n << " lane " << lane;
  }
}

INSTANTIATE_TEST_SUITE_P(AwkwardSizes, FftSizeTest,
                         ::testing::Values(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100,
                                           128, 256, 512, 1000, 1024, 2048, 4096));

TEST(RealFftTest, KnownAnswers) {
  const int n = 2048;
  RealFft fft(n);
  std::vector<std::vector<float>> frames(kFftLanes, std::vector<float>(n, 0.0f));
  for (float& v : frames[0]) v = 1.0f;  // constant: all energy at DC
  frames[1][0] = 1.0f;                  // impulse: flat spectrum
  for (int t = 0; t < n; ++t) {         // cosine at bin 37: n / 2 at bin 37
    frames[2][t] = static_cast<float>(std::cos(2 * std::numbers::pi * 37 * t / n));
  }
  frames[3][n / 2] = 1.0f;  // impulse at the middle: (-1)^k
  const auto spectra = Transform(fft, frames);
  for (int k = 0; k <= n / 2; ++k) {
    EXPECT_NEAR(std::abs(spectra[0][k] - std::complex<double>(k == 0 ? n : 0, 0)), 0, 1e-3) << k;
    EXPECT_NEAR(std::abs(spectra[1][k] - std::complex<double>(1, 0)), 0, 1e-6) << k;
    EXPECT_NEAR(std::abs(spectra[2][k] - std::complex<double>(k == 37 ? n / 2 : 0, 0)), 0, 2e-3)
        << k;
    EXPECT_NEAR(std::abs(spectra[3][k] - std::complex<double>(k % 2 == 0 ? 1 : -1, 0)), 0, 1e-6)
        << k;
    for (int lane = 4; lane < kFftLanes; ++lane) EXPECT_EQ(std::abs(spectra[lane][k]), 0.0);
  }
}

TEST(RealFftTest, BatchedPathAgreesWithKissFft) {
  for (int n : {2, 4, 8, 16, 64, 512, 2048}) {
    RealFft fft(n);
    ASSERT_TRUE(fft.batched());
    kiss_fft_cfg cfg = kiss_fft_alloc(n, 0, nullptr, nullptr);
    const auto frames = RandomFrames(n, 99);
    const auto spectra = Transform(fft, frames);
    for (int lane = 0; lane < kFftLanes; ++lane) {
      std::vector<kiss_fft_cpx> in(n), out(n);
      for (int t = 0; t < n; ++t) in[t] = {frames[lane][t], 0.0f};
      kiss_fft(cfg, in.data(), out.data());
      Spectrum kiss(n / 2 + 1);
      for (int k = 0; k <= n / 2; ++k) kiss[k] = {out[k].r, out[k].i};
      EXPECT_LT(RelativeError(spectra[lane], kiss, frames[lane]), 2e-6) << n << " " << lane;
    }
    kiss_fft_free(cfg);
  }
}

TEST(RealFftTest, NegativeControlComparisonCatchesOneWrongSample) {
  // The tolerance above is tight enough to see a single sample off by 1e-4 of full scale.
  const int n = 2048;
  RealFft fft(n);
  auto frames = RandomFrames(n, 5);
  const Spectrum want = ReferenceDft(frames[0]);
  frames[0][700] += 1e-4f * 40;
  const auto spectra = Transform(fft, frames);
  EXPECT_GT(RelativeError(spectra[0], want, frames[0]), 1e-6);
}

}  // namespace
}  // namespace hitscope::audio
