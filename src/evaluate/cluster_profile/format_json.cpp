// The JSON form of a cluster analysis.
#include <cmath>

#include <nlohmann/json.hpp>

#include <hitscope/cluster_profile.hpp>

namespace hitscope {

namespace {

using nlohmann::json;

json Number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

json Numbers(const std::vector<double>& values) {
  json out = json::array();
  for (double v : values) out.push_back(Number(v));
  return out;
}

json PerFeature(const std::vector<std::string>& features, const std::vector<double>& values) {
  json out = json::object();
  for (size_t f = 0; f < features.size(); ++f) out[features[f]] = Number(values[f]);
  return out;
}

}  // namespace

std::string ClusterAnalysisToJson(const ClusterAnalysis& a) {
  const ClusterProfile& p = a.profile;
  json out;
  out["source"] = a.source;
  out["rows"] = {{"input", a.rows_in}, {"used", a.rows_used}, {"dropped", a.rows_dropped}};
  out["features"] = a.features;
  out["scaling"] = {{"method", std::string(ClusterScalingName(a.scaling.method))},
                    {"center", PerFeature(a.features, a.scaling.center)},
                    {"scale", PerFeature(a.features, a.scaling.scale)}};
  out["algorithm"] = {{"name", a.algorithm}, {"options", a.description}};
  out["n_clusters"] = a.n_clusters;
  out["n_noise"] = a.n_noise;
  out["inertia"] = Number(a.inertia);
  if (!a.run_inertias.empty()) out["run_inertias"] = Numbers(a.run_inertias);
  if (a.birch_subclusters > 0) out["birch_subclusters"] = a.birch_subclusters;

  const ClusterIndexValues& v = a.indices;
  out["indices"] = {{"computed", v.computed},
                    {"note", v.note},
                    {"rows", v.rows},
                    {"silhouette", Number(v.silhouette)},
                    {"silhouette_exact", v.silhouette_exact},
                    {"silhouette_standard_error", Number(v.silhouette_standard_error)},
                    {"silhouette_sample_size", v.silhouette_sample_size},
                    {"silhouette_draws", v.silhouette_draws},
                    {"calinski_harabasz", Number(v.calinski_harabasz)},
                    {"davies_bouldin", Number(v.davies_bouldin)}};

  json clusters = json::array();
  for (const auto& c : p.clusters) {
    clusters.push_back({{"label", c.label},
                        {"name", c.name},
                        {"size", c.size},
                        {"share", Number(c.share)},
                        {"centroid", PerFeature(p.features, c.centroid)},
                        {"z", PerFeature(p.features, c.z)},
                        {"radar", PerFeature(p.features, c.radar)},
                        {"popularity",
                         {{"count", c.popularity_count},
                          {"mean", Number(c.popularity_mean)},
                          {"median", Number(c.popularity_median)},
                          {"q25", Number(c.popularity_q25)},
                          {"q75", Number(c.popularity_q75)},
                          {"iqr", Number(c.popularity_iqr)}}}});
  }
  out["clusters"] = clusters;
  // Radar-chart-ready: one series per cluster over the same axes, values in [0, 1] (the
  // cluster mean placed between the overall minimum and maximum of each feature).
  json radar = {{"axes", p.features}, {"series", json::array()}};
  for (const auto& c : p.clusters) {
    radar["series"].push_back({{"label", c.label}, {"name", c.name}, {"values", Numbers(c.radar)}});
  }
  out["radar"] = radar;
  out["overall"] = {{"mean", PerFeature(p.features, p.overall_mean)},
                    {"std", PerFeature(p.features, p.overall_std)},
                    {"min", PerFeature(p.features, p.overall_min)},
                    {"max", PerFeature(p.features, p.overall_max)}};
  out["popularity_column"] = p.popularity_column;
  if (p.popularity_test) {
    const KruskalWallisResult& t = *p.popularity_test;
    out["popularity_test"] = {{"test", "kruskal-wallis"},
                              {"statistic", Number(t.statistic)},
                              {"p_value", Number(t.p_value)},
                              {"df", t.df},
                              {"groups", t.groups},
                              {"n", t.n},
                              {"epsilon_squared", Number(t.epsilon_squared)},
                              {"eta_squared", Number(t.eta_squared)}};
  } else {
    out["popularity_test"] = nullptr;
    if (!p.popularity_test_note.empty()) out["popularity_test_note"] = p.popularity_test_note;
  }
  if (a.sweep) {
    json points = json::array();
    for (const auto& s : a.sweep->points) {
      points.push_back({{"k", s.k},
                        {"inertia", Number(s.inertia)},
                        {"silhouette", Number(s.silhouette)},
                        {"silhouette_exact", s.silhouette_exact},
                        {"silhouette_standard_error", Number(s.silhouette_standard_error)},
                        {"calinski_harabasz", Number(s.calinski_harabasz)},
                        {"davies_bouldin", Number(s.davies_bouldin)}});
    }
    out["sweep"] = {{"points", points},
                    {"elbow_k", a.sweep->elbow_k},
                    {"best_silhouette_k", a.sweep->best_silhouette_k},
                    {"best_calinski_harabasz_k", a.sweep->best_calinski_harabasz_k},
                    {"best_davies_bouldin_k", a.sweep->best_davies_bouldin_k}};
  } else {
    out["sweep"] = nullptr;
  }
  json timings = json::object();
  for (const auto& [what, seconds] : a.timings) timings[what] = seconds;
  out["timings"] = timings;
  return out.dump(1) + "\n";
}

}  // namespace hitscope
