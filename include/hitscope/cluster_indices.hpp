// hitscope/cluster_indices.hpp: how good a clustering is, without ground truth: the
// silhouette (exact, and a sampled estimate with its standard error), Calinski-Harabasz and
// Davies-Bouldin, as sklearn.metrics 1.2.1; and a k sweep (inertia and the three indices for
// k-means with k = k_min..k_max, with the elbow and the best silhouette).
//
// Shapes: X is rows x features; labels has one integer per row. Labels may be any integers
// (they are encoded in ascending order, as sklearn's LabelEncoder); DBSCAN's noise label -1 is
// a cluster like any other here, as in sklearn: drop noise rows first (WithoutNoise) to score
// only the clusters.
//
// Errors (hitscope::Error): kInvalidInput when X is empty or holds NaN / inf, when labels and
// rows differ in number, or when the number of distinct labels is not between 2 and rows - 1
// ("the indices need at least two clusters ..."); kInvalidArgument for a sample size or k range
// out of its domain.
//
// Threads and memory: the silhouette runs over tiles of row pairs on the worker pool; memory is
// linear in rows (rows x clusters partial sums, never a rows x rows matrix). Results do not
// depend on the thread count: tile sums are exact in fixed point before they are combined.
// Every function is safe to call from several threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <hitscope/cluster.hpp>
#include <hitscope/matrix.hpp>

namespace hitscope {

// The silhouette of each row, (b - a) / max(a, b) with a the mean distance to the other rows
// of its cluster and b the lowest mean distance to another cluster; 0 for a row alone in its
// cluster (sklearn.metrics.silhouette_samples, Euclidean). Deviation: distances are computed
// directly, sqrt(sum (x - y)^2), where sklearn uses the faster but less accurate
// ||x||^2 - 2 x.y + ||y||^2; the mean agrees to about 1e-12.
std::vector<double> SilhouetteSamples(const Matrix& x, std::span<const int32_t> labels);
// Their mean (sklearn.metrics.silhouette_score). O(rows^2) time, O(rows x clusters) memory.
double SilhouetteScore(const Matrix& x, std::span<const int32_t> labels);

struct SampledSilhouette {
  double value = 0;           // mean of the draws
  double standard_error = 0;  // sample standard deviation of the draws / sqrt(draws); 0 for 1 draw
  int64_t sample_size = 0;    // rows per draw
  std::vector<double> draws;  // the silhouette of each random subset, in order
};

// The silhouette of `repeats` random subsets of `sample_size` rows (without replacement). The
// first draw equals sklearn's silhouette_score(X, labels, sample_size=sample_size,
// random_state=seed); later draws continue the same numpy RandomState. A sample of all rows
// gives the exact value. Throws Error(kInvalidArgument) unless 2 <= sample_size and
// repeats >= 1; a draw whose labels fall below two clusters throws Error(kInvalidInput).
SampledSilhouette SilhouetteSampled(const Matrix& x, std::span<const int32_t> labels,
                                    int64_t sample_size, int repeats = 5, uint32_t seed = 0);

// Between- over within-cluster dispersion, each divided by its degrees of freedom
// (sklearn.metrics.calinski_harabasz_score); higher is better; 1 when every cluster is a point.
// Summed in numpy's order, so equal to sklearn's to the last bits.
double CalinskiHarabaszScore(const Matrix& x, std::span<const int32_t> labels);

// The mean over clusters of the worst ratio (s_i + s_j) / d(c_i, c_j), s the mean distance of a
// cluster's rows to its centroid (sklearn.metrics.davies_bouldin_score); lower is better; 0 when
// all s or all centroid distances are 0 (within 1e-8).
double DaviesBouldinScore(const Matrix& x, std::span<const int32_t> labels);

// The rows whose label is not -1, and their labels (to score DBSCAN's clusters without its
// noise). *kept, if given, receives the kept row indices.
void WithoutNoise(const Matrix& x, std::span<const int32_t> labels, Matrix* x_out,
                  std::vector<int32_t>* labels_out, std::vector<int64_t>* kept = nullptr);

// ---- k sweep -------------------------------------------------------------------------------

struct KSweepOptions {
  int k_min = 2;   // first k (>= 2: the indices need two clusters)
  int k_max = 10;  // last k (>= k_min, <= rows - 1)
  // k-means for every k (n_clusters is set by the sweep).
  KMeansOptions kmeans;
  // The silhouette is exact up to this many rows, else sampled (sample size and draws below);
  // false: not computed (NaN).
  bool silhouette = true;
  int64_t exact_silhouette_rows = 20000;
  int64_t silhouette_sample_size = 10000;
  int silhouette_repeats = 3;
};

struct KSweepPoint {
  int k = 0;
  double inertia = 0;
  double silhouette = 0;
  double silhouette_standard_error = 0;  // 0 when exact
  bool silhouette_exact = true;
  double calinski_harabasz = 0;
  double davies_bouldin = 0;
};

struct KSweepResult {
  std::vector<KSweepPoint> points;  // one per k, ascending
  // The elbow of the inertia curve: the k farthest below the straight line from the first to
  // the last point (both axes scaled to [0, 1]; the "kneedle" rule). k_min when fewer than 3 k.
  int elbow_k = 0;
  int best_silhouette_k = 0;         // highest silhouette
  int best_calinski_harabasz_k = 0;  // highest Calinski-Harabasz
  int best_davies_bouldin_k = 0;     // lowest Davies-Bouldin
};

// k-means for each k in [k_min, k_max] and the indices of each result. Throws as the indices
// and KMeans do.
KSweepResult KSweep(const Matrix& x, const KSweepOptions& options);

}  // namespace hitscope
