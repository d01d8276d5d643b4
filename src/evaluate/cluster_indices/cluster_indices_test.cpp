// The cluster quality indices: known answers, agreement between the silhouette's two schemes
// and with a naive O(n^2) computation, negative controls and error paths.
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include <hitscope/cluster_indices.hpp>
#include <hitscope/runtime.hpp>

#include "evaluate/cluster_indices/silhouette_internal.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

// Points around `centers` (k x d), `per` rows each, Gaussian noise `spread`.
Matrix MakeBlobs(const std::vector<std::vector<double>>& centers, int per, double spread,
                 uint32_t seed, std::vector<int32_t>* labels) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> noise(0, spread);
  const int d = static_cast<int>(centers[0].size());
  Matrix x(static_cast<int64_t>(centers.size()) * per, d);
  labels->clear();
  for (size_t c = 0; c < centers.size(); ++c) {
    for (int i = 0; i < per; ++i) {
      const int64_t row = static_cast<int64_t>(c) * per + i;
      for (int f = 0; f < d; ++f) x(row, f) = centers[c][f] + noise(gen);
      labels->push_back(static_cast<int32_t>(c));
    }
  }
  return x;
}

std::vector<double> NaiveSilhouette(const Matrix& x, const std::vector<int32_t>& labels) {
  const int64_t n = x.rows();
  std::vector<double> out(n);
  for (int64_t i = 0; i < n; ++i) {
    std::map<int32_t, std::pair<double, int64_t>> per;  // label -> (sum, count)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t f = 0; f < x.cols(); ++f) s += (x(i, f) - x(j, f)) * (x(i, f) - x(j, f));
      auto& entry = per[labels[j]];
      entry.first += std::sqrt(s);
      entry.second += 1;
    }
    auto own = per[labels[i]];
    if (own.second == 1) {
      out[i] = 0;
      continue;
    }
    double a = own.first / (own.second - 1), b = INFINITY;
    for (auto& [label, entry] : per) {
      if (label != labels[i]) b = std::min(b, entry.first / entry.second);
    }
    out[i] = std::max(a, b) > 0 ? (b - a) / std::max(a, b) : 0;
  }
  return out;
}

TEST(SilhouetteTest, KnownAnswerOnALine) {
  // 0, 1 | 10, 11: s = 9.5/10.5 for the outer points, 8.5/9.5 for the inner ones.
  Matrix x(4, 1, std::vector<double>{0, 1, 10, 11});
  std::vector<int32_t> labels = {0, 0, 1, 1};
  std::vector<double> s = SilhouetteSamples(x, labels);
  EXPECT_DOUBLE_EQ(s[0], 9.5 / 10.5);
  EXPECT_DOUBLE_EQ(s[1], 8.5 / 9.5);
  EXPECT_DOUBLE_EQ(s[2], 8.5 / 9.5);
  EXPECT_DOUBLE_EQ(s[3], 9.5 / 10.5);
  EXPECT_NEAR(SilhouetteScore(x, labels), (9.5 / 10.5 + 8.5 / 9.5) / 2, 1e-15);
}

TEST(SilhouetteTest, NegativeControlWrongLabelsScoreBelowZero) {
  Matrix x(4, 1, std::vector<double>{0, 1, 10, 11});
  EXPECT_LT(SilhouetteScore(x, std::vector<int32_t>{0, 1, 0, 1}), 0);
}

TEST(SilhouetteTest, SingletonClusterScoresZeroAndLabelsAnyIntegers) {
  Matrix x(4, 1, std::vector<double>{0, 1, 2, 50});
  std::vector<double> s = SilhouetteSamples(x, std::vector<int32_t>{7, 7, 7, -1});
  EXPECT_EQ(s[3], 0.0) << "a row alone in its cluster";
  EXPECT_GT(s[0], 0.9);
}

TEST(SilhouetteTest, SchemesAgreeWithNaiveAcrossThreadCounts) {
  std::vector<int32_t> labels;
  Matrix x = MakeBlobs({{0, 0, 0}, {3, 0, 1}, {0, 4, 2}, {2, 2, 2}}, 300, 1.0, 5, &labels);
  // Uneven sizes: drop some rows of cluster 3.
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < x.rows(); ++i) {
    if (labels[i] != 3 || i % 3 == 0) keep.push_back(i);
  }
  Matrix y = x.TakeRows(keep);
  std::vector<int32_t> y_labels;
  for (int64_t i : keep) y_labels.push_back(labels[i]);
  std::vector<double> naive = NaiveSilhouette(y, y_labels);
  for (int threads : {1, 2, 3}) {
    SetThreadCount(threads);
    auto tiles =
        cluster::SilhouetteSamplesUsing(y, y_labels, cluster::SilhouetteScheme::kPairTiles);
    auto segments =
        cluster::SilhouetteSamplesUsing(y, y_labels, cluster::SilhouetteScheme::kRowSegments);
    static std::vector<double> first_tiles;
    if (threads == 1) first_tiles = tiles;
    EXPECT_EQ(tiles, first_tiles) << "pair tiles must not depend on the thread count";
    for (size_t i = 0; i < naive.size(); ++i) {
      ASSERT_NEAR(tiles[i], naive[i], 1e-12) << i;
      ASSERT_NEAR(segments[i], naive[i], 1e-12) << i;
    }
  }
  SetThreadCount(0);
}

