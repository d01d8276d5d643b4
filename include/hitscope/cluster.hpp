// hitscope/cluster.hpp: k-means, bisecting k-means, BIRCH and DBSCAN behind the Clusterer
// interface of estimator.hpp, each giving the same answer as its scikit-learn 1.2.1 class.
//
// Shapes: X is rows x features (Matrix); labels() has one label per row, 0..k-1, and -1 for
// DBSCAN's noise. sample_weight is empty (all ones) or one weight per row.
//
// Errors (all hitscope::Error): an option out of its domain (k < 1, eps <= 0, threshold <= 0)
// throws kInvalidArgument when Fit is called; data that cannot be clustered (no rows, no
// features, a NaN or infinite value, fewer rows than clusters, a negative or non-finite weight)
// throws kInvalidInput naming the row and feature. Predict before Fit throws kInvalidArgument.
// A constant feature is accepted (it adds nothing to any distance), as scikit-learn does; the
// cluster analysis of cluster_profile.hpp rejects it because it cannot name a cluster.
//
// Threads: Fit runs on the worker pool (runtime.hpp); results do not depend on the thread
// count. A fitted estimator is immutable: Predict and the accessors are safe from many threads.
//
// Randomness: `seed` plays the part of scikit-learn's integer random_state: hitscope draws the
// same numbers as numpy's RandomState(seed) in the same order, so k-means++ picks the same
// rows as scikit-learn and, from the same start, reaches the same labels and inertia (floating
// point rounding of distance sums aside: see docs/clustering.md for what is equal and why).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>
#include <hitscope/matrix.hpp>

namespace hitscope {

namespace cluster {
struct BisectingNode;  // internal: a node of the bisecting tree
}  // namespace cluster

// ---- k-means -------------------------------------------------------------------------------

// How k-means starts.
enum class KMeansInit {
  kKMeansPlusPlus,  // greedy k-means++ (sklearn init='k-means++')
  kRandom,          // k distinct rows drawn at random (init='random')
  kGiven,           // the rows of KMeansOptions::initial_centers (init=ndarray)
};

// How k-means steps. Both reach the same labels from the same start; Elkan skips distance
// computations with triangle-inequality bounds (memory: rows x k bounds more).
enum class KMeansStepper {
  kLloyd,  // sklearn algorithm='lloyd'
  kElkan,  // algorithm='elkan'
};

struct KMeansOptions {
  // Number of clusters k >= 1 (sklearn n_clusters). Default 8.
  int n_clusters = 8;
  // How each run starts (init). Default k-means++.
  KMeansInit init = KMeansInit::kKMeansPlusPlus;
  // init=kGiven: k x features starting centres on the scale of X. Ignored otherwise.
  Matrix initial_centers;
  // Runs from different starts; the one with the lowest inertia is kept (n_init). Default 10, the
  // value scikit-learn 1.2 uses for an int random_state; forced to 1 with kGiven (as sklearn).
  int n_init = 10;
  // Iterations per run at most (max_iter). Default 300.
  int max_iter = 300;
  // Convergence when the squared centre shift of an iteration is <= tol times the mean
  // per-feature variance of X (tol, relative as sklearn's _tolerance). Default 1e-4.
  double tol = 1e-4;
  // Lloyd or Elkan steps (algorithm). Default Lloyd.
  KMeansStepper stepper = KMeansStepper::kLloyd;
  // numpy RandomState seed (random_state). Default 0.
  uint32_t seed = 0;
  // Candidates tried per centre after the first by greedy k-means++; 0 means 2 + floor(ln k)
  // (kmeans_plusplus n_local_trials=None).
  int n_local_trials = 0;
};

// k-means (Lloyd 1982; Elkan 2003) as sklearn.cluster.KMeans:
//  - start: greedy k-means++ (Arthur & Vassilvitskii 2007) with 2 + floor(ln k) candidates per
//    centre, the best of which (lowest potential) is kept; or random rows; or given centres.
//  - step: assign each row to the nearest centre (ties: lowest index), move each centre to the
//    weighted mean of its rows; stop when no label changes or the centre shift is within tol,
//    then assign once more so labels match the centres.
//  - empty cluster: a centre left with no rows is moved to the row farthest from its own centre
//    (sklearn's _relocate_empty_clusters; with several empty clusters at once, the farthest
//    rows are taken in decreasing distance, where numpy's argpartition leaves the order open).
// X is centred on its column means first and inertia is computed there, as sklearn does.
// Deviation: sample weights are not used by k-means++ (as sklearn 1.2; 1.3 changed this).
class KMeans final : public Clusterer {
 public:
  explicit KMeans(KMeansOptions options = {});
  std::string Name() const override { return "kmeans"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const double> sample_weight = {}) override;
  const Labels& labels() const override;
  // The nearest centre of each row (ties: lowest index). REQUIRES: as many features as Fit saw.
  Labels Predict(const Matrix& x) const override;
  std::unique_ptr<Clusterer> CloneUnfitted() const override;

