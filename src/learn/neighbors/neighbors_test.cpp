// The neighbour search: known answers, the kernel against its scalar reference at awkward sizes,
// kd-tree against brute force, radius queries against a direct scan, thread-count independence,
// and every error path. Parity with scikit-learn's KDTree (ties included) is in
// tests/supervised/supervised_parity_test.cpp.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <set>

#include <hitscope/neighbors.hpp>
#include <hitscope/runtime.hpp>

#include "learn/neighbors/distance_kernels.hpp"
#include "learn/neighbors/neighbor_heap.hpp"
#include "prepare/random.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

// Uniform points in [0, scale)^features; distinct with probability 1 (no distance ties).
Matrix RandomPoints(int64_t rows, int64_t features, uint64_t seed, double scale = 1.0) {
  Matrix out(rows, features);
  for (int64_t row = 0; row < rows; ++row) {
    CounterRng rng(seed, 0, static_cast<uint64_t>(row));
    for (int64_t col = 0; col < features; ++col) out(row, col) = scale * rng.Uniform();
  }
  return out;
}

// Points on an integer grid with many duplicates: every distance tie imaginable.
Matrix GridPoints(int64_t rows, int64_t features, uint64_t seed) {
  Matrix out(rows, features);
  for (int64_t row = 0; row < rows; ++row) {
    CounterRng rng(seed, 1, static_cast<uint64_t>(row));
    for (int64_t col = 0; col < features; ++col) out(row, col) = static_cast<double>(rng.Below(4));
  }
  return out;
}

// The k nearest by a direct scan, ties by index: the definition the searches must meet.
std::vector<int64_t> ReferenceKNearest(const Matrix& points, const double* query, int k) {
  std::vector<std::pair<double, int64_t>> all;
  for (int64_t row = 0; row < points.rows(); ++row) {
    all.emplace_back(neighbors::SquaredDistance(query, points.Row(row), points.cols()), row);
  }
  std::sort(all.begin(), all.end());
  std::vector<int64_t> out;
  for (int i = 0; i < k; ++i) out.push_back(all[i].second);
  return out;
}

bool SameNeighbours(const KNearestResult& a, const KNearestResult& b) {
  return a.queries == b.queries && a.k == b.k && a.indices == b.indices;
}

NeighborIndex Index(const Matrix& points, NeighborAlgorithm algorithm, int leaf_size = 40) {
  return NeighborIndex(points, NeighborIndexOptions{algorithm, leaf_size});
}

TEST(DistanceKernelTest, BlockEqualsScalarReferenceBitForBitAtAwkwardSizes) {
  for (int64_t features : {1, 2, 3, 4, 12, 13}) {
    for (int64_t count : {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33}) {
      Matrix points = RandomPoints(count, features, 7 + count, 1e3);
      Matrix query = RandomPoints(1, features, 99, 1e3);
      std::vector<double> block(static_cast<size_t>(count * features));
      for (int64_t p = 0; p < count; ++p) {
        for (int64_t j = 0; j < features; ++j) block[j * count + p] = points(p, j);
      }
      // The same points padded to a multiple of the vector width, as the kd-tree stores them.
      const int64_t stride =
          (count + neighbors::kLanes - 1) / neighbors::kLanes * neighbors::kLanes;
      std::vector<double> padded(static_cast<size_t>(stride * features), INFINITY);
      for (int64_t p = 0; p < count; ++p) {
        for (int64_t j = 0; j < features; ++j) padded[j * stride + p] = points(p, j);
      }
      std::vector<double> out(static_cast<size_t>(count)), out_padded(static_cast<size_t>(count));
      neighbors::SquaredDistancesToBlock(query.Row(0), block.data(), count, count, features,
                                         out.data());
      neighbors::SquaredDistancesToBlock(query.Row(0), padded.data(), count, stride, features,
                                         out_padded.data());
      for (int64_t p = 0; p < count; ++p) {
        double want = neighbors::SquaredDistance(query.Row(0), points.Row(p), features);
        ASSERT_EQ(out[p], want) << "features " << features << " count " << count << " point " << p;
        ASSERT_EQ(out_padded[p], want) << "padded, count " << count << " point " << p;
      }
    }
  }
}

