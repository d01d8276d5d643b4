// prepare/random.hpp: counter-based random numbers, so that every generated value is a pure
// function of (seed, stream, index) and can be produced on any thread in any order.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/hash.hpp"

namespace hitscope {

class CounterRng {
 public:
  CounterRng(uint64_t seed, uint64_t stream, uint64_t index)
      : state_(HashCombine(HashCombine(HashInt(seed), stream), index)) {}

  uint64_t Next() {  // splitmix64
    state_ += 0x9e3779b97f4a7c15ULL;
    return HashInt(state_);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n).
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  bool Chance(double p) { return Uniform() < p; }
  double Normal() {
    double u1 = Uniform(), u2 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Marsaglia and Tsang's method; shape > 0.
  double Gamma(double shape) {
    if (shape < 1) {
      double u = Uniform();
      return Gamma(shape + 1) * std::pow(u < 1e-300 ? 1e-300 : u, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    while (true) {
      double x = Normal(), v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      double u = Uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
    }
  }
  double Beta(double a, double b) {
    double x = Gamma(a), y = Gamma(b);
    return x / (x + y);
  }

 private:
  uint64_t state_;
};

}  // namespace hitscope
