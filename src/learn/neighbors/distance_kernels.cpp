#include "learn/neighbors/distance_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace hitscope::neighbors {

double SquaredDistance(const double* a, const double* b, int64_t features) {
  double sum = 0;
  for (int64_t j = 0; j < features; ++j) {
    double diff = a[j] - b[j];
    sum += diff * diff;
  }
  return sum;
}

// Vectorised across points: each lane still adds its features in order, so the result equals
// the scalar reference bit for bit (the file is compiled with -ffp-contract=off; no target here
// enables FMA). The clones pick the widest vectors the CPU has at run time.
__attribute__((target_clones("avx512f", "avx2", "default"))) void SquaredDistancesToBlock(
    const double* query, const double* block, int64_t count, int64_t stride, int64_t features,
    double* out) {
  // Eight points per vector, each lane its own sum over the features in order.
  typedef double Vec __attribute__((vector_size(kLanes * sizeof(double))));
  int64_t p = 0;
  const int64_t full =
      stride % kLanes == 0 ? (count + kLanes - 1) / kLanes * kLanes : count / kLanes * kLanes;
  for (; p < full; p += kLanes) {
    Vec acc = {};
    for (int64_t j = 0; j < features; ++j) {
      Vec column;
      std::memcpy(&column, block + j * stride + p, sizeof(Vec));
      Vec diff = query[j] - column;
      acc += diff * diff;
    }
    std::memcpy(out + p, &acc, static_cast<size_t>(std::min(kLanes, count - p)) * sizeof(double));
  }
  for (; p < count; ++p) {
    double sum = 0.0;
    for (int64_t j = 0; j < features; ++j) {
      double diff = query[j] - block[j * stride + p];
      sum += diff * diff;
    }
    out[p] = sum;
  }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void SquaredDistancesToBlockF32(
    const float* query, const float* block, int64_t stride, int64_t features, float threshold,
    float* out) {
  typedef float Vec __attribute__((vector_size(kLanesF32 * sizeof(float))));
  typedef int32_t Mask __attribute__((vector_size(kLanesF32 * sizeof(int32_t))));
  constexpr int64_t kCheckEvery = 4;
  const bool can_stop = !std::isinf(threshold);
  const Vec thresholds = threshold - Vec{};
  for (int64_t p = 0; p < stride; p += kLanesF32) {
    Vec acc = {};
    bool beyond = false;
    for (int64_t j = 0; j < features; ++j) {
      Vec column;
      std::memcpy(&column, block + j * stride + p, sizeof(Vec));
      Vec diff = query[j] - column;
      acc += diff * diff;
      // Partial sums only grow: once every lane is past the threshold, the chunk is done
      // (and its later features are never read).
      if (can_stop && (j + 1) % kCheckEvery == 0 && j + 1 < features) {
        // One vector compare: no lane within the threshold (lanes are -1 where one is).
        Mask within = acc <= thresholds;
        uint64_t words[sizeof(Mask) / sizeof(uint64_t)];
        std::memcpy(words, &within, sizeof(Mask));
        uint64_t any = 0;
        for (uint64_t word : words) any |= word;
        if (any == 0) {
          beyond = true;
          break;
        }
      }
    }
    if (beyond) {
      for (int64_t lane = 0; lane < kLanesF32; ++lane) out[p + lane] = INFINITY;
    } else {
      std::memcpy(out + p, &acc, sizeof(Vec));
    }
  }
}

// Let a_j be the exact difference of a coordinate and b_j its single-precision value, with
// |b_j - a_j| <= e_j and E^2 = sum e_j^2 (FilterError). With S = sum a_j^2 and the computed
// float sum F, |sum b_j^2 - S| <= 2 E sqrt(S) + E^2 (Cauchy-Schwarz) and the float squaring and
// summing add at most gamma F, gamma = (D + 1) u / (1 - (D + 1) u). So F (1 - gamma) <=
// (sqrt(S) + E)^2, and F > (sqrt(bound) + E)^2 / (1 - gamma) implies S > bound. The exact double
// distance is within 1e-15 relative of S, covered by the (1 + 1e-9) margins.
double FilterThreshold(double bound, double error, int64_t features) {
  if (std::isinf(bound)) return std::numeric_limits<double>::infinity();
  const double u = 0x1.0p-24;
  const double gamma = (static_cast<double>(features) + 1) * u;
  const double gamma_bound = gamma / (1 - gamma);
  double root = std::sqrt(bound) * (1 + 1e-9) + error;
  return root * root / (1 - gamma_bound) * (1 + 1e-9);
}

double FilterError(const double* query, const double* max_abs, int64_t features) {
  double sum = 0;
  for (int64_t j = 0; j < features; ++j) {
    double scale = std::fabs(query[j]) + max_abs[j];
    sum += scale * scale;
  }
  // 2^-126: the spacing of floats near zero, covering values that round to subnormals.
  return 2.0001 * 0x1.0p-24 * std::sqrt(sum) * (1 + 1e-9) +
         4.0 * 0x1.0p-126 * std::sqrt(static_cast<double>(features));
}

}  // namespace hitscope::neighbors
