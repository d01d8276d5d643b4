// The profile as JSON and as a few lines of text.
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/profile.hpp>

namespace hitscope {
namespace {

using Json = nlohmann::json;

Json Num(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

Json Nums(const std::vector<double>& values) {
  Json out = Json::array();
  for (double value : values) out.push_back(Num(value));
  return out;
}

Json Interval(const MeanInterval& interval) {
  return {{"n", interval.n},
          {"mean", Num(interval.mean)},
          {"lower", Num(interval.lower)},
          {"upper", Num(interval.upper)},
          {"std_error", Num(interval.std_error)},
          {"df", Num(interval.df)}};
}

Json Kruskal(const KruskalWallisResult& test) {
  return {{"statistic", Num(test.statistic)},
          {"p_value", Num(test.p_value)},
          {"df", test.df},
          {"groups", test.groups},
          {"n", test.n},
          {"tie_correction", Num(test.tie_correction)},
          {"epsilon_squared", Num(test.epsilon_squared)},
          {"eta_squared", Num(test.eta_squared)}};
}

Json Groups(const std::vector<GroupMean>& groups) {
  Json out = Json::array();
  for (const auto& group : groups) {
    out.push_back({{"label", group.label},
                   {"count", group.count},
                   {"popularity", Interval(group.popularity)}});
  }
  return out;
}

Json Matrix(const CorrelationMatrix& matrix) {
  Json rows = Json::array();
  size_t k = matrix.names.size();
  for (size_t r = 0; r < k; ++r) {
    Json row = Json::array();
    for (size_t c = 0; c < k; ++c) row.push_back(Num(matrix.at(r, c)));
    rows.push_back(row);
  }
  return {{"columns", matrix.names}, {"values", rows}};
}

Json Summary(const ColumnSummary& c) {
  Json out = {{"name", c.name},
              {"type", std::string(DataTypeName(c.type))},
              {"count", c.count},
              {"missing", c.missing}};
  if (c.numeric) {
    out["mean"] = Num(c.mean);
    out["std"] = Num(c.std);
    out["min"] = Num(c.min);
    out["25%"] = Num(c.percentiles.size() > 0 ? c.percentiles[0] : NAN);
    out["50%"] = Num(c.percentiles.size() > 1 ? c.percentiles[1] : NAN);
    out["75%"] = Num(c.percentiles.size() > 2 ? c.percentiles[2] : NAN);
    out["max"] = Num(c.max);
  } else {
    out["unique"] = c.unique;
    out["top"] = c.top;
    out["freq"] = c.freq;
    if (!c.first.empty()) {
      out["first"] = c.first;
      out["last"] = c.last;
    }
  }
  return out;
}

}  // namespace

std::string ProfileToJson(const ProfileResult& r) {
  const ProfileRoles& roles = r.roles;
  Json out;
  out["title"] = r.title;
  out["roles"] = {{"popularity", roles.popularity},
                  {"release_date", roles.release_date},
                  {"artist", roles.artist},
                  {"id", roles.id},
                  {"isrc", roles.isrc},
                  {"duration", roles.duration},
                  {"weight", roles.weight},
                  {"features", roles.features}};
  const ProfileOptions& o = r.options;
  out["options"] = {{"class_edges", o.class_edges},
                    {"class_labels", o.class_labels},
                    {"hemisphere", o.hemisphere == Hemisphere::kNorth ? "north" : "south"},
                    {"confidence", o.confidence},
                    {"histogram_bins", o.histogram_bins},
                    {"scatter_x_bins", o.scatter_x_bins},
                    {"scatter_y_bins", o.scatter_y_bins},
                    {"top_artists", o.top_artists},
                    {"min_artist_tracks", o.min_artist_tracks}};
  Json sources = Json::array();
  for (const auto& source : r.overview.sources) {
    sources.push_back({{"path", source.path}, {"bytes", source.bytes}});
  }
  Json columns = Json::array();
  for (const auto& c : r.overview.column_overview) {
    columns.push_back({{"name", c.name},
                       {"type", std::string(DataTypeName(c.type))},
                       {"missing", c.missing},
                       {"missing_share", Num(c.missing_share)},
                       {"role", c.role}});
  }
  Json duplicates = Json::array();
  for (const auto& d : r.overview.duplicates) {
    duplicates.push_back({{"column", d.column},
                          {"role", d.role},
                          {"keyed_rows", d.keyed_rows},
                          {"distinct", d.distinct},
                          {"duplicate_rows", d.duplicate_rows},
                          {"repeated_keys", d.repeated_keys},
                          {"max_repeat", d.max_repeat}});
  }
  out["overview"] = {{"rows", r.overview.rows},
                     {"columns", r.overview.columns},
                     {"memory_bytes", r.overview.memory_bytes},
                     {"sources", sources},
                     {"column_overview", columns},
                     {"duplicates", duplicates}};
  Json summary = Json::array();
  for (const auto& c : r.summary.columns) summary.push_back(Summary(c));
  out["summary"] = summary;
  Json distributions = Json::array();
  for (const auto& d : r.distributions) {
    const BoxPlotStats& b = d.box;
    distributions.push_back(
        {{"name", d.name},
         {"summary", Summary(d.summary)},
         {"histogram",
          {{"edges", Nums(d.histogram.edges)},
           {"counts", d.histogram.counts},
           {"discrete", d.discrete}}},
         {"density",
          {{"x", Nums(d.density_x)}, {"y", Nums(d.density)}, {"bandwidth", Num(d.bandwidth)}}},
         {"box",
          {{"n", b.n},
           {"q1", Num(b.q1)},
           {"median", Num(b.median)},
           {"q3", Num(b.q3)},
           {"iqr", Num(b.iqr)},
           {"lower_fence", Num(b.lower_fence)},
           {"upper_fence", Num(b.upper_fence)},
           {"lower_whisker", Num(b.lower_whisker)},
           {"upper_whisker", Num(b.upper_whisker)},
           {"outliers_low", b.outliers_low},
           {"outliers_high", b.outliers_high},
           {"outlier_sample", Nums(d.outlier_sample)}}}});
  }
  out["distributions"] = distributions;
  out["correlation"] = {{"pearson", Matrix(r.pearson)}, {"spearman", Matrix(r.spearman)}};
  Json ranking = Json::array();
  for (const auto& rank : r.ranking) {
    ranking.push_back({{"feature", rank.feature},
                       {"pearson", Num(rank.pearson)},
                       {"spearman", Num(rank.spearman)},
                       {"pairs", rank.pairs}});
  }
  out["ranking"] = ranking;
  Json scatter = Json::array();
  for (const auto& s : r.scatter) {
    Json means = Json::array();
    for (const auto& m : s.mean_by_x) means.push_back(Interval(m));
    scatter.push_back({{"feature", s.feature},
                       {"x_edges", Nums(s.x_edges)},
                       {"y_edges", Nums(s.y_edges)},
                       {"counts", s.counts},
                       {"mean_by_x", means},
                       {"clipped_low", s.clipped_low},
                       {"clipped_high", s.clipped_high},
                       {"pairs", s.pairs}});
  }
  out["feature_vs_popularity"] = scatter;
  const TimeProfile& t = r.time;
  Json years = Json::array();
  for (const auto& y : t.years) {
    years.push_back({{"year", y.year},
                     {"tracks", y.tracks},
                     {"popularity", Interval(y.popularity)},
                     {"weighted_popularity", Interval(y.weighted_popularity)},
                     {"duration_minutes", Interval(y.duration_minutes)}});
  }
  out["time"] = {{"available", t.available},
                 {"note", t.note},
                 {"weighting", t.weighting},
                 {"hemisphere", t.hemisphere == Hemisphere::kNorth ? "north" : "south"},
                 {"dated_rows", t.dated_rows},
                 {"month_rows", t.month_rows},
                 {"year_only_rows", t.year_only_rows},
                 {"years", years},
                 {"months", Groups(t.months)},
                 {"seasons", Groups(t.seasons)},
                 {"seasons_test", t.seasons_tested ? Kruskal(t.seasons_test) : Json(nullptr)},
                 {"months_test", t.months_tested ? Kruskal(t.months_test) : Json(nullptr)}};
  Json classes = Json::array();
  for (const auto& c : r.classes) {
    classes.push_back({{"label", c.label},
                       {"lower", Num(c.lower)},
                       {"upper", Num(c.upper)},
                       {"count", c.count},
                       {"share", Num(c.share)}});
  }
  out["classes"] = classes;
  out["artists"] = {{"distinct", r.artists},
                    {"by_count", Groups(r.artists_by_count)},
                    {"by_mean", Groups(r.artists_by_mean)},
                    {"min_tracks", o.min_artist_tracks}};
  out["notes"] = r.notes;
  return out.dump(1) + "\n";
}

std::string FormatProfileSummary(const ProfileResult& r) {
  std::string out =
      fmt::format("{}: {} rows, {} columns; popularity '{}', {} features\n", r.title,
                  r.overview.rows, r.overview.columns, r.roles.popularity, r.roles.features.size());
  for (size_t k = 0; k < std::min<size_t>(3, r.ranking.size()); ++k) {
    const auto& rank = r.ranking[k];
    auto signed3 = [](double value) {
      return std::isfinite(value) ? fmt::format("{:+.3f}", value) : std::string("n/a");
    };
    out += fmt::format("  {:<18} Pearson r {}  Spearman rho {}\n", rank.feature,
                       signed3(rank.pearson), signed3(rank.spearman));
  }
  if (r.time.seasons_tested) {
    const auto& test = r.time.seasons_test;
    out += fmt::format("  seasons: Kruskal-Wallis H = {:.2f}, p = {:.3g}, epsilon^2 = {:.4f}\n",
                       test.statistic, test.p_value, test.epsilon_squared);
  }
  for (const auto& note : r.notes) out += "  note: " + note + "\n";
  return out;
}

}  // namespace hitscope
