// learn/trees/exact_splitter.hpp: the best split among all thresholds, as scikit-learn's
// BestSplitter finds it, on features sorted once.
//
// scikit-learn sorts each drawn feature's values afresh in every node. ExactSplitter instead
// keeps, for every feature, the node's rows in sorted order in positions [start, end) of that
// feature's array; after a split each array's node range is partitioned stably (left rows, then
// right rows), so both children stay sorted. Children's statistics come from the split (whole
// weights sum exactly in any order; other weights are summed in the chosen feature's order). A
// level of the tree thus costs O(rows x features) instead of O(rows log rows x features). Each
// feature has two arrays: a node at depth d reads array d % 2 and writes its children into the
// other, so a partition is one read and one write per row. Large nodes evaluate and partition their
// features in parallel; the outcome does not depend on it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "learn/trees/presort.hpp"
#include "learn/trees/splitter.hpp"

namespace hitscope::trees {

class ExactSplitter final : public Splitter {
 public:
  // Keeps references to `data`, `weights` (one per row) and `presorted`; rows of weight 0 are
  // left out, as scikit-learn leaves them out.
  ExactSplitter(const TrainingSet& data, std::span<const double> weights,
                const PresortedColumns& presorted, const SplitLimits& limits);

  int64_t n_samples() const override { return static_cast<int64_t>(rows_.size()); }
  double weighted_n_samples() const override { return weighted_n_samples_; }
  void NodeReset(int64_t start, int64_t end, int depth, const NodeStats* known,
                 NodeStats* stats) override;
  bool IsConstant(int feature) override;
  void Evaluate(std::span<const int> features, std::span<SplitCandidate> out) override;
  void Partition(const SplitCandidate& best, std::span<const int> live, NodeStats* left,
                 NodeStats* right) override;

 private:
  // Sums one side of a split over its entries.
  void SumSide(const SortedEntry* entries, int64_t n, NodeStats* stats) const;

  const TrainingSet& data_;
  std::span<const double> weights_;
  SplitLimits limits_;
  double weighted_n_samples_ = 0;
  // Per buffer (depth % 2) and feature: node ranges, sorted.
  std::vector<std::vector<SortedEntry>> columns_[2];
  int buffer_ = 0;                    // the current node's buffer
  std::vector<int32_t> rows_;         // the rows of non-zero weight (the root)
  std::vector<uint64_t> goes_left_;   // one bit per row, for the current partition
  std::vector<uint8_t> codes_;        // packed weight and class (ScanContext)
  bool embedded_ = false;             // the entries carry the codes (ScanContext::embedded_codes)
  std::vector<double> scan_scratch_;  // per feature: n_values sums
  std::vector<int> others_;
  int64_t start_ = 0, end_ = 0;
  NodeStats node_;
};

// Sums a node's rows into stats (classification: class weights; regression: w * y and
// w * y * y, in scikit-learn's grouping).
void SumRows(const TrainingSet& data, std::span<const double> weights,
             std::span<const int32_t> rows, int n_values, NodeStats* stats);

// Whether a node of `rows` rows evaluating `features` features is worth spreading over threads.
bool WorthParallel(int64_t rows, size_t features);

}  // namespace hitscope::trees
