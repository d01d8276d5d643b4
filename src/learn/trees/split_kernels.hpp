// learn/trees/split_kernels.hpp: the hot loops of tree growing, each with a plain reference that
// the tests compare it with at awkward sizes:
//  - ScanSortedSplits: one feature's best threshold over a node's rows sorted by value (the exact
//    splitter; scikit-learn's BestSplitter loop over positions);
//  - AccumulateHistograms / ScanHistogram: the histogram splitter's per-bin sums and its scan
//    over bin edges;
//  - StablePartition: a node's rows split into left then right, each keeping its order.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "learn/trees/criterion.hpp"

namespace hitscope::trees {

// scikit-learn's FEATURE_THRESHOLD: float32 values closer than this are not split apart, and a
// feature whose node range is within it is constant. Compared in float32 arithmetic.
inline constexpr float kFeatureThreshold = 1e-7f;

// One row of a feature sorted by value.
struct SortedEntry {
  float value;
  int32_t row;
};

// scikit-learn's threshold between neighbouring values a < b: a / 2 + b / 2 in double (no
// overflow), or a when that rounds to b or to an infinity.
double SplitThreshold(float a, float b);

// What every scan needs to know about the node and the limits on a split.
struct ScanContext {
  // Classification with whole weights below 64 and at most 4 classes may give each row's weight
  // and class packed in a byte, weight << 2 | class: one small array (it stays in cache), one
  // load per row.
  const uint8_t* codes = nullptr;
  // The entries carry their code in their low 8 bits, the row above (SortedEntry::row is then
  // row << 8 | code): a scan reads nothing but the entries. Needs `codes` set too.
  bool embedded_codes = false;
  const int32_t* labels = nullptr;     // classification (n_values classes)
  const double* targets = nullptr;     // regression (n_values == 1)
  const double* weights = nullptr;     // per row
  const double* total_sums = nullptr;  // the node's sums (n_values)
  double total_weight = 0;
  int n_values = 1;
  int64_t min_samples_leaf = 1;
  double min_weight_leaf = 0;
};

// The best split a scan found: rows [0, pos) of the scanned order go left. pos == -1: none.
struct ScanBest {
  double proxy = -std::numeric_limits<double>::infinity();
  int64_t pos = -1;
  double threshold = 0;
  int bin = -1;  // histogram scans: the last bin going left
};

// Scans entries[0, n) (sorted by value) and returns the split with the largest proxy, the first
// one on a tie. `left` is scratch for n_values sums. For gini and squared error, a candidate is
// first screened with a division-free bound and its proxy is computed with scikit-learn's formula
// only when it may reach the best so far, so the result is the same as computing every proxy.
ScanBest ScanSortedSplits(CriterionKind kind, const SortedEntry* entries, int64_t n,
                          const ScanContext& context, double* left);
// Packs whole weights and classes for ScanContext::codes; false (and `codes` untouched) when some
// weight is not a whole number in 0..63 or there are more than 4 classes.
bool PackWeightsAndClasses(std::span<const double> weights, std::span<const int32_t> labels,
                           int n_classes, std::vector<uint8_t>* codes);
inline int CodeWeight(uint32_t code) {
  return static_cast<int>(code >> 2);
}
inline int CodeClass(uint32_t code) {
  return static_cast<int>(code & 3U);
}

// Reference: recomputes the left side's sums from scratch at every candidate (quadratic).
ScanBest ScanSortedSplitsReference(CriterionKind kind, const SortedEntry* entries, int64_t n,
                                   const ScanContext& context);

// Histogram layout: for each bin, `HistogramStride(n_values)` doubles: the row count, the total
// weight, then the n_values sums (class weights, or the sum of w * y).
inline int HistogramStride(int n_values) {
  return 2 + n_values;
}

// Adds rows[0, n) to the histograms of `features` (histograms[j] for features[j], each zeroed
// by the caller). `bins` is row-major: bins[row * n_features + feature]. One pass over the rows.
void AccumulateHistograms(const int32_t* rows, int64_t n, const uint8_t* bins, int64_t n_features,
                          std::span<const int> features, const ScanContext& context,
                          double* const* histograms);
// Reference: one feature at a time, one row at a time.
void AccumulateHistogramsReference(const int32_t* rows, int64_t n, const uint8_t* bins,
                                   int64_t n_features, std::span<const int> features,
                                   const ScanContext& context, double* const* histograms);

// Scans a histogram of n_bins bins (the node's rows) for the best split at an edge between two
// non-empty bins; the threshold of a split after bin b is thresholds[b]. `left` is scratch.
ScanBest ScanHistogram(CriterionKind kind, const double* histogram, int n_bins,
                       const double* thresholds, const ScanContext& context, double* left);

// Copies src[0, n) into dst[0, n) with the entries whose row's bit is set (n_left of them) first
// and the others after, each side keeping its order. Entries move as single 8-byte words. The
// row is SortedEntry::row >> row_shift (8 when codes are embedded, else 0).
void PartitionInto(const SortedEntry* src, int64_t n, int64_t n_left, const uint64_t* bits,
                   int row_shift, SortedEntry* dst);

// With codes embedded (ScanContext::embedded_codes), the row and code of an entry.
inline int32_t EmbeddedRow(const SortedEntry& entry) {
  return static_cast<int32_t>(static_cast<uint32_t>(entry.row) >> 8);
}
inline uint32_t EmbeddedCode(const SortedEntry& entry) {
  return static_cast<uint32_t>(entry.row) & 0xFFU;
}
// Rows below this can carry an embedded code.
inline constexpr int64_t kMaxEmbeddedRows = int64_t{1} << 23;

// Moves the items for which goes_left(item) is true to the front, keeping the order on both
// sides; returns how many went left. `scratch` holds n items.
template <class T, class GoesLeft>
int64_t StablePartition(T* items, int64_t n, GoesLeft goes_left, T* scratch) {
  int64_t n_left = 0, n_right = 0;
  // Branch-free: each item is written to both places and only one count moves.
  for (int64_t i = 0; i < n; ++i) {
    T item = items[i];
    bool left = goes_left(item);
    items[n_left] = item;
    scratch[n_right] = item;
    n_left += left;
    n_right += !left;
  }
  for (int64_t i = 0; i < n_right; ++i) items[n_left + i] = scratch[i];
  return n_left;
}

}  // namespace hitscope::trees
