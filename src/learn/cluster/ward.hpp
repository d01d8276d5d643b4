// learn/cluster/ward.hpp: Ward's agglomerative clustering of a few thousand points, as
// scipy.cluster.hierarchy.ward (nearest-neighbour chain on the condensed Euclidean distances,
// Lance-Williams updates) cut into k clusters as sklearn's AgglomerativeClustering(_hc_cut).
// Used by BIRCH's global step. Memory: 8 m (m - 1) / 2 bytes for m points. Internal.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace hitscope::cluster {

struct Linkage {
  // children[i] merged into node m + i (scipy's Z[:, :2] after relabelling), merge distances
  // ascending.
  std::vector<std::array<int64_t, 2>> children;
  std::vector<double> distances;
};

// scipy.cluster.hierarchy.ward(rows) for m x d row-major points. REQUIRES: m >= 2.
Linkage WardLinkage(const double* rows, int64_t m, int d);

// sklearn _hc_cut: labels 0..k-1 of the m leaves for k clusters. REQUIRES: 1 <= k <= m, and a
// linkage of m leaves (m >= 2).
std::vector<int32_t> CutTree(const Linkage& linkage, int64_t m, int k);

}  // namespace hitscope::cluster
