#include "learn/trees/compiled_trees.hpp"

#include <algorithm>
#include <cmath>
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

CompiledTrees::CompiledTrees(std::span<const TreeNodes* const> trees) {
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
