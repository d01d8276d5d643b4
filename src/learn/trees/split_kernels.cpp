#include "learn/trees/split_kernels.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>

namespace hitscope::trees {

double SplitThreshold(float a, float b) {
  double threshold = static_cast<double>(a) / 2.0 + static_cast<double>(b) / 2.0;
  if (threshold == static_cast<double>(b) || std::isinf(threshold)) threshold = a;
  return threshold;
}

bool PackWeightsAndClasses(std::span<const double> weights, std::span<const int32_t> labels,
                           int n_classes, std::vector<uint8_t>* codes) {
  if (n_classes > 4) return false;
  std::vector<uint8_t> packed(weights.size());
  for (size_t row = 0; row < weights.size(); ++row) {
    double w = weights[row];
    if (!(w >= 0 && w <= 63) || w != static_cast<double>(static_cast<int>(w))) return false;
    packed[row] = static_cast<uint8_t>((static_cast<int>(w) << 2) | labels[row]);
  }
  *codes = std::move(packed);
  return true;
}

namespace {

template <int kRowShift>
void PartitionIntoShifted(const SortedEntry* src, int64_t n, int64_t n_left, const uint64_t* bits,
                          SortedEntry* dst) {
  static_assert(sizeof(SortedEntry) == 8 && offsetof(SortedEntry, row) == 4);
  static_assert(std::endian::native == std::endian::little, "the row is the high word");
  const auto* in = reinterpret_cast<const unsigned char*>(src);
  auto* out = reinterpret_cast<unsigned char*>(dst);
  int64_t next_left = 0, next_right = n_left;
  for (int64_t i = 0; i < n; ++i) {
    uint64_t word;
    std::memcpy(&word, in + i * 8, 8);
    auto row = static_cast<uint32_t>(word >> (32 + kRowShift));
    auto left = static_cast<int64_t>((bits[row / 64] >> (row % 64)) & 1U);
    // One store to a place chosen by a mask, not a branch: left and right rows interleave at
    // random, and a mispredicted branch per row would cost more than the move itself.
    int64_t at = next_right ^ ((next_left ^ next_right) & -left);
    std::memcpy(out + at * 8, &word, 8);
    next_left += left;
    next_right += 1 - left;
  }
}

}  // namespace

void PartitionInto(const SortedEntry* src, int64_t n, int64_t n_left, const uint64_t* bits,
                   int row_shift, SortedEntry* dst) {
  if (row_shift == 8) {
    PartitionIntoShifted<8>(src, n, n_left, bits, dst);
  } else {
    PartitionIntoShifted<0>(src, n, n_left, bits, dst);
  }
}

namespace {

// How a scan reads a row: packed weight and class summed into one 64-bit register (at most 3
// classes, each side's weight below 2^21: whole numbers add exactly, and no sum waits on a store),
// packed weight and class summed into an array, weight and class from two arrays, weight and
// target (regression).
enum class RowKind { kPacked3, kCoded, kClasses, kValues };
constexpr int kPackedBits = 21;
constexpr uint64_t kPackedMask = (uint64_t{1} << kPackedBits) - 1;

// The left side of a scan: sums per value and total weight, or (kPacked3) packed counts.
struct Side {
  double* sums;
  double weight = 0;
  uint64_t packed = 0;
};

// An entry's packed weight and class: embedded in it, or looked up by its row.
template <bool kEmbedded>
inline uint32_t CodeOf(const ScanContext& context, const SortedEntry& entry) {
  if constexpr (kEmbedded) {
    return EmbeddedCode(entry);
  } else {
    return context.codes[entry.row];
  }
}

// Adds one entry's row to a side.
template <RowKind kRows, bool kEmbedded>
inline void AddRow(const ScanContext& context, const SortedEntry& entry, Side* side) {
  if constexpr (kRows == RowKind::kPacked3) {
    uint32_t code = CodeOf<kEmbedded>(context, entry);
    side->packed += static_cast<uint64_t>(CodeWeight(code)) << (kPackedBits * CodeClass(code));
  } else if constexpr (kRows == RowKind::kCoded) {
    uint32_t code = CodeOf<kEmbedded>(context, entry);
    auto w = static_cast<double>(CodeWeight(code));
    side->sums[CodeClass(code)] += w;
    side->weight += w;
  } else if constexpr (kRows == RowKind::kClasses) {
    double w = context.weights[entry.row];
    side->sums[context.labels[entry.row]] += w;
    side->weight += w;
  } else {
    double w = context.weights[entry.row];
    side->sums[0] += w * context.targets[entry.row];
    side->weight += w;
  }
}

// Whether a candidate may reach `best` (scikit-learn's proxy of the best split so far), decided
// without dividing. Mathematically the gini proxy is sum_k l_k^2 / wl + sum_k r_k^2 / wr - w and
// the squared-error proxy sum_l^2 / wl + sum_r^2 / wr; the candidate is skipped only when this
// exact value is below best by far more than any rounding of either formula.
template <CriterionKind kKind>
inline bool MayReach(const double* left, const double* total, int n_values, double wl, double wr,
                     double best) {
  double sq_left = 0, sq_right = 0;
  for (int c = 0; c < n_values; ++c) {
    double l = left[c], r = total[c] - left[c];
    sq_left += l * l;
    sq_right += r * r;
  }
  double offset = kKind == CriterionKind::kGini ? wl + wr : 0.0;
  double target = best + offset;
  double margin = 1e-9 * (std::fabs(best) + offset + 1.0);
  // sq_left / wl + sq_right / wr >= target - margin, times wl * wr > 0.
  return sq_left * wr + sq_right * wl >= (target - margin) * (wl * wr);
}

template <CriterionKind kKind, RowKind kRows, bool kEmbedded>
ScanBest ScanSorted(const SortedEntry* entries, int64_t n, const ScanContext& context,
                    double* left_scratch) {
  constexpr bool kScreen = kKind != CriterionKind::kEntropy;
  ScanBest best;
  const int n_values = context.n_values;
  // kPacked3 keeps the left side packed and unpacks it into `left` at candidates.
  constexpr bool kPacked = kRows == RowKind::kPacked3;
  double packed_left[3] = {0, 0, 0};
  double* left = kPacked ? packed_left : left_scratch;
  std::fill(left, left + n_values, 0.0);
  Side side{left};
  const int64_t min_leaf = context.min_samples_leaf;
  // Positions p with min_leaf <= p <= n - min_leaf may split; rows before the first such
  // position are only added.
  const int64_t first = std::max<int64_t>(min_leaf, 1);
  const int64_t last = n - min_leaf;
  for (int64_t p = 0; p < std::min(first, n); ++p) {
    AddRow<kRows, kEmbedded>(context, entries[p], &side);
  }
  for (int64_t p = first; p <= last; ++p) {
    if (entries[p].value > entries[p - 1].value + kFeatureThreshold) {
      if constexpr (kPacked) {
        uint64_t counts[3] = {side.packed & kPackedMask, (side.packed >> kPackedBits) & kPackedMask,
                              side.packed >> (2 * kPackedBits)};
        for (int c = 0; c < n_values; ++c) left[c] = static_cast<double>(counts[c]);
        side.weight = static_cast<double>(counts[0] + counts[1] + counts[2]);
      }
      const double weight_left = side.weight;
      double weight_right = context.total_weight - weight_left;
      if (weight_left >= context.min_weight_leaf && weight_right >= context.min_weight_leaf &&
          (!kScreen || best.pos < 0 ||
           MayReach<kKind>(left, context.total_sums, n_values, weight_left, weight_right,
                           best.proxy))) {
        double proxy =
            ProxyImprovement<kKind>(left, context.total_sums, n_values, weight_left, weight_right);
        if (proxy > best.proxy) {
          best.proxy = proxy;
          best.pos = p;
        }
      }
    }
    AddRow<kRows, kEmbedded>(context, entries[p], &side);
  }
  if (best.pos > 0)
    best.threshold = SplitThreshold(entries[best.pos - 1].value, entries[best.pos].value);
  return best;
}

// ScanSorted<kPacked3> with the number of classes known when compiling: the node's totals and
// the left side's counts stay in registers and the loops over classes unroll, so a candidate
// costs no store and reload. The same operations in the same order as ScanSorted, so the same
// result.
template <CriterionKind kKind, bool kEmbedded, int kN>
ScanBest ScanPackedN(const SortedEntry* entries, int64_t n, const ScanContext& context) {
  static_assert(kN >= 1 && kN <= 3);
  constexpr bool kScreen = kKind != CriterionKind::kEntropy;
  ScanBest best;
  double total[kN];
  for (int c = 0; c < kN; ++c) total[c] = context.total_sums[c];
  const double total_weight = context.total_weight;
  const double min_weight_leaf = context.min_weight_leaf;
  uint64_t packed = 0;
  auto add = [&](const SortedEntry& entry) {
    uint32_t code = CodeOf<kEmbedded>(context, entry);
    packed += static_cast<uint64_t>(CodeWeight(code)) << (kPackedBits * CodeClass(code));
  };
  // MayReach's right-hand side before the factor wl * wr, (target - margin), for the best proxy
  // so far: its offset wl + wr is the node's total weight exactly (whole numbers below 2^21), so it
  // changes only with the best, and is computed then, with MayReach's operations.
  const double offset = kKind == CriterionKind::kGini ? total_weight : 0.0;
  double reach = 0;
  const int64_t min_leaf = context.min_samples_leaf;
  const int64_t first = std::max<int64_t>(min_leaf, 1);
  const int64_t last = n - min_leaf;
  for (int64_t p = 0; p < std::min(first, n); ++p) add(entries[p]);
  for (int64_t p = first; p <= last; ++p) {
    if (entries[p].value > entries[p - 1].value + kFeatureThreshold) {
      const uint64_t counts[3] = {packed & kPackedMask, (packed >> kPackedBits) & kPackedMask,
                                  packed >> (2 * kPackedBits)};
      double left[kN];
      for (int c = 0; c < kN; ++c) left[c] = static_cast<double>(counts[c]);
      const double weight_left = static_cast<double>(counts[0] + counts[1] + counts[2]);
      const double weight_right = total_weight - weight_left;
      bool may_reach = true;
      if (kScreen && best.pos >= 0) {
        double sq_left = 0, sq_right = 0;
        for (int c = 0; c < kN; ++c) {
          double l = left[c], r = total[c] - left[c];
          sq_left += l * l;
          sq_right += r * r;
        }
        may_reach =
            sq_left * weight_right + sq_right * weight_left >= reach * (weight_left * weight_right);
      }
      if (weight_left >= min_weight_leaf && weight_right >= min_weight_leaf && may_reach) {
        double proxy = ProxyImprovement<kKind>(left, total, kN, weight_left, weight_right);
        if (proxy > best.proxy) {
          best.proxy = proxy;
          best.pos = p;
          reach = (proxy + offset) - 1e-9 * (std::fabs(proxy) + offset + 1.0);
        }
      }
    }
    add(entries[p]);
  }
  if (best.pos > 0)
    best.threshold = SplitThreshold(entries[best.pos - 1].value, entries[best.pos].value);
  return best;
}

template <CriterionKind kKind, bool kEmbedded>
ScanBest ScanCoded(const SortedEntry* entries, int64_t n, const ScanContext& context,
                   double* left) {
  const bool packable = context.n_values <= 3 &&
                        context.total_weight < static_cast<double>(uint64_t{1} << kPackedBits);
  if (packable && context.n_values == 3) {
    return ScanPackedN<kKind, kEmbedded, 3>(entries, n, context);
  }
  if (packable && context.n_values == 2) {
    return ScanPackedN<kKind, kEmbedded, 2>(entries, n, context);
  }
  if (packable) return ScanSorted<kKind, RowKind::kPacked3, kEmbedded>(entries, n, context, left);
  return ScanSorted<kKind, RowKind::kCoded, kEmbedded>(entries, n, context, left);
}

template <CriterionKind kKind>
ScanBest ScanKind(const SortedEntry* entries, int64_t n, const ScanContext& context, double* left) {
  if constexpr (kKind == CriterionKind::kSquaredError) {
    return ScanSorted<kKind, RowKind::kValues, false>(entries, n, context, left);
  } else {
    if (context.codes != nullptr && context.embedded_codes) {
      return ScanCoded<kKind, true>(entries, n, context, left);
    }
    if (context.codes != nullptr) return ScanCoded<kKind, false>(entries, n, context, left);
    return ScanSorted<kKind, RowKind::kClasses, false>(entries, n, context, left);
  }
}

}  // namespace

ScanBest ScanSortedSplits(CriterionKind kind, const SortedEntry* entries, int64_t n,
                          const ScanContext& context, double* left) {
  switch (kind) {
    case CriterionKind::kGini:
      return ScanKind<CriterionKind::kGini>(entries, n, context, left);
    case CriterionKind::kEntropy:
      return ScanKind<CriterionKind::kEntropy>(entries, n, context, left);
    case CriterionKind::kSquaredError:
      return ScanKind<CriterionKind::kSquaredError>(entries, n, context, left);
  }
  return {};
}

ScanBest ScanSortedSplitsReference(CriterionKind kind, const SortedEntry* entries, int64_t n,
                                   const ScanContext& context) {
  ScanBest best;
  std::vector<double> left(static_cast<size_t>(context.n_values));
  for (int64_t p = 1; p < n; ++p) {
    bool boundary = !(entries[p].value <= entries[p - 1].value + kFeatureThreshold);
    if (!boundary || p < context.min_samples_leaf || n - p < context.min_samples_leaf) continue;
    std::fill(left.begin(), left.end(), 0.0);
    double weight_left = 0;
    for (int64_t q = 0; q < p; ++q) {
      int32_t row = entries[q].row;
      double w = context.weights[row];
      if (kind == CriterionKind::kSquaredError) {
        left[0] += w * context.targets[row];
      } else {
        left[static_cast<size_t>(context.labels[row])] += w;
      }
      weight_left += w;
    }
    double weight_right = context.total_weight - weight_left;
    if (weight_left < context.min_weight_leaf || weight_right < context.min_weight_leaf) continue;
    double proxy = ProxyImprovement(kind, left.data(), context.total_sums, context.n_values,
                                    weight_left, weight_right);
    if (proxy > best.proxy) {
      best.proxy = proxy;
      best.pos = p;
      best.threshold = SplitThreshold(entries[p - 1].value, entries[p].value);
    }
  }
  return best;
}

namespace {

template <bool kClassification>
void Accumulate(const int32_t* rows, int64_t n, const uint8_t* bins, int64_t n_features,
                std::span<const int> features, const ScanContext& context,
                double* const* histograms) {
  const int stride = HistogramStride(context.n_values);
  const size_t n_hist = features.size();
  for (int64_t i = 0; i < n; ++i) {
    int32_t row = rows[i];
    const uint8_t* row_bins = bins + static_cast<int64_t>(row) * n_features;
    double w = context.weights[row];
    // The slot this row adds to, the same in every feature's bin.
    int slot;
    double amount;
    if constexpr (kClassification) {
      slot = 2 + context.labels[row];
      amount = w;
    } else {
      slot = 2;
      amount = w * context.targets[row];
    }
    for (size_t j = 0; j < n_hist; ++j) {
      double* bin = histograms[j] + row_bins[features[j]] * stride;
      bin[0] += 1.0;
      bin[1] += w;
      bin[slot] += amount;
    }
  }
}

}  // namespace

void AccumulateHistograms(const int32_t* rows, int64_t n, const uint8_t* bins, int64_t n_features,
                          std::span<const int> features, const ScanContext& context,
                          double* const* histograms) {
  if (context.labels != nullptr) {
    Accumulate<true>(rows, n, bins, n_features, features, context, histograms);
  } else {
    Accumulate<false>(rows, n, bins, n_features, features, context, histograms);
  }
}

void AccumulateHistogramsReference(const int32_t* rows, int64_t n, const uint8_t* bins,
                                   int64_t n_features, std::span<const int> features,
                                   const ScanContext& context, double* const* histograms) {
  const int stride = HistogramStride(context.n_values);
  for (size_t j = 0; j < features.size(); ++j) {
    for (int64_t i = 0; i < n; ++i) {
      int32_t row = rows[i];
      int bin = bins[static_cast<int64_t>(row) * n_features + features[j]];
      double* slots = histograms[j] + bin * stride;
      double w = context.weights[row];
      slots[0] += 1.0;
      slots[1] += w;
      if (context.labels != nullptr) {
        slots[2 + context.labels[row]] += w;
      } else {
        slots[2] += w * context.targets[row];
      }
    }
  }
}

ScanBest ScanHistogram(CriterionKind kind, const double* histogram, int n_bins,
                       const double* thresholds, const ScanContext& context, double* left) {
  const int stride = HistogramStride(context.n_values);
  ScanBest best;
  std::fill(left, left + context.n_values, 0.0);
  double count_left = 0, weight_left = 0, count_total = 0;
  for (int b = 0; b < n_bins; ++b) count_total += histogram[b * stride];
  for (int b = 0; b + 1 < n_bins; ++b) {
    const double* bin = histogram + b * stride;
    if (bin[0] == 0) continue;
    count_left += bin[0];
    weight_left += bin[1];
    for (int k = 0; k < context.n_values; ++k) left[k] += bin[2 + k];
    double count_right = count_total - count_left;
    if (count_right == 0) break;
    if (count_left < static_cast<double>(context.min_samples_leaf) ||
        count_right < static_cast<double>(context.min_samples_leaf)) {
      continue;
    }
    double weight_right = context.total_weight - weight_left;
    if (weight_left < context.min_weight_leaf || weight_right < context.min_weight_leaf) continue;
    double proxy = ProxyImprovement(kind, left, context.total_sums, context.n_values, weight_left,
                                    weight_right);
    if (proxy > best.proxy) {
      best.proxy = proxy;
      best.pos = static_cast<int64_t>(count_left);
      best.threshold = thresholds[b];
      best.bin = b;
    }
  }
  return best;
}

}  // namespace hitscope::trees
