// Resamplers on small data with known answers: counts, SMOTE's segments, Tomek links, errors.
// Parity with imbalanced-learn (counts, links) is in tests/supervised/supervised_parity_test.cpp.
#include <algorithm>
#include <cmath>

#include <hitscope/resample.hpp>
#include <hitscope/runtime.hpp>

#include "prepare/random.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

// Blobs of 2-D points, `sizes[c]` rows of class c around (3c, 0).
void MakeBlobs(const std::vector<int64_t>& sizes, Matrix* x, Labels* y, uint64_t seed = 1) {
  int64_t rows = 0;
  for (int64_t size : sizes) rows += size;
  *x = Matrix(rows, 2);
  y->clear();
  int64_t row = 0;
  for (size_t label = 0; label < sizes.size(); ++label) {
    for (int64_t i = 0; i < sizes[label]; ++i, ++row) {
      CounterRng rng(seed, label, static_cast<uint64_t>(i));
      (*x)(row, 0) = 3.0 * static_cast<double>(label) + rng.Normal();
      (*x)(row, 1) = rng.Normal();
      y->push_back(static_cast<int32_t>(label));
    }
  }
}

std::vector<int64_t> Counts(const Labels& y) {
  std::vector<int64_t> counts;
  for (int32_t label : y) {
    if (label >= static_cast<int32_t>(counts.size())) counts.resize(label + 1, 0);
    ++counts[label];
  }
  return counts;
}

// The k nearest rows of the same class as `row` (brute force, ties by index), `row` excluded.
std::vector<int64_t> SameClassNeighbours(const Matrix& x, const Labels& y, int64_t row, int k) {
  std::vector<std::pair<double, int64_t>> all;
  for (int64_t other = 0; other < x.rows(); ++other) {
    if (other == row || y[other] != y[row]) continue;
    double dx = x(row, 0) - x(other, 0), dy = x(row, 1) - x(other, 1);
    all.emplace_back(dx * dx + dy * dy, other);
  }
  std::sort(all.begin(), all.end());
  std::vector<int64_t> out;
  for (int i = 0; i < k && i < static_cast<int>(all.size()); ++i) out.push_back(all[i].second);
  return out;
}

// True when `point` lies on the segment from row a to row b of x (up to rounding).
bool OnSegment(const Matrix& x, int64_t a, int64_t b, const double* point) {
  double t = -1;
  for (int col = 0; col < 2; ++col) {
    double span = x(b, col) - x(a, col);
    if (std::fabs(span) > 1e-12) t = (point[col] - x(a, col)) / span;
  }
  if (t < -1e-12 || t > 1 + 1e-12) return false;
  for (int col = 0; col < 2; ++col) {
    double want = x(a, col) + t * (x(b, col) - x(a, col));
    if (std::fabs(want - point[col]) > 1e-9) return false;
  }
  return true;
}

// Whether a synthetic point lies between some row of its class and one of that row's k nearest.
bool OnSomeNeighbourSegment(const Matrix& x, const Labels& y, int32_t label, const double* point,
                            int k) {
  for (int64_t row = 0; row < x.rows(); ++row) {
    if (y[row] != label) continue;
    for (int64_t neighbour : SameClassNeighbours(x, y, row, k)) {
      if (OnSegment(x, row, neighbour, point)) return true;
    }
  }
  return false;
}

