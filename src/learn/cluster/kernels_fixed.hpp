// learn/cluster/kernels_fixed.hpp: LloydBlock for a fixed number of features (1..8) and at most
// kFixedClusters clusters, with four points at a time held in vector registers: each point's
// features are loaded once, every centre's score and the running minimum stay in registers, and
// the per-cluster sums are masked adds into register accumulators. It computes every value with
// the same operations in the same order as LloydBlockReference (so the results are the same
// bits); only faster. Internal to kernels.cpp.
#pragma once

#include <cstdint>
#include <cstring>

// The 32-byte vector type below is only passed between always-inline functions, so the ABI note
// GCC gives for it in the baseline (non-AVX) build does not apply.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace hitscope::cluster::fixed {

inline constexpr int kFixedClusters = 8;

typedef double V4 __attribute__((vector_size(32)));
typedef int64_t M4 __attribute__((vector_size(32)));
typedef int32_t L4 __attribute__((vector_size(16)));

[[gnu::always_inline]] inline V4 Load(const double* p) {
  V4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

[[gnu::always_inline]] inline double Fold(V4 v) {
  return (v[0] + v[2]) + (v[1] + v[3]);
}

// K > 0: exactly K clusters (loops unrolled, accumulators in registers); K == 0: k at run time
// (at most kFixedClusters).
template <int K, int D>
[[gnu::always_inline]] inline int64_t LloydBlockFixed(int64_t count, const double* const* cols,
                                                      int runtime_k, const double* centers,
                                                      const double* norms, const double* weights,
                                                      int32_t* labels, double* sums,
                                                      double* weight_sums) {
  const int k = K > 0 ? K : runtime_k;
  const V4 zero = {0, 0, 0, 0};
  V4 sum[K > 0 ? K : kFixedClusters][D];
  V4 weight[K > 0 ? K : kFixedClusters];
  for (int j = 0; j < k; ++j) {
    weight[j] = zero;
    for (int f = 0; f < D; ++f) sum[j][f] = zero;
  }
  int64_t changed = 0;
  const int64_t quads = count & ~int64_t{3};
  for (int64_t i = 0; i < quads; i += 4) {
    V4 x[D];
    for (int f = 0; f < D; ++f) x[f] = Load(cols[f] + i);
    V4 best = zero, best_label = zero;
    for (int j = 0; j < k; ++j) {
      const double* c = centers + j * D;
      V4 dot = x[0] * c[0];
      for (int f = 1; f < D; ++f) dot = dot + x[f] * c[f];
      const V4 score = norms[j] - 2.0 * dot;
      if (j == 0) {
        best = score;
        continue;
      }
      const M4 closer = score < best;
      best = closer ? score : best;
      best_label = closer ? V4{1, 1, 1, 1} * static_cast<double>(j) : best_label;
    }
    const V4 w = weights == nullptr ? V4{1, 1, 1, 1} : Load(weights + i);
    const L4 fresh = __builtin_convertvector(best_label, L4);
    L4 old;
    std::memcpy(&old, labels + i, sizeof old);
    const L4 differ = fresh != old;
    changed -= differ[0] + differ[1] + differ[2] + differ[3];
    std::memcpy(labels + i, &fresh, sizeof fresh);
    for (int j = 0; j < k; ++j) {
      const M4 mine = best_label == static_cast<double>(j);
      weight[j] += mine ? w : zero;
      for (int f = 0; f < D; ++f) {
        const V4 value = weights == nullptr ? x[f] : x[f] * w;
        sum[j][f] += mine ? value : zero;
      }
    }
  }
  // The last count % 4 points one by one, into lanes 0, 1, 2 (as the reference).
  for (int64_t i = quads; i < count; ++i) {
    const int lane = static_cast<int>(i - quads);
    double x[D];
    for (int f = 0; f < D; ++f) x[f] = cols[f][i];
    double best = 0;
    int32_t label = 0;
    for (int j = 0; j < k; ++j) {
      const double* c = centers + j * D;
      double dot = x[0] * c[0];
      for (int f = 1; f < D; ++f) dot = dot + x[f] * c[f];
      const double score = norms[j] - 2.0 * dot;
      if (j == 0 || score < best) {
        best = score;
        label = j;
      }
    }
    changed += label != labels[i];
    labels[i] = label;
    const double w = weights == nullptr ? 1.0 : weights[i];
    weight[label][lane] += w;
    for (int f = 0; f < D; ++f) sum[label][f][lane] += weights == nullptr ? x[f] : x[f] * w;
  }
  for (int j = 0; j < k; ++j) {
    weight_sums[j] += Fold(weight[j]);
    for (int f = 0; f < D; ++f) sums[j * D + f] += Fold(sum[j][f]);
  }
  return changed;
}

}  // namespace hitscope::cluster::fixed

#pragma GCC diagnostic pop
