// evaluate/cluster_indices/silhouette_kernel.hpp: the hot loop of the silhouette: Euclidean
// distance sums over a tile of row pairs, with a plain scalar reference that the tests compare
// bit for bit at awkward sizes. Internal.
#pragma once

#include <cstdint>

namespace hitscope::cluster {

// Rows per tile side.
inline constexpr int64_t kTileRows = 256;

// For a tile of na rows `a` against nb rows `b` (both feature-major: a_cols[f][i]):
//   row_sums[i]  = sum over j of d(a_i, b_j), accumulated in 8 lanes (lane j mod 8, each in
//                  increasing j) folded as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7));
//   col_sums[j] += d(a_i, b_j) for i = 0..na-1 in order (skipped when col_sums is null);
// with d = sqrt of the squared differences summed in feature order. REQUIRES: d >= 1,
// nb <= kTileRows.
void TileDistanceSums(int64_t na, int64_t nb, int d, const double* const* a_cols,
                      const double* const* b_cols, double* row_sums, double* col_sums);
// The reference, on row-major points.
void TileDistanceSumsReference(int64_t na, int64_t nb, int d, const double* a_rows,
                               const double* b_rows, double* row_sums, double* col_sums);

}  // namespace hitscope::cluster
