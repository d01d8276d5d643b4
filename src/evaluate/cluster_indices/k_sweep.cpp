// The k sweep: k-means for each k and its indices, with the elbow and the best k by each index.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include <hitscope/cluster_indices.hpp>
#include <hitscope/error.hpp>

#include "core/progress.hpp"

namespace hitscope {

namespace {

// The "kneedle" elbow of a decreasing curve: the point farthest below the chord from the first
// to the last point, both axes scaled to [0, 1].
int ElbowK(const std::vector<KSweepPoint>& points) {
  if (points.size() < 3) return points.front().k;
  double lo = points.front().inertia, hi = lo;
  for (const auto& p : points) {
    lo = std::min(lo, p.inertia);
    hi = std::max(hi, p.inertia);
  }
  if (hi == lo) return points.front().k;
  const double k0 = points.front().k, k1 = points.back().k;
  const double y0 = (points.front().inertia - lo) / (hi - lo);
  const double y1 = (points.back().inertia - lo) / (hi - lo);
  int best = points.front().k;
  double best_gap = -1;
  for (const auto& p : points) {
    const double t = (p.k - k0) / (k1 - k0);
    const double chord = y0 + t * (y1 - y0);
    const double gap = chord - (p.inertia - lo) / (hi - lo);
    if (gap > best_gap) {
      best_gap = gap;
      best = p.k;
    }
  }
  return best;
}

}  // namespace

KSweepResult KSweep(const Matrix& x, const KSweepOptions& options) {
  if (options.k_min < 2 || options.k_max < options.k_min) {
    throw InvalidArgument(
        fmt::format("k sweep: need 2 <= k_min <= k_max (the indices need two clusters), got {}..{}",
                    options.k_min, options.k_max));
  }
  if (options.k_max > x.rows() - 1) {
    throw InvalidInput(fmt::format(
        "k sweep: k up to {} needs at least {} rows (the indices need rows > k), the data has {}",
        options.k_max, options.k_max + 1, x.rows()));
  }
  KSweepResult result;
  Progress progress("k sweep", static_cast<uint64_t>(options.k_max - options.k_min + 1), "k");
  for (int k = options.k_min; k <= options.k_max; ++k) {
    KMeansOptions kmeans = options.kmeans;
    kmeans.n_clusters = k;
    KMeans model(kmeans);
    model.Fit(x);
    KSweepPoint point;
    point.k = k;
    point.inertia = model.inertia();
    const Labels& labels = model.labels();
    const int distinct = static_cast<int>(std::set<int32_t>(labels.begin(), labels.end()).size());
    if (distinct >= 2) {
      if (!options.silhouette) {
        point.silhouette = std::nan("");
      } else if (x.rows() <= options.exact_silhouette_rows) {
        point.silhouette = SilhouetteScore(x, labels);
      } else {
        SampledSilhouette sampled =
            SilhouetteSampled(x, labels, options.silhouette_sample_size, options.silhouette_repeats,
                              options.kmeans.seed);
        point.silhouette = sampled.value;
        point.silhouette_standard_error = sampled.standard_error;
        point.silhouette_exact = false;
      }
      point.calinski_harabasz = CalinskiHarabaszScore(x, labels);
      point.davies_bouldin = DaviesBouldinScore(x, labels);
    } else {
      // Duplicate rows can leave k-means with one distinct cluster: no index is defined.
      point.silhouette = point.calinski_harabasz = point.davies_bouldin = std::nan("");
    }
    result.points.push_back(point);
    progress.Add(1);
  }
  progress.Finish();
  result.elbow_k = ElbowK(result.points);
  auto best = [&](auto key, bool highest) {
    int k = result.points.front().k;
    double value = highest ? -INFINITY : INFINITY;
    for (const auto& p : result.points) {
      double v = key(p);
      if (std::isnan(v)) continue;
      if (highest ? v > value : v < value) {
        value = v;
        k = p.k;
      }
    }
    return k;
  };
  result.best_silhouette_k = best([](const KSweepPoint& p) { return p.silhouette; }, true);
  result.best_calinski_harabasz_k =
      best([](const KSweepPoint& p) { return p.calinski_harabasz; }, true);
  result.best_davies_bouldin_k = best([](const KSweepPoint& p) { return p.davies_bouldin; }, false);
  return result;
}

}  // namespace hitscope
