#include "learn/neighbors/kd_tree.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "core/parallel.hpp"
#include "learn/neighbors/distance_kernels.hpp"
#include "learn/neighbors/neighbor_heap.hpp"

namespace hitscope::neighbors {

namespace {

// |fast bound - exact bound| <= kBoundSlack * fast bound: two sums of the same non-negative
// terms in different orders each lie within (D - 1) u / (1 - (D - 1) u) of the true sum; this
// covers that twice for up to 10^6 features.
constexpr double kBoundSlack = 1e-9;

// Doubles per vector in the bound computations (bounds are padded to a multiple of it).
constexpr int64_t kBoundLanes = 4;

// Values beyond this magnitude would overflow single-precision squares: no filter then.
constexpr double kFilterMaxAbs = 1e15;

// Subtrees with more points than this are built on their own worker. Children own disjoint
// ranges of idx_array, so the tree is the same whatever the thread count.
constexpr int64_t kParallelBuildPoints = 1 << 16;

// A point's value on the split dimension with its row index (and where its values are now).
// Ordered like scikit-learn's IndexComparator (_partition_nodes.pyx): by value, equal values by
// row index. std::nth_element moves elements by comparison outcomes alone, so partitioning these
// records moves the row indices exactly as scikit-learn's nth_element on idx_array does, while
// reading contiguous memory.
struct SplitKey {
  double value;
  int64_t index;
  int64_t position;
  bool operator<(const SplitKey& other) const {
    return value == other.value ? index < other.index : value < other.value;
  }
};

// scikit-learn's find_node_split_dim: the first dimension of largest spread, here over the
// node's rows stored contiguously.
int64_t FindSplitDim(const double* rows, int64_t dims, int64_t points) {
  int64_t best = 0;
  double max_spread = 0;
  for (int64_t j = 0; j < dims; ++j) {
    double max_value = rows[j];
    double min_value = max_value;
    for (int64_t i = 1; i < points; ++i) {
      double value = rows[i * dims + j];
      max_value = std::max(max_value, value);
      min_value = std::min(min_value, value);
    }
    double spread = max_value - min_value;
    if (spread > max_spread) {
      max_spread = spread;
      best = j;
    }
  }
  return best;
}

}  // namespace

KdTree::KdTree(const Matrix& points, int leaf_size)
    : rows_count_(points.rows()), dims_(points.cols()) {
  // scikit-learn: n_levels = int(log2(max(1, (n - 1) / leaf_size)) + 1), a full binary tree.
  double ratio = static_cast<double>(rows_count_ - 1) / static_cast<double>(leaf_size);
  int64_t levels = static_cast<int64_t>(std::log2(std::fmax(1.0, ratio)) + 1);
  num_nodes_ = (int64_t{1} << levels) - 1;
  idx_array_.resize(static_cast<size_t>(rows_count_));
  std::iota(idx_array_.begin(), idx_array_.end(), int64_t{0});
  start_.assign(static_cast<size_t>(num_nodes_), 0);
  end_.assign(static_cast<size_t>(num_nodes_), 0);
  is_leaf_.assign(static_cast<size_t>(num_nodes_), 0);
  dims_padded_ = (dims_ + kBoundLanes - 1) / kBoundLanes * kBoundLanes;
  bounds_.assign(static_cast<size_t>(num_nodes_ * 2 * dims_padded_), 0.0);
  rows_.assign(points.data().begin(), points.data().end());
  BuildNode(rows_.data(), 0, 0, rows_count_);
  max_abs_.assign(static_cast<size_t>(dims_), 0.0);
  for (int64_t j = 0; j < dims_; ++j) {
    max_abs_[j] = std::max(std::fabs(bounds_[j]), std::fabs(bounds_[dims_padded_ + j]));
    if (max_abs_[j] > kFilterMaxAbs) filter_ = false;
  }
  BuildLeafBlocks();
}

void KdTree::BuildLeafBlocks() {
  std::vector<int64_t> leaves;
  leaf_offset_.assign(static_cast<size_t>(num_nodes_), 0);
  int64_t total = 0;
  for (int64_t node = 0; node < num_nodes_; ++node) {
    if (is_leaf_[node] && end_[node] > start_[node]) {
      leaves.push_back(node);
      leaf_offset_[node] = total;
      total += LeafStride(node) * dims_;
      max_leaf_stride_ = std::max(max_leaf_stride_, LeafStride(node));
    }
  }
  if (!filter_) return;
  leaf_f32_.assign(static_cast<size_t>(total), std::numeric_limits<float>::infinity());
  ParallelFor(leaves.size(), 64, [&](size_t begin, size_t end) {
    for (size_t leaf_idx = begin; leaf_idx < end; ++leaf_idx) {
      int64_t node = leaves[leaf_idx];
      int64_t first = start_[node], count = end_[node] - first, stride = LeafStride(node);
      float* block = leaf_f32_.data() + leaf_offset_[node];
      for (int64_t p = 0; p < count; ++p) {
        const double* row = Row(first + p);
        for (int64_t j = 0; j < dims_; ++j) block[j * stride + p] = static_cast<float>(row[j]);
      }
    }
  });
}

void KdTree::BuildNode(double* rows, int64_t node, int64_t start, int64_t end) {
  start_[node] = start;
  end_[node] = end;
  double* lower = bounds_.data() + 2 * node * dims_padded_;
  double* upper = lower + dims_padded_;
  std::fill(lower, lower + dims_, std::numeric_limits<double>::infinity());
  std::fill(upper, upper + dims_, -std::numeric_limits<double>::infinity());
  for (int64_t pos = start; pos < end; ++pos) {
    const double* row = rows + pos * dims_;
    for (int64_t j = 0; j < dims_; ++j) {
      lower[j] = std::min(lower[j], row[j]);
      upper[j] = std::max(upper[j], row[j]);
    }
  }
  if (2 * node + 1 >= num_nodes_ || end - start < 2) {
    is_leaf_[node] = 1;
    return;
  }
  const int64_t points = end - start;
  const int64_t mid = points / 2;
  double* node_rows = rows + start * dims_;
  const int64_t split_dim = FindSplitDim(node_rows, dims_, points);
  std::vector<SplitKey> keys(static_cast<size_t>(points));
  for (int64_t i = 0; i < points; ++i) {
    keys[i] = {node_rows[i * dims_ + split_dim], idx_array_[start + i], i};
  }
  std::nth_element(keys.begin(), keys.begin() + mid, keys.end());
  {
    std::vector<double> moved(static_cast<size_t>(points * dims_));
    for (int64_t i = 0; i < points; ++i) {
      idx_array_[start + i] = keys[i].index;
      std::copy_n(node_rows + keys[i].position * dims_, dims_, moved.data() + i * dims_);
    }
    std::copy(moved.begin(), moved.end(), node_rows);
  }
  keys = std::vector<SplitKey>();
  if (points > kParallelBuildPoints) {
    ParallelInvoke([&] { BuildNode(rows, 2 * node + 1, start, start + mid); },
                   [&] { BuildNode(rows, 2 * node + 2, start + mid, end); });
  } else {
    BuildNode(rows, 2 * node + 1, start, start + mid);
    BuildNode(rows, 2 * node + 2, start + mid, end);
  }
}

int64_t KdTree::LeafStride(int64_t node) const {
  return (end_[node] - start_[node] + kLanesF32 - 1) / kLanesF32 * kLanesF32;
}

int64_t KdTree::LocalityKey(const double* query) const {
  int64_t node = 0;
  while (!is_leaf_[node]) {
    double left, right;
    ChildMinSquared(node, query, &left, &right);
    node = left <= right ? 2 * node + 1 : 2 * node + 2;
  }
  return node;
}

void KdTree::StartQuery(const double* query, KnnScratch* scratch) const {
  scratch->query_padded.assign(static_cast<size_t>(dims_padded_), 0.0);
  std::copy_n(query, dims_, scratch->query_padded.data());
  scratch->filter = filter_;
  for (int64_t j = 0; j < dims_ && scratch->filter; ++j) {
    if (std::fabs(query[j]) > kFilterMaxAbs) scratch->filter = false;
  }
  if (!scratch->filter) return;
  scratch->query_f32.resize(static_cast<size_t>(dims_));
  for (int64_t j = 0; j < dims_; ++j) scratch->query_f32[j] = static_cast<float>(query[j]);
  scratch->filter_error = FilterError(query, max_abs_.data(), dims_);
  if (scratch->filter_distances.size() < static_cast<size_t>(max_leaf_stride_)) {
    scratch->filter_distances.resize(static_cast<size_t>(max_leaf_stride_));
  }
}

double KdTree::FilterLeaf(int64_t node, double bound, KnnScratch* scratch) const {
  if (!scratch->filter) return std::numeric_limits<double>::infinity();
  const double threshold = FilterThreshold(bound, scratch->filter_error, dims_);
  // The kernel may stop a group of points early at a float threshold at or above `threshold`.
  const float stop =
      std::isinf(threshold) || threshold >= std::numeric_limits<float>::max()
          ? std::numeric_limits<float>::infinity()
          : std::nextafter(static_cast<float>(threshold), std::numeric_limits<float>::infinity());
  SquaredDistancesToBlockF32(scratch->query_f32.data(), leaf_f32_.data() + leaf_offset_[node],
                             LeafStride(node), dims_, stop, scratch->filter_distances.data());
  return threshold;
}

// scikit-learn's min_rdist for the kd-tree: the squared distance to the bounding box, with the
// same operations in the same order ((d + |d|) / 2 picks the positive part exactly).
double KdTree::MinSquared(int64_t node, const double* query) const {
  const double* lower = bounds_.data() + 2 * node * dims_padded_;
  const double* upper = lower + dims_padded_;
  double sum = 0.0;
  for (int64_t j = 0; j < dims_; ++j) {
    double d_lo = lower[j] - query[j];
    double d_hi = query[j] - upper[j];
    double d = (d_lo + std::fabs(d_lo)) + (d_hi + std::fabs(d_hi));
    double half = 0.5 * d;
    sum += half * half;
  }
  return sum;
}

void KdTree::ChildMinSquared(int64_t node, const double* query, double* left, double* right) const {
  const double* lower_l = bounds_.data() + 2 * (2 * node + 1) * dims_padded_;
  const double* upper_l = lower_l + dims_padded_;
  const double* lower_r = upper_l + dims_padded_;
  const double* upper_r = lower_r + dims_padded_;
  double sum_l = 0.0, sum_r = 0.0;
  for (int64_t j = 0; j < dims_; ++j) {
    const double q = query[j];
    double lo_l = lower_l[j] - q, hi_l = q - upper_l[j];
    double lo_r = lower_r[j] - q, hi_r = q - upper_r[j];
    double half_l = 0.5 * ((lo_l + std::fabs(lo_l)) + (hi_l + std::fabs(hi_l)));
    double half_r = 0.5 * ((lo_r + std::fabs(lo_r)) + (hi_r + std::fabs(hi_r)));
    sum_l += half_l * half_l;
    sum_r += half_r * half_r;
  }
  *left = sum_l;
  *right = sum_r;
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void KdTree::FastChildMinSquared(
    int64_t node, const double* query_padded, double* left, double* right) const {
  typedef double Vec __attribute__((vector_size(kBoundLanes * sizeof(double))));
  const double* lower_l = bounds_.data() + 2 * (2 * node + 1) * dims_padded_;
  const double* upper_l = lower_l + dims_padded_;
  const double* lower_r = upper_l + dims_padded_;
  const double* upper_r = lower_r + dims_padded_;
  Vec sum_l = {}, sum_r = {};
  for (int64_t j = 0; j < dims_padded_; j += kBoundLanes) {
    Vec q, lo_l, hi_l, lo_r, hi_r;
    std::memcpy(&q, query_padded + j, sizeof(Vec));
    std::memcpy(&lo_l, lower_l + j, sizeof(Vec));
    std::memcpy(&hi_l, upper_l + j, sizeof(Vec));
    std::memcpy(&lo_r, lower_r + j, sizeof(Vec));
    std::memcpy(&hi_r, upper_r + j, sizeof(Vec));
    // max(lower - q, 0) + max(q - upper, 0): the same value as (d + |d|) / 2 per side.
    Vec zero = {};
    Vec d_lo_l = lo_l - q, d_hi_l = q - hi_l, d_lo_r = lo_r - q, d_hi_r = q - hi_r;
    Vec half_l = (d_lo_l > zero ? d_lo_l : zero) + (d_hi_l > zero ? d_hi_l : zero);
    Vec half_r = (d_lo_r > zero ? d_lo_r : zero) + (d_hi_r > zero ? d_hi_r : zero);
    sum_l += half_l * half_l;
    sum_r += half_r * half_r;
  }
  double total_l = 0, total_r = 0;
  for (int64_t lane = 0; lane < kBoundLanes; ++lane) {
    total_l += sum_l[lane];
    total_r += sum_r[lane];
  }
  *left = total_l;
  *right = total_r;
}

// The squared distance to the farthest corner of the bounding box: never below the squared
// distance of any point in the node, also in floating point (rounding is monotonic).
double KdTree::MaxSquared(int64_t node, const double* query) const {
  const double* lower = bounds_.data() + 2 * node * dims_padded_;
  const double* upper = lower + dims_padded_;
  double sum = 0.0;
  for (int64_t j = 0; j < dims_; ++j) {
    double d = std::fmax(std::fabs(query[j] - lower[j]), std::fabs(query[j] - upper[j]));
    sum += d * d;
  }
  return sum;
}

void KdTree::KNearest(const double* query, int k, KnnScratch* scratch, int64_t* indices,
                      double* squared) const {
  scratch->heap_values.assign(static_cast<size_t>(k), std::numeric_limits<double>::infinity());
  scratch->heap_indices.assign(static_cast<size_t>(k), 0);
  StartQuery(query, scratch);
  QueryDepthFirst(0, query, 0.0, k, scratch);
  SimultaneousSort(scratch->heap_values.data(), scratch->heap_indices.data(), k);
  std::copy_n(scratch->heap_values.data(), k, squared);
  std::copy_n(scratch->heap_indices.data(), k, indices);
}

// scikit-learn's _query_single_depthfirst: trim a node whose lower bound exceeds the current
// k-th distance, scan a leaf in position order pushing each point nearer than the current k-th,
// visit the nearer child first (the left one on a tie). The float filter only skips points that
// would not be pushed; the pushes, in their order, are scikit-learn's.
void KdTree::QueryDepthFirst(int64_t node, const double* query, double lower_bound, int k,
                             KnnScratch* scratch) const {
  double* heap_values = scratch->heap_values.data();
  // Pruning is optional (a pruned node holds no point nearer than the k-th), so the inexact
  // bound prunes only when even its smallest possible exact value would.
  if (lower_bound * (1 - kBoundSlack) > heap_values[0]) return;
  if (is_leaf_[node]) {
    const int64_t first = start_[node], count = end_[node] - first;
    const double threshold = FilterLeaf(node, heap_values[0], scratch);
    const float* filtered = scratch->filter_distances.data();
    int64_t* heap_indices = scratch->heap_indices.data();
    for (int64_t p = 0; p < count; ++p) {
      if (scratch->filter && static_cast<double>(filtered[p]) > threshold) continue;
      double distance = SquaredDistance(query, Row(first + p), dims_);
      if (distance < heap_values[0]) {
        HeapPush(heap_values, heap_indices, k, distance, idx_array_[first + p]);
      }
    }
    return;
  }
  const int64_t left = 2 * node + 1, right = left + 1;
  double left_bound, right_bound;
  FastChildMinSquared(node, scratch->query_padded.data(), &left_bound, &right_bound);
  // The visit order must be scikit-learn's: decided by the exact bounds when the fast ones are
  // too close to tell.
  bool left_first;
  if (left_bound * (1 + kBoundSlack) < right_bound * (1 - kBoundSlack)) {
    left_first = true;
  } else if (left_bound * (1 - kBoundSlack) > right_bound * (1 + kBoundSlack)) {
    left_first = false;
  } else {
    double exact_left, exact_right;
    ChildMinSquared(node, query, &exact_left, &exact_right);
    left_first = exact_left <= exact_right;
  }
  if (left_first) {
    QueryDepthFirst(left, query, left_bound, k, scratch);
    QueryDepthFirst(right, query, right_bound, k, scratch);
  } else {
    QueryDepthFirst(right, query, right_bound, k, scratch);
    QueryDepthFirst(left, query, left_bound, k, scratch);
  }
}

void KdTree::Radius(const double* query, double radius2, std::vector<int64_t>* indices,
                    std::vector<double>* squared, KnnScratch* scratch) const {
  StartQuery(query, scratch);
  RadiusNode(0, query, radius2, indices, squared, scratch);
}

void KdTree::RadiusNode(int64_t node, const double* query, double radius2,
                        std::vector<int64_t>* indices, std::vector<double>* squared,
                        KnnScratch* scratch) const {
  if (MinSquared(node, query) > radius2) return;
  const int64_t first = start_[node], count = end_[node] - first;
  if (MaxSquared(node, query) <= radius2) {
    // Every point is inside: no test needed, only the distances if asked for.
    for (int64_t p = 0; p < count; ++p) {
      indices->push_back(idx_array_[first + p]);
      if (squared) squared->push_back(SquaredDistance(query, Row(first + p), dims_));
    }
    return;
  }
  if (is_leaf_[node]) {
    const double threshold = FilterLeaf(node, radius2, scratch);
    const float* filtered = scratch->filter_distances.data();
    for (int64_t p = 0; p < count; ++p) {
      if (scratch->filter && static_cast<double>(filtered[p]) > threshold) continue;
      double distance = SquaredDistance(query, Row(first + p), dims_);
      if (distance <= radius2) {
        indices->push_back(idx_array_[first + p]);
        if (squared) squared->push_back(distance);
      }
    }
    return;
  }
  RadiusNode(2 * node + 1, query, radius2, indices, squared, scratch);
  RadiusNode(2 * node + 2, query, radius2, indices, squared, scratch);
}

int64_t KdTree::RadiusCount(const double* query, double radius2, KnnScratch* scratch) const {
  StartQuery(query, scratch);
  return CountNode(0, query, radius2, scratch);
}

int64_t KdTree::CountNode(int64_t node, const double* query, double radius2,
                          KnnScratch* scratch) const {
  if (MinSquared(node, query) > radius2) return 0;
  if (MaxSquared(node, query) <= radius2) return end_[node] - start_[node];
  if (is_leaf_[node]) {
    const int64_t first = start_[node], count = end_[node] - first;
    const double threshold = FilterLeaf(node, radius2, scratch);
    const float* filtered = scratch->filter_distances.data();
    int64_t inside = 0;
    for (int64_t p = 0; p < count; ++p) {
      if (scratch->filter && static_cast<double>(filtered[p]) > threshold) continue;
      inside += SquaredDistance(query, Row(first + p), dims_) <= radius2 ? 1 : 0;
    }
    return inside;
  }
  return CountNode(2 * node + 1, query, radius2, scratch) +
         CountNode(2 * node + 2, query, radius2, scratch);
}

}  // namespace hitscope::neighbors
