// The hot loops of tree growing against their plain references, at awkward sizes.
#include "learn/trees/split_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace hitscope::trees {
namespace {

constexpr int64_t kAwkwardSizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100};

// A node of n rows: sorted values (with ties when `coarse`), labels, weights of the chosen kind.
struct NodeData {
  std::vector<SortedEntry> entries;
  std::vector<int32_t> labels;
  std::vector<double> targets, weights, totals;
  std::vector<uint8_t> codes;
  double total_weight = 0;

  ScanContext Context(int n_values, bool regression, int64_t min_leaf, bool coded) const {
    ScanContext context;
    context.codes = coded ? codes.data() : nullptr;
    context.labels = regression ? nullptr : labels.data();
    context.targets = regression ? targets.data() : nullptr;
    context.weights = weights.data();
    context.total_sums = totals.data();
    context.total_weight = total_weight;
    context.n_values = n_values;
    context.min_samples_leaf = min_leaf;
    return context;
  }
};

enum class Weights { kOnes, kWholeNumbers, kReal };

NodeData MakeNode(int64_t n, int n_classes, bool regression, Weights weights, bool coarse,
                  uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  NodeData data;
  for (int64_t row = 0; row < n; ++row) {
    float value = uniform(rng);
    if (coarse) value = std::round(value * 4.0f) / 4.0f;
    data.entries.push_back({value, static_cast<int32_t>(row)});
    data.labels.push_back(static_cast<int32_t>(rng() % static_cast<uint32_t>(n_classes)));
    data.targets.push_back(static_cast<double>(rng() % 100));
    double w = weights == Weights::kOnes           ? 1.0
               : weights == Weights::kWholeNumbers ? static_cast<double>(rng() % 4)
                                                   : 0.25 + (rng() % 1000) / 997.0;
    data.weights.push_back(w);
  }
  std::stable_sort(data.entries.begin(), data.entries.end(),
                   [](const SortedEntry& a, const SortedEntry& b) { return a.value < b.value; });
  int n_values = regression ? 1 : n_classes;
  data.totals.assign(static_cast<size_t>(n_values), 0.0);
  for (int64_t row = 0; row < n; ++row) {
    if (regression) {
      data.totals[0] += data.weights[row] * data.targets[row];
    } else {
      data.totals[data.labels[row]] += data.weights[row];
    }
    data.total_weight += data.weights[row];
  }
  if (!regression) PackWeightsAndClasses(data.weights, data.labels, n_classes, &data.codes);
  return data;
}

struct ScanCase {
  CriterionKind kind;
  Weights weights;
  bool coarse;
  int64_t min_leaf;
};

class ScanTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(ScanTest, MatchesReferenceAtAwkwardSizes) {
  const ScanCase c = GetParam();
  const bool regression = c.kind == CriterionKind::kSquaredError;
  for (int n_classes : {2, 3, 5}) {
    for (int64_t n : kAwkwardSizes) {
      NodeData data = MakeNode(n, n_classes, regression, c.weights, c.coarse,
                               static_cast<uint32_t>(n * 31 + n_classes));
      int n_values = regression ? 1 : n_classes;
      std::vector<double> scratch(static_cast<size_t>(n_values));
      ScanBest want = ScanSortedSplitsReference(
          c.kind, data.entries.data(), n, data.Context(n_values, regression, c.min_leaf, false));
      for (int mode : {0, 1, 2}) {  // looked-up weights, looked-up codes, embedded codes
        bool coded = mode > 0;
        if (coded && data.codes.empty()) continue;
        ScanContext context = data.Context(n_values, regression, c.min_leaf, coded);
        std::vector<SortedEntry> entries = data.entries;
        if (mode == 2) {
          context.embedded_codes = true;
          for (SortedEntry& e : entries) {
            e.row = static_cast<int32_t>((static_cast<uint32_t>(e.row) << 8) | data.codes[e.row]);
          }
        }
        ScanBest got = ScanSortedSplits(c.kind, entries.data(), n, context, scratch.data());
        SCOPED_TRACE(testing::Message()
                     << "n=" << n << " classes=" << n_classes << " mode=" << mode);
        EXPECT_EQ(got.pos, want.pos);
        if (want.pos >= 0) {
          EXPECT_EQ(got.proxy, want.proxy);
          EXPECT_EQ(got.threshold, want.threshold);
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kernels, ScanTest,
    ::testing::Values(ScanCase{CriterionKind::kGini, Weights::kOnes, false, 1},
                      ScanCase{CriterionKind::kGini, Weights::kWholeNumbers, true, 1},
                      ScanCase{CriterionKind::kGini, Weights::kReal, true, 3},
                      ScanCase{CriterionKind::kEntropy, Weights::kOnes, true, 1},
                      ScanCase{CriterionKind::kEntropy, Weights::kWholeNumbers, false, 2},
                      ScanCase{CriterionKind::kSquaredError, Weights::kOnes, false, 1},
                      ScanCase{CriterionKind::kSquaredError, Weights::kReal, true, 2}));

// Negative control: the reference notices when the entries are not sorted (a scan of a shuffled
// node finds another split).
TEST(ScanTest, ReferenceCatchesAnUnsortedNode) {
  NodeData data = MakeNode(64, 3, false, Weights::kOnes, false, 7);
  ScanContext context = data.Context(3, false, 1, false);
  ScanBest sorted =
      ScanSortedSplitsReference(CriterionKind::kGini, data.entries.data(), 64, context);
  std::reverse(data.entries.begin(), data.entries.begin() + 40);
  std::vector<double> scratch(3);
  ScanBest shuffled =
      ScanSortedSplits(CriterionKind::kGini, data.entries.data(), 64, context, scratch.data());
  EXPECT_FALSE(shuffled.pos == sorted.pos && shuffled.threshold == sorted.threshold);
}

TEST(SplitThresholdTest, MidpointOrLowerNeighbour) {
  EXPECT_EQ(SplitThreshold(1.0f, 2.0f), 1.5);
  // Neighbouring float32 values: the midpoint is exact in double, halfway between them.
  float a = 1.0f, b = std::nextafter(1.0f, 2.0f);
  EXPECT_GT(SplitThreshold(a, b), a);
  EXPECT_LT(SplitThreshold(a, b), b);
  // Huge values: a / 2 + b / 2 does not overflow.
  float big = 3.0e38f;
  EXPECT_TRUE(std::isfinite(SplitThreshold(big, std::nextafter(big, 3.4e38f))));
}

TEST(HistogramKernelTest, AccumulateMatchesReferenceAtAwkwardSizes) {
  const int64_t n_features = 5;
  std::mt19937 rng(3);
  for (bool regression : {false, true}) {
    for (int64_t n : kAwkwardSizes) {
      int n_values = regression ? 1 : 3;
      std::vector<uint8_t> bins(static_cast<size_t>(n * n_features));
      for (uint8_t& bin : bins) bin = static_cast<uint8_t>(rng() % 7);
      std::vector<int32_t> rows(static_cast<size_t>(n)), labels(rows.size());
      std::vector<double> weights(rows.size()), targets(rows.size());
      for (int64_t i = 0; i < n; ++i) {
        rows[i] = static_cast<int32_t>((i * 7) % n);
        labels[i] = static_cast<int32_t>(rng() % 3);
        weights[i] = 0.5 + (rng() % 5);
        targets[i] = rng() % 50;
      }
      ScanContext context;
      context.labels = regression ? nullptr : labels.data();
      context.targets = regression ? targets.data() : nullptr;
      context.weights = weights.data();
      context.n_values = n_values;
      std::vector<int> features = {4, 0, 2};
      const size_t size = 7 * static_cast<size_t>(HistogramStride(n_values));
      std::vector<std::vector<double>> got(3, std::vector<double>(size)), want = got;
      double* got_ptrs[] = {got[0].data(), got[1].data(), got[2].data()};
      double* want_ptrs[] = {want[0].data(), want[1].data(), want[2].data()};
      AccumulateHistograms(rows.data(), n, bins.data(), n_features, features, context, got_ptrs);
      AccumulateHistogramsReference(rows.data(), n, bins.data(), n_features, features, context,
                                    want_ptrs);
      EXPECT_EQ(got, want) << "n=" << n;
    }
  }
}

// With one bin per distinct value, the histogram scan finds the sorted scan's split.
TEST(HistogramKernelTest, ScanAgreesWithSortedScanWhenBinsAreValues) {
  for (int64_t n : kAwkwardSizes) {
    NodeData data = MakeNode(n, 3, false, Weights::kWholeNumbers, true, static_cast<uint32_t>(n));
    // Values are multiples of 1/4 in [-1, 1]: 9 bins.
    std::vector<double> thresholds;
    for (int i = 0; i < 8; ++i) {
      thresholds.push_back(SplitThreshold(-1.0f + 0.25f * i, -1.0f + 0.25f * (i + 1)));
    }
    std::vector<uint8_t> bins(static_cast<size_t>(n));
    std::vector<int32_t> rows;
    for (const SortedEntry& entry : data.entries) {
      bins[entry.row] = static_cast<uint8_t>(
          std::lower_bound(thresholds.begin(), thresholds.end(), entry.value) - thresholds.begin());
      rows.push_back(entry.row);
    }
    ScanContext context = data.Context(3, false, 1, false);
    std::vector<double> histogram(9 * static_cast<size_t>(HistogramStride(3)), 0.0);
    double* target[] = {histogram.data()};
    int feature = 0;
    AccumulateHistograms(rows.data(), n, bins.data(), 1, std::span<const int>(&feature, 1), context,
                         target);
    std::vector<double> scratch(3);
    ScanBest sorted =
        ScanSortedSplits(CriterionKind::kGini, data.entries.data(), n, context, scratch.data());
    ScanBest binned = ScanHistogram(CriterionKind::kGini, histogram.data(), 9, thresholds.data(),
                                    context, scratch.data());
    EXPECT_EQ(binned.pos, sorted.pos) << "n=" << n;
    if (sorted.pos >= 0) {
      EXPECT_EQ(binned.proxy, sorted.proxy);
    }
  }
}

TEST(PartitionKernelTest, PartitionIntoReadsEmbeddedRows) {
  std::vector<SortedEntry> entries = {{1, (5 << 8) | 3}, {2, (7 << 8) | 1}, {3, (2 << 8) | 2}};
  uint64_t bits = (uint64_t{1} << 7) | (uint64_t{1} << 2);
  std::vector<SortedEntry> out(3);
  PartitionInto(entries.data(), 3, 2, &bits, 8, out.data());
  EXPECT_EQ(out[0].value, 2);
  EXPECT_EQ(out[1].value, 3);
  EXPECT_EQ(out[2].value, 1);
  EXPECT_EQ(EmbeddedRow(out[2]), 5);
  EXPECT_EQ(EmbeddedCode(out[2]), 3u);
}

TEST(PartitionKernelTest, PartitionIntoMatchesStablePartition) {
  std::mt19937 rng(5);
  for (int64_t n : kAwkwardSizes) {
    std::vector<SortedEntry> entries;
    std::vector<uint64_t> bits(static_cast<size_t>((n + 63) / 64 + 1), 0);
    int64_t n_left = 0;
    for (int64_t i = 0; i < n; ++i) {
      auto row = static_cast<int32_t>((i * 13) % n);
      entries.push_back({static_cast<float>(i), row});
      if (rng() % 2) {
        bits[row / 64] |= uint64_t{1} << (row % 64);
      }
    }
    for (const SortedEntry& e : entries) n_left += (bits[e.row / 64] >> (e.row % 64)) & 1U;
    std::vector<SortedEntry> want = entries, got(entries.size()), scratch(entries.size());
    int64_t want_left = StablePartition(
        want.data(), n,
        [&](const SortedEntry& e) { return ((bits[e.row / 64] >> (e.row % 64)) & 1U) != 0; },
        scratch.data());
    ASSERT_EQ(want_left, n_left);
    PartitionInto(entries.data(), n, n_left, bits.data(), 0, got.data());
    for (int64_t i = 0; i < n; ++i) {
      EXPECT_EQ(got[i].row, want[i].row) << "n=" << n << " at " << i;
      EXPECT_EQ(got[i].value, want[i].value);
    }
  }
}

TEST(PackTest, PacksOnlyWholeSmallWeights) {
  std::vector<uint8_t> codes;
  std::vector<int32_t> labels = {0, 1, 2};
  EXPECT_TRUE(PackWeightsAndClasses(std::vector<double>{1, 0, 63}, labels, 3, &codes));
  EXPECT_EQ(CodeWeight(codes[2]), 63);
  EXPECT_EQ(CodeClass(codes[2]), 2);
  EXPECT_FALSE(PackWeightsAndClasses(std::vector<double>{1, 0.5, 2}, labels, 3, &codes));
  EXPECT_FALSE(PackWeightsAndClasses(std::vector<double>{1, 64, 2}, labels, 3, &codes));
  EXPECT_FALSE(PackWeightsAndClasses(std::vector<double>{1, 1, 1}, labels, 5, &codes));
}

}  // namespace
}  // namespace hitscope::trees
