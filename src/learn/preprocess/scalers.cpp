// StandardScaler, MinMaxScaler and RobustScaler, computing in scikit-learn 1.2.1's order so the
// results are equal to the last bit: _incremental_mean_and_var (a corrected two-pass variance),
// _is_constant_feature, _handle_zeros_in_scale, numpy's nanmedian and linear nanpercentile.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/aggregate.hpp>
#include <hitscope/error.hpp>
#include <hitscope/preprocess.hpp>

#include "core/parallel.hpp"
#include "learn/preprocess/check_input.hpp"
#include "learn/preprocess/numpy_sum.hpp"

namespace hitscope {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

void CheckFitInput(const Matrix& x, const std::string& who) {
  learn::CheckNotEmpty(x, who);
  learn::CheckFinite(x, who);
}

// Applies out(row, col) = op(x(row, col), col) in parallel over rows.
template <class Op>
Matrix MapColumns(const Matrix& x, Op op) {
  Matrix out(x.rows(), x.cols());
  const int64_t cols = x.cols();
  ParallelFor(static_cast<size_t>(x.rows()), 4096, [&](size_t begin, size_t end) {
    for (size_t row = begin; row < end; ++row) {
      const double* in = x.Row(static_cast<int64_t>(row));
      double* to = out.Row(static_cast<int64_t>(row));
      for (int64_t col = 0; col < cols; ++col) to[col] = op(in[col], col);
    }
  });
  return out;
}

void CheckTransformInput(const Matrix& x, bool fitted, int64_t cols, const std::string& who) {
  learn::CheckFitted(fitted, who, "Transform");
  learn::CheckColumns(x, cols, who);
  learn::CheckFinite(x, who);
}

// The sorted values of one column.
std::vector<double> SortedColumn(const Matrix& x, int64_t col) {
  std::vector<double> values = x.Col(col);
  std::sort(values.begin(), values.end());
  return values;
}

void RequireSize(const std::vector<double>& values, size_t size, const char* key) {
  if (values.size() != size) {
    throw InvalidInput(fmt::format(
        "the saved scaler has {} values for '{}' where {} were expected; the model file is "
        "damaged",
        values.size(), key, size));
  }
}

}  // namespace

// ---------------------------------------------------------------- StandardScaler

void StandardScaler::Fit(const Matrix& x, std::span<const int32_t>, std::span<const double>) {
  CheckFitInput(x, Name());
  const int64_t rows = x.rows(), cols = x.cols();
  const double n = static_cast<double>(rows);
  std::vector<double> sums = learn::NumpyColumnSums(x);
  mean_.assign(static_cast<size_t>(cols), 0.0);
  for (int64_t col = 0; col < cols; ++col) mean_[col] = (0.0 + sums[col]) / n;
  var_.clear();
  scale_.assign(static_cast<size_t>(cols), 1.0);
  if (options_.with_std) {
    // temp = X - T, T = sum / n; correction = sum(temp); unnormalized = sum(temp^2) -
    // correction^2 / n; var = unnormalized / n.
    Matrix temp = MapColumns(x, [&](double value, int64_t col) { return value - sums[col] / n; });
    std::vector<double> correction = learn::NumpyColumnSums(temp);
    for (double& value : temp.mutable_data()) value = value * value;
    std::vector<double> unnormalized = learn::NumpyColumnSums(temp);
    var_.resize(static_cast<size_t>(cols));
    for (int64_t col = 0; col < cols; ++col) {
      unnormalized[col] -= correction[col] * correction[col] / n;
      var_[col] = unnormalized[col] / n;
      double upper_bound = n * kEps * var_[col] + (n * mean_[col] * kEps) * (n * mean_[col] * kEps);
      scale_[col] = var_[col] <= upper_bound ? 1.0 : std::sqrt(var_[col]);
    }
  }
  fitted_ = true;
}

Matrix StandardScaler::Transform(const Matrix& x) const {
  CheckTransformInput(x, fitted_, static_cast<int64_t>(mean_.size()), Name());
  const bool center = options_.with_mean, scale = options_.with_std;
  return MapColumns(x, [&](double value, int64_t col) {
    if (center) value -= mean_[col];
    if (scale) value /= scale_[col];
    return value;
  });
}

std::unique_ptr<Transformer> StandardScaler::CloneUnfitted() const {
  return std::make_unique<StandardScaler>(options_);
}

EstimatorState StandardScaler::SaveState() const {
  learn::CheckFitted(fitted_, Name(), "SaveState");
  EstimatorState state;
  state.numbers["with_mean"] = {options_.with_mean ? 1.0 : 0.0};
  state.numbers["with_std"] = {options_.with_std ? 1.0 : 0.0};
  state.numbers["mean"] = mean_;
  state.numbers["var"] = var_;
  state.numbers["scale"] = scale_;
  return state;
}

void StandardScaler::LoadState(const EstimatorState& state) {
  options_.with_mean = state.Number("with_mean") != 0;
  options_.with_std = state.Number("with_std") != 0;
  mean_ = state.Numbers("mean");
  var_ = state.Numbers("var");
  scale_ = state.Numbers("scale");
  RequireSize(scale_, mean_.size(), "scale");
  fitted_ = true;
}

// ---------------------------------------------------------------- MinMaxScaler

MinMaxScaler::MinMaxScaler(MinMaxScalerOptions options) : options_(options) {
  if (!(options.min < options.max)) {
    throw InvalidArgument(
        fmt::format("minmax_scaler: the output range must have min < max, got [{}, {}]",
                    options.min, options.max));
  }
}

