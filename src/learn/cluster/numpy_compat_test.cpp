// numpy's RandomState and sums, reproduced: known values printed by numpy 1.24.
#include "learn/cluster/numpy_compat.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace hitscope::cluster {
namespace {

TEST(NumpyRandomStateTest, SeedsLikeNumpy) {
  // np.random.RandomState(0): randint(10) x5, uniform(size=3), permutation(7).
  NumpyRandomState rng(0);
  std::vector<int64_t> ints;
  for (int i = 0; i < 5; ++i) ints.push_back(rng.RandInt(10));
  EXPECT_EQ(ints, (std::vector<int64_t>{5, 0, 3, 3, 7}));
  EXPECT_EQ(rng.RandomSample(), 0.4236547993389047);
  EXPECT_EQ(rng.RandomSample(), 0.6458941130666561);
  EXPECT_EQ(rng.RandomSample(), 0.4375872112626925);
  EXPECT_EQ(rng.Permutation(7), (std::vector<int64_t>{3, 1, 2, 4, 5, 0, 6}));
}

TEST(NumpyRandomStateTest, LargeRangesAndFirstWords) {
  // RandomState(0): randint(32833), randint(2**31 - 1), random_sample().
  NumpyRandomState rng(0);
  EXPECT_EQ(rng.RandInt(32833), 2732);
  EXPECT_EQ(rng.RandInt(2147483647), 398764591);
  EXPECT_EQ(rng.RandomSample(), 0.7151893663724195);
  // MT19937 reference: the first output for seed 5489 is 3499211612.
  NumpyRandomState reference(5489);
  EXPECT_EQ(reference.NextUint32(), 3499211612U);
}

TEST(NumpyRandomStateTest, NegativeControlOtherSeedDiffers) {
  NumpyRandomState a(0), b(1);
  EXPECT_NE(a.Permutation(50), b.Permutation(50));
}

TEST(NumpySumTest, PairwiseInBuffersNotLeftToRight) {
  // Values whose left-to-right sum differs from numpy's pairwise sum.
  std::vector<double> values(1000, 0.1);
  values[0] = 1e16;
  double left_to_right = 0;
  for (double v : values) left_to_right += v;
  double ours = NumpySum(values);
  // np.sum([1e16] + [0.1] * 999) == 1.0000000000000098e+16 (pairwise keeps the small terms).
  EXPECT_EQ(ours, 1.0000000000000098e+16);
  EXPECT_NE(ours, left_to_right) << "negative control: a plain loop loses the small terms";
  EXPECT_EQ(NumpySum(std::vector<double>{}), 0.0);
  EXPECT_EQ(NumpySum(std::vector<double>{1, 2, 3}), 6.0);
}

TEST(NumpySumTest, CumsumIsRunningSum) {
  std::vector<double> values = {1, 2, 3.5}, out(3);
  NumpyCumsum(values, out);
  EXPECT_EQ(out, (std::vector<double>{1, 3, 6.5}));
}

}  // namespace
}  // namespace hitscope::cluster