TEST(SamplingTest, TargetsAndBalancedWeightsAsImbalancedLearn) {
  Labels y = {0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2};
  EXPECT_EQ(OverSamplingTargets(y, OverSampling::kNotMajority), (std::vector<int64_t>{0, 4, 3}));
  EXPECT_EQ(OverSamplingTargets(y, OverSampling::kMinority), (std::vector<int64_t>{0, 4, 0}));
  EXPECT_EQ(OverSamplingTargets(y, OverSampling::kAll), (std::vector<int64_t>{0, 4, 3}));
  // Ties: the first largest class in class order is the majority (class 0 here, not 1).
  EXPECT_EQ(OverSamplingTargets(Labels{1, 1, 0, 0, 2}, OverSampling::kNotMajority),
            (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(OverSamplingTargets(Labels{1, 1, 0, 2}, OverSampling::kMinority),
            (std::vector<int64_t>{1, 0, 0}));
  std::vector<double> weights = BalancedClassWeights(y);
  EXPECT_DOUBLE_EQ(weights[0], 11.0 / (3 * 6));
  EXPECT_DOUBLE_EQ(weights[1], 11.0 / (3 * 2));
  EXPECT_DOUBLE_EQ(BalancedSampleWeights(y)[7], 11.0 / 6);
  testing::ExpectError(
      [] {
        OverSamplingTargets(Labels{1, 1, 1}, OverSampling::kAll);
      },
      ErrorKind::kInvalidInput, {"a single one"});
}

TEST(RandomOverSamplerTest, BalancesByDuplicatingRowsOfEachClass) {
  Matrix x;
  Labels y;
  MakeBlobs({30, 10, 5}, &x, &y);
  RandomOverSampler sampler(RandomOverSamplerOptions{OverSampling::kNotMajority, 7});
  Matrix out;
  Labels out_y;
  sampler.FitResample(x, y, &out, &out_y);
  EXPECT_EQ(Counts(out_y), (std::vector<int64_t>{30, 30, 30}));
  ASSERT_EQ(out.rows(), 90);
  for (int64_t row = 0; row < out.rows(); ++row) {
    int64_t source = sampler.sample_indices()[row];
    if (row < x.rows()) {
      EXPECT_EQ(source, row) << "input rows come first, in order";
    }
    EXPECT_EQ(out_y[row], y[source]);
    EXPECT_EQ(out(row, 0), x(source, 0));
  }
}

TEST(SmoteTest, NewRowsLieBetweenARowAndOneOfItsNeighbours) {
  Matrix x;
  Labels y;
  MakeBlobs({60, 20, 12}, &x, &y);
  Smote smote(SmoteOptions{5, OverSampling::kNotMajority, 3, {}});
  Matrix out;
  Labels out_y;
  smote.FitResample(x, y, &out, &out_y);
  EXPECT_EQ(Counts(out_y), (std::vector<int64_t>{60, 60, 60}));
  for (int64_t row = 0; row < x.rows(); ++row) EXPECT_EQ(out(row, 1), x(row, 1));
  for (int64_t row = x.rows(); row < out.rows(); ++row) {
    ASSERT_TRUE(OnSomeNeighbourSegment(x, y, out_y[row], out.Row(row), 5)) << "row " << row;
  }
  // Negative control: a point between two far rows of the class is not on such a segment.
  double far[2] = {0.5 * (x(60, 0) + x(79, 0)) + 5, 0.5 * (x(60, 1) + x(79, 1))};
  EXPECT_FALSE(OnSomeNeighbourSegment(x, y, 1, far, 5));
}

TEST(SmoteTest, SameSeedSameRowsWhateverTheThreads) {
  Matrix x;
  Labels y;
  MakeBlobs({3000, 500}, &x, &y);
  Smote smote(SmoteOptions{5, OverSampling::kNotMajority, 11, {}});
  Matrix one, all;
  Labels one_y, all_y;
  SetThreadCount(1);
  smote.FitResample(x, y, &one, &one_y);
  SetThreadCount(0);
  smote.FitResample(x, y, &all, &all_y);
  EXPECT_TRUE(std::equal(one.data().begin(), one.data().end(), all.data().begin()));
  Smote other(SmoteOptions{5, OverSampling::kNotMajority, 12, {}});
  other.FitResample(x, y, &all, &all_y);
  EXPECT_FALSE(std::equal(one.data().begin(), one.data().end(), all.data().begin()))
      << "another seed draws other rows";
}

TEST(SmoteTest, ErrorsNameTheClass) {
  Matrix x;
  Labels y;
  MakeBlobs({20, 4}, &x, &y);
  Smote smote(SmoteOptions{5, OverSampling::kNotMajority, 0, {"low", "high"}});
  Matrix out;
  Labels out_y;
  testing::ExpectError([&] { smote.FitResample(x, y, &out, &out_y); }, ErrorKind::kInvalidInput,
                       {"class 'high' has 4 training rows", "k_neighbors = 5", "at least 6"});
  testing::ExpectError([&] { smote.FitResample(x, Labels(24, 0), &out, &out_y); },
                       ErrorKind::kInvalidInput, {"at least two classes"});
  testing::ExpectError(
      [] {
        Smote bad(SmoteOptions{0, OverSampling::kAll, 0, {}});
      },
      ErrorKind::kInvalidArgument, {"k_neighbors must be >= 1"});
  x(3, 1) = NAN;
  testing::ExpectError([&] { RandomOverSampler().FitResample(x, y, &out, &out_y); },
                       ErrorKind::kInvalidInput, {"row 4, column 2"});
}

TEST(TomekLinksTest, RemovesLinkedRowsOfTheCleanedClasses) {
  // Rows 0 (class 0) and 1 (class 1) are each other's nearest: a link. Row 4 (class 1) has
  // row 3 (class 0) as nearest, but row 3's nearest is row 2: no link.
  Matrix x(6, 2, std::vector<double>{0, 0, 0.1, 0, 5, 0, 5.5, 0, 6.2, 0, 20, 0});
  Labels y = {0, 1, 0, 0, 1, 1};
  TomekLinks majority_only;  // class 1 (3 rows) vs class 0 (3 rows): minority is class 0
  Matrix out;
  Labels out_y;
  majority_only.FitResample(x, y, &out, &out_y);
  EXPECT_EQ(majority_only.sample_indices(), (std::vector<int64_t>{0, 2, 3, 4, 5}));
  TomekLinks all(TomekLinksOptions{TomekCleaning::kAll});
  all.FitResample(x, y, &out, &out_y);
  EXPECT_EQ(all.sample_indices(), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(out_y, (Labels{0, 0, 1, 1}));
}

TEST(SmoteTomekTest, SmoteThenBothMembersOfEachLinkGo) {
  Matrix x;
  Labels y;
  MakeBlobs({200, 60}, &x, &y);
  for (int64_t row = 0; row < x.rows(); ++row) x(row, 0) *= 0.3;  // overlapping classes
  SmoteTomek sampler(SmoteOptions{5, OverSampling::kNotMajority, 5, {}});
  Matrix out;
  Labels out_y;
  sampler.FitResample(x, y, &out, &out_y);
  EXPECT_EQ(sampler.added(), 140);
  EXPECT_GT(sampler.removed(), 0);
  EXPECT_EQ(sampler.removed() % 2, 0) << "links remove rows in pairs";
  EXPECT_EQ(out.rows(), 400 - sampler.removed());
  auto counts = Counts(out_y);
  EXPECT_EQ(counts[0], counts[1]) << "each link takes one row of each class";
}

}  // namespace
}  // namespace hitscope
