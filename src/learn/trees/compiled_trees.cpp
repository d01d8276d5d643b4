#include "learn/trees/compiled_trees.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/parallel.hpp"

namespace hitscope::trees {

float FloatThresholdBelow(double threshold) {
  auto below = static_cast<float>(threshold);
  if (static_cast<double>(below) > threshold) {
    below = std::nextafter(below, -std::numeric_limits<float>::infinity());
  }
  return below;
}

namespace {

// A leaf's share of one vote: its values divided by their sum (by 1 when they sum to 0), as
// RandomForestClassifier::PredictProba has always divided them.
void LeafShare(std::span<const double> value, double* out) {
  double sum = 0;
  for (double v : value) sum += v;
  if (sum == 0) sum = 1;
  for (size_t c = 0; c < value.size(); ++c) out[c] = value[c] / sum;
}

// Distinct shares (k doubles each, compared bit for bit) in the order first seen.
class ShareTable {
 public:
  explicit ShareTable(int k) : k_(static_cast<size_t>(k)), slots_(1024, kEmpty) {}
  uint32_t Find(const double* share) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    for (size_t slot = Hash(share) & (slots_.size() - 1);;
         slot = (slot + 1) & (slots_.size() - 1)) {
      if (slots_[slot] == kEmpty) {
        slots_[slot] = static_cast<uint32_t>(count_);
        shares_.insert(shares_.end(), share, share + k_);
        return static_cast<uint32_t>(count_++);
      }
      if (std::memcmp(shares_.data() + slots_[slot] * k_, share, k_ * sizeof(double)) == 0) {
        return slots_[slot];
      }
    }
  }
  size_t count() const { return count_; }
  std::vector<double> Take() { return std::move(shares_); }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFF;
  size_t Hash(const double* share) const {
    uint64_t h = 1469598103934665603ULL;
    for (size_t c = 0; c < k_; ++c) {
      uint64_t bits = 0;
      std::memcpy(&bits, share + c, sizeof bits);
      h = (h ^ bits) * 1099511628211ULL;
      h ^= h >> 29;
    }
    return static_cast<size_t>(h);
  }
  void Grow() {
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(old.size() * 2, kEmpty);
    for (uint32_t index : old) {
      if (index == kEmpty) continue;
      size_t slot = Hash(shares_.data() + index * k_) & (slots_.size() - 1);
      while (slots_[slot] != kEmpty) slot = (slot + 1) & (slots_.size() - 1);
      slots_[slot] = index;
    }
  }
  size_t k_;
  std::vector<uint32_t> slots_;
  std::vector<double> shares_;
  size_t count_ = 0;
};

}  // namespace

CompiledTrees::CompiledTrees(std::span<const TreeNodes* const> trees, bool shares) {
  int64_t total = 0;
  for (const TreeNodes* tree : trees) total += tree->node_count();
  nodes_.reserve(static_cast<size_t>(total));
  if (!trees.empty()) values_per_leaf_ = trees[0]->values_per_node;
  for (const TreeNodes* tree : trees) {
    auto offset = static_cast<int32_t>(nodes_.size());
    roots_.push_back(offset);
    for (int64_t node = 0; node < tree->node_count(); ++node) {
      if (tree->IsLeaf(node)) {
        auto leaf = static_cast<int32_t>(leaf_node_ids_.size());
        leaf_node_ids_.push_back(static_cast<int32_t>(node));
        std::span<const double> value = tree->Value(node);
        leaf_values_.insert(leaf_values_.end(), value.begin(), value.end());
        nodes_.push_back({leaf, leaf, -1, 0.0f});
      } else {
        nodes_.push_back({offset + tree->left[node], offset + tree->right[node],
                          tree->feature[node], FloatThresholdBelow(tree->threshold[node])});
      }
    }
  }
  if (shares) BuildShares(trees);
}

void CompiledTrees::BuildShares(std::span<const TreeNodes* const> trees) {
  constexpr int64_t kLimit = int64_t{1} << 24;
  ShareTable table(values_per_leaf_);
  std::vector<double> share(static_cast<size_t>(values_per_leaf_));
  std::vector<ShareNode> out;
  std::vector<int64_t> roots;
  out.reserve(nodes_.size());
  std::vector<int32_t> stack;
  for (const TreeNodes* tree : trees) {
    if (tree->node_count() >= kLimit) return;
    roots.push_back(static_cast<int64_t>(out.size()));
    // Depth first, left before right: a split's left child comes right after it; its right
    // child's place is filled in once the left subtree is laid out.
    std::vector<int64_t> placed(static_cast<size_t>(tree->node_count()), -1);
    stack.assign(1, 0);
    while (!stack.empty()) {
      const int32_t node = stack.back();
      stack.pop_back();
      const auto at = static_cast<int64_t>(out.size());
      placed[static_cast<size_t>(node)] = at;
      if (tree->IsLeaf(node)) {
        LeafShare(tree->Value(node), share.data());
        const uint32_t index = table.Find(share.data());
        if (index >= kLimit) return;
        out.push_back({0.0f, kShareLeaf | index << 8});
      } else {
        const int32_t feature = tree->feature[node];
        if (feature < 0 || feature >= static_cast<int32_t>(kShareLeaf)) return;
        out.push_back({FloatThresholdBelow(tree->threshold[node]), static_cast<uint32_t>(feature)});
        stack.push_back(tree->right[node]);
        stack.push_back(tree->left[node]);
      }
    }
    const int64_t root = roots.back();
    for (int64_t node = 0; node < tree->node_count(); ++node) {
      if (tree->IsLeaf(node)) continue;
      const int64_t at = placed[static_cast<size_t>(node)];
      const int64_t right = placed[static_cast<size_t>(tree->right[node])] - at;
      if (right <= 0 || right >= kLimit || at < root) return;
      out[static_cast<size_t>(at)].word |= static_cast<uint32_t>(right) << 8;
    }
  }
  share_nodes_ = std::move(out);
  share_roots_ = std::move(roots);
  shares_ = table.Take();
}

