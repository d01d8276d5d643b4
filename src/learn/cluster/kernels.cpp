#include "learn/cluster/kernels.hpp"

#include <algorithm>
#include <vector>

#include "learn/cluster/blas_order.hpp"
#include "learn/cluster/kernels_fixed.hpp"
#include "learn/cluster/simd.hpp"

namespace hitscope::cluster {

namespace {

HITSCOPE_INLINE void AssignNearestImpl(int64_t count, int d, const double* const* cols, int k,
                                       const double* centers, const double* center_norms,
                                       int32_t* labels, double* scores) {
  double best[kBlockRows], acc[kBlockRows];
  int32_t best_label[kBlockRows];
  for (int j = 0; j < k; ++j) {
    const double* c = centers + static_cast<int64_t>(j) * d;
    const double c0 = c[0];
    const double* x0 = cols[0];
    for (int64_t i = 0; i < count; ++i) acc[i] = x0[i] * c0;
    for (int f = 1; f < d; ++f) {
      const double cf = c[f];
      const double* xf = cols[f];
      for (int64_t i = 0; i < count; ++i) acc[i] += xf[i] * cf;
    }
    const double norm = center_norms[j];
    if (j == 0) {
      for (int64_t i = 0; i < count; ++i) {
        best[i] = norm - 2.0 * acc[i];
        best_label[i] = 0;
      }
      continue;
    }
    for (int64_t i = 0; i < count; ++i) {
      double score = norm - 2.0 * acc[i];
      bool closer = score < best[i];
      best[i] = closer ? score : best[i];
      best_label[i] = closer ? j : best_label[i];
    }
  }
  std::copy_n(best_label, count, labels);
  if (scores != nullptr) std::copy_n(best, count, scores);
}

}  // namespace

HITSCOPE_DISPATCH(void, AssignNearest,
                  (int64_t count, int d, const double* const* cols, int k, const double* centers,
                   const double* center_norms, int32_t* labels, double* scores),
                  (count, d, cols, k, centers, center_norms, labels, scores))

// Clusters up to which LloydBlock sums by masked lanes (k passes over the block) rather than
// scattering row by row.
constexpr int kMaskedSumClusters = 8;

namespace {

double FoldLanes(const double* lane) {
  return (lane[0] + lane[2]) + (lane[1] + lane[3]);
}

HITSCOPE_INLINE int64_t LloydBlockImpl(int64_t count, int d, const double* const* cols, int k,
                                       const double* centers, const double* center_norms,
                                       const double* weights, int32_t* labels, double* sums,
                                       double* weight_sums) {
  if (k <= fixed::kFixedClusters && d <= 8) {
    // One instantiation per (k, d) up to 8 x 8: the loops unroll and the sums stay in registers.
    switch (k * 16 + d) {
#define HITSCOPE_FIXED_CASE(K, D)                                                               \
  case K * 16 + D:                                                                              \
    return fixed::LloydBlockFixed<K, D>(count, cols, k, centers, center_norms, weights, labels, \
                                        sums, weight_sums);
#define HITSCOPE_FIXED_K(K)                                                     \
  HITSCOPE_FIXED_CASE(K, 1)                                                     \
  HITSCOPE_FIXED_CASE(K, 2)                                                     \
  HITSCOPE_FIXED_CASE(K, 3) HITSCOPE_FIXED_CASE(K, 4) HITSCOPE_FIXED_CASE(K, 5) \
      HITSCOPE_FIXED_CASE(K, 6) HITSCOPE_FIXED_CASE(K, 7) HITSCOPE_FIXED_CASE(K, 8)
      HITSCOPE_FIXED_K(1)
      HITSCOPE_FIXED_K(2)
      HITSCOPE_FIXED_K(3)
      HITSCOPE_FIXED_K(4)
      HITSCOPE_FIXED_K(5)
      HITSCOPE_FIXED_K(6)
      HITSCOPE_FIXED_K(7)
      HITSCOPE_FIXED_K(8)
#undef HITSCOPE_FIXED_K
#undef HITSCOPE_FIXED_CASE
      default:
        break;
    }
  }
  int32_t fresh[kBlockRows];
  AssignNearestImpl(count, d, cols, k, centers, center_norms, fresh, nullptr);
  int64_t changed = 0;
  for (int64_t i = 0; i < count; ++i) changed += fresh[i] != labels[i];
  std::copy_n(fresh, count, labels);
  const int64_t quads = count & ~int64_t{3};
  if (k <= kMaskedSumClusters) {
    double weighted[kBlockRows];
    for (int j = 0; j < k; ++j) {
      double lane[4] = {0, 0, 0, 0};
      if (weights == nullptr) {
        for (int64_t i = 0; i < quads; i += 4) {
          for (int l = 0; l < 4; ++l) lane[l] += fresh[i + l] == j ? 1.0 : 0.0;
        }
        for (int64_t i = quads; i < count; ++i) lane[i - quads] += fresh[i] == j ? 1.0 : 0.0;
      } else {
        for (int64_t i = 0; i < quads; i += 4) {
          for (int l = 0; l < 4; ++l) {
            const double w = weights[i + l];
            lane[l] += fresh[i + l] == j ? w : 0.0;
          }
        }
        for (int64_t i = quads; i < count; ++i) {
          const double w = weights[i];
          lane[i - quads] += fresh[i] == j ? w : 0.0;
        }
      }
      weight_sums[j] += FoldLanes(lane);
      for (int f = 0; f < d; ++f) {
        const double* x = cols[f];
        const double* values = x;
        if (weights != nullptr) {
          for (int64_t i = 0; i < count; ++i) weighted[i] = x[i] * weights[i];
          values = weighted;
        }
        double sum[4] = {0, 0, 0, 0};
        // The loads are unconditional on purpose: GCC 12 -O3 miscompiled this loop with the
        // load inside the condition (a lane's first term was lost; LloydBlockEqualsReference).
        for (int64_t i = 0; i < quads; i += 4) {
          for (int l = 0; l < 4; ++l) {
            const double v = values[i + l];
            sum[l] += fresh[i + l] == j ? v : 0.0;
          }
        }
        for (int64_t i = quads; i < count; ++i) {
          const double v = values[i];
          sum[i - quads] += fresh[i] == j ? v : 0.0;
        }
        sums[j * d + f] += FoldLanes(sum);
      }
    }
  } else {
    for (int64_t i = 0; i < count; ++i) {
      const int32_t j = fresh[i];
      const double w = weights == nullptr ? 1.0 : weights[i];
      weight_sums[j] += w;
      for (int f = 0; f < d; ++f)
        sums[j * d + f] += weights == nullptr ? cols[f][i] : cols[f][i] * w;
    }
  }
  return changed;
}

}  // namespace

HITSCOPE_DISPATCH(int64_t, LloydBlock,
                  (int64_t count, int d, const double* const* cols, int k, const double* centers,
                   const double* center_norms, const double* weights, int32_t* labels, double* sums,
                   double* weight_sums),
                  (count, d, cols, k, centers, center_norms, weights, labels, sums, weight_sums))

int64_t LloydBlockReference(int64_t count, int d, const double* rows, int k, const double* centers,
                            const double* center_norms, const double* weights, int32_t* labels,
                            double* sums, double* weight_sums) {
  std::vector<int32_t> fresh(static_cast<size_t>(count));
  AssignNearestReference(count, d, rows, k, centers, center_norms, fresh.data(), nullptr);
  int64_t changed = 0;
  for (int64_t i = 0; i < count; ++i) {
    changed += fresh[i] != labels[i];
    labels[i] = fresh[i];
  }
  if (k <= kMaskedSumClusters) {
    const int64_t quads = count & ~int64_t{3};
    auto lane_of = [&](int64_t i) { return i < quads ? i % 4 : i - quads; };
    for (int j = 0; j < k; ++j) {
      double lane[4] = {0, 0, 0, 0};
      for (int64_t i = 0; i < count; ++i) {
        lane[lane_of(i)] += fresh[i] == j ? (weights == nullptr ? 1.0 : weights[i]) : 0.0;
      }
      weight_sums[j] += FoldLanes(lane);
      for (int f = 0; f < d; ++f) {
        double sum[4] = {0, 0, 0, 0};
        for (int64_t i = 0; i < count; ++i) {
          double value = rows[i * d + f] * (weights == nullptr ? 1.0 : weights[i]);
          sum[lane_of(i)] += fresh[i] == j ? value : 0.0;
        }
        sums[j * d + f] += FoldLanes(sum);
      }
    }
  } else {
    for (int64_t i = 0; i < count; ++i) {
      const double w = weights == nullptr ? 1.0 : weights[i];
      weight_sums[fresh[i]] += w;
      for (int f = 0; f < d; ++f) sums[fresh[i] * d + f] += rows[i * d + f] * w;
    }
  }
  return changed;
}

void AssignNearestReference(int64_t count, int d, const double* rows, int k, const double* centers,
                            const double* center_norms, int32_t* labels, double* scores) {
  for (int64_t i = 0; i < count; ++i) {
    const double* x = rows + i * d;
    double best = 0;
    int32_t label = 0;
    for (int j = 0; j < k; ++j) {
      double score = center_norms[j] - 2.0 * SequentialDot(x, centers + j * d, d);
      if (j == 0 || score < best) {
        best = score;
        label = j;
      }
    }
    labels[i] = label;
    if (scores != nullptr) scores[i] = best;
  }
}

namespace {

HITSCOPE_INLINE void PlusPlusDistancesImpl(int64_t count, int d, const double* const* cols,
                                           const double* norms, const double* center,
                                           double center_norm, double* out) {
  // GemvDot for every point at once: four fused lanes over blocks of four features, then the
  // tail, each step one loop over the points.
  const int m1 = d & ~3;
  double lane[4][kBlockRows];
  for (int64_t first = 0; first < count; first += kBlockRows) {
    const int64_t n = std::min(kBlockRows, count - first);
    double* y = out + first;
    if (m1 > 0) {
      for (auto& l : lane) std::fill_n(l, n, 0.0);
      for (int k = 0; k < m1; k += 4) {
        for (int l = 0; l < 4; ++l) {
          const double c = center[k + l];
          const double* x = cols[k + l] + first;
          double* t = lane[l];
          for (int64_t i = 0; i < n; ++i) t[i] = std::fma(x[i], c, t[i]);
        }
      }
      for (int64_t i = 0; i < n; ++i) y[i] = (lane[0][i] + lane[2][i]) + (lane[1][i] + lane[3][i]);
    } else {
      std::fill_n(y, n, 0.0);
    }
    const double* x0 = m1 < d ? cols[m1] + first : nullptr;
    switch (d - m1) {
      case 1:
        for (int64_t i = 0; i < n; ++i) y[i] = std::fma(x0[i], center[m1], y[i]);
        break;
      case 2: {
        const double* x1 = cols[m1 + 1] + first;
        for (int64_t i = 0; i < n; ++i) {
          y[i] = y[i] + std::fma(x0[i], center[m1], x1[i] * center[m1 + 1]);
        }
        break;
      }
      case 3: {
        const double* x1 = cols[m1 + 1] + first;
        const double* x2 = cols[m1 + 2] + first;
        for (int64_t i = 0; i < n; ++i) {
          y[i] = y[i] + std::fma(x2[i], center[m1 + 2],
                                 std::fma(x0[i], center[m1], x1[i] * center[m1 + 1]));
        }
        break;
      }
      default:
        break;
    }
    for (int64_t i = 0; i < n; ++i) {
      double value = (-2.0 * y[i] + center_norm) + norms[first + i];
      y[i] = value > 0 ? value : 0.0;
    }
  }
}

}  // namespace

HITSCOPE_DISPATCH(void, PlusPlusDistances,
                  (int64_t count, int d, const double* const* cols, const double* norms,
                   const double* center, double center_norm, double* out),
                  (count, d, cols, norms, center, center_norm, out))

void PlusPlusDistancesReference(int64_t count, int d, const double* rows, const double* norms,
                                const double* center, double center_norm, double* out) {
  for (int64_t i = 0; i < count; ++i) {
    double value = (-2.0 * GemvDot(rows + i * d, center, d) + center_norm) + norms[i];
    out[i] = value > 0 ? value : 0.0;
  }
}

namespace {

HITSCOPE_INLINE void SquaredDistancesToPointImpl(int64_t count, int d, const double* const* cols,
                                                 const double* point, double* out) {
  for (int64_t i = 0; i < count; ++i) out[i] = 0;
  for (int f = 0; f < d; ++f) {
    const double pf = point[f];
    const double* xf = cols[f];
    for (int64_t i = 0; i < count; ++i) {
      double t = xf[i] - pf;
      out[i] += t * t;
    }
  }
}

}  // namespace

HITSCOPE_DISPATCH(void, SquaredDistancesToPoint,
                  (int64_t count, int d, const double* const* cols, const double* point,
                   double* out),
                  (count, d, cols, point, out))

void SquaredDistancesToPointReference(int64_t count, int d, const double* rows, const double* point,
                                      double* out) {
  for (int64_t i = 0; i < count; ++i) {
    out[i] = SequentialSquaredDistance(rows + i * d, point, d);
  }
}

namespace {

HITSCOPE_INLINE int64_t CountWithinImpl(int64_t count, int d, const double* const* cols,
                                        const double* point, double radius2) {
  int64_t within = 0;
  for (int64_t first = 0; first < count; first += kBlockRows) {
    const int64_t n = std::min(kBlockRows, count - first);
    double acc[kBlockRows];
    {
      // (0 + t^2) == t^2: the first feature starts the sums.
      const double p0 = point[0];
      const double* x0 = cols[0] + first;
      for (int64_t i = 0; i < n; ++i) {
        double t = x0[i] - p0;
        acc[i] = t * t;
      }
    }
    for (int f = 1; f < d; ++f) {
      const double pf = point[f];
      const double* xf = cols[f] + first;
      for (int64_t i = 0; i < n; ++i) {
        double t = xf[i] - pf;
        acc[i] += t * t;
      }
    }
    for (int64_t i = 0; i < n; ++i) within += acc[i] <= radius2 ? 1 : 0;
  }
  return within;
}

}  // namespace

HITSCOPE_DISPATCH(int64_t, CountWithin,
                  (int64_t count, int d, const double* const* cols, const double* point,
                   double radius2),
                  (count, d, cols, point, radius2))

int64_t CountWithinReference(int64_t count, int d, const double* rows, const double* point,
                             double radius2) {
  int64_t within = 0;
  for (int64_t i = 0; i < count; ++i) {
    if (SequentialSquaredDistance(rows + i * d, point, d) <= radius2) ++within;
  }
  return within;
}

namespace {

HITSCOPE_INLINE void WithinMaskImpl(int64_t count, int d, const double* const* cols,
                                    const double* point, double radius2, uint8_t* mask) {
  double acc[kBlockRows];
  {
    const double p0 = point[0];
    const double* x0 = cols[0];
    for (int64_t i = 0; i < count; ++i) {
      double t = x0[i] - p0;
      acc[i] = t * t;
    }
  }
  for (int f = 1; f < d; ++f) {
    const double pf = point[f];
    const double* xf = cols[f];
    for (int64_t i = 0; i < count; ++i) {
      double t = xf[i] - pf;
      acc[i] += t * t;
    }
  }
  for (int64_t i = 0; i < count; ++i) mask[i] = acc[i] <= radius2 ? 1 : 0;
}

}  // namespace

HITSCOPE_DISPATCH(void, WithinMask,
                  (int64_t count, int d, const double* const* cols, const double* point,
                   double radius2, uint8_t* mask),
                  (count, d, cols, point, radius2, mask))

}  // namespace hitscope::cluster
