// The distance kernels against their scalar references, bit for bit, at awkward sizes.
#include "learn/cluster/kernels.hpp"

#include <cstring>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "learn/cluster/blas_order.hpp"

namespace hitscope::cluster {
namespace {

const int kSizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256};

struct Points {
  std::vector<double> rows, soa;
  std::vector<const double*> cols;
};

Points RandomPoints(int64_t n, int d, uint32_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0, 3);
  Points p;
  p.rows.resize(static_cast<size_t>(n * d));
  for (double& v : p.rows) v = normal(gen);
  p.soa.resize(p.rows.size());
  for (int64_t i = 0; i < n; ++i) {
    for (int f = 0; f < d; ++f) p.soa[f * n + i] = p.rows[i * d + f];
  }
  for (int f = 0; f < d; ++f) p.cols.push_back(p.soa.data() + f * n);
  return p;
}

bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(KernelsTest, AssignNearestEqualsReference) {
  for (int d : {1, 2, 3, 4, 5, 9}) {
    for (int k : {1, 2, 3, 7, 8, 9}) {
      for (int n : kSizes) {
        Points x = RandomPoints(n, d, 100 * d + k + n);
        Points c = RandomPoints(k, d, 7 + d);
        std::vector<double> norms(k);
        for (int j = 0; j < k; ++j) norms[j] = EinsumDot(&c.rows[j * d], &c.rows[j * d], d);
        std::vector<int32_t> labels(n), ref_labels(n);
        std::vector<double> scores(n), ref_scores(n);
        AssignNearest(n, d, x.cols.data(), k, c.rows.data(), norms.data(), labels.data(),
                      scores.data());
        AssignNearestReference(n, d, x.rows.data(), k, c.rows.data(), norms.data(),
                               ref_labels.data(), ref_scores.data());
        ASSERT_EQ(labels, ref_labels) << "d=" << d << " k=" << k << " n=" << n;
        ASSERT_TRUE(SameBits(scores, ref_scores)) << "d=" << d << " k=" << k << " n=" << n;
      }
    }
  }
}

TEST(KernelsTest, LloydBlockEqualsReference) {
  for (int d : {1, 3, 4, 5}) {
    for (int k : {1, 2, 3, 8, 9, 12}) {
      for (int n : kSizes) {
        for (bool weighted : {false, true}) {
          Points x = RandomPoints(n, d, 31 * d + k + n);
          Points c = RandomPoints(k, d, 5 + d);
          std::vector<double> norms(k), weights(n);
          for (int j = 0; j < k; ++j) norms[j] = EinsumDot(&c.rows[j * d], &c.rows[j * d], d);
          for (int i = 0; i < n; ++i) weights[i] = 0.25 + (i % 7) * 0.5;
          std::vector<int32_t> labels(n, -1), ref_labels(n, -1);
          for (int i = 0; i < n; i += 3) labels[i] = ref_labels[i] = 0;  // some unchanged
          std::vector<double> sums(k * d, 1.5), ref_sums(k * d, 1.5), w(k, 2.0), ref_w(k, 2.0);
          const double* wp = weighted ? weights.data() : nullptr;
          int64_t changed = LloydBlock(n, d, x.cols.data(), k, c.rows.data(), norms.data(), wp,
                                       labels.data(), sums.data(), w.data());
          int64_t ref_changed =
              LloydBlockReference(n, d, x.rows.data(), k, c.rows.data(), norms.data(), wp,
                                  ref_labels.data(), ref_sums.data(), ref_w.data());
          ASSERT_EQ(labels, ref_labels) << "d=" << d << " k=" << k << " n=" << n;
          ASSERT_EQ(changed, ref_changed);
          ASSERT_TRUE(SameBits(sums, ref_sums)) << "d=" << d << " k=" << k << " n=" << n;
          ASSERT_TRUE(SameBits(w, ref_w)) << "d=" << d << " k=" << k << " n=" << n;
        }
      }
    }
  }
}

TEST(KernelsTest, AssignNearestKnownAnswerAndTies) {
  // Two centres at -1 and +1 on a line; 0 is a tie and goes to the lower index.
  std::vector<double> centers = {-1, 1}, norms = {1, 1};
  std::vector<double> xs = {-3, -0.5, 0, 0.5, 3};
  const double* cols[1] = {xs.data()};
  std::vector<int32_t> labels(5);
  AssignNearest(5, 1, cols, 2, centers.data(), norms.data(), labels.data(), nullptr);
  EXPECT_EQ(labels, (std::vector<int32_t>{0, 0, 0, 1, 1}));
}

TEST(KernelsTest, AssignNearestNegativeControl) {
  // Swapping the centre norms must change the answer: the check above can fail.
  std::vector<double> centers = {-1, 1}, wrong_norms = {100, 1};
  std::vector<double> xs = {-3};
  const double* cols[1] = {xs.data()};
  int32_t label = -1;
  AssignNearest(1, 1, cols, 2, centers.data(), wrong_norms.data(), &label, nullptr);
  EXPECT_EQ(label, 1);
}

