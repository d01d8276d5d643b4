#include "learn/cluster/leaf_blocks.hpp"

#include <mutex>
#include <numeric>

#include "core/parallel.hpp"

namespace hitscope::cluster {

namespace {

// Nodes at least this large split their two halves on two workers.
constexpr int64_t kParallelSplit = 1 << 15;

}  // namespace

LeafBlocks::LeafBlocks(const Matrix& x, int leaf_size)
    : d_(static_cast<int>(x.cols())), n_(x.rows()) {
  order_.resize(static_cast<size_t>(n_));
  std::iota(order_.begin(), order_.end(), int64_t{0});
  rows_.assign(x.data().begin(), x.data().end());
  // Node slots are reserved up front (a binary tree over n points with leaves of at least
  // leaf_size / 2 points has fewer than 4 n / leaf_size + 2 nodes), so that parallel splits can
  // take their slots without moving the vector.
  const int64_t max_nodes = 4 * (n_ / std::max(leaf_size, 1) + 1) + 2;
  nodes_.resize(static_cast<size_t>(max_nodes));
  lo_.resize(static_cast<size_t>(max_nodes) * d_);
  hi_.resize(static_cast<size_t>(max_nodes) * d_);
  nodes_[0] = NodeInfo{0, n_};
  next_node_ = 1;
  Split(0, std::max(leaf_size, 1), 0);
  nodes_.resize(static_cast<size_t>(next_node_));
  // Leaves numbered left to right.
  std::vector<int32_t> stack = {0};
  while (!stack.empty()) {
    int32_t node = stack.back();
    stack.pop_back();
    if (nodes_[node].left < 0) {
      nodes_[node].leaf = static_cast<int64_t>(leaf_nodes_.size());
      leaf_nodes_.push_back(node);
    } else {
      stack.push_back(nodes_[node].right);
      stack.push_back(nodes_[node].left);
    }
  }
  soa_.resize(static_cast<size_t>(n_) * d_);
  ParallelFor(static_cast<size_t>(n_), 65536, [&](size_t begin, size_t end) {
    for (size_t pos = begin; pos < end; ++pos) {
      for (int f = 0; f < d_; ++f) soa_[f * n_ + pos] = rows_[pos * d_ + f];
    }
  });
}

void LeafBlocks::Split(int32_t node, int leaf_size, int depth) {
  const int64_t begin = nodes_[node].begin, end = nodes_[node].end;
  double* lo = &lo_[static_cast<size_t>(node) * d_];
  double* hi = &hi_[static_cast<size_t>(node) * d_];
  for (int f = 0; f < d_; ++f) lo[f] = hi[f] = rows_[begin * d_ + f];
  for (int64_t pos = begin + 1; pos < end; ++pos) {
    const double* row = &rows_[pos * d_];
    for (int f = 0; f < d_; ++f) {
      lo[f] = std::min(lo[f], row[f]);
      hi[f] = std::max(hi[f], row[f]);
    }
  }
  int widest = 0;
  for (int f = 1; f < d_; ++f) {
    if (hi[f] - lo[f] > hi[widest] - lo[widest]) widest = f;
  }
  if (end - begin <= leaf_size || hi[widest] == lo[widest] || depth >= 100) return;

  // Median split on the widest feature, moving whole rows so that blocks stay contiguous.
  const int64_t count = end - begin, middle = count / 2;
  std::vector<std::pair<double, int64_t>> keys(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) keys[i] = {rows_[(begin + i) * d_ + widest], i};
  std::nth_element(keys.begin(), keys.begin() + middle, keys.end());
  std::vector<double> moved(static_cast<size_t>(count) * d_);
  std::vector<int64_t> moved_order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const int64_t from = begin + keys[i].second;
    std::copy_n(&rows_[from * d_], d_, &moved[i * d_]);
    moved_order[i] = order_[from];
  }
  std::copy(moved.begin(), moved.end(), rows_.begin() + begin * d_);
  std::copy(moved_order.begin(), moved_order.end(), order_.begin() + begin);

  int32_t left, right;
  {
    std::lock_guard lock(node_mutex_);
    left = next_node_++;
    right = next_node_++;
  }
  nodes_[left] = NodeInfo{begin, begin + middle};
  nodes_[right] = NodeInfo{begin + middle, end};
  nodes_[node].left = left;
  nodes_[node].right = right;
  if (count >= kParallelSplit) {
    ParallelInvoke([&] { Split(left, leaf_size, depth + 1); },
                   [&] { Split(right, leaf_size, depth + 1); });
  } else {
    Split(left, leaf_size, depth + 1);
    Split(right, leaf_size, depth + 1);
  }
}

double LeafBlocks::BoxMin2(int32_t a, int32_t b) const {
  const double* alo = Low(a);
  const double* ahi = High(a);
  const double* blo = Low(b);
  const double* bhi = High(b);
  double sum = 0;
  for (int f = 0; f < d_; ++f) {
    double gap = std::max({0.0, blo[f] - ahi[f], alo[f] - bhi[f]});
    sum += gap * gap;
  }
  return sum;
}

double LeafBlocks::BoxMax2(int64_t a, int64_t b) const {
  const double* alo = Low(leaf_nodes_[a]);
  const double* ahi = High(leaf_nodes_[a]);
  const double* blo = Low(leaf_nodes_[b]);
  const double* bhi = High(leaf_nodes_[b]);
  double sum = 0;
  for (int f = 0; f < d_; ++f) {
    double span = std::max(ahi[f] - blo[f], bhi[f] - alo[f]);
    sum += span * span;
  }
  return sum;
}

}  // namespace hitscope::cluster
