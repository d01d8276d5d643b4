// study.toml: the study's settings, read with toml++ (as profile.toml). Unknown keys are errors so
// that a misspelt setting is reported instead of silently ignored.
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <hitscope/error.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/file.hpp>
#include <hitscope/models.hpp>
#include <hitscope/study.hpp>

#include "core/text.hpp"

namespace hitscope {
namespace {

const std::vector<std::string> kSections = {"exploration", "clustering", "models",
                                            "leakage",     "importance", "regression"};
const std::vector<std::string> kClassifiers = {"knn",    "tree",   "tree_balanced",
                                               "forest", "logreg", "xgboost"};
const std::vector<std::string> kImbalance = {"none", "class_weight", "ros", "smote", "smote_tomek"};
const std::vector<std::string> kScalers = {"none", "standard", "minmax", "robust"};
const std::vector<std::string> kResamplers = {"ros", "smote", "smote_tomek", "tomek"};
const std::vector<std::string> kAlgorithms = {"kmeans", "bisecting_kmeans", "birch", "dbscan"};
const std::vector<std::string> kRegressors = {"ridge", "knn", "tree", "forest", "xgboost"};

struct Reader {
  const std::string& name;

  [[noreturn]] void Fail(const toml::node& node, const std::string& key,
                         const std::string& message) const {
    const auto& where = node.source().begin;
    throw InvalidInput(
        fmt::format("{}:{}:{}: {}: {}", name, where.line, where.column, key, message));
  }

  void CheckKeys(const toml::table& table, const std::string& prefix,
                 const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : table) {
      std::string text(key.str());
      if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
        Fail(value, prefix + text,
             fmt::format("unknown setting{}; known: {}", DidYouMean(text, allowed),
                         QuoteList(allowed)));
      }
    }
  }

  void String(const toml::table& t, const char* key, const std::string& prefix,
              std::string* out) const {
    const toml::node* node = t.get(key);
    if (!node) return;
    auto value = node->value<std::string>();
    if (!value || !node->is_string()) Fail(*node, prefix + key, "must be a string in quotes");
    *out = *value;
  }

  template <typename Int>
  void Integer(const toml::table& t, const char* key, const std::string& prefix, Int* out) const {
    const toml::node* node = t.get(key);
    if (!node) return;
    auto value = node->value<int64_t>();
    if (!value || !node->is_integer()) Fail(*node, prefix + key, "must be an integer");
    if (*value < 0) Fail(*node, prefix + key, "must not be negative");
    *out = static_cast<Int>(*value);
  }

  void Number(const toml::table& t, const char* key, const std::string& prefix, double* out) const {
    const toml::node* node = t.get(key);
    if (!node) return;
    auto value = node->value<double>();
    if (!value || !(node->is_integer() || node->is_floating_point())) {
      Fail(*node, prefix + key, "must be a number");
    }
    *out = *value;
  }

  void Bool(const toml::table& t, const char* key, const std::string& prefix, bool* out) const {
    const toml::node* node = t.get(key);
    if (!node) return;
    if (!node->is_boolean()) Fail(*node, prefix + key, "must be true or false");
    *out = *node->value<bool>();
  }

  // A list of strings, each (when `allowed` is not empty) one of `allowed`.
  void Strings(const toml::table& t, const char* key, const std::string& prefix,
               std::vector<std::string>* out, const std::vector<std::string>& allowed = {}) const {
    const toml::node* node = t.get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    if (!array) Fail(*node, prefix + key, "must be a list of strings, e.g. [\"a\", \"b\"]");
    out->clear();
    for (const auto& element : *array) {
      auto value = element.value<std::string>();
      if (!value || !element.is_string()) Fail(element, prefix + key, "must be a list of strings");
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
        Fail(element, prefix + key,
             fmt::format("'{}' is not known{}; choose from {}", *value, DidYouMean(*value, allowed),
                         QuoteList(allowed)));
      }
      out->push_back(*value);
    }
  }

  void Ints(const toml::table& t, const char* key, const std::string& prefix,
            std::vector<int>* out) const {
    const toml::node* node = t.get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    if (!array) Fail(*node, prefix + key, "must be a list of integers, e.g. [1, 5, 15]");
    out->clear();
    for (const auto& element : *array) {
      auto value = element.value<int64_t>();
      if (!value || !element.is_integer() || *value < 1) {
        Fail(element, prefix + key, "must be a list of positive integers");
      }
      out->push_back(static_cast<int>(*value));
    }
  }

  const toml::table* Section(const toml::table& root, const char* key) const {
    const toml::node* node = root.get(key);
    if (!node) return nullptr;
    const toml::table* table = node->as_table();
    if (!table) Fail(*node, key, "must be a table ([" + std::string(key) + "])");
    return table;
  }
};

