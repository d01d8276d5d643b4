#include "learn/trees/histogram_splitter.hpp"

#include <algorithm>

#include "learn/trees/exact_splitter.hpp"

namespace hitscope::trees {

HistogramSplitter::HistogramSplitter(const TrainingSet& data, std::span<const double> weights,
                                     const FeatureBins& bins, const SplitLimits& limits)
    : data_(data),
      weights_(weights),
      bins_(bins),
      limits_(limits),
      stride_(HistogramStride(limits.n_values)) {
  for (int64_t row = 0; row < data.rows; ++row) {
    weighted_n_samples_ += weights[row];
    if (weights[row] != 0.0) rows_.push_back(static_cast<int32_t>(row));
  }
  row_scratch_.resize(rows_.size());
  histograms_.resize(static_cast<size_t>(data.features));
  for (int64_t feature = 0; feature < data.features; ++feature) {
    histograms_[feature].resize(static_cast<size_t>(bins.n_bins(feature) * stride_));
  }
  built_.assign(static_cast<size_t>(data.features), 0);
  scan_scratch_.resize(static_cast<size_t>(limits.n_values));
}

ScanContext HistogramSplitter::Context() const {
  return MakeScanContext(data_, weights_, node_, limits_);
}

void HistogramSplitter::NodeReset(int64_t start, int64_t end, int depth, const NodeStats* known,
                                  NodeStats* stats) {
  (void)depth;
  Clear();
  start_ = start;
  end_ = end;
  if (known != nullptr) {
    node_ = *known;
  } else {
    SumRows(data_, weights_, std::span<const int32_t>(rows_).subspan(start, end - start),
            limits_.n_values, &node_);
  }
  *stats = node_;
}

void HistogramSplitter::Clear() {
  const int64_t n = end_ - start_;
  for (int feature : built_list_) {
    built_[feature] = 0;
    std::vector<double>& histogram = histograms_[feature];
    if (n * 4 >= static_cast<int64_t>(histogram.size())) {
      std::fill(histogram.begin(), histogram.end(), 0.0);
      continue;
    }
    // The node's rows are the same set as when the histogram was built (a partition only
    // reorders them), so zeroing their bins zeroes every bin that was touched.
    const uint8_t* bins = bins_.bins.data();
    for (int64_t p = start_; p < end_; ++p) {
      int bin = bins[static_cast<int64_t>(rows_[p]) * bins_.features + feature];
      std::fill_n(histogram.begin() + bin * stride_, stride_, 0.0);
    }
  }
  built_list_.clear();
}

void HistogramSplitter::Build(std::span<const int> features) {
  std::vector<int> missing;
  std::vector<double*> targets;
  for (int feature : features) {
    if (built_[feature]) continue;
    built_[feature] = 1;
    built_list_.push_back(feature);
    missing.push_back(feature);
    targets.push_back(histograms_[feature].data());
  }
  if (missing.empty()) return;
  AccumulateHistograms(rows_.data() + start_, end_ - start_, bins_.bins.data(), bins_.features,
                       missing, Context(), targets.data());
}

void HistogramSplitter::Prepare(std::span<const int> features) {
  Build(features);
}

bool HistogramSplitter::IsConstant(int feature) {
  Build(std::span<const int>(&feature, 1));
  const std::vector<double>& histogram = histograms_[feature];
  int non_empty = 0;
  for (size_t slot = 0; slot < histogram.size(); slot += static_cast<size_t>(stride_)) {
    non_empty += histogram[slot] != 0;
  }
  return non_empty <= 1;
}

void HistogramSplitter::Evaluate(std::span<const int> features, std::span<SplitCandidate> out) {
  Build(features);
  ScanContext context = Context();
  for (size_t i = 0; i < features.size(); ++i) {
    int feature = features[i];
    ScanBest best =
        ScanHistogram(limits_.criterion, histograms_[feature].data(), bins_.n_bins(feature),
                      bins_.thresholds[feature].data(), context, scan_scratch_.data());
    SplitCandidate& candidate = out[i];
    candidate = SplitCandidate{};
    candidate.feature = feature;
    if (best.pos >= 0) {
      candidate.pos = start_ + best.pos;
      candidate.threshold = best.threshold;
      candidate.proxy = best.proxy;
      candidate.bin = best.bin;
    }
  }
}

void HistogramSplitter::Partition(const SplitCandidate& best, std::span<const int> live,
                                  NodeStats* left, NodeStats* right) {
  (void)live;
  const uint8_t* bins = bins_.bins.data();
  const int64_t stride = bins_.features;
  const int feature = best.feature;
  const int last_left = best.bin;
  int64_t n_left = StablePartition(
      rows_.data() + start_, end_ - start_,
      [&](int32_t row) { return bins[row * stride + feature] <= last_left; }, row_scratch_.data());
  // Each side summed in its row order, exactly as NodeReset would sum it.
  std::span<const int32_t> rows(rows_);
  SumRows(data_, weights_, rows.subspan(start_, n_left), limits_.n_values, left);
  SumRows(data_, weights_, rows.subspan(start_ + n_left, end_ - start_ - n_left), limits_.n_values,
          right);
}

}  // namespace hitscope::trees
