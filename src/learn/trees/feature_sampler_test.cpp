// The feature sampler: scikit-learn's seed, its draw without replacement and its constant
// bookkeeping (the parity tests in tests/trees check whole trees against scikit-learn).
#include "learn/trees/feature_sampler.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

namespace hitscope::trees {
namespace {

TEST(FeatureSamplerTest, SplitterSeedIsNumpysFirstDraw) {
  // numpy.random.RandomState(0).randint(0, 2**31 - 1) == 209652396.
  EXPECT_EQ(SklearnSplitterSeed(0), 209652396U);
}

TEST(FeatureSamplerTest, RandRIsTheXorshiftWithSeedZeroMappedToOne) {
  uint32_t zero = 0, one = 1;
  EXPECT_EQ(SklearnRandR(&zero), SklearnRandR(&one));
  uint32_t state = 12345;
  uint32_t value = SklearnRandR(&state);
  EXPECT_LT(value, 0x80000000U);
  EXPECT_NE(value, SklearnRandR(&state));
}

TEST(FeatureSamplerTest, AllFeaturesVisitedOnceWhenNoneIsConstant) {
  FeatureSampler sampler(7, 7, 42);
  int n_constant = 0;
  std::vector<int> visited = sampler.Draw(
      0, [](int) { return false; }, &n_constant);
  EXPECT_EQ(n_constant, 0);
  std::vector<int> sorted = visited;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(FeatureSamplerTest, PeekPredictsTheDrawAndChangesNothing) {
  FeatureSampler sampler(9, 3, 7);
  std::vector<int> peeked = sampler.Peek(0);
  std::vector<int> peeked_again = sampler.Peek(0);
  int n_constant = 0;
  std::vector<int> drawn = sampler.Draw(
      0, [](int) { return false; }, &n_constant);
  EXPECT_EQ(peeked, peeked_again);
  EXPECT_EQ(peeked, drawn);
  EXPECT_EQ(drawn.size(), 3u);
}

TEST(FeatureSamplerTest, ConstantFeaturesAreRememberedAndSkipped) {
  FeatureSampler sampler(6, 6, 3);
  int n_constant = 0;
  auto constant = [](int feature) { return feature == 1 || feature == 4; };
  std::vector<int> visited = sampler.Draw(0, constant, &n_constant);
  EXPECT_EQ(n_constant, 2);
  EXPECT_EQ(visited.size(), 4u);
  std::set<int> known(sampler.constant_features().begin(),
                      sampler.constant_features().begin() + n_constant);
  EXPECT_EQ(known, (std::set<int>{1, 4}));
  // A child knows them: they are never asked about again.
  int child_constant = 0;
  std::vector<int> asked;
  std::vector<int> child = sampler.Draw(
      n_constant,
      [&](int feature) {
        asked.push_back(feature);
        return false;
      },
      &child_constant);
  EXPECT_EQ(child_constant, 2);
  EXPECT_EQ(std::count(asked.begin(), asked.end(), 1), 0);
  EXPECT_EQ(std::count(asked.begin(), asked.end(), 4), 0);
  EXPECT_EQ(child.size(), 4u);
}

// scikit-learn keeps drawing past max_features until one non-constant feature is found.
TEST(FeatureSamplerTest, DrawsPastMaxFeaturesUntilOneIsNotConstant) {
  FeatureSampler sampler(5, 1, 11);
  int n_constant = 0;
  std::vector<int> visited = sampler.Draw(
      0, [](int feature) { return feature != 3; }, &n_constant);
  EXPECT_EQ(visited, std::vector<int>{3});
  EXPECT_GE(n_constant, 0);
}

}  // namespace
}  // namespace hitscope::trees
