// The statistics of stats.hpp against known answers and against scipy / numpy / pandas goldens
// (tests/parity/profile_make_stats_golden.py), with negative controls and error paths.
#include <cmath>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include <hitscope/stats.hpp>

#include "explore/stats/radix_sort.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

const double kNan = std::numeric_limits<double>::quiet_NaN();

const nlohmann::json& Golden() {
  static const nlohmann::json golden = [] {
    std::ifstream in(testing::SourcePath("tests/parity/profile_stats_golden.json"));
    return nlohmann::json::parse(in);
  }();
  return golden;
}

double Num(const nlohmann::json& value) {
  return value.is_null() ? kNan : value.get<double>();
}

std::vector<double> Nums(const nlohmann::json& values) {
  std::vector<double> out;
  for (const auto& value : values) out.push_back(Num(value));
  return out;
}

void ExpectRel(double ours, double theirs, double relative, const std::string& what) {
  if (std::isnan(theirs)) {
    EXPECT_TRUE(std::isnan(ours)) << what << ": " << ours;
    return;
  }
  EXPECT_NEAR(ours, theirs, relative * std::max(1e-300, std::fabs(theirs))) << what;
}

TEST(DistributionTest, ChiSquareSurvivalEqualsScipy) {
  for (const auto& c : Golden()["chi2_sf"]) {
    ExpectRel(ChiSquareSf(c["x"], c["df"]), c["sf"], 1e-11, c.dump());
  }
  EXPECT_EQ(ChiSquareSf(0, 3), 1.0);
  EXPECT_TRUE(std::isnan(ChiSquareSf(1, 0)));
}

TEST(DistributionTest, StudentTEqualsScipy) {
  // scipy 1.10's t.ppf (cephes stdtrit) inverts its own cdf only to ~1e-9 relative: at its
  // answer for (0.975, 5), scipy's t.cdf gives 0.02499999997. Ours solves the cdf to the last
  // bits, so the comparison allows 1e-8 and the next check holds ours to the cdf itself.
  for (const auto& c : Golden()["t_ppf"]) {
    double p = c["p"], df = c["df"];
    double t = StudentTQuantile(p, df);
    ExpectRel(t, c["ppf"], 1e-8, c.dump());
    EXPECT_NEAR(StudentTCdf(t, df), p, df > 1e4 ? 1e-12 : 4e-16) << c.dump();  // lgamma of huge df
  }
  for (const auto& c : Golden()["t_cdf"]) {
    ExpectRel(StudentTCdf(c["t"], c["df"]), c["cdf"], 1e-12, c.dump());
  }
  // Known answers from printed tables: t_{0.975, 10} = 2.228139, t_{0.975, 1} = 12.7062.
  EXPECT_NEAR(StudentTQuantile(0.975, 10), 2.228138852, 1e-8);
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.70620474, 1e-7);
}

TEST(DistributionTest, NormalBetaGammaEqualScipy) {
  for (const auto& c : Golden()["norm_ppf"]) {
    ExpectRel(NormalQuantile(c["p"]), c["ppf"], 1e-12, c.dump());
  }
  for (const auto& c : Golden()["betainc"]) {
    ExpectRel(RegularizedBeta(c["a"], c["b"], c["x"]), c["value"], 1e-12, c.dump());
  }
  for (const auto& c : Golden()["gammainc"]) {
    ExpectRel(RegularizedGammaP(c["a"], c["x"]), c["p"], 1e-12, c.dump());
    ExpectRel(RegularizedGammaQ(c["a"], c["x"]), c["q"], 1e-12, c.dump());
  }
}

TEST(DistributionTest, BadProbabilitiesThrowWithTheValue) {
  testing::ExpectError([] { StudentTQuantile(1.0, 3); }, ErrorKind::kInvalidArgument,
                       {"probability must be in (0, 1)", "got 1"});
  testing::ExpectError([] { NormalQuantile(0); }, ErrorKind::kInvalidArgument, {"NormalQuantile"});
  testing::ExpectError([] { StudentTQuantile(0.5, -1); }, ErrorKind::kInvalidArgument,
                       {"df must be > 0"});
}

std::vector<std::vector<double>> Groups(const nlohmann::json& groups) {
  std::vector<std::vector<double>> out;
  for (const auto& group : groups) out.push_back(Nums(group));
  return out;
}

