// The k-means skeleton (sklearn KMeans.fit): check, centre, then n_init runs of start + steps,
// keeping the lowest inertia.
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/cluster.hpp>
#include <hitscope/error.hpp>

#include "core/progress.hpp"
#include "core/trace.hpp"
#include "learn/cluster/kmeans_parts.hpp"

namespace hitscope {

using cluster::KMeansData;
using cluster::KMeansRun;

namespace {

void CheckOptions(const KMeansOptions& o, int64_t cols) {
  cluster::ValidateClusterCount(o.n_clusters, std::numeric_limits<int64_t>::max(), "k-means");
  if (o.n_init < 1)
    throw InvalidArgument(fmt::format("k-means: n_init must be >= 1, got {}", o.n_init));
  if (o.max_iter < 1) {
    throw InvalidArgument(fmt::format("k-means: max_iter must be >= 1, got {}", o.max_iter));
  }
  if (!(o.tol >= 0) || !std::isfinite(o.tol)) {
    throw InvalidArgument(fmt::format("k-means: tol must be a finite number >= 0, got {}", o.tol));
  }
  if (o.init != KMeansInit::kGiven) return;
  const Matrix& c = o.initial_centers;
  if (c.rows() != o.n_clusters || c.cols() != cols) {
    throw InvalidArgument(fmt::format(
        "k-means: initial_centers is {} x {}, but k = {} clusters of {} features need {} x {}",
        c.rows(), c.cols(), o.n_clusters, cols, o.n_clusters, cols));
  }
  for (double v : c.data()) {
    if (!std::isfinite(v)) throw InvalidArgument("k-means: initial_centers holds NaN or inf");
  }
}

}  // namespace

KMeans::KMeans(KMeansOptions options) : options_(std::move(options)) {}

void KMeans::Fit(const Matrix& x, std::span<const double> sample_weight) {
  TraceScope trace("k-means fit");
  const int k = options_.n_clusters;
  CheckOptions(options_, x.cols());
  cluster::ValidateClusterInput(x, sample_weight, "k-means");
  cluster::ValidateClusterCount(k, x.rows(), "k-means");
  fitted_ = false;

  const int64_t n = x.rows();
  const int d = static_cast<int>(x.cols());
  const double tol = cluster::ScaledTolerance(x, options_.tol);
  const int n_init = options_.init == KMeansInit::kGiven ? 1 : options_.n_init;
  // sklearn centres X on its column means before anything else (more accurate distances).
  const std::vector<double> mean = cluster::ColumnMeans(x);
  std::vector<double> rows(x.data().begin(), x.data().end());
  for (int64_t row = 0; row < n; ++row) {
    for (int f = 0; f < d; ++f) rows[row * d + f] -= mean[f];
  }
  KMeansData data = cluster::MakeKMeansData(n, d, std::move(rows), sample_weight);

  cluster::NumpyRandomState rng(options_.seed);
  Progress progress("k-means", static_cast<uint64_t>(n_init), "runs");
  run_inertias_.clear();
  initial_indices_.clear();
  KMeansRun best;
  bool have_best = false;
  for (int run = 0; run < n_init; ++run) {
    std::vector<double> start;
    if (options_.init == KMeansInit::kGiven) {
      start.assign(options_.initial_centers.data().begin(), options_.initial_centers.data().end());
      for (int j = 0; j < k; ++j) {
        for (int f = 0; f < d; ++f) start[j * d + f] -= mean[f];
      }
    } else {
      cluster::InitialCenters init =
          options_.init == KMeansInit::kKMeansPlusPlus
              ? cluster::KMeansPlusPlus(data, k, rng, options_.n_local_trials)
              : cluster::RandomRows(data, k, rng);
      start = std::move(init.centers);
      initial_indices_.push_back(std::move(init.indices));
    }
    KMeansRun result =
        cluster::RunKMeans(options_.stepper, data, std::move(start), options_.max_iter, tol);
    run_inertias_.push_back(result.inertia);
    // Keep a later run only if it is better and not the same partition (sklearn's rule).
    if (!have_best || (result.inertia < best.inertia &&
                       !cluster::SameClustering(result.labels, best.labels, k))) {
      best = std::move(result);
      have_best = true;
    }
    progress.Add(1);
  }
  progress.Finish();

  for (int j = 0; j < k; ++j) {
    for (int f = 0; f < d; ++f) best.centers[j * d + f] += mean[f];
  }
  centers_ = Matrix(k, d, std::move(best.centers));
  labels_ = std::move(best.labels);
  inertia_ = best.inertia;
  n_iter_ = best.n_iter;
  fitted_ = true;
}

const Labels& KMeans::labels() const {
  cluster::RequireFitted(fitted_, "k-means");
  return labels_;
}
const Matrix& KMeans::cluster_centers() const {
  cluster::RequireFitted(fitted_, "k-means");
  return centers_;
}
double KMeans::inertia() const {
  cluster::RequireFitted(fitted_, "k-means");
  return inertia_;
}
int KMeans::n_iter() const {
  cluster::RequireFitted(fitted_, "k-means");
  return n_iter_;
}
const std::vector<double>& KMeans::run_inertias() const {
  cluster::RequireFitted(fitted_, "k-means");
  return run_inertias_;
}
const std::vector<std::vector<int64_t>>& KMeans::initial_indices() const {
  cluster::RequireFitted(fitted_, "k-means");
  return initial_indices_;
}

Labels KMeans::Predict(const Matrix& x) const {
  cluster::RequireFitted(fitted_, "k-means");
  return cluster::PredictNearest(x, centers_, "k-means");
}

std::unique_ptr<Clusterer> KMeans::CloneUnfitted() const {
  return std::make_unique<KMeans>(options_);
}

}  // namespace hitscope
