// learn/trees/tree_fit.hpp: what a decision tree and a forest share when fitting: checking and
// resolving options, class weights, and growing one tree with the chosen splitter.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/trees.hpp>

#include "learn/trees/exact_splitter.hpp"
#include "learn/trees/presort.hpp"
#include "learn/trees/training_set.hpp"
#include "learn/trees/tree_builder.hpp"

namespace hitscope::trees {

// Checks a tree's options (Error(kInvalidArgument) naming the option, its value and the range)
// and resolves them for `data`. `in_forest` allows class_weight kBalancedSubsample. The seed and
// min_weight_leaf are set per tree by the caller.
GrowOptions ResolveGrowOptions(const DecisionTreeOptions& options, const TrainingSet& data,
                               bool in_forest, const std::string& who);

// The weight of each row's class: kBalanced as scikit-learn's compute_sample_weight("balanced",
// y), over the classes present; kGiven from the list (1 beyond it). REQUIRES: mode is kBalanced
// or kGiven.
std::vector<double> ClassWeightPerRow(const ClassWeight& class_weight,
                                      std::span<const int32_t> labels, int n_classes,
                                      const std::string& who);

// "balanced_subsample" for one bootstrap: the balanced weights of the drawn rows (with their
// repeats), 0 for rows of a class that was not drawn; as compute_sample_weight("balanced", y,
// indices=drawn).
std::vector<double> BalancedSubsampleWeights(std::span<const int32_t> labels, int n_classes,
                                             std::span<const int64_t> drawn);

// The data a splitter needs besides the rows: the presorted features (exact) or the bins
// (histogram), made once and shared by every tree of a fit.
struct SplitData {
  PresortedColumns presorted;
  FeatureBins bins;
  // The exact splitter's memory, handed from each finished tree to the next one.
  std::unique_ptr<ExactScratchPool> scratch = std::make_unique<ExactScratchPool>();
};
SplitData PrepareSplitData(const TrainingSet& data, TreeSplitter splitter, int max_bins);

// Grows one tree. `options` must be complete (seed and min_weight_leaf set). Trees of one fit may
// grow in parallel from the same `split_data`.
TreeNodes GrowOneTree(const TrainingSet& data, std::span<const double> weights,
                      const GrowOptions& options, TreeSplitter splitter,
                      const SplitData& split_data, Progress* progress = nullptr);

// min_weight_fraction_leaf times the total weight, summed as numpy sums.
double MinWeightLeaf(double fraction, std::span<const double> weights);

}  // namespace hitscope::trees
