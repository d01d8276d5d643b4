// Models on small data with known answers; lbfgs against Newton; state round trips; the
// registry; errors. Parity with scikit-learn is in tests/supervised/supervised_parity_test.cpp.
#include <cmath>

#include <hitscope/models.hpp>

#include "prepare/random.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

// Three Gaussian blobs in 3-D, overlapping a little, `per_class` rows each.
void MakeBlobs(int64_t per_class, int classes, Matrix* x, Labels* y) {
  *x = Matrix(per_class * classes, 3);
  y->clear();
  for (int c = 0; c < classes; ++c) {
    for (int64_t i = 0; i < per_class; ++i) {
      int64_t row = c * per_class + i;
      CounterRng rng(5, static_cast<uint64_t>(c), static_cast<uint64_t>(i));
      (*x)(row, 0) = 1.5 * c + rng.Normal();
      (*x)(row, 1) = (c == 1 ? 1.0 : -0.5) + rng.Normal();
      (*x)(row, 2) = rng.Normal();
      y->push_back(c);
    }
  }
}

TEST(KNeighborsClassifierTest, VotesAndProbabilities) {
  Matrix x(6, 1, std::vector<double>{0, 1, 2, 10, 11, 12});
  Labels y = {0, 0, 1, 1, 1, 2};
  KNeighborsClassifier knn(
      KNeighborsOptions{3, KnnWeights::kUniform, NeighborAlgorithm::kAuto, 30});
  knn.Fit(x, y);
  Matrix query(2, 1, std::vector<double>{0.9, 11.2});
  EXPECT_EQ(knn.Predict(query), (Labels{0, 1}));
  Matrix proba = knn.PredictProba(query);
  EXPECT_DOUBLE_EQ(proba(0, 0), 2.0 / 3);
  EXPECT_DOUBLE_EQ(proba(1, 2), 1.0 / 3);
  // Distance weights: an exact match outvotes everything else.
  KNeighborsClassifier weighted(
      KNeighborsOptions{3, KnnWeights::kDistance, NeighborAlgorithm::kAuto, 30});
  weighted.Fit(x, y);
  Matrix exact(1, 1, std::vector<double>{2});
  EXPECT_EQ(weighted.Predict(exact), (Labels{1}));
  EXPECT_DOUBLE_EQ(weighted.PredictProba(exact)(0, 1), 1.0);
}

TEST(KNeighborsClassifierTest, TiedVotesGoToTheSmallestClass) {
  Matrix x(4, 1, std::vector<double>{0, 1, 3, 4});
  Labels y = {2, 1, 1, 2};
  KNeighborsClassifier knn(
      KNeighborsOptions{2, KnnWeights::kUniform, NeighborAlgorithm::kBrute, 30});
  knn.Fit(x, y);
  // Query 0.5: neighbours 0 (class 2) and 1 (class 1): one vote each, class 1 wins.
  EXPECT_EQ(knn.Predict(Matrix(1, 1, std::vector<double>{0.5})), (Labels{1}));
}

TEST(KNeighborsRegressorTest, MeanAndWeightedMean) {
  Matrix x(4, 1, std::vector<double>{0, 1, 2, 3});
  std::vector<double> y = {10, 20, 30, 40};
  KNeighborsRegressor knn(KNeighborsOptions{2, KnnWeights::kUniform, NeighborAlgorithm::kAuto, 30});
  knn.Fit(x, y);
  EXPECT_DOUBLE_EQ(knn.Predict(Matrix(1, 1, std::vector<double>{0.4}))[0], 15.0);
  KNeighborsRegressor weighted(
      KNeighborsOptions{2, KnnWeights::kDistance, NeighborAlgorithm::kAuto, 30});
  weighted.Fit(x, y);
  // Distances 0.25 and 0.75: weights 4 and 4/3.
  EXPECT_DOUBLE_EQ(weighted.Predict(Matrix(1, 1, std::vector<double>{0.25}))[0],
                   (10 * 4 + 20 * (4.0 / 3)) / (4 + 4.0 / 3));
}

