// learn/cluster/leaf_blocks.hpp: a kd-tree whose leaves are small contiguous blocks of points
// (feature-major), for radius joins that work leaf against leaf: DBSCAN asks, for each leaf, which
// leaves lie within eps of it, then tests the points of one against the block of the other with
// the vectorised kernels of kernels.hpp. The pair test is exact (squared distance summed in
// feature order <= eps^2, as scikit-learn's kd-tree), and box tests only skip work with a
// margin far above rounding, so the tree's shape changes speed, never results.
// Memory: a reordered copy of the points (twice: row- and feature-major) plus O(rows / leaf)
// nodes. Immutable once built; safe to query from many threads. Internal.
#pragma once

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope::cluster {

class LeafBlocks {
 public:
  // REQUIRES: x has rows and finite values; leaf_size >= 1. Built in parallel.
  LeafBlocks(const Matrix& x, int leaf_size);

  int64_t leaves() const { return static_cast<int64_t>(leaf_nodes_.size()); }
  int dims() const { return d_; }
  // Original row indices of leaf `leaf`'s points, in block order.
  const int64_t* LeafRows(int64_t leaf) const { return order_.data() + Node(leaf).begin; }
  int64_t LeafSize(int64_t leaf) const { return Node(leaf).end - Node(leaf).begin; }
  // Position of the leaf's first point in block order (points of leaf l are positions
  // LeafBegin(l) .. LeafBegin(l) + LeafSize(l) - 1).
  int64_t LeafBegin(int64_t leaf) const { return Node(leaf).begin; }
  // The point at block position `pos`, row-major (dims() values).
  const double* Point(int64_t pos) const { return rows_.data() + pos * d_; }
  // Feature-major pointers to leaf `leaf`'s block (`cols` must hold dims() pointers).
  void LeafColumns(int64_t leaf, const double** cols) const {
    const int64_t begin = Node(leaf).begin;
    for (int f = 0; f < d_; ++f) cols[f] = soa_.data() + f * n_ + begin;
  }
  // Smallest squared distance from `point` to the box of `leaf`.
  double PointBoxMin2(const double* point, int64_t leaf) const {
    const double* lo = Low(leaf_nodes_[leaf]);
    const double* hi = High(leaf_nodes_[leaf]);
    double sum = 0;
    for (int f = 0; f < d_; ++f) {
      double gap = std::max({0.0, lo[f] - point[f], point[f] - hi[f]});
      sum += gap * gap;
    }
    return sum;
  }
  // Largest squared distance from `point` to the box of `leaf`.
  double PointBoxMax2(const double* point, int64_t leaf) const {
    const double* lo = Low(leaf_nodes_[leaf]);
    const double* hi = High(leaf_nodes_[leaf]);
    double sum = 0;
    for (int f = 0; f < d_; ++f) {
      double span = std::max(point[f] - lo[f], hi[f] - point[f]);
      sum += span * span;
    }
    return sum;
  }
  // Largest squared distance between the boxes of two leaves.
  double BoxMax2(int64_t a, int64_t b) const;

  // Calls fn(other) for every leaf whose box comes within sqrt(radius2) (times 1 + 1e-9) of
  // `leaf`'s box, `leaf` itself first, the others in tree order; stops early when fn returns
  // false.
  template <class Fn>
  void ForEachNearLeaf(int64_t leaf, double radius2, const Fn& fn) const {
    if (!fn(leaf)) return;
    const int32_t self = leaf_nodes_[leaf];
    const double limit = radius2 * (1 + 1e-9);
    int32_t stack[128];
    int depth = 0;
    stack[depth++] = 0;
    while (depth > 0) {
      const int32_t node = stack[--depth];
      if (node == self || BoxMin2(self, node) > limit) continue;
      const NodeInfo& info = nodes_[node];
      if (info.leaf >= 0) {
        if (!fn(info.leaf)) return;
        continue;
      }
      stack[depth++] = info.right;
      stack[depth++] = info.left;
    }
  }

 private:
  struct NodeInfo {
    int64_t begin = 0, end = 0;  // point range in block order
    int32_t left = -1, right = -1;
    int64_t leaf = -1;  // leaf number for leaves
  };
  const NodeInfo& Node(int64_t leaf) const { return nodes_[leaf_nodes_[leaf]]; }
  const double* Low(int32_t node) const { return &lo_[static_cast<size_t>(node) * d_]; }
  const double* High(int32_t node) const { return &hi_[static_cast<size_t>(node) * d_]; }
  double BoxMin2(int32_t a, int32_t b) const;
  void Split(int32_t node, int leaf_size, int depth);

  int d_ = 0;
  int64_t n_ = 0;
  std::vector<int64_t> order_;  // block position -> original row
  std::vector<double> rows_;    // n x d in block order
  std::vector<double> soa_;     // d x n in block order
  std::vector<NodeInfo> nodes_;
  std::vector<double> lo_, hi_;  // nodes x d bounding boxes
  std::vector<int32_t> leaf_nodes_;
  std::mutex node_mutex_;
  int32_t next_node_ = 0;
};

}  // namespace hitscope::cluster
