#include "audio/real_fft.hpp"

#include <cmath>
#include <cstring>
#include <numbers>
#include <utility>
#include <vector>

#include <kiss_fft.h>

#include <hitscope/error.hpp>

#include "audio/simd.hpp"

namespace hitscope::audio {
namespace {

// Eight floats: the same position of kFftLanes frames.
typedef float Vec __attribute__((vector_size(32)));
static_assert(sizeof(Vec) == kFftLanes * sizeof(float));

// A complex value of every lane: eight real parts, then eight imaginary parts.
struct Cplx {
  Vec re, im;
};

bool IsPowerOfTwo(int n) {
  return n >= 1 && (n & (n - 1)) == 0;
}

// The complex DFT of m points (m a power of two) in `x`, with `y` as the other buffer of the
// Stockham ping-pong; returns the buffer that holds the result. Radix-4 steps while the
// remaining length is >= 4 (Stockham's decimation in frequency: each step splits the sequence
// into four interleaved sub-sequences, applying the twiddles w^p, w^2p, w^3p), then one radix-2
// step if a factor 2 is left.
HITSCOPE_VECTOR_CLONES
Cplx* ComplexFft(int m, const float* twiddles, Cplx* x, Cplx* y) {
  int len = m;
  int stride = 1;
  while (len >= 4) {
    const int quarter = len / 4;
    for (int p = 0; p < quarter; ++p) {
      const float* w = twiddles + 6 * p;
      const float w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3], w3r = w[4], w3i = w[5];
      const Cplx* in = x + stride * p;
      Cplx* out = y + stride * 4 * p;
      for (int q = 0; q < stride; ++q) {
        const Cplx a = in[q];
        const Cplx b = in[q + stride * quarter];
        const Cplx c = in[q + stride * 2 * quarter];
        const Cplx d = in[q + stride * 3 * quarter];
        const Vec apc_r = a.re + c.re, apc_i = a.im + c.im;
        const Vec amc_r = a.re - c.re, amc_i = a.im - c.im;
        const Vec bpd_r = b.re + d.re, bpd_i = b.im + d.im;
        const Vec jbmd_r = d.im - b.im, jbmd_i = b.re - d.re;  // i (b - d)
        out[q] = {apc_r + bpd_r, apc_i + bpd_i};
        const Vec t1r = amc_r - jbmd_r, t1i = amc_i - jbmd_i;
        out[q + stride] = {t1r * w1r - t1i * w1i, t1r * w1i + t1i * w1r};
        const Vec t2r = apc_r - bpd_r, t2i = apc_i - bpd_i;
        out[q + 2 * stride] = {t2r * w2r - t2i * w2i, t2r * w2i + t2i * w2r};
        const Vec t3r = amc_r + jbmd_r, t3i = amc_i + jbmd_i;
        out[q + 3 * stride] = {t3r * w3r - t3i * w3i, t3r * w3i + t3i * w3r};
      }
    }
    twiddles += 6 * quarter;
    len = quarter;
    stride *= 4;
    std::swap(x, y);
  }
  if (len == 2) {
    for (int q = 0; q < stride; ++q) {
      const Cplx a = x[q];
      const Cplx b = x[q + stride];
      y[q] = {a.re + b.re, a.im + b.im};
      y[q + stride] = {a.re - b.re, a.im - b.im};
    }
    std::swap(x, y);
  }
  return x;
}

// The spectrum of 2m real values from the DFT z of their m complex pairs x_2j + i x_2j+1:
// X_k = E_k + w^k O_k with E_k = (z_k + conj z_(m-k)) / 2 and O_k = (z_k - conj z_(m-k)) / 2i.
HITSCOPE_VECTOR_CLONES
void SplitReal(int m, const float* twiddles, const Cplx* z, Cplx* out) {
  const Vec zero = {};
  out[0] = {z[0].re + z[0].im, zero};
  out[m] = {z[0].re - z[0].im, zero};
  for (int k = 1; k < m; ++k) {
    const Cplx a = z[k];
    const Cplx b = z[m - k];  // conj(b) enters the formulas below
    const Vec er = (a.re + b.re) * 0.5f, ei = (a.im - b.im) * 0.5f;
    const Vec dr = a.re - b.re, di = a.im + b.im;
    const Vec orr = di * 0.5f, oi = dr * -0.5f;
    const float wr = twiddles[2 * k], wi = twiddles[2 * k + 1];
    out[k] = {er + (orr * wr - oi * wi), ei + (orr * wi + oi * wr)};
  }
}

}  // namespace

