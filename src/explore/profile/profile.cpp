// Profile(): resolves roles, then runs the phases (overview and keys, distributions, correlation,
// the row pass, artists) and collects their results.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include <hitscope/compute.hpp>
#include <hitscope/error.hpp>
#include <hitscope/profile.hpp>

#include "core/parallel.hpp"
#include "core/trace.hpp"
#include "explore/profile/internal.hpp"
#include "explore/stats/bounded_tasks.hpp"

namespace hitscope {
namespace {

using namespace profile_internal;

std::string RoleOf(const ProfileRoles& roles, const std::string& name) {
  if (name == roles.popularity) return "popularity";
  if (name == roles.release_date) return "release date";
  if (name == roles.artist) return "artist";
  if (name == roles.id) return "id";
  if (name == roles.isrc) return "isrc";
  if (name == roles.weight) return "weight";
  if (std::find(roles.features.begin(), roles.features.end(), name) != roles.features.end()) {
    return name == roles.duration ? "feature, duration" : "feature";
  }
  if (name == roles.duration) return "duration";
  return "";
}

void Overview(const Table& table, const ProfileRoles& roles, ProfileResult* result) {
  ProfileOverview& overview = result->overview;
  overview.rows = table.num_rows();
  overview.columns = table.num_columns();
  overview.memory_bytes = static_cast<int64_t>(table.MemoryBytes());
  for (int c = 0; c < table.num_columns(); ++c) {
    ColumnOverview column;
    column.name = table.names()[c];
    column.type = table.column(c).type();
    const Column& data = table.column(c);
    column.missing = data.null_count();
    if (data.type() == DataType::kFloat64 && !data.has_nulls()) {
      for (double value : data.floats()) column.missing += std::isnan(value) ? 1 : 0;
    }
    column.missing_share =
        table.num_rows() > 0 ? static_cast<double>(column.missing) / table.num_rows() : 0;
    column.role = RoleOf(roles, column.name);
    overview.column_overview.push_back(column);
  }
}

void Artists(const Table& table, const ProfileRoles& roles, const ProfileOptions& options,
             ProfileResult* result) {
  std::vector<std::string> keys = {roles.artist};
  std::vector<Aggregate> aggregates = {{AggregateKind::kSize, "", "tracks"},
                                       {AggregateKind::kCount, roles.popularity, "n"},
                                       {AggregateKind::kMean, roles.popularity, "mean"},
                                       {AggregateKind::kStd, roles.popularity, "std"}};
  Table groups = GroupBy(table.Select({roles.artist, roles.popularity}), keys, aggregates);
  result->artists = groups.num_rows();
  auto tracks = groups.column("tracks").ints();
  auto n = groups.column("n").ints();
  auto mean = groups.column("mean").floats();
  auto std = groups.column("std").floats();
  const Column& names = groups.column(0);
  auto group = [&](int64_t row) {
    MomentState moments;
    moments.count = n[row];
    moments.mean = mean[row];
    moments.m2 = n[row] > 1 ? std[row] * std[row] * static_cast<double>(n[row] - 1) : 0;
    GroupMean out;
    out.label = names.ToString(row);
    out.count = tracks[row];
    out.popularity = MeanConfidenceInterval(moments, options.confidence);
    return out;
  };
  std::vector<int64_t> order(static_cast<size_t>(groups.num_rows()));
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int64_t>(k);
  // Ties broken by name (groups are sorted by name), so the ranking is stable.
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return tracks[a] > tracks[b]; });
  size_t top = static_cast<size_t>(options.top_artists);
  for (size_t k = 0; k < std::min(top, order.size()); ++k) {
    result->artists_by_count.push_back(group(order[k]));
  }
  std::vector<int64_t> eligible;
  for (int64_t row = 0; row < groups.num_rows(); ++row) {
    if (tracks[row] >= options.min_artist_tracks && n[row] > 0) eligible.push_back(row);
  }
  std::stable_sort(eligible.begin(), eligible.end(),
                   [&](int64_t a, int64_t b) { return mean[a] > mean[b]; });
  for (size_t k = 0; k < std::min(top, eligible.size()); ++k) {
    result->artists_by_mean.push_back(group(eligible[k]));
  }
  if (eligible.empty()) {
    result->notes.push_back(fmt::format(
        "No artist has {} or more tracks, so there is no ranking by mean popularity; lower "
        "artists.min_tracks",
        options.min_artist_tracks));
  }
}

