// learn/trees/training_set.hpp: the rows a tree learns from, in the form its splitters read.
//
// scikit-learn converts X to float32 before growing a tree and compares float32 values with
// double thresholds; TrainingSet holds that float32 copy, column-major, so that a splitter reads
// one feature as one contiguous array.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope::trees {

struct TrainingSet {
  int64_t rows = 0;
  int64_t features = 0;
  std::vector<float> x;  // x[feature * rows + row], float32 as scikit-learn's DTYPE
  // Classification: labels in 0..n_classes-1. Regression: n_classes == 0 and targets.
  int n_classes = 0;
  std::vector<int32_t> labels;
  std::vector<double> targets;

  bool classification() const { return n_classes > 0; }
  const float* Column(int64_t feature) const { return x.data() + feature * rows; }
};

// Checks X (non-empty, finite) and labels (one per row, >= 0, at least two distinct classes) and
// converts them, in parallel. `who` names the model in error messages. Throws Error(kInvalidInput).
TrainingSet MakeClassificationSet(const Matrix& x, std::span<const int32_t> y,
                                  const std::string& who);
// The same for regression targets (one finite number per row).
TrainingSet MakeRegressionSet(const Matrix& x, std::span<const double> y, const std::string& who);

// The sample weights a fit uses: `sample_weight` (checked: one finite weight >= 0 per row) or all
// ones, with a positive total. Throws Error(kInvalidInput).
std::vector<double> CheckedWeights(const Matrix& x, std::span<const double> sample_weight,
                                   const std::string& who);

// X as float32, row-major (rows x features), for prediction: scikit-learn converts X to float32
// before walking a tree. Checks finiteness and the column count (Error(kInvalidInput)).
std::vector<float> ToFloatRows(const Matrix& x, int64_t expected_features, const std::string& who);

}  // namespace hitscope::trees
