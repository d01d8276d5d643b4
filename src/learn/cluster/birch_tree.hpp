// learn/cluster/birch_tree.hpp: BIRCH's clustering-feature tree, built row by row exactly as
// sklearn's _CFNode / _CFSubcluster / _split_node (same distances, same merge test, same split
// rule, same floating-point order), so the leaves hold the same subclusters. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace hitscope::cluster {

class CfTree {
 public:
  // REQUIRES: d >= 1, threshold > 0, branching_factor >= 2.
  CfTree(int d, double threshold, int branching_factor);

  // Inserts one row of d values (sklearn: root_.insert_cf_subcluster, then a root split).
  void Insert(const double* row);

  // Centroids of the leaf subclusters, leaves in linked-list order (m x d, row-major).
  std::vector<double> LeafCentroids() const;
  int64_t subclusters() const;

 private:
  struct Subcluster {
    int64_t n = 0;
    std::vector<double> linear_sum;
    double squared_sum = 0;
    std::vector<double> centroid;
    double sq_norm = 0;
    int32_t child = -1;  // node index, -1 for a leaf entry
  };
  struct Node {
    bool is_leaf = true;
    std::vector<int32_t> subs;      // subcluster indices
    std::vector<double> centroids;  // (branching_factor + 1) x d, first subs.size() rows used
    std::vector<double> sq_norms;   // branching_factor + 1
    int32_t prev_leaf = -1, next_leaf = -1;
  };
  // The row being inserted, seen as a one-row subcluster.
  struct Incoming {
    const double* row;
    double sq_norm;
  };

  int32_t NewNode(bool is_leaf);
  int32_t NewSubcluster();
  void Append(int32_t node, int32_t sub);
  void SetEntry(int32_t node, size_t index, int32_t sub);
  // _CFSubcluster.update with another subcluster (or the incoming row when `other` < 0).
  void Update(int32_t sub, int32_t other, const Incoming* incoming);
  bool InsertInto(int32_t node, const Incoming& incoming);
  // _split_node: two new subclusters owning the halves of `node`.
  std::pair<int32_t, int32_t> SplitNode(int32_t node);

  int d_;
  double threshold_;
  int branching_factor_;
  std::vector<Node> nodes_;
  std::vector<Subcluster> subs_;
  int32_t root_ = -1;
  int32_t first_leaf_ = -1;
  std::vector<double> scratch_;
};

}  // namespace hitscope::cluster