// The single-precision filter may only skip points whose exact distance exceeds the bound: try
// it where rounding hurts most, large coordinates with tiny differences, at the exact bound.
TEST(DistanceKernelTest, FilterNeverSkipsAPointWithinTheBound) {
  for (double offset : {0.0, 1e3, 1e6, 3e9}) {
    for (int64_t features : {1, 3, 12}) {
      const int64_t count = 64;
      Matrix points = RandomPoints(count, features, 3 + features, 1e-2);
      Matrix query = RandomPoints(1, features, 4, 1e-2);
      std::vector<double> max_abs(static_cast<size_t>(features), 0.0);
      for (double& value : points.mutable_data()) value += offset;
      for (double& value : query.mutable_data()) value += offset;
      std::vector<float> block(static_cast<size_t>(count * features));
      for (int64_t p = 0; p < count; ++p) {
        for (int64_t j = 0; j < features; ++j) {
          block[j * count + p] = static_cast<float>(points(p, j));
          max_abs[j] = std::max(max_abs[j], std::fabs(points(p, j)));
        }
      }
      std::vector<float> query_f32(query.data().begin(), query.data().end());
      std::vector<float> filtered(static_cast<size_t>(count));
      neighbors::SquaredDistancesToBlockF32(query_f32.data(), block.data(), count, features,
                                            INFINITY, filtered.data());
      // With a threshold, groups entirely beyond it may stop early (+inf); every value at or
      // below it is unchanged.
      std::vector<float> stopped(static_cast<size_t>(count));
      const float stop_at = filtered[count / 2];
      neighbors::SquaredDistancesToBlockF32(query_f32.data(), block.data(), count, features,
                                            stop_at, stopped.data());
      for (int64_t p = 0; p < count; ++p) {
        if (filtered[p] <= stop_at) {
          ASSERT_EQ(stopped[p], filtered[p]);
        } else {
          ASSERT_TRUE(stopped[p] == filtered[p] || std::isinf(stopped[p]));
        }
      }
      double error = neighbors::FilterError(query.Row(0), max_abs.data(), features);
      int64_t skipped = 0;
      for (int64_t p = 0; p < count; ++p) {
        double exact = neighbors::SquaredDistance(query.Row(0), points.Row(p), features);
        // The tightest bound that must keep this point: its own exact distance.
        double threshold = neighbors::FilterThreshold(exact, error, features);
        ASSERT_LE(filtered[p], threshold) << "offset " << offset << " point " << p;
        // A bound well below the distance lets the filter skip the point (the filter works).
        if (filtered[p] > neighbors::FilterThreshold(exact * 0.25, error, features)) ++skipped;
      }
      if (offset < 1e6) {
        EXPECT_GT(skipped, 0) << "offset " << offset;
      }
    }
  }
}

TEST(NeighborIndexTest, HugeValuesTurnTheFilterOffNotTheAnswersWrong) {
  Matrix points = RandomPoints(300, 3, 5, 1e20);
  Matrix queries = RandomPoints(20, 3, 6, 1e20);
  KNearestResult tree = Index(points, NeighborAlgorithm::kKdTree, 4).KNearest(queries, 3);
  KNearestResult brute = Index(points, NeighborAlgorithm::kBrute).KNearest(queries, 3);
  EXPECT_TRUE(SameNeighbours(tree, brute));
}

