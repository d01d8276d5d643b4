// The terminal summary of a cluster analysis.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/cluster_profile.hpp>

namespace hitscope {

namespace {

std::string Number(double value, int digits = 4) {
  if (std::isnan(value)) return "-";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == std::floor(value) && std::fabs(value) < 1e12) return fmt::format("{:.0f}", value);
  return fmt::format("{:.{}g}", value, digits);
}

// Aligned columns: the first `left` columns left-aligned, the rest right-aligned.
std::string Columns(const std::vector<std::vector<std::string>>& rows, size_t left) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      line += i < left ? fmt::format("{:<{}}", row[i], widths[i])
                       : fmt::format("{:>{}}", row[i], widths[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string EffectWord(double epsilon_squared) {
  if (epsilon_squared < 0.01) return "negligible";
  if (epsilon_squared < 0.04) return "weak";
  if (epsilon_squared < 0.16) return "moderate";
  if (epsilon_squared < 0.36) return "relatively strong";
  return "strong";
}

}  // namespace

std::string FormatClusterAnalysis(const ClusterAnalysis& a) {
  std::string out;
  out += fmt::format("{}: {} rows", a.source.empty() ? "table" : a.source, a.rows_in);
  if (a.rows_dropped > 0) {
    out +=
        fmt::format(" ({} used, {} left out for a missing feature)", a.rows_used, a.rows_dropped);
  }
  out += fmt::format("; features: {}\n", fmt::join(a.features, ", "));
  out += fmt::format("scaling: {}\n", ClusterScalingName(a.scaling.method));
  out += fmt::format("algorithm: {} ({})\n", a.algorithm, a.description);
  out += fmt::format("found {} cluster{}", a.n_clusters, a.n_clusters == 1 ? "" : "s");
  if (a.algorithm == "dbscan") {
    out += fmt::format(" and {} noise rows ({:.1f}%)", a.n_noise,
                       100.0 * static_cast<double>(a.n_noise) / static_cast<double>(a.rows_used));
  }
  if (!std::isnan(a.inertia)) out += fmt::format("; inertia {}", Number(a.inertia, 8));
  if (a.birch_subclusters > 0) out += fmt::format("; {} subclusters", a.birch_subclusters);
  out += "\n";

  const ClusterIndexValues& v = a.indices;
  if (v.computed) {
    std::string silhouette =
        std::isnan(v.silhouette) ? std::string("not computed")
        : v.silhouette_exact ? fmt::format("{:.4f} (exact; -1..1, higher is better)", v.silhouette)
                             : fmt::format(
                                   "{:.4f} +- {:.4f} (mean of {} samples of {} rows; -1..1, higher "
                                   "is better)",
                                   v.silhouette, v.silhouette_standard_error, v.silhouette_draws,
                                   v.silhouette_sample_size);
    out += fmt::format(
        "quality on {} rows{}: silhouette {}; Calinski-Harabasz {} (higher is better); "
        "Davies-Bouldin {} (lower is better)\n",
        v.rows, v.note.empty() ? "" : " (" + v.note + ")", silhouette,
        Number(v.calinski_harabasz, 6), Number(v.davies_bouldin, 4));
  } else {
    out += fmt::format("quality indices: {}\n", v.note);
  }

  const ClusterProfile& p = a.profile;
  const bool popularity = !p.popularity_column.empty();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"cluster", "name", "rows", "share"};
  if (popularity) {
    for (const char* h : {"pop. mean", "median", "IQR (q25-q75)"}) header.push_back(h);
  }
  for (const auto& f : p.features) header.push_back(f);
  rows.push_back(header);
  for (const auto& c : p.clusters) {
    std::vector<std::string> row = {c.label < 0 ? "noise" : std::to_string(c.label), c.name,
                                    std::to_string(c.size), fmt::format("{:.1f}%", 100 * c.share)};
    if (popularity) {
      row.push_back(Number(c.popularity_mean, 4));
      row.push_back(Number(c.popularity_median, 4));
      row.push_back(c.popularity_count == 0
                        ? std::string("-")
                        : fmt::format("{} ({}-{})", Number(c.popularity_iqr, 4),
                                      Number(c.popularity_q25, 4), Number(c.popularity_q75, 4)));
    }
    for (size_t f = 0; f < c.centroid.size(); ++f) {
      row.push_back(fmt::format("{} ({:+.1f} sd)", Number(c.centroid[f], 3), c.z[f]));
    }
    rows.push_back(row);
  }
  out += "\n" + Columns(rows, 2);
  out +=
      "feature values are cluster means on the original scale, with their distance from the "
      "overall mean in standard deviations\n";
  if (popularity) {
    if (p.popularity_test) {
      const KruskalWallisResult& t = *p.popularity_test;
      out += fmt::format(
          "\npopularity ({}) {} between clusters: Kruskal-Wallis H = {:.4g}, df = {}, p = {:.3g}; "
          "effect size epsilon^2 = {:.4f} ({})\n",
          p.popularity_column, t.p_value < 0.05 ? "differs" : "does not differ significantly",
          t.statistic, t.df, t.p_value, t.epsilon_squared, EffectWord(t.epsilon_squared));
    } else {
      out += fmt::format("\npopularity test: {}\n", p.popularity_test_note);
    }
  }
  if (a.sweep) {
    std::vector<std::vector<std::string>> sweep = {
        {"k", "inertia", "silhouette", "Calinski-Harabasz", "Davies-Bouldin"}};
    for (const auto& s : a.sweep->points) {
      sweep.push_back({std::to_string(s.k), Number(s.inertia, 8),
                       s.silhouette_exact ? Number(s.silhouette, 4)
                                          : fmt::format("{} +- {}", Number(s.silhouette, 4),
                                                        Number(s.silhouette_standard_error, 2)),
                       Number(s.calinski_harabasz, 6), Number(s.davies_bouldin, 4)});
    }
    out += "\nk sweep (k-means):\n" + Columns(sweep, 0);
    out += fmt::format(
        "elbow at k = {}; best k by silhouette {}, by Calinski-Harabasz {}, by Davies-Bouldin "
        "{}\n",
        a.sweep->elbow_k, a.sweep->best_silhouette_k, a.sweep->best_calinski_harabasz_k,
        a.sweep->best_davies_bouldin_k);
  }
  std::vector<std::string> times;
  for (const auto& [what, seconds] : a.timings)
    times.push_back(fmt::format("{} {:.3f} s", what, seconds));
  out += fmt::format("\ntimings: {}\n", fmt::join(times, ", "));
  return out;
}

}  // namespace hitscope
