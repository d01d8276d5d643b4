// BIRCH (sklearn Birch): the CF-tree, then Ward's method on the leaf subclusters.
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include <hitscope/cluster.hpp>
#include <hitscope/error.hpp>

#include "core/progress.hpp"
#include "core/trace.hpp"
#include "learn/cluster/birch_tree.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/kmeans_parts.hpp"
#include "learn/cluster/ward.hpp"

namespace hitscope {

namespace {

constexpr double kMaxLinkageBytes = 2.0 * (1 << 30);

void CheckOptions(const BirchOptions& o) {
  if (!(o.threshold > 0) || !std::isfinite(o.threshold)) {
    throw InvalidArgument(fmt::format("BIRCH: threshold must be > 0, got {}", o.threshold));
  }
  if (o.branching_factor < 2) {
    throw InvalidArgument(
        fmt::format("BIRCH: branching_factor must be > 1, got {}", o.branching_factor));
  }
  if (o.n_clusters < 0) {
    throw InvalidArgument(fmt::format(
        "BIRCH: n_clusters must be >= 1 (or 0 for no global step), got {}", o.n_clusters));
  }
}

}  // namespace

Birch::Birch(BirchOptions options) : options_(options) {}

void Birch::Fit(const Matrix& x, std::span<const double> sample_weight) {
  TraceScope trace("BIRCH fit");
  CheckOptions(options_);
  if (!sample_weight.empty()) {
    throw InvalidArgument("BIRCH takes no sample weights (as scikit-learn); leave them out");
  }
  cluster::ValidateClusterInput(x, {}, "BIRCH");
  fitted_ = false;
  const int d = static_cast<int>(x.cols());

  cluster::CfTree tree(d, options_.threshold, options_.branching_factor);
  {
    Progress progress("BIRCH tree", static_cast<uint64_t>(x.rows()), "rows");
    for (int64_t row = 0; row < x.rows(); ++row) {
      tree.Insert(x.Row(row));
      if ((row & 0xffff) == 0xffff) progress.Add(0x10000);
    }
    progress.Set(static_cast<uint64_t>(x.rows()));
  }
  std::vector<double> centroids = tree.LeafCentroids();
  const int64_t m = static_cast<int64_t>(centroids.size()) / d;
  subcluster_centers_ = Matrix(m, d, std::move(centroids));

  global_step_skipped_ = false;
  subcluster_labels_.resize(static_cast<size_t>(m));
  if (options_.n_clusters == 0 || m < options_.n_clusters) {
    std::iota(subcluster_labels_.begin(), subcluster_labels_.end(), 0);
    global_step_skipped_ = options_.n_clusters > 0;
  } else if (m == 1) {
    subcluster_labels_[0] = 0;
  } else {
    if (static_cast<double>(m) * static_cast<double>(m - 1) / 2 * 8 > kMaxLinkageBytes) {
      throw InvalidInput(fmt::format(
          "BIRCH found {} subclusters; Ward's global step would need {:.1f} GiB for their "
          "distances; raise the threshold (now {}) so that fewer subclusters form",
          m, static_cast<double>(m) * static_cast<double>(m - 1) / 2 * 8 / (1 << 30),
          options_.threshold));
    }
    TraceScope ward_trace("BIRCH global step (Ward)");
    cluster::Linkage linkage = cluster::WardLinkage(subcluster_centers_.data().data(), m, d);
    subcluster_labels_ = cluster::CutTree(linkage, m, options_.n_clusters);
  }
  fitted_ = true;
  labels_ = Predict(x);
}

const Labels& Birch::labels() const {
  cluster::RequireFitted(fitted_, "BIRCH");
  return labels_;
}
const Matrix& Birch::subcluster_centers() const {
  cluster::RequireFitted(fitted_, "BIRCH");
  return subcluster_centers_;
}
const Labels& Birch::subcluster_labels() const {
  cluster::RequireFitted(fitted_, "BIRCH");
  return subcluster_labels_;
}

Labels Birch::Predict(const Matrix& x) const {
  cluster::RequireFitted(fitted_, "BIRCH");
  // pairwise_distances_argmin: the nearest subcluster by |c|^2 - 2 x.c, first on ties.
  Labels nearest = cluster::PredictNearest(x, subcluster_centers_, "BIRCH");
  for (int32_t& label : nearest) label = subcluster_labels_[static_cast<size_t>(label)];
  return nearest;
}

std::unique_ptr<Clusterer> Birch::CloneUnfitted() const {
  return std::make_unique<Birch>(options_);
}

}  // namespace hitscope
