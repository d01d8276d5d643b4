// BIRCH and DBSCAN: known answers, DBSCAN against a brute-force reference (boundary distances,
// duplicates, thread counts), Ward's cut, negative controls and errors.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include <hitscope/cluster.hpp>
#include <hitscope/runtime.hpp>

#include "learn/cluster/cluster_test_util.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/ward.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using cluster::MakeBlobs;
using cluster::MakeUniform;

// DBSCAN by the book with sklearn's rules: O(n^2), all neighbourhoods kept.
Labels NaiveDbscan(const Matrix& x, double eps, int min_samples) {
  const int64_t n = x.rows();
  const int d = static_cast<int>(x.cols());
  std::vector<std::vector<int64_t>> neighbors(n);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      if (cluster::SequentialSquaredDistance(x.Row(i), x.Row(j), d) <= eps * eps) {
        neighbors[i].push_back(j);
      }
    }
  }
  Labels labels(n, -1);
  int32_t next = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (labels[i] != -1 || static_cast<int>(neighbors[i].size()) < min_samples) continue;
    std::vector<int64_t> stack = {i};
    while (!stack.empty()) {
      int64_t p = stack.back();
      stack.pop_back();
      if (labels[p] != -1) continue;
      labels[p] = next;
      if (static_cast<int>(neighbors[p].size()) < min_samples) continue;
      for (int64_t q : neighbors[p]) {
        if (labels[q] == -1) stack.push_back(q);
      }
    }
    ++next;
  }
  return labels;
}

Labels FitDbscan(const Matrix& x, double eps, int min_samples, std::span<const double> w = {}) {
  DbscanOptions o;
  o.eps = eps;
  o.min_samples = min_samples;
  Dbscan model(o);
  model.Fit(x, w);
  return model.labels();
}

TEST(DbscanTest, CoreBorderAndNoiseOnALine) {
  // eps 1, min_samples 3: 1 and 2 are core (three rows within 1, themselves included); 0 and 3
  // border; 10 noise; 21 core with 20 and 22 its border.
  Matrix x(8, 1, std::vector<double>{0, 1, 2, 3, 10, 20, 21, 22});
  DbscanOptions o;
  o.eps = 1.0;
  o.min_samples = 3;
  Dbscan model(o);
  model.Fit(x);
  EXPECT_EQ(model.labels(), (Labels{0, 0, 0, 0, -1, 1, 1, 1}));
  EXPECT_EQ(model.core_sample_indices(), (std::vector<int64_t>{1, 2, 6}));
  EXPECT_EQ(model.n_clusters(), 2);
  EXPECT_EQ(model.n_noise(), 1);
  // Distances exactly eps count (<=): with eps just below 1 every row is noise.
  EXPECT_EQ(FitDbscan(x, 0.999999, 2), Labels(8, -1));
}

TEST(DbscanTest, BorderRowJoinsTheLowestCluster) {
  // eps 3, min_samples 4: rows at 2 and 8 are core; the row at 5 is within eps of both but
  // core itself not (three rows), so it is a border row of both clusters: it joins cluster 0.
  Matrix x(7, 1, std::vector<double>{0, 1, 2, 5, 8, 9, 10});
  EXPECT_EQ(FitDbscan(x, 3.0, 4), (Labels{0, 0, 0, 0, 1, 1, 1}));
  // Reversed order: the cluster at 8..10 comes first, is now cluster 0, and takes the row at 5.
  Matrix reversed(7, 1, std::vector<double>{10, 9, 8, 5, 2, 1, 0});
  EXPECT_EQ(FitDbscan(reversed, 3.0, 4), (Labels{0, 0, 0, 0, 1, 1, 1}));
}

TEST(DbscanTest, AgreesWithBruteForce) {
  // Random points, a grid with exact eps distances, and duplicates.
  Matrix random = MakeUniform(1500, 3, 10.0, 5);
  Matrix grid(400, 2);
  for (int64_t i = 0; i < 400; ++i) {
    grid(i, 0) = static_cast<double>(i % 20);
    grid(i, 1) = static_cast<double>(i / 20) * ((i / 20) % 3 == 0 ? 2.0 : 1.0);
  }
  Matrix dupes = Matrix::StackRows(MakeBlobs({{0, 0}, {3, 3}}, 200, 0.6, 8),
                                   MakeBlobs({{0, 0}, {3, 3}}, 200, 0.6, 8));
  struct Case {
    const Matrix* x;
    double eps;
    int min_samples;
  };
  for (const Case& c :
       {Case{&random, 0.9, 4}, Case{&random, 1.6, 10}, Case{&random, 0.3, 1}, Case{&grid, 1.0, 4},
        Case{&grid, 1.0, 5}, Case{&grid, 2.0, 9}, Case{&dupes, 0.2, 6}, Case{&dupes, 0.05, 3}}) {
    Labels expected = NaiveDbscan(*c.x, c.eps, c.min_samples);
    for (int threads : {1, 3}) {
      SetThreadCount(threads);
      EXPECT_EQ(FitDbscan(*c.x, c.eps, c.min_samples), expected)
          << "eps " << c.eps << " min_samples " << c.min_samples << " threads " << threads;
    }
  }
  SetThreadCount(0);
}