void RequireIn(const std::string& value, const std::vector<std::string>& allowed, const char* key) {
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    throw InvalidArgument(fmt::format("{} = '{}' is not known{}; choose from {}", key, value,
                                      DidYouMean(value, allowed), QuoteList(allowed)));
  }
}

void RequireAtLeast(int64_t value, int64_t minimum, const char* key) {
  if (value < minimum) {
    throw InvalidArgument(fmt::format("{} must be at least {}, got {}", key, minimum, value));
  }
}

}  // namespace

bool StudyConfig::Runs(const std::string& section) const {
  return std::find(sections.begin(), sections.end(), section) != sections.end();
}

std::string DefaultStudyConfigText() {
  return R"(# hitscope study configuration. Every setting is optional; these are the defaults.
# Print this file with `hitscope study --print-config`; pass yours with --config study.toml.

title = ""          # report title; empty: "Popularity study of <file>"
seed = 0            # seeds every random step: the same seed gives the same report
# The steps to run, in order: exploration, clustering, models, leakage, importance, regression.
sections = ["exploration", "clustering", "models", "leakage", "importance", "regression"]

[data]
# Column roles; empty: detected (track_popularity / popularity, track_artist / artist_id, ...).
popularity = ""
artist = ""
release_date = ""
id = ""
isrc = ""
features = []       # empty: the twelve audio features
# Popularity classes: "quantile:K" (K classes of about equal size, popularity 0 always in the
# first) or "edges:E1,E2" (class i holds the values <= Ei).
classes = "quantile:3"
class_names = []    # empty: low, medium, high

[budget]
# Above these row counts a step works on a seeded sample (and the report says so); 0: no limit.
model_rows = 100000       # classifiers, sweeps, leakage demonstration, regression
knn_rows = 40000          # KNN's cross-validation and k sweep (exact neighbour search in
                          # 12 dimensions grows faster than the rows)
search_rows = 5000        # the KNN random search
resample_rows = 10000     # the imbalance comparison and the leakage demonstration (SMOTE + Tomek
                          # links need neighbour searches on every training part)
cluster_rows = 100000     # k-means, bisecting k-means, BIRCH
dbscan_rows = 20000       # DBSCAN
silhouette_rows = 4000    # rows per sampled silhouette
silhouette_repeats = 3    # samples per silhouette
shap_rows = 100           # held-out rows explained by SHAP

[cv]
# Protocols: stratified[:K], repeated[:KxR], group:artist[:K], group:isrc[:K], time[:K],
# holdout[:F]. Every classifier runs under each; the first one picks the best model.
protocols = ["stratified:5", "group:artist:3", "time"]

[models]
# Classifiers: knn, tree, tree_balanced (class weights), forest, logreg, xgboost.
classifiers = ["knn", "tree", "tree_balanced", "forest", "logreg", "xgboost"]
scaler = "standard"       # none, standard, minmax, robust
knn_k = 15
knn_sweep = [1, 5, 15, 45]      # k values of the k sweep (holdout 20 %)
knn_search_candidates = 5       # random search over k, weights and the scaler
tree_max_depth = 8
depth_sweep_max = 20            # the depth sweep runs max_depth = 1..this (holdout 20 %)
forest_trees = 30
forest_max_depth = 12
xgboost_rounds = 40
xgboost_max_depth = 4
# Imbalance strategies (none, class_weight, ros, smote, smote_tomek) compared with `scaler`, and
# the scalers compared without resampling, on imbalance_model; imbalance_grid = true runs every
# strategy x scaler instead.
imbalance = ["none", "class_weight", "ros", "smote", "smote_tomek"]
scalers = ["standard", "minmax", "robust"]
imbalance_model = "logreg"
imbalance_grid = false

[leakage]
# The same pipeline scored with resampling inside the training parts (honest) and before the
# split (the original study's protocol), for each resampler: ros, smote, smote_tomek, tomek.
model = "tree"                  # knn, tree, forest, logreg; trees and forests fully grown
                                # (scikit-learn's defaults, as the original study)
classes = "edges:20,60"         # fixed bins as the original study's (imbalanced classes)
resamplers = ["ros", "smote", "smote_tomek"]
protocol = "stratified:5"

[clustering]
features = ["acousticness", "instrumentalness", "energy", "danceability"]
algorithms = ["kmeans", "bisecting_kmeans", "birch", "dbscan"]
k = 4                   # clusters of k-means, bisecting k-means and BIRCH
sweep_k_max = 8         # k sweep with k-means for k = 2..this (0: none)
kmeans_n_init = 4       # k-means runs from different starts
dbscan_eps = 0.5        # on standardised features
dbscan_min_samples = 5

[importance]
permutation_repeats = 3
rfe_features = 6        # features RFE keeps (decision tree, impurity importance)

[regression]
# Models of the raw popularity score: ridge, knn, tree, forest, xgboost.
models = ["ridge", "forest"]
)";
}

