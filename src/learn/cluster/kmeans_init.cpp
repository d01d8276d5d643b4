// How k-means starts: greedy k-means++ and random rows, drawing the numbers numpy would.
#include <algorithm>
#include <cmath>

#include "core/parallel.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/kmeans_parts.hpp"

namespace hitscope::cluster {

namespace {

// D(x)^2 of every row to row `center`, as sklearn's _euclidean_distances(squared=True).
void DistancesToRow(const KMeansData& data, int64_t center, double* out) {
  const double* c = data.Row(center);
  const double norm = data.sq_norms[static_cast<size_t>(center)];
  ParallelFor(static_cast<size_t>(data.n), 32768, [&](size_t begin, size_t end) {
    std::vector<const double*> cols(static_cast<size_t>(data.d));
    for (int f = 0; f < data.d; ++f) cols[f] = data.cols[f] + begin;
    PlusPlusDistances(static_cast<int64_t>(end - begin), data.d, cols.data(),
                      data.sq_norms.data() + begin, c, norm, out + begin);
  });
}

}  // namespace

InitialCenters KMeansPlusPlus(const KMeansData& data, int k, NumpyRandomState& rng,
                              int n_local_trials) {
  const int64_t n = data.n;
  const int d = data.d;
  if (n_local_trials <= 0) n_local_trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  InitialCenters result;
  result.centers.resize(static_cast<size_t>(k) * d);
  result.indices.assign(static_cast<size_t>(k), -1);

  int64_t first = rng.RandInt(n);
  std::copy_n(data.Row(first), d, result.centers.data());
  result.indices[0] = first;

  std::vector<double> closest(static_cast<size_t>(n));
  DistancesToRow(data, first, closest.data());
  double current_pot = NumpySum(closest);

  std::vector<double> cumulative(static_cast<size_t>(n));
  std::vector<std::vector<double>> candidate_dist(static_cast<size_t>(n_local_trials),
                                                  std::vector<double>(static_cast<size_t>(n)));
  std::vector<int64_t> candidates(static_cast<size_t>(n_local_trials));
  std::vector<double> potentials(static_cast<size_t>(n_local_trials));
  for (int c = 1; c < k; ++c) {
    // Candidates with probability proportional to D(x)^2: np.searchsorted(cumsum, u * pot).
    std::vector<double> targets(static_cast<size_t>(n_local_trials));
    for (double& target : targets) target = rng.RandomSample() * current_pot;
    NumpyCumsum(closest, cumulative);
    for (int t = 0; t < n_local_trials; ++t) {
      auto it = std::lower_bound(cumulative.begin(), cumulative.end(), targets[t]);
      candidates[t] = std::min<int64_t>(it - cumulative.begin(), n - 1);
    }
    for (int t = 0; t < n_local_trials; ++t) {
      std::vector<double>& dist = candidate_dist[t];
      DistancesToRow(data, candidates[t], dist.data());
      ParallelFor(static_cast<size_t>(n), 65536, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) dist[i] = std::min(closest[i], dist[i]);
      });
      potentials[t] = NumpySum(dist);
    }
    int best = static_cast<int>(std::min_element(potentials.begin(), potentials.end()) -
                                potentials.begin());
    current_pot = potentials[best];
    closest.swap(candidate_dist[best]);
    std::copy_n(data.Row(candidates[best]), d, result.centers.data() + c * d);
    result.indices[c] = candidates[best];
  }
  return result;
}

InitialCenters RandomRows(const KMeansData& data, int k, NumpyRandomState& rng) {
  std::vector<int64_t> order = rng.Permutation(data.n);
  InitialCenters result;
  result.indices.assign(order.begin(), order.begin() + k);
  result.centers.resize(static_cast<size_t>(k) * data.d);
  for (int c = 0; c < k; ++c) {
    std::copy_n(data.Row(result.indices[c]), data.d, result.centers.data() + c * data.d);
  }
  return result;
}

}  // namespace hitscope::cluster
