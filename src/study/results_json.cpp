// results.json: every number of the study, built from each library's own JSON where it has one.
#include <cmath>

#include <nlohmann/json.hpp>

#include <hitscope/study.hpp>

#include "study/internal.hpp"

namespace hitscope {
namespace {

using nlohmann::json;

json Number(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

json Evaluations(const std::vector<StudyEvaluation>& runs) {
  json out = json::array();
  for (const auto& run : runs) {
    json one = json::parse(run.evaluation.ToJson());
    one["name"] = run.name;
    one["seconds"] = run.seconds;
    out.push_back(std::move(one));
  }
  return out;
}

json Config(const StudyConfig& c) {
  return {{"title", c.title},
          {"seed", c.seed},
          {"sections", c.sections},
          {"data",
           {{"popularity", c.roles.target},
            {"artist", c.roles.artist},
            {"release_date", c.roles.date},
            {"id", c.roles.id},
            {"isrc", c.roles.isrc},
            {"features", c.roles.features},
            {"classes", c.classes},
            {"class_names", c.class_names}}},
          {"budget",
           {{"model_rows", c.model_rows},
            {"knn_rows", c.knn_rows},
            {"search_rows", c.search_rows},
            {"resample_rows", c.resample_rows},
            {"cluster_rows", c.cluster_rows},
            {"dbscan_rows", c.dbscan_rows},
            {"silhouette_rows", c.silhouette_rows},
            {"silhouette_repeats", c.silhouette_repeats},
            {"shap_rows", c.shap_rows}}},
          {"cv", {{"protocols", c.protocols}}},
          {"models",
           {{"classifiers", c.classifiers},
            {"scaler", c.scaler},
            {"knn_k", c.knn_k},
            {"knn_sweep", c.knn_sweep},
            {"knn_search_candidates", c.knn_search_candidates},
            {"tree_max_depth", c.tree_max_depth},
            {"depth_sweep_max", c.depth_sweep_max},
            {"forest_trees", c.forest_trees},
            {"forest_max_depth", c.forest_max_depth},
            {"xgboost_rounds", c.xgboost_rounds},
            {"xgboost_max_depth", c.xgboost_max_depth},
            {"imbalance", c.imbalance},
            {"scalers", c.scalers},
            {"imbalance_model", c.imbalance_model},
            {"imbalance_grid", c.imbalance_grid}}},
          {"leakage",
           {{"model", c.leakage_model},
            {"classes", c.leakage_classes},
            {"resamplers", c.leakage_resamplers},
            {"protocol", c.leakage_protocol}}},
          {"clustering",
           {{"features", c.cluster_features},
            {"algorithms", c.cluster_algorithms},
            {"k", c.cluster_k},
            {"sweep_k_max", c.sweep_k_max},
            {"kmeans_n_init", c.kmeans_n_init},
            {"dbscan_eps", c.dbscan_eps},
            {"dbscan_min_samples", c.dbscan_min_samples}}},
          {"importance",
           {{"permutation_repeats", c.permutation_repeats}, {"rfe_features", c.rfe_features}}},
          {"regression", {{"models", c.regressors}}}};
}

}  // namespace

std::string StudyToJson(const StudyResult& r) {
  json out;
  out["hitscope_version"] = r.hitscope_version;
  out["source"] = {{"path", r.source}, {"kind", r.source_kind}, {"rows", r.rows}};
  if (!r.integrate_note.empty()) out["source"]["integration"] = r.integrate_note;
  out["config"] = Config(r.config);
  out["findings"] = r.Findings();
  out["budget_notes"] = r.budget_notes;
  out["notes"] = r.notes;
  if (r.profile) out["exploration"] = json::parse(ProfileToJson(*r.profile));
  json clusters = json::array();
  for (size_t k = 0; k < r.clusters.size(); ++k) {
    json one = json::parse(ClusterAnalysisToJson(r.clusters[k]));
    one["rows_sampled"] = r.cluster_rows[k];
    clusters.push_back(std::move(one));
  }
  out["clustering"] = clusters;
  json models;
  if (r.data.rows() > 0) {
    models["data"] = {{"rows", r.data.rows()},
                      {"features", r.data.feature_names},
                      {"classes", r.data.classes.Describe()},
                      {"class_names", r.data.classes.names},
                      {"summary", r.data.Summary()}};
  }
  models["classifiers"] = Evaluations(r.classifiers);
  models["imbalance"] = Evaluations(r.imbalance);
  if (r.knn_sweep) models["knn_sweep"] = json::parse(r.knn_sweep->ToJson());
  if (r.depth_sweep) models["depth_sweep"] = json::parse(r.depth_sweep->ToJson());
  if (r.knn_search) {
    json candidates = json::array();
    for (size_t k = 0; k < r.knn_search->candidates.size(); ++k) {
      const Candidate& c = r.knn_search->candidates[k];
      candidates.push_back({{"params", c.varied},
                            {"mean", Number(c.score.mean)},
                            {"std", Number(c.score.std)},
                            {"best", k == r.knn_search->best}});
    }
    models["knn_search"] = {{"scoring", r.knn_search->scoring},
                            {"protocol", r.knn_search->protocol.ToString()},
                            {"candidates", candidates}};
  }
  models["best"] = {{"name", r.best_name},
                    {"pipeline", r.best_spec.ToParams()},
                    {"description", r.best_spec.Describe()}};
  out["models"] = models;
  json leakage = json::array();
  for (const auto& pair : r.leakage) {
    json gap;
    for (const auto& score : pair.honest.scores) {
      gap[score.metric] = Number(pair.Gap(score.metric));
    }
    leakage.push_back({{"resampler", pair.resampler},
                       {"honest", json::parse(pair.honest.ToJson())},
                       {"leaky", json::parse(pair.leaky.ToJson())},
                       {"gap", gap}});
  }
  out["leakage"] = {{"classes", r.leakage_classes}, {"pairs", leakage}};
  if (r.importance) {
    out["importance"] = json::parse(ImportanceTableToJson(*r.importance));
    out["importance"]["model"] = r.importance_model;
  }
  if (r.rfe) {
    json features = json::array();
    for (size_t f = 0; f < r.rfe_features.size(); ++f) {
      features.push_back({{"name", r.rfe_features[f]},
                          {"kept", r.rfe->support[f] != 0},
                          {"ranking", r.rfe->ranking[f]}});
    }
    out["rfe"] = {{"features", features}};
  }
  out["regression"] = Evaluations(r.regression);
  json steps = json::array();
  for (const auto& step : r.steps)
    steps.push_back({{"step", step.name}, {"seconds", step.seconds}});
  out["timings"] = {{"steps", steps}, {"total_seconds", r.seconds}};
  return out.dump(2) + "\n";
}

}  // namespace hitscope
