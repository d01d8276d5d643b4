// learn/neighbors/distance_kernels.hpp: the squared Euclidean distance loops of the neighbour
// search. Every distance is sum_j (query_j - point_j)^2 added in feature order, in double
// precision and without fused multiply-add, exactly as scikit-learn's euclidean_rdist, so the
// block kernel (several points at once, vectorised across points) gives the same bits as the
// scalar reference.
#pragma once

#include <cstdint>

namespace hitscope::neighbors {

// The scalar reference: one pair of points, `features` values each.
double SquaredDistance(const double* a, const double* b, int64_t features);

// Points per vector chunk of the block kernel.
inline constexpr int64_t kLanes = 8;

// Squared distances from `query` to `count` points stored feature-major with row stride
// `stride` (feature j of point p at block[j * stride + p]), into out[0 .. count). Eight points
// at a time, each kept in a register across the features; a block whose stride is a multiple
// of kLanes may be read past `count` up to the stride (padding).
void SquaredDistancesToBlock(const double* query, const double* block, int64_t count,
                             int64_t stride, int64_t features, double* out);

// Points per vector chunk of the single-precision kernel.
inline constexpr int64_t kLanesF32 = 16;

// Squared distances in single precision, a fast filter in front of the exact distances (see
// FilterThreshold): query and points rounded to float, summed in any order. The block is
// feature-major with a stride that is a multiple of kLanesF32, padded with +inf; out must hold
// `stride` values. A group of kLanesF32 points whose partial sums all exceed `threshold` is
// abandoned early and reported as +inf (its full sums exceed the threshold too); every value
// <= threshold is the full sum.
void SquaredDistancesToBlockF32(const float* query, const float* block, int64_t stride,
                                int64_t features, float threshold, float* out);

// A threshold T such that a point whose single-precision squared distance (as computed by
// SquaredDistancesToBlockF32) exceeds T has an exact squared distance above `bound` (so it can
// be skipped). `error` is the per-query rounding scale FilterError gives. T is +inf when bound is.
double FilterThreshold(double bound, double error, int64_t features);

// The rounding scale of a query: 2.0001 u sqrt(sum_j (|q_j| + max_abs_j)^2) + a subnormal term,
// u = 2^-24, max_abs_j the largest |value| of feature j among the points. It bounds the
// single-precision error of every coordinate difference (both values rounded to float, then
// subtracted).
double FilterError(const double* query, const double* max_abs, int64_t features);

}  // namespace hitscope::neighbors