TEST(KruskalWallisTest, EqualsScipyOnEveryCase) {
  for (const auto& c : Golden()["kruskal"]) {
    auto groups = Groups(c["groups"]);
    KruskalWallisResult result = KruskalWallis(groups);
    std::string name = c["name"];
    ExpectRel(result.statistic, c["statistic"], 1e-12, name + " statistic");
    ExpectRel(result.p_value, c["p_value"], 1e-10, name + " p");
    ExpectRel(result.tie_correction, c["tie_correction"], 1e-14, name + " ties");
    ExpectRel(result.epsilon_squared, c["epsilon_squared"], 1e-12, name + " epsilon^2");
    EXPECT_EQ(result.n, c["n"].get<int64_t>());
    EXPECT_EQ(result.df, static_cast<int>(groups.size()) - 1);
  }
}

TEST(KruskalWallisTest, StateAgreesWithListsInAnySplit) {
  for (const auto& c : Golden()["kruskal"]) {
    auto groups = Groups(c["groups"]);
    KruskalWallisResult direct = KruskalWallis(groups);
    // Feed the values round-robin into three states, merge in two orders.
    int k = static_cast<int>(groups.size());
    std::vector<KruskalWallisState> parts(3, KruskalWallisState(k));
    int next = 0;
    for (int g = 0; g < k; ++g) {
      for (double value : groups[g]) parts[next++ % 3].Update(g, value);
    }
    KruskalWallisState forward(k), backward(k);
    for (int p = 0; p < 3; ++p) forward.Merge(parts[p]);
    for (int p = 2; p >= 0; --p) backward.Merge(parts[p]);
    for (const auto* state : {&forward, &backward}) {
      KruskalWallisResult merged = state->Finalize();
      EXPECT_NEAR(merged.statistic, direct.statistic, 1e-10 * direct.statistic) << c["name"];
      EXPECT_NEAR(merged.p_value, direct.p_value, 1e-10) << c["name"];
      EXPECT_EQ(merged.n, direct.n);
    }
  }
}

TEST(KruskalWallisTest, KnownAnswerAndNegativeControl) {
  // Two fully separated groups of 3 and 3: ranks 1-3 vs 4-6, H = 12/42 * (3*(2-3.5)^2 * 2) =
  // 3.857142..., epsilon^2 = H / 5.
  std::vector<std::vector<double>> separated = {{1, 2, 3}, {4, 5, 6}};
  KruskalWallisResult result = KruskalWallis(separated);
  EXPECT_NEAR(result.statistic, 27.0 / 7.0, 1e-14);
  EXPECT_NEAR(result.epsilon_squared, 27.0 / 35.0, 1e-14);
  // Negative control: the same values interleaved give no effect at all.
  std::vector<std::vector<double>> mixed = {{1, 4, 5, 8}, {2, 3, 6, 7}};
  EXPECT_NEAR(KruskalWallis(mixed).statistic, 0.0, 1e-12);
  EXPECT_GT(KruskalWallis(mixed).p_value, 0.99);
}

TEST(KruskalWallisTest, ErrorsAndEmptyGroups) {
  std::vector<std::vector<double>> one = {{1, 2}};
  testing::ExpectError([&] { KruskalWallis(one); }, ErrorKind::kInvalidArgument,
                       {"at least two groups", "got 1"});
  std::vector<std::vector<double>> same = {{3, 3}, {3, 3, 3}};
  testing::ExpectError([&] { KruskalWallis(same); }, ErrorKind::kInvalidInput,
                       {"all values are identical"});
  std::vector<std::vector<double>> with_nan = {{1, kNan}, {2}};
  testing::ExpectError([&] { KruskalWallis(with_nan); }, ErrorKind::kInvalidArgument, {"NaN"});
  std::vector<std::vector<double>> empty = {{1, 2}, {}};
  EXPECT_TRUE(std::isnan(KruskalWallis(empty).statistic)) << "scipy returns NaN";
  KruskalWallisState state(4);
  state.Update(0, 1);
  state.Update(0, 2);
  testing::ExpectError([&] { state.Finalize(); }, ErrorKind::kInvalidInput,
                       {"at least two groups", "only 1 of 4"});
  testing::ExpectError([] { KruskalWallisState(1); }, ErrorKind::kInvalidArgument,
                       {"at least two groups"});
  // Empty groups are left out of the state's test.
  state.Update(2, 5);
  state.Update(2, 6);
  EXPECT_EQ(state.Finalize().groups, 2);
}

