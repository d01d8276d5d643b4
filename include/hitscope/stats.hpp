// hitscope/stats.hpp: the statistics every report and test shares: distributions, rank tests,
// confidence intervals, correlation, histograms, kernel densities and box-plot numbers.
//
// Each function names the scipy / numpy / pandas routine it reproduces; the tests in
// src/explore/stats/ and tests/profile/ compare against goldens made by
// tests/parity/profile_make_stats_golden.py (Debian's scipy 1.10, numpy 1.24, pandas 1.5).
// Streaming statistics are mergeable states (Update / Merge / read-outs, as aggregate.hpp): give
// each thread or block its own state and merge them in a fixed order, so results never depend on
// the thread count. All functions are pure and safe to call from several threads at once.
//
// Errors: a precondition that the caller controls (a probability outside (0, 1), fewer than two
// groups) throws Error(kInvalidArgument); data that cannot be tested (every value identical)
// throws Error(kInvalidInput) with a message saying why. Too few values for a statistic give NaN,
// never an exception.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <hitscope/aggregate.hpp>
#include <hitscope/table.hpp>

namespace hitscope {

// ---- Distributions -------------------------------------------------------------------------

// Regularised lower / upper incomplete gamma P(a, x), Q(a, x) = 1 - P (scipy.special.gammainc,
// gammaincc). REQUIRES: a > 0, x >= 0. Relative accuracy about 1e-14.
double RegularizedGammaP(double a, double x);
double RegularizedGammaQ(double a, double x);
// Regularised incomplete beta I_x(a, b) (scipy.special.betainc). REQUIRES: a, b > 0, 0 <= x <= 1.
double RegularizedBeta(double a, double b, double x);

// Survival function of the chi-square distribution (scipy.stats.chi2.sf(x, df)); df > 0.
double ChiSquareSf(double x, double df);
// Student's t distribution with `df` > 0 degrees of freedom (real, not only integer):
// cdf (scipy.stats.t.cdf) and quantile (scipy.stats.t.ppf, p in (0, 1); throws otherwise).
double StudentTCdf(double t, double df);
double StudentTQuantile(double p, double df);
// Standard normal quantile (scipy.stats.norm.ppf), p in (0, 1); throws otherwise.
double NormalQuantile(double p);

// ---- Kruskal-Wallis H test -----------------------------------------------------------------

struct KruskalWallisResult {
  double statistic = 0;  // H, corrected for ties (scipy.stats.kruskal's statistic)
  double p_value = 0;    // chi-square survival of H with groups - 1 degrees of freedom
  int df = 0;            // groups - 1
  int groups = 0;
  int64_t n = 0;              // values in all groups
  double tie_correction = 1;  // 1 - sum(t^3 - t) / (n^3 - n) (scipy.stats.tiecorrect)
  // Effect size epsilon-squared, E^2_R = H / ((n^2 - 1) / (n + 1)) = H / (n - 1)
  // (Tomczak & Tomczak 2014, "The need to report effect size estimates revisited"): the share
  // of rank variance explained by the groups, from 0 (none) to 1. Rough reading: < 0.01
  // negligible, < 0.04 weak, < 0.16 moderate, < 0.36 relatively strong, above strong.
  double epsilon_squared = 0;
  // eta^2_H = (H - k + 1) / (n - k) (Cohen 2008), for readers who expect it; can be < 0.
  double eta_squared = 0;
};

// The Kruskal-Wallis H test across `groups` (each a list of values), exactly as
// scipy.stats.kruskal(*groups): average ranks over all values, H corrected for ties, p-value
// from the chi-square distribution. NaN values are not allowed (filter them first, as
// nan_policy='propagate' would give NaN). Throws Error(kInvalidArgument) for fewer than two
// groups or a NaN, Error(kInvalidInput) when every value is identical (scipy raises too). An
// empty group gives NaN statistic and p-value, as scipy.
KruskalWallisResult KruskalWallis(std::span<const std::vector<double>> groups);

// The same test as a mergeable state: per distinct value, how often it occurs in each group.
// Memory is O(distinct values x groups): ideal for scores with few distinct values (popularity
// 0..100) over millions of rows; for continuous data with mostly distinct values prefer
// KruskalWallis(groups). Not thread-safe: one state per thread, then Merge.
class KruskalWallisState {
 public:
  // REQUIRES: groups >= 2.
  explicit KruskalWallisState(int groups);
  int groups() const { return groups_; }
  // Adds one value to group `group` (0-based). NaN values are ignored and counted.
  void Update(int group, double value);
  void Merge(const KruskalWallisState& other);
  int64_t count(int group) const { return group_counts_[static_cast<size_t>(group)]; }
  int64_t nan_count() const { return nan_count_; }
  // The test over the groups that have at least one value (fewer than two non-empty groups:
  // throws Error(kInvalidInput)); equals KruskalWallis over the same values. `result.groups`
  // says how many groups took part.
  KruskalWallisResult Finalize() const;

