// The profile report's sections on feature-vs-popularity, time, classes, artists and method notes.
#include "report/profile_sections.hpp"

#include <cmath>

#include <fmt/format.h>

namespace hitscope::profile_report {
namespace {

using report::Block;
using report::Chart;
using report::ChartKind;
using report::DataTable;
using report::Section;

const char* EffectWord(double epsilon_squared) {
  if (!std::isfinite(epsilon_squared)) return "unknown";
  if (epsilon_squared < 0.01) return "negligible";
  if (epsilon_squared < 0.04) return "weak";
  if (epsilon_squared < 0.16) return "moderate";
  if (epsilon_squared < 0.36) return "relatively strong";
  return "strong";
}

std::string Level(const ProfileResult& r) {
  return fmt::format("{:g} %", 100 * r.options.confidence);
}

Section Features(const ProfileResult& r) {
  Section section{"features", "Feature vs popularity", "", {}};
  section.summary = fmt::format(
      "Each feature against popularity as a 2-D histogram (colour: tracks per cell, log scale; "
      "never one dot per row), with the mean popularity per feature bin and its {} confidence "
      "interval. A flat mean line means the feature alone does not move popularity.",
      Level(r));
  std::vector<Chart> row;
  for (size_t f = 0; f < r.scatter.size(); ++f) {
    const FeatureVsPopularity& s = r.scatter[f];
    Chart chart;
    chart.id = ChartId("scatter", f, s.feature);
    chart.title = s.feature + " vs " + r.roles.popularity;
    chart.kind = ChartKind::kBinned2d;
    chart.x_title = s.feature;
    chart.y_title = r.roles.popularity;
    chart.series = {"mean popularity", "lower", "upper"};
    chart.caption = fmt::format(
        "{} tracks. Feature range cut to its 0.1-99.9 % quantiles: {} below and {} above are "
        "counted in the end bins.",
        Count(s.pairs), Count(s.clipped_low), Count(s.clipped_high));
    chart.data.columns = {"x_start", "x_end", "y_start", "y_end", "count"};
    size_t x_bins = s.x_edges.size() - 1, y_bins = s.y_edges.size() - 1;
    for (size_t x = 0; x < x_bins; ++x) {
      for (size_t y = 0; y < y_bins; ++y) {
        chart.data.AddRow({Num(s.x_edges[x]), Num(s.x_edges[x + 1]), Num(s.y_edges[y]),
                           Num(s.y_edges[y + 1]),
                           Num(static_cast<double>(s.counts[x * y_bins + y]))});
      }
    }
    chart.extra.columns = {"x", "mean", "lower", "upper"};
    for (size_t x = 0; x < x_bins; ++x) {
      const MeanInterval& m = s.mean_by_x[x];
      if (m.n == 0) continue;
      chart.extra.AddRow(
          {Num((s.x_edges[x] + s.x_edges[x + 1]) / 2), Num(m.mean), Num(m.lower), Num(m.upper)});
    }
    chart.height = 280;
    row.push_back(std::move(chart));
    if (row.size() == 2 || f + 1 == r.scatter.size()) {
      section.blocks.push_back(Block::FigureRow(std::move(row)));
      row.clear();
    }
  }
  return section;
}

Chart IntervalChart(std::string id, std::string title, std::string x_title, std::string y_title) {
  Chart chart;
  chart.id = std::move(id);
  chart.title = std::move(title);
  chart.kind = ChartKind::kIntervals;
  chart.x_title = std::move(x_title);
  chart.y_title = std::move(y_title);
  return chart;
}

void AddInterval(std::vector<report::Cell>* row, const MeanInterval& m) {
  row->push_back(Num(m.mean));
  row->push_back(Num(m.lower));
  row->push_back(Num(m.upper));
}

std::string TestSentence(const KruskalWallisResult& t, const char* across) {
  return fmt::format(
      "Kruskal-Wallis across {}: H = {:.3f}, df = {}, p = {:.3g}, n = {}; effect size "
      "epsilon-squared = {:.5f} ({}).",
      across, t.statistic, t.df, t.p_value, Count(t.n), t.epsilon_squared,
      EffectWord(t.epsilon_squared));
}

Section Time(const ProfileResult& r) {
  Section section{"time", "Popularity over time", "", {}};
  const TimeProfile& t = r.time;
  if (!t.available) {
    section.summary = t.note;
    return section;
  }
  std::string verdict;
  if (t.seasons_tested) {
    const auto& test = t.seasons_test;
    bool significant = test.p_value < 0.05;
    verdict = fmt::format(
        " Seasons: {} (p = {:.3g}); the effect is {} (epsilon-squared = {:.4f}), so {}",
        significant ? "the difference is statistically significant" : "no significant difference",
        test.p_value, EffectWord(test.epsilon_squared), test.epsilon_squared,
        significant && test.epsilon_squared >= 0.01
            ? "the season of release matters noticeably."
            : (significant ? "with this many tracks even a tiny difference is detectable, but "
                             "the season explains almost none of the variation in popularity."
                           : "the seasonal differences may be chance."));
  }
  section.summary = fmt::format("{} tracks have a release date; {} of them to the month.{}",
                                Count(t.dated_rows), Count(t.month_rows), verdict);
  section.blocks.push_back(Block::Note("Weighted mean: " + t.weighting));
  if (!t.note.empty()) section.blocks.push_back(Block::Note(t.note));

  Chart by_year = IntervalChart("year-popularity", "Mean and weighted-mean popularity by year",
                                "release year", r.roles.popularity);
  by_year.series = {"mean", "weighted mean"};
  by_year.caption = fmt::format(
      "Points with {} t-intervals (weighted: Kish's effective n); the axis spans the observed "
      "popularity, so the intervals of years with very few tracks are cut at the frame.",
      Level(r));
  by_year.value_min = r.distributions.back().summary.min;
  by_year.value_max = r.distributions.back().summary.max;
  by_year.data.columns = {"year",          "mean",           "mean_lower",    "mean_upper",
                          "weighted_mean", "weighted_lower", "weighted_upper"};
  Chart counts;
  counts.id = "year-tracks";
  counts.title = "Tracks per release year";
  counts.kind = ChartKind::kBar;
  counts.x_title = "release year";
  counts.y_title = "tracks";
  counts.data.columns = {"year", "tracks"};
  Chart duration =
      IntervalChart("year-duration", "Average duration by year", "release year", "minutes");
  duration.series = {"mean duration"};
  duration.caption = fmt::format(
      "Mean track length in minutes with {} t-intervals (cut at the frame for years with very "
      "few tracks).",
      Level(r));
  duration.data.columns = {"year", "minutes", "lower", "upper"};
  DataTable years;
  years.columns = {"year",          "tracks",   "mean",     "lower",  "upper",
                   "weighted mean", "w. lower", "w. upper", "minutes"};
  for (const auto& y : t.years) {
    std::vector<report::Cell> row = {Text(std::to_string(y.year))};
    AddInterval(&row, y.popularity);
    AddInterval(&row, y.weighted_popularity);
    by_year.data.AddRow(std::move(row));
    counts.data.AddRow({Text(std::to_string(y.year)), Num(static_cast<double>(y.tracks))});
    std::vector<report::Cell> minutes = {Text(std::to_string(y.year))};
    AddInterval(&minutes, y.duration_minutes);
    duration.data.AddRow(std::move(minutes));
    years.AddRow({Text(std::to_string(y.year)), Num(static_cast<double>(y.tracks)),
                  Num(y.popularity.mean), Num(y.popularity.lower), Num(y.popularity.upper),
                  Num(y.weighted_popularity.mean), Num(y.weighted_popularity.lower),
                  Num(y.weighted_popularity.upper), Num(y.duration_minutes.mean)});
  }
  by_year.height = 340;
  section.blocks.push_back(Block::Figure(std::move(by_year)));
  if (r.roles.duration.empty()) {
    section.blocks.push_back(Block::Figure(std::move(counts)));
    section.blocks.push_back(Block::Note("No duration column: no average duration by year."));
  } else {
    section.blocks.push_back(Block::FigureRow({std::move(counts), std::move(duration)}));
  }
  auto groups = [&](const char* id, const char* title, const char* x_title,
                    const std::vector<GroupMean>& list) {
    Chart chart = IntervalChart(id, title, x_title, r.roles.popularity);
    chart.bars = true;
    chart.series = {"mean popularity"};
    chart.caption = fmt::format(
        "Bars: mean; whiskers: {} t-interval. Dates known only to the "
        "year are left out.",
        Level(r));
    chart.data.columns = {"group", "mean", "lower", "upper"};
    for (const auto& g : list) {
      std::vector<report::Cell> row = {Text(g.label)};
      AddInterval(&row, g.popularity);
      chart.data.AddRow(std::move(row));
    }
    return chart;
  };
  section.blocks.push_back(Block::FigureRow(
      {groups("month-popularity", "Popularity by release month", "month", t.months),
       groups("season-popularity",
              t.hemisphere == Hemisphere::kNorth ? "Popularity by season (northern hemisphere)"
                                                 : "Popularity by season (southern hemisphere)",
              "meteorological season", t.seasons)}));
  DataTable seasons;
  seasons.columns = {"season", "tracks", "mean", "lower", "upper"};
  for (const auto& g : t.seasons) {
    seasons.AddRow({Text(g.label), Num(static_cast<double>(g.count)), Num(g.popularity.mean),
                    Num(g.popularity.lower), Num(g.popularity.upper)});
  }
  section.blocks.push_back(Block::Table("Popularity by season", std::move(seasons)));
  if (t.seasons_tested) {
    section.blocks.push_back(Block::Paragraph(TestSentence(t.seasons_test, "seasons")));
  }
  if (t.months_tested) {
    section.blocks.push_back(Block::Paragraph(TestSentence(t.months_test, "months")));
  }
  section.blocks.push_back(Block::Paragraph(
      "The test ranks every track's popularity and asks whether the groups' mean ranks differ "
      "more than chance allows (tie-corrected H, chi-square p-value, as scipy.stats.kruskal). "
      "Epsilon-squared = H / (n - 1) is the share of rank variance the grouping explains: below "
      "0.01 negligible, below 0.04 weak, below 0.16 moderate."));
  section.blocks.push_back(Block::Table("By release year", std::move(years)));
  return section;
}

Section Classes(const ProfileResult& r) {
  Section section{"classes", "Popularity classes", "", {}};
  Chart chart;
  chart.id = "classes";
  chart.title = "Tracks per popularity class";
  chart.kind = ChartKind::kBar;
  chart.x_title = "class";
  chart.y_title = "tracks";
  chart.data.columns = {"class", "tracks"};
  DataTable table;
  table.columns = {"class", "from", "below", "tracks", "share %"};
  std::string shares;
  for (const auto& c : r.classes) {
    chart.data.AddRow({Text(c.label), Num(static_cast<double>(c.count))});
    table.AddRow({Text(c.label), std::isfinite(c.lower) ? Num(c.lower) : Text("-inf"),
                  std::isfinite(c.upper) ? Num(c.upper) : Text("+inf"),
                  Num(static_cast<double>(c.count)), Num(100 * c.share)});
    shares += fmt::format("{}{} {}", shares.empty() ? "" : ", ", c.label, Percent(c.share));
  }
  chart.caption =
      "Class i holds edge[i-1] <= popularity < edge[i]; popularity 0 is always in "
      "the first class. Edges are set in the config ([classes] edges).";
  section.summary = fmt::format(
      "{}. An imbalance this strong needs class weights or resampling inside the training folds "
      "(never before the split).",
      shares);
  section.blocks.push_back(Block::Figure(std::move(chart)));
  section.blocks.push_back(Block::Table("Class frequencies", std::move(table)));
  return section;
}

Section Artists(const ProfileResult& r) {
  Section section{"artists", "Artists", "", {}};
  if (r.roles.artist.empty()) {
    section.summary = "No artist column: set roles.artist (or --artist).";
    return section;
  }
  section.summary = fmt::format(
      "{} distinct artists. Top {} by number of tracks, and by mean popularity among artists "
      "with at least {} tracks (with {} t-intervals: few tracks, wide interval).",
      Count(r.artists), r.options.top_artists, r.options.min_artist_tracks, Level(r));
  Chart by_count;
  by_count.id = "artists-count";
  by_count.title = "Top artists by track count";
  by_count.kind = ChartKind::kBar;
  by_count.horizontal = true;
  by_count.data.columns = {"artist", "tracks"};
  for (const auto& a : r.artists_by_count) {
    by_count.data.AddRow({Text(a.label), Num(static_cast<double>(a.count))});
  }
  by_count.height = std::max(220, 22 * static_cast<int>(r.artists_by_count.size()) + 60);
  Chart by_mean = IntervalChart(
      "artists-mean",
      fmt::format("Top artists by mean popularity (>= {} tracks)", r.options.min_artist_tracks),
      "artist", r.roles.popularity);
  by_mean.bars = true;
  by_mean.series = {"mean popularity"};
  by_mean.data.columns = {"artist", "mean", "lower", "upper"};
  DataTable table;
  table.columns = {"artist", "tracks", "mean popularity", "lower", "upper"};
  for (const auto& a : r.artists_by_mean) {
    std::vector<report::Cell> row = {Text(a.label)};
    AddInterval(&row, a.popularity);
    by_mean.data.AddRow(std::move(row));
    table.AddRow({Text(a.label), Num(static_cast<double>(a.count)), Num(a.popularity.mean),
                  Num(a.popularity.lower), Num(a.popularity.upper)});
  }
  by_mean.height = 340;
  section.blocks.push_back(Block::FigureRow({std::move(by_count), std::move(by_mean)}));
  section.blocks.push_back(Block::Table("Top artists by mean popularity", std::move(table)));
  return section;
}

Section Notes(const ProfileResult& r) {
  Section section{"notes", "Method and notes", "", {}};
  section.summary = "How the numbers were made, and what could not be computed.";
  section.blocks.push_back(Block::Paragraph(
      "Every statistic is computed by hitscope in C++ over the whole table: exact quantiles "
      "(numpy's linear method), Pearson and pairwise-complete Spearman correlation as pandas, "
      "t-based confidence intervals as scipy.stats.t.interval, Kruskal-Wallis as "
      "scipy.stats.kruskal. Charts draw pre-binned data only, so the page stays light for "
      "millions of rows. Each chart's CSV button downloads its data; the button at the top "
      "downloads the whole result as JSON."));
  for (const auto& note : r.notes) section.blocks.push_back(Block::Note(note));
  return section;
}

}  // namespace

std::vector<report::Section> LaterSections(const ProfileResult& result) {
  return {Features(result), Time(result), Classes(result), Artists(result), Notes(result)};
}

}  // namespace hitscope::profile_report
