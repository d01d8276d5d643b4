// OneHotEncoder and SelectKBest (f_classif), the transformers that change the columns.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/preprocess.hpp>

#include "core/parallel.hpp"
#include "learn/preprocess/check_input.hpp"
#include "learn/preprocess/numpy_sum.hpp"

namespace hitscope {

namespace {

// "5" for 5.0, "0.25" otherwise: category values in column names.
std::string CategoryText(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

std::vector<double> Flag(bool value) {
  return {value ? 1.0 : 0.0};
}

}  // namespace

// ---------------------------------------------------------------- OneHotEncoder

void OneHotEncoder::Fit(const Matrix& x, std::span<const int32_t>, std::span<const double>) {
  learn::CheckNotEmpty(x, Name());
  learn::CheckFinite(x, Name());
  std::set<int64_t> seen;
  for (int64_t col : options_.columns) {
    if (col < 0 || col >= x.cols()) {
      throw InvalidArgument(fmt::format(
          "one_hot: column {} does not exist; the matrix has columns 0..{}", col, x.cols() - 1));
    }
    if (!seen.insert(col).second) {
      throw InvalidArgument(fmt::format("one_hot: column {} is listed twice", col));
    }
  }
  input_cols_ = x.cols();
  categories_.assign(options_.columns.size(), {});
  ParallelTasks(options_.columns.size(), [&](size_t i) {
    std::vector<double> values = x.Col(options_.columns[i]);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    categories_[i] = std::move(values);
  });
  fitted_ = true;
}

Matrix OneHotEncoder::Transform(const Matrix& x) const {
  learn::CheckFitted(fitted_, Name(), "Transform");
  learn::CheckColumns(x, input_cols_, Name());
  learn::CheckFinite(x, Name());
  std::vector<bool> encoded(static_cast<size_t>(input_cols_), false);
  int64_t out_cols = 0;
  for (size_t i = 0; i < options_.columns.size(); ++i) {
    encoded[options_.columns[i]] = true;
    out_cols += static_cast<int64_t>(categories_[i].size());
  }
  std::vector<int64_t> passthrough;
  for (int64_t col = 0; col < input_cols_; ++col) {
    if (!encoded[col]) passthrough.push_back(col);
  }
  const int64_t first_passthrough = out_cols;
  out_cols += static_cast<int64_t>(passthrough.size());
  Matrix out(x.rows(), out_cols);
  // The first unknown value (row order) is reported whatever the thread count.
  std::vector<int64_t> first_unknown(static_cast<size_t>(x.rows() + 4095) / 4096, -1);
  ParallelFor(first_unknown.size(), 1, [&](size_t begin, size_t end) {
    for (size_t chunk = begin; chunk < end; ++chunk) {
      int64_t from = static_cast<int64_t>(chunk) * 4096;
      int64_t to = std::min(x.rows(), from + 4096);
      for (int64_t row = from; row < to; ++row) {
        const double* in = x.Row(row);
        double* to_row = out.Row(row);
        int64_t offset = 0;
        for (size_t i = 0; i < options_.columns.size(); ++i) {
          const std::vector<double>& cats = categories_[i];
          double value = in[options_.columns[i]];
          auto it = std::lower_bound(cats.begin(), cats.end(), value);
          if (it != cats.end() && *it == value) {
            to_row[offset + (it - cats.begin())] = 1.0;
          } else if (options_.unknown == UnknownCategory::kError && first_unknown[chunk] < 0) {
            first_unknown[chunk] = row;
          }
          offset += static_cast<int64_t>(cats.size());
        }
        for (size_t p = 0; p < passthrough.size(); ++p) {
          to_row[first_passthrough + static_cast<int64_t>(p)] = in[passthrough[p]];
        }
      }
    }
  });
  for (int64_t row : first_unknown) {
    if (row < 0) continue;
    for (size_t i = 0; i < options_.columns.size(); ++i) {
      double value = x(row, options_.columns[i]);
      if (!std::binary_search(categories_[i].begin(), categories_[i].end(), value)) {
        throw InvalidInput(fmt::format(
            "one_hot: column {} holds {} at row {}, a value not seen when fitting; refit on data "
            "that has it or ignore unknown values",
            options_.columns[i] + 1, value, row + 1));
      }
    }
  }
  return out;
}

std::vector<std::string> OneHotEncoder::OutputNames(const std::vector<std::string>& input) const {
  learn::CheckFitted(fitted_, Name(), "OutputNames");
  std::vector<std::string> names;
  std::vector<bool> encoded(input.size(), false);
  for (size_t i = 0; i < options_.columns.size(); ++i) {
    const std::string& base = input.at(static_cast<size_t>(options_.columns[i]));
    encoded[options_.columns[i]] = true;
    for (double value : categories_[i]) names.push_back(base + "_" + CategoryText(value));
  }
  for (size_t col = 0; col < input.size(); ++col) {
    if (!encoded[col]) names.push_back(input[col]);
  }
  return names;
}

std::unique_ptr<Transformer> OneHotEncoder::CloneUnfitted() const {
  return std::make_unique<OneHotEncoder>(options_);
}

EstimatorState OneHotEncoder::SaveState() const {
  learn::CheckFitted(fitted_, Name(), "SaveState");
  EstimatorState state;
  state.numbers["input_cols"] = {static_cast<double>(input_cols_)};
  state.numbers["unknown_error"] = Flag(options_.unknown == UnknownCategory::kError);
  std::vector<double> columns(options_.columns.begin(), options_.columns.end());
  state.numbers["columns"] = columns;
  for (size_t i = 0; i < categories_.size(); ++i) {
    state.numbers[fmt::format("categories_{}", i)] = categories_[i];
  }
  return state;
}

void OneHotEncoder::LoadState(const EstimatorState& state) {
  input_cols_ = static_cast<int64_t>(state.Number("input_cols"));
  options_.unknown =
      state.Number("unknown_error") != 0 ? UnknownCategory::kError : UnknownCategory::kIgnore;
  options_.columns.clear();
  for (double col : state.Numbers("columns")) {
    if (col < 0 || col >= static_cast<double>(input_cols_)) {
      throw InvalidInput(
          "the saved one-hot encoder names a column out of range; the model file "
          "is damaged");
    }
    options_.columns.push_back(static_cast<int64_t>(col));
  }
  categories_.clear();
  for (size_t i = 0; i < options_.columns.size(); ++i) {
    categories_.push_back(state.Numbers(fmt::format("categories_{}", i)));
  }
  fitted_ = true;
}

// ---------------------------------------------------------------- SelectKBest

void SelectKBest::Fit(const Matrix& x, std::span<const int32_t> y, std::span<const double>) {
  if (options_.k < 1) {
    throw InvalidArgument(fmt::format("select_k_best: k must be >= 1, got {}", options_.k));
  }
  learn::CheckNotEmpty(x, Name());
  learn::CheckFinite(x, Name());
  if (y.empty()) {
    throw InvalidInput(
        "select_k_best: needs class labels to score the columns; use it with a class target");
  }
  learn::CheckLabels(x, y, Name());
  const int64_t cols = x.cols();
  const int32_t num_labels = *std::max_element(y.begin(), y.end()) + 1;
  // Rows of each class present, in row order (numpy's X[y == k]).
  std::vector<std::vector<int64_t>> members(static_cast<size_t>(num_labels));
  for (size_t row = 0; row < y.size(); ++row) members[y[row]].push_back(static_cast<int64_t>(row));
  members.erase(
      std::remove_if(members.begin(), members.end(), [](const auto& rows) { return rows.empty(); }),
      members.end());
  if (members.size() < 2) {
    throw InvalidInput(
        "select_k_best: the training rows hold a single class; the F test needs "
        "at least two");
  }
  // scikit-learn's f_oneway, operation for operation.
  const double n_classes = static_cast<double>(members.size());
  const double n_samples = static_cast<double>(x.rows());
  Matrix squares = x;
  for (double& value : squares.mutable_data()) value = value * value;
  std::vector<double> ss_alldata(static_cast<size_t>(cols), 0.0);
  std::vector<double> sum_all(static_cast<size_t>(cols), 0.0);
  std::vector<std::vector<double>> sums;
  for (const auto& rows : members) {
    std::vector<double> ss = learn::NumpyColumnSums(squares, &rows);
    sums.push_back(learn::NumpyColumnSums(x, &rows));
    for (int64_t col = 0; col < cols; ++col) {
      ss_alldata[col] = ss_alldata[col] + ss[col];
      sum_all[col] = sum_all[col] + sums.back()[col];
    }
  }
  scores_.assign(static_cast<size_t>(cols), 0.0);
  for (int64_t col = 0; col < cols; ++col) {
    double square_of_sums_alldata = sum_all[col] * sum_all[col];
    double sstot = ss_alldata[col] - square_of_sums_alldata / n_samples;
    double ssbn = 0.0;
    for (size_t k = 0; k < members.size(); ++k) {
      ssbn += sums[k][col] * sums[k][col] / static_cast<double>(members[k].size());
    }
    ssbn -= square_of_sums_alldata / n_samples;
    double sswn = sstot - ssbn;
    double msb = ssbn / (n_classes - 1);
    double msw = sswn / (n_samples - n_classes);
    scores_[col] = msb / msw;
  }
  // scikit-learn: NaN scores count as the lowest float; a stable argsort, the last k win.
  std::vector<double> clean = scores_;
  for (double& value : clean) {
    if (std::isnan(value)) value = std::numeric_limits<double>::lowest();
  }
  std::vector<int64_t> order(static_cast<size_t>(cols));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return clean[a] < clean[b]; });
  const int64_t keep = std::min<int64_t>(options_.k, cols);
  selected_.assign(order.end() - keep, order.end());
  std::sort(selected_.begin(), selected_.end());
  input_cols_ = cols;
  fitted_ = true;
}

