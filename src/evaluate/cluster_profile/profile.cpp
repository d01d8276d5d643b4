// The cluster profile: centroids on the original scale, z-scores, radar values, names and
// popularity per cluster, and the Kruskal-Wallis test across clusters.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include <hitscope/aggregate.hpp>
#include <hitscope/cluster_profile.hpp>
#include <hitscope/error.hpp>

namespace hitscope {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

void PopularityStats(std::vector<double> values, ClusterSummary* summary) {
  summary->popularity_count = static_cast<int64_t>(values.size());
  if (values.empty()) {
    summary->popularity_mean = summary->popularity_median = summary->popularity_q25 =
        summary->popularity_q75 = summary->popularity_iqr = kNan;
    return;
  }
  MomentState moments;
  for (double v : values) moments.Update(v);
  summary->popularity_mean = moments.mean;
  std::sort(values.begin(), values.end());
  summary->popularity_q25 = QuantileOfSorted(values, 0.25);
  summary->popularity_median = QuantileOfSorted(values, 0.5);
  summary->popularity_q75 = QuantileOfSorted(values, 0.75);
  summary->popularity_iqr = summary->popularity_q75 - summary->popularity_q25;
}

}  // namespace

ClusterProfile ProfileClusters(const Matrix& x, std::span<const int32_t> labels,
                               const std::vector<std::string>& features,
                               std::span<const double> popularity,
                               const std::string& popularity_column,
                               const ClusterProfileOptions& options) {
  if (static_cast<int64_t>(labels.size()) != x.rows() ||
      static_cast<int64_t>(features.size()) != x.cols() ||
      (!popularity.empty() && static_cast<int64_t>(popularity.size()) != x.rows())) {
    throw InvalidArgument(fmt::format(
        "cluster profile: {} rows x {} features, but {} labels, {} feature names, {} popularity "
        "values",
        x.rows(), x.cols(), labels.size(), features.size(), popularity.size()));
  }
  const int64_t n = x.rows();
  const int64_t d = x.cols();
  ClusterProfile profile;
  profile.features = features;
  profile.popularity_column = popularity.empty() ? "" : popularity_column;
  std::vector<MomentState> overall(static_cast<size_t>(d));
  std::map<int32_t, std::vector<MomentState>> per_cluster;
  std::map<int32_t, std::vector<double>> popularity_of;
  std::map<int32_t, int64_t> sizes;
  for (int64_t row = 0; row < n; ++row) {
    const int32_t label = labels[row];
    auto& moments = per_cluster[label];
    if (moments.empty()) moments.resize(static_cast<size_t>(d));
    for (int64_t f = 0; f < d; ++f) {
      overall[f].Update(x(row, f));
      moments[f].Update(x(row, f));
    }
    ++sizes[label];
    if (!popularity.empty() && std::isfinite(popularity[row])) {
      popularity_of[label].push_back(popularity[row]);
    }
  }
  for (int64_t f = 0; f < d; ++f) {
    profile.overall_mean.push_back(n > 0 ? overall[f].mean : kNan);
    profile.overall_std.push_back(overall[f].Std(0));
    profile.overall_min.push_back(overall[f].min);
    profile.overall_max.push_back(overall[f].max);
  }
  // Labels ascending, noise (-1) last.
  std::vector<int32_t> order;
  for (const auto& entry : per_cluster) {
    if (entry.first >= 0) order.push_back(entry.first);
  }
  if (per_cluster.count(-1) != 0) order.push_back(-1);
  std::map<std::string, int> name_uses;
  for (int32_t label : order) {
    ClusterSummary summary;
    summary.label = label;
    summary.size = sizes[label];
    summary.share = static_cast<double>(summary.size) / static_cast<double>(n);
    for (int64_t f = 0; f < d; ++f) {
      const double mean = per_cluster[label][f].mean;
      const double spread = profile.overall_std[f];
      const double range = profile.overall_max[f] - profile.overall_min[f];
      summary.centroid.push_back(mean);
      summary.z.push_back(spread > 0 ? (mean - profile.overall_mean[f]) / spread : 0.0);
      summary.radar.push_back(range > 0 ? (mean - profile.overall_min[f]) / range : 0.5);
    }
    summary.name = label < 0 ? "noise" : ClusterName(features, summary.z, options);
    if (label >= 0 && name_uses[summary.name]++ > 0) {
      summary.name = fmt::format("{} (cluster {})", summary.name, label);
    }
    PopularityStats(popularity_of[label], &summary);
    profile.clusters.push_back(std::move(summary));
  }
  if (popularity.empty()) return profile;

  std::vector<std::vector<double>> groups;
  for (int32_t label : order) {
    if (label >= 0 && !popularity_of[label].empty()) groups.push_back(popularity_of[label]);
  }
  if (groups.size() < 2) {
    profile.popularity_test_note = "fewer than two clusters with popularity values";
    return profile;
  }
  try {
    profile.popularity_test = KruskalWallis(groups);
  } catch (const Error& e) {
    profile.popularity_test_note = e.what();
  }
  return profile;
}

}  // namespace hitscope