AlignedFloats::AlignedFloats(size_t count)
    : data_(static_cast<float*>(
          ::operator new[](std::max<size_t>(count, 1) * sizeof(float), std::align_val_t(64)))),
      size_(count) {
  std::memset(data_.get(), 0, std::max<size_t>(count, 1) * sizeof(float));
}

struct RealFft::Kiss {
  kiss_fft_cfg cfg = nullptr;
  ~Kiss() { kiss_fft_free(cfg); }
};

RealFft::RealFft(int size) : size_(size), batched_(IsPowerOfTwo(size) && size >= 2) {
  if (size < 1) throw InternalError("RealFft: size must be >= 1");
  if (!batched_) {
    kiss_ = std::make_unique<Kiss>();
    kiss_->cfg = kiss_fft_alloc(size, 0, nullptr, nullptr);
    if (kiss_->cfg == nullptr) throw InternalError("RealFft: KissFFT could not allocate");
    return;
  }
  const int m = size / 2;
  // Twiddles in float64, rounded once: w^(jp) = exp(-2 pi i j p / len) for each stage length.
  std::vector<float> stages;
  for (int len = m; len >= 4; len /= 4) {
    for (int p = 0; p < len / 4; ++p) {
      for (int j = 1; j <= 3; ++j) {
        const double angle = -2.0 * std::numbers::pi * j * p / len;
        stages.push_back(static_cast<float>(std::cos(angle)));
        stages.push_back(static_cast<float>(std::sin(angle)));
      }
    }
  }
  stage_twiddles_ = AlignedFloats(stages.size());
  std::copy(stages.begin(), stages.end(), stage_twiddles_.data());
  split_twiddles_ = AlignedFloats(2 * static_cast<size_t>(m + 1));
  for (int k = 0; k <= m; ++k) {
    const double angle = -2.0 * std::numbers::pi * k / size;
    split_twiddles_[2 * k] = static_cast<float>(std::cos(angle));
    split_twiddles_[2 * k + 1] = static_cast<float>(std::sin(angle));
  }
}

RealFft::~RealFft() = default;

void RealFft::Forward(float* in, float* scratch, float* out) const {
  if (batched_) {
    const int m = size_ / 2;
    Cplx* z = ComplexFft(m, stage_twiddles_.data(), reinterpret_cast<Cplx*>(in),
                         reinterpret_cast<Cplx*>(scratch));
    SplitReal(m, split_twiddles_.data(), z, reinterpret_cast<Cplx*>(out));
    return;
  }
  // KissFFT's complex transform (its real transform needs an even size, and keeps a scratch
  // buffer in its state, which would make Forward unsafe on several threads).
  std::vector<kiss_fft_cpx> frame(size_), spectrum(size_);
  const int bins = this->bins();
  for (int lane = 0; lane < kFftLanes; ++lane) {
    for (int n = 0; n < size_; ++n) frame[n] = {in[n * kFftLanes + lane], 0.0f};
    kiss_fft(kiss_->cfg, frame.data(), spectrum.data());
    for (int k = 0; k < bins; ++k) {
      out[(2 * k) * kFftLanes + lane] = spectrum[k].r;
      out[(2 * k + 1) * kFftLanes + lane] = spectrum[k].i;
    }
  }
}

}  // namespace hitscope::audio
