#include "learn/trees/tree_builder.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "core/progress.hpp"
#include "learn/trees/feature_sampler.hpp"

namespace hitscope::trees {

namespace {

// scikit-learn's EPSILON: np.finfo('double').eps.
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

struct StackRecord {
  int64_t start, end;
  int depth;
  int32_t parent;
  bool is_left;
  double impurity;
  int n_constant_features;
  bool has_stats;
  NodeStats stats;  // from the parent's Partition
};

int32_t AddNode(TreeNodes* tree, int32_t parent, bool is_left, bool is_leaf, int feature,
                double threshold, double impurity, int64_t n_node_samples,
                double weighted_n_node_samples) {
  auto node_id = static_cast<int32_t>(tree->left.size());
  if (parent != TreeNodes::kUndefined) {
    (is_left ? tree->left : tree->right)[parent] = node_id;
  }
  tree->left.push_back(TreeNodes::kLeaf);
  tree->right.push_back(TreeNodes::kLeaf);
  tree->feature.push_back(is_leaf ? TreeNodes::kUndefined : feature);
  tree->threshold.push_back(is_leaf ? TreeNodes::kUndefined : threshold);
  tree->impurity.push_back(impurity);
  tree->n_node_samples.push_back(n_node_samples);
  tree->weighted_n_node_samples.push_back(weighted_n_node_samples);
  return node_id;
}

}  // namespace

TreeNodes GrowTree(Splitter& splitter, int n_features, const GrowOptions& options,
                   Progress* progress) {
  TreeNodes tree;
  tree.values_per_node = options.n_values;
  FeatureSampler sampler(n_features, options.max_features, options.rand_r_state);
  const double weighted_n_samples = splitter.weighted_n_samples();

  std::vector<StackRecord> stack;
  stack.push_back({0,
                   splitter.n_samples(),
                   0,
                   TreeNodes::kUndefined,
                   false,
                   std::numeric_limits<double>::infinity(),
                   0,
                   false,
                   {}});
  NodeStats stats, left, right;
  std::vector<SplitCandidate> candidates;
  std::vector<int> live;
  std::vector<uint8_t> is_constant(static_cast<size_t>(n_features));
  bool first = true;
  int max_depth_seen = 0;

  while (!stack.empty()) {
    StackRecord record = std::move(stack.back());
    stack.pop_back();
    const int64_t n_node_samples = record.end - record.start;
    splitter.NodeReset(record.start, record.end, record.depth,
                       record.has_stats ? &record.stats : nullptr, &stats);
    const double weighted_n_node = stats.weight;
    bool is_leaf = record.depth >= options.max_depth ||
                   n_node_samples < options.min_samples_split ||
                   n_node_samples < 2 * options.min_samples_leaf ||
                   weighted_n_node < 2 * options.min_weight_leaf;
    double impurity = record.impurity;
    if (first) {
      impurity = NodeImpurity(options.criterion, stats);
      first = false;
    }
    is_leaf = is_leaf || impurity <= kEpsilon;

    SplitCandidate best;
    double impurity_left = 0, impurity_right = 0;
    int n_constant = record.n_constant_features;
    if (!is_leaf) {
      if (splitter.WantsPrepare()) splitter.Prepare(sampler.Peek(n_constant));
      const std::vector<int>& visited = sampler.Draw(
          n_constant, [&](int feature) { return splitter.IsConstant(feature); }, &n_constant);
      candidates.resize(visited.size());
      splitter.Evaluate(visited, candidates);
      // The first best in visiting order, as scikit-learn's strict comparison keeps it.
      for (const SplitCandidate& candidate : candidates) {
        if (candidate.pos >= 0 && candidate.proxy > best.proxy) best = candidate;
      }
      double improvement = -std::numeric_limits<double>::infinity();
      if (best.pos >= 0) {
        std::fill(is_constant.begin(), is_constant.end(), 0);
        const std::vector<int>& constants = sampler.constant_features();
        for (int i = 0; i < n_constant; ++i) is_constant[constants[i]] = 1;
        live.clear();
        for (int feature = 0; feature < n_features; ++feature) {
          if (!is_constant[feature]) live.push_back(feature);
        }
        splitter.Partition(best, live, &left, &right);
        ChildrenImpurity(options.criterion, left, right, &impurity_left, &impurity_right);
        improvement = ImpurityImprovement(weighted_n_samples, weighted_n_node, impurity,
                                          left.weight, impurity_left, right.weight, impurity_right);
      }
      is_leaf = best.pos < 0 || improvement + kEpsilon < options.min_impurity_decrease;
    }

    int32_t node_id = AddNode(&tree, record.parent, record.is_left, is_leaf, best.feature,
                              best.threshold, impurity, n_node_samples, weighted_n_node);
    if (options.regression) {
      tree.value.push_back(stats.sums[0] / weighted_n_node);
    } else {
      tree.value.insert(tree.value.end(), stats.sums.begin(), stats.sums.end());
    }
    if (!is_leaf) {
      stack.push_back({best.pos, record.end, record.depth + 1, node_id, false, impurity_right,
                       n_constant, true, std::move(right)});
      stack.push_back({record.start, best.pos, record.depth + 1, node_id, true, impurity_left,
                       n_constant, true, std::move(left)});
    } else if (progress != nullptr) {
      progress->Add(static_cast<uint64_t>(n_node_samples));
    }
    max_depth_seen = std::max(max_depth_seen, record.depth);
  }
  tree.max_depth = max_depth_seen;
  return tree;
}

}  // namespace hitscope::trees
