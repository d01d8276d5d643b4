#include "evaluate/cluster_indices/silhouette_kernel.hpp"

#include <cassert>
#include <cmath>

#include "learn/cluster/simd.hpp"

namespace hitscope::cluster {

namespace {

constexpr int kLanes = 8;

double Fold(const double* lanes) {
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
         ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

}  // namespace

namespace {

HITSCOPE_INLINE void TileDistanceSumsImpl(int64_t na, int64_t nb, int d,
                                          const double* const* a_cols, const double* const* b_cols,
                                          double* row_sums, double* col_sums) {
  assert(nb <= kTileRows);
  // Whole passes over the block's points, each a simple loop the compiler vectorises: squared
  // distances feature by feature, square roots, then the lane sums.
  double dist[kTileRows];
  for (int64_t i = 0; i < na; ++i) {
    const double p0 = a_cols[0][i];
    const double* b0 = b_cols[0];
    for (int64_t j = 0; j < nb; ++j) {
      double t = b0[j] - p0;
      dist[j] = t * t;
    }
    for (int f = 1; f < d; ++f) {
      const double pf = a_cols[f][i];
      const double* bf = b_cols[f];
      for (int64_t j = 0; j < nb; ++j) {
        double t = bf[j] - pf;
        dist[j] += t * t;
      }
    }
    for (int64_t j = 0; j < nb; ++j) dist[j] = std::sqrt(dist[j]);
    double lanes[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t j0 = 0;
    for (; j0 + kLanes <= nb; j0 += kLanes) {
      for (int l = 0; l < kLanes; ++l) lanes[l] += dist[j0 + l];
    }
    for (int64_t j = j0; j < nb; ++j) lanes[j - j0] += dist[j];
    if (col_sums != nullptr) {
      for (int64_t j = 0; j < nb; ++j) col_sums[j] += dist[j];
    }
    row_sums[i] = Fold(lanes);
  }
}

}  // namespace

HITSCOPE_DISPATCH(void, TileDistanceSums,
                  (int64_t na, int64_t nb, int d, const double* const* a_cols,
                   const double* const* b_cols, double* row_sums, double* col_sums),
                  (na, nb, d, a_cols, b_cols, row_sums, col_sums))

void TileDistanceSumsReference(int64_t na, int64_t nb, int d, const double* a_rows,
                               const double* b_rows, double* row_sums, double* col_sums) {
  for (int64_t i = 0; i < na; ++i) {
    double lanes[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int64_t j = 0; j < nb; ++j) {
      double squared = 0;
      for (int f = 0; f < d; ++f) {
        double t = b_rows[j * d + f] - a_rows[i * d + f];
        squared += t * t;
      }
      double dist = std::sqrt(squared);
      lanes[j % kLanes] += dist;
      if (col_sums != nullptr) col_sums[j] += dist;
    }
    row_sums[i] = Fold(lanes);
  }
}

}  // namespace hitscope::cluster
