#include "learn/trees/training_set.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "learn/preprocess/check_input.hpp"

namespace hitscope::trees {

namespace {

TrainingSet ConvertFeatures(const Matrix& x, const std::string& who) {
  learn::CheckNotEmpty(x, who);
  learn::CheckFinite(x, who);
  TrainingSet set;
  set.rows = x.rows();
  set.features = x.cols();
  set.x.resize(static_cast<size_t>(set.rows * set.features));
  // Blocks of rows transposed at once keep both the reads and the writes in cache.
  constexpr int64_t kBlock = 1024;
  ParallelFor(static_cast<size_t>((set.rows + kBlock - 1) / kBlock), 4, [&](size_t b0, size_t b1) {
    for (size_t block = b0; block < b1; ++block) {
      int64_t begin = static_cast<int64_t>(block) * kBlock;
      int64_t end = std::min(set.rows, begin + kBlock);
      for (int64_t feature = 0; feature < set.features; ++feature) {
        float* out = set.x.data() + feature * set.rows;
        for (int64_t row = begin; row < end; ++row) {
          out[row] = static_cast<float>(x(row, feature));
        }
      }
    }
  });
  return set;
}

}  // namespace

TrainingSet MakeClassificationSet(const Matrix& x, std::span<const int32_t> y,
                                  const std::string& who) {
  learn::CheckLabels(x, y, who);
  TrainingSet set = ConvertFeatures(x, who);
  int32_t max_label = *std::max_element(y.begin(), y.end());
  int32_t min_label = *std::min_element(y.begin(), y.end());
  if (min_label == max_label) {
    throw InvalidInput(fmt::format(
        "{}: every training row has class {}; a classifier needs at least two classes (check "
        "the class bins, or the split that chose these rows)",
        who, min_label));
  }
  set.n_classes = max_label + 1;
  set.labels.assign(y.begin(), y.end());
  return set;
}

TrainingSet MakeRegressionSet(const Matrix& x, std::span<const double> y, const std::string& who) {
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(fmt::format("{}: {} targets for {} rows; give one target per row", who,
                                   y.size(), x.rows()));
  }
  for (size_t row = 0; row < y.size(); ++row) {
    if (!std::isfinite(y[row])) {
      throw InvalidInput(fmt::format(
          "{}: the target is {} at row {}; drop or fill rows without a target before learning", who,
          y[row], row + 1));
    }
  }
  TrainingSet set = ConvertFeatures(x, who);
  set.targets.assign(y.begin(), y.end());
  return set;
}

std::vector<double> CheckedWeights(const Matrix& x, std::span<const double> sample_weight,
                                   const std::string& who) {
  learn::CheckSampleWeight(x, sample_weight, who);
  if (sample_weight.empty()) return std::vector<double>(static_cast<size_t>(x.rows()), 1.0);
  double total = 0;
  for (double weight : sample_weight) total += weight;
  if (!(total > 0)) {
    throw InvalidInput(
        fmt::format("{}: every sample weight is 0; give at least one row a positive weight", who));
  }
  return {sample_weight.begin(), sample_weight.end()};
}

std::vector<float> ToFloatRows(const Matrix& x, int64_t expected_features, const std::string& who) {
  learn::CheckColumns(x, expected_features, who);
  std::vector<float> out(static_cast<size_t>(x.rows() * x.cols()));
  std::span<const double> data = x.data();
  // One pass, in order, so that the first bad value is the one reported.
  for (size_t i = 0; i < data.size(); ++i) {
    if (!std::isfinite(data[i])) {
      throw InvalidInput(fmt::format(
          "{}: the features hold {} at row {}, column {}; drop or fill missing values before "
          "predicting",
          who, data[i], static_cast<int64_t>(i) / x.cols() + 1,
          static_cast<int64_t>(i) % x.cols() + 1));
    }
    out[i] = static_cast<float>(data[i]);
  }
  return out;
}

}  // namespace hitscope::trees
