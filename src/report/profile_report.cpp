// The profile report: overview, summary, distributions and correlation sections (the others are
// in profile_sections.cpp).
#include <cmath>

#include <fmt/format.h>

#include <hitscope/profile_report.hpp>

#include "report/profile_sections.hpp"

namespace hitscope {
namespace profile_report {

std::string Number(double value) {
  if (!std::isfinite(value)) return "n/a";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{:.4g}", value);
}

std::string Count(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value), out;
  for (size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return value < 0 ? "-" + out : out;
}

std::string Percent(double share) {
  if (!std::isfinite(share)) return "n/a";
  if (share > 0 && share < 0.001) return fmt::format("{:.3f} %", 100 * share);
  return fmt::format("{:.1f} %", 100 * share);
}

std::string ChartId(const std::string& prefix, size_t index, const std::string& name) {
  std::string id = fmt::format("{}-{}-", prefix, index);
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return id;
}

std::string Bytes(int64_t bytes) {
  double value = static_cast<double>(bytes);
  if (value >= 1e9) return fmt::format("{:.2f} GB", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.1f} MB", value / 1e6);
  if (value >= 1e3) return fmt::format("{:.1f} kB", value / 1e3);
  return fmt::format("{} B", bytes);
}

report::Cell Num(double value) {
  return value;
}
report::Cell Text(std::string text) {
  return text;
}

namespace {

using report::Block;
using report::Chart;
using report::ChartKind;
using report::DataTable;
using report::Section;

Section Overview(const ProfileResult& r) {
  const ProfileOverview& o = r.overview;
  Section section{"overview", "Dataset overview", "", {}};
  int64_t missing_cells = 0;
  for (const auto& c : o.column_overview) missing_cells += c.missing;
  section.summary = fmt::format(
      "{} rows and {} columns ({} in memory); {} of the loaded cells are missing.", Count(o.rows),
      o.columns, Bytes(o.memory_bytes),
      Percent(o.rows > 0
                  ? static_cast<double>(missing_cells) / (static_cast<double>(o.rows) * o.columns)
                  : 0));
  std::vector<std::pair<std::string, std::string>> facts = {
      {"rows", Count(o.rows)},
      {"columns (loaded)", std::to_string(o.columns)},
      {"memory", Bytes(o.memory_bytes)}};
  for (const auto& source : o.sources) {
    facts.push_back({"source file", fmt::format("{} ({})", source.path, Bytes(source.bytes))});
  }
  const ProfileRoles& roles = r.roles;
  for (auto [role, name] : {std::pair{"popularity", roles.popularity},
                            {"release date", roles.release_date},
                            {"artist", roles.artist},
                            {"track id", roles.id},
                            {"ISRC", roles.isrc},
                            {"duration", roles.duration},
                            {"weight", roles.weight}}) {
    facts.push_back({std::string("role: ") + role, name.empty() ? "(none)" : name});
  }
  std::string features;
  for (const auto& feature : roles.features) features += (features.empty() ? "" : ", ") + feature;
  facts.push_back({"features", features.empty() ? "(none)" : features});
  section.blocks.push_back(Block::KeyValues(std::move(facts)));

  DataTable duplicates;
  duplicates.columns = {"column",         "role",          "rows with a key", "distinct",
                        "duplicate rows", "repeated keys", "most repeats"};
  for (const auto& d : o.duplicates) {
    duplicates.AddRow({Text(d.column), Text(d.role), Num(d.keyed_rows), Num(d.distinct),
                       Num(d.duplicate_rows), Num(d.repeated_keys), Num(d.max_repeat)});
    section.blocks.push_back(Block::Paragraph(fmt::format(
        "{}: {} rows repeat an earlier {} ({} keys occur more than once, at most {} times).",
        d.column, Count(d.duplicate_rows), d.role == "isrc" ? "ISRC" : "track id",
        Count(d.repeated_keys), Count(d.max_repeat))));
  }
  if (!o.duplicates.empty()) {
    section.blocks.push_back(Block::Table("Duplicate tracks and recordings", duplicates));
  }
  DataTable columns;
  columns.columns = {"column", "type", "role", "missing", "missing %"};
  Chart missing;
  missing.id = "missing";
  missing.title = "Missing values per column";
  missing.kind = ChartKind::kBar;
  missing.horizontal = true;
  missing.caption = "Rows without a value, per loaded column.";
  missing.data.columns = {"column", "missing"};
  for (const auto& c : o.column_overview) {
    columns.AddRow({Text(c.name), Text(std::string(DataTypeName(c.type))), Text(c.role),
                    Num(c.missing), Num(100 * c.missing_share)});
    missing.data.AddRow({Text(c.name), Num(c.missing)});
  }
  missing.height = std::max(200, 22 * static_cast<int>(o.column_overview.size()) + 60);
  section.blocks.push_back(Block::Figure(std::move(missing)));
  section.blocks.push_back(Block::Table("Columns", std::move(columns)));
  return section;
}

Section Summary(const ProfileResult& r) {
  Section section{"summary", "Summary statistics", "", {}};
  section.summary =
      "Per numeric and date column, as pandas' describe(): count, mean, standard deviation "
      "(ddof = 1), minimum, quartiles (linear interpolation) and maximum; dates show the first "
      "and last day and the most frequent value.";
  DataTable table;
  table.columns = {"column", "count", "missing", "mean", "std", "min", "25%", "50%", "75%", "max"};
  for (const auto& c : r.summary.columns) {
    if (c.numeric) {
      table.AddRow({Text(c.name), Num(c.count), Num(c.missing), Num(c.mean), Num(c.std), Num(c.min),
                    Num(c.percentiles.at(0)), Num(c.percentiles.at(1)), Num(c.percentiles.at(2)),
                    Num(c.max)});
    } else {
      table.AddRow({Text(c.name), Num(c.count), Num(c.missing), Text(""), Text(""), Text(c.first),
                    Text(""), Text(fmt::format("top {} ({}x)", c.top, c.freq)), Text(""),
                    Text(c.last)});
    }
  }
  section.blocks.push_back(Block::Table("", std::move(table)));
  return section;
}

Section Distributions(const ProfileResult& r) {
  Section section{"distributions", "Distributions and outliers", "", {}};
  const FeatureDistribution& popularity = r.distributions.back();
  section.summary = fmt::format(
      "Each feature's histogram with a kernel density curve (Gaussian, Scott's bandwidth) and its "
      "box plot (whiskers at 1.5 IQR; points beyond are outliers). Popularity: median {}, mean {}, "
      "{} of tracks are outliers above {}.",
      Number(popularity.box.median), Number(popularity.summary.mean),
      Percent(popularity.box.n > 0
                  ? static_cast<double>(popularity.box.outliers_high) / popularity.box.n
                  : 0),
      Number(popularity.box.upper_fence));
  DataTable outliers;
  outliers.columns = {"feature",
                      "q1",
                      "median",
                      "q3",
                      "IQR",
                      "lower fence",
                      "upper fence",
                      "outliers below",
                      "outliers above",
                      "outlier %"};
  for (size_t k = 0; k < r.distributions.size(); ++k) {
    const FeatureDistribution& d = r.distributions[k];
    const BoxPlotStats& b = d.box;
    outliers.AddRow({Text(d.name), Num(b.q1), Num(b.median), Num(b.q3), Num(b.iqr),
                     Num(b.lower_fence), Num(b.upper_fence), Num(b.outliers_low),
                     Num(b.outliers_high),
                     Num(b.n > 0 ? 100.0 * (b.outliers_low + b.outliers_high) / b.n : NAN)});
    if (d.histogram.counts.empty()) continue;
    Chart histogram;
    histogram.id = ChartId("hist", k, d.name);
    histogram.title = d.name + ": histogram and density";
    histogram.kind = ChartKind::kHistogram;
    histogram.x_title = d.name;
    histogram.y_title = "tracks";
    histogram.series = {"tracks", "density (scaled to tracks)"};
    // A discrete feature (one bin per value: key, mode) gets no density curve: a kernel
    // density would invent values between the integers.
    bool discrete = d.discrete;
    histogram.caption =
        discrete ? fmt::format("{} values, one bar per value (discrete: no density curve).",
                               Count(d.summary.count))
                 : fmt::format("{} values in {} bins; density bandwidth {}.",
                               Count(d.summary.count), d.histogram.bins(), Number(d.bandwidth));
    histogram.data.columns = {"bin_start", "bin_end", "count"};
    for (int b2 = 0; b2 < d.histogram.bins(); ++b2) {
      histogram.data.AddRow({Num(d.histogram.edges[b2]), Num(d.histogram.edges[b2 + 1]),
                             Num(static_cast<double>(d.histogram.counts[b2]))});
    }
    // The density per unit of x, times values and the mean bin width, reads in tracks per bin.
    double width = (d.histogram.edges.back() - d.histogram.edges.front()) / d.histogram.bins();
    histogram.extra.columns = {"x", "density_tracks"};
    for (size_t p = 0; p < d.density_x.size() && !discrete; ++p) {
      if (std::isnan(d.density[p])) continue;
      histogram.extra.AddRow(
          {Num(d.density_x[p]), Num(d.density[p] * static_cast<double>(d.summary.count) * width)});
    }
    Chart box;
    box.id = ChartId("box", k, d.name);
    box.title = d.name + ": box plot";
    box.kind = ChartKind::kBoxPlot;
    box.y_title = d.name;
    box.caption =
        fmt::format("{} outliers below {} and {} above {} (IQR rule); up to {} are drawn.",
                    Count(b.outliers_low), Number(b.lower_fence), Count(b.outliers_high),
                    Number(b.upper_fence), r.options.max_outlier_points);
    box.data.columns = {"name", "lower_whisker", "q1", "median", "q3", "upper_whisker"};
    box.data.AddRow({Text(d.name), Num(b.lower_whisker), Num(b.q1), Num(b.median), Num(b.q3),
                     Num(b.upper_whisker)});
    box.extra.columns = {"name", "outlier"};
    for (double value : d.outlier_sample) box.extra.AddRow({Text(d.name), Num(value)});
    histogram.height = box.height = 260;
    section.blocks.push_back(Block::FigureRow({std::move(histogram), std::move(box)}));
  }
  section.blocks.push_back(
      Block::Table("Box-plot numbers and outlier counts", std::move(outliers)));
  return section;
}

Section Correlation(const ProfileResult& r) {
  Section section{"correlation", "Correlation", "", {}};
  if (!r.ranking.empty()) {
    const CorrelationRank& top = r.ranking.front();
    section.summary = fmt::format(
        "The feature most linearly related to popularity is {} (Pearson r = {:.3f}, Spearman rho "
        "= {:.3f}). Correlations near 0 mean a feature alone says little about popularity; rho "
        "captures monotone, not only linear, links.",
        top.feature, top.pearson, top.spearman);
  }
  std::vector<Chart> maps;
  for (const auto* matrix : {&r.pearson, &r.spearman}) {
    bool pearson = matrix == &r.pearson;
    Chart chart;
    chart.id = pearson ? "corr-pearson" : "corr-spearman";
    chart.title = pearson ? "Pearson correlation" : "Spearman rank correlation";
    chart.kind = ChartKind::kHeatmap;
    chart.value_min = -1;
    chart.value_max = 1;
    chart.caption = "Each pair over the rows where both are present (pandas DataFrame.corr).";
    chart.data.columns = {"row", "column", "value"};
    size_t k = matrix->names.size();
    for (size_t a = 0; a < k; ++a) {
      for (size_t b = 0; b < k; ++b) {
        chart.data.AddRow({Text(matrix->names[a]), Text(matrix->names[b]), Num(matrix->at(a, b))});
      }
    }
    chart.height = std::max(320, 26 * static_cast<int>(k) + 120);
    maps.push_back(std::move(chart));
  }
  section.blocks.push_back(Block::FigureRow(std::move(maps)));
  Chart ranking;
  ranking.id = "corr-ranking";
  ranking.title = "Features ranked by correlation with popularity";
  ranking.kind = ChartKind::kBar;
  ranking.horizontal = true;
  ranking.caption = "Sorted by |Pearson r|; Spearman rho beside it.";
  ranking.data.columns = {"feature", "pearson", "spearman"};
  ranking.series = {"Pearson r", "Spearman rho"};
  DataTable table;
  table.columns = {"feature", "Pearson r", "Spearman rho", "pairs"};
  for (const auto& rank : r.ranking) {
    ranking.data.AddRow({Text(rank.feature), Num(rank.pearson), Num(rank.spearman)});
    table.AddRow({Text(rank.feature), Num(rank.pearson), Num(rank.spearman), Num(rank.pairs)});
  }
  ranking.height = std::max(220, 30 * static_cast<int>(r.ranking.size()) + 60);
  section.blocks.push_back(Block::Figure(std::move(ranking)));
  section.blocks.push_back(Block::Table("Correlation with popularity", std::move(table)));
  return section;
}

}  // namespace

std::vector<report::Section> FirstSections(const ProfileResult& r) {
  return {Overview(r), Summary(r), Distributions(r), Correlation(r)};
}

}  // namespace profile_report

report::Report MakeProfileReport(const ProfileResult& result) {
  report::Report page;
  page.title = result.title;
  page.subtitle = fmt::format("{} rows · {} columns · popularity column '{}'",
                              profile_report::Count(result.overview.rows), result.overview.columns,
                              result.roles.popularity);
  page.generator = "hitscope 0.1.0 profile";
  page.sections = profile_report::FirstSections(result);
  for (auto& section : profile_report::LaterSections(result)) {
    page.sections.push_back(std::move(section));
  }
  page.result_json = ProfileToJson(result);
  page.result_name = "profile.json";
  return page;
}

void WriteProfileReport(const ProfileResult& result, const std::string& path) {
  report::WriteHtml(MakeProfileReport(result), path);
}

std::vector<std::string> ProfileSectionIds() {
  return {"overview", "summary", "distributions", "correlation", "features",
          "time",     "classes", "artists",       "notes"};
}

}  // namespace hitscope
