// learn/trees/tree_builder.hpp: grows one tree depth first, as scikit-learn's
// DepthFirstTreeBuilder (sklearn/tree/_tree.pyx): the same stopping rules in the same order, the
// same node numbering (depth first, left child first), the same values and impurities. The
// criterion, the splitter and the feature sampler are its parts.
#pragma once

#include <cstdint>

#include <hitscope/trees.hpp>

#include "learn/trees/splitter.hpp"

namespace hitscope {
class Progress;
}

namespace hitscope::trees {

// The options of one tree, resolved to numbers.
struct GrowOptions {
  CriterionKind criterion = CriterionKind::kGini;
  int n_values = 1;               // classes, or 1 for regression
  bool regression = false;        // node values are weighted means instead of class weights
  int max_depth = 0x7FFFFFFF;     // scikit-learn's None
  int64_t min_samples_split = 2;  // already at least 2 * min_samples_leaf
  int64_t min_samples_leaf = 1;
  double min_weight_leaf = 0;
  double min_impurity_decrease = 0;
  int max_features = 1;
  uint32_t rand_r_state = 0;  // SklearnSplitterSeed(seed)
};

// Grows a tree on the rows the splitter holds. `progress`, when given, advances by the rows that
// reach a leaf.
TreeNodes GrowTree(Splitter& splitter, int n_features, const GrowOptions& options,
                   Progress* progress = nullptr);

}  // namespace hitscope::trees
