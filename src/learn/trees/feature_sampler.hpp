// learn/trees/feature_sampler.hpp: which features a node looks at, in which order: scikit-learn
// 1.2.1's draw without replacement (BestSplitter.node_split in sklearn/tree/_splitter.pyx),
// reproduced state for state.
//
// One sampler serves a whole tree. Its `features` and `constant_features` arrays persist from
// node to node (nodes are split depth first, left child first), exactly as the splitter's arrays
// do in scikit-learn, because the order a node draws in depends on the permutation its
// predecessors left behind. Features found constant in a node (max <= min + 1e-7 in float32) are
// remembered for its subtree and never drawn for evaluation there again.
//
// The generator is scikit-learn's rand_r (an xorshift), seeded with the first draw of numpy's
// RandomState(seed).randint(0, 2^31 - 1).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace hitscope::trees {

// scikit-learn's our_rand_r: the next value in [0, 2^31) of the xorshift generator.
uint32_t SklearnRandR(uint32_t* state);
// The rand_r state a scikit-learn splitter starts from for random_state=seed.
uint32_t SklearnSplitterSeed(uint32_t seed);

class FeatureSampler {
 public:
  // REQUIRES: 1 <= max_features <= n_features.
  FeatureSampler(int n_features, int max_features, uint32_t rand_r_state);

  // One node's draw. `n_known_constants` comes from the parent (0 at the root);
  // `is_constant(feature)` says whether a feature is constant in this node. Returns, in visit
  // order, the non-constant features to evaluate (at least max_features of the drawn features,
  // unless fewer are left) and sets *n_total_constants for the children.
  const std::vector<int>& Draw(int n_known_constants, const std::function<bool(int)>& is_constant,
                               int* n_total_constants);

  // The features Draw would return if it found no new constant feature, without drawing: the
  // ones worth preparing before the real draw. Changes nothing.
  std::vector<int> Peek(int n_known_constants) const;

  // The features constant in the node of the last Draw (first *n_total_constants of them).
  const std::vector<int>& constant_features() const { return constant_features_; }

 private:
  int n_features_;
  int max_features_;
  uint32_t state_;
  std::vector<int> features_;
  std::vector<int> constant_features_;
  std::vector<int> visited_;
};

}  // namespace hitscope::trees
