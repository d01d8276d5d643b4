// learn/trees/histogram_splitter.hpp: the best split among bin edges (FeatureBins).
//
// Keeps the node's rows in positions [start, end) of one array (partitioned stably after each
// split). In each node a feature's histogram (per bin: rows, weight, class weights or w * y) is
// built the first time the sampler asks about the feature; the features the sampler will most
// likely draw are built together in one pass over the rows (Prepare). A node thus costs
// O(rows x drawn features), which is what makes forests with max_features "sqrt" cheap.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "learn/trees/presort.hpp"
#include "learn/trees/splitter.hpp"

namespace hitscope::trees {

class HistogramSplitter final : public Splitter {
 public:
  // Keeps references to its arguments; rows of weight 0 are left out.
  HistogramSplitter(const TrainingSet& data, std::span<const double> weights,
                    const FeatureBins& bins, const SplitLimits& limits);

  int64_t n_samples() const override { return static_cast<int64_t>(rows_.size()); }
  double weighted_n_samples() const override { return weighted_n_samples_; }
  void NodeReset(int64_t start, int64_t end, int depth, const NodeStats* known,
                 NodeStats* stats) override;
  bool WantsPrepare() const override { return true; }
  void Prepare(std::span<const int> features) override;
  bool IsConstant(int feature) override;
  void Evaluate(std::span<const int> features, std::span<SplitCandidate> out) override;
  void Partition(const SplitCandidate& best, std::span<const int> live, NodeStats* left,
                 NodeStats* right) override;

 private:
  ScanContext Context() const;
  // Builds the histograms of the features not built yet for this node.
  void Build(std::span<const int> features);
  // Zeroes the histograms built for the current node (touching only the bins its rows used when
  // the node is small), so that every histogram is zero between nodes.
  void Clear();

  const TrainingSet& data_;
  std::span<const double> weights_;
  const FeatureBins& bins_;
  SplitLimits limits_;
  int stride_;
  double weighted_n_samples_ = 0;
  std::vector<int32_t> rows_;
  std::vector<int32_t> row_scratch_;
  std::vector<std::vector<double>> histograms_;  // per feature; zero unless built
  std::vector<uint8_t> built_;                   // per feature: built for the current node
  std::vector<int> built_list_;
  int64_t start_ = 0, end_ = 0;
  NodeStats node_;
  std::vector<double> scan_scratch_;
};

}  // namespace hitscope::trees
