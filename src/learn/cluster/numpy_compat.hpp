// learn/cluster/numpy_compat.hpp: the few pieces of numpy whose exact bits decide which answer
// scikit-learn gives, reproduced so that hitscope gives the same one.
//
//  - NumpyRandomState: numpy's legacy `RandomState(seed)` (MT19937, init_genrand seeding) with
//    the draws scikit-learn's clustering makes: randint(n) (masked rejection sampling, as numpy's
//    legacy generator), random_sample / uniform() (53-bit doubles), permutation(n) (legacy
//    Fisher-Yates shuffle). RandomState(0).randint(10) == 5, RandomState(0).permutation(7) ==
//    [3, 1, 2, 4, 5, 0, 6].
//  - NumpySum: np.sum of a contiguous float64 array: pairwise summation (8 accumulators, blocks
//    of 128) inside buffers of 8192 values that are added one after the other, bit for bit.
//  - NumpyCumsum: np.cumsum (a plain running sum).
//
// Not thread-safe (a RandomState is one stream); the functions are pure.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace hitscope::cluster {

class NumpyRandomState {
 public:
  // numpy.random.RandomState(seed) for an integer seed in [0, 2^32).
  explicit NumpyRandomState(uint32_t seed);

  // The next raw 32-bit output of MT19937.
  uint32_t NextUint32();
  // random_sample(): a double in [0, 1) from two 32-bit outputs (a >> 5, b >> 6).
  double RandomSample();
  // randint(high): an integer in [0, high). REQUIRES: 1 <= high <= 2^32.
  int64_t RandInt(int64_t high);
  // permutation(n): 0..n-1 shuffled as numpy's legacy shuffle does.
  std::vector<int64_t> Permutation(int64_t n);

 private:
  // random_interval(max): uniform in [0, max] by masked rejection.
  uint64_t RandomInterval(uint64_t max);
  void Twist();

  std::array<uint32_t, 624> key_{};
  int pos_ = 624;
};

// np.sum(values) for a contiguous float64 array, bit for bit.
double NumpySum(std::span<const double> values);

// np.cumsum(values).
void NumpyCumsum(std::span<const double> values, std::span<double> out);

}  // namespace hitscope::cluster