Matrix SelectKBest::Transform(const Matrix& x) const {
  learn::CheckFitted(fitted_, Name(), "Transform");
  learn::CheckColumns(x, input_cols_, Name());
  learn::CheckFinite(x, Name());
  return x.TakeCols(selected_);
}

std::vector<std::string> SelectKBest::OutputNames(const std::vector<std::string>& input) const {
  learn::CheckFitted(fitted_, Name(), "OutputNames");
  std::vector<std::string> names;
  for (int64_t col : selected_) names.push_back(input.at(static_cast<size_t>(col)));
  return names;
}

std::unique_ptr<Transformer> SelectKBest::CloneUnfitted() const {
  return std::make_unique<SelectKBest>(options_);
}

EstimatorState SelectKBest::SaveState() const {
  learn::CheckFitted(fitted_, Name(), "SaveState");
  EstimatorState state;
  state.numbers["k"] = {static_cast<double>(options_.k)};
  state.numbers["input_cols"] = {static_cast<double>(input_cols_)};
  state.numbers["scores"] = scores_;
  state.numbers["selected"] = std::vector<double>(selected_.begin(), selected_.end());
  return state;
}

void SelectKBest::LoadState(const EstimatorState& state) {
  options_.k = static_cast<int>(state.Number("k"));
  input_cols_ = static_cast<int64_t>(state.Number("input_cols"));
  scores_ = state.Numbers("scores");
  selected_.clear();
  for (double col : state.Numbers("selected")) {
    if (col < 0 || col >= static_cast<double>(input_cols_)) {
      throw InvalidInput(
          "the saved column selector names a column out of range; the model file "
          "is damaged");
    }
    selected_.push_back(static_cast<int64_t>(col));
  }
  fitted_ = true;
}

}  // namespace hitscope
