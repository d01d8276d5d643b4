// The silhouette tile kernel against its scalar reference, bit for bit, at awkward sizes.
#include "evaluate/cluster_indices/silhouette_kernel.hpp"

#include <cstring>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace hitscope::cluster {
namespace {

struct Block {
  std::vector<double> rows, soa;
  std::vector<const double*> cols;
};

Block RandomBlock(int64_t n, int d, uint32_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> uniform(-5, 5);
  Block b;
  b.rows.resize(static_cast<size_t>(n * d));
  for (double& v : b.rows) v = uniform(gen);
  b.soa.resize(b.rows.size());
  for (int64_t i = 0; i < n; ++i) {
    for (int f = 0; f < d; ++f) b.soa[f * n + i] = b.rows[i * d + f];
  }
  for (int f = 0; f < d; ++f) b.cols.push_back(b.soa.data() + f * n);
  return b;
}

TEST(SilhouetteKernelTest, EqualsReferenceAtAwkwardSizes) {
  const int sizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256};  // nb <= kTileRows
  for (int d : {1, 2, 4, 5, 9}) {
    for (int na : sizes) {
      for (int nb : sizes) {
        Block a = RandomBlock(na, d, 1000 * d + na), b = RandomBlock(nb, d, 7 * d + nb);
        std::vector<double> rows(na), ref_rows(na), cols(nb, 0.5), ref_cols(nb, 0.5);
        TileDistanceSums(na, nb, d, a.cols.data(), b.cols.data(), rows.data(), cols.data());
        TileDistanceSumsReference(na, nb, d, a.rows.data(), b.rows.data(), ref_rows.data(),
                                  ref_cols.data());
        ASSERT_EQ(0, std::memcmp(rows.data(), ref_rows.data(), na * sizeof(double)))
            << "d=" << d << " na=" << na << " nb=" << nb;
        ASSERT_EQ(0, std::memcmp(cols.data(), ref_cols.data(), nb * sizeof(double)))
            << "d=" << d << " na=" << na << " nb=" << nb;
      }
    }
  }
}

TEST(SilhouetteKernelTest, KnownDistances) {
  // One row at the origin against (3, 4) and (6, 8): distances 5 and 10.
  double a0[] = {0}, a1[] = {0}, b0[] = {3, 6}, b1[] = {4, 8};
  const double* a_cols[] = {a0, a1};
  const double* b_cols[] = {b0, b1};
  double row = -1, cols[2] = {1, 1};
  TileDistanceSums(1, 2, 2, a_cols, b_cols, &row, cols);
  EXPECT_EQ(row, 15.0);
  EXPECT_EQ(cols[0], 6.0);
  EXPECT_EQ(cols[1], 11.0);
  // Without col_sums the columns are left alone.
  TileDistanceSums(1, 2, 2, a_cols, b_cols, &row, nullptr);
  EXPECT_EQ(row, 15.0);
}

}  // namespace
}  // namespace hitscope::cluster