void CompiledTrees::AddLeafShares(const float* rows, int64_t stride, int64_t count,
                                  double* out) const {
  const int k = values_per_leaf_;
  if (share_nodes_.empty()) {
    std::vector<double> share(static_cast<size_t>(k));
    std::vector<int32_t> leaves(static_cast<size_t>(count));
    for (int64_t t = 0; t < n_trees(); ++t) {
      Leaves(t, rows, stride, count, leaves.data());
      for (int64_t row = 0; row < count; ++row) {
        LeafShare(LeafValue(leaves[static_cast<size_t>(row)]), share.data());
        for (int c = 0; c < k; ++c) out[row * k + c] += share[static_cast<size_t>(c)];
      }
    }
    return;
  }
  // Per tree, kLanes rows walk at once so that their cache misses overlap; a row that reaches its
  // leaf hands its lane to the next row, so every lane stays busy until the rows run out.
  constexpr int kLanes = 16;
  const double* shares = shares_.data();
  for (int64_t t = 0; t < n_trees(); ++t) {
    const ShareNode* nodes = share_nodes_.data() + share_roots_[static_cast<size_t>(t)];
    uint32_t node[kLanes];
    int64_t row_of[kLanes];
    int lanes = static_cast<int>(std::min<int64_t>(kLanes, count));
    int64_t next = lanes;
    for (int lane = 0; lane < lanes; ++lane) {
      node[lane] = 0;
      row_of[lane] = lane;
    }
    while (lanes > 0) {
      for (int lane = 0; lane < lanes;) {
        const ShareNode split = nodes[node[lane]];
        const uint32_t feature = split.word & kShareLeaf;
        if (feature == kShareLeaf) {
          const double* share = shares + static_cast<size_t>(split.word >> 8) * k;
          double* sum = out + row_of[lane] * k;
          for (int c = 0; c < k; ++c) sum[c] += share[c];
          if (next < count) {
            node[lane] = 0;
            row_of[lane++] = next++;
          } else {
            --lanes;
            node[lane] = node[lanes];
            row_of[lane] = row_of[lanes];
          }
          continue;
        }
        // Left is the next node, right is word >> 8 ahead: chosen without a branch, since the
        // comparison is a coin toss that a branch predictor would keep getting wrong.
        const float value = rows[row_of[lane] * stride + feature];
        const uint32_t right = static_cast<uint32_t>(!(value <= split.threshold));
        node[lane] += 1U + (((split.word >> 8) - 1U) & (0U - right));
        ++lane;
      }
    }
  }
}

void CompiledTrees::Leaves(int64_t tree, const float* rows, int64_t stride, int64_t count,
                           int32_t* out) const {
  constexpr int64_t kLanes = 16;
  const Node* nodes = nodes_.data();
  for (int64_t base = 0; base < count; base += kLanes) {
    const int64_t lanes = std::min(kLanes, count - base);
    int32_t node[kLanes];
    for (int64_t lane = 0; lane < lanes; ++lane) node[lane] = roots_[tree];
    for (bool moved = true; moved;) {
      moved = false;
      for (int64_t lane = 0; lane < lanes; ++lane) {
        const Node& split = nodes[node[lane]];
        if (split.feature < 0) continue;
        const float value = rows[(base + lane) * stride + split.feature];
        node[lane] = value <= split.threshold ? split.left : split.right;
        moved = true;
      }
    }
    for (int64_t lane = 0; lane < lanes; ++lane) out[base + lane] = nodes[node[lane]].left;
  }
}

void ForRowBlocks(int64_t rows, const std::function<void(int64_t, int64_t)>& fn) {
  constexpr int64_t kBlock = 256;
  ParallelFor(static_cast<size_t>((rows + kBlock - 1) / kBlock), 1, [&](size_t b0, size_t b1) {
    for (size_t block = b0; block < b1; ++block) {
      int64_t begin = static_cast<int64_t>(block) * kBlock;
      fn(begin, std::min(rows, begin + kBlock));
    }
  });
}

}  // namespace hitscope::trees
