// One numeric column's distribution: describe's numbers, histogram, kernel density, box plot.
// The column is sorted once; every order statistic comes from that copy.
#include <algorithm>
#include <cmath>

#include <hitscope/aggregate.hpp>

#include "explore/profile/internal.hpp"
#include "explore/stats/radix_sort.hpp"

namespace hitscope::profile_internal {

constexpr int kDensityPoints = 200;
constexpr double kClipQuantile = 0.001;

Values NumericValues(const Column& column) {
  Values out;
  if (column.type() == DataType::kFloat64) {
    out.values = column.floats();
    return out;
  }
  out.owned.resize(static_cast<size_t>(column.size()));
  for (int64_t row = 0; row < column.size(); ++row) out.owned[row] = column.NumericAt(row);
  out.values = out.owned;
  return out;
}

std::vector<double> BinEdges(double lo, double hi, int bins, bool integral) {
  if (integral && hi - lo <= 60) {
    std::vector<double> edges;
    for (double v = lo; v <= hi + 1; v += 1) edges.push_back(v - 0.5);
    return edges;
  }
  return HistogramState::Uniform(lo, hi, bins).edges;
}

namespace {

double Quantile(const std::vector<double>& sorted, double q) {
  return sorted.empty() ? kNan : QuantileOfSorted(sorted, q);
}

// Up to `limit` values of sorted[begin, end), evenly spread and always with both ends.
void Sample(const std::vector<double>& sorted, size_t begin, size_t end, size_t limit,
            std::vector<double>* out) {
  size_t n = end - begin;
  if (n == 0 || limit == 0) return;
  if (n <= limit) {
    out->insert(out->end(), sorted.begin() + static_cast<std::ptrdiff_t>(begin),
                sorted.begin() + static_cast<std::ptrdiff_t>(end));
    return;
  }
  for (size_t k = 0; k < limit; ++k) {
    size_t index = begin + (limit == 1 ? 0 : k * (n - 1) / (limit - 1));
    out->push_back(sorted[index]);
  }
}

}  // namespace

FeatureDistribution Distribute(const std::string& name, const Column& column,
                               const ProfileOptions& options, double* clip_low, double* clip_high,
                               bool* integral) {
  FeatureDistribution out;
  out.name = name;
  ColumnSummary& summary = out.summary;
  summary.name = name;
  summary.type = column.type();
  summary.numeric = true;
  MomentState moments;
  std::vector<double> sorted;
  sorted.reserve(static_cast<size_t>(column.size() - column.null_count()));
  bool all_integral = true;
  for (int64_t row = 0; row < column.size(); ++row) {
    if (column.IsNull(row)) continue;
    double value = column.NumericAt(row);
    if (std::isnan(value)) continue;
    moments.Update(value);
    sorted.push_back(value);
    all_integral = all_integral && value == std::floor(value);
  }
  stats_kernel::RadixSort(sorted);
  summary.count = moments.count;
  summary.missing = column.size() - moments.count;
  bool any = moments.count > 0;
  summary.mean = any ? moments.mean : kNan;
  summary.std = moments.Std(1);
  summary.min = any ? sorted.front() : kNan;
  summary.max = any ? sorted.back() : kNan;
  summary.percentiles = {Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75)};
  *integral = all_integral;
  *clip_low = Quantile(sorted, kClipQuantile);
  *clip_high = Quantile(sorted, 1 - kClipQuantile);
  out.box = BoxPlot(sorted);
  if (!any || !std::isfinite(summary.min) || !std::isfinite(summary.max)) return out;

  out.histogram =
      HistogramState(BinEdges(summary.min, summary.max, options.histogram_bins, all_integral));
  out.discrete = all_integral && summary.max - summary.min <= 60;
  // Sorted values fall into consecutive bins: walk both.
  int bin = 0, bins = out.histogram.bins();
  for (double value : sorted) {
    while (bin < bins - 1 && value >= out.histogram.edges[bin + 1]) ++bin;
    ++out.histogram.counts[bin];
  }
  out.bandwidth = ScottBandwidth(moments.count, summary.std);
  double lo = out.histogram.edges.front(), hi = out.histogram.edges.back();
  out.density_x.resize(kDensityPoints);
  for (int k = 0; k < kDensityPoints; ++k) {
    out.density_x[k] = lo + (hi - lo) * k / (kDensityPoints - 1);
  }
  out.density = BinnedGaussianKde(sorted, out.density_x, out.bandwidth);

  size_t limit = static_cast<size_t>(options.max_outlier_points);
  size_t low = static_cast<size_t>(out.box.outliers_low);
  size_t high = static_cast<size_t>(out.box.outliers_high);
  size_t total = low + high;
  if (total > 0) {
    size_t low_share = total <= limit ? low : (limit * low + total - 1) / total;
    Sample(sorted, 0, low, std::min(low, low_share), &out.outlier_sample);
    Sample(sorted, sorted.size() - high, sorted.size(),
           std::min(high, limit - std::min(limit, low_share)), &out.outlier_sample);
  }
  return out;
}

}  // namespace hitscope::profile_internal