TEST(NeighborHeapTest, KeepsTheSmallestAndSortsThem) {
  std::vector<double> values(3, INFINITY);
  std::vector<int64_t> indices(3, 0);
  double pushed[] = {5, 1, 4, 2, 8, 3};
  for (int64_t i = 0; i < 6; ++i)
    neighbors::HeapPush(values.data(), indices.data(), 3, pushed[i], i);
  neighbors::SimultaneousSort(values.data(), indices.data(), 3);
  EXPECT_EQ(values, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(indices, (std::vector<int64_t>{1, 3, 5}));
  // A value equal to the current largest is not taken (scikit-learn pushes on strictly less).
  neighbors::HeapPush(values.data(), indices.data(), 3, 3.0, 42);
  EXPECT_EQ(std::count(indices.begin(), indices.end(), 42), 0);
}

TEST(NeighborIndexTest, KnownAnswerOnALine) {
  Matrix points(5, 1, std::vector<double>{0, 1, 2, 3, 10});
  Matrix query(1, 1, std::vector<double>{2.4});
  for (auto algorithm : {NeighborAlgorithm::kKdTree, NeighborAlgorithm::kBrute}) {
    NeighborIndex index = Index(points, algorithm, 1);
    KNearestResult result = index.KNearest(query, 3);
    EXPECT_EQ(result.indices, (std::vector<int64_t>{2, 3, 1}));
    EXPECT_DOUBLE_EQ(result.distances[0], 0.4);
    EXPECT_DOUBLE_EQ(result.distances[1], 0.6);
    EXPECT_DOUBLE_EQ(result.distances[2], 1.4);
    EXPECT_EQ(index.RadiusCounts(query, 1.4), (std::vector<int64_t>{3}));
    EXPECT_EQ(index.RadiusCounts(query, 100), (std::vector<int64_t>{5}));
  }
}

TEST(NeighborIndexTest, KdTreeAgreesWithBruteForceAndTheDefinition) {
  for (int64_t rows : {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 500}) {
    for (int64_t features : {1, 3, 12}) {
      Matrix points = RandomPoints(rows, features, 11 * rows + features);
      Matrix queries = RandomPoints(40, features, 5);
      for (int k : {1, 3, 5}) {
        if (k > rows) continue;
        KNearestResult tree = Index(points, NeighborAlgorithm::kKdTree, 2).KNearest(queries, k);
        KNearestResult brute = Index(points, NeighborAlgorithm::kBrute).KNearest(queries, k);
        ASSERT_TRUE(SameNeighbours(tree, brute)) << rows << " rows, " << features << " features";
        EXPECT_EQ(tree.distances, brute.distances);
        for (int64_t q = 0; q < queries.rows(); ++q) {
          auto want = ReferenceKNearest(points, queries.Row(q), k);
          auto got = tree.Indices(q);
          ASSERT_TRUE(std::equal(want.begin(), want.end(), got.begin())) << "query " << q;
        }
      }
    }
  }
}

TEST(NeighborIndexTest, LeafSizeChangesSpeedNotAnswers) {
  Matrix points = RandomPoints(2000, 4, 3);
  Matrix queries = RandomPoints(100, 4, 4);
  KNearestResult base = Index(points, NeighborAlgorithm::kKdTree, 40).KNearest(queries, 7);
  for (int leaf : {1, 2, 5, 1000, 5000}) {
    EXPECT_TRUE(
        SameNeighbours(base, Index(points, NeighborAlgorithm::kKdTree, leaf).KNearest(queries, 7)))
        << "leaf size " << leaf;
  }
  // Negative control: the comparison does notice a different answer.
  Matrix moved = points;
  moved(base.indices[0], 0) += 0.5;
  EXPECT_FALSE(
      SameNeighbours(base, Index(moved, NeighborAlgorithm::kKdTree, 40).KNearest(queries, 7)));
}

TEST(NeighborIndexTest, TiesKeepTheNearestDistancesWhicheverPointsWin) {
  Matrix points = GridPoints(600, 3, 8);
  Matrix queries = GridPoints(50, 3, 9);
  KNearestResult tree = Index(points, NeighborAlgorithm::kKdTree).KNearest(queries, 9);
  KNearestResult brute = Index(points, NeighborAlgorithm::kBrute).KNearest(queries, 9);
  EXPECT_EQ(tree.distances, brute.distances);  // same distances, nearest first
  // Brute force breaks ties by index: exactly the definition.
  for (int64_t q = 0; q < queries.rows(); ++q) {
    auto want = ReferenceKNearest(points, queries.Row(q), 9);
    auto got = brute.Indices(q);
    ASSERT_TRUE(std::equal(want.begin(), want.end(), got.begin()));
  }
}

TEST(NeighborIndexTest, AnswersDoNotDependOnTheThreadCount) {
  Matrix points = RandomPoints(20000, 5, 21);
  Matrix queries = RandomPoints(3000, 5, 22);
  NeighborIndex index = Index(points, NeighborAlgorithm::kKdTree);
  SetThreadCount(1);
  KNearestResult one = index.KNearest(queries, 4);
  std::vector<int64_t> counts_one = index.RadiusCounts(queries, 0.1);
  SetThreadCount(0);
  EXPECT_TRUE(SameNeighbours(one, index.KNearest(queries, 4)));
  EXPECT_EQ(counts_one, index.RadiusCounts(queries, 0.1));
  // Building with one thread gives the same tree as building with all of them.
  SetThreadCount(1);
  NeighborIndex serial = Index(points, NeighborAlgorithm::kKdTree);
  SetThreadCount(0);
  EXPECT_TRUE(SameNeighbours(one, serial.KNearest(queries, 4)));
}

// Every radius neighbourhood equals a direct scan, in the order asked for.
TEST(NeighborIndexTest, RadiusNeighboursEqualADirectScan) {
  // On the grid the radius 1 falls exactly on many points: the boundary is inclusive.
  for (auto [points, radius] :
       {std::pair{RandomPoints(3000, 4, 31), 0.15}, std::pair{GridPoints(1500, 2, 32), 1.0}}) {
    Matrix queries = points.TakeRows(std::vector<int64_t>{0, 1, 2, 3, 500, 999, 1499});
    for (auto algorithm : {NeighborAlgorithm::kKdTree, NeighborAlgorithm::kBrute}) {
      NeighborIndex index = Index(points, algorithm, 3);
      std::vector<std::vector<int64_t>> found(static_cast<size_t>(queries.rows()));
      std::vector<std::vector<double>> dists(found.size());
      RadiusQueryOptions options;
      options.with_distances = true;
      options.order = RadiusOrder::kDistance;
      index.RadiusNeighbors(
          queries, radius,
          [&](int64_t q, std::span<const int64_t> idx, std::span<const double> dist) {
            found[q].assign(idx.begin(), idx.end());
            dists[q].assign(dist.begin(), dist.end());
          },
          options);
      std::vector<int64_t> counts = index.RadiusCounts(queries, radius);
      for (int64_t q = 0; q < queries.rows(); ++q) {
        std::vector<std::pair<double, int64_t>> want;
        for (int64_t row = 0; row < points.rows(); ++row) {
          double d2 = neighbors::SquaredDistance(queries.Row(q), points.Row(row), points.cols());
          if (d2 <= radius * radius) want.emplace_back(std::sqrt(d2), row);
        }
        std::sort(want.begin(), want.end());
        ASSERT_EQ(found[q].size(), want.size()) << "query " << q;
        EXPECT_EQ(counts[q], static_cast<int64_t>(want.size()));
        for (size_t i = 0; i < want.size(); ++i) {
          EXPECT_EQ(found[q][i], want[i].second);
          EXPECT_EQ(dists[q][i], want[i].first);
        }
      }
    }
  }
}

TEST(NeighborIndexTest, BatchesArriveInOrderAndEqualTheCallbacks) {
  Matrix points = RandomPoints(5000, 3, 41);
  NeighborIndex index = Index(points, NeighborAlgorithm::kKdTree);
  std::vector<std::vector<int64_t>> by_callback(static_cast<size_t>(points.rows()));
  index.RadiusNeighbors(points, 0.08,
                        [&](int64_t q, std::span<const int64_t> idx, std::span<const double>) {
                          by_callback[q].assign(idx.begin(), idx.end());
                        });
  RadiusQueryOptions options;
  options.batch_queries = 777;
  int64_t next = 0, batches = 0;
  index.RadiusNeighborsBatched(
      points, 0.08,
      [&](const RadiusBatch& batch) {
        ASSERT_EQ(batch.first_query, next);
        ASSERT_LE(batch.size(), 777);
        for (int64_t i = 0; i < batch.size(); ++i) {
          auto got = batch.Neighbors(i);
          ASSERT_TRUE(std::equal(got.begin(), got.end(), by_callback[next + i].begin(),
                                 by_callback[next + i].end()));
          ASSERT_TRUE(std::is_sorted(got.begin(), got.end()));
          ASSERT_TRUE(std::binary_search(got.begin(), got.end(), next + i)) << "finds itself";
        }
        next += batch.size();
        ++batches;
      },
      options);
  EXPECT_EQ(next, points.rows());
  EXPECT_EQ(batches, (5000 + 776) / 777);
}

TEST(NeighborIndexTest, ChoosesLikeScikitLearnAuto) {
  EXPECT_EQ(ChooseNeighborAlgorithm(1000, 12, 5), NeighborAlgorithm::kKdTree);
  EXPECT_EQ(ChooseNeighborAlgorithm(1000, 16, 5), NeighborAlgorithm::kBrute);
  EXPECT_EQ(ChooseNeighborAlgorithm(10, 4, 5), NeighborAlgorithm::kBrute);  // k >= rows / 2
  EXPECT_EQ(ChooseNeighborAlgorithm(12, 4, 5), NeighborAlgorithm::kKdTree);
  EXPECT_EQ(Index(RandomPoints(10, 20, 1), NeighborAlgorithm::kAuto).algorithm(),
            NeighborAlgorithm::kBrute);
}

TEST(NeighborIndexTest, ErrorsNameTheProblem) {
  Matrix points = RandomPoints(10, 2, 1);
  NeighborIndex index(points);
  Matrix bad = points;
  bad(3, 1) = NAN;
  testing::ExpectError([&] { NeighborIndex broken(bad); }, ErrorKind::kInvalidInput,
                       {"points", "row 4, column 2", "missing"});
  testing::ExpectError([&] { index.KNearest(bad, 1); }, ErrorKind::kInvalidInput,
                       {"queries", "row 4, column 2"});
  testing::ExpectError([&] { index.KNearest(points, 0); }, ErrorKind::kInvalidArgument,
                       {"k must be >= 1"});
  testing::ExpectError([&] { index.KNearest(points, 11); }, ErrorKind::kInvalidArgument,
                       {"k = 11", "only 10 rows"});
  testing::ExpectError([&] { index.KNearest(RandomPoints(2, 3, 1), 1); }, ErrorKind::kInvalidInput,
                       {"3 features", "built on 2"});
  testing::ExpectError([&] { index.RadiusCounts(points, -1); }, ErrorKind::kInvalidArgument,
                       {"radius"});
  testing::ExpectError([&] { NeighborIndex empty{Matrix(0, 3)}; }, ErrorKind::kInvalidInput,
                       {"0 x 3"});
  testing::ExpectError(
      [&] {
        NeighborIndex zero(points, NeighborIndexOptions{{}, 0});
      },
      ErrorKind::kInvalidArgument, {"leaf_size"});
}

TEST(NeighborIndexTest, CallbackExceptionsReachTheCaller) {
  Matrix points = RandomPoints(2000, 2, 1);
  NeighborIndex index(points);
  std::atomic<int> calls{0};
  EXPECT_THROW(index.RadiusNeighbors(points, 0.1,
                                     [&](int64_t q, auto, auto) {
                                       ++calls;
                                       if (q == 1234) throw InvalidInput("stop");
                                     }),
               Error);
  EXPECT_GT(calls.load(), 0);
}

}  // namespace
}  // namespace hitscope