TEST(KNeighborsTest, ErrorsNameTheProblem) {
  Matrix x(3, 1, std::vector<double>{0, 1, 2});
  KNeighborsClassifier knn(
      KNeighborsOptions{5, KnnWeights::kUniform, NeighborAlgorithm::kAuto, 30});
  testing::ExpectError(
      [&] {
        knn.Fit(x, Labels{0, 1, 1});
      },
      ErrorKind::kInvalidInput, {"k = 5", "only 3 training rows"});
  testing::ExpectError(
      [] {
        KNeighborsClassifier bad(
            KNeighborsOptions{0, KnnWeights::kUniform, NeighborAlgorithm::kAuto, 30});
      },
      ErrorKind::kInvalidArgument, {"k must be >= 1"});
  KNeighborsClassifier ok;
  testing::ExpectError([&] { ok.Predict(x); }, ErrorKind::kInvalidArgument, {"call Fit"});
  Matrix bad = x;
  bad(1, 0) = INFINITY;
  testing::ExpectError(
      [&] {
        ok.Fit(bad, Labels{0, 1, 1});
      },
      ErrorKind::kInvalidInput, {"row 2, column 1"});
}

TEST(LogisticRegressionTest, LbfgsAndNewtonReachTheSameOptimum) {
  Matrix x;
  Labels y;
  MakeBlobs(150, 3, &x, &y);
  LogisticRegression lbfgs(
      LogisticRegressionOptions{0.5, 1000, 1e-10, LogisticSolver::kLbfgs, true});
  LogisticRegression newton(
      LogisticRegressionOptions{0.5, 100, 1e-10, LogisticSolver::kNewton, true});
  lbfgs.Fit(x, y);
  newton.Fit(x, y);
  EXPECT_TRUE(lbfgs.converged());
  EXPECT_TRUE(newton.converged());
  ASSERT_EQ(lbfgs.coef().rows(), 3);
  // lbfgs stops, as scipy's, once the objective falls by < 2.2e-9 relative: within 1e-4.
  for (int64_t i = 0; i < 9; ++i)
    EXPECT_NEAR(lbfgs.coef().data()[i], newton.coef().data()[i], 1e-4);
  double intercept_sum = 0;
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(lbfgs.intercept()[c], newton.intercept()[c], 1e-4);
    intercept_sum += newton.intercept()[c];
  }
  EXPECT_NEAR(intercept_sum, 0.0, 1e-9) << "intercepts stay centred, as scikit-learn's";
  EXPECT_GT(newton.coef()(2, 0), newton.coef()(0, 0)) << "class 2 lies to the right";
  Matrix proba = newton.PredictProba(x);
  for (int64_t row = 0; row < 5; ++row) {
    EXPECT_NEAR(proba(row, 0) + proba(row, 1) + proba(row, 2), 1.0, 1e-12);
  }
  Labels predicted = newton.Predict(x);
  int64_t right = 0;
  for (size_t i = 0; i < y.size(); ++i) right += predicted[i] == y[i];
  EXPECT_GT(right, 300) << "well above chance (150)";
}

TEST(LogisticRegressionTest, TwoClassesGiveOneCoefficientRowAndWeightsMatter) {
  Matrix x;
  Labels y;
  MakeBlobs(100, 2, &x, &y);
  LogisticRegression model(
      LogisticRegressionOptions{1.0, 100, 1e-10, LogisticSolver::kNewton, true});
  model.Fit(x, y);
  EXPECT_EQ(model.coef().rows(), 1);
  EXPECT_GT(model.coef()(0, 0), 0);
  // Doubling every weight equals halving the penalty (C x 2).
  LogisticRegression heavier(
      LogisticRegressionOptions{1.0, 100, 1e-10, LogisticSolver::kNewton, true});
  heavier.Fit(x, y, std::vector<double>(200, 2.0));
  LogisticRegression looser(
      LogisticRegressionOptions{2.0, 100, 1e-10, LogisticSolver::kNewton, true});
  looser.Fit(x, y);
  EXPECT_NEAR(heavier.coef()(0, 0), looser.coef()(0, 0), 1e-8);
  EXPECT_GT(std::fabs(heavier.coef()(0, 0) - model.coef()(0, 0)), 1e-4) << "negative control";
}

