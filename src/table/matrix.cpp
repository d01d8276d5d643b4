#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/matrix.hpp>

#include "core/parallel.hpp"

namespace hitscope {

Matrix::Matrix(int64_t rows, int64_t cols, double fill)
    : rows_(rows), cols_(cols), data_(static_cast<size_t>(rows * cols), fill) {
  if (rows < 0 || cols < 0) {
    throw InvalidArgument(fmt::format("a matrix cannot be {} x {}", rows, cols));
  }
}

Matrix::Matrix(int64_t rows, int64_t cols, std::vector<double> data)
    : rows_(rows), cols_(cols), data_(std::move(data)) {
  if (rows < 0 || cols < 0 || static_cast<int64_t>(data_.size()) != rows * cols) {
    throw InvalidArgument(fmt::format("a {} x {} matrix needs {} values, got {}", rows, cols,
                                      rows * cols, data_.size()));
  }
}

Matrix Matrix::TakeRows(std::span<const int64_t> rows) const {
  Matrix out(static_cast<int64_t>(rows.size()), cols_);
  ParallelFor(rows.size(), 4096, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      std::copy_n(Row(rows[i]), cols_, out.Row(static_cast<int64_t>(i)));
    }
  });
  return out;
}

Matrix Matrix::TakeCols(std::span<const int64_t> cols) const {
  Matrix out(rows_, static_cast<int64_t>(cols.size()));
  for (int64_t row = 0; row < rows_; ++row) {
    for (size_t c = 0; c < cols.size(); ++c)
      out(row, static_cast<int64_t>(c)) = (*this)(row, cols[c]);
  }
  return out;
}

std::vector<double> Matrix::Col(int64_t col) const {
  std::vector<double> out(static_cast<size_t>(rows_));
  for (int64_t row = 0; row < rows_; ++row) out[row] = (*this)(row, col);
  return out;
}

Matrix Matrix::StackRows(const Matrix& a, const Matrix& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  if (a.cols() != b.cols()) {
    throw InvalidArgument(
        fmt::format("cannot stack a {}-column matrix on a {}-column one", b.cols(), a.cols()));
  }
  std::vector<double> data = a.data_;
  data.insert(data.end(), b.data_.begin(), b.data_.end());
  return Matrix(a.rows() + b.rows(), a.cols(), std::move(data));
}

Matrix TableToMatrix(const Table& table, std::span<const std::string> columns) {
  const int64_t rows = table.num_rows();
  const int64_t cols = static_cast<int64_t>(columns.size());
  std::vector<const Column*> sources;
  for (const auto& name : columns) {
    const Column& column = table.column(name);
    if (!IsNumeric(column.type())) {
      throw InvalidInput(fmt::format("column '{}' is {}, not numeric; choose numeric features",
                                     name, DataTypeName(column.type())));
    }
    sources.push_back(&column);
  }
  Matrix out(rows, cols);
  std::vector<int64_t> first_bad(static_cast<size_t>(cols), -1);
  ParallelTasks(static_cast<size_t>(cols), [&](size_t c) {
    const Column& column = *sources[c];
    for (int64_t row = 0; row < rows; ++row) {
      double value = column.NumericAt(row);
      if (!std::isfinite(value)) {
        first_bad[c] = row;
        return;
      }
      out(row, static_cast<int64_t>(c)) = value;
    }
  });
  for (int64_t c = 0; c < cols; ++c) {
    if (first_bad[c] < 0) continue;
    int64_t row = first_bad[c];
    double value = sources[c]->NumericAt(row);
    throw InvalidInput(fmt::format(
        "column '{}' has {} at row {}; drop or fill missing values before learning", columns[c],
        sources[c]->IsNull(row) ? "a missing value" : fmt::format("the value {}", value), row + 1));
  }
  return out;
}

}  // namespace hitscope