 private:
  int groups_;
  int64_t nan_count_ = 0;
  std::vector<int64_t> group_counts_;
  std::unordered_map<double, std::vector<int64_t>> counts_;  // value -> count per group
};

// ---- Confidence intervals ------------------------------------------------------------------

struct MeanInterval {
  int64_t n = 0;
  double mean = 0;
  double std_error = 0;  // s / sqrt(n), s with ddof = 1
  double lower = 0;      // NaN when n < 2
  double upper = 0;
  double level = 0.95;
  double df = 0;  // degrees of freedom of the t quantile (n - 1, or n_eff - 1 when weighted)
};

// The t-based confidence interval of a mean, mean +- t_{(1+level)/2, n-1} s / sqrt(n), as
// scipy.stats.t.interval(level, n - 1, loc=mean, scale=scipy.stats.sem(x)). level in (0, 1).
MeanInterval MeanConfidenceInterval(const MomentState& moments, double level = 0.95);
MeanInterval MeanConfidenceInterval(std::span<const double> values, double level = 0.95);

// Weighted count, mean and variance (West 1979, merged as Chan et al.): the state behind a
// weighted mean. Weights must be finite and > 0 (others are ignored and counted in `skipped`).
struct WeightedMomentState {
  int64_t count = 0;
  int64_t skipped = 0;
  double sum_weights = 0;
  double sum_weights_squared = 0;
  double mean = 0;
  double m2 = 0;  // sum of w (x - mean)^2

  void Update(double value, double weight);
  void Merge(const WeightedMomentState& other);
  // Kish's effective sample size (sum w)^2 / sum w^2.
  double EffectiveSize() const;
  // Unbiased variance for reliability weights: m2 / (V1 - V2 / V1); NaN for one value.
  double Variance() const;
};

// The weighted mean with a t-based interval: standard error sqrt(Variance() / n_eff), n_eff
// Kish's effective size, and t with n_eff - 1 degrees of freedom. With equal weights this is
// exactly MeanConfidenceInterval.
MeanInterval WeightedMeanConfidenceInterval(const WeightedMomentState& state, double level = 0.95);

// ---- Correlation ---------------------------------------------------------------------------

// Co-moments of a pair of variables (mergeable), for Pearson's r.
struct CoMomentState {
  int64_t count = 0;
  double mean_x = 0, mean_y = 0;
  double m2_x = 0, m2_y = 0;  // sums of squared deviations
  double c_xy = 0;            // sum of products of deviations

