// learn/cluster/kmeans_parts.hpp: k-means as a skeleton (kmeans.cpp) and small named parts:
// how it starts (kmeans_init.cpp), how it steps (kmeans_lloyd.cpp, kmeans_elkan.cpp), what it
// does with an empty cluster (kmeans_empty.cpp). Internal; the public API is cluster.hpp.
//
// Every part follows the scikit-learn 1.2.1 function named in its comment, in the order of its
// floating-point operations where that decides which label wins.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <hitscope/cluster.hpp>
#include <hitscope/matrix.hpp>

#include "learn/cluster/numpy_compat.hpp"

namespace hitscope::cluster {

// The rows k-means works on, prepared once per fit: row-major and feature-major copies,
// squared norms and weights. Rows are usually centred on the column means (sklearn centres X).
struct KMeansData {
  int64_t n = 0;
  int d = 0;
  std::vector<double> rows;         // n x d, row-major
  std::vector<double> soa;          // d x n, feature-major
  std::vector<const double*> cols;  // d pointers into soa
  std::vector<double> sq_norms;     // n, sum_f x_f^2 as row_norms(X, squared=True) (EinsumDot)
  std::vector<double> weights;      // n
  bool unit_weights = true;

  const double* Row(int64_t row) const { return rows.data() + row * d; }
};

// Builds KMeansData from row-major values (moved in). `weights` empty: all ones.
KMeansData MakeKMeansData(int64_t n, int d, std::vector<double> rows,
                          std::span<const double> weights);
// The rows at `indices` (in that order), as a new KMeansData.
KMeansData SubsetKMeansData(const KMeansData& data, std::span<const int64_t> indices);

// X.mean(axis=0) as numpy computes it (rows added in order, then divided by n).
std::vector<double> ColumnMeans(const Matrix& x);
// sklearn's _tolerance: mean(np.var(X, axis=0)) * tol (0 when tol is 0).
double ScaledTolerance(const Matrix& x, double tol);

// ---- How it starts --------------------------------------------------------------------------

struct InitialCenters {
  std::vector<double> centers;   // k x d
  std::vector<int64_t> indices;  // the rows picked
};

// Greedy k-means++ (sklearn _kmeans_plusplus): first centre uniformly, then for each next one
// `n_local_trials` candidates drawn with probability proportional to D(x)^2, keeping the one
// that lowers the potential most. n_local_trials <= 0: 2 + floor(ln k).
InitialCenters KMeansPlusPlus(const KMeansData& data, int k, NumpyRandomState& rng,
                              int n_local_trials);
// k rows of random_state.permutation(n)[:k] (sklearn init='random').
InitialCenters RandomRows(const KMeansData& data, int k, NumpyRandomState& rng);

// ---- How it steps ---------------------------------------------------------------------------

struct KMeansRun {
  std::vector<int32_t> labels;
  std::vector<double> centers;  // k x d
  double inertia = 0;
  int n_iter = 0;
};

// One k-means run from `centers` (sklearn _kmeans_single_lloyd / _kmeans_single_elkan): stops
// when no label changes (strict convergence) or the total squared centre shift is <= tol, or
// after max_iter iterations; then, unless strictly converged, assigns the labels once more.
KMeansRun RunLloyd(const KMeansData& data, std::vector<double> centers, int max_iter, double tol);
KMeansRun RunElkan(const KMeansData& data, std::vector<double> centers, int max_iter, double tol);
inline KMeansRun RunKMeans(KMeansStepper stepper, const KMeansData& data,
                           std::vector<double> centers, int max_iter, double tol) {
  return stepper == KMeansStepper::kElkan && centers.size() > static_cast<size_t>(data.d)
             ? RunElkan(data, std::move(centers), max_iter, tol)
             : RunLloyd(data, std::move(centers), max_iter, tol);
}

// Lloyd's assignment alone (sklearn _labels_inertia): the nearest centre of each row by
// ||c||^2 - 2 x.c, ties to the lowest index; in parallel.
std::vector<int32_t> AssignLabels(const KMeansData& data, std::span<const double> centers, int k);

// ---- What it does with an empty cluster -----------------------------------------------------

// sklearn _relocate_empty_clusters_dense: each cluster with zero weight takes the row farthest
// from its old centre (farthest first; ties to the lowest row), which leaves its own cluster.
// `sums` are the weighted sums of rows per cluster (k x d), updated with `weight_in_clusters`.
void RelocateEmptyClusters(const KMeansData& data, std::span<const double> centers_old,
                           std::span<const int32_t> labels, std::span<double> sums,
                           std::span<double> weight_in_clusters);

// ---- Shared ---------------------------------------------------------------------------------

// sklearn _inertia_dense: sum of w * squared distance to the assigned centre (only rows of
// `single_label` when >= 0). Summed in fixed blocks, so independent of the thread count.
double Inertia(const KMeansData& data, std::span<const double> centers,
               std::span<const int32_t> labels, int single_label = -1);

// The same for row-major rows given directly (n x d) with one weight per row.
double InertiaOfRows(const double* rows, int64_t n, int d, std::span<const double> weights,
                     std::span<const double> centers, std::span<const int32_t> labels,
                     int single_label = -1);

// sklearn _is_same_clustering: equal up to a permutation of the labels.
bool SameClustering(std::span<const int32_t> a, std::span<const int32_t> b, int k);

// Checks X (rows, features, finite values) and the weights; `what` names the algorithm in
// messages ("k-means"). `allow_negative_weights` for DBSCAN.
void ValidateClusterInput(const Matrix& x, std::span<const double> sample_weight, const char* what,
                          bool allow_negative_weights = false);
// The nearest of the k x d `centers` for each row of x (Lloyd's assignment, ties to the lowest
// index), after checking that x has d finite columns.
Labels PredictNearest(const Matrix& x, const Matrix& centers, const char* what);

// Throws Error(kInvalidArgument) "<what> is not fitted yet" unless `fitted`.
void RequireFitted(bool fitted, const char* what);

// Checks k against the rows: k >= 1 (kInvalidArgument), k <= rows (kInvalidInput).
void ValidateClusterCount(int k, int64_t rows, const char* what);

}  // namespace hitscope::cluster