StudyConfig ParseStudyConfigText(const std::string& text, const std::string& name,
                                 StudyConfig base) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw InvalidInput(fmt::format("{}:{}:{}: not valid TOML: {}", name, where.line, where.column,
                                   e.description()));
  }
  Reader r{name};
  StudyConfig c = std::move(base);
  r.CheckKeys(root, "",
              {"title", "seed", "sections", "data", "budget", "cv", "models", "leakage",
               "clustering", "importance", "regression"});
  r.String(root, "title", "", &c.title);
  r.Integer(root, "seed", "", &c.seed);
  r.Strings(root, "sections", "", &c.sections, kSections);
  if (const auto* t = r.Section(root, "data")) {
    const std::string p = "data.";
    r.CheckKeys(*t, p,
                {"popularity", "artist", "release_date", "id", "isrc", "features", "classes",
                 "class_names"});
    r.String(*t, "popularity", p, &c.roles.target);
    r.String(*t, "artist", p, &c.roles.artist);
    r.String(*t, "release_date", p, &c.roles.date);
    r.String(*t, "id", p, &c.roles.id);
    r.String(*t, "isrc", p, &c.roles.isrc);
    r.Strings(*t, "features", p, &c.roles.features);
    r.String(*t, "classes", p, &c.classes);
    r.Strings(*t, "class_names", p, &c.class_names);
  }
  if (const auto* t = r.Section(root, "budget")) {
    const std::string p = "budget.";
    r.CheckKeys(*t, p,
                {"model_rows", "knn_rows", "search_rows", "resample_rows", "cluster_rows",
                 "dbscan_rows", "silhouette_rows", "silhouette_repeats", "shap_rows"});
    r.Integer(*t, "model_rows", p, &c.model_rows);
    r.Integer(*t, "knn_rows", p, &c.knn_rows);
    r.Integer(*t, "search_rows", p, &c.search_rows);
    r.Integer(*t, "resample_rows", p, &c.resample_rows);
    r.Integer(*t, "cluster_rows", p, &c.cluster_rows);
    r.Integer(*t, "dbscan_rows", p, &c.dbscan_rows);
    r.Integer(*t, "silhouette_rows", p, &c.silhouette_rows);
    r.Integer(*t, "silhouette_repeats", p, &c.silhouette_repeats);
    r.Integer(*t, "shap_rows", p, &c.shap_rows);
  }
  if (const auto* t = r.Section(root, "cv")) {
    r.CheckKeys(*t, "cv.", {"protocols"});
    r.Strings(*t, "protocols", "cv.", &c.protocols);
  }
  if (const auto* t = r.Section(root, "models")) {
    const std::string p = "models.";
    r.CheckKeys(
        *t, p,
        {"classifiers", "scaler", "knn_k", "knn_sweep", "knn_search_candidates", "tree_max_depth",
         "depth_sweep_max", "forest_trees", "forest_max_depth", "xgboost_rounds",
         "xgboost_max_depth", "imbalance", "scalers", "imbalance_model", "imbalance_grid"});
    r.Strings(*t, "classifiers", p, &c.classifiers, kClassifiers);
    r.String(*t, "scaler", p, &c.scaler);
    r.Integer(*t, "knn_k", p, &c.knn_k);
    r.Ints(*t, "knn_sweep", p, &c.knn_sweep);
    r.Integer(*t, "knn_search_candidates", p, &c.knn_search_candidates);
    r.Integer(*t, "tree_max_depth", p, &c.tree_max_depth);
    r.Integer(*t, "depth_sweep_max", p, &c.depth_sweep_max);
    r.Integer(*t, "forest_trees", p, &c.forest_trees);
    r.Integer(*t, "forest_max_depth", p, &c.forest_max_depth);
    r.Integer(*t, "xgboost_rounds", p, &c.xgboost_rounds);
    r.Integer(*t, "xgboost_max_depth", p, &c.xgboost_max_depth);
    r.Strings(*t, "imbalance", p, &c.imbalance, kImbalance);
    r.Strings(*t, "scalers", p, &c.scalers, kScalers);
    r.String(*t, "imbalance_model", p, &c.imbalance_model);
    r.Bool(*t, "imbalance_grid", p, &c.imbalance_grid);
  }
  if (const auto* t = r.Section(root, "leakage")) {
    const std::string p = "leakage.";
    r.CheckKeys(*t, p, {"model", "classes", "resamplers", "protocol"});
    r.String(*t, "model", p, &c.leakage_model);
    r.String(*t, "classes", p, &c.leakage_classes);
    r.Strings(*t, "resamplers", p, &c.leakage_resamplers, kResamplers);
    r.String(*t, "protocol", p, &c.leakage_protocol);
  }
  if (const auto* t = r.Section(root, "clustering")) {
    const std::string p = "clustering.";
    r.CheckKeys(*t, p,
                {"features", "algorithms", "k", "sweep_k_max", "kmeans_n_init", "dbscan_eps",
                 "dbscan_min_samples"});
    r.Strings(*t, "features", p, &c.cluster_features);
    r.Strings(*t, "algorithms", p, &c.cluster_algorithms, kAlgorithms);
    r.Integer(*t, "k", p, &c.cluster_k);
    r.Integer(*t, "sweep_k_max", p, &c.sweep_k_max);
    r.Integer(*t, "kmeans_n_init", p, &c.kmeans_n_init);
    r.Number(*t, "dbscan_eps", p, &c.dbscan_eps);
    r.Integer(*t, "dbscan_min_samples", p, &c.dbscan_min_samples);
  }
  if (const auto* t = r.Section(root, "importance")) {
    r.CheckKeys(*t, "importance.", {"permutation_repeats", "rfe_features"});
    r.Integer(*t, "permutation_repeats", "importance.", &c.permutation_repeats);
    r.Integer(*t, "rfe_features", "importance.", &c.rfe_features);
  }
  if (const auto* t = r.Section(root, "regression")) {
    r.CheckKeys(*t, "regression.", {"models"});
    r.Strings(*t, "models", "regression.", &c.regressors, kRegressors);
  }
  try {
    ValidateStudyConfig(c);
  } catch (const Error& e) {
    throw InvalidInput(fmt::format("{}: {}", name, e.what()));
  }
  return c;
}