  void Update(double x, double y);
  // Adds n pairs at once (two passes over the block: stabler and faster than n Updates).
  void UpdateBlock(const double* x, const double* y, int64_t n);
  void Merge(const CoMomentState& other);
  // Pearson's r, clipped to [-1, 1]; NaN with fewer than two pairs or a constant variable.
  double Correlation() const;
};

// Average ranks (1-based; ties get the mean of their ranks), as scipy.stats.rankdata(x,
// method='average'). REQUIRES: no NaN.
std::vector<double> AverageRanks(std::span<const double> values);

// Pearson's r and Spearman's rho of two equally long vectors, pairs with a NaN left out (as
// pandas Series.corr). NaN when fewer than two pairs remain or a variable is constant.
double PearsonCorrelation(std::span<const double> x, std::span<const double> y);
double SpearmanCorrelation(std::span<const double> x, std::span<const double> y);

// A square correlation matrix over named columns.
struct CorrelationMatrix {
  std::vector<std::string> names;
  std::vector<double> values;  // names.size() x names.size(), row-major; NaN where undefined
  std::vector<int64_t> pairs;  // complete pairs behind each value
  double at(size_t row, size_t col) const { return values[row * names.size() + col]; }
};

enum class CorrelationMethod { kPearson, kSpearman };

// The correlation of every pair of `columns` (numeric: int64, float64, bool), each pair over the
// rows where both are present, exactly as pandas DataFrame.corr(method) ("pairwise complete";
// Spearman re-ranks within those rows). Runs over row blocks in parallel; memory for Spearman is
// 4 bytes per row per column (exact doubled ranks). Throws Error(kInvalidInput) for an unknown
// or non-numeric column.
CorrelationMatrix CorrelationOfColumns(const Table& table, std::span<const std::string> columns,
                                       CorrelationMethod method);

// ---- Histograms, densities, box plots ------------------------------------------------------

// Counts of values in bins with fixed edges, as numpy.histogram(values, bins=edges): bins are
// [e_i, e_i+1) except the last, which is closed. Values outside the edges (or NaN) are counted
// in `below` / `above` / `nan`. Mergeable.
struct HistogramState {
  std::vector<double> edges;  // bins + 1 increasing edges
  std::vector<int64_t> counts;
  int64_t below = 0, above = 0, nan = 0;

  HistogramState() = default;
  explicit HistogramState(std::vector<double> bin_edges);
  // `bins` equal bins over [lo, hi] (numpy.linspace); lo == hi gives [lo - 0.5, hi + 0.5].
  static HistogramState Uniform(double lo, double hi, int bins);
  // The bin of `value`, or -1 below / bins() above (or NaN: -2).
  int BinOf(double value) const;
  void Update(double value);
  void Merge(const HistogramState& other);
  int bins() const { return static_cast<int>(counts.size()); }
};

// Scott's rule bandwidth, as scipy.stats.gaussian_kde's default: std (ddof = 1) * n^(-1/5).
double ScottBandwidth(int64_t n, double std);
// Gaussian kernel density of `values` at each point of `at`, with kernel standard deviation
// `bandwidth`, exactly as scipy.stats.gaussian_kde(values, bw_method=bandwidth / std)(at).
// O(values x points): for small inputs and tests.
std::vector<double> GaussianKde(std::span<const double> values, std::span<const double> at,
                                double bandwidth);
// The same density from sorted values by linear binning onto `grid_size` points and a
// discrete convolution (Wand 1994): O(values + grid^2) whatever the size of the data; agrees
// with GaussianKde to about 1e-3 of the peak density with the default grid.
std::vector<double> BinnedGaussianKde(std::span<const double> sorted_values,
                                      std::span<const double> at, double bandwidth,
                                      int grid_size = 2048);

// The numbers of a Tukey box plot with IQR fences, as matplotlib's boxplot(whis=1.5).
struct BoxPlotStats {
  int64_t n = 0;
  double q1 = 0, median = 0, q3 = 0, iqr = 0;
  double lower_fence = 0, upper_fence = 0;      // q1 - 1.5 IQR, q3 + 1.5 IQR
  double lower_whisker = 0, upper_whisker = 0;  // most extreme values inside the fences
  int64_t outliers_low = 0, outliers_high = 0;  // values outside the fences
  double min = 0, max = 0;
};

// From values sorted ascending (no NaN). Quartiles use numpy's "linear" method. Empty input:
// n = 0 and NaN elsewhere.
BoxPlotStats BoxPlot(std::span<const double> sorted_values, double whisker = 1.5);

}  // namespace hitscope
