// What k-means does with an empty cluster (sklearn _relocate_empty_clusters_dense).
#include <algorithm>
#include <numeric>

#include "core/parallel.hpp"
#include "learn/cluster/kmeans_parts.hpp"

namespace hitscope::cluster {

void RelocateEmptyClusters(const KMeansData& data, std::span<const double> centers_old,
                           std::span<const int32_t> labels, std::span<double> sums,
                           std::span<double> weight_in_clusters) {
  const int d = data.d;
  std::vector<int> empty;
  for (size_t j = 0; j < weight_in_clusters.size(); ++j) {
    if (weight_in_clusters[j] == 0) empty.push_back(static_cast<int>(j));
  }
  if (empty.empty()) return;

  // ((X - centers_old[labels])**2).sum(axis=1), each row summed as numpy sums a short row.
  std::vector<double> distances(static_cast<size_t>(data.n));
  ParallelFor(static_cast<size_t>(data.n), 16384, [&](size_t begin, size_t end) {
    std::vector<double> terms(static_cast<size_t>(d));
    for (size_t row = begin; row < end; ++row) {
      const double* x = data.Row(static_cast<int64_t>(row));
      const double* c = centers_old.data() + labels[row] * d;
      for (int f = 0; f < d; ++f) terms[f] = (x[f] - c[f]) * (x[f] - c[f]);
      distances[row] = NumpySum(terms);
    }
  });
  // The len(empty) farthest rows, farthest first (ties: lowest row).
  std::vector<int64_t> order(static_cast<size_t>(data.n));
  std::iota(order.begin(), order.end(), int64_t{0});
  auto farther = [&](int64_t a, int64_t b) {
    return distances[a] > distances[b] || (distances[a] == distances[b] && a < b);
  };
  const auto n_empty = static_cast<int64_t>(std::min<size_t>(empty.size(), order.size()));
  std::partial_sort(order.begin(), order.begin() + n_empty, order.end(), farther);

  for (int64_t idx = 0; idx < n_empty; ++idx) {
    const int new_cluster = empty[idx];
    const int64_t far = order[idx];
    const double weight = data.weights[static_cast<size_t>(far)];
    const int old_cluster = labels[far];
    const double* x = data.Row(far);
    for (int f = 0; f < d; ++f) {
      sums[old_cluster * d + f] -= x[f] * weight;
      sums[new_cluster * d + f] = x[f] * weight;
    }
    weight_in_clusters[new_cluster] = weight;
    weight_in_clusters[old_cluster] -= weight;
  }
}

}  // namespace hitscope::cluster
