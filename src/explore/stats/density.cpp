// Histograms, Gaussian kernel densities and box-plot numbers: the distribution charts' statistics.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/stats.hpp>

namespace hitscope {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInvSqrt2Pi = 1.0 / std::sqrt(2 * M_PI);

double SortedQuantile(std::span<const double> sorted, double q) {
  double n = static_cast<double>(sorted.size());
  double virtual_index = (n - 1) * q;
  double previous = std::floor(virtual_index);
  size_t lo = static_cast<size_t>(std::clamp(previous, 0.0, n - 1));
  size_t hi = static_cast<size_t>(std::clamp(previous + 1, 0.0, n - 1));
  return Lerp(sorted[lo], sorted[hi], virtual_index - previous);
}

}  // namespace

HistogramState::HistogramState(std::vector<double> bin_edges) : edges(std::move(bin_edges)) {
  if (edges.size() < 2) {
    throw InvalidArgument(fmt::format("a histogram needs at least 2 edges, got {}", edges.size()));
  }
  for (size_t k = 1; k < edges.size(); ++k) {
    if (!(edges[k] > edges[k - 1])) {
      throw InvalidArgument(fmt::format("histogram edges must increase; edge {} ({}) follows {}", k,
                                        edges[k], edges[k - 1]));
    }
  }
  counts.assign(edges.size() - 1, 0);
}

HistogramState HistogramState::Uniform(double lo, double hi, int bins) {
  if (bins < 1) throw InvalidArgument(fmt::format("histogram bins must be >= 1, got {}", bins));
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
    throw InvalidArgument(
        fmt::format("histogram range [{}, {}] is not finite and ordered", lo, hi));
  }
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  std::vector<double> edges(static_cast<size_t>(bins) + 1);
  double step = (hi - lo) / bins;  // numpy.linspace
  for (int k = 0; k <= bins; ++k) edges[k] = lo + k * step;
  edges.back() = hi;
  return HistogramState(std::move(edges));
}

int HistogramState::BinOf(double value) const {
  if (std::isnan(value)) return -2;
  int n = bins();
  if (value < edges.front()) return -1;
  if (value > edges.back()) return n;
  if (value == edges.back()) return n - 1;
  // numpy's uniform-bin computation, then the same one-step correction against the edges.
  double lo = edges.front(), hi = edges.back();
  int index = static_cast<int>((value - lo) * (n / (hi - lo)));
  index = std::clamp(index, 0, n - 1);
  while (index > 0 && value < edges[index]) --index;
  while (index < n - 1 && value >= edges[index + 1]) ++index;
  return index;
}

void HistogramState::Update(double value) {
  int bin = BinOf(value);
  if (bin == -2) {
    ++nan;
  } else if (bin < 0) {
    ++below;
  } else if (bin >= bins()) {
    ++above;
  } else {
    ++counts[bin];
  }
}

void HistogramState::Merge(const HistogramState& other) {
  if (other.edges != edges) {
    throw InvalidArgument("HistogramState::Merge: the two histograms have different edges");
  }
  for (size_t k = 0; k < counts.size(); ++k) counts[k] += other.counts[k];
  below += other.below;
  above += other.above;
  nan += other.nan;
}

double ScottBandwidth(int64_t n, double std) {
  if (n < 2 || !(std > 0)) return kNan;
  return std * std::pow(static_cast<double>(n), -0.2);
}

std::vector<double> GaussianKde(std::span<const double> values, std::span<const double> at,
                                double bandwidth) {
  std::vector<double> density(at.size(), kNan);
  if (values.empty() || !(bandwidth > 0)) return density;
  double scale = kInvSqrt2Pi / (bandwidth * static_cast<double>(values.size()));
  for (size_t k = 0; k < at.size(); ++k) {
    double sum = 0;
    for (double value : values) {
      double z = (at[k] - value) / bandwidth;
      sum += std::exp(-0.5 * z * z);
    }
    density[k] = sum * scale;
  }
  return density;
}

