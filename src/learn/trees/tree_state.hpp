// learn/trees/tree_state.hpp: trees and their options as EstimatorState (what model files
// store), and the TreeEnsemble view that explanations read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>
#include <hitscope/trees.hpp>

namespace hitscope::trees {

void SaveTreeOptions(const DecisionTreeOptions& options, EstimatorState* state);
// Throws Error(kInvalidInput) when an entry is missing or malformed.
DecisionTreeOptions LoadTreeOptions(const EstimatorState& state);

// Every tree's arrays, concatenated, with each tree's node count.
void SaveTrees(std::span<const TreeNodes> trees, EstimatorState* state);
// Checks what it reads (children inside the tree and after their parent, features inside
// 0..n_features-1, array lengths) and throws Error(kInvalidInput) naming `who` when the state is
// damaged.
std::vector<TreeNodes> LoadTrees(const EstimatorState& state, int64_t n_features,
                                 const std::string& who);

// The trees as TreeSHAP reads them: classifier values normalised to probabilities, cover =
// weighted_n_node_samples, each tree weighing `tree_weight`.
TreeEnsemble MakeEnsemble(std::span<const TreeNodes> trees, int64_t n_features, bool classifier,
                          double tree_weight);

}  // namespace hitscope::trees
