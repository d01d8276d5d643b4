// learn/cluster/kernels.hpp: the hot loops of clustering (distances and argmin), each with a
// plain scalar reference that the tests compare bit for bit at awkward sizes.
//
// Points come feature-major ("SoA": cols[f][i] is feature f of point i) so that the loops run
// over points and vectorise; centres are row-major (k x d). Every kernel computes each value with
// the same operations in the same order as its reference (no fused multiply-add, no
// reassociation), so results are identical whichever instruction set runs them (an AVX2 clone
// is picked at run time where the CPU has it). Pure functions, safe from many threads.
#pragma once

#include <cstdint>

namespace hitscope::cluster {

// Points per block in the blocked loops (as scikit-learn's CHUNK_SIZE).
inline constexpr int64_t kBlockRows = 256;

// Squared Euclidean distance summed as scikit-learn's _euclidean_dense_dense: groups of four
// terms ((t0 + t1) + t2) + t3 added to the running result, then the remainder one by one.
inline double SklearnSquaredDistance(const double* a, const double* b, int d) {
  double result = 0;
  int f = 0;
  for (; f + 4 <= d; f += 4) {
    double t0 = a[f] - b[f], t1 = a[f + 1] - b[f + 1], t2 = a[f + 2] - b[f + 2],
           t3 = a[f + 3] - b[f + 3];
    result += t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
  }
  for (; f < d; ++f) {
    double t = a[f] - b[f];
    result += t * t;
  }
  return result;
}

// Squared distance summed left to right, ((0 + t0^2) + t1^2) + ... (scipy's pdist, the
// kd-tree's reduced distance).
inline double SequentialSquaredDistance(const double* a, const double* b, int d) {
  double result = 0;
  for (int f = 0; f < d; ++f) {
    double t = a[f] - b[f];
    result += t * t;
  }
  return result;
}

// Dot product summed left to right from the first product: x0 c0 + x1 c1 + ...
inline double SequentialDot(const double* a, const double* b, int d) {
  double result = a[0] * b[0];
  for (int f = 1; f < d; ++f) result += a[f] * b[f];
  return result;
}

// Lloyd's assignment step for `count` points (<= kBlockRows): the centre j minimising
// ||c_j||^2 - 2 x.c_j (the part of the squared distance that depends on j, as scikit-learn's
// _update_chunk_dense), ties to the lowest j. Writes labels[i] and, if `scores` is not null,
// the minimum. REQUIRES: d >= 1, k >= 1.
void AssignNearest(int64_t count, int d, const double* const* cols, int k, const double* centers,
                   const double* center_norms, int32_t* labels, double* scores);
// The reference: points row-major (count x d).
void AssignNearestReference(int64_t count, int d, const double* rows, int k, const double* centers,
                            const double* center_norms, int32_t* labels, double* scores);

// Lloyd's whole step for one block of `count` points (<= kBlockRows): the assignment of
// AssignNearest, written over `labels` (which hold the previous labels on entry), and the block's
// weighted sums added to `sums` (k x d) and `weight_sums` (k). `weights` null means all ones.
// Returns how many labels changed. The block's sums are computed per cluster in four lanes
// (lane i mod 4, each in increasing i) folded as (l0 + l2) + (l1 + l3) when k <= 8, else in row
// order; then added to the running sums. REQUIRES: d >= 1, k >= 1.
int64_t LloydBlock(int64_t count, int d, const double* const* cols, int k, const double* centers,
                   const double* center_norms, const double* weights, int32_t* labels, double* sums,
                   double* weight_sums);
int64_t LloydBlockReference(int64_t count, int d, const double* rows, int k, const double* centers,
                            const double* center_norms, const double* weights, int32_t* labels,
                            double* sums, double* weight_sums);

// The k-means++ distance of `count` points to one centre, as scikit-learn's
// _euclidean_distances(centre, X, Y_norm_squared, squared=True):
// max((-2 x.c + ||c||^2) + ||x||^2, 0), with x.c summed as GemvDot (blas_order.hpp).
void PlusPlusDistances(int64_t count, int d, const double* const* cols, const double* norms,
                       const double* center, double center_norm, double* out);
void PlusPlusDistancesReference(int64_t count, int d, const double* rows, const double* norms,
                                const double* center, double center_norm, double* out);

// Squared distances (SequentialSquaredDistance) from one point to `count` points:
// out[i] = sum_f (cols[f][i] - point[f])^2, summed left to right over f.
void SquaredDistancesToPoint(int64_t count, int d, const double* const* cols, const double* point,
                             double* out);
void SquaredDistancesToPointReference(int64_t count, int d, const double* rows, const double* point,
                                      double* out);

// How many of `count` points lie within the radius of `point`: squared distance (summed left
// to right, as SquaredDistancesToPoint) <= radius2. DBSCAN's neighbour test.
int64_t CountWithin(int64_t count, int d, const double* const* cols, const double* point,
                    double radius2);
int64_t CountWithinReference(int64_t count, int d, const double* rows, const double* point,
                             double radius2);
// The same test, one byte per point (1: within). REQUIRES: count <= kBlockRows.
void WithinMask(int64_t count, int d, const double* const* cols, const double* point,
                double radius2, uint8_t* mask);

}  // namespace hitscope::cluster
