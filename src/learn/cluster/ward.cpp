#include "learn/cluster/ward.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/parallel.hpp"
#include "learn/cluster/kernels.hpp"

namespace hitscope::cluster {

namespace {

inline int64_t CondensedIndex(int64_t n, int64_t i, int64_t j) {
  if (i > j) std::swap(i, j);
  return n * i - (i * (i + 1) / 2) + (j - i - 1);
}

// scipy's _ward Lance-Williams update, operation for operation.
inline double WardUpdate(double d_xi, double d_yi, double d_xy, int64_t size_x, int64_t size_y,
                         int64_t size_i) {
  double t = 1.0 / static_cast<double>(size_x + size_y + size_i);
  return std::sqrt(static_cast<double>(size_i + size_x) * t * d_xi * d_xi +
                   static_cast<double>(size_i + size_y) * t * d_yi * d_yi -
                   static_cast<double>(size_i) * t * d_xy * d_xy);
}

// scipy's LinkageUnionFind, for relabelling the sorted merges.
class LinkageUnionFind {
 public:
  explicit LinkageUnionFind(int64_t n) : parent_(static_cast<size_t>(2 * n - 1)), next_(n) {
    std::iota(parent_.begin(), parent_.end(), int64_t{0});
  }
  void Merge(int64_t x, int64_t y) {
    parent_[x] = next_;
    parent_[y] = next_;
    ++next_;
  }
  int64_t Find(int64_t x) {
    int64_t p = x;
    while (parent_[x] != x) x = parent_[x];
    while (parent_[p] != x) {
      int64_t up = parent_[p];
      parent_[p] = x;
      p = up;
    }
    return x;
  }

 private:
  std::vector<int64_t> parent_;
  int64_t next_;
};

// Python's heapq on a list of ints (min-heap), as _hc_cut uses it.
void SiftDown(std::vector<int64_t>& heap, size_t start, size_t pos) {
  int64_t item = heap[pos];
  while (pos > start) {
    size_t parent = (pos - 1) >> 1;
    if (item < heap[parent]) {
      heap[pos] = heap[parent];
      pos = parent;
      continue;
    }
    break;
  }
  heap[pos] = item;
}

void SiftUp(std::vector<int64_t>& heap, size_t pos) {
  const size_t end = heap.size(), start = pos;
  int64_t item = heap[pos];
  size_t child = 2 * pos + 1;
  while (child < end) {
    size_t right = child + 1;
    if (right < end && !(heap[child] < heap[right])) child = right;
    heap[pos] = heap[child];
    pos = child;
    child = 2 * pos + 1;
  }
  heap[pos] = item;
  SiftDown(heap, start, pos);
}

void HeapPush(std::vector<int64_t>& heap, int64_t item) {
  heap.push_back(item);
  SiftDown(heap, 0, heap.size() - 1);
}

void HeapPushPop(std::vector<int64_t>& heap, int64_t item) {
  if (!heap.empty() && heap[0] < item) {
    std::swap(item, heap[0]);
    SiftUp(heap, 0);
  }
}

}  // namespace

Linkage WardLinkage(const double* rows, int64_t m, int d) {
  // pdist(X, 'euclidean'), each distance summed left to right.
  std::vector<double> dist(static_cast<size_t>(m * (m - 1) / 2));
  ParallelFor(static_cast<size_t>(m), 16, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      for (int64_t j = static_cast<int64_t>(i) + 1; j < m; ++j) {
        dist[CondensedIndex(m, static_cast<int64_t>(i), j)] =
            std::sqrt(SequentialSquaredDistance(rows + i * d, rows + j * d, d));
      }
    }
  });

  // scipy _hierarchy.nn_chain.
  struct Merge {
    int64_t x, y;
    double distance;
  };
  std::vector<Merge> merges(static_cast<size_t>(m - 1));
  std::vector<int64_t> size(static_cast<size_t>(m), 1), chain(static_cast<size_t>(m));
  int64_t chain_length = 0;
  for (int64_t k = 0; k < m - 1; ++k) {
    if (chain_length == 0) {
      chain_length = 1;
      for (int64_t i = 0; i < m; ++i) {
        if (size[i] > 0) {
          chain[0] = i;
          break;
        }
      }
    }
    int64_t x = 0, y = 0;
    double current_min = 0;
    while (true) {
      x = chain[chain_length - 1];
      // Prefer the previous element of the chain as the minimum, to avoid cycles.
      if (chain_length > 1) {
        y = chain[chain_length - 2];
        current_min = dist[CondensedIndex(m, x, y)];
      } else {
        current_min = std::numeric_limits<double>::infinity();
      }
      for (int64_t i = 0; i < m; ++i) {
        if (size[i] == 0 || x == i) continue;
        double value = dist[CondensedIndex(m, x, i)];
        if (value < current_min) {
          current_min = value;
          y = i;
        }
      }
      if (chain_length > 1 && y == chain[chain_length - 2]) break;
      chain[chain_length++] = y;
    }
    chain_length -= 2;
    if (x > y) std::swap(x, y);
    const int64_t nx = size[x], ny = size[y];
    merges[k] = {x, y, current_min};
    size[x] = 0;
    size[y] = nx + ny;
    for (int64_t i = 0; i < m; ++i) {
      const int64_t ni = size[i];
      if (ni == 0 || i == y) continue;
      double& target = dist[CondensedIndex(m, i, y)];
      target = WardUpdate(dist[CondensedIndex(m, i, x)], target, current_min, nx, ny, ni);
    }
  }

  // Sort by distance (stable, as np.argsort(kind='mergesort')) and relabel (scipy's label()).
  std::stable_sort(merges.begin(), merges.end(),
                   [](const Merge& a, const Merge& b) { return a.distance < b.distance; });
  Linkage linkage;
  LinkageUnionFind uf(m);
  for (const Merge& merge : merges) {
    int64_t x_root = uf.Find(merge.x), y_root = uf.Find(merge.y);
    linkage.children.push_back({std::min(x_root, y_root), std::max(x_root, y_root)});
    linkage.distances.push_back(merge.distance);
    uf.Merge(x_root, y_root);
  }
  return linkage;
}

std::vector<int32_t> CutTree(const Linkage& linkage, int64_t m, int k) {
  const auto& children = linkage.children;
  std::vector<int64_t> nodes = {-(std::max(children.back()[0], children.back()[1]) + 1)};
  for (int step = 0; step < k - 1; ++step) {
    const auto& these = children[static_cast<size_t>(-nodes[0] - m)];
    HeapPush(nodes, -these[0]);
    HeapPushPop(nodes, -these[1]);
  }
  std::vector<int32_t> labels(static_cast<size_t>(m), 0);
  std::vector<int64_t> stack;
  for (size_t i = 0; i < nodes.size(); ++i) {
    stack.push_back(-nodes[i]);
    while (!stack.empty()) {
      int64_t node = stack.back();
      stack.pop_back();
      if (node < m) {
        labels[node] = static_cast<int32_t>(i);
      } else {
        stack.push_back(children[node - m][0]);
        stack.push_back(children[node - m][1]);
      }
    }
  }
  return labels;
}

}  // namespace hitscope::cluster
