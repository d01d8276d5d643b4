// Scalers, one-hot encoding and SelectKBest on small data with known answers; state round trips;
// errors. Bit-for-bit parity with scikit-learn is in tests/supervised/supervised_parity_test.cpp.
#include <cmath>

#include <hitscope/preprocess.hpp>

#include "learn/preprocess/numpy_sum.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

Matrix M(int64_t rows, int64_t cols, std::vector<double> values) {
  return Matrix(rows, cols, std::move(values));
}

TEST(StandardScalerTest, CentresAndScalesWithDdofZero) {
  Matrix x = M(4, 2, {1, 10, 2, 10, 3, 10, 6, 10});
  StandardScaler scaler;
  Matrix out = scaler.FitTransform(x);
  EXPECT_DOUBLE_EQ(scaler.mean()[0], 3.0);
  EXPECT_DOUBLE_EQ(scaler.var()[0], 3.5);  // ddof 0: (4 + 1 + 0 + 9) / 4
  EXPECT_DOUBLE_EQ(scaler.scale()[0], std::sqrt(3.5));
  EXPECT_DOUBLE_EQ(scaler.scale()[1], 1.0) << "a constant column keeps scale 1";
  EXPECT_DOUBLE_EQ(out(3, 0), 3.0 / std::sqrt(3.5));
  EXPECT_DOUBLE_EQ(out(0, 1), 0.0);
  StandardScaler no_mean(StandardScalerOptions{false, true});
  EXPECT_DOUBLE_EQ(no_mean.FitTransform(x)(0, 0), 1.0 / std::sqrt(3.5));
}

TEST(MinMaxScalerTest, MapsTheTrainingRangeAndClipsOnRequest) {
  Matrix x = M(3, 2, {0, 5, 5, 5, 10, 5});
  MinMaxScaler scaler;
  Matrix out = scaler.FitTransform(x);
  EXPECT_DOUBLE_EQ(out(1, 0), 0.5);
  EXPECT_DOUBLE_EQ(out(2, 0), 1.0);
  EXPECT_DOUBLE_EQ(out(0, 1), 0.0) << "constant column: range 1, shifted to min";
  Matrix wider = M(1, 2, {20, 5});
  EXPECT_DOUBLE_EQ(scaler.Transform(wider)(0, 0), 2.0);
  MinMaxScaler clipped(MinMaxScalerOptions{-1, 1, true});
  clipped.Fit(x);
  EXPECT_DOUBLE_EQ(clipped.Transform(wider)(0, 0), 1.0);
  testing::ExpectError(
      [] {
        MinMaxScaler bad(MinMaxScalerOptions{1, 1, false});
      },
      ErrorKind::kInvalidArgument, {"min < max"});
}

TEST(RobustScalerTest, MedianAndInterquartileRange) {
  Matrix x = M(5, 1, {1, 2, 3, 4, 100});
  RobustScaler scaler;
  Matrix out = scaler.FitTransform(x);
  EXPECT_DOUBLE_EQ(scaler.center()[0], 3.0);
  EXPECT_DOUBLE_EQ(scaler.scale()[0], 2.0);  // 75 %: 4, 25 %: 2
  EXPECT_DOUBLE_EQ(out(4, 0), 48.5);
  Matrix even = M(4, 1, {1, 2, 3, 10});
  scaler.Fit(even);
  EXPECT_DOUBLE_EQ(scaler.center()[0], 2.5);
  EXPECT_DOUBLE_EQ(scaler.scale()[0], 4.75 - 1.75);
  testing::ExpectError(
      [] {
        RobustScaler bad(RobustScalerOptions{true, true, 80, 20});
      },
      ErrorKind::kInvalidArgument, {"quantile range"});
}

TEST(ScalersTest, StateRoundTripsAndErrorsNameTheProblem) {
  Matrix x = M(3, 2, {1, 2, 3, 5, 8, 13});
  std::vector<std::unique_ptr<Transformer>> scalers;
  scalers.push_back(std::make_unique<StandardScaler>());
  scalers.push_back(std::make_unique<MinMaxScaler>());
  scalers.push_back(std::make_unique<RobustScaler>());
  for (auto& scaler : scalers) {
    testing::ExpectError([&] { scaler->Transform(x); }, ErrorKind::kInvalidArgument,
                         {scaler->Name(), "call Fit before Transform"});
    scaler->Fit(x);
    auto copy = scaler->CloneUnfitted();
    EXPECT_FALSE(copy->fitted());
    copy->LoadState(scaler->SaveState());
    EXPECT_EQ(copy->Transform(x).data()[5], scaler->Transform(x).data()[5]);
    testing::ExpectError(
        [&] {
          scaler->Transform(M(1, 3, {1, 2, 3}));
        },
        ErrorKind::kInvalidInput, {"3 columns", "fitted on 2"});
    Matrix bad = x;
    bad(1, 1) = NAN;
    testing::ExpectError([&] { copy->Fit(bad); }, ErrorKind::kInvalidInput,
                         {"row 2, column 2", "missing"});
    testing::ExpectError([&] { copy->Fit(Matrix(0, 2)); }, ErrorKind::kInvalidInput, {"0 x 2"});
    EstimatorState broken = scaler->SaveState();
    broken.numbers.erase("scale");
    testing::ExpectError([&] { copy->LoadState(broken); }, ErrorKind::kInvalidInput,
                         {"'scale'", "damaged"});
  }
}

