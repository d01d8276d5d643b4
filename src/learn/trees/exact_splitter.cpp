#include "learn/trees/exact_splitter.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <hitscope/runtime.hpp>

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

std::unique_ptr<ExactScratch> ExactScratchPool::Take() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.empty()) return std::make_unique<ExactScratch>();
  std::unique_ptr<ExactScratch> scratch = std::move(free_.back());
  free_.pop_back();
  return scratch;
}

void ExactScratchPool::Give(std::unique_ptr<ExactScratch> scratch) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A waiting worker may start another tree, so more trees than threads may grow at a time; keep
  // no more than one per thread for the trees to come, and free the others now.
  if (free_.size() < static_cast<size_t>(std::max(ThreadCount(), 1))) {
    free_.push_back(std::move(scratch));
  }
}

bool WorthParallel(int64_t rows, size_t features) {
  // Below this much work per node, handing features to other threads costs more than it saves.
  return features > 1 && rows * static_cast<int64_t>(features) >= (int64_t{1} << 16) &&
         rows >= 8192;
}

ExactSplitter::ExactSplitter(const TrainingSet& data, std::span<const double> weights,
                             const PresortedColumns& presorted, const SplitLimits& limits,
                             ExactScratch* scratch, bool deferred)
    : data_(data),
      weights_(weights),
      limits_(limits),
      scratch_(scratch != nullptr ? scratch : &own_scratch_),
      deferred_(deferred) {
  std::vector<uint64_t> nonzero(static_cast<size_t>((data.rows + 63) / 64), 0);
  for (int64_t row = 0; row < data.rows; ++row) {
    weighted_n_samples_ += weights[row];
    if (weights[row] != 0.0) {
      rows_.push_back(static_cast<int32_t>(row));
      nonzero[row / 64] |= uint64_t{1} << (row % 64);
    }
  }
  const auto n = static_cast<int64_t>(rows_.size());
  if (data.classification()) {
    PackWeightsAndClasses(weights, data.labels, data.n_classes, &codes_);
  }
  embedded_ = !codes_.empty() && data.rows < kMaxEmbeddedRows;
  const auto n_features = static_cast<size_t>(data.features);
  // One spare entry per feature: the filter below writes every entry and keeps the wanted ones.
  stride_ = n + 1;
  const auto store_size = static_cast<size_t>(data.features * stride_);
  for (std::vector<SortedEntry>& store : scratch_->stores) {
    if (store.size() < store_size) {
      // Freed before growing (no copy, no two at once), with room for the next trees' bootstraps.
      store = std::vector<SortedEntry>();
      store.resize(store_size + store_size / 64);
    }
  }
  scratch_->goes_left.resize(static_cast<size_t>(((embedded_ ? n : data.rows) + 63) / 64));
  std::vector<uint32_t>& tags = scratch_->tags;
  if (embedded_) {
    // Each row's entry word: its index among the rows of non-zero weight and its code; 0 (weight
    // 0 in the code) for the rows left out.
    tags.resize(static_cast<size_t>(data.rows));
    uint32_t index = 0;
    for (int64_t row = 0; row < data.rows; ++row) {
      uint32_t code = codes_[row];
      bool kept = CodeWeight(code) != 0;
      tags[row] = kept ? (index << 8) | code : 0;
      index += kept ? 1 : 0;
    }
  }
  ParallelTasks(n_features, [&](size_t feature) {
    SortedEntry* column = Column(0, static_cast<int>(feature));
    int64_t kept = 0;
    if (embedded_) {
      for (const SortedEntry& entry : presorted.columns[feature]) {
        uint32_t tag = tags[entry.row];
        column[kept] = {entry.value, static_cast<int32_t>(tag)};
        kept += tag != 0 ? 1 : 0;
      }
    } else {
      for (const SortedEntry& entry : presorted.columns[feature]) {
        column[kept] = entry;
        kept += static_cast<int64_t>((nonzero[entry.row / 64] >> (entry.row % 64)) & 1U);
      }
    }
  });
  // The root: every feature sorted over [0, n) in array 0, one node.
  current_.assign(n_features, Sorted{0, static_cast<int32_t>(n), 0});
  if (deferred_) {
    scratch_->node_of_row.assign(static_cast<size_t>(embedded_ ? n : data.rows), 0);
    scratch_->node_end.resize(static_cast<size_t>(n + 1));
    scratch_->cursor.resize(static_cast<size_t>(n + 1));
    scratch_->node_end[0] = static_cast<int32_t>(n);
  }
  scan_scratch_.assign(static_cast<size_t>(data.features * limits.n_values), 0.0);
}