  const KMeansOptions& options() const { return options_; }
  // k x features centres on the scale of X (cluster_centers_).
  const Matrix& cluster_centers() const;
  // Weighted sum of squared distances of rows to their centre (inertia_).
  double inertia() const;
  // Iterations of the run kept (n_iter_).
  int n_iter() const;
  // Inertia of every run, in the order they ran (for reports on how stable k-means was).
  const std::vector<double>& run_inertias() const;
  // Rows picked as starting centres by each run (k-means++ and random starts; empty otherwise).
  const std::vector<std::vector<int64_t>>& initial_indices() const;

 private:
  KMeansOptions options_;
  bool fitted_ = false;
  Labels labels_;
  Matrix centers_;
  double inertia_ = 0;
  int n_iter_ = 0;
  std::vector<double> run_inertias_;
  std::vector<std::vector<int64_t>> initial_indices_;
};

// ---- Bisecting k-means ---------------------------------------------------------------------

enum class BisectingStrategy {
  kBiggestInertia,  // split the leaf with the largest weighted inertia (sklearn default)
  kLargestCluster,  // split the leaf with the most rows
};

struct BisectingKMeansOptions {
  // Number of clusters k >= 1 (n_clusters). Default 8.
  int n_clusters = 8;
  // How each bisection starts (init): kRandom (sklearn's default) or kKMeansPlusPlus.
  KMeansInit init = KMeansInit::kRandom;
  // Bisections tried per split; the lowest inertia wins (n_init). Default 1.
  int n_init = 1;
  // Iterations per bisection at most (max_iter). Default 300.
  int max_iter = 300;
  // Convergence tolerance of each bisection (tol). scikit-learn 1.2.1 passes it to each
  // bisection as an absolute squared shift, not scaled by the variance; so does hitscope.
  double tol = 1e-4;
  KMeansStepper stepper = KMeansStepper::kLloyd;                    // algorithm
  BisectingStrategy strategy = BisectingStrategy::kBiggestInertia;  // bisecting_strategy
  uint32_t seed = 0;                                                // random_state
};

// Bisecting k-means (Steinbach et al. 2000) as sklearn.cluster.BisectingKMeans: start with one
// cluster, then k - 1 times split the leaf chosen by `strategy` in two with k-means (k = 2).
// Labels number the leaves of the tree left to right; Predict walks down the tree.
class BisectingKMeans final : public Clusterer {
 public:
  explicit BisectingKMeans(BisectingKMeansOptions options = {});
  ~BisectingKMeans() override;
  std::string Name() const override { return "bisecting_kmeans"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const double> sample_weight = {}) override;
  const Labels& labels() const override;
  Labels Predict(const Matrix& x) const override;
  std::unique_ptr<Clusterer> CloneUnfitted() const override;

  const BisectingKMeansOptions& options() const { return options_; }
  const Matrix& cluster_centers() const;
  double inertia() const;

