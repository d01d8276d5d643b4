// The study report's clustering, importance, regression and method sections.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "study/internal.hpp"
#include "study/report_internal.hpp"

namespace hitscope::study {

using report::Block;
using report::Chart;
using report::ChartKind;
using report::DataTable;
using report::Section;

namespace {

std::string ClusterLabel(const ClusterSummary& c) {
  return c.label < 0 ? "noise" : fmt::format("{}: {}", c.label, c.name);
}

void AddAnalysis(const ClusterAnalysis& a, int64_t rows, Section* section) {
  const std::string algorithm = a.algorithm;
  section->blocks.push_back(Block::Paragraph(fmt::format(
      "{} ({}) on {} rows: {} clusters{}. Popularity per cluster: {}.", algorithm, a.description,
      rows, a.n_clusters, a.n_noise > 0 ? fmt::format(", {} noise rows", a.n_noise) : "",
      a.profile.popularity_test
          ? fmt::format("Kruskal-Wallis H = {:.1f}, p = {:.3g}, epsilon-squared = {:.4f}",
                        a.profile.popularity_test->statistic, a.profile.popularity_test->p_value,
                        a.profile.popularity_test->epsilon_squared)
          : a.profile.popularity_test_note)));
  // The cluster profile as a heatmap of z-scores (the radar chart's values, flattened).
  Chart profile;
  profile.id = Id("cluster-profile", algorithm);
  profile.title = algorithm + ": cluster profiles (standard deviations from the mean)";
  profile.kind = ChartKind::kHeatmap;
  profile.x_title = "feature";
  profile.y_title = "cluster";
  profile.data.columns = {"cluster", "feature", "z"};
  std::vector<const ClusterSummary*> shown;
  for (const auto& c : a.profile.clusters) {
    if (shown.size() < 12) shown.push_back(&c);
  }
  for (const ClusterSummary* c : shown) {
    for (size_t f = 0; f < a.profile.features.size(); ++f) {
      profile.data.AddRow({Text(ClusterLabel(*c)), Text(a.profile.features[f]), Num(c->z[f])});
    }
  }
  profile.value_min = -2.5;
  profile.value_max = 2.5;
  profile.caption = fmt::format(
      "Each cell: the cluster's mean feature minus the overall mean, in overall standard "
      "deviations; the names come from the cells beyond +-{} sd.{}",
      0.5, a.profile.clusters.size() > shown.size() ? " The 12 first clusters are shown." : "");
  profile.height = 120 + 28 * static_cast<int>(shown.size());
  // Popularity per cluster: median with the interquartile range.
  Chart popularity;
  popularity.id = Id("cluster-popularity", algorithm);
  popularity.title = algorithm + ": popularity per cluster";
  popularity.kind = ChartKind::kIntervals;
  popularity.bars = true;
  popularity.x_title = "cluster";
  popularity.y_title = "popularity";
  popularity.data.columns = {"cluster", "median", "q25", "q75"};
  popularity.series = {"median popularity (bar: 25-75 %)"};
  for (const ClusterSummary* c : shown) {
    popularity.data.AddRow({Text(ClusterLabel(*c)), Num(c->popularity_median),
                            Num(c->popularity_q25), Num(c->popularity_q75)});
  }
  popularity.caption = "Bars: median popularity; whiskers: the 25 % and 75 % quantiles.";
  section->blocks.push_back(Block::FigureRow({std::move(profile), std::move(popularity)}));
  DataTable t;
  t.columns = {"cluster", "name", "tracks", "share", "popularity mean", "median", "IQR"};
  for (const auto& c : a.profile.clusters) {
    t.AddRow({Text(c.label < 0 ? "noise" : std::to_string(c.label)), Text(c.name),
              Num(static_cast<double>(c.size)), Num(c.share), Num(c.popularity_mean),
              Num(c.popularity_median), Num(c.popularity_iqr)});
  }
  section->blocks.push_back(Block::Table(algorithm + ": clusters", std::move(t)));
}

}  // namespace

Section ClusteringSection(const StudyResult& r) {
  Section section{"clustering", "Clusters of audio character", "", {}};
  if (r.clusters.empty()) {
    section.summary = "Not run (the clustering section is off, or its features are missing).";
    return section;
  }
  const ClusterAnalysis& first = r.clusters.front();
  section.summary = fmt::format(
      "{} algorithm(s) on the standardised features {}. Silhouette (higher is better, -1..1), "
      "Calinski-Harabasz (higher is better) and Davies-Bouldin (lower is better) compare them; "
      "{} finds {} clusters with silhouette {}.",
      r.clusters.size(), JoinWords(first.features), first.algorithm, first.n_clusters,
      FormatScore(first.indices.silhouette));
  DataTable t;
  t.columns = {"algorithm",  "rows",       "clusters",          "noise rows",
               "silhouette", "silhouette", "Calinski-Harabasz", "Davies-Bouldin"};
  t.columns[5] = "silhouette: how";
  for (size_t k = 0; k < r.clusters.size(); ++k) {
    const ClusterAnalysis& a = r.clusters[k];
    const ClusterIndexValues& v = a.indices;
    t.AddRow({Text(a.algorithm), Num(static_cast<double>(r.cluster_rows[k])), Num(a.n_clusters),
              Num(static_cast<double>(a.n_noise)), Num(v.silhouette),
              Text(v.silhouette_exact ? std::string("exact")
                                      : fmt::format("mean of {} samples of {} rows (se {:.4f})",
                                                    v.silhouette_draws, v.silhouette_sample_size,
                                                    v.silhouette_standard_error)),
              Num(v.calinski_harabasz), Num(v.davies_bouldin)});
  }
  section.blocks.push_back(Block::Table("Quality indices", std::move(t)));
  for (const auto& a : r.clusters) {
    if (!a.sweep) continue;
    Chart inertia;
    inertia.id = Id("k-sweep-inertia");
    inertia.title = "k sweep: inertia (elbow)";
    inertia.kind = ChartKind::kLine;
    inertia.x_title = "k";
    inertia.y_title = "inertia";
    inertia.data.columns = {"k", "inertia"};
    Chart indices;
    indices.id = Id("k-sweep-indices");
    indices.title = "k sweep: silhouette and Davies-Bouldin";
    indices.kind = ChartKind::kLine;
    indices.x_title = "k";
    indices.y_title = "index";
    indices.data.columns = {"k", "silhouette", "Davies-Bouldin"};
    for (const auto& p : a.sweep->points) {
      inertia.data.AddRow({Num(p.k), Num(p.inertia)});
      indices.data.AddRow({Num(p.k), Num(p.silhouette), Num(p.davies_bouldin)});
    }
    inertia.caption =
        fmt::format("k-means for each k; the elbow (kneedle rule) is at k = {}.", a.sweep->elbow_k);
    indices.caption = fmt::format(
        "Best silhouette at k = {}, best Davies-Bouldin at k = {}, best Calinski-Harabasz at k = "
        "{}.",
        a.sweep->best_silhouette_k, a.sweep->best_davies_bouldin_k,
        a.sweep->best_calinski_harabasz_k);
    section.blocks.push_back(Block::FigureRow({std::move(inertia), std::move(indices)}));
    break;
  }
  for (size_t k = 0; k < r.clusters.size(); ++k)
    AddAnalysis(r.clusters[k], r.cluster_rows[k], &section);
  return section;
}

Section ImportanceSection(const StudyResult& r) {
  Section section{"importance", "What drives popularity", "", {}};
  if (!r.importance) {
    section.summary = "Not run (the importance section is off).";
    return section;
  }
  const ImportanceTable& imp = *r.importance;
  std::vector<int64_t> order = imp.Order();
  std::vector<std::string> top;
  for (size_t k = 0; k < order.size() && k < 3; ++k) top.push_back(imp.features[order[k]]);
  section.summary = fmt::format(
      "Three measures side by side for {}. By permutation importance on held-out rows the "
      "model leans most on {}.",
      r.importance_model, JoinWords(top));
  auto bar = [&](const std::string& id, const std::string& title, const std::vector<double>& values,
                 const std::string& caption) {
    Chart c;
    c.id = Id("importance", id);
    c.title = title;
    c.kind = ChartKind::kBar;
    c.horizontal = true;
    c.data.columns = {"feature", title};
    for (int64_t f : order) c.data.AddRow({Text(imp.features[f]), Num(values[f])});
    c.caption = caption;
    c.height = 80 + 24 * static_cast<int>(order.size());
    return c;
  };
  std::vector<Chart> row;
  if (!imp.permutation_mean.empty()) {
    row.push_back(bar("permutation", "permutation importance", imp.permutation_mean,
                      "Drop in accuracy when the feature is shuffled, on held-out rows."));
  }
  if (!imp.mean_abs_shap.empty()) {
    row.push_back(bar("shap", "mean |SHAP|", imp.mean_abs_shap,
                      "Mean absolute TreeSHAP contribution to the class probabilities."));
  }
  if (!imp.impurity.empty()) {
    row.push_back(bar("impurity", "impurity importance", imp.impurity,
                      "Mean decrease in impurity on the training rows; biased towards features "
                      "with many distinct values."));
  }
  if (!row.empty()) section.blocks.push_back(Block::FigureRow(std::move(row)));
  if (!imp.note.empty()) section.blocks.push_back(Block::Note(imp.note));
  if (r.rfe) {
    DataTable t;
    t.columns = {"feature", "kept by RFE", "RFE rank (1 = kept; larger = dropped earlier)"};
    for (size_t f = 0; f < r.rfe_features.size(); ++f) {
      t.AddRow(
          {Text(r.rfe_features[f]), Text(r.rfe->support[f] ? "yes" : ""), Num(r.rfe->ranking[f])});
    }
    section.blocks.push_back(Block::Table(
        "Recursive feature elimination (decision tree, impurity importance, training rows)",
        std::move(t)));
  }
  return section;
}

Section RegressionSection(const StudyResult& r) {
  Section section{"regression", "Predicting the raw popularity score", "", {}};
  if (r.regression.empty()) {
    section.summary = "Not run (the regression section is off).";
    return section;
  }
  const StudyEvaluation* best = &r.regression.front();
  for (const auto& run : r.regression) {
    if (run.evaluation.Score("r2").mean > best->evaluation.Score("r2").mean) best = &run;
  }
  section.summary = fmt::format(
      "The popularity score itself as the target, under {}: the best model, {}, reaches R2 {} "
      "and a mean absolute error of {:.1f} points.",
      best->evaluation.protocol.Describe(), best->name, ScoreText(best->evaluation.Score("r2")),
      best->evaluation.Score("mae").mean);
  DataTable t;
  t.columns = {"model", "pipeline", "R2", "MAE", "RMSE", "seconds"};
  Chart c;
  c.id = Id("regression");
  c.title = "R2 of the popularity score";
  c.kind = ChartKind::kIntervals;
  c.bars = true;
  c.x_title = "model";
  c.y_title = "R2";
  c.data.columns = {"model", "R2", "lower", "upper"};
  c.series = {"R2"};
  for (const auto& run : r.regression) {
    const Evaluation& e = run.evaluation;
    t.AddRow({Text(run.name), Text(e.pipeline.Describe()), Text(ScoreText(e.Score("r2"))),
              Text(ScoreText(e.Score("mae"))), Text(ScoreText(e.Score("rmse"))), Num(run.seconds)});
    std::vector<report::Cell> row = {Text(run.name)};
    AddInterval(&row, e.Score("r2"));
    c.data.AddRow(std::move(row));
  }
  c.caption = "Means over the splits with 95 % intervals; 0 is predicting the mean.";
  section.blocks.push_back(Block::Table("Regression scores", std::move(t)));
  section.blocks.push_back(Block::Figure(std::move(c)));
  return section;
}

Section MethodSection(const StudyResult& r) {
  Section section{"method", "Method, budget and timings", "", {}};
  section.summary = fmt::format("The study took {:.1f} s on {}{}.", r.seconds, r.source,
                                r.budget_notes.empty() ? " with every row in every step"
                                                       : "; some steps used samples (below)");
  for (const auto& note : r.budget_notes) section.blocks.push_back(Block::Note(note));
  for (const auto& note : r.notes) section.blocks.push_back(Block::Note(note));
  if (!r.integrate_note.empty()) section.blocks.push_back(Block::Paragraph(r.integrate_note));
  DataTable t;
  t.columns = {"step", "seconds"};
  for (const auto& step : r.steps) t.AddRow({Text(step.name), Num(step.seconds)});
  section.blocks.push_back(Block::Table("Timings", std::move(t)));
  section.blocks.push_back(Block::KeyValues(
      {{"seed", std::to_string(r.config.seed)},
       {"protocols", JoinWords(r.config.protocols)},
       {"classes", r.config.classes},
       {"leakage classes", r.config.leakage_classes},
       {"reproduce", "hitscope study " + r.source + " --seed " + std::to_string(r.config.seed)}}));
  return section;
}

}  // namespace hitscope::study