void ExactSplitter::NodeReset(int64_t start, int64_t end, int /*depth*/, const NodeStats* known,
                              NodeStats* stats) {
  start_ = start;
  end_ = end;
  if (root_) {
    root_ = false;
  } else {
    const size_t n_features = current_.size();
    std::copy_n(pending_.end() - static_cast<std::ptrdiff_t>(n_features), n_features,
                current_.begin());
    pending_.resize(pending_.size() - n_features);
    pending_ranges_.pop_back();
  }
  if (known != nullptr) {
    node_ = *known;
  } else {
    SumRows(data_, weights_, std::span<const int32_t>(rows_).subspan(start, end - start),
            limits_.n_values, &node_);
  }
  *stats = node_;
}

void ExactSplitter::Materialize(int feature) {
  if (!deferred_) throw std::logic_error("exact splitter: a feature out of its node's range");
  const Sorted from = current_[static_cast<size_t>(feature)];
  int32_t* node_of_row = scratch_->node_of_row.data();
  const int32_t* node_end = scratch_->node_end.data();
  int32_t* cursor = scratch_->cursor.data();
  const SortedEntry* src = Column(from.store, feature) + from.begin;
  SortedEntry* dst = Column(1 - from.store, feature) + from.begin;
  const int64_t n = from.end - from.begin;
  const int shift = embedded_ ? 8 : 0;
  const int32_t first_end = node_end[from.begin];
  if (node_end[first_end] == from.end) {
    // Two nodes: the range's own split, whose rows goes_left still marks (no node inside the
    // range has split since).
    PartitionInto(src, n, first_end - from.begin, scratch_->goes_left.data(), shift, dst);
  } else {
    // The nodes (visited or not) that tile the range now; each gets its rows in sorted order.
    for (int32_t at = from.begin; at < from.end; at = node_end[at]) cursor[at] = at - from.begin;
    const auto* in = reinterpret_cast<const unsigned char*>(src);
    auto* out = reinterpret_cast<unsigned char*>(dst);
    for (int64_t i = 0; i < n; ++i) {
      uint64_t word;
      std::memcpy(&word, in + i * 8, 8);
      int32_t node = node_of_row[static_cast<uint32_t>(word >> 32) >> shift];
      std::memcpy(out + static_cast<int64_t>(cursor[node]++) * 8, &word, 8);
    }
  }
  const int32_t store = 1 - from.store;
  current_[static_cast<size_t>(feature)] =
      Sorted{static_cast<int32_t>(start_), static_cast<int32_t>(end_), store};
  // The pending nodes inside the range, all on top of the stack, shared it; now each has its own.
  const size_t n_features = current_.size();
  for (size_t k = pending_ranges_.size(); k-- > 0;) {
    auto [begin, end] = pending_ranges_[k];
    if (begin < from.begin || end > from.end) break;
    Sorted& pending = pending_[k * n_features + static_cast<size_t>(feature)];
    if (!(pending == from))
      throw std::logic_error("exact splitter: deferred partition out of step");
    pending = Sorted{begin, end, store};
  }
}

bool ExactSplitter::IsConstant(int feature) {
  Ensure(feature);
  const SortedEntry* column = Current(feature);
  return column[end_ - 1].value <= column[start_].value + kFeatureThreshold;
}

