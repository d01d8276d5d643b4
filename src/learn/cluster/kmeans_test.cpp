// k-means and bisecting k-means: known answers, agreement between the Lloyd and Elkan steppers,
// thread-count independence, the empty-cluster rule, weights, negative controls and errors.
#include <set>

#include <gtest/gtest.h>

#include <hitscope/cluster.hpp>
#include <hitscope/runtime.hpp>

#include "learn/cluster/cluster_test_util.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using cluster::MakeBlobs;
using cluster::MakeUniform;

KMeans FitKMeans(const Matrix& x, int k, KMeansStepper stepper = KMeansStepper::kLloyd,
                 uint32_t seed = 0, std::span<const double> weights = {}) {
  KMeansOptions options;
  options.n_clusters = k;
  options.stepper = stepper;
  options.seed = seed;
  KMeans model(options);
  model.Fit(x, weights);
  return model;
}

TEST(KMeansTest, FindsTwoObviousGroups) {
  Matrix x(6, 1, std::vector<double>{0, 1, 2, 10, 11, 12});
  KMeans model = FitKMeans(x, 2);
  const Labels& l = model.labels();
  EXPECT_EQ(l[0], l[1]);
  EXPECT_EQ(l[1], l[2]);
  EXPECT_EQ(l[3], l[4]);
  EXPECT_NE(l[0], l[3]);
  EXPECT_DOUBLE_EQ(model.inertia(), 4.0);  // (1 + 0 + 1) * 2
  std::set<double> centers = {model.cluster_centers()(0, 0), model.cluster_centers()(1, 0)};
  EXPECT_EQ(centers, (std::set<double>{1.0, 11.0}));
  EXPECT_EQ(model.Predict(Matrix(2, 1, std::vector<double>{-5, 30})), (Labels{l[0], l[3]}));
  EXPECT_EQ(model.run_inertias().size(), 10u);
  EXPECT_EQ(model.initial_indices().size(), 10u);
}

TEST(KMeansTest, LloydAndElkanReachTheSameAnswer) {
  const Matrix blobs = MakeBlobs({{0, 0, 0}, {5, 5, 0}, {0, 6, 3}, {6, 0, 4}}, 150, 1.0, 3);
  const Matrix uniform = MakeUniform(700, 4, 10.0, 4);
  for (const Matrix* x : {&blobs, &uniform}) {
    for (int k : {2, 3, 5, 8}) {
      for (uint32_t seed : {0u, 7u}) {
        KMeans lloyd = FitKMeans(*x, k, KMeansStepper::kLloyd, seed);
        KMeans elkan = FitKMeans(*x, k, KMeansStepper::kElkan, seed);
        EXPECT_EQ(lloyd.labels(), elkan.labels()) << "k=" << k << " seed=" << seed;
        EXPECT_NEAR(lloyd.inertia(), elkan.inertia(), 1e-9 * lloyd.inertia());
        EXPECT_EQ(lloyd.n_iter(), elkan.n_iter());
      }
    }
  }
}

TEST(KMeansTest, ResultsDoNotDependOnTheThreadCount) {
  const Matrix x = MakeUniform(20000, 4, 1.0, 9);
  std::vector<Labels> labels;
  std::vector<double> inertias;
  for (int threads : {1, 2, 5}) {
    SetThreadCount(threads);
    KMeans model = FitKMeans(x, 6, KMeansStepper::kLloyd, 3);
    labels.push_back(model.labels());
    inertias.push_back(model.inertia());
  }
  SetThreadCount(0);
  EXPECT_EQ(labels[0], labels[1]);
  EXPECT_EQ(labels[0], labels[2]);
  EXPECT_EQ(inertias[0], inertias[1]) << "bit for bit";
  EXPECT_EQ(inertias[0], inertias[2]);
}