 private:
  BisectingKMeansOptions options_;
  bool fitted_ = false;
  Labels labels_;
  Matrix centers_;
  std::vector<double> mean_;
  double inertia_ = 0;
  std::unique_ptr<cluster::BisectingNode> root_;
};

// ---- BIRCH ---------------------------------------------------------------------------------

struct BirchOptions {
  // A subcluster absorbs a row while its radius stays <= threshold (threshold > 0). Default 0.5.
  double threshold = 0.5;
  // Subclusters per node at most before the node splits (branching_factor > 1). Default 50.
  int branching_factor = 50;
  // Clusters of the global step: Ward agglomerative clustering of the subcluster centroids
  // (n_clusters=int). 0: no global step, each subcluster is a cluster (n_clusters=None).
  // Default 3.
  int n_clusters = 3;
};

// BIRCH (Zhang, Ramakrishnan & Livny 1996) as sklearn.cluster.Birch: rows are inserted one by
// one, in order, into a CF-tree (each subcluster keeps count, linear sum, squared sum); the
// leaf subclusters' centroids are then grouped by Ward's method (scipy's nearest-neighbour
// chain, cut as sklearn's AgglomerativeClustering) and each row takes the group of its nearest
// subcluster centroid. With fewer subclusters than n_clusters, each subcluster is its own
// cluster (sklearn warns; hitscope records it in global_step_skipped()). Memory: the tree, plus
// the condensed distances of the subclusters in the global step (8 m^2 / 2 bytes for m
// subclusters; throws Error(kInvalidInput) above 2 GiB, advising a larger threshold).
// Deviation: the tree is built on one thread, as in sklearn (insertion order matters).
class Birch final : public Clusterer {
 public:
  explicit Birch(BirchOptions options = {});
  std::string Name() const override { return "birch"; }
  bool fitted() const override { return fitted_; }
  // Throws Error(kInvalidArgument) if sample_weight is given: BIRCH has none (as sklearn).
  void Fit(const Matrix& x, std::span<const double> sample_weight = {}) override;
  const Labels& labels() const override;
  // The global cluster of each row's nearest subcluster centroid.
  Labels Predict(const Matrix& x) const override;
  std::unique_ptr<Clusterer> CloneUnfitted() const override;

  const BirchOptions& options() const { return options_; }
  // m x features centroids of the leaf subclusters, leaves left to right (subcluster_centers_).
  const Matrix& subcluster_centers() const;
  // The global cluster of each subcluster (subcluster_labels_).
  const Labels& subcluster_labels() const;
  bool global_step_skipped() const { return global_step_skipped_; }

 private:
  BirchOptions options_;
  bool fitted_ = false;
  bool global_step_skipped_ = false;
  Labels labels_;
  Matrix subcluster_centers_;
  Labels subcluster_labels_;
};

// ---- DBSCAN --------------------------------------------------------------------------------

struct DbscanOptions {
  // Neighbourhood radius (eps > 0): rows at Euclidean distance <= eps are neighbours.
  // Default 0.5.
  double eps = 0.5;
  // A row is core when its neighbourhood, the row itself included, holds at least
  // min_samples rows (or that much weight) (min_samples >= 1). Default 5.
  int min_samples = 5;
};

// DBSCAN (Ester et al. 1996) as sklearn.cluster.DBSCAN with the Euclidean metric:
//  - core rows: at least min_samples rows within eps, counting the row itself;
//  - clusters: connected core rows (within eps of each other), numbered in order of their
//    first core row;
//  - border rows (not core, within eps of a core row) join the cluster that sklearn gives them:
//    the lowest-numbered cluster among their core neighbours (sklearn's depth-first expansion
//    reaches them first from that cluster, whatever the neighbour order);
//  - noise: -1.
// Memory is linear in rows: neighbourhoods are streamed (counted, then joined with a
// union-find) and never stored, unlike sklearn, whose memory grows with eps. With
// sample_weight, a row is core when the weights in its neighbourhood sum to >= min_samples.
class Dbscan final : public Clusterer {
 public:
  explicit Dbscan(DbscanOptions options = {});
  std::string Name() const override { return "dbscan"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const double> sample_weight = {}) override;
  const Labels& labels() const override;
  // Throws Error(kInvalidArgument): DBSCAN does not assign new rows (as sklearn, no predict).
  Labels Predict(const Matrix& x) const override;
  std::unique_ptr<Clusterer> CloneUnfitted() const override;

  const DbscanOptions& options() const { return options_; }
  // Rows that are core, ascending (core_sample_indices_).
  const std::vector<int64_t>& core_sample_indices() const;
  int n_clusters() const { return n_clusters_; }
  int64_t n_noise() const { return n_noise_; }

 private:
  DbscanOptions options_;
  bool fitted_ = false;
  Labels labels_;
  std::vector<int64_t> core_;
  int n_clusters_ = 0;
  int64_t n_noise_ = 0;
};

// ---- Choosing and naming -------------------------------------------------------------------

// "kmeans", "bisecting_kmeans", "birch", "dbscan".
std::vector<std::string> ClusterAlgorithmNames();

// The shortest list of options that identifies a fitted clusterer (for reports): e.g.
// "k=3, init=k-means++, n_init=10, max_iter=300, tol=0.0001, algorithm=lloyd, seed=0".
std::string DescribeClusterer(const Clusterer& clusterer);

}  // namespace hitscope
