#include <cmath>
#include <random>

#include <hitscope/aggregate.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(MomentStateTest, KnownAnswer) {
  MomentState state;
  for (double v : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) state.Update(v);
  EXPECT_EQ(state.count, 8);
  EXPECT_DOUBLE_EQ(state.mean, 5.0);
  EXPECT_DOUBLE_EQ(state.Variance(0), 4.0);
  EXPECT_DOUBLE_EQ(state.Std(1), std::sqrt(32.0 / 7.0));
  EXPECT_EQ(state.min, 2.0);
  EXPECT_EQ(state.max, 9.0);
  EXPECT_EQ(state.Sum(), 40.0);
}

TEST(MomentStateTest, MergeEqualsOnePassAtAwkwardSplits) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(1e6, 3.0);  // large mean: a naive formula loses digits
  std::vector<double> values(1001);
  for (double& v : values) v = normal(rng);
  MomentState whole;
  for (double v : values) whole.Update(v);
  for (size_t split : {0, 1, 3, 7, 500, 1000, 1001}) {
    MomentState a, b;
    for (size_t i = 0; i < values.size(); ++i) (i < split ? a : b).Update(values[i]);
    a.Merge(b);
    EXPECT_EQ(a.count, whole.count);
    EXPECT_NEAR(a.mean, whole.mean, 1e-14 * whole.mean);
    EXPECT_NEAR(a.Variance(1), whole.Variance(1), 1e-9 * whole.Variance(1));
    EXPECT_EQ(a.min, whole.min);
    EXPECT_EQ(a.max, whole.max);
  }
}

TEST(MomentStateTest, TooFewValuesGiveNaN) {
  MomentState state;
  EXPECT_TRUE(std::isnan(state.Variance(1)));
  state.Update(3);
  EXPECT_TRUE(std::isnan(state.Std(1)));
  EXPECT_EQ(state.Std(0), 0.0);
}

TEST(MomentStateTest, NaNIsCountedApart) {
  MomentState state;
  state.Update(1);
  state.Update(std::nan(""));
  EXPECT_EQ(state.count, 1);
  EXPECT_EQ(state.nan_count, 1);
}

// numpy.percentile([1, 2, 3, 4], [0, 25, 50, 75, 100]) -> 1, 1.75, 2.5, 3.25, 4
TEST(QuantileStateTest, MatchesNumpyLinear) {
  QuantileState state;
  for (double v : {4.0, 1.0, 3.0, 2.0}) state.Update(v);
  auto qs = state.Quantiles({0, 0.25, 0.5, 0.75, 1});
  EXPECT_EQ(qs, (std::vector<double>{1, 1.75, 2.5, 3.25, 4}));
}

TEST(QuantileStateTest, SelectionAgreesWithSortAtAwkwardSizes) {
  std::mt19937_64 rng(9);
  for (int n : {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000}) {
    std::vector<double> values(n);
    for (double& v : values) v = static_cast<double>(rng() % 50);  // many ties
    QuantileState selected, sorted;
    for (double v : values) {
      selected.Update(v);
      sorted.Update(v);
    }
    std::vector<double> qs = {0, 0.1, 0.25, 0.5, 0.75, 0.9, 1};
    std::vector<double> by_sort;
    for (double q : qs) by_sort.push_back(sorted.Quantile(q));
    EXPECT_EQ(selected.Quantiles(qs), by_sort) << "n=" << n;
  }
}

TEST(QuantileStateTest, SingleAndEmpty) {
  QuantileState state;
  EXPECT_TRUE(std::isnan(state.Quantile(0.5)));
  state.Update(42);
  EXPECT_EQ(state.Quantile(0.25), 42);
}

TEST(QuantileStateTest, MergeKeepsAllValues) {
  QuantileState a, b;
  a.Update(1);
  b.Update(3);
  b.Update(2);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3);
  EXPECT_EQ(a.Quantile(0.5), 2);
}

TEST(LerpTest, UsesNumpysTwoSidedFormula) {
  EXPECT_EQ(Lerp(1, 2, 0.25), 1.25);
  EXPECT_EQ(Lerp(1, 2, 0.75), 2 - 1 * 0.25);
  EXPECT_EQ(Lerp(5, 5, 0.3), 5);
}

}  // namespace
}  // namespace hitscope