TEST(KMeansTest, EmptyClusterTakesTheFarthestRow) {
  // Start with a centre far from every row: nothing joins it, so it moves to the row farthest
  // from its own centre (row 5, at 20), and k-means ends with three real clusters.
  Matrix x(6, 1, std::vector<double>{0, 1, 2, 3, 4, 20});
  KMeansOptions options;
  options.n_clusters = 3;
  options.init = KMeansInit::kGiven;
  options.initial_centers = Matrix(3, 1, std::vector<double>{1, 3, 1000});
  KMeans model(options);
  model.Fit(x);
  std::set<int32_t> used(model.labels().begin(), model.labels().end());
  EXPECT_EQ(used.size(), 3u);
  EXPECT_EQ(model.labels()[5], model.labels()[5]);
  bool alone = true;
  for (int i = 0; i < 5; ++i) alone = alone && model.labels()[i] != model.labels()[5];
  EXPECT_TRUE(alone) << "row 5 forms its own cluster";
}

TEST(KMeansTest, IntegerWeightsEqualRepeatedRows) {
  Matrix x(5, 2, std::vector<double>{0, 0, 1, 0, 5, 5, 6, 5, 9, 9});
  std::vector<double> weights = {1, 3, 1, 2, 1};
  Matrix repeated(8, 2, std::vector<double>{0, 0, 1, 0, 1, 0, 1, 0, 5, 5, 6, 5, 6, 5, 9, 9});
  KMeansOptions options;
  options.n_clusters = 2;
  options.init = KMeansInit::kGiven;
  options.initial_centers = Matrix(2, 2, std::vector<double>{0, 0, 9, 9});
  KMeans weighted(options), plain(options);
  weighted.Fit(x, weights);
  plain.Fit(repeated);
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(weighted.cluster_centers().data()[i], plain.cluster_centers().data()[i], 1e-12);
  }
  EXPECT_NEAR(weighted.inertia(), plain.inertia(), 1e-12);
  // Negative control: without the weights the centres differ.
  KMeans unweighted(options);
  unweighted.Fit(x);
  EXPECT_GT(std::fabs(unweighted.cluster_centers()(0, 0) - weighted.cluster_centers()(0, 0)), 0.1);
}

TEST(KMeansTest, DegenerateDataDoesNotCrash) {
  Matrix same(5, 2, 3.0);
  KMeans model = FitKMeans(same, 3);
  EXPECT_EQ(model.inertia(), 0.0);
  Matrix constant_feature(4, 2, std::vector<double>{0, 7, 1, 7, 10, 7, 11, 7});
  KMeans two = FitKMeans(constant_feature, 2);
  EXPECT_NE(two.labels()[0], two.labels()[2]);
  KMeans one = FitKMeans(constant_feature, 1);
  EXPECT_EQ(one.labels(), (Labels{0, 0, 0, 0}));
  EXPECT_EQ(one.cluster_centers()(0, 0), 5.5);
}

