// Bisecting k-means (sklearn BisectingKMeans): a binary tree of 2-means splits.
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/cluster.hpp>
#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "core/trace.hpp"
#include "learn/cluster/blas_order.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/kmeans_parts.hpp"

namespace hitscope {

struct cluster::BisectingNode {
  std::vector<double> center;    // on the centred scale
  std::vector<int64_t> indices;  // rows of a leaf (emptied once labels are set)
  double score = 0;
  int label = -1;
  std::unique_ptr<BisectingNode> left, right;
  bool leaf() const { return left == nullptr; }
};

namespace {

using Node = cluster::BisectingNode;

template <class Fn>
void ForEachLeaf(Node* node, const Fn& fn) {
  if (node->leaf()) {
    fn(node);
    return;
  }
  ForEachLeaf(node->left.get(), fn);
  ForEachLeaf(node->right.get(), fn);
}

void CheckOptions(const BisectingKMeansOptions& o) {
  const char* what = "bisecting k-means";
  cluster::ValidateClusterCount(o.n_clusters, std::numeric_limits<int64_t>::max(), what);
  if (o.n_init < 1)
    throw InvalidArgument(fmt::format("{}: n_init must be >= 1, got {}", what, o.n_init));
  if (o.max_iter < 1) {
    throw InvalidArgument(fmt::format("{}: max_iter must be >= 1, got {}", what, o.max_iter));
  }
  if (!(o.tol >= 0) || !std::isfinite(o.tol)) {
    throw InvalidArgument(fmt::format("{}: tol must be a finite number >= 0, got {}", what, o.tol));
  }
  if (o.init == KMeansInit::kGiven) {
    throw InvalidArgument(
        "bisecting k-means starts each split itself: choose init random or k-means++");
  }
}

}  // namespace

BisectingKMeans::BisectingKMeans(BisectingKMeansOptions options) : options_(options) {}
BisectingKMeans::~BisectingKMeans() = default;

void BisectingKMeans::Fit(const Matrix& x, std::span<const double> sample_weight) {
  TraceScope trace("bisecting k-means fit");
  const char* what = "bisecting k-means";
  CheckOptions(options_);
  cluster::ValidateClusterInput(x, sample_weight, what);
  cluster::ValidateClusterCount(options_.n_clusters, x.rows(), what);
  fitted_ = false;

  const int k = options_.n_clusters;
  const int64_t n = x.rows();
  const int d = static_cast<int>(x.cols());
  const KMeansStepper stepper = k == 1 ? KMeansStepper::kLloyd : options_.stepper;
  mean_ = cluster::ColumnMeans(x);
  std::vector<double> rows(x.data().begin(), x.data().end());
  for (int64_t row = 0; row < n; ++row) {
    for (int f = 0; f < d; ++f) rows[row * d + f] -= mean_[f];
  }
  const cluster::KMeansData data = cluster::MakeKMeansData(n, d, std::move(rows), sample_weight);

  root_ = std::make_unique<Node>();
  root_->indices.resize(static_cast<size_t>(n));
  for (int64_t row = 0; row < n; ++row) root_->indices[row] = row;
  // The root's centre: X.mean(axis=0) of the centred rows.
  root_->center.assign(static_cast<size_t>(d), 0.0);
  for (int64_t row = 0; row < n; ++row) {
    for (int f = 0; f < d; ++f) root_->center[f] += data.Row(row)[f];
  }
  for (double& c : root_->center) c /= static_cast<double>(n);

  cluster::NumpyRandomState rng(options_.seed);
  for (int split = 0; split < k - 1; ++split) {
    // get_cluster_to_bisect: the first leaf with the largest score.
    Node* target = nullptr;
    ForEachLeaf(root_.get(), [&](Node* leaf) {
      if (target == nullptr || leaf->score > target->score) target = leaf;
    });
    // The first split works on all rows: no copy.
    const bool all_rows = static_cast<int64_t>(target->indices.size()) == n;
    const cluster::KMeansData subset =
        all_rows ? cluster::KMeansData() : cluster::SubsetKMeansData(data, target->indices);
    const cluster::KMeansData& sub = all_rows ? data : subset;
    cluster::KMeansRun best;
    bool have_best = false;
    for (int run = 0; run < options_.n_init; ++run) {
      cluster::InitialCenters init = options_.init == KMeansInit::kKMeansPlusPlus
                                         ? cluster::KMeansPlusPlus(sub, 2, rng, 0)
                                         : cluster::RandomRows(sub, 2, rng);
      cluster::KMeansRun result = cluster::RunKMeans(stepper, sub, std::move(init.centers),
                                                     options_.max_iter, options_.tol);
      if (!have_best || result.inertia < best.inertia * (1 - 1e-6)) {
        best = std::move(result);
        have_best = true;
      }
    }
    double scores[2];
    for (int side = 0; side < 2; ++side) {
      if (options_.strategy == BisectingStrategy::kBiggestInertia) {
        scores[side] = cluster::Inertia(sub, best.centers, best.labels, side);
      } else {
        scores[side] =
            static_cast<double>(std::count(best.labels.begin(), best.labels.end(), side));
      }
    }
    target->left = std::make_unique<Node>();
    target->right = std::make_unique<Node>();
    Node* children[2] = {target->left.get(), target->right.get()};
    for (int side = 0; side < 2; ++side) {
      children[side]->center.assign(best.centers.begin() + side * d,
                                    best.centers.begin() + (side + 1) * d);
      children[side]->score = scores[side];
    }
    for (size_t i = 0; i < target->indices.size(); ++i) {
      children[best.labels[i]]->indices.push_back(target->indices[i]);
    }
    target->indices = {};
  }

  labels_.assign(static_cast<size_t>(n), -1);
  std::vector<double> centers(static_cast<size_t>(k) * d);
  int label = 0;
  ForEachLeaf(root_.get(), [&](Node* leaf) {
    for (int64_t row : leaf->indices) labels_[row] = label;
    for (int f = 0; f < d; ++f) centers[label * d + f] = leaf->center[f] + mean_[f];
    leaf->label = label++;
    leaf->indices = {};
  });
  centers_ = Matrix(k, d, std::move(centers));
  // Inertia on the original rows with the final centres, as sklearn.
  inertia_ = cluster::InertiaOfRows(x.data().data(), n, d, data.weights, centers_.data(), labels_);
  fitted_ = true;
}

const Labels& BisectingKMeans::labels() const {
  cluster::RequireFitted(fitted_, "bisecting k-means");
  return labels_;
}
const Matrix& BisectingKMeans::cluster_centers() const {
  cluster::RequireFitted(fitted_, "bisecting k-means");
  return centers_;
}
double BisectingKMeans::inertia() const {
  cluster::RequireFitted(fitted_, "bisecting k-means");
  return inertia_;
}

Labels BisectingKMeans::Predict(const Matrix& x) const {
  cluster::RequireFitted(fitted_, "bisecting k-means");
  const int d = static_cast<int>(centers_.cols());
  if (x.cols() != d) {
    throw InvalidInput(
        fmt::format("bisecting k-means was fitted on {} features, but the rows to predict have {}",
                    d, x.cols()));
  }
  if (x.rows() == 0) return {};
  cluster::ValidateClusterInput(x, {}, "bisecting k-means");
  Labels out(static_cast<size_t>(x.rows()));
  // sklearn _predict_recursive: at each split, Lloyd's rule between the two child centres
  // (moved back to the original scale), ties to the left.
  ParallelFor(static_cast<size_t>(x.rows()), 4096, [&](size_t begin, size_t end) {
    std::vector<double> centers(2 * static_cast<size_t>(d));
    for (size_t row = begin; row < end; ++row) {
      const Node* node = root_.get();
      while (!node->leaf()) {
        const Node* children[2] = {node->left.get(), node->right.get()};
        double scores[2];
        for (int side = 0; side < 2; ++side) {
          double* c = centers.data() + side * d;
          for (int f = 0; f < d; ++f) c[f] = children[side]->center[f] + mean_[f];
          scores[side] = cluster::EinsumDot(c, c, d) -
                         2.0 * cluster::SequentialDot(x.Row(static_cast<int64_t>(row)), c, d);
        }
        node = scores[1] < scores[0] ? children[1] : children[0];
      }
      out[row] = node->label;
    }
  });
  return out;
}

std::unique_ptr<Clusterer> BisectingKMeans::CloneUnfitted() const {
  return std::make_unique<BisectingKMeans>(options_);
}

}  // namespace hitscope
