// learn/neighbors/search_structure.hpp: what the kd-tree and the brute-force search both offer
// for one query at a time. NeighborIndex (neighbor_index.cpp) validates inputs, spreads queries
// over threads and turns squared distances into distances.
#pragma once

#include <cstdint>
#include <vector>

namespace hitscope::neighbors {

// Per-thread working memory for k-nearest queries.
struct KnnScratch {
  std::vector<double> heap_values;
  std::vector<int64_t> heap_indices;
  std::vector<double> distances;  // one block of squared distances
  // The kd-tree's single-precision filter: the query as floats, its rounding scale, and one
  // leaf's filter distances.
  std::vector<float> query_f32;
  double filter_error = 0;
  bool filter = true;
  std::vector<float> filter_distances;
  std::vector<double> query_padded;  // the query with zeros up to the bounds' padded width
};

class SearchStructure {
 public:
  virtual ~SearchStructure() = default;
  // The k nearest points of `query`: row indices and squared distances, nearest first.
  virtual void KNearest(const double* query, int k, KnnScratch* scratch, int64_t* indices,
                        double* squared) const = 0;
  // Appends every point with squared distance <= radius2 (and its squared distance when
  // `squared` is not null), in search order.
  virtual void Radius(const double* query, double radius2, std::vector<int64_t>* indices,
                      std::vector<double>* squared, KnnScratch* scratch) const = 0;
  virtual int64_t RadiusCount(const double* query, double radius2, KnnScratch* scratch) const = 0;
  // Queries with equal keys touch mostly the same memory; answering them in key order keeps it
  // in cache. 0 for every query when the structure has no locality to offer.
  virtual int64_t LocalityKey(const double* /*query*/) const { return 0; }
};

}  // namespace hitscope::neighbors