void ExactSplitter::Evaluate(std::span<const int> features, std::span<SplitCandidate> out) {
  for (int feature : features) Ensure(feature);
  ScanContext context = MakeScanContext(data_, weights_, node_, limits_);
  context.codes = codes_.empty() ? nullptr : codes_.data();
  context.embedded_codes = embedded_;
  auto scan = [&](size_t i) {
    int feature = features[i];
    const SortedEntry* entries = Current(feature) + start_;
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

void ExactSplitter::MarkAndSum(const SortedEntry* chosen, int64_t pos, NodeStats* left,
                               NodeStats* right) {
  uint64_t* bits = scratch_->goes_left.data();
  int32_t* node_of_row = scratch_->node_of_row.data();
  const bool deferred = deferred_;
  const auto right_node = static_cast<int32_t>(pos);
  auto mark = [bits, node_of_row, deferred, right_node](uint32_t row, bool goes_left) {
    // The left child keeps the node's start; the right child starts at pos.
    if (deferred && !goes_left) node_of_row[row] = right_node;
    uint64_t mask = uint64_t{1} << (row % 64);
    bits[row / 64] = (bits[row / 64] & ~mask) | (goes_left ? mask : 0);
  };
  if (embedded_) {
    // Whole weights: integer sums are exact, so any order gives scikit-learn's values.
    auto sum_side = [&](int64_t from, int64_t to, bool goes_left, NodeStats* stats) {
      int64_t counts[4] = {};
      for (int64_t p = from; p < to; ++p) {
        uint32_t code = EmbeddedCode(chosen[p]);
        mark(static_cast<uint32_t>(EmbeddedRow(chosen[p])), goes_left);
        counts[CodeClass(code)] += CodeWeight(code);
      }
      stats->Reset(limits_.n_values);
      int64_t total = 0;
      for (int k = 0; k < limits_.n_values; ++k) {
        stats->sums[k] = static_cast<double>(counts[k]);
        total += counts[k];
      }
      stats->weight = static_cast<double>(total);
    };
    sum_side(start_, pos, true, left);
    sum_side(pos, end_, false, right);
    return;
  }
  for (int64_t p = start_; p < end_; ++p) mark(static_cast<uint32_t>(chosen[p].row), p < pos);
  // The sides' statistics, from the chosen feature's order (the sides' row sets are final).
  SumSide(chosen + start_, pos - start_, left);
  SumSide(chosen + pos, end_ - pos, right);
}

void ExactSplitter::SumSide(const SortedEntry* entries, int64_t n, NodeStats* stats) const {
  stats->Reset(limits_.n_values);
  if (!codes_.empty()) {
    // Whole weights: integer sums are exact, so any order gives scikit-learn's values.
    int64_t counts[4] = {};
    for (int64_t i = 0; i < n; ++i) {
      uint32_t code = codes_[entries[i].row];
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
  const SortedEntry* chosen = Current(best.feature);
  MarkAndSum(chosen, best.pos, left, right);
  const Sorted at = current_[static_cast<size_t>(best.feature)];
  const auto pos = static_cast<int32_t>(best.pos), start = static_cast<int32_t>(start_),
             end = static_cast<int32_t>(end_);
  const size_t n_features = current_.size();
  const size_t top = pending_.size();
  // Right child, then left child (the tree builder's stack order), each starting from the node's.
  pending_.resize(top + 2 * n_features);
  Sorted* right_child = pending_.data() + top;
  Sorted* left_child = right_child + n_features;
  std::copy(current_.begin(), current_.end(), right_child);
  std::copy(current_.begin(), current_.end(), left_child);
  pending_ranges_.emplace_back(pos, end);
  pending_ranges_.emplace_back(start, pos);
  // The chosen feature is already in order (left rows first) and stays in its array.
  right_child[best.feature] = Sorted{pos, end, at.store};
  left_child[best.feature] = Sorted{start, pos, at.store};
  if (deferred_) {
    std::vector<int32_t>& node_end = scratch_->node_end;
    node_end[static_cast<size_t>(start)] = pos;
    node_end[static_cast<size_t>(pos)] = end;
    return;
  }
  const uint64_t* bits = scratch_->goes_left.data();
  const int64_t n = end_ - start_, n_left = best.pos - start_;
  auto move = [&](int feature) {
    if (feature == best.feature) return;
    int from = current_[static_cast<size_t>(feature)].store;
    PartitionInto(Column(from, feature) + start_, n, n_left, bits, embedded_ ? 8 : 0,
                  Column(1 - from, feature) + start_);
  };
  if (WorthParallel(n, live.size())) {
    ParallelTasks(live.size(), [&](size_t i) { move(live[i]); });
  } else {
    for (int feature : live) move(feature);
  }
  // Both children read the moved features from the other array. Features not live are constant
  // in the node and never read again below it.
  for (int feature : live) {
    if (feature == best.feature) continue;
    int32_t store = 1 - current_[static_cast<size_t>(feature)].store;
    right_child[feature] = Sorted{pos, end, store};
    left_child[feature] = Sorted{start, pos, store};
  }
}

}  // namespace hitscope::trees