TEST(IntervalTest, MeanIntervalEqualsScipy) {
  for (const auto& c : Golden()["mean_interval"]) {
    auto values = Nums(c["values"]);
    MeanInterval interval = MeanConfidenceInterval(values, 0.95);
    ExpectRel(interval.mean, c["mean"], 1e-13, "mean");
    ExpectRel(interval.std_error, c["sem"], 1e-12, "sem");
    // The bounds inherit scipy's ~1e-9 t quantile (see StudentTEqualsScipy).
    ExpectRel(interval.lower, c["lower"], 1e-8, "lower");
    ExpectRel(interval.upper, c["upper"], 1e-8, "upper");
    MeanInterval wide = MeanConfidenceInterval(values, 0.99);
    ExpectRel(wide.lower, c["lower99"], 1e-8, "lower99");
    ExpectRel(wide.upper, c["upper99"], 1e-8, "upper99");
  }
  std::vector<double> single = {4.0};
  EXPECT_TRUE(std::isnan(MeanConfidenceInterval(single).lower));
  EXPECT_EQ(MeanConfidenceInterval(single).mean, 4.0);
  testing::ExpectError([&] { MeanConfidenceInterval(single, 95); }, ErrorKind::kInvalidArgument,
                       {"confidence level must be in (0, 1)"});
}

TEST(IntervalTest, WeightedIntervalEqualsFormulaAndReducesToPlain) {
  const auto& c = Golden()["weighted_interval"];
  auto values = Nums(c["values"]);
  auto weights = Nums(c["weights"]);
  WeightedMomentState state, first, second;
  for (size_t k = 0; k < values.size(); ++k) {
    state.Update(values[k], weights[k]);
    (k < 77 ? first : second).Update(values[k], weights[k]);
  }
  first.Merge(second);
  for (const auto* s : {&state, &first}) {
    MeanInterval interval = WeightedMeanConfidenceInterval(*s);
    ExpectRel(interval.mean, c["mean"], 1e-13, "mean");
    ExpectRel(s->Variance(), c["variance"], 1e-12, "variance");
    ExpectRel(s->EffectiveSize(), c["n_eff"], 1e-12, "n_eff");
    ExpectRel(interval.lower, c["lower"], 1e-8, "lower");
    ExpectRel(interval.upper, c["upper"], 1e-8, "upper");
  }
  // Equal weights: exactly the unweighted interval.
  WeightedMomentState equal;
  MomentState plain;
  for (double value : values) {
    equal.Update(value, 2.5);
    plain.Update(value);
  }
  MeanInterval a = WeightedMeanConfidenceInterval(equal), b = MeanConfidenceInterval(plain);
  EXPECT_NEAR(a.lower, b.lower, 1e-12);
  EXPECT_NEAR(a.upper, b.upper, 1e-12);
  equal.Update(1.0, 0);
  equal.Update(1.0, -1);
  EXPECT_EQ(equal.skipped, 2);
}

TEST(CorrelationTest, MatricesEqualPandasWithMissingValuesAndTies) {
  const auto& c = Golden()["corr"];
  std::vector<std::string> names = c["names"];
  std::vector<Column> columns;
  for (const auto& name : names) {
    std::vector<std::optional<double>> values;
    for (const auto& value : c["columns"][name]) {
      values.push_back(value.is_null() ? std::nullopt : std::optional<double>(value.get<double>()));
    }
    columns.push_back(MakeFloat64Column(values));
  }
  Table table(names, std::move(columns));
  for (auto [method, key] : {std::pair{CorrelationMethod::kPearson, "pearson"},
                             std::pair{CorrelationMethod::kSpearman, "spearman"}}) {
    CorrelationMatrix matrix = CorrelationOfColumns(table, names, method);
    auto want = Nums(c[key]);
    ASSERT_EQ(matrix.values.size(), want.size());
    for (size_t k = 0; k < want.size(); ++k) {
      ExpectRel(matrix.values[k], want[k], 1e-12, std::string(key) + " " + std::to_string(k));
    }
  }
}