TEST(KernelsTest, PlusPlusDistancesEqualReference) {
  for (int d : {1, 2, 4, 5, 8, 9}) {
    for (int n : kSizes) {
      Points x = RandomPoints(n, d, 3 * d + n);
      std::vector<double> norms(n);
      for (int i = 0; i < n; ++i) norms[i] = EinsumDot(&x.rows[i * d], &x.rows[i * d], d);
      const double* center = &x.rows[(n / 2) * d];
      double center_norm = norms[n / 2];
      std::vector<double> out(n), ref(n);
      PlusPlusDistances(n, d, x.cols.data(), norms.data(), center, center_norm, out.data());
      PlusPlusDistancesReference(n, d, x.rows.data(), norms.data(), center, center_norm,
                                 ref.data());
      ASSERT_TRUE(SameBits(out, ref)) << "d=" << d << " n=" << n;
      EXPECT_EQ(out[n / 2] >= 0, true);
      EXPECT_NEAR(out[n / 2], 0.0, 1e-12) << "a row is at distance 0 of itself";
    }
  }
}

TEST(KernelsTest, SquaredDistancesToPointEqualReference) {
  for (int d : {1, 3, 4, 7}) {
    for (int n : kSizes) {
      Points x = RandomPoints(n, d, 11 * d + n);
      std::vector<double> point(d, 0.25), out(n), ref(n);
      SquaredDistancesToPoint(n, d, x.cols.data(), point.data(), out.data());
      SquaredDistancesToPointReference(n, d, x.rows.data(), point.data(), ref.data());
      ASSERT_TRUE(SameBits(out, ref)) << "d=" << d << " n=" << n;
    }
  }
}

TEST(KernelsTest, SklearnDistanceOrder) {
  // Known answer: (1,2,3,4,5) to the origin = 55, summed in sklearn's grouping.
  double a[5] = {1, 2, 3, 4, 5}, zero[5] = {};
  EXPECT_EQ(SklearnSquaredDistance(a, zero, 5), 55.0);
  EXPECT_EQ(SequentialSquaredDistance(a, zero, 5), 55.0);
  EXPECT_EQ(SequentialDot(a, a, 5), 55.0);
}

TEST(BlasOrderTest, NumpyBitsOnKnownValues) {
  // Random vectors where the order matters, with the bits numpy 1.24 + Debian's OpenBLAS print
  // (float.hex) for np.dot(A, x)[0] with a = A[0] of a 4-row A (gemv), np.dot(a, x) (ddot) and
  // np.einsum('ij,ij->i') of a and x.
  struct Case {
    std::vector<double> a, x;
    double gemv, ddot, einsum;
  };
  const Case cases[] = {
      {{-0x1.1e95ee45405c4p+0, 0x1.7942c02399fbcp-1, 0x1.931b37f72671ap+0},
       {-0x1.48ffa44f6e663p-1, -0x1.6cbc1d5cdc884p-3, -0x1.25dd5f3c1d25ap-1},
       -0x1.4338ee4117625p-2,
       -0x1.4338ee4117627p-2,
       -0x1.4338ee4117625p-2},
      {{-0x1.dbb734b4cb53bp-2, 0x1.3b111e619af1bp-3, 0x1.884634703c346p-1, -0x1.fcf132a376f1dp-1,
        -0x1.0eafc163c92cap-2},
       {0x1.e0a82e89b7e9cp-1, -0x1.599c41e7c48dap-1, -0x1.0fcca6b81c753p-1, -0x1.bd5e8b6ed4affp-1,
        -0x1.27bf656fd3976p+0},
       0x1.c96f39ee95b35p-3,
       0x1.c96f39ee95b37p-3,
       0x1.c96f39ee95b38p-3},
      {{0x1.1d736e3be3782p+0, -0x1.65de38824247fp-3, 0x1.5368de27265dfp+0, -0x1.8e6885449c30bp-1,
        0x1.c0c91f7f1eaa6p-1, -0x1.97fc554afbef3p+0, -0x1.a2f699ce58d7bp-2, 0x1.17d70e89c79b9p-1,
        0x1.6c3d1074f51f2p-2},
       {0x1.fb7b83fb8418bp-1, 0x1.2f5118936512bp+1, -0x1.c68558df8b68cp-1, -0x1.b6ad02b3c5a8fp+0,
        -0x1.3166be545d703p-2, -0x1.a7fc9274a0ff7p-2, 0x1.6e56ea7f157cbp-1, -0x1.144fc7f04f580p+0,
        -0x1.14db16f267bb8p-2},
       0x1.119290ed30049p-2,
       0x1.119290ed3004cp-2,
       0x1.119290ed3004cp-2},
  };
  for (const Case& c : cases) {
    const int d = static_cast<int>(c.a.size());
    EXPECT_EQ(GemvDot(c.a.data(), c.x.data(), d), c.gemv) << d;
    EXPECT_EQ(BlasDot(c.a.data(), c.x.data(), d), c.ddot) << d;
    EXPECT_EQ(EinsumDot(c.a.data(), c.x.data(), d), c.einsum) << d;
    // Negative control: a plain left-to-right sum gives other bits on these vectors.
    EXPECT_NE(SequentialDot(c.a.data(), c.x.data(), d), c.gemv) << d;
  }
  const double i[4] = {1, 2, 3, 4}, j[4] = {5, 6, 7, 8};
  EXPECT_EQ(GemvDot(i, j, 4), 70.0);
  EXPECT_EQ(BlasDot(i, j, 4), 70.0);
  EXPECT_EQ(EinsumDot(i, i, 4), 30.0);
}

}  // namespace
}  // namespace hitscope::cluster
