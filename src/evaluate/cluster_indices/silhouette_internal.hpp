// evaluate/cluster_indices/silhouette_internal.hpp: the two ways the exact silhouette can run,
// exposed so that the tests check they agree. Internal.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope::cluster {

enum class SilhouetteScheme {
  kAuto,         // pair tiles while rows x clusters sums fit in 128 MiB, else row segments
  kPairTiles,    // each pair of rows once; fixed-point sums per (row, cluster)
  kRowSegments,  // each row against all rows; memory per segment only
};

std::vector<double> SilhouetteSamplesUsing(const Matrix& x, std::span<const int32_t> labels,
                                           SilhouetteScheme scheme);

}  // namespace hitscope::cluster
