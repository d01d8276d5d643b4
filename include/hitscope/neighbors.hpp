// hitscope/neighbors.hpp: exact Euclidean nearest-neighbour search over the rows of a Matrix.
//
// A NeighborIndex is built once on n points (the rows of a Matrix, rows x features) and then
// answers, from any number of threads, two kinds of query for each row of a query matrix:
//   - the k nearest indexed points (KNearest), nearest first;
//   - every indexed point within a radius (RadiusNeighbors / RadiusNeighborsBatched /
//     RadiusCounts), delivered per query, so memory never holds all neighbourhoods at once.
//
// Two algorithms, chosen by NeighborIndexOptions::algorithm:
//   kKdTree  scikit-learn's KDTree (sklearn/neighbors/_binary_tree.pxi, 1.2.1) rebuilt node for
//            node: the same levels, the same median splits on the widest dimension (the same
//            std::nth_element with the same comparator), the same depth-first visit order, the
//            same bounded max-heap and final sort. So k-nearest results equal scikit-learn's
//            KNeighborsClassifier / NearestNeighbors with algorithm="kd_tree" (and "auto" when it
//            picks the kd-tree) including which of several equidistant points is returned.
//            Faster than scikit-learn, with the same pushes in the same order: each leaf's
//            points are contiguous; a vectorised single-precision filter skips the points it
//            proves farther than the current k-th (every distance that decides is the exact
//            double one); node bounds are summed in vector order unless that could change the
//            visit order; queries are answered in tree order so their leaves stay in cache.
//   kBrute   every point against every query, in cache-sized blocks. Equidistant points are
//            ordered by index (scikit-learn's brute force orders them by an unspecified chunked
//            reduction: a documented deviation that only matters on exact ties).
//   kAuto    the kd-tree for up to 15 features, else brute force; ChooseNeighborAlgorithm also
//            applies scikit-learn's rule that k >= rows / 2 means brute force.
//
// Distances: the squared distance of two points is sum_j (a_j - b_j)^2 summed in feature order
// in double precision (scikit-learn's euclidean_rdist), reported as its square root. Radius
// queries include a point when its squared distance is <= radius^2, tested point by point (no
// shortcut that could admit a point a rounding error outside).
//
// Memory: a copy of the points (rows x features doubles) plus O(rows) for the tree; a k-nearest
// query returns queries x k indices (and distances); radius results exist one query (or one
// bounded batch) at a time. Work is spread over the worker threads (hitscope::SetThreadCount);
// results never depend on the thread count.
//
// Errors: Error(kInvalidInput) for an empty matrix, zero features, a NaN or infinite value in
// the points or the queries (naming row and column), or queries with another feature count;
// Error(kInvalidArgument) for k < 1, k > rows, a negative or NaN radius, leaf_size < 1.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope {

enum class NeighborAlgorithm { kAuto, kKdTree, kBrute };

struct NeighborIndexOptions {
  // Search structure; see above. scikit-learn: algorithm ("auto", "kd_tree", "brute").
  NeighborAlgorithm algorithm = NeighborAlgorithm::kAuto;
  // Points per kd-tree leaf, between leaf_size and 2 * leaf_size. Changes speed and, among
  // equidistant points, which are returned: 30 is the default of scikit-learn's estimators
  // (NearestNeighbors, KNeighborsClassifier, DBSCAN; its KDTree class itself defaults to 40).
  // scikit-learn: leaf_size.
  int leaf_size = 30;
};

// scikit-learn's algorithm="auto" rule for a k-nearest search (NeighborsBase._fit): brute force
// when features > 15 or k >= rows / 2 (integer division), else the kd-tree.
NeighborAlgorithm ChooseNeighborAlgorithm(int64_t rows, int64_t features, int k);

// The k nearest points of each query, nearest first. Row q of the result lists query q's
// neighbours as row indices of the indexed matrix.
struct KNearestResult {
  int64_t queries = 0;
  int k = 0;
  std::vector<int64_t> indices;   // queries x k, row-major
  std::vector<double> distances;  // queries x k Euclidean distances; empty when not asked for

