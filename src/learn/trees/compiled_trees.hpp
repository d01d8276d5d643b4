// learn/trees/compiled_trees.hpp: fitted trees packed for prediction.
//
// A TreeNodes keeps scikit-learn's layout (one array per attribute), which is what inspection,
// importances and model files want; walking it touches four arrays per level. CompiledTrees packs
// every tree's splits into 16-byte nodes (children, feature, a float32 threshold) and the leaves'
// values into one array, so that a walk touches one cache line per level. The float32 threshold
// is the largest float32 t32 <= threshold, so float32(x) <= t32 exactly when float32(x) <=
// threshold: predictions are unchanged.
//
// Classifier forests also get a second, smaller form for their probabilities (AddLeafShares):
// 8-byte nodes in depth-first order whose leaves point into the few distinct normalised leaf
// values (177 for the bundled data's 100 fully grown trees, 791,495 leaves), walked without a
// branch on the split's outcome: about twice as fast for batches as the 16-byte walk.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <hitscope/trees.hpp>

namespace hitscope::trees {

class CompiledTrees {
 public:
  // shares: also build the class-probability walk (AddLeafShares), for classifier forests.
  explicit CompiledTrees(std::span<const TreeNodes* const> trees, bool shares = false);

  int64_t n_trees() const { return static_cast<int64_t>(roots_.size()); }
  int values_per_leaf() const { return values_per_leaf_; }

  // The leaf (an index into the leaves of all trees) that a row reaches in `tree`; value(f)
  // returns the row's float32 value of feature f.
  template <class Value>
  int32_t LeafOf(int64_t tree, const Value& value) const {
    const Node* nodes = nodes_.data();
    int32_t node = roots_[tree];
    while (nodes[node].feature >= 0) {
      const Node& split = nodes[node];
      node = value(split.feature) <= split.threshold ? split.left : split.right;
    }
    return nodes[node].left;
  }
  int32_t Leaf(int64_t tree, const float* row) const {
    return LeafOf(tree, [row](int32_t feature) { return row[feature]; });
  }
  // Leaf() of `count` rows (row r at rows + r * stride) in `tree`, out[r]. The rows walk down in
  // lockstep groups, so their cache misses on a large tree overlap instead of queueing: several
  // times faster for batches on deep forests, the same leaves.
  void Leaves(int64_t tree, const float* rows, int64_t stride, int64_t count, int32_t* out) const;
  // The leaf's values (the TreeNodes' value of that node) and its node id in its tree.
  std::span<const double> LeafValue(int32_t leaf) const {
    return {leaf_values_.data() + static_cast<int64_t>(leaf) * values_per_leaf_,
            static_cast<size_t>(values_per_leaf_)};
  }
  int32_t LeafNodeId(int32_t leaf) const { return leaf_node_ids_[leaf]; }

  // Adds to out (row r's values at out + r * values_per_leaf()) the share of every tree's leaf,
  // tree by tree: the leaf's values divided by their sum (by 1 when they sum to 0), as a
  // classifier forest's probabilities add them up. Each row adds its trees in tree order and each
  // share is that same quotient, so the sums are exactly those of adding LeafValue(Leaf(t, row))
  // divided by its sum, tree by tree.
  void AddLeafShares(const float* rows, int64_t stride, int64_t count, double* out) const;

 private:
  struct Node {
    int32_t left;  // a split's left child; a leaf's index into the leaves
    int32_t right;
    int32_t feature;  // -1 for a leaf
    float threshold;
  };
  std::vector<Node> nodes_;
  std::vector<int32_t> roots_;
  std::vector<double> leaf_values_;
  std::vector<int32_t> leaf_node_ids_;
  int values_per_leaf_ = 1;

  // The shares walk: per tree, its nodes in depth-first order (a split's left child is the next
  // node) as 8 bytes each, half the 16-byte Node, so twice as many of a walk's nodes share a cache
  // line; a leaf holds the index of its share among the distinct shares, a small table that stays
  // in cache, so reaching a leaf costs no further miss. Built when asked for and the forest fits
  // (features < 255, trees and distinct shares < 2^24); AddLeafShares walks the Nodes otherwise,
  // dividing as it goes.
  struct ShareNode {
    float threshold;
    uint32_t word;  // feature | (right child - this node) << 8; a leaf: kShareLeaf | share << 8
  };
  static constexpr uint32_t kShareLeaf = 0xFF;
  void BuildShares(std::span<const TreeNodes* const> trees);
  std::vector<ShareNode> share_nodes_;
  std::vector<int64_t> share_roots_;
  std::vector<double> shares_;  // distinct shares x values_per_leaf
};

// The largest float32 not above `threshold`.
float FloatThresholdBelow(double threshold);

// Runs fn(begin, end) over blocks of rows in parallel (a forest predicts a block tree by tree, so
// that each tree's nodes stay in cache while the block passes through).
void ForRowBlocks(int64_t rows, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace hitscope::trees
