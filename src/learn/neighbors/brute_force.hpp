// learn/neighbors/brute_force.hpp: exact search by scanning every point, block by block (points
// copied feature-major in blocks of kBlockPoints, so each block's distances are one vectorised
// loop that stays in cache). Equidistant points are ordered by row index.
#pragma once

#include <cstdint>
#include <vector>

#include <hitscope/matrix.hpp>

#include "learn/neighbors/search_structure.hpp"

namespace hitscope::neighbors {

class BruteForce final : public SearchStructure {
 public:
  static constexpr int64_t kBlockPoints = 256;

  explicit BruteForce(const Matrix& points);

  void KNearest(const double* query, int k, KnnScratch* scratch, int64_t* indices,
                double* squared) const override;
  void Radius(const double* query, double radius2, std::vector<int64_t>* indices,
              std::vector<double>* squared, KnnScratch* scratch) const override;
  int64_t RadiusCount(const double* query, double radius2, KnnScratch* scratch) const override;

 private:
  int64_t BlockCount(int64_t block) const {
    return std::min(kBlockPoints, rows_ - block * kBlockPoints);
  }
  void BlockDistances(const double* query, int64_t block, double* out) const;

  int64_t rows_ = 0;
  int64_t dims_ = 0;
  int64_t blocks_ = 0;
  std::vector<double> data_;  // block b at b * kBlockPoints * dims_, feature-major
};

}  // namespace hitscope::neighbors
