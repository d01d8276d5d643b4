// The row pass: per block of rows, mergeable states for time (year, month, season), popularity
// classes and the feature-vs-popularity bins; blocks are merged in order.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "explore/profile/internal.hpp"

namespace hitscope::profile_internal {
namespace {

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kSeasons[] = {"winter", "spring", "summer", "autumn"};

std::optional<Date> DateOf(const Column& column, int64_t row) {
  if (column.IsNull(row)) return std::nullopt;
  if (column.type() == DataType::kDate) return column.DateAt(row);
  return Date::Parse(column.StringAt(row));
}

// Meteorological season (0 winter .. 3 autumn) of a month 1..12.
int SeasonOf(int month, Hemisphere hemisphere) {
  if (hemisphere == Hemisphere::kSouth) month = (month + 5) % 12 + 1;
  return (month % 12) / 3;
}

struct YearState {
  MomentState popularity, duration;
  WeightedMomentState weighted;
};

struct ScatterState {
  std::vector<int64_t> counts;
  std::vector<MomentState> by_x;
  int64_t clipped_low = 0, clipped_high = 0;
};

struct BlockState {
  std::vector<YearState> years;
  std::array<MomentState, 12> months;
  std::array<MomentState, 4> seasons;
  KruskalWallisState season_test{4}, month_test{12};
  std::vector<int64_t> classes;
  std::vector<ScatterState> scatter;
  int64_t dated = 0, with_month = 0, year_only = 0;

