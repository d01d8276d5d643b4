// hitscope/cluster_profile.hpp: what the clusters are and whether they differ in popularity,
// and the whole cluster analysis behind `hitscope cluster` (table in, report out).
//
//  - ProfileClusters: per cluster its size, its centroid on the original scale, the centroid as
//    z-scores and as a radar-chart-ready 0..1 value per feature, a descriptive name from the
//    features far above or below the overall mean ("high energy, lyrical, not acoustic"), and
//    popularity (count, mean, median, quartiles, IQR) with a Kruskal-Wallis test of whether the
//    clusters differ (scipy.stats.kruskal, epsilon-squared effect size; stats.hpp).
//  - AnalyseClusters: picks the feature columns, scales them (standard / min-max / robust, as
//    scikit-learn's scalers; recorded), runs one algorithm of cluster.hpp, the quality indices
//    of cluster_indices.hpp, an optional k sweep, and the profile; FormatClusterAnalysis and
//    ClusterAnalysisToJson render it.
//
// Errors (hitscope::Error): kInvalidInput for an unknown, non-numeric or constant feature column
// (a constant feature can neither separate nor name clusters), a missing value in a feature
// (unless drop_missing), an unknown popularity column, or data an algorithm rejects;
// kInvalidArgument for options out of their domain. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <hitscope/cluster.hpp>
#include <hitscope/cluster_indices.hpp>
#include <hitscope/matrix.hpp>
#include <hitscope/stats.hpp>
#include <hitscope/table.hpp>

