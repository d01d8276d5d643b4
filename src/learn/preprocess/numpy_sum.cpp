#include "learn/preprocess/numpy_sum.hpp"

namespace hitscope::learn {

namespace {
constexpr int64_t kPairwiseBlock = 128;  // numpy's PW_BLOCKSIZE
}

double NumpyPairwiseSum(const double* values, int64_t n) {
  if (n < 8) {
    // numpy starts from -0.0 so that a sum of negative zeros stays -0.0.
    double sum = -0.0;
    for (int64_t i = 0; i < n; ++i) sum += values[i];
    return sum;
  }
  if (n <= kPairwiseBlock) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = values[j];
    int64_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += values[i + j];
    }
    double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += values[i];
    return sum;
  }
  int64_t half = n / 2;
  half -= half % 8;
  return NumpyPairwiseSum(values, half) + NumpyPairwiseSum(values + half, n - half);
}

std::vector<double> NumpyColumnSums(const Matrix& x, const std::vector<int64_t>* rows) {
  const int64_t cols = x.cols();
  const int64_t count = rows ? static_cast<int64_t>(rows->size()) : x.rows();
  std::vector<double> sums(static_cast<size_t>(cols), 0.0);
  if (cols == 1) {
    std::vector<double> column(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) column[i] = x(rows ? (*rows)[i] : i, 0);
    sums[0] = NumpyPairwiseSum(column.data(), count);
    return sums;
  }
  for (int64_t i = 0; i < count; ++i) {
    const double* row = x.Row(rows ? (*rows)[i] : i);
    for (int64_t j = 0; j < cols; ++j) sums[j] += row[j];
  }
  return sums;
}

}  // namespace hitscope::learn
