// audio/real_fft.hpp: the FFT of the STFT, eight frames at a time (the hot loop of spectrograms).
//
// RealFft computes X_k = sum_n x_n exp(-2 pi i k n / size) for k = 0 .. size / 2 (numpy.fft.rfft)
// of kFftLanes real frames at once. The frames are interleaved: value n of frame `lane` is
// in[n * kFftLanes + lane], so that every arithmetic operation works on one SIMD vector holding
// the same position of eight frames, whatever the stage of the transform.
//
// Sizes that are powers of two go through a radix-4 Stockham FFT of size / 2 complex points
// (the real input packed as x_2m + i x_2m+1) and the usual split into the real spectrum, in
// float32 with twiddle factors computed in float64; it is compiled for AVX2 and for baseline
// x86-64 and picked at start-up (HITSCOPE_VECTOR_CLONES: wider vectors only, no FMA, so both
// give the same bits). Other sizes go through KissFFT one frame at a time. Accuracy: within a
// few float32 roundings of the exact DFT relative to the frame's norm (fft_test.cpp compares
// both paths with a float64 DFT at sizes 1 .. 4096).
//
// A RealFft is immutable after construction; Forward may run on many threads at once, each
// with its own buffers.
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace hitscope::audio {

inline constexpr int kFftLanes = 8;

// A float buffer aligned for SIMD loads (64 bytes), zero-initialised.
class AlignedFloats {
 public:
  AlignedFloats() = default;
  explicit AlignedFloats(size_t count);
  size_t size() const { return size_; }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  float& operator[](size_t i) { return data_[i]; }
  float operator[](size_t i) const { return data_[i]; }

 private:
  struct Free {
    void operator()(float* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  std::unique_ptr<float[], Free> data_;
  size_t size_ = 0;
};

class RealFft {
 public:
  // REQUIRES: size >= 1.
  explicit RealFft(int size);
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  int size() const { return size_; }
  int bins() const { return size_ / 2 + 1; }
  // True for powers of two (the batched radix-4 path); false: KissFFT frame by frame.
  bool batched() const { return batched_; }

  // Transforms kFftLanes frames. `in` holds size() x kFftLanes interleaved values and is
  // overwritten (used as work space), as is `scratch` (size() x kFftLanes floats). Writes
  // bins() x 2 x kFftLanes floats to `out`: the real parts of bin k for every lane, then the
  // imaginary parts: out[(2k) * kFftLanes + lane], out[(2k + 1) * kFftLanes + lane]. All three
  // buffers must be 64-byte aligned (AlignedFloats) and distinct.
  void Forward(float* in, float* scratch, float* out) const;

 private:
  struct Kiss;
  int size_;
  bool batched_;
  AlignedFloats stage_twiddles_;  // per radix-4 stage: w^p, w^2p, w^3p (re, im) for each p
  AlignedFloats split_twiddles_;  // exp(-2 pi i k / size), k = 0 .. size / 2 (re, im)
  std::unique_ptr<Kiss> kiss_;
};

}  // namespace hitscope::audio