std::vector<double> BinnedGaussianKde(std::span<const double> sorted_values,
                                      std::span<const double> at, double bandwidth, int grid_size) {
  std::vector<double> density(at.size(), kNan);
  if (sorted_values.empty() || !(bandwidth > 0) || grid_size < 16) return density;
  double lo = sorted_values.front() - 4 * bandwidth;
  double hi = sorted_values.back() + 4 * bandwidth;
  double delta = (hi - lo) / (grid_size - 1);
  // Linear binning: each value splits its unit weight between the two nearest grid points.
  std::vector<double> weights(static_cast<size_t>(grid_size), 0);
  for (double value : sorted_values) {
    double position = (value - lo) / delta;
    int left = std::clamp(static_cast<int>(position), 0, grid_size - 2);
    double right_share = position - left;
    weights[left] += 1 - right_share;
    weights[left + 1] += right_share;
  }
  // The kernel on the grid, cut at 5 bandwidths (the rest is below 4e-6 of the peak).
  int reach = std::min(grid_size - 1, static_cast<int>(std::ceil(5 * bandwidth / delta)));
  std::vector<double> kernel(static_cast<size_t>(reach) + 1);
  double scale = kInvSqrt2Pi / (bandwidth * static_cast<double>(sorted_values.size()));
  for (int j = 0; j <= reach; ++j) {
    double z = j * delta / bandwidth;
    kernel[j] = std::exp(-0.5 * z * z) * scale;
  }
  std::vector<double> grid(static_cast<size_t>(grid_size), 0);
  for (int g = 0; g < grid_size; ++g) {
    if (weights[g] == 0) continue;
    int from = std::max(0, g - reach), to = std::min(grid_size - 1, g + reach);
    for (int t = from; t <= to; ++t) grid[t] += weights[g] * kernel[std::abs(t - g)];
  }
  for (size_t k = 0; k < at.size(); ++k) {
    double position = (at[k] - lo) / delta;
    if (!(position >= 0) || position > grid_size - 1) {
      density[k] = 0;
      continue;
    }
    int left = std::min(static_cast<int>(position), grid_size - 2);
    double t = position - left;
    density[k] = grid[left] * (1 - t) + grid[left + 1] * t;
  }
  return density;
}

BoxPlotStats BoxPlot(std::span<const double> sorted_values, double whisker) {
  BoxPlotStats box;
  box.n = static_cast<int64_t>(sorted_values.size());
  if (sorted_values.empty()) {
    box.q1 = box.median = box.q3 = box.iqr = box.lower_fence = box.upper_fence = kNan;
    box.lower_whisker = box.upper_whisker = box.min = box.max = kNan;
    return box;
  }
  box.q1 = SortedQuantile(sorted_values, 0.25);
  box.median = SortedQuantile(sorted_values, 0.5);
  box.q3 = SortedQuantile(sorted_values, 0.75);
  box.iqr = box.q3 - box.q1;
  box.lower_fence = box.q1 - whisker * box.iqr;
  box.upper_fence = box.q3 + whisker * box.iqr;
  auto first_inside = std::lower_bound(sorted_values.begin(), sorted_values.end(), box.lower_fence);
  auto last_inside = std::upper_bound(first_inside, sorted_values.end(), box.upper_fence);
  box.outliers_low = first_inside - sorted_values.begin();
  box.outliers_high = sorted_values.end() - last_inside;
  // matplotlib: the whisker ends at the most extreme value inside the fence, never inside the box.
  box.lower_whisker =
      first_inside != sorted_values.end() ? std::min(*first_inside, box.q1) : box.q1;
  box.upper_whisker =
      last_inside != sorted_values.begin() ? std::max(*(last_inside - 1), box.q3) : box.q3;
  box.min = sorted_values.front();
  box.max = sorted_values.back();
  return box;
}

}  // namespace hitscope
