// DBSCAN (sklearn DBSCAN) in three streaming passes over the neighbourhoods, memory linear in
// the rows: (1) count each row's neighbours to find the core rows; (2) join core rows that are
// neighbours in a concurrent union-find; (3) give each border row the lowest cluster among its
// core neighbours. sklearn instead keeps every neighbourhood (memory grows with eps).
#include <atomic>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/cluster.hpp>
#include <hitscope/error.hpp>
#include <hitscope/neighbors.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/trace.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/kmeans_parts.hpp"
#include "learn/cluster/leaf_blocks.hpp"
#include "learn/cluster/numpy_compat.hpp"

namespace hitscope {

namespace {

// A lock-free union-find (union by smaller root index, path halving). The components it ends
// with do not depend on the order of the unions, so neither do the labels.
class ConcurrentUnionFind {
 public:
  explicit ConcurrentUnionFind(int64_t n) : parent_(static_cast<size_t>(n)) {
    for (int64_t i = 0; i < n; ++i) parent_[i].store(static_cast<int32_t>(i), kRelaxed);
  }
  int32_t Find(int32_t x) {
    while (true) {
      int32_t p = parent_[x].load(kRelaxed);
      if (p == x) return x;
      int32_t grand = parent_[p].load(kRelaxed);
      if (grand != p) parent_[x].compare_exchange_weak(p, grand, kRelaxed);
      x = grand;
    }
  }
  void Unite(int32_t a, int32_t b) {
    while (true) {
      a = Find(a);
      b = Find(b);
      if (a == b) return;
      if (a > b) std::swap(a, b);
      // Link the larger root under the smaller; retry if another thread moved it first.
      int32_t expected = b;
      if (parent_[b].compare_exchange_strong(expected, a, std::memory_order_acq_rel)) return;
    }
  }

