// hitscope/study.hpp: the whole popularity study in one call (what `hitscope study` runs): load
// or integrate the data, explore it, cluster it, compare the classifiers honestly under several
// protocols, demonstrate the leakage of resampling before the split, explain the best model,
// regress the raw score, and write one self-contained report, a JSON file with every number, and
// the best model as a model file.
//
// Steps, in order (each can be switched off in the config's `sections`):
//   exploration  Profile() of the table (profile.hpp): the profile report's sections.
//   clustering   AnalyseClusters() with each configured algorithm (k-means, bisecting k-means,
//                BIRCH, DBSCAN), a k sweep with k-means, profiles and popularity per cluster.
//   models       each classifier (KNN, tree, tree with balanced class weights, forest, logistic
//                regression, XGBoost) under each protocol (stratified, grouped by artist, time
//                ordered); a KNN k sweep and random search, a tree depth sweep; the imbalance
//                strategies and the scalers compared; the best model (honest macro-F1 under the
//                first protocol) refitted on every row.
//   leakage      for each resampler, the same pipeline scored with resampling inside the training
//                parts (honest) and before the split (EvaluateLeakyResampleBeforeSplit), side by
//                side with the gap.
//   importance   impurity, permutation and mean |SHAP| importance of a tree model fitted on a
//                training part and scored on held-out rows; RFE.
//   regression   the raw popularity score (R2, MAE, RMSE) under the first protocol.
//
// Budget: every step that grows faster than the rows (searches, DBSCAN, silhouettes, SMOTE +
// Tomek, SHAP) works on a seeded sample when the table is larger than the configured budget, and
// the result records what was sampled (StudyResult::budget_notes), which the report states.
// Reproducible: the same config, seed and data give the same results (and report) whatever the
// thread count, apart from the recorded timings.
//
// Errors: Error(kInvalidInput) for a config file with an unknown key, a wrong type or a value out
// of range (naming file, line and key), for data without the needed columns; Error(kIo) for files
// that cannot be read or written; whatever the underlying steps throw.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <hitscope/cluster_profile.hpp>
#include <hitscope/dataset.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/importance.hpp>
#include <hitscope/model_file.hpp>
#include <hitscope/profile.hpp>
#include <hitscope/report.hpp>
#include <hitscope/sweep.hpp>

namespace hitscope {

// Every setting of a study. The defaults are the bundled data's study; DefaultStudyConfigText()
// is the same as a commented TOML file (`hitscope study --print-config`).
struct StudyConfig {
  std::string title;  // empty: "Popularity study of <file>"
  uint64_t seed = 0;  // every random step
  // The steps to run, in this order: exploration, clustering, models, leakage, importance,
  // regression.
  std::vector<std::string> sections = {"exploration", "clustering", "models",
                                       "leakage",     "importance", "regression"};

  // [data] Column roles (empty: detected, see dataset.hpp) and the popularity classes.
  ColumnRoles roles;
  std::string classes = "quantile:3";
  std::vector<std::string> class_names;  // empty: low, medium, high

  // [budget] Row limits of the expensive steps (a seeded sample above them; 0: no limit).
  int64_t model_rows = 100000;     // rows the classifiers, sweeps and leakage see
  int64_t knn_rows = 40000;        // rows of KNN (its cross-validation and k sweep)
  int64_t search_rows = 5000;      // rows of the KNN random search
  int64_t resample_rows = 10000;   // rows of the imbalance comparison and leakage demonstration
  int64_t cluster_rows = 100000;   // rows clustered by k-means, bisecting k-means and BIRCH
  int64_t dbscan_rows = 20000;     // rows clustered by DBSCAN
  int64_t silhouette_rows = 4000;  // rows per sampled silhouette
  int silhouette_repeats = 3;      // samples per silhouette
  int64_t shap_rows = 100;         // held-out rows explained by SHAP

  // [cv] Protocols (evaluation.hpp syntax); the first decides the best model.
  std::vector<std::string> protocols = {"stratified:5", "group:artist:3", "time"};

  // [models]
  std::vector<std::string> classifiers = {"knn",    "tree",   "tree_balanced",
                                          "forest", "logreg", "xgboost"};
  std::string scaler = "standard";
  int knn_k = 15;
  std::vector<int> knn_sweep = {1, 5, 15, 45};
  int knn_search_candidates = 5;
  int tree_max_depth = 8;
  int depth_sweep_max = 20;
  int forest_trees = 30;
  int forest_max_depth = 12;
  int xgboost_rounds = 40;
  int xgboost_max_depth = 4;
  // Compared on `imbalance_model` under the first protocol: strategies with `scaler`, scalers
  // with no resampling; with `imbalance_grid`, every strategy x scaler.
  std::vector<std::string> imbalance = {"none", "class_weight", "ros", "smote", "smote_tomek"};
  std::vector<std::string> scalers = {"standard", "minmax", "robust"};
  std::string imbalance_model = "logreg";
  bool imbalance_grid = false;

