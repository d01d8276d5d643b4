#include "learn/trees/exact_splitter.hpp"

#include <algorithm>

#include "core/parallel.hpp"

namespace hitscope::trees {

void SumRows(const TrainingSet& data, std::span<const double> weights,
             std::span<const int32_t> rows, int n_values, NodeStats* stats) {
  stats->Reset(n_values);
  if (data.classification()) {
    for (int32_t row : rows) {
      double w = weights[row];
      stats->sums[static_cast<size_t>(data.labels[row])] += w;
      stats->weight += w;
    }
  } else {
    for (int32_t row : rows) {
      double w = weights[row];
      double y = data.targets[row];
      double w_y = w * y;
      stats->sums[0] += w_y;
      stats->sq_sum += w_y * y;
      stats->weight += w;
    }
  }
}

ScanContext MakeScanContext(const TrainingSet& data, std::span<const double> weights,
                            const NodeStats& node, const SplitLimits& limits) {
  ScanContext context;
  context.labels = data.classification() ? data.labels.data() : nullptr;
  context.targets = data.classification() ? nullptr : data.targets.data();
  context.weights = weights.data();
  context.total_sums = node.sums.data();
  context.total_weight = node.weight;
  context.n_values = limits.n_values;
  context.min_samples_leaf = limits.min_samples_leaf;
  context.min_weight_leaf = limits.min_weight_leaf;
  return context;
}

bool WorthParallel(int64_t rows, size_t features) {
  // Below this much work per node, handing features to other threads costs more than it saves.
  return features > 1 && rows * static_cast<int64_t>(features) >= (int64_t{1} << 16) &&
         rows >= 8192;
}

ExactSplitter::ExactSplitter(const TrainingSet& data, std::span<const double> weights,
                             const PresortedColumns& presorted, const SplitLimits& limits)
    : data_(data), weights_(weights), limits_(limits) {
  std::vector<uint64_t> nonzero(static_cast<size_t>((data.rows + 63) / 64), 0);
  for (int64_t row = 0; row < data.rows; ++row) {
    weighted_n_samples_ += weights[row];
    if (weights[row] != 0.0) {
      rows_.push_back(static_cast<int32_t>(row));
      nonzero[row / 64] |= uint64_t{1} << (row % 64);
    }
  }
  const size_t n = rows_.size();
  if (data.classification()) {
    PackWeightsAndClasses(weights, data.labels, data.n_classes, &codes_);
  }
  embedded_ = !codes_.empty() && data.rows < kMaxEmbeddedRows;
  columns_[0].resize(static_cast<size_t>(data.features));
  columns_[1].resize(static_cast<size_t>(data.features));
  ParallelTasks(columns_[0].size(), [&](size_t feature) {
    columns_[1][feature].resize(n);
    std::vector<SortedEntry>& column = columns_[0][feature];
    const std::vector<SortedEntry>& all = presorted.columns[feature];
    column.reserve(n);
    for (const SortedEntry& entry : all) {
      if (!((nonzero[entry.row / 64] >> (entry.row % 64)) & 1U)) continue;
      if (embedded_) {
        auto packed = (static_cast<uint32_t>(entry.row) << 8) | codes_[entry.row];
        column.push_back({entry.value, static_cast<int32_t>(packed)});
      } else {
        column.push_back(entry);
      }
    }
  });
  goes_left_.assign(static_cast<size_t>((data.rows + 63) / 64), 0);
  scan_scratch_.assign(static_cast<size_t>(data.features * limits.n_values), 0.0);
}

void ExactSplitter::NodeReset(int64_t start, int64_t end, int depth, const NodeStats* known,
                              NodeStats* stats) {
  start_ = start;
  end_ = end;
  buffer_ = depth % 2;
  if (known != nullptr) {
    node_ = *known;
  } else {
    SumRows(data_, weights_, std::span<const int32_t>(rows_).subspan(start, end - start),
            limits_.n_values, &node_);
  }
  *stats = node_;
}

bool ExactSplitter::IsConstant(int feature) {
  const std::vector<SortedEntry>& column = columns_[buffer_][feature];
  return column[end_ - 1].value <= column[start_].value + kFeatureThreshold;
}

void ExactSplitter::Evaluate(std::span<const int> features, std::span<SplitCandidate> out) {
  ScanContext context = MakeScanContext(data_, weights_, node_, limits_);
  context.codes = codes_.empty() ? nullptr : codes_.data();
  context.embedded_codes = embedded_;
  auto scan = [&](size_t i) {
    int feature = features[i];
    const SortedEntry* entries = columns_[buffer_][feature].data() + start_;
    ScanBest best = ScanSortedSplits(limits_.criterion, entries, end_ - start_, context,
                                     scan_scratch_.data() + feature * limits_.n_values);
    SplitCandidate& candidate = out[i];
    candidate = SplitCandidate{};
    candidate.feature = feature;
    if (best.pos >= 0) {
      candidate.pos = start_ + best.pos;
      candidate.threshold = best.threshold;
      candidate.proxy = best.proxy;
    }
  };
  if (WorthParallel(end_ - start_, features.size())) {
    ParallelTasks(features.size(), scan);
  } else {
    for (size_t i = 0; i < features.size(); ++i) scan(i);
  }
}

void ExactSplitter::SumSide(const SortedEntry* entries, int64_t n, NodeStats* stats) const {
  stats->Reset(limits_.n_values);
  if (!codes_.empty()) {
    // Whole weights: integer sums are exact, so any order gives scikit-learn's values.
    int64_t counts[4] = {};
    for (int64_t i = 0; i < n; ++i) {
      uint32_t code = embedded_ ? EmbeddedCode(entries[i]) : codes_[entries[i].row];
      counts[CodeClass(code)] += CodeWeight(code);
    }
    int64_t total = 0;
    for (int k = 0; k < limits_.n_values; ++k) {
      stats->sums[k] = static_cast<double>(counts[k]);
      total += counts[k];
    }
    stats->weight = static_cast<double>(total);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    int32_t row = entries[i].row;
    double w = weights_[row];
    if (data_.classification()) {
      stats->sums[static_cast<size_t>(data_.labels[row])] += w;
    } else {
      double y = data_.targets[row];
      double w_y = w * y;
      stats->sums[0] += w_y;
      stats->sq_sum += w_y * y;
    }
    stats->weight += w;
  }
}

void ExactSplitter::Partition(const SplitCandidate& best, std::span<const int> live,
                              NodeStats* left, NodeStats* right) {
  std::vector<std::vector<SortedEntry>>& from = columns_[buffer_];
  std::vector<std::vector<SortedEntry>>& to = columns_[1 - buffer_];
  const SortedEntry* chosen = from[best.feature].data();
  uint64_t* bits = goes_left_.data();
  for (int64_t p = start_; p < end_; ++p) {
    auto row = static_cast<uint32_t>(embedded_ ? EmbeddedRow(chosen[p]) : chosen[p].row);
    uint64_t mask = uint64_t{1} << (row % 64);
    if (p < best.pos) {
      bits[row / 64] |= mask;
    } else {
      bits[row / 64] &= ~mask;
    }
  }
  // The sides' statistics, from the chosen feature's order (the sides' row sets are final).
  SumSide(chosen + start_, best.pos - start_, left);
  SumSide(chosen + best.pos, end_ - best.pos, right);

  const int64_t n = end_ - start_, n_left = best.pos - start_;
  auto move = [&](int feature) {
    if (feature == best.feature) {
      // Already in order: left rows first.
      std::copy_n(from[feature].data() + start_, n, to[feature].data() + start_);
    } else {
      PartitionInto(from[feature].data() + start_, n, n_left, bits, embedded_ ? 8 : 0,
                    to[feature].data() + start_);
    }
  };
  if (WorthParallel(n, live.size())) {
    ParallelTasks(live.size(), [&](size_t i) { move(live[i]); });
  } else {
    for (int feature : live) move(feature);
  }
}

}  // namespace hitscope::trees
