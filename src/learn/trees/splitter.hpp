// learn/trees/splitter.hpp: the part of a tree that finds a node's best split and divides the
// node's rows. Two implementations: ExactSplitter (every threshold, on presorted features) and
// HistogramSplitter (bin edges only). Both keep the rows of the node being split in positions
// [start, end) of their own arrays, as scikit-learn's splitter keeps them in samples[start:end].
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "learn/trees/criterion.hpp"

namespace hitscope::trees {

struct TrainingSet;

// The limits every splitter applies, resolved from the options.
struct SplitLimits {
  CriterionKind criterion = CriterionKind::kGini;
  int n_values = 1;  // classes, or 1 for regression
  int64_t min_samples_leaf = 1;
  double min_weight_leaf = 0;
};

// One feature's best split in the current node.
struct SplitCandidate {
  int feature = -1;
  int64_t pos = -1;  // absolute position of the first row going right; -1: no split allowed
  double threshold = 0;
  double proxy = -std::numeric_limits<double>::infinity();
  int bin = -1;  // histogram splitter only
};

// The scan context of a node: the data's labels or targets, the weights, the node's totals and
// the limits (split_kernels.hpp).
struct ScanContext;
ScanContext MakeScanContext(const TrainingSet& data, std::span<const double> weights,
                            const NodeStats& node, const SplitLimits& limits);

class Splitter {
 public:
  virtual ~Splitter() = default;
  // Rows of non-zero weight (the root holds [0, n_samples())) and the total weight of all rows.
  virtual int64_t n_samples() const = 0;
  virtual double weighted_n_samples() const = 0;
  // Makes [start, end) at `depth` (the root is 0) the current node and returns its statistics.
  // `known`, when not null, is what Partition returned for this node; a splitter may return it
  // instead of summing the node again.
  virtual void NodeReset(int64_t start, int64_t end, int depth, const NodeStats* known,
                         NodeStats* stats) = 0;
  // Features the sampler will most likely ask about next; a splitter may prepare them together.
  // Called only when WantsPrepare().
  virtual bool WantsPrepare() const { return false; }
  virtual void Prepare(std::span<const int> features) { (void)features; }
  // Whether a feature takes a single value (within 1e-7) in the current node.
  virtual bool IsConstant(int feature) = 0;
  // The best split of each of `features` (each found independently, so they may be searched in
  // parallel); out[i] is for features[i].
  virtual void Evaluate(std::span<const int> features, std::span<SplitCandidate> out) = 0;
  // Reorders the current node so that positions [start, best.pos) hold the rows going left, and
  // returns the two sides' statistics (scikit-learn's criterion state after update(best.pos)).
  // `live` lists the features the node's descendants may still evaluate (the others need not be
  // reordered).
  virtual void Partition(const SplitCandidate& best, std::span<const int> live, NodeStats* left,
                         NodeStats* right) = 0;
};

}  // namespace hitscope::trees
