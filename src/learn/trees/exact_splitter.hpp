// learn/trees/exact_splitter.hpp: the best split among all thresholds, as scikit-learn's
// BestSplitter finds it, on features sorted once.
//
// scikit-learn sorts each drawn feature's values afresh in every node. ExactSplitter instead
// keeps, for every feature, the node's rows in sorted order in positions [start, end) of that
// feature's array; after a split each array's node range is partitioned stably (left rows, then
// right rows), so both children stay sorted. Children's statistics come from the split (whole
// weights sum exactly in any order; other weights are summed in the chosen feature's order). A
// level of the tree thus costs O(rows x features) instead of O(rows log rows x features). Each
// feature has two arrays: a node reads each feature from one of them and writes its children's
// rows into the other, so a partition is one read and one write per row; the split's own feature
// is already in order (left rows, then right rows) and stays where it is. Large nodes evaluate and
// partition their features in parallel; the outcome does not depend on it. When a node looks at a
// few of the features (forests: sqrt of them), partitions are deferred: a feature is moved only
// when a node needs it, from the range of the last node that did, into all the nodes that tile
// that range at once (one pass instead of one per level).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "learn/trees/presort.hpp"
#include "learn/trees/splitter.hpp"

namespace hitscope::trees {

// Memory an ExactSplitter may take over from the previous tree grown on the same thread (a forest
// keeps one per worker), so that a tree does not allocate and fault in its columns again.
struct ExactScratch {
  std::vector<SortedEntry> stores[2];  // the two arrays of every feature, one after the other
  std::vector<uint64_t> goes_left;
  std::vector<uint32_t> tags;
  // Deferred partitions: each row's node (its start), each node's end (by its start), cursors.
  std::vector<int32_t> node_of_row, node_end, cursor;
};

// The scratch of the trees of one fit: a tree takes one when it starts and gives it back when it
// ends; at most one per thread is kept. Thread-safe.
class ExactScratchPool {
 public:
  std::unique_ptr<ExactScratch> Take();
  void Give(std::unique_ptr<ExactScratch> scratch);

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<ExactScratch>> free_;
};

class ExactSplitter final : public Splitter {
 public:
  // Keeps references to `data`, `weights` (one per row) and `presorted`; rows of weight 0 are
  // left out, as scikit-learn leaves them out. `scratch` (optional) must outlive the splitter.
  // `deferred`: partition a feature only when a node needs it (below), for trees that look at a
  // few of the features in each node (random forests).
  ExactSplitter(const TrainingSet& data, std::span<const double> weights,
                const PresortedColumns& presorted, const SplitLimits& limits,
                ExactScratch* scratch = nullptr, bool deferred = false);

  int64_t n_samples() const override { return static_cast<int64_t>(rows_.size()); }
  double weighted_n_samples() const override { return weighted_n_samples_; }
  void NodeReset(int64_t start, int64_t end, int depth, const NodeStats* known,
                 NodeStats* stats) override;
  bool IsConstant(int feature) override;
  void Evaluate(std::span<const int> features, std::span<SplitCandidate> out) override;
  void Partition(const SplitCandidate& best, std::span<const int> live, NodeStats* left,
                 NodeStats* right) override;

 private:
  // Sums one side of a split over its entries (rows not embedded).
  void SumSide(const SortedEntry* entries, int64_t n, NodeStats* stats) const;
  // Feature `feature`'s array `store` (0 or 1).
  SortedEntry* Column(int store, int feature) {
    return scratch_->stores[store].data() + static_cast<int64_t>(feature) * stride_;
  }
  // Where a feature's rows of a node's ancestor (or of the node itself) lie in sorted order:
  // positions [begin, end) of array `store`.
  struct Sorted {
    int32_t begin = 0, end = 0;
    int32_t store = 0;
    bool operator==(const Sorted&) const = default;
  };
  // Makes the current node's rows of `feature` lie sorted in its own range (see Materialize).
  void Ensure(int feature) {
    const Sorted& at = current_[static_cast<size_t>(feature)];
    if (at.begin != start_ || at.end != end_) Materialize(feature);
  }
  void Materialize(int feature);
  // The current node's array of `feature` (Ensure first).
  const SortedEntry* Current(int feature) {
    return Column(current_[static_cast<size_t>(feature)].store, feature);
  }
  // Marks the rows of the current node going left (goes_left, or node_of_row when deferred) and
  // sums both sides.
  void MarkAndSum(const SortedEntry* chosen, int64_t pos, NodeStats* left, NodeStats* right);

  const TrainingSet& data_;
  std::span<const double> weights_;
  SplitLimits limits_;
  double weighted_n_samples_ = 0;
  ExactScratch own_scratch_;
  ExactScratch* scratch_;       // own_scratch_ or the caller's
  int64_t stride_ = 0;          // entries per feature in a store (one more than the rows)
  std::vector<int32_t> rows_;   // the rows of non-zero weight (the root)
  std::vector<uint8_t> codes_;  // packed weight and class (ScanContext)
  // The entries carry the codes (ScanContext::embedded_codes) and, as their row, the row's index
  // in rows_ (so that goes_left holds one bit per row of non-zero weight).
  bool embedded_ = false;
  std::vector<double> scan_scratch_;  // per feature: n_values sums
  int64_t start_ = 0, end_ = 0;
  NodeStats node_;
  // Deferred partitions. Eagerly, a split moves every live feature into its children's ranges.
  // Deferred, it moves none: a feature stays sorted over the range of the last node that needed
  // it, and when a node needs it (IsConstant, Evaluate), that whole range is moved at once into
  // the nodes that now tile it (node_of_row, node_end), sorted in each: one pass for several
  // levels. Invariant: the pending nodes inside a feature's `Sorted` range all share it.
  bool deferred_ = false;
  // Per feature, where the current node's rows lie sorted; and the same for the nodes the tree
  // builder has still to visit (n_features each, with their ranges), in the order of its stack
  // (a split pushes its right child, then its left child; NodeReset pops).
  std::vector<Sorted> current_;
  std::vector<Sorted> pending_;
  std::vector<std::pair<int32_t, int32_t>> pending_ranges_;
  bool root_ = true;
};

// Sums a node's rows into stats (classification: class weights; regression: w * y and
// w * y * y, in scikit-learn's grouping).
void SumRows(const TrainingSet& data, std::span<const double> weights,
             std::span<const int32_t> rows, int n_values, NodeStats* stats);

// Whether a node of `rows` rows evaluating `features` features is worth spreading over threads.
bool WorthParallel(int64_t rows, size_t features);

}  // namespace hitscope::trees