  // [leakage] The original study's protocol against the honest one.
  std::string leakage_model = "tree";           // with scikit-learn's defaults (a fully grown tree)
  std::string leakage_classes = "edges:20,60";  // fixed bins, imbalanced, as the original study
  std::vector<std::string> leakage_resamplers = {"ros", "smote", "smote_tomek"};
  std::string leakage_protocol = "stratified:5";

  // [clustering]
  std::vector<std::string> cluster_features = {"acousticness", "instrumentalness", "energy",
                                               "danceability"};
  std::vector<std::string> cluster_algorithms = {"kmeans", "bisecting_kmeans", "birch", "dbscan"};
  int cluster_k = 4;
  int sweep_k_max = 8;
  int kmeans_n_init = 4;
  double dbscan_eps = 0.5;
  int dbscan_min_samples = 5;

  // [importance]
  int permutation_repeats = 3;
  int rfe_features = 6;

  // [regression]
  std::vector<std::string> regressors = {"ridge", "forest"};

  bool Runs(const std::string& section) const;
};

// The default config as TOML with a comment on every setting.
std::string DefaultStudyConfigText();
// Reads a study.toml over `base`. Unknown keys, wrong types and values out of range are
// Error(kInvalidInput) naming the file, line and key; Error(kIo) when it cannot be read.
StudyConfig ParseStudyConfig(const std::string& path, StudyConfig base = {});
StudyConfig ParseStudyConfigText(const std::string& text, const std::string& name,
                                 StudyConfig base = {});
// Checks ranges and names; throws Error(kInvalidArgument) naming the setting.
void ValidateStudyConfig(const StudyConfig& config);

// ---- Results ----------------------------------------------------------------------------------

// One pipeline scored under one protocol.
struct StudyEvaluation {
  std::string name;  // "forest", "tree_balanced", "logreg + smote", ...
  Evaluation evaluation;
  double seconds = 0;
};

// The leakage demonstration for one resampler.
struct LeakagePair {
  std::string resampler;
  Evaluation honest, leaky;
  double Gap(const std::string& metric) const;  // leaky mean - honest mean
};

struct StudyStep {
  std::string name;
  double seconds = 0;
};

struct StudyResult {
  StudyConfig config;
  std::string source;          // the file or folder
  std::string source_kind;     // "csv" or "beatport folder (integrated)"
  std::string integrate_note;  // IntegrateReport::Summary() for a folder
  int64_t rows = 0;            // rows of the table
  std::string hitscope_version;

  std::optional<ProfileResult> profile;

  std::vector<ClusterAnalysis> clusters;  // one per algorithm
  std::vector<int64_t> cluster_rows;      // rows each analysis used (sampled or all)

  Dataset data;  // the class dataset the models use (after the model_rows sample)
  std::vector<StudyEvaluation> classifiers;  // every classifier under every protocol
  std::vector<StudyEvaluation> imbalance;    // imbalance strategies / scalers
  std::optional<SweepResult> knn_sweep, depth_sweep;
  std::optional<SearchResult> knn_search;
  std::string best_name;  // the best classifier (honest macro-F1, first protocol)
  PipelineSpec best_spec;
  std::optional<TrainedModel> best_model;

  std::string leakage_classes;  // PopularityClasses::Describe() of the leakage classes
  std::vector<LeakagePair> leakage;

  std::string importance_model;  // what the importances explain
  std::optional<ImportanceTable> importance;
  std::optional<RfeResult> rfe;
  std::vector<std::string> rfe_features;  // the feature names RFE ranked

  std::vector<StudyEvaluation> regression;

  std::vector<std::string> budget_notes;  // what was sampled, and why
  std::vector<std::string> notes;         // steps that could not run, and why
  std::vector<StudyStep> steps;           // timings
  double seconds = 0;

  // The plain-language findings at the top of the report, from the numbers.
  std::vector<std::string> Findings() const;
};

// Where progress goes: called when a step starts (index from 1 of `total`).
using StudyProgress = std::function<void(const std::string& step, int index, int total)>;

// Reads `source` (a CSV file, or a folder with the five Beatport/Spotify files, integrated
// first) and runs the study. `progress` may be empty.
StudyResult RunStudy(const std::string& source, const StudyConfig& config,
                     const StudyProgress& progress = {});
// The same on a table already in memory (`source` names it in the report).
StudyResult RunStudyOnTable(const Table& table, const std::string& source,
                            const StudyConfig& config, const StudyProgress& progress = {});

// Every number of the study as JSON.
std::string StudyToJson(const StudyResult& result);
// The report: findings first, then every section.
report::Report MakeStudyReport(const StudyResult& result);
// The section ids of a study report (for tests and links), for a config that runs everything.
std::vector<std::string> StudySectionIds();

struct StudyOutputs {
  std::string report, results, model;  // paths written ("" when not written)
};
// Writes report.html, results.json and best_model.hsm into `dir` (created if missing), each
// atomically. Throws Error(kIo).
StudyOutputs WriteStudyOutputs(const StudyResult& result, const std::string& dir);

}  // namespace hitscope