TEST(DbscanTest, WeightsCountTowardsCore) {
  Matrix x(4, 1, std::vector<double>{0, 0.5, 5, 5.5});
  std::vector<double> weights = {3, 1, 1, 1};
  // min_samples 4: rows 0 and 1 reach 4 with row 0's weight; rows 2, 3 only 2.
  EXPECT_EQ(FitDbscan(x, 1.0, 4, weights), (Labels{0, 0, -1, -1}));
  EXPECT_EQ(FitDbscan(x, 1.0, 4), (Labels{-1, -1, -1, -1})) << "negative control";
}

TEST(DbscanTest, ErrorsSayWhatAndHow) {
  Matrix x(3, 1, std::vector<double>{0, 1, 2});
  for (double eps : {0.0, -1.0, std::nan(""), HUGE_VAL}) {
    testing::ExpectError([&] { FitDbscan(x, eps, 2); }, ErrorKind::kInvalidArgument,
                         {"eps must be a finite number > 0"});
  }
  testing::ExpectError([&] { FitDbscan(x, 1, 0); }, ErrorKind::kInvalidArgument,
                       {"min_samples must be >= 1", "counts the row itself"});
  testing::ExpectError([&] { FitDbscan(Matrix(), 1, 2); }, ErrorKind::kInvalidInput, {"empty"});
  Dbscan model;
  model.Fit(x);
  testing::ExpectError([&] { model.Predict(x); }, ErrorKind::kInvalidArgument,
                       {"cannot assign new rows", "k-means"});
}

TEST(BirchTest, TwoGroupsAndTheGlobalStep) {
  Matrix x = MakeBlobs({{0, 0}, {10, 10}}, 50, 0.5, 1);
  BirchOptions o;
  o.n_clusters = 2;
  o.threshold = 0.8;
  o.branching_factor = 5;  // forces node and root splits
  Birch model(o);
  model.Fit(x);
  const Labels& labels = model.labels();
  for (int i = 1; i < 50; ++i) EXPECT_EQ(labels[i], labels[0]);
  for (int i = 51; i < 100; ++i) EXPECT_EQ(labels[i], labels[50]);
  EXPECT_NE(labels[0], labels[50]);
  EXPECT_GT(model.subcluster_centers().rows(), 2);
  EXPECT_EQ(model.Predict(x), labels);
  EXPECT_FALSE(model.global_step_skipped());
  // No global step: each subcluster is a cluster.
  o.n_clusters = 0;
  Birch raw(o);
  raw.Fit(x);
  EXPECT_EQ(std::set<int32_t>(raw.labels().begin(), raw.labels().end()).size(),
            static_cast<size_t>(raw.subcluster_centers().rows()));
  // Fewer subclusters than clusters: recorded, not an error.
  o.n_clusters = 50;
  o.threshold = 100;
  Birch few(o);
  few.Fit(x);
  EXPECT_TRUE(few.global_step_skipped());
}

TEST(BirchTest, ErrorsSayWhatAndHow) {
  Matrix x(3, 1, std::vector<double>{0, 1, 2});
  auto fit = [&](BirchOptions o, std::vector<double> w = {}) {
    Birch model(o);
    model.Fit(x, w);
  };
  BirchOptions o;
  o.threshold = 0;
  testing::ExpectError([&] { fit(o); }, ErrorKind::kInvalidArgument, {"threshold must be > 0"});
  o.threshold = 0.5;
  o.branching_factor = 1;
  testing::ExpectError([&] { fit(o); }, ErrorKind::kInvalidArgument, {"branching_factor"});
  o.branching_factor = 50;
  testing::ExpectError(
      [&] {
        fit(o, {1, 1, 1});
      },
      ErrorKind::kInvalidArgument, {"no sample weights"});
  Matrix nan(2, 1, std::vector<double>{0, NAN});
  Birch model;
  testing::ExpectError([&] { model.Fit(nan); }, ErrorKind::kInvalidInput, {"NaN"});
}

TEST(WardTest, KnownTreeAndCut) {
  // 0, 1, 4, 6, 20: merges {0,1} (1), {4,6} (2), then those two, then 20.
  Matrix x(5, 1, std::vector<double>{0, 1, 4, 6, 20});
  cluster::Linkage linkage = cluster::WardLinkage(x.data().data(), 5, 1);
  ASSERT_EQ(linkage.children.size(), 4u);
  EXPECT_EQ(linkage.children[0], (std::array<int64_t, 2>{0, 1}));
  EXPECT_EQ(linkage.children[1], (std::array<int64_t, 2>{2, 3}));
  EXPECT_DOUBLE_EQ(linkage.distances[0], 1.0);
  EXPECT_DOUBLE_EQ(linkage.distances[1], 2.0);
  std::vector<int32_t> two = cluster::CutTree(linkage, 5, 2);
  EXPECT_EQ(two[0], two[3]);
  EXPECT_NE(two[0], two[4]);
  std::vector<int32_t> three = cluster::CutTree(linkage, 5, 3);
  EXPECT_EQ(std::set<int32_t>(three.begin(), three.end()).size(), 3u);
  EXPECT_NE(three[0], three[2]);
}

}  // namespace
}  // namespace hitscope
