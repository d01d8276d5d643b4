#include "learn/cluster/birch_tree.hpp"

#include <algorithm>

#include "learn/cluster/blas_order.hpp"
#include "learn/cluster/simd.hpp"

namespace hitscope::cluster {

namespace {

// The closest of `count` centroids to `x` by -2 c.x + |c|^2 (sklearn: np.dot(centroids_, x),
// then *= -2, += squared_norm_; np.argmin): the first minimum.
HITSCOPE_INLINE int64_t ClosestCentroidImpl(const double* centroids, const double* sq_norms,
                                            int64_t count, int d, const double* x) {
  int64_t closest = 0;
  double best = 0;
  for (int64_t i = 0; i < count; ++i) {
    double value = -2.0 * GemvDot(centroids + i * d, x, d) + sq_norms[i];
    if (i == 0 || value < best) {
      best = value;
      closest = i;
    }
  }
  return closest;
}

}  // namespace

HITSCOPE_DISPATCH(int64_t, ClosestCentroid,
                  (const double* centroids, const double* sq_norms, int64_t count, int d,
                   const double* x),
                  (centroids, sq_norms, count, d, x))

CfTree::CfTree(int d, double threshold, int branching_factor)
    : d_(d), threshold_(threshold), branching_factor_(branching_factor) {
  root_ = NewNode(true);
  first_leaf_ = root_;
  scratch_.resize(static_cast<size_t>(branching_factor + 1));
}

int32_t CfTree::NewNode(bool is_leaf) {
  Node node;
  node.is_leaf = is_leaf;
  node.centroids.assign(static_cast<size_t>(branching_factor_ + 1) * d_, 0.0);
  node.sq_norms.assign(static_cast<size_t>(branching_factor_ + 1), 0.0);
  nodes_.push_back(std::move(node));
  return static_cast<int32_t>(nodes_.size() - 1);
}

int32_t CfTree::NewSubcluster() {
  Subcluster sub;
  sub.linear_sum.assign(static_cast<size_t>(d_), 0.0);
  sub.centroid.assign(static_cast<size_t>(d_), 0.0);
  subs_.push_back(std::move(sub));
  return static_cast<int32_t>(subs_.size() - 1);
}

void CfTree::SetEntry(int32_t node, size_t index, int32_t sub) {
  Node& target = nodes_[node];
  std::copy(subs_[sub].centroid.begin(), subs_[sub].centroid.end(),
            target.centroids.begin() + static_cast<int64_t>(index) * d_);
  target.sq_norms[index] = subs_[sub].sq_norm;
}

void CfTree::Append(int32_t node, int32_t sub) {
  nodes_[node].subs.push_back(sub);
  SetEntry(node, nodes_[node].subs.size() - 1, sub);
}

void CfTree::Update(int32_t sub, int32_t other, const Incoming* incoming) {
  Subcluster& s = subs_[sub];
  if (other >= 0) {
    const Subcluster& o = subs_[other];
    s.n += o.n;
    for (int f = 0; f < d_; ++f) s.linear_sum[f] += o.linear_sum[f];
    s.squared_sum += o.squared_sum;
  } else {
    s.n += 1;
    for (int f = 0; f < d_; ++f) s.linear_sum[f] += incoming->row[f];
    s.squared_sum += incoming->sq_norm;
  }
  // centroid_ = linear_sum_ / n_samples_ (a division, unlike merge_subcluster).
  for (int f = 0; f < d_; ++f) s.centroid[f] = s.linear_sum[f] / static_cast<double>(s.n);
  s.sq_norm = BlasDot(s.centroid.data(), s.centroid.data(), d_);
}

std::pair<int32_t, int32_t> CfTree::SplitNode(int32_t node) {
  const bool is_leaf = nodes_[node].is_leaf;
  int32_t sub1 = NewSubcluster(), sub2 = NewSubcluster();
  int32_t node1 = NewNode(is_leaf), node2 = NewNode(is_leaf);
  subs_[sub1].child = node1;
  subs_[sub2].child = node2;
  Node& old = nodes_[node];
  if (is_leaf) {
    if (old.prev_leaf >= 0) {
      nodes_[old.prev_leaf].next_leaf = node1;
    } else {
      first_leaf_ = node1;
    }
    nodes_[node1].prev_leaf = old.prev_leaf;
    nodes_[node1].next_leaf = node2;
    nodes_[node2].prev_leaf = node1;
    nodes_[node2].next_leaf = old.next_leaf;
    if (old.next_leaf >= 0) nodes_[old.next_leaf].prev_leaf = node2;
  }
  // euclidean_distances(centroids, squared=True) with the row norms it computes itself:
  // max((-2 a.b + |a|^2) + |b|^2, 0), zero diagonal. The farthest pair seeds the halves.
  const std::vector<int32_t> members = old.subs;
  const auto count = static_cast<int64_t>(members.size());
  const double* c = old.centroids.data();
  std::vector<double> norms(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) norms[i] = EinsumDot(c + i * d_, c + i * d_, d_);
  std::vector<double> dist(static_cast<size_t>(count * count), 0.0);
  for (int64_t a = 0; a < count; ++a) {
    for (int64_t b = 0; b < count; ++b) {
      if (a == b) continue;
      double value = (-2.0 * BlasDot(c + a * d_, c + b * d_, d_) + norms[a]) + norms[b];
      dist[a * count + b] = value > 0 ? value : 0.0;
    }
  }
  const auto farthest = std::max_element(dist.begin(), dist.end()) - dist.begin();
  const int64_t first = farthest / count, second = farthest % count;
  for (int64_t i = 0; i < count; ++i) {
    bool to_first = i == first || dist[first * count + i] < dist[second * count + i];
    int32_t target_node = to_first ? node1 : node2;
    int32_t target_sub = to_first ? sub1 : sub2;
    Append(target_node, members[i]);
    Update(target_sub, members[i], nullptr);
  }
  return {sub1, sub2};
}

bool CfTree::InsertInto(int32_t node, const Incoming& incoming) {
  if (nodes_[node].subs.empty()) {
    int32_t sub = NewSubcluster();
    Update(sub, -1, &incoming);
    Append(node, sub);
    return false;
  }
  // dist = -2 centroids . x + |centroid|^2; the first minimum wins.
  const auto count = static_cast<int64_t>(nodes_[node].subs.size());
  const int64_t closest = ClosestCentroid(nodes_[node].centroids.data(),
                                          nodes_[node].sq_norms.data(), count, d_, incoming.row);
  const int32_t closest_sub = nodes_[node].subs[closest];
  const int32_t child = subs_[closest_sub].child;
  if (child >= 0) {
    if (!InsertInto(child, incoming)) {
      Update(closest_sub, -1, &incoming);
      SetEntry(node, static_cast<size_t>(closest), closest_sub);
      return false;
    }
    auto [new1, new2] = SplitNode(child);
    // update_split_subclusters: new1 takes the old entry's place, new2 goes last.
    nodes_[node].subs[closest] = new1;
    SetEntry(node, static_cast<size_t>(closest), new1);
    Append(node, new2);
    return static_cast<int>(nodes_[node].subs.size()) > branching_factor_;
  }
  // merge_subcluster: absorb the row if the merged radius stays within the threshold.
  Subcluster& s = subs_[closest_sub];
  const double new_ss = s.squared_sum + incoming.sq_norm;
  const int64_t new_n = s.n + 1;
  const double inverse = 1.0 / static_cast<double>(new_n);
  std::vector<double>& new_ls = scratch_;
  new_ls.resize(static_cast<size_t>(2 * d_));
  double* new_centroid = new_ls.data() + d_;
  for (int f = 0; f < d_; ++f) {
    new_ls[f] = s.linear_sum[f] + incoming.row[f];
    new_centroid[f] = inverse * new_ls[f];
  }
  const double new_sq_norm = BlasDot(new_centroid, new_centroid, d_);
  const double sq_radius = new_ss / static_cast<double>(new_n) - new_sq_norm;
  if (sq_radius <= threshold_ * threshold_) {
    s.n = new_n;
    std::copy_n(new_ls.data(), d_, s.linear_sum.data());
    s.squared_sum = new_ss;
    std::copy_n(new_centroid, d_, s.centroid.data());
    s.sq_norm = new_sq_norm;
    SetEntry(node, static_cast<size_t>(closest), closest_sub);
    return false;
  }
  int32_t sub = NewSubcluster();
  Update(sub, -1, &incoming);
  Append(node, sub);
  // Room left: done. Full: the caller splits this node.
  return static_cast<int>(nodes_[node].subs.size()) > branching_factor_;
}

void CfTree::Insert(const double* row) {
  Incoming incoming{row, BlasDot(row, row, d_)};
  if (!InsertInto(root_, incoming)) return;
  auto [new1, new2] = SplitNode(root_);
  int32_t root = NewNode(false);
  Append(root, new1);
  Append(root, new2);
  root_ = root;
}

std::vector<double> CfTree::LeafCentroids() const {
  std::vector<double> out;
  for (int32_t leaf = first_leaf_; leaf >= 0; leaf = nodes_[leaf].next_leaf) {
    const Node& node = nodes_[leaf];
    out.insert(out.end(), node.centroids.begin(),
               node.centroids.begin() + static_cast<int64_t>(node.subs.size()) * d_);
  }
  return out;
}

int64_t CfTree::subclusters() const {
  int64_t count = 0;
  for (int32_t leaf = first_leaf_; leaf >= 0; leaf = nodes_[leaf].next_leaf) {
    count += static_cast<int64_t>(nodes_[leaf].subs.size());
  }
  return count;
}

}  // namespace hitscope::cluster
