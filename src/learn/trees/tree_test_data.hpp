// learn/trees/tree_test_data.hpp: small data sets with known structure for the tree tests.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope::trees::testing {

// rows x features normal values; the class is cut from x0 + x1 * x2 - 0.5 x3 + noise into
// `classes` equal-frequency bands; features beyond 3 are noise. `decimals` >= 0 rounds the
// values (ties).
struct Labelled {
  Matrix x;
  std::vector<int32_t> y;
  std::vector<double> target;  // a popularity-like score 0..100 from the same features
};

inline Labelled MakeTracks(int64_t rows, int64_t features, int classes, uint32_t seed,
                           int decimals = -1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Labelled out;
  out.x = Matrix(rows, features);
  std::vector<double> score(static_cast<size_t>(rows));
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t f = 0; f < features; ++f) {
      double value = normal(rng);
      if (decimals >= 0)
        value = std::round(value * std::pow(10, decimals)) / std::pow(10, decimals);
      out.x(row, f) = value;
    }
    double x3 = features > 3 ? out.x(row, 3) : 0.0;
    score[row] = out.x(row, 0) + 0.8 * out.x(row, 1) * out.x(row, 2) - 0.5 * x3 + 0.5 * normal(rng);
  }
  std::vector<double> sorted = score;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t row = 0; row < rows; ++row) {
    int label = 0;
    for (int k = 1; k < classes; ++k) {
      if (score[row] > sorted[static_cast<size_t>(k * rows / classes)]) label = k;
    }
    out.y.push_back(label);
    out.target.push_back(std::clamp(std::round(50 + 15 * score[row]), 0.0, 100.0));
  }
  return out;
}

inline double Accuracy(const std::vector<int32_t>& predicted, const std::vector<int32_t>& truth) {
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) correct += predicted[i] == truth[i];
  return static_cast<double>(correct) / static_cast<double>(truth.size());
}

}  // namespace hitscope::trees::testing