TEST(KMeansTest, ErrorsSayWhatAndHow) {
  Matrix x(3, 2, std::vector<double>{0, 0, 1, 1, 2, 2});
  auto fit = [&](KMeansOptions o, const Matrix& data, std::vector<double> w = {}) {
    KMeans model(o);
    model.Fit(data, w);
  };
  KMeansOptions o;
  o.n_clusters = 0;
  testing::ExpectError([&] { fit(o, x); }, ErrorKind::kInvalidArgument, {"at least 1", "got 0"});
  o.n_clusters = 4;
  testing::ExpectError([&] { fit(o, x); }, ErrorKind::kInvalidInput,
                       {"4 clusters need at least 4 rows", "has 3", "choose k <= 3"});
  o.n_clusters = 2;
  testing::ExpectError([&] { fit(o, Matrix()); }, ErrorKind::kInvalidInput, {"empty"});
  testing::ExpectError([&] { fit(o, Matrix(3, 0)); }, ErrorKind::kInvalidInput,
                       {"at least one feature"});
  Matrix nan(3, 2, std::vector<double>{0, 0, 1, NAN, 2, 2});
  testing::ExpectError([&] { fit(o, nan); }, ErrorKind::kInvalidInput,
                       {"row 1", "feature 1 is NaN", "drop or fill"});
  Matrix inf(3, 2, std::vector<double>{0, 0, 1, 1, INFINITY, 2});
  testing::ExpectError([&] { fit(o, inf); }, ErrorKind::kInvalidInput, {"row 2", "inf"});
  testing::ExpectError(
      [&] {
        fit(o, x, {1, -1, 1});
      },
      ErrorKind::kInvalidInput, {"sample_weight of row 1 is -1", ">= 0"});
  testing::ExpectError(
      [&] {
        fit(o, x, {1, 1});
      },
      ErrorKind::kInvalidInput, {"2 values for 3 rows"});
  testing::ExpectError(
      [&] {
        fit(o, x, {0, 0, 0});
      },
      ErrorKind::kInvalidInput, {"every sample_weight is 0"});
  o.n_init = 0;
  testing::ExpectError([&] { fit(o, x); }, ErrorKind::kInvalidArgument, {"n_init"});
  o.n_init = 1;
  o.tol = -1;
  testing::ExpectError([&] { fit(o, x); }, ErrorKind::kInvalidArgument, {"tol"});
  o.tol = 1e-4;
  o.init = KMeansInit::kGiven;
  o.initial_centers = Matrix(3, 2);
  testing::ExpectError([&] { fit(o, x); }, ErrorKind::kInvalidArgument,
                       {"initial_centers is 3 x 2", "need 2 x 2"});
  KMeans unfitted;
  testing::ExpectError([&] { unfitted.Predict(x); }, ErrorKind::kInvalidArgument,
                       {"not fitted yet"});
  testing::ExpectError([&] { (void)unfitted.labels(); }, ErrorKind::kInvalidArgument,
                       {"not fitted yet"});
  KMeans fitted = FitKMeans(x, 2);
  testing::ExpectError([&] { fitted.Predict(Matrix(1, 3)); }, ErrorKind::kInvalidInput,
                       {"fitted on 2 features", "have 3"});
  EXPECT_FALSE(fitted.CloneUnfitted()->fitted());
}

TEST(BisectingKMeansTest, SplitsTheBiggestOrTheLargest) {
  // Three groups on a line: a wide one of 10 rows and two tight ones of 40 rows.
  std::vector<double> values;
  for (int i = 0; i < 10; ++i) values.push_back(i * 3.0);         // 0..27, wide
  for (int i = 0; i < 40; ++i) values.push_back(100 + i * 0.01);  // tight
  for (int i = 0; i < 40; ++i) values.push_back(200 + i * 0.01);  // tight
  Matrix x(90, 1, values);
  BisectingKMeansOptions o;
  o.n_clusters = 3;
  BisectingKMeans inertia(o);
  inertia.Fit(x);
  std::set<int32_t> labels(inertia.labels().begin(), inertia.labels().end());
  EXPECT_EQ(labels.size(), 3u);
  EXPECT_EQ(inertia.Predict(x), inertia.labels());
  o.strategy = BisectingStrategy::kLargestCluster;
  BisectingKMeans largest(o);
  largest.Fit(x);
  EXPECT_EQ(largest.Predict(x), largest.labels());
  EXPECT_GT(largest.inertia(), 0);
  o.n_clusters = 1;
  BisectingKMeans one(o);
  one.Fit(x);
  EXPECT_EQ(std::set<int32_t>(one.labels().begin(), one.labels().end()).size(), 1u);
  o.init = KMeansInit::kGiven;
  BisectingKMeans given(o);
  testing::ExpectError([&] { given.Fit(x); }, ErrorKind::kInvalidArgument, {"random or k-means++"});
  BisectingKMeansOptions too_many;
  too_many.n_clusters = 91;
  BisectingKMeans many(too_many);
  testing::ExpectError([&] { many.Fit(x); }, ErrorKind::kInvalidInput, {"91 clusters"});
}

}  // namespace
}  // namespace hitscope
