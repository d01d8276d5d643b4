// learn/trees/sklearn_splitter.hpp: scikit-learn 1.2.1's BestSplitter, ported literally: the
// node's rows live in one `samples` array that every drawn feature re-sorts with scikit-learn's
// introsort (median of three, three-way partition, heapsort past 2 log2(n) levels), the criterion
// moves its split position forward or backward whichever is shorter, and the chosen split
// reorders the rows by swapping. Because every sum is then taken in scikit-learn's order, even
// non-integer weights (class_weight "balanced") round as they do in scikit-learn.
//
// It costs a sort per node and drawn feature (scikit-learn's speed); it exists for exact parity
// and as the reference that ExactSplitter is checked against.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "learn/trees/splitter.hpp"
#include "learn/trees/training_set.hpp"

namespace hitscope::trees {

// scikit-learn's sort of Xf[0, n) with samples[0, n) alongside (introsort; not stable).
void SklearnSort(float* xf, int64_t* samples, int64_t n);

class SklearnSplitter final : public Splitter {
 public:
  SklearnSplitter(const TrainingSet& data, std::span<const double> weights,
                  const SplitLimits& limits);

  int64_t n_samples() const override { return static_cast<int64_t>(samples_.size()); }
  double weighted_n_samples() const override { return weighted_n_samples_; }
  void NodeReset(int64_t start, int64_t end, int depth, const NodeStats* known,
                 NodeStats* stats) override;
  // Sorts the node by the feature (as scikit-learn does on drawing it) and, when the feature is
  // not constant, scans it right away; Evaluate returns what the scans found.
  bool IsConstant(int feature) override;
  void Evaluate(std::span<const int> features, std::span<SplitCandidate> out) override;
  void Partition(const SplitCandidate& best, std::span<const int> live, NodeStats* left,
                 NodeStats* right) override;

 private:
  // scikit-learn's Criterion state: reset / reverse_reset / update(new_pos).
  void Reset();
  void ReverseReset();
  void Update(int64_t new_pos);
  void AddSample(int64_t sample, double sign);

  const TrainingSet& data_;
  std::span<const double> weights_;
  SplitLimits limits_;
  double weighted_n_samples_ = 0;
  std::vector<int64_t> samples_;
  std::vector<float> xf_;
  std::vector<SplitCandidate> scanned_;  // per feature, for the current node
  int64_t start_ = 0, end_ = 0, pos_ = 0;
  NodeStats total_;
  std::vector<double> sum_left_;
  double weighted_n_left_ = 0;
};

}  // namespace hitscope::trees