  void Merge(const BlockState& other) {
    for (size_t y = 0; y < years.size(); ++y) {
      years[y].popularity.Merge(other.years[y].popularity);
      years[y].duration.Merge(other.years[y].duration);
      years[y].weighted.Merge(other.years[y].weighted);
    }
    for (int m = 0; m < 12; ++m) months[m].Merge(other.months[m]);
    for (int s = 0; s < 4; ++s) seasons[s].Merge(other.seasons[s]);
    season_test.Merge(other.season_test);
    month_test.Merge(other.month_test);
    for (size_t c = 0; c < classes.size(); ++c) classes[c] += other.classes[c];
    for (size_t f = 0; f < scatter.size(); ++f) {
      auto& mine = scatter[f];
      const auto& theirs = other.scatter[f];
      for (size_t k = 0; k < mine.counts.size(); ++k) mine.counts[k] += theirs.counts[k];
      for (size_t k = 0; k < mine.by_x.size(); ++k) mine.by_x[k].Merge(theirs.by_x[k]);
      mine.clipped_low += theirs.clipped_low;
      mine.clipped_high += theirs.clipped_high;
    }
    dated += other.dated;
    with_month += other.with_month;
    year_only += other.year_only;
  }
};

int BinOfSorted(const std::vector<double>& edges, double value) {
  // The last bin is closed; values are already inside [front, back].
  auto it = std::upper_bound(edges.begin(), edges.end(), value);
  int bin = static_cast<int>(it - edges.begin()) - 1;
  return std::clamp(bin, 0, static_cast<int>(edges.size()) - 2);
}

GroupMean Group(std::string label, const MomentState& moments, double level) {
  GroupMean group;
  group.label = std::move(label);
  group.count = moments.count;
  group.popularity = MeanConfidenceInterval(moments, level);
  return group;
}

}  // namespace

void ProfileRows(const RowInputs& in, const ProfileOptions& options, ProfileResult* result) {
  int64_t rows = static_cast<int64_t>(in.popularity.size());
  size_t blocks = BlockCount(rows);
  // Year range first, so each block's year states are one flat array.
  int year_lo = 0, year_hi = -1;
  if (in.date) {
    std::vector<std::pair<int, int>> ranges(blocks, {9999, 0});
    ParallelTasks(blocks, [&](size_t block) {
      int64_t begin = static_cast<int64_t>(block) * kBlockRows;
      int64_t end = std::min(rows, begin + kBlockRows);
      for (int64_t row = begin; row < end; ++row) {
        auto date = DateOf(*in.date, row);
        if (!date) continue;
        ranges[block].first = std::min(ranges[block].first, date->year());
        ranges[block].second = std::max(ranges[block].second, date->year());
      }
    });
    year_lo = 9999;
    year_hi = 0;
    for (auto [lo, hi] : ranges) {
      year_lo = std::min(year_lo, lo);
      year_hi = std::max(year_hi, hi);
    }
  }
  size_t year_count = year_hi >= year_lo ? static_cast<size_t>(year_hi - year_lo + 1) : 0;
  size_t features = in.features.size();
  auto make_state = [&] {
    BlockState state;
    state.years.resize(year_count);
    state.classes.assign(options.class_edges.size() + 1, 0);
    state.scatter.resize(features);
    for (size_t f = 0; f < features; ++f) {
      size_t x_bins = in.x_edges[f].size() - 1, y_bins = in.y_edges.size() - 1;
      state.scatter[f].counts.assign(x_bins * y_bins, 0);
      state.scatter[f].by_x.resize(x_bins);
    }
    return state;
  };
  std::vector<BlockState> states(blocks);
  ParallelTasks(blocks, [&](size_t block) {
    BlockState state = make_state();
    int64_t begin = static_cast<int64_t>(block) * kBlockRows;
    int64_t end = std::min(rows, begin + kBlockRows);
    size_t y_bins = in.y_edges.size() - 1;
    for (int64_t row = begin; row < end; ++row) {
      double popularity = in.popularity[row];
      if (std::isnan(popularity)) continue;
      size_t cls = static_cast<size_t>(
          std::upper_bound(options.class_edges.begin(), options.class_edges.end(), popularity) -
          options.class_edges.begin());
      ++state.classes[cls];
      for (size_t f = 0; f < features; ++f) {
        double x = in.features[f][row];
        if (std::isnan(x)) continue;
        const auto& edges = in.x_edges[f];
        ScatterState& scatter = state.scatter[f];
        if (x < edges.front()) {
          ++scatter.clipped_low;
          x = edges.front();
        } else if (x > edges.back()) {
          ++scatter.clipped_high;
          x = edges.back();
        }
        size_t xb = static_cast<size_t>(BinOfSorted(edges, x));
        size_t yb = static_cast<size_t>(BinOfSorted(in.y_edges, popularity));
        ++scatter.counts[xb * y_bins + yb];
        scatter.by_x[xb].Update(popularity);
      }
      if (!in.date) continue;
      auto date = DateOf(*in.date, row);
      if (!date) continue;
      ++state.dated;
      YearState& year = state.years[static_cast<size_t>(date->year() - year_lo)];
      year.popularity.Update(popularity);
      year.weighted.Update(popularity, in.weights.empty() ? 1.0 : in.weights[row]);
      if (!in.duration.empty() && !std::isnan(in.duration[row])) {
        year.duration.Update(in.duration[row] / 60000.0);
      }
      int month = date->month();
      if (month == 0) {
        ++state.year_only;
        continue;
      }
      ++state.with_month;
      state.months[month - 1].Update(popularity);
      state.month_test.Update(month - 1, popularity);
      int season = SeasonOf(month, options.hemisphere);
      state.seasons[season].Update(popularity);
      state.season_test.Update(season, popularity);
    }
    states[block] = std::move(state);
  });
  BlockState total = make_state();
  for (const auto& state : states) total.Merge(state);

  double level = options.confidence;
  int64_t popular_rows = 0;
  for (int64_t count : total.classes) popular_rows += count;
  for (size_t c = 0; c < total.classes.size(); ++c) {
    PopularityClass cls;
    cls.label = options.class_labels[c];
    cls.lower = c == 0 ? -INFINITY : options.class_edges[c - 1];
    cls.upper = c == options.class_edges.size() ? INFINITY : options.class_edges[c];
    cls.count = total.classes[c];
    cls.share = popular_rows > 0 ? static_cast<double>(cls.count) / popular_rows : kNan;
    result->classes.push_back(cls);
  }
  for (size_t f = 0; f < features; ++f) {
    FeatureVsPopularity& out = result->scatter[f];
    ScatterState& scatter = total.scatter[f];
    out.x_edges = in.x_edges[f];
    out.y_edges = in.y_edges;
    out.counts = std::move(scatter.counts);
    out.clipped_low = scatter.clipped_low;
    out.clipped_high = scatter.clipped_high;
    for (const auto& moments : scatter.by_x) {
      out.mean_by_x.push_back(MeanConfidenceInterval(moments, level));
      out.pairs += moments.count;
    }
  }

  TimeProfile& time = result->time;
  time.hemisphere = options.hemisphere;
  if (!in.date) return;
  time.available = true;
  time.dated_rows = total.dated;
  time.month_rows = total.with_month;
  time.year_only_rows = total.year_only;
  for (size_t y = 0; y < year_count; ++y) {
    const YearState& year = total.years[y];
    if (year.popularity.count == 0) continue;
    YearRow out;
    out.year = year_lo + static_cast<int>(y);
    out.tracks = year.popularity.count;
    out.popularity = MeanConfidenceInterval(year.popularity, level);
    out.weighted_popularity = WeightedMeanConfidenceInterval(year.weighted, level);
    out.duration_minutes = MeanConfidenceInterval(year.duration, level);
    time.years.push_back(out);
  }
  for (int m = 0; m < 12; ++m) time.months.push_back(Group(kMonths[m], total.months[m], level));
  for (int s = 0; s < 4; ++s) {
    time.seasons.push_back(Group(kSeasons[s], total.seasons[s], level));
  }
  auto test = [&](const KruskalWallisState& state, bool* tested, KruskalWallisResult* out,
                  const char* what) {
    try {
      *out = state.Finalize();
      *tested = true;
    } catch (const Error& e) {
      result->notes.push_back(fmt::format("No Kruskal-Wallis test across {}: {}", what, e.what()));
    }
  };
  test(total.season_test, &time.seasons_tested, &time.seasons_test, "seasons");
  test(total.month_test, &time.months_tested, &time.months_test, "months");
  if (time.year_only_rows > 0) {
    time.note = fmt::format(
        "{} of {} dated tracks are known only to the year: they count in the yearly figures but "
        "have no month or season (none is invented).",
        time.year_only_rows, time.dated_rows);
  }
}

}  // namespace hitscope::profile_internal