TEST(NumpySumTest, PairwiseForOneColumnRunningSumForSeveral) {
  // 1e16 + 1 + 1 + ... : a running sum loses every 1, a pairwise sum keeps the pairs added
  // within a block; both agree with numpy (see tests/parity golden for the bits).
  std::vector<double> values(200, 1.0);
  values[0] = 1e16;
  Matrix one(200, 1, values);
  double pairwise = learn::NumpyColumnSums(one)[0];
  double running = 0;
  for (double v : values) running += v;
  EXPECT_EQ(running, 1e16);
  EXPECT_GT(pairwise, 1e16) << "the pairwise sum keeps the small values";
  Matrix two(100, 2, values);
  EXPECT_EQ(learn::NumpyColumnSums(two)[0], 1e16);
}

TEST(OneHotEncoderTest, EncodesListedColumnsFirstAndIgnoresUnknownValues) {
  Matrix x = M(3, 3, {0.5, 2, 1, 0.7, 5, 0, 0.9, 2, 1});
  OneHotEncoder encoder(OneHotEncoderOptions{{1, 2}, UnknownCategory::kIgnore});
  Matrix out = encoder.FitTransform(x);
  ASSERT_EQ(out.cols(), 5);       // key: {2, 5}, mode: {0, 1}, then the passthrough column
  EXPECT_EQ(out.data()[0], 1.0);  // row 0: key 2
  EXPECT_EQ(out.data()[1], 0.0);
  EXPECT_EQ(out.data()[2], 0.0);  // mode 1 -> second indicator
  EXPECT_EQ(out.data()[3], 1.0);
  EXPECT_EQ(out.data()[4], 0.5);
  EXPECT_EQ(encoder.OutputNames({"energy", "key", "mode"}),
            (std::vector<std::string>{"key_2", "key_5", "mode_0", "mode_1", "energy"}));
  Matrix unseen = M(1, 3, {0.1, 7, 1});
  Matrix encoded = encoder.Transform(unseen);
  EXPECT_EQ(encoded.data()[0] + encoded.data()[1], 0.0);
  OneHotEncoder strict(OneHotEncoderOptions{{1}, UnknownCategory::kError});
  strict.Fit(x);
  testing::ExpectError([&] { strict.Transform(unseen); }, ErrorKind::kInvalidInput,
                       {"column 2 holds 7 at row 1", "not seen"});
  OneHotEncoder twice(OneHotEncoderOptions{{1, 1}, UnknownCategory::kIgnore});
  testing::ExpectError([&] { twice.Fit(x); }, ErrorKind::kInvalidArgument, {"listed twice"});
}

TEST(SelectKBestTest, KeepsTheInformativeColumns) {
  // Column 1 separates the classes; columns 0 and 2 are noise; column 3 is constant.
  Matrix x = M(6, 4, {0.3, 0, 5, 1, 0.1, 0.1, 3, 1, 0.2, 0.2, 4, 1,  //
                      0.2, 1, 3, 1, 0.1, 1.1, 5, 1, 0.3, 0.9, 4, 1});
  std::vector<int32_t> y = {0, 0, 0, 1, 1, 1};
  SelectKBest selector(SelectKBestOptions{1});
  Matrix out = selector.FitTransform(x, y);
  EXPECT_EQ(selector.selected(), (std::vector<int64_t>{1}));
  EXPECT_EQ(out.cols(), 1);
  EXPECT_TRUE(std::isnan(selector.scores()[3])) << "constant column: 0 / 0";
  EXPECT_EQ(selector.OutputNames({"a", "b", "c", "d"}), (std::vector<std::string>{"b"}));
  testing::ExpectError([&] { selector.Fit(x); }, ErrorKind::kInvalidInput, {"class labels"});
  testing::ExpectError([&] { selector.Fit(x, std::vector<int32_t>(6, 0)); },
                       ErrorKind::kInvalidInput, {"single class"});
}

}  // namespace
}  // namespace hitscope