namespace hitscope {

// ---- Profile --------------------------------------------------------------------------------

struct ClusterProfileOptions {
  // A feature names a cluster when the cluster's mean is at least this many overall standard
  // deviations above or below the overall mean. Default 0.5.
  double name_threshold = 0.5;
  // At most this many features in a name, the farthest first. Default 3.
  int name_features = 3;
};

struct ClusterSummary {
  int32_t label = 0;  // -1: DBSCAN's noise
  std::string name;   // e.g. "high energy, lyrical, not acoustic"; "noise" for -1
  int64_t size = 0;
  double share = 0;              // size / rows
  std::vector<double> centroid;  // mean of each feature over the cluster, original scale
  std::vector<double> z;         // (centroid - overall mean) / overall std (ddof 0)
  std::vector<double> radar;     // (centroid - overall min) / (overall max - overall min)
  // Popularity of the cluster's rows (missing values skipped); NaN when there are none.
  int64_t popularity_count = 0;
  double popularity_mean = 0, popularity_median = 0, popularity_q25 = 0, popularity_q75 = 0,
         popularity_iqr = 0;
};

struct ClusterProfile {
  std::vector<std::string> features;
  std::vector<double> overall_mean, overall_std, overall_min, overall_max;
  std::vector<ClusterSummary> clusters;  // labels ascending, noise (-1) last
  std::string popularity_column;         // empty: no popularity given
  // Kruskal-Wallis across the clusters (noise left out); absent when there is no popularity or
  // fewer than two clusters; `popularity_test_note` says why when it could not be computed.
  std::optional<KruskalWallisResult> popularity_test;
  std::string popularity_test_note;
};

// The profile of `labels` over the rows of `x` (original scale, rows x features).
// `popularity` is empty or one value per row (NaN: missing).
ClusterProfile ProfileClusters(const Matrix& x, std::span<const int32_t> labels,
                               const std::vector<std::string>& features,
                               std::span<const double> popularity,
                               const std::string& popularity_column,
                               const ClusterProfileOptions& options = {});

// The name of a cluster from its z-scores: the features with |z| >= threshold, farthest first
// (ties in feature order), at most `name_features`, each as a phrase ("high energy" /
// "low energy", "acoustic" / "not acoustic", "instrumental" / "lyrical", ...; unknown features
// "high <name>" / "low <name>"), joined by ", "; "average" when none qualifies.
std::string ClusterName(const std::vector<std::string>& features, std::span<const double> z,
                        const ClusterProfileOptions& options = {});

// ---- Scaling ---------------------------------------------------------------------------------

enum class ClusterScaling {
  kNone,
  kStandard,  // sklearn StandardScaler: (x - mean) / std
  kMinMax,    // sklearn MinMaxScaler: (x - min) / (max - min)
  kRobust,    // sklearn RobustScaler: (x - median) / IQR
};

// "none", "standard", "minmax", "robust".
std::string_view ClusterScalingName(ClusterScaling scaling);
// Parses those names (and "min-max"); throws Error(kInvalidArgument) listing them otherwise.
ClusterScaling ParseClusterScaling(std::string_view name);

// How the features were scaled: x_scaled = (x - center) / scale per feature.
struct ScalingRecord {
  ClusterScaling method = ClusterScaling::kNone;
  std::vector<double> center;  // mean, min or median
  std::vector<double> scale;   // std, max - min or IQR (1 for a constant feature, as sklearn)
};

// ---- The analysis ----------------------------------------------------------------------------

enum class SilhouetteMode {
  kAuto,     // exact up to exact_silhouette_rows rows, else sampled
  kExact,    // always exact (O(rows^2) time)
  kSampled,  // always sampled
  kNone,     // not computed
};

struct ClusterAnalysisOptions {
  // Feature columns (numeric). Default: the study's audio character.
  std::vector<std::string> features = {"acousticness", "instrumentalness", "energy",
                                       "danceability"};
  // "kmeans", "bisecting_kmeans", "birch" or "dbscan".
  std::string algorithm = "kmeans";
  ClusterScaling scaling = ClusterScaling::kStandard;
  KMeansOptions kmeans;
  BisectingKMeansOptions bisecting;
  BirchOptions birch;
  DbscanOptions dbscan;
  // Rows with a missing or non-finite feature: false, stop with an error naming the first; true,
  // leave them out (counted in rows_dropped; their label is -2 in `labels`).
  bool drop_missing = false;
  // Quality indices (on the scaled features; DBSCAN's noise rows left out).
  bool indices = true;
  SilhouetteMode silhouette = SilhouetteMode::kAuto;
  int64_t exact_silhouette_rows = 50000;
  int64_t silhouette_sample_size = 10000;
  int silhouette_repeats = 5;
  // k sweep with k-means (the kmeans options above) for k = 2..sweep_k_max; 0: no sweep. Its
  // silhouettes follow `silhouette`, but kAuto is exact only up to 20,000 rows.
  int sweep_k_max = 0;
  // Popularity column for the profile: empty = the first of "track_popularity", "popularity"
  // that exists (none is fine); "none" = no popularity.
  std::string popularity_column;
  ClusterProfileOptions profile;
};

struct ClusterIndexValues {
  bool computed = false;
  std::string note;  // why not computed, or "noise rows left out"
  int64_t rows = 0;  // rows scored
  double silhouette = std::numeric_limits<double>::quiet_NaN();
  bool silhouette_exact = true;
  double silhouette_standard_error = 0;
  int64_t silhouette_sample_size = 0;
  int silhouette_draws = 0;
  double calinski_harabasz = std::numeric_limits<double>::quiet_NaN();
  double davies_bouldin = std::numeric_limits<double>::quiet_NaN();
};

struct ClusterAnalysis {
  std::string source;  // file name, for the report
  int64_t rows_in = 0, rows_used = 0, rows_dropped = 0;
  std::vector<std::string> features;
  ScalingRecord scaling;
  std::string algorithm;    // "kmeans", ...
  std::string description;  // DescribeClusterer: the options that decide the result
  int n_clusters = 0;       // clusters found (noise not counted)
  int64_t n_noise = 0;
  Labels labels;  // one per input row: 0..k-1, -1 noise, -2 dropped (missing feature)
  double inertia = std::numeric_limits<double>::quiet_NaN();  // k-means family only
  std::vector<double> run_inertias;                           // k-means: every run's inertia
  int64_t birch_subclusters = 0;                              // BIRCH only
  ClusterIndexValues indices;
  ClusterProfile profile;
  std::optional<KSweepResult> sweep;
  std::vector<std::pair<std::string, double>> timings;  // seconds per step, in order
};

// The whole analysis on a table. Throws as described at the top.
ClusterAnalysis AnalyseClusters(const Table& table, const ClusterAnalysisOptions& options);

// A readable summary for a terminal: what was clustered and how, the indices, one block per
// cluster (name, size, popularity, centroid), the popularity test and the sweep.
std::string FormatClusterAnalysis(const ClusterAnalysis& analysis);
// The same as JSON (NaN as null): {"source", "rows", "features", "scaling", "algorithm",
// "clusters": [...], "indices", "popularity_test", "radar", "sweep", "timings"}.
std::string ClusterAnalysisToJson(const ClusterAnalysis& analysis);
// One row per input row: the `id_columns` of `table` that exist, then "cluster" (int64; null for
// a dropped row) and "cluster_name".
Table ClusterLabelsTable(const Table& table, const ClusterAnalysis& analysis,
                         const std::vector<std::string>& id_columns);

}  // namespace hitscope
