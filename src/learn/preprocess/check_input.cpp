#include "learn/preprocess/check_input.hpp"

#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>

namespace hitscope::learn {

void CheckFinite(const Matrix& x, const std::string& who) {
  std::span<const double> data = x.data();
  for (size_t i = 0; i < data.size(); ++i) {
    if (std::isfinite(data[i])) continue;
    throw InvalidInput(fmt::format(
        "{}: the features hold {} at row {}, column {}; drop or fill missing values before "
        "learning",
        who, data[i], static_cast<int64_t>(i) / x.cols() + 1,
        static_cast<int64_t>(i) % x.cols() + 1));
  }
}

void CheckNotEmpty(const Matrix& x, const std::string& who) {
  if (x.rows() > 0 && x.cols() > 0) return;
  throw InvalidInput(fmt::format(
      "{}: cannot learn from a {} x {} matrix; it needs at least one row and one feature", who,
      x.rows(), x.cols()));
}

void CheckLabels(const Matrix& x, std::span<const int32_t> y, const std::string& who) {
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(
        fmt::format("{}: {} labels for {} rows; give one label per row", who, y.size(), x.rows()));
  }
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] < 0) {
      throw InvalidInput(
          fmt::format("{}: label {} at row {} is negative; classes are numbered 0, 1, 2, ...", who,
                      y[i], i + 1));
    }
  }
}

void CheckSampleWeight(const Matrix& x, std::span<const double> sample_weight,
                       const std::string& who) {
  if (sample_weight.empty()) return;
  if (static_cast<int64_t>(sample_weight.size()) != x.rows()) {
    throw InvalidInput(fmt::format("{}: {} sample weights for {} rows; give one per row", who,
                                   sample_weight.size(), x.rows()));
  }
  for (size_t i = 0; i < sample_weight.size(); ++i) {
    if (!(sample_weight[i] >= 0) || !std::isfinite(sample_weight[i])) {
      throw InvalidInput(fmt::format("{}: sample weight {} at row {} is not a finite number >= 0",
                                     who, sample_weight[i], i + 1));
    }
  }
}

void CheckFitted(bool fitted, const std::string& who, const char* verb) {
  if (fitted) return;
  throw InvalidArgument(fmt::format("{}: call Fit before {}", who, verb));
}

void CheckColumns(const Matrix& x, int64_t expected, const std::string& who) {
  if (x.cols() == expected) return;
  throw InvalidInput(fmt::format(
      "{}: the matrix has {} columns but {} were fitted on {}; give the same columns in the "
      "same order",
      who, x.cols(), who, expected));
}

}  // namespace hitscope::learn
