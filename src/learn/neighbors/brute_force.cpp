#include "learn/neighbors/brute_force.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "core/parallel.hpp"
#include "learn/neighbors/distance_kernels.hpp"

namespace hitscope::neighbors {

namespace {

// (distance, index) pairs compare lexicographically, so ties go to the lower index whatever the
// order of discovery.
bool Before(double a_value, int64_t a_index, double b_value, int64_t b_index) {
  return a_value < b_value || (a_value == b_value && a_index < b_index);
}

// Replaces the largest entry of a max-heap (by Before) with (value, index) and sifts it down.
void ReplaceTop(double* values, int64_t* indices, int64_t size, double value, int64_t index) {
  int64_t current = 0;
  while (true) {
    int64_t child = 2 * current + 1;
    if (child >= size) break;
    if (child + 1 < size &&
        Before(values[child], indices[child], values[child + 1], indices[child + 1])) {
      ++child;
    }
    if (!Before(value, index, values[child], indices[child])) break;
    values[current] = values[child];
    indices[current] = indices[child];
    current = child;
  }
  values[current] = value;
  indices[current] = index;
}

}  // namespace

BruteForce::BruteForce(const Matrix& points)
    : rows_(points.rows()),
      dims_(points.cols()),
      blocks_((points.rows() + kBlockPoints - 1) / kBlockPoints) {
  data_.resize(static_cast<size_t>(rows_ * dims_));
  ParallelFor(static_cast<size_t>(blocks_), 16, [&](size_t begin, size_t end) {
    for (size_t block = begin; block < end; ++block) {
      int64_t first = static_cast<int64_t>(block) * kBlockPoints;
      int64_t count = BlockCount(static_cast<int64_t>(block));
      double* out = data_.data() + first * dims_;
      for (int64_t p = 0; p < count; ++p) {
        const double* row = points.Row(first + p);
        for (int64_t j = 0; j < dims_; ++j) out[j * count + p] = row[j];
      }
    }
  });
}

void BruteForce::BlockDistances(const double* query, int64_t block, double* out) const {
  int64_t count = BlockCount(block);
  SquaredDistancesToBlock(query, data_.data() + block * kBlockPoints * dims_, count, count, dims_,
                          out);
}

void BruteForce::KNearest(const double* query, int k, KnnScratch* scratch, int64_t* indices,
                          double* squared) const {
  auto& values = scratch->heap_values;
  auto& heap_indices = scratch->heap_indices;
  values.assign(static_cast<size_t>(k), std::numeric_limits<double>::infinity());
  heap_indices.assign(static_cast<size_t>(k), std::numeric_limits<int64_t>::max());
  scratch->distances.resize(kBlockPoints);
  double* distances = scratch->distances.data();
  for (int64_t block = 0; block < blocks_; ++block) {
    BlockDistances(query, block, distances);
    int64_t first = block * kBlockPoints, count = BlockCount(block);
    for (int64_t p = 0; p < count; ++p) {
      if (Before(distances[p], first + p, values[0], heap_indices[0])) {
        ReplaceTop(values.data(), heap_indices.data(), k, distances[p], first + p);
      }
    }
  }
  std::vector<int64_t> order(static_cast<size_t>(k));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return Before(values[a], heap_indices[a], values[b], heap_indices[b]);
  });
  for (int i = 0; i < k; ++i) {
    indices[i] = heap_indices[order[i]];
    squared[i] = values[order[i]];
  }
}

void BruteForce::Radius(const double* query, double radius2, std::vector<int64_t>* indices,
                        std::vector<double>* squared, KnnScratch* scratch) const {
  scratch->distances.resize(kBlockPoints);
  double* distances = scratch->distances.data();
  for (int64_t block = 0; block < blocks_; ++block) {
    BlockDistances(query, block, distances);
    int64_t first = block * kBlockPoints, count = BlockCount(block);
    for (int64_t p = 0; p < count; ++p) {
      if (distances[p] <= radius2) {
        indices->push_back(first + p);
        if (squared) squared->push_back(distances[p]);
      }
    }
  }
}

int64_t BruteForce::RadiusCount(const double* query, double radius2, KnnScratch* scratch) const {
  scratch->distances.resize(kBlockPoints);
  double* distances = scratch->distances.data();
  int64_t inside = 0;
  for (int64_t block = 0; block < blocks_; ++block) {
    BlockDistances(query, block, distances);
    int64_t count = BlockCount(block);
    for (int64_t p = 0; p < count; ++p) inside += distances[p] <= radius2 ? 1 : 0;
  }
  return inside;
}

}  // namespace hitscope::neighbors