TEST(CorrelationTest, RanksAndPairFunctions) {
  const auto& c = Golden()["rankdata"];
  auto ranks = AverageRanks(Nums(c["values"]));
  EXPECT_EQ(ranks, Nums(c["ranks"]));
  std::vector<double> x = {1, 2, 3, 4, 5}, y = {2, 4, 6, 8, 10}, z = {5, 4, 3, 2, 1};
  EXPECT_NEAR(PearsonCorrelation(x, y), 1.0, 1e-15);
  EXPECT_NEAR(SpearmanCorrelation(x, z), -1.0, 1e-15);
  std::vector<double> cubic = {1, 8, 27, 64, 125};
  EXPECT_NEAR(SpearmanCorrelation(x, cubic), 1.0, 1e-15) << "monotone: rho is 1";
  EXPECT_LT(PearsonCorrelation(x, cubic), 0.99) << "negative control: r is not 1";
  std::vector<double> constant = {3, 3, 3, 3, 3};
  EXPECT_TRUE(std::isnan(PearsonCorrelation(x, constant)));
  std::vector<double> short_y = {1, 2};
  testing::ExpectError([&] { PearsonCorrelation(x, short_y); }, ErrorKind::kInvalidArgument,
                       {"5 x values but 2 y values"});
}

TEST(CorrelationTest, CoMomentBlocksAgreeWithUpdates) {
  // Awkward sizes for the block kernel against the one-at-a-time reference.
  for (int n : {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000}) {
    std::vector<double> x(n), y(n);
    for (int k = 0; k < n; ++k) {
      x[k] = std::sin(k * 0.7) * 100 + 1e6;
      y[k] = std::cos(k * 1.3) + 0.01 * k;
    }
    CoMomentState one, block;
    for (int k = 0; k < n; ++k) one.Update(x[k], y[k]);
    block.UpdateBlock(x.data(), y.data(), n / 2);
    block.UpdateBlock(x.data() + n / 2, y.data() + n / 2, n - n / 2);
    EXPECT_EQ(block.count, n);
    if (n >= 3) {
      EXPECT_NEAR(block.Correlation(), one.Correlation(), 1e-9) << n;
    }
  }
}

TEST(CorrelationTest, RadixArgsortAgreesWithStdSortAtAwkwardSizes) {
  for (size_t n : {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 2049, 100000}) {
    std::vector<double> values(n);
    for (size_t k = 0; k < n; ++k) {
      // Negatives, zeros of both signs, ties, infinities, NaN and huge magnitudes.
      double v = std::sin(static_cast<double>(k) * 12.9898) * 1e3;
      if (k % 5 == 0) v = std::round(v / 100);
      if (k % 11 == 0) v = -0.0;
      if (k % 13 == 0) v = 0.0;
      if (k % 17 == 0) v = k % 2 ? INFINITY : -INFINITY;
      if (k % 19 == 0) v = kNan;
      if (k % 23 == 0) v = 1e300 * (k % 3 ? 1 : -1);
      values[k] = v;
    }
    std::vector<uint32_t> want;
    for (size_t k = 0; k < n; ++k) {
      if (!std::isnan(values[k])) want.push_back(static_cast<uint32_t>(k));
    }
    std::stable_sort(want.begin(), want.end(),
                     [&](uint32_t a, uint32_t b) { return values[a] < values[b]; });
    auto got = stats_kernel::RadixArgsort(values);
    std::vector<double> sorted;
    for (double v : values) {
      if (!std::isnan(v)) sorted.push_back(v);
    }
    std::vector<double> reference = sorted;
    std::sort(reference.begin(), reference.end());
    stats_kernel::RadixSort(sorted);
    ASSERT_EQ(sorted, reference) << n;
    ASSERT_EQ(got.size(), want.size()) << n;
    for (size_t k = 0; k < got.size(); ++k) {
      // -0.0 and +0.0 compare equal; the radix order puts -0.0 first, the rest is identical.
      ASSERT_EQ(values[got[k]], values[want[k]]) << n << " at " << k;
    }
  }
}

TEST(CorrelationTest, ErrorsNameTheColumn) {
  Table table({"a", "s"}, {DenseFloat64Column({1, 2}), MakeStringColumn({"x", "y"})});
  std::vector<std::string> bad = {"a", "s"};
  testing::ExpectError([&] { CorrelationOfColumns(table, bad, CorrelationMethod::kPearson); },
                       ErrorKind::kInvalidInput, {"'s' is string, not numeric"});
  std::vector<std::string> unknown = {"aa"};
  testing::ExpectError([&] { CorrelationOfColumns(table, unknown, CorrelationMethod::kPearson); },
                       ErrorKind::kInvalidInput, {"no column 'aa'", "did you mean 'a'"});
}