StudyConfig ParseStudyConfig(const std::string& path, StudyConfig base) {
  return ParseStudyConfigText(ReadFileToString(path), path, std::move(base));
}

void ValidateStudyConfig(const StudyConfig& c) {
  for (const auto& s : c.sections) RequireIn(s, kSections, "sections");
  for (const auto& m : c.classifiers) RequireIn(m, kClassifiers, "models.classifiers");
  for (const auto& m : c.imbalance) RequireIn(m, kImbalance, "models.imbalance");
  for (const auto& m : c.scalers) RequireIn(m, kScalers, "models.scalers");
  for (const auto& m : c.leakage_resamplers) RequireIn(m, kResamplers, "leakage.resamplers");
  for (const auto& m : c.cluster_algorithms) RequireIn(m, kAlgorithms, "clustering.algorithms");
  for (const auto& m : c.regressors) RequireIn(m, kRegressors, "regression.models");
  RequireIn(c.scaler, kScalers, "models.scaler");
  RequireIn(c.imbalance_model, {"knn", "tree", "forest", "logreg"}, "models.imbalance_model");
  RequireIn(c.leakage_model, {"knn", "tree", "forest", "logreg"}, "leakage.model");
  if (c.protocols.empty()) throw InvalidArgument("cv.protocols must name at least one protocol");
  for (const auto& p : c.protocols) Protocol::Parse(p);
  Protocol::Parse(c.leakage_protocol);
  RequireAtLeast(c.knn_k, 1, "models.knn_k");
  RequireAtLeast(c.tree_max_depth, 1, "models.tree_max_depth");
  RequireAtLeast(c.depth_sweep_max, 1, "models.depth_sweep_max");
  RequireAtLeast(c.forest_trees, 1, "models.forest_trees");
  RequireAtLeast(c.forest_max_depth, 1, "models.forest_max_depth");
  RequireAtLeast(c.xgboost_rounds, 1, "models.xgboost_rounds");
  RequireAtLeast(c.xgboost_max_depth, 1, "models.xgboost_max_depth");
  RequireAtLeast(c.knn_search_candidates, 0, "models.knn_search_candidates");
  RequireAtLeast(c.cluster_k, 2, "clustering.k");
  RequireAtLeast(c.kmeans_n_init, 1, "clustering.kmeans_n_init");
  RequireAtLeast(c.dbscan_min_samples, 1, "clustering.dbscan_min_samples");
  RequireAtLeast(c.silhouette_rows, 10, "budget.silhouette_rows");
  RequireAtLeast(c.silhouette_repeats, 1, "budget.silhouette_repeats");
  RequireAtLeast(c.permutation_repeats, 1, "importance.permutation_repeats");
  RequireAtLeast(c.rfe_features, 1, "importance.rfe_features");
  if (c.sweep_k_max == 1) throw InvalidArgument("clustering.sweep_k_max must be 0 or at least 2");
  if (!(c.dbscan_eps > 0)) {
    throw InvalidArgument(fmt::format("clustering.dbscan_eps must be > 0, got {}", c.dbscan_eps));
  }
  if (c.cluster_features.size() < 2) {
    throw InvalidArgument("clustering.features must name at least two feature columns");
  }
}

}  // namespace hitscope
