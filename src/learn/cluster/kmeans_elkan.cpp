// How k-means steps, Elkan's way (sklearn _kmeans_single_elkan, init_bounds_dense and
// elkan_iter_chunked_dense): the same assignments as Lloyd, with triangle-inequality bounds
// that skip most distance computations once the centres settle.
#include <algorithm>
#include <cmath>

#include "core/parallel.hpp"
#include "learn/cluster/blas_order.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/kmeans_step.hpp"

namespace hitscope::cluster {

namespace {

constexpr int64_t kTaskRows = 16 * kBlockRows;

double Distance(const double* a, const double* b, int d) {
  return std::sqrt(SklearnSquaredDistance(a, b, d));
}

struct CenterGeometry {
  std::vector<double> half;  // k x k: half the distance between centres
  std::vector<double> next;  // k: half the distance to the nearest other centre
};

// euclidean_distances(centers) / 2 as sklearn computes it (||a||^2 - 2 a.b + ||b||^2, clipped at
// 0, zero diagonal) and np.partition(..., kth=1, axis=0)[1].
CenterGeometry Geometry(std::span<const double> centers, int k, int d) {
  CenterGeometry g;
  g.half.assign(static_cast<size_t>(k * k), 0.0);
  std::vector<double> norms(static_cast<size_t>(k));
  for (int j = 0; j < k; ++j) norms[j] = EinsumDot(&centers[j * d], &centers[j * d], d);
  for (int a = 0; a < k; ++a) {
    for (int b = 0; b < k; ++b) {
      if (a == b) continue;
      double squared = (-2.0 * BlasDot(&centers[a * d], &centers[b * d], d) + norms[a]) + norms[b];
      g.half[a * k + b] = std::sqrt(std::max(squared, 0.0)) / 2;
    }
  }
  g.next.resize(static_cast<size_t>(k));
  std::vector<double> column(static_cast<size_t>(k));
  for (int j = 0; j < k; ++j) {
    for (int i = 0; i < k; ++i) column[i] = g.half[i * k + j];
    std::nth_element(column.begin(), column.begin() + 1, column.end());
    g.next[j] = column[1];
  }
  return g;
}

void InitBounds(const KMeansData& data, std::span<const double> centers, int k,
                const CenterGeometry& g, std::span<int32_t> labels, std::span<double> upper,
                std::span<double> lower) {
  const int d = data.d;
  ParallelFor(static_cast<size_t>(data.n), kTaskRows, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const double* x = data.Row(static_cast<int64_t>(i));
      double* lb = &lower[i * k];
      int best = 0;
      double min_dist = Distance(x, &centers[0], d);
      lb[0] = min_dist;
      for (int j = 1; j < k; ++j) {
        if (min_dist > g.half[best * k + j]) {
          double dist = Distance(x, &centers[j * d], d);
          lb[j] = dist;
          if (dist < min_dist) {
            min_dist = dist;
            best = j;
          }
        }
      }
      labels[i] = best;
      upper[i] = min_dist;
    }
  });
}

// One Elkan pass; with `sums` not empty also the weighted sums of the M-step.
void ElkanPass(const KMeansData& data, std::span<const double> centers, int k,
               const CenterGeometry& g, std::span<int32_t> labels, std::span<double> upper,
               std::span<double> lower, std::span<double> sums, std::span<double> weights) {
  const int d = data.d;
  const int64_t tasks = (data.n + kTaskRows - 1) / kTaskRows;
  const bool update = !sums.empty();
  const size_t sums_size = static_cast<size_t>(k) * d;
  std::vector<double> task_sums(update ? static_cast<size_t>(tasks) * sums_size : 0, 0.0);
  std::vector<double> task_weights(update ? static_cast<size_t>(tasks * k) : 0, 0.0);
  ParallelFor(static_cast<size_t>(tasks), 1, [&](size_t begin, size_t end) {
    for (size_t task = begin; task < end; ++task) {
      const int64_t first = static_cast<int64_t>(task) * kTaskRows;
      const int64_t last = std::min(data.n, first + kTaskRows);
      for (int64_t i = first; i < last; ++i) {
        const double* x = data.Row(i);
        double* lb = &lower[i * k];
        double upper_bound = upper[i];
        bool tight = false;
        int label = labels[i];
        if (!(g.next[label] >= upper_bound)) {
          for (int j = 0; j < k; ++j) {
            if (j != label && upper_bound > lb[j] && upper_bound > g.half[label * k + j]) {
              if (!tight) {
                upper_bound = Distance(x, &centers[label * d], d);
                lb[label] = upper_bound;
                tight = true;
              }
              if (upper_bound > lb[j] || upper_bound > g.half[label * k + j]) {
                double distance = Distance(x, &centers[j * d], d);
                lb[j] = distance;
                if (distance < upper_bound) {
                  label = j;
                  upper_bound = distance;
                }
              }
            }
          }
          labels[i] = label;
          upper[i] = upper_bound;
        }
        if (update) {
          const double weight = data.weights[i];
          task_weights[task * k + label] += weight;
          double* target = &task_sums[task * sums_size + label * d];
          for (int f = 0; f < d; ++f) target[f] += x[f] * weight;
        }
      }
    }
  });
  if (!update) return;
  std::fill(sums.begin(), sums.end(), 0.0);
  std::fill(weights.begin(), weights.end(), 0.0);
  for (int64_t task = 0; task < tasks; ++task) {
    for (size_t i = 0; i < sums_size; ++i) sums[i] += task_sums[task * sums_size + i];
    for (int j = 0; j < k; ++j) weights[j] += task_weights[task * k + j];
  }
}

}  // namespace

KMeansRun RunElkan(const KMeansData& data, std::vector<double> centers, int max_iter, double tol) {
  const int d = data.d;
  const int k = static_cast<int>(centers.size()) / d;
  const auto n = static_cast<size_t>(data.n);
  KMeansRun run;
  run.labels.assign(n, -1);
  std::vector<int32_t> labels_old(n, -1);
  std::vector<double> upper(n, 0.0), lower(n * k, 0.0);
  std::vector<double> centers_new(centers.size()), weights(static_cast<size_t>(k)),
      shift(static_cast<size_t>(k));
  CenterGeometry geometry = Geometry(centers, k, d);
  InitBounds(data, centers, k, geometry, run.labels, upper, lower);
  bool strict = false;
  int iteration = 0;
  for (; iteration < max_iter; ++iteration) {
    ElkanPass(data, centers, k, geometry, run.labels, upper, lower, centers_new, weights);
    FinishMStep(data, centers, run.labels, centers_new, weights, shift);
    ParallelFor(n, kTaskRows, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        upper[i] += shift[run.labels[i]];
        for (int j = 0; j < k; ++j) {
          double& bound = lower[i * k + j];
          bound -= shift[j];
          if (bound < 0) bound = 0;
        }
      }
    });
    geometry = Geometry(centers_new, k, d);
    centers.swap(centers_new);
    if (Converged(run.labels, labels_old, shift, tol, &strict)) break;
    labels_old = run.labels;
  }
  run.n_iter = std::min(iteration + 1, max_iter);
  if (!strict) ElkanPass(data, centers, k, geometry, run.labels, upper, lower, {}, {});
  run.inertia = Inertia(data, centers, run.labels);
  run.centers = std::move(centers);
  return run;
}

}  // namespace hitscope::cluster
