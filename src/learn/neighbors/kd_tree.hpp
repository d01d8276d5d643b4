// learn/neighbors/kd_tree.hpp: scikit-learn's KDTree, node for node (see include/hitscope/
// neighbors.hpp for what is the same and what is faster).
//
// Layout: nodes in an implicit binary heap (children of node i at 2i+1 and 2i+2), each with its
// range [start, end) of positions in idx_array_ and its bounding box. The points are kept twice,
// both in position order (so each leaf is contiguous): exactly, row-major, for the distances
// that decide; and rounded to float, feature-major per leaf, for a vectorised filter that skips
// the points which cannot be near enough (FilterThreshold proves it). Every distance that
// decides anything is the exact double distance, so results equal scikit-learn's.
#pragma once

#include <cstdint>
#include <vector>

#include <hitscope/matrix.hpp>

#include "learn/neighbors/search_structure.hpp"

namespace hitscope::neighbors {

class KdTree final : public SearchStructure {
 public:
  // Builds on the rows of `points`. REQUIRES: rows >= 1, cols >= 1, finite values, leaf_size >= 1.
  KdTree(const Matrix& points, int leaf_size);

  void KNearest(const double* query, int k, KnnScratch* scratch, int64_t* indices,
                double* squared) const override;
  void Radius(const double* query, double radius2, std::vector<int64_t>* indices,
              std::vector<double>* squared, KnnScratch* scratch) const override;
  int64_t RadiusCount(const double* query, double radius2, KnnScratch* scratch) const override;
  // The leaf a query reaches by always stepping into the nearer child: queries with equal keys
  // search mostly the same leaves, so answering them one after another reuses the cache.
  int64_t LocalityKey(const double* query) const override;

  int64_t num_nodes() const { return num_nodes_; }
  // Position -> row, as scikit-learn's idx_array (for tests).
  const std::vector<int64_t>& idx_array() const { return idx_array_; }

 private:
  // `rows` holds the points of positions [start, end) in idx_array_ order, row-major; it is
  // reordered along with idx_array_ so every scan of a node reads contiguous memory.
  void BuildNode(double* rows, int64_t node, int64_t start, int64_t end);
  void BuildLeafBlocks();
  // Prepares the scratch for one query: the float query and its filter error.
  void StartQuery(const double* query, KnnScratch* scratch) const;
  // Fills scratch->filter_distances for the points of a leaf and returns the threshold above
  // which a point's exact squared distance exceeds `bound`.
  double FilterLeaf(int64_t node, double bound, KnnScratch* scratch) const;
  const double* Row(int64_t position) const { return rows_.data() + position * dims_; }
  double MinSquared(int64_t node, const double* query) const;
  // MinSquared of both children of `node`, summed in scikit-learn's order.
  void ChildMinSquared(int64_t node, const double* query, double* left, double* right) const;
  // The same two bounds summed in vector order: within a relative kBoundSlack of the exact ones,
  // so they decide the visit order unless the two are that close, and prune safely.
  void FastChildMinSquared(int64_t node, const double* query_padded, double* left,
                           double* right) const;
  double MaxSquared(int64_t node, const double* query) const;
  // `lower_bound` is node's bound from FastChildMinSquared (or exact): only used to prune.
  void QueryDepthFirst(int64_t node, const double* query, double lower_bound, int k,
                       KnnScratch* scratch) const;
  void RadiusNode(int64_t node, const double* query, double radius2, std::vector<int64_t>* indices,
                  std::vector<double>* squared, KnnScratch* scratch) const;
  int64_t CountNode(int64_t node, const double* query, double radius2, KnnScratch* scratch) const;
  int64_t LeafStride(int64_t node) const;

  int64_t rows_count_ = 0;
  int64_t dims_ = 0;
  int64_t num_nodes_ = 0;
  int64_t max_leaf_stride_ = 0;
  bool filter_ = true;  // false when values are too large for single precision
  std::vector<int64_t> idx_array_;
  std::vector<int64_t> start_, end_;
  std::vector<uint8_t> is_leaf_;
  std::vector<double> bounds_;         // node i: lower bounds at 2*i*dims_, upper at (2*i+1)*dims_
  int64_t dims_padded_ = 0;            // dims_ rounded up to kLanes
  std::vector<double> bounds_padded_;  // as bounds_ with dims_padded_ values (zeros after dims_)
  std::vector<double> rows_;           // the points in position order, row-major, exact
  std::vector<double> max_abs_;        // per feature, the largest |value|
  // Leaf i: its points as floats, feature-major at leaf_offset_[i], each feature's row padded
  // with +inf to a multiple of kLanesF32 points (a padded point is infinitely far).
  std::vector<int64_t> leaf_offset_;
  std::vector<float> leaf_f32_;
};

}  // namespace hitscope::neighbors