  std::span<const int64_t> Indices(int64_t query) const {
    return {indices.data() + query * k, static_cast<size_t>(k)};
  }
  std::span<const double> Distances(int64_t query) const {
    return {distances.data() + query * k, static_cast<size_t>(k)};
  }
};

// The order of the points in one query's radius neighbourhood.
enum class RadiusOrder {
  kIndex,     // ascending row index (the default: easy to merge, deterministic)
  kDistance,  // nearest first, equal distances by index
  kTree,      // the order the search found them: cheapest, deterministic, otherwise unspecified
};

struct RadiusQueryOptions {
  bool with_distances = false;  // also report each neighbour's distance
  RadiusOrder order = RadiusOrder::kIndex;
  // RadiusNeighborsBatched: queries per batch. Memory is about this many neighbourhoods.
  int64_t batch_queries = 4096;
};

// The radius neighbourhoods of the consecutive queries first_query .. first_query + size() - 1,
// in compressed rows: query first_query + i owns indices[offsets[i] .. offsets[i + 1]).
struct RadiusBatch {
  int64_t first_query = 0;
  std::vector<int64_t> offsets;   // size() + 1 entries, offsets[0] == 0
  std::vector<int64_t> indices;   // row indices of the indexed matrix
  std::vector<double> distances;  // parallel to indices; empty unless with_distances

  int64_t size() const { return offsets.empty() ? 0 : static_cast<int64_t>(offsets.size()) - 1; }
  std::span<const int64_t> Neighbors(int64_t i) const {
    return {indices.data() + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i])};
  }
  std::span<const double> Distances(int64_t i) const {
    if (distances.empty()) return {};
    return {distances.data() + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i])};
  }
};

// Called once per query with its neighbourhood (distances empty unless with_distances). The
// spans are valid only during the call.
using RadiusCallback = std::function<void(int64_t query, std::span<const int64_t> indices,
                                          std::span<const double> distances)>;
// Called once per batch, in query order, on the calling thread.
using RadiusBatchCallback = std::function<void(const RadiusBatch& batch)>;

// An index over the rows of a matrix. Immutable after construction; every query method is const
// and safe to call from several threads at once.
class NeighborIndex {
 public:
  // Copies `points` (rows x features) and builds the index. Throws as described above.
  explicit NeighborIndex(const Matrix& points, NeighborIndexOptions options = {});
  ~NeighborIndex();
  NeighborIndex(NeighborIndex&&) noexcept;
  NeighborIndex& operator=(NeighborIndex&&) noexcept;

  int64_t rows() const;
  int64_t features() const;
  // The algorithm in use (kAuto resolved to kKdTree or kBrute).
  NeighborAlgorithm algorithm() const;

  // The k nearest indexed points of each row of `queries` (queries x features). A query that is
  // itself an indexed point finds itself at distance 0 (scikit-learn's kneighbors(X) with X
  // given). REQUIRES: 1 <= k <= rows().
  KNearestResult KNearest(const Matrix& queries, int k, bool with_distances = true) const;

  // Calls `callback` for every query with the indexed points within `radius` (inclusive). The
  // callback runs on worker threads, several at once, in no fixed order of queries: it must be
  // thread-safe (e.g. write only to slots of its own query). An exception it throws stops the
  // search and is re-thrown here.
  void RadiusNeighbors(const Matrix& queries, double radius, const RadiusCallback& callback,
                       const RadiusQueryOptions& options = {}) const;
  // The same neighbourhoods in batches of options.batch_queries consecutive queries, handed to
  // `callback` in query order on the calling thread (batches are computed in parallel).
  void RadiusNeighborsBatched(const Matrix& queries, double radius,
                              const RadiusBatchCallback& callback,
                              const RadiusQueryOptions& options = {}) const;
  // The number of indexed points within `radius` of each query (scikit-learn's
  // query_radius(count_only=True)); the cheapest radius query.
  std::vector<int64_t> RadiusCounts(const Matrix& queries, double radius) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hitscope
