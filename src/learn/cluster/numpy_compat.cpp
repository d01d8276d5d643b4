#include "learn/cluster/numpy_compat.hpp"

#include <algorithm>
#include <numeric>

#include "learn/preprocess/numpy_sum.hpp"

namespace hitscope::cluster {

NumpyRandomState::NumpyRandomState(uint32_t seed) {
  // numpy's mt19937_seed: Knuth's init_genrand.
  uint32_t value = seed;
  for (size_t pos = 0; pos < key_.size(); ++pos) {
    key_[pos] = value;
    value = 1812433253U * (value ^ (value >> 30)) + static_cast<uint32_t>(pos + 1);
  }
  pos_ = static_cast<int>(key_.size());
}

void NumpyRandomState::Twist() {
  constexpr int kN = 624, kM = 397;
  constexpr uint32_t kUpper = 0x80000000U, kLower = 0x7fffffffU, kMatrix = 0x9908b0dfU;
  for (int i = 0; i < kN; ++i) {
    uint32_t y = (key_[i] & kUpper) | (key_[(i + 1) % kN] & kLower);
    key_[i] = key_[(i + kM) % kN] ^ (y >> 1) ^ ((y & 1U) ? kMatrix : 0U);
  }
  pos_ = 0;
}

uint32_t NumpyRandomState::NextUint32() {
  if (pos_ >= static_cast<int>(key_.size())) Twist();
  uint32_t y = key_[static_cast<size_t>(pos_++)];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

double NumpyRandomState::RandomSample() {
  uint32_t a = NextUint32() >> 5, b = NextUint32() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

uint64_t NumpyRandomState::RandomInterval(uint64_t max) {
  if (max == 0) return 0;
  uint64_t mask = max;
  for (int shift = 1; shift <= 32; shift *= 2) mask |= mask >> shift;
  uint64_t value;
  if (max <= 0xffffffffULL) {
    while ((value = (NextUint32() & mask)) > max) {
    }
  } else {
    // numpy draws a 64-bit value as two 32-bit outputs, high word first.
    auto next64 = [&] {
      uint64_t high = NextUint32();
      return (high << 32) | NextUint32();
    };
    while ((value = (next64() & mask)) > max) {
    }
  }
  return value;
}

int64_t NumpyRandomState::RandInt(int64_t high) {
  // Legacy randint: random_bounded_uint64_fill with use_masked=true; a range of 2^32 - 1 or less
  // draws 32-bit values, masked and rejected above the range, exactly as RandomInterval.
  return static_cast<int64_t>(RandomInterval(static_cast<uint64_t>(high - 1)));
}

std::vector<int64_t> NumpyRandomState::Permutation(int64_t n) {
  std::vector<int64_t> values(static_cast<size_t>(std::max<int64_t>(n, 0)));
  std::iota(values.begin(), values.end(), int64_t{0});
  for (int64_t i = n - 1; i >= 1; --i) {
    auto j = static_cast<int64_t>(RandomInterval(static_cast<uint64_t>(i)));
    std::swap(values[static_cast<size_t>(i)], values[static_cast<size_t>(j)]);
  }
  return values;
}

double NumpySum(std::span<const double> values) {
  // The reduction runs in buffers of 8192 values (numpy's default buffer size); each buffer is
  // summed pairwise and added to the running result.
  constexpr int64_t kBuffer = 8192;
  const auto n = static_cast<int64_t>(values.size());
  double result = 0.;
  for (int64_t start = 0; start < n; start += kBuffer) {
    result += learn::NumpyPairwiseSum(values.data() + start, std::min(kBuffer, n - start));
  }
  return result;
}

void NumpyCumsum(std::span<const double> values, std::span<double> out) {
  double running = 0.;
  for (size_t i = 0; i < values.size(); ++i) {
    running += values[i];
    out[i] = running;
  }
}

}  // namespace hitscope::cluster