void MinMaxScaler::Fit(const Matrix& x, std::span<const int32_t>, std::span<const double>) {
  CheckFitInput(x, Name());
  const int64_t cols = x.cols();
  data_min_.assign(static_cast<size_t>(cols), std::numeric_limits<double>::infinity());
  data_max_.assign(static_cast<size_t>(cols), -std::numeric_limits<double>::infinity());
  for (int64_t row = 0; row < x.rows(); ++row) {
    const double* values = x.Row(row);
    for (int64_t col = 0; col < cols; ++col) {
      data_min_[col] = std::min(data_min_[col], values[col]);
      data_max_[col] = std::max(data_max_[col], values[col]);
    }
  }
  scale_.resize(static_cast<size_t>(cols));
  offset_.resize(static_cast<size_t>(cols));
  for (int64_t col = 0; col < cols; ++col) {
    double range = data_max_[col] - data_min_[col];
    if (range < 10 * kEps) range = 1.0;
    scale_[col] = (options_.max - options_.min) / range;
    offset_[col] = options_.min - data_min_[col] * scale_[col];
  }
  fitted_ = true;
}

Matrix MinMaxScaler::Transform(const Matrix& x) const {
  CheckTransformInput(x, fitted_, static_cast<int64_t>(scale_.size()), Name());
  return MapColumns(x, [&](double value, int64_t col) {
    value *= scale_[col];
    value += offset_[col];
    if (options_.clip) value = std::clamp(value, options_.min, options_.max);
    return value;
  });
}

std::unique_ptr<Transformer> MinMaxScaler::CloneUnfitted() const {
  return std::make_unique<MinMaxScaler>(options_);
}

EstimatorState MinMaxScaler::SaveState() const {
  learn::CheckFitted(fitted_, Name(), "SaveState");
  EstimatorState state;
  state.numbers["range"] = {options_.min, options_.max};
  state.numbers["clip"] = {options_.clip ? 1.0 : 0.0};
  state.numbers["data_min"] = data_min_;
  state.numbers["data_max"] = data_max_;
  state.numbers["scale"] = scale_;
  state.numbers["offset"] = offset_;
  return state;
}

void MinMaxScaler::LoadState(const EstimatorState& state) {
  const std::vector<double>& range = state.Numbers("range");
  RequireSize(range, 2, "range");
  options_.min = range[0];
  options_.max = range[1];
  options_.clip = state.Number("clip") != 0;
  data_min_ = state.Numbers("data_min");
  data_max_ = state.Numbers("data_max");
  scale_ = state.Numbers("scale");
  offset_ = state.Numbers("offset");
  RequireSize(offset_, scale_.size(), "offset");
  fitted_ = true;
}

// ---------------------------------------------------------------- RobustScaler

RobustScaler::RobustScaler(RobustScalerOptions options) : options_(options) {
  if (!(0 <= options.q_min && options.q_min <= options.q_max && options.q_max <= 100)) {
    throw InvalidArgument(fmt::format(
        "robust_scaler: the quantile range must satisfy 0 <= q_min <= q_max <= 100, got ({}, {})",
        options.q_min, options.q_max));
  }
}

void RobustScaler::Fit(const Matrix& x, std::span<const int32_t>, std::span<const double>) {
  CheckFitInput(x, Name());
  const int64_t cols = x.cols();
  center_.assign(static_cast<size_t>(cols), 0.0);
  scale_.assign(static_cast<size_t>(cols), 1.0);
  ParallelTasks(static_cast<size_t>(cols), [&](size_t task) {
    const int64_t col = static_cast<int64_t>(task);
    std::vector<double> sorted = SortedColumn(x, col);
    const size_t n = sorted.size();
    if (options_.with_centering) {
      // numpy's median: the middle value, or the mean of the two middle values.
      center_[col] = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
    if (options_.with_scaling) {
      double low = QuantileOfSorted(sorted, options_.q_min / 100.0);
      double high = QuantileOfSorted(sorted, options_.q_max / 100.0);
      double range = high - low;
      scale_[col] = range < 10 * kEps ? 1.0 : range;
    }
  });
  fitted_ = true;
}

Matrix RobustScaler::Transform(const Matrix& x) const {
  CheckTransformInput(x, fitted_, static_cast<int64_t>(scale_.size()), Name());
  return MapColumns(x, [&](double value, int64_t col) {
    if (options_.with_centering) value -= center_[col];
    if (options_.with_scaling) value /= scale_[col];
    return value;
  });
}

std::unique_ptr<Transformer> RobustScaler::CloneUnfitted() const {
  return std::make_unique<RobustScaler>(options_);
}

EstimatorState RobustScaler::SaveState() const {
  learn::CheckFitted(fitted_, Name(), "SaveState");
  EstimatorState state;
  state.numbers["with_centering"] = {options_.with_centering ? 1.0 : 0.0};
  state.numbers["with_scaling"] = {options_.with_scaling ? 1.0 : 0.0};
  state.numbers["quantile_range"] = {options_.q_min, options_.q_max};
  state.numbers["center"] = center_;
  state.numbers["scale"] = scale_;
  return state;
}

void RobustScaler::LoadState(const EstimatorState& state) {
  options_.with_centering = state.Number("with_centering") != 0;
  options_.with_scaling = state.Number("with_scaling") != 0;
  const std::vector<double>& range = state.Numbers("quantile_range");
  RequireSize(range, 2, "quantile_range");
  options_.q_min = range[0];
  options_.q_max = range[1];
  center_ = state.Numbers("center");
  scale_ = state.Numbers("scale");
  RequireSize(scale_, center_.size(), "scale");
  fitted_ = true;
}

}  // namespace hitscope