TEST(SilhouetteTest, SampledEstimateIsCloseAndHasAStandardError) {
  std::vector<int32_t> labels;
  Matrix x = MakeBlobs({{0, 0}, {4, 0}, {0, 4}}, 700, 1.2, 9, &labels);
  const double exact = SilhouetteScore(x, labels);
  SampledSilhouette sampled = SilhouetteSampled(x, labels, 500, 8, 3);
  EXPECT_EQ(sampled.draws.size(), 8u);
  EXPECT_EQ(sampled.sample_size, 500);
  EXPECT_GT(sampled.standard_error, 0);
  EXPECT_LT(std::fabs(sampled.value - exact), 5 * sampled.standard_error + 1e-3);
  // A "sample" of every row is the exact value.
  EXPECT_NEAR(SilhouetteSampled(x, labels, x.rows() + 10, 1, 0).value, exact, 1e-12);
  SampledSilhouette again = SilhouetteSampled(x, labels, 500, 8, 3);
  EXPECT_EQ(again.draws, sampled.draws) << "same seed, same draws";
}

TEST(DispersionIndicesTest, KnownAnswers) {
  // Two clusters on a line: {0, 2} and {10, 12}. Overall mean 6; cluster means 1 and 11.
  // Between: 2 * 25 + 2 * 25 = 100; within: 4 * 1 = 4; CH = 100 * (4 - 2) / (4 * 1) = 50.
  Matrix x(4, 1, std::vector<double>{0, 2, 10, 12});
  std::vector<int32_t> labels = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(CalinskiHarabaszScore(x, labels), 50.0);
  // DB: s = 1 for both, centroid distance 10: (1 + 1) / 10 = 0.2.
  EXPECT_DOUBLE_EQ(DaviesBouldinScore(x, labels), 0.2);
  // Negative control: mixed labels score worse on both.
  std::vector<int32_t> mixed = {0, 1, 0, 1};
  EXPECT_LT(CalinskiHarabaszScore(x, mixed), 50.0);
  EXPECT_GT(DaviesBouldinScore(x, mixed), 0.2);
}

TEST(DispersionIndicesTest, DegenerateCases) {
  // Every cluster a single point: intra dispersion 0 gives CH 1 (sklearn).
  Matrix points(3, 1, std::vector<double>{0, 0, 5});
  EXPECT_EQ(CalinskiHarabaszScore(points, std::vector<int32_t>{0, 0, 1}), 1.0);
  EXPECT_EQ(DaviesBouldinScore(points, std::vector<int32_t>{0, 0, 1}), 0.0);
}

TEST(ClusterIndicesTest, ErrorsSayWhatIsWrong) {
  Matrix x(4, 1, std::vector<double>{0, 1, 2, 3});
  for (auto index :
       {+[](const Matrix&m, std::span<const int32_t> l) { SilhouetteScore(m, l); },
        +[](const Matrix&m, std::span<const int32_t> l) { CalinskiHarabaszScore(m, l); },
        +[](const Matrix&m, std::span<const int32_t> l) { DaviesBouldinScore(m, l); }}) {
    testing::ExpectError(
        [&] {
          index(x, std::vector<int32_t>{0, 0, 0, 0});
        },
        ErrorKind::kInvalidInput, {"1 cluster", "single cluster"});
    testing::ExpectError(
        [&] {
          index(x, std::vector<int32_t>{0, 1, 2, 3});
        },
        ErrorKind::kInvalidInput, {"4 clusters", "rows - 1 = 3"});
    testing::ExpectError(
        [&] {
          index(x, std::vector<int32_t>{0, 1});
        },
        ErrorKind::kInvalidInput, {"2 labels for 4 rows"});
    Matrix bad(3, 1, std::vector<double>{0, NAN, 1});
    testing::ExpectError(
        [&] {
          index(bad, std::vector<int32_t>{0, 1, 1});
        },
        ErrorKind::kInvalidInput, {"row 1", "NaN"});
    testing::ExpectError([&] { index(Matrix(), std::vector<int32_t>{}); }, ErrorKind::kInvalidInput,
                         {"empty"});
  }
  testing::ExpectError(
      [&] {
        SilhouetteSampled(x, std::vector<int32_t>{0, 0, 1, 1}, 1);
      },
      ErrorKind::kInvalidArgument, {"at least 2 rows"});
}

TEST(ClusterIndicesTest, WithoutNoiseDropsMinusOne) {
  Matrix x(4, 1, std::vector<double>{0, 1, 2, 3});
  Matrix kept;
  std::vector<int32_t> labels;
  std::vector<int64_t> rows;
  WithoutNoise(x, std::vector<int32_t>{-1, 0, -1, 1}, &kept, &labels, &rows);
  EXPECT_EQ(kept.rows(), 2);
  EXPECT_EQ(labels, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(rows, (std::vector<int64_t>{1, 3}));
}

TEST(KSweepTest, FindsTheNumberOfBlobs) {
  std::vector<int32_t> labels;
  Matrix x = MakeBlobs({{0, 0}, {10, 0}, {0, 10}, {10, 10}}, 100, 0.8, 2, &labels);
  KSweepOptions options;
  options.k_min = 2;
  options.k_max = 7;
  options.kmeans.n_init = 3;
  KSweepResult sweep = KSweep(x, options);
  ASSERT_EQ(sweep.points.size(), 6u);
  EXPECT_EQ(sweep.best_silhouette_k, 4);
  EXPECT_EQ(sweep.best_calinski_harabasz_k, 4);
  EXPECT_EQ(sweep.best_davies_bouldin_k, 4);
  EXPECT_EQ(sweep.elbow_k, 4);
  for (size_t i = 1; i < sweep.points.size(); ++i) {
    EXPECT_LE(sweep.points[i].inertia, sweep.points[i - 1].inertia * (1 + 1e-12));
  }
  KSweepOptions bad;
  bad.k_min = 1;
  testing::ExpectError([&] { KSweep(x, bad); }, ErrorKind::kInvalidArgument,
                       {"2 <= k_min <= k_max"});
}

}  // namespace
}  // namespace hitscope