 private:
  static constexpr auto kRelaxed = std::memory_order_relaxed;
  std::vector<std::atomic<int32_t>> parent_;
};

// Points per leaf of the block tree: a leaf against a leaf is a few vectorised passes.
constexpr int kLeafSize = 32;

void CheckOptions(const DbscanOptions& o) {
  if (!(o.eps > 0) || !std::isfinite(o.eps)) {
    throw InvalidArgument(fmt::format(
        "DBSCAN: eps must be a finite number > 0, got {}; it is the neighbourhood radius on the "
        "scale of the (scaled) features",
        o.eps));
  }
  if (o.min_samples < 1) {
    throw InvalidArgument(fmt::format(
        "DBSCAN: min_samples must be >= 1 (it counts the row itself), got {}", o.min_samples));
  }
}

}  // namespace

Dbscan::Dbscan(DbscanOptions options) : options_(options) {}

void Dbscan::Fit(const Matrix& x, std::span<const double> sample_weight) {
  TraceScope trace("DBSCAN fit");
  CheckOptions(options_);
  cluster::ValidateClusterInput(x, sample_weight, "DBSCAN", /*allow_negative_weights=*/true);
  if (x.rows() >= std::numeric_limits<int32_t>::max()) {
    throw InvalidInput(fmt::format("DBSCAN handles fewer than 2^31 rows, got {}", x.rows()));
  }
  fitted_ = false;
  const int64_t n = x.rows();
  const int d = static_cast<int>(x.cols());
  const double eps2 = options_.eps * options_.eps;  // sklearn's _dist_to_rdist
  // Box tests keep a margin far above rounding: a box entirely within eps (or beyond it) holds
  // only points whose exact pair test would say the same.
  const double inside = eps2 * (1 - 1e-9), outside = eps2 * (1 + 1e-9);
  Progress progress("DBSCAN", static_cast<uint64_t>(3 * n), "rows");
  const cluster::LeafBlocks blocks(x, kLeafSize);
  const auto leaves = static_cast<size_t>(blocks.leaves());

  // Neighbours of the point at block position `pos` in leaf `other`, as a byte mask per point of
  // the leaf (chunks of kBlockRows); calls fn(position in other, row) for each neighbour.
  auto for_each_neighbor = [&](const double* point, int64_t other, const double** cols,
                               const double** chunk, const auto& fn) {
    const double near = blocks.PointBoxMin2(point, other);
    if (near > outside) return;
    const int64_t* rows = blocks.LeafRows(other);
    const int64_t size = blocks.LeafSize(other);
    if (blocks.PointBoxMax2(point, other) <= inside) {
      for (int64_t j = 0; j < size; ++j) fn(j, rows[j]);
      return;
    }
    uint8_t mask[cluster::kBlockRows];
    blocks.LeafColumns(other, cols);
    for (int64_t first = 0; first < size; first += cluster::kBlockRows) {
      const int64_t count = std::min(cluster::kBlockRows, size - first);
      for (int f = 0; f < d; ++f) chunk[f] = cols[f] + first;
      cluster::WithinMask(count, d, chunk, point, eps2, mask);
      for (int64_t j = 0; j < count; ++j) {
        if (mask[j]) fn(first + j, rows[first + j]);
      }
    }
  };

  // 1. Core rows: at least min_samples neighbours within eps, the row itself included. Counting
  // stops once a row is known to be core (and to have a neighbour besides itself).
  const int64_t enough = std::max<int64_t>(options_.min_samples, 2);
  std::vector<int64_t> counts(static_cast<size_t>(n), 0);
  std::vector<uint8_t> is_core(static_cast<size_t>(n), 0);
  if (sample_weight.empty()) {
    TraceScope pass("DBSCAN pass 1 (count neighbours)");
    ParallelFor(leaves, 1, [&](size_t begin, size_t end) {
      std::vector<const double*> cols_buffer(static_cast<size_t>(d));
      const double** cols = cols_buffer.data();
      std::vector<int64_t> local;
      for (size_t leaf = begin; leaf < end; ++leaf) {
        const auto self = static_cast<int64_t>(leaf);
        const int64_t* rows = blocks.LeafRows(self);
        const int64_t size = blocks.LeafSize(self), base = blocks.LeafBegin(self);
        local.assign(static_cast<size_t>(size), 0);
        int64_t saturated = 0;
        blocks.ForEachNearLeaf(self, eps2, [&](int64_t other) {
          const int64_t other_size = blocks.LeafSize(other);
          const bool whole = blocks.BoxMax2(self, other) <= inside;
          blocks.LeafColumns(other, cols);
          for (int64_t i = 0; i < size; ++i) {
            if (local[i] >= enough) continue;
            const double* point = blocks.Point(base + i);
            int64_t add;
            if (whole) {
              add = other_size;
            } else if (blocks.PointBoxMin2(point, other) > outside) {
              continue;
            } else if (blocks.PointBoxMax2(point, other) <= inside) {
              add = other_size;
            } else {
              add = cluster::CountWithin(other_size, d, cols, point, eps2);
            }
            local[i] += add;
            if (local[i] >= enough) ++saturated;
          }
          return saturated < size;
        });
        for (int64_t i = 0; i < size; ++i) {
          counts[rows[i]] = local[i];
          is_core[rows[i]] = local[i] >= options_.min_samples;
        }
        progress.Add(static_cast<uint64_t>(size));
      }
    });
  } else {
    // Weighted: sklearn sums np.sum(sample_weight[neighbours]) in its kd-tree's order, which
    // NeighborIndex reproduces; the same sums decide the same core rows.
    TraceScope pass("DBSCAN pass 1 (weigh neighbours)");
    NeighborIndexOptions index_options;
    index_options.algorithm = NeighborAlgorithm::kKdTree;
    const NeighborIndex index(x, index_options);
    RadiusQueryOptions tree_order;
    tree_order.order = RadiusOrder::kTree;
    index.RadiusNeighbors(
        x, options_.eps,
        [&](int64_t query, std::span<const int64_t> neighbors, std::span<const double>) {
          std::vector<double> weights(neighbors.size());
          for (size_t i = 0; i < neighbors.size(); ++i) weights[i] = sample_weight[neighbors[i]];
          counts[query] = static_cast<int64_t>(neighbors.size());
          is_core[query] = cluster::NumpySum(weights) >= options_.min_samples;
        },
        tree_order);
    progress.Add(static_cast<uint64_t>(n));
  }
  core_.clear();
  for (int64_t i = 0; i < n; ++i) {
    if (is_core[i]) core_.push_back(i);
  }
  std::vector<int32_t> leaf_cores(leaves, 0);
  for (size_t leaf = 0; leaf < leaves; ++leaf) {
    const int64_t* rows = blocks.LeafRows(static_cast<int64_t>(leaf));
    for (int64_t i = 0, size = blocks.LeafSize(static_cast<int64_t>(leaf)); i < size; ++i) {
      leaf_cores[leaf] += is_core[rows[i]];
    }
  }

  // 2. Connected core rows, each pair of leaves once. A pair whose core rows already form one
  // component adds nothing (the common case inside a dense cluster) and is skipped.
  ConcurrentUnionFind components(n);
  auto leaf_root = [&](int64_t leaf) {
    const int64_t* rows = blocks.LeafRows(leaf);
    int32_t root = -1;
    for (int64_t i = 0, size = blocks.LeafSize(leaf); i < size; ++i) {
      if (!is_core[rows[i]]) continue;
      int32_t r = components.Find(static_cast<int32_t>(rows[i]));
      if (root == -1) {
        root = r;
      } else if (r != root) {
        return int32_t{-2};
      }
    }
    return root;
  };
  {
    TraceScope pass("DBSCAN pass 2 (join core rows)");
    ParallelFor(leaves, 1, [&](size_t begin, size_t end) {
      std::vector<const double*> cols(static_cast<size_t>(d)), chunk(static_cast<size_t>(d));
      for (size_t leaf = begin; leaf < end; ++leaf) {
        const auto self = static_cast<int64_t>(leaf);
        progress.Add(static_cast<uint64_t>(blocks.LeafSize(self)));
        if (leaf_cores[leaf] == 0) continue;
        const int64_t* rows = blocks.LeafRows(self);
        const int64_t size = blocks.LeafSize(self), base = blocks.LeafBegin(self);
        blocks.ForEachNearLeaf(self, eps2, [&](int64_t other) {
          if (other < self || leaf_cores[other] == 0) return true;
          const int32_t root = leaf_root(self);
          if (root >= 0 && root == leaf_root(other)) return true;
          for (int64_t i = 0; i < size; ++i) {
            if (!is_core[rows[i]]) continue;
            const auto row = static_cast<int32_t>(rows[i]);
            for_each_neighbor(blocks.Point(base + i), other, cols.data(), chunk.data(),
                              [&](int64_t j, int64_t neighbor) {
                                if ((other != self || j > i) && is_core[neighbor]) {
                                  components.Unite(row, static_cast<int32_t>(neighbor));
                                }
                              });
          }
          return true;
        });
      }
    });
  }

  // Clusters are numbered by their first core row, as sklearn's expansion numbers them.
  labels_.assign(static_cast<size_t>(n), -1);
  std::vector<int32_t> component_label(static_cast<size_t>(n), -1);
  n_clusters_ = 0;
  for (int64_t row : core_) {
    int32_t root = components.Find(static_cast<int32_t>(row));
    if (component_label[root] < 0) component_label[root] = n_clusters_++;
    labels_[row] = component_label[root];
  }

  // 3. Border rows (not core, with a neighbour besides themselves) take the lowest cluster among
  // their core neighbours. Leaves whose lowest core label cannot improve on it are skipped.
  std::vector<int32_t> leaf_min_label(leaves, std::numeric_limits<int32_t>::max());
  for (size_t leaf = 0; leaf < leaves; ++leaf) {
    const int64_t* rows = blocks.LeafRows(static_cast<int64_t>(leaf));
    for (int64_t i = 0, size = blocks.LeafSize(static_cast<int64_t>(leaf)); i < size; ++i) {
      if (is_core[rows[i]]) leaf_min_label[leaf] = std::min(leaf_min_label[leaf], labels_[rows[i]]);
    }
  }
  {
    TraceScope pass("DBSCAN pass 3 (border rows)");
    ParallelFor(leaves, 1, [&](size_t begin, size_t end) {
      std::vector<const double*> cols(static_cast<size_t>(d)), chunk(static_cast<size_t>(d));
      std::vector<int32_t> best;
      for (size_t leaf = begin; leaf < end; ++leaf) {
        const auto self = static_cast<int64_t>(leaf);
        const int64_t* rows = blocks.LeafRows(self);
        const int64_t size = blocks.LeafSize(self), base = blocks.LeafBegin(self);
        progress.Add(static_cast<uint64_t>(size));
        best.assign(static_cast<size_t>(size), std::numeric_limits<int32_t>::max());
        int64_t candidates = 0;
        for (int64_t i = 0; i < size; ++i) {
          candidates += !is_core[rows[i]] && counts[rows[i]] >= 2;
        }
        if (candidates == 0) continue;
        blocks.ForEachNearLeaf(self, eps2, [&](int64_t other) {
          if (leaf_cores[other] == 0) return true;
          for (int64_t i = 0; i < size; ++i) {
            if (is_core[rows[i]] || counts[rows[i]] < 2) continue;
            if (leaf_min_label[other] >= best[i]) continue;
            for_each_neighbor(blocks.Point(base + i), other, cols.data(), chunk.data(),
                              [&](int64_t, int64_t neighbor) {
                                if (is_core[neighbor])
                                  best[i] = std::min(best[i], labels_[neighbor]);
                              });
          }
          return true;
        });
        for (int64_t i = 0; i < size; ++i) {
          if (best[i] != std::numeric_limits<int32_t>::max()) labels_[rows[i]] = best[i];
        }
      }
    });
  }
  progress.Finish();
  n_noise_ = std::count(labels_.begin(), labels_.end(), -1);
  fitted_ = true;
}

const Labels& Dbscan::labels() const {
  cluster::RequireFitted(fitted_, "DBSCAN");
  return labels_;
}
const std::vector<int64_t>& Dbscan::core_sample_indices() const {
  cluster::RequireFitted(fitted_, "DBSCAN");
  return core_;
}

Labels Dbscan::Predict(const Matrix&) const {
  throw InvalidArgument(
      "DBSCAN cannot assign new rows to clusters (scikit-learn's DBSCAN has no predict); fit "
      "it on all the rows, or use k-means, bisecting k-means or BIRCH to predict");
}

std::unique_ptr<Clusterer> Dbscan::CloneUnfitted() const {
  return std::make_unique<Dbscan>(options_);
}

}  // namespace hitscope
