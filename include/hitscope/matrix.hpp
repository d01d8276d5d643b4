// hitscope/matrix.hpp: the dense feature matrix every learner takes.
//
// A Matrix is rows x cols float64, row-major (one sample per row, as scikit-learn's X). It owns
// its data. Not thread-safe for writing; safe to read from many threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hitscope/table.hpp>

namespace hitscope {

class Matrix {
 public:
  Matrix() = default;
  Matrix(int64_t rows, int64_t cols, double fill = 0.0);
  // REQUIRES: data.size() == rows * cols (row-major). Throws Error(kInvalidArgument) if not.
  Matrix(int64_t rows, int64_t cols, std::vector<double> data);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  bool empty() const { return rows_ == 0; }
  double operator()(int64_t row, int64_t col) const { return data_[row * cols_ + col]; }
  double& operator()(int64_t row, int64_t col) { return data_[row * cols_ + col]; }
  const double* Row(int64_t row) const { return data_.data() + row * cols_; }
  double* Row(int64_t row) { return data_.data() + row * cols_; }
  std::span<const double> data() const { return data_; }
  std::vector<double>& mutable_data() { return data_; }

  // The rows at `rows`, in that order (repeats allowed).
  Matrix TakeRows(std::span<const int64_t> rows) const;
  // The columns at `cols`, in that order.
  Matrix TakeCols(std::span<const int64_t> cols) const;
  // One column as a vector.
  std::vector<double> Col(int64_t col) const;
  // Rows of `a` then rows of `b`; REQUIRES equal cols (or one side empty).
  static Matrix StackRows(const Matrix& a, const Matrix& b);

 private:
  int64_t rows_ = 0;
  int64_t cols_ = 0;
  std::vector<double> data_;
};

// The named numeric columns of a table (int64, float64, bool) as a matrix, in parallel.
// Throws Error(kInvalidInput) naming the column and the first row when a value is null, NaN or
// infinite ("column 'tempo' has a missing value at row 17; drop or fill missing values first"),
// or when a column is not numeric.
Matrix TableToMatrix(const Table& table, std::span<const std::string> columns);

}  // namespace hitscope