TEST(LogisticRegressionTest, ErrorsNameTheProblem) {
  Matrix x(3, 1, std::vector<double>{0, 1, 2});
  LogisticRegression model;
  testing::ExpectError(
      [&] {
        model.Fit(x, Labels{1, 1, 1});
      },
      ErrorKind::kInvalidInput, {"single class"});
  testing::ExpectError(
      [] {
        LogisticRegression bad(
            LogisticRegressionOptions{0, 100, 1e-4, LogisticSolver::kLbfgs, true});
      },
      ErrorKind::kInvalidArgument, {"C must be"});
}

TEST(RidgeRegressorTest, RecoversALineAndShrinksWithAlpha) {
  Matrix x(5, 1, std::vector<double>{0, 1, 2, 3, 4});
  std::vector<double> y = {1, 3, 5, 7, 9};
  RidgeRegressor exact(RidgeOptions{0.0});
  exact.Fit(x, y);
  EXPECT_NEAR(exact.coef()[0], 2.0, 1e-12);
  EXPECT_NEAR(exact.intercept(), 1.0, 1e-12);
  RidgeRegressor shrunk(RidgeOptions{10.0});
  shrunk.Fit(x, y);
  // Centred x has sum of squares 10: coef = 20 / (10 + 10) = 1.
  EXPECT_NEAR(shrunk.coef()[0], 1.0, 1e-12);
  EXPECT_NEAR(shrunk.Predict(x)[2], 5.0, 1e-12);
}

TEST(ModelsTest, StatesRoundTrip) {
  Matrix x;
  Labels y;
  MakeBlobs(40, 3, &x, &y);
  std::vector<std::unique_ptr<Classifier>> models;
  models.push_back(std::make_unique<KNeighborsClassifier>());
  models.push_back(std::make_unique<LogisticRegression>());
  for (auto& model : models) {
    model->Fit(x, y);
    auto copy = model->CloneUnfitted();
    copy->LoadState(model->SaveState());
    EXPECT_EQ(copy->Predict(x), model->Predict(x)) << model->Name();
    EXPECT_EQ(copy->PredictProba(x).data()[7], model->PredictProba(x).data()[7]);
    EstimatorState broken = model->SaveState();
    broken.numbers.erase(broken.numbers.begin());
    testing::ExpectError([&] { model->CloneUnfitted()->LoadState(broken); },
                         ErrorKind::kInvalidInput, {"damaged"});
  }
}

TEST(ModelRegistryTest, NamesParametersAndErrors) {
  // The tree stage registers its models behind these when it is linked in.
  const std::vector<std::string> names = ModelNames();
  ASSERT_GE(names.size(), 3U);
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 3),
            (std::vector<std::string>{"knn", "logreg", "ridge"}));
  const ModelEntry& knn = FindModel("knn");
  ParamMap params = CompleteModelParams(knn, {{"k", "7"}});
  EXPECT_EQ(params.at("k"), "7");
  EXPECT_EQ(params.at("weights"), "uniform");
  auto model = knn.make_classifier(params);
  EXPECT_EQ(dynamic_cast<KNeighborsClassifier&>(*model).options().k, 7);
  testing::ExpectError([] { FindModel("knm"); }, ErrorKind::kInvalidArgument,
                       {"unknown model 'knm'", "did you mean 'knn'", "'logreg'"});
  testing::ExpectError(
      [&] {
        CompleteModelParams(knn, {{"kk", "3"}});
      },
      ErrorKind::kInvalidArgument, {"no parameter 'kk'", "'k'"});
  testing::ExpectError(
      [&] {
        knn.make_classifier(CompleteModelParams(knn, {{"k", "five"}}));
      },
      ErrorKind::kInvalidArgument, {"k must be an integer, got 'five'"});
  EXPECT_EQ(FindModel("logreg").make_regressor, nullptr);
  EXPECT_EQ(FindModel("ridge").make_classifier, nullptr);
}

}  // namespace
}  // namespace hitscope