void Correlations(const Table& table, const ProfileRoles& roles, ProfileResult* result) {
  std::vector<std::string> columns = roles.features;
  columns.push_back(roles.popularity);
  // One after the other (each is parallel inside), so their scratch is not held at once.
  result->pearson = CorrelationOfColumns(table, columns, CorrelationMethod::kPearson);
  result->spearman = CorrelationOfColumns(table, columns, CorrelationMethod::kSpearman);
  size_t k = columns.size(), target = k - 1;
  for (size_t f = 0; f < target; ++f) {
    CorrelationRank rank;
    rank.feature = columns[f];
    rank.pearson = result->pearson.at(f, target);
    rank.spearman = result->spearman.at(f, target);
    rank.pairs = result->pearson.pairs[f * k + target];
    result->ranking.push_back(rank);
  }
  auto magnitude = [](double r) { return std::isnan(r) ? -1.0 : std::fabs(r); };
  std::stable_sort(
      result->ranking.begin(), result->ranking.end(),
      [&](const auto& a, const auto& b) { return magnitude(a.pearson) > magnitude(b.pearson); });
}

}  // namespace

ProfileResult Profile(const Table& table, const ProfileOptions& options,
                      const std::vector<SourceFile>& sources) {
  ValidateProfileOptions(options);
  if (table.num_rows() == 0) {
    throw InvalidInput("profile: the table has no rows; there is nothing to profile");
  }
  ProfileResult result;
  result.options = options;
  result.roles = DetectProfileRoles(table, options.roles);
  const ProfileRoles& roles = result.roles;
  result.options.roles = roles;
  result.title = options.title;
  if (result.title.empty()) {
    result.title = sources.empty()
                       ? "Profile"
                       : "Profile of " + std::filesystem::path(sources[0].path).filename().string();
  }
  result.overview.sources = sources;
  {
    TraceScope trace("profile: overview and keys");
    Overview(table, roles, &result);
  }

  // Weights of the weighted mean by year.
  std::vector<uint32_t> multiplicity;
  std::string weight_key = !roles.isrc.empty() ? roles.isrc : roles.id;
  {
    TraceScope trace("profile: duplicates");
    for (const auto* key : {&roles.id, &roles.isrc}) {
      if (key->empty()) continue;
      bool weighting = roles.weight.empty() && *key == weight_key;
      result.overview.duplicates.push_back(SummariseDuplicates(
          table, *key, key == &roles.id ? "id" : "isrc", weighting ? &multiplicity : nullptr));
    }
  }
  std::vector<double> weights;
  Values weight_values;
  if (!roles.weight.empty()) {
    weight_values = NumericValues(table.column(roles.weight));
    result.time.weighting = fmt::format(
        "Each track weighs its value in column '{}' (rows with a missing or non-positive weight "
        "are left out of the weighted mean).",
        roles.weight);
  } else if (!multiplicity.empty()) {
    weights.resize(multiplicity.size());
    // A track whose recording appears k times weighs 1/k; an unkeyed track weighs 1.
    for (size_t row = 0; row < weights.size(); ++row) {
      weights[row] = multiplicity[row] > 0 ? 1.0 / multiplicity[row] : 1.0;
    }
    weight_values.values = weights;
    result.time.weighting = fmt::format(
        "Each track weighs 1/k, where k is the number of rows with the same {} '{}': a recording "
        "listed k times (on several releases, compilations or playlists) counts once in total, "
        "so repeated listings do not tilt a year. The interval uses Kish's effective sample size.",
        weight_key == roles.isrc ? "ISRC" : "track id", weight_key);
  } else {
    result.time.weighting =
        "No id or ISRC column and no weight column: the weighted mean equals the plain mean.";
  }

  // Distributions of the features and popularity, one column per task.
  std::vector<std::string> distributed = roles.features;
  distributed.push_back(roles.popularity);
  size_t columns = distributed.size();
  result.distributions.resize(columns);
  std::vector<double> clip_low(columns), clip_high(columns);
  std::vector<uint8_t> integral(columns);
  {
    TraceScope trace("profile: distributions");
    // A sorted copy and the radix buffer: 16 bytes of scratch per row.
    stats_kernel::BoundedParallelTasks(columns, 16 * table.num_rows(), [&](size_t c) {
      bool is_integral = false;
      result.distributions[c] = Distribute(distributed[c], table.column(distributed[c]), options,
                                           &clip_low[c], &clip_high[c], &is_integral);
      integral[c] = is_integral ? 1 : 0;
    });
  }
  {
    // The summary table: the distributions already hold describe()'s numbers for the features
    // and popularity; the other numeric and date columns are described here.
    TraceScope trace("profile: describe");
    std::vector<std::string> rest;
    for (int c = 0; c < table.num_columns(); ++c) {
      DataType type = table.column(c).type();
      const std::string& name = table.names()[c];
      bool distributed_column =
          std::find(distributed.begin(), distributed.end(), name) != distributed.end();
      if ((IsNumeric(type) || type == DataType::kDate) && !distributed_column) rest.push_back(name);
    }
    DescribeResult others = Describe(table.Select(rest));
    result.summary.rows = table.num_rows();
    result.summary.percentiles = {0.25, 0.5, 0.75};
    result.summary.source = sources.empty() ? "" : sources[0].path;
    size_t next_other = 0;
    for (int c = 0; c < table.num_columns(); ++c) {
      const std::string& name = table.names()[c];
      auto found = std::find(distributed.begin(), distributed.end(), name);
      if (found != distributed.end()) {
        result.summary.columns.push_back(
            result.distributions[static_cast<size_t>(found - distributed.begin())].summary);
      } else if (next_other < rest.size() && rest[next_other] == name) {
        result.summary.columns.push_back(others.columns[next_other++]);
      }
    }
  }
  {
    TraceScope trace("profile: correlation");
    Correlations(table, roles, &result);
  }

  // The row pass.
  const FeatureDistribution& popularity = result.distributions.back();
  if (popularity.summary.count == 0) {
    throw InvalidInput(
        fmt::format("profile: the popularity column '{}' has no values", roles.popularity));
  }
  Values popularity_values = NumericValues(table.column(roles.popularity));
  Values duration_values;
  if (!roles.duration.empty()) duration_values = NumericValues(table.column(roles.duration));
  std::vector<Values> feature_values(roles.features.size());
  RowInputs inputs;
  inputs.popularity = popularity_values.values;
  inputs.duration = duration_values.values;
  inputs.weights = weight_values.values;
  inputs.y_edges =
      BinEdges(popularity.summary.min, popularity.summary.max, options.scatter_y_bins,
               integral.back() != 0 &&
                   popularity.summary.max - popularity.summary.min < options.scatter_y_bins);
  ParallelTasks(roles.features.size(), [&](size_t f) {
    feature_values[f] = NumericValues(table.column(roles.features[f]));
  });
  for (size_t f = 0; f < roles.features.size(); ++f) {
    inputs.features.push_back(feature_values[f].values);
    double lo = clip_low[f], hi = clip_high[f];
    if (!(hi > lo)) {
      lo = result.distributions[f].summary.min;
      hi = result.distributions[f].summary.max;
    }
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0;
    bool small_integral = integral[f] != 0 && hi - lo < options.scatter_x_bins;
    inputs.x_edges.push_back(BinEdges(lo, hi, options.scatter_x_bins, small_integral));
    FeatureVsPopularity scatter;
    scatter.feature = roles.features[f];
    result.scatter.push_back(scatter);
  }
  if (!roles.release_date.empty()) {
    inputs.date = &table.column(roles.release_date);
  } else {
    result.time.note =
        "No release-date column: set roles.release_date (or --release-date) to see popularity "
        "over time.";
  }
  {
    TraceScope trace("profile: row pass");
    ProfileRows(inputs, options, &result);
  }
  if (!roles.artist.empty()) {
    TraceScope trace("profile: artists");
    Artists(table, roles, options, &result);
  } else {
    result.notes.push_back(
        "No artist column: set roles.artist (or --artist) for the artist "
        "rankings.");
  }
  return result;
}

}  // namespace hitscope