TEST(DensityTest, HistogramEqualsNumpy) {
  const auto& d = Golden()["density"];
  auto values = Nums(d["values"]);
  double lo = *std::min_element(values.begin(), values.end());
  double hi = *std::max_element(values.begin(), values.end());
  HistogramState histogram = HistogramState::Uniform(lo, hi, d["bins"]);
  for (double value : values) histogram.Update(value);
  auto edges = Nums(d["edges"]);
  for (size_t k = 0; k < edges.size(); ++k) EXPECT_NEAR(histogram.edges[k], edges[k], 1e-12);
  EXPECT_EQ(histogram.counts, d["counts"].get<std::vector<int64_t>>());
  const auto& h = Golden()["histogram_edges"];
  HistogramState unit(Nums(h["edges"]));
  HistogramState part_a(Nums(h["edges"])), part_b(Nums(h["edges"]));
  auto ints = Nums(h["values"]);
  for (size_t k = 0; k < ints.size(); ++k) {
    unit.Update(ints[k]);
    (k % 2 ? part_a : part_b).Update(ints[k]);
  }
  part_a.Merge(part_b);
  EXPECT_EQ(unit.counts, h["counts"].get<std::vector<int64_t>>());
  EXPECT_EQ(part_a.counts, unit.counts);
  unit.Update(-3);
  unit.Update(99);
  unit.Update(kNan);
  EXPECT_EQ(unit.below + unit.above + unit.nan, 3);
  testing::ExpectError(
      [] {
        HistogramState({1.0, 1.0});
      },
      ErrorKind::kInvalidArgument, {"edges must increase"});
}

TEST(DensityTest, KernelDensityEqualsScipyAndBinnedAgrees) {
  const auto& d = Golden()["density"];
  auto values = Nums(d["values"]);
  MomentState moments;
  for (double value : values) moments.Update(value);
  double bandwidth = ScottBandwidth(moments.count, moments.Std(1));
  ExpectRel(bandwidth, d["bandwidth"], 1e-12, "Scott bandwidth");
  auto points = Nums(d["points"]);
  auto exact = GaussianKde(values, points, bandwidth);
  auto want = Nums(d["kde"]);
  for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(exact[k], want[k], 1e-12) << k;
  std::sort(values.begin(), values.end());
  auto binned = BinnedGaussianKde(values, points, bandwidth);
  double peak = *std::max_element(want.begin(), want.end());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(binned[k], want[k], 1e-3 * peak) << k;
  std::vector<double> one = {1.0};
  EXPECT_TRUE(std::isnan(ScottBandwidth(1, 0)));
  EXPECT_TRUE(std::isnan(BinnedGaussianKde(one, points, kNan)[0]));
}

TEST(DensityTest, BoxPlotEqualsMatplotlibRules) {
  const auto& b = Golden()["box"];
  auto values = Nums(b["values"]);
  BoxPlotStats box = BoxPlot(values);
  EXPECT_NEAR(box.q1, Num(b["q1"]), 1e-14);
  EXPECT_NEAR(box.median, Num(b["median"]), 1e-14);
  EXPECT_NEAR(box.q3, Num(b["q3"]), 1e-14);
  EXPECT_EQ(box.lower_whisker, Num(b["lower_whisker"]));
  EXPECT_EQ(box.upper_whisker, Num(b["upper_whisker"]));
  EXPECT_EQ(box.outliers_low, b["outliers_low"].get<int64_t>());
  EXPECT_EQ(box.outliers_high, b["outliers_high"].get<int64_t>());
  // Known answer: 1..9 has q1 3, q3 7, fences -3 and 13: no outliers; 100 is one.
  std::vector<double> nine = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  BoxPlotStats small = BoxPlot(nine);
  EXPECT_EQ(small.q1, 3);
  EXPECT_EQ(small.outliers_high, 0);
  nine.back() = 100;
  EXPECT_EQ(BoxPlot(nine).outliers_high, 1);
  EXPECT_EQ(BoxPlot(nine).upper_whisker, 8);
  EXPECT_EQ(BoxPlot(std::vector<double>{}).n, 0);
}

}  // namespace
}  // namespace hitscope
