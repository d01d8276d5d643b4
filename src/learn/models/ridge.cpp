// RidgeRegressor: scikit-learn's Ridge with an intercept, solved by a Cholesky (LDLT)
// factorisation of the centred, weight-scaled normal equations.
#include <cmath>

#include <Eigen/Dense>
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/models.hpp>

#include "learn/preprocess/check_input.hpp"

namespace hitscope {

RidgeRegressor::RidgeRegressor(RidgeOptions options) : options_(options) {
  if (!(options_.alpha >= 0) || !std::isfinite(options_.alpha)) {
    throw InvalidArgument(
        fmt::format("ridge: alpha must be a number >= 0, got {}", options_.alpha));
  }
}

void RidgeRegressor::Fit(const Matrix& x, std::span<const double> y,
                         std::span<const double> sample_weight) {
  learn::CheckNotEmpty(x, Name());
  learn::CheckSampleWeight(x, sample_weight, Name());
  learn::CheckFinite(x, Name());
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(fmt::format("ridge: {} targets for {} rows", y.size(), x.rows()));
  }
  const int64_t rows = x.rows(), cols = x.cols();
  std::vector<double> weight(static_cast<size_t>(rows), 1.0);
  if (!sample_weight.empty()) weight.assign(sample_weight.begin(), sample_weight.end());
  double total = 0;
  for (double w : weight) total += w;
  if (!(total > 0)) throw InvalidInput("ridge: the sample weights sum to 0");
  // Weighted means (scikit-learn's X_offset, y_offset).
  Eigen::VectorXd x_mean = Eigen::VectorXd::Zero(cols);
  double y_mean = 0;
  for (int64_t row = 0; row < rows; ++row) {
    if (!std::isfinite(y[row])) {
      throw InvalidInput(fmt::format(
          "ridge: the target is {} at row {}; drop rows without a target", y[row], row + 1));
    }
    for (int64_t j = 0; j < cols; ++j) x_mean(j) += weight[row] * x(row, j);
    y_mean += weight[row] * y[row];
  }
  x_mean /= total;
  y_mean /= total;
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(cols, cols);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(cols);
  Eigen::VectorXd centred(cols);
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t j = 0; j < cols; ++j) centred(j) = x(row, j) - x_mean(j);
    gram.selfadjointView<Eigen::Lower>().rankUpdate(centred, weight[row]);
    rhs += weight[row] * (y[row] - y_mean) * centred;
  }
  gram = gram.selfadjointView<Eigen::Lower>();
  gram.diagonal().array() += options_.alpha;
  Eigen::VectorXd w = gram.ldlt().solve(rhs);
  coef_.assign(w.data(), w.data() + cols);
  intercept_ = y_mean - x_mean.dot(w);
  fitted_ = true;
}

std::vector<double> RidgeRegressor::Predict(const Matrix& x) const {
  learn::CheckFitted(fitted_, Name(), "Predict");
  learn::CheckColumns(x, static_cast<int64_t>(coef_.size()), Name());
  learn::CheckFinite(x, Name());
  std::vector<double> out(static_cast<size_t>(x.rows()));
  for (int64_t row = 0; row < x.rows(); ++row) {
    double sum = 0;
    for (size_t j = 0; j < coef_.size(); ++j) sum += x(row, static_cast<int64_t>(j)) * coef_[j];
    out[row] = sum + intercept_;
  }
  return out;
}

std::unique_ptr<Regressor> RidgeRegressor::CloneUnfitted() const {
  return std::make_unique<RidgeRegressor>(options_);
}

EstimatorState RidgeRegressor::SaveState() const {
  learn::CheckFitted(fitted_, Name(), "SaveState");
  EstimatorState state;
  state.numbers["alpha"] = {options_.alpha};
  state.numbers["coef"] = coef_;
  state.numbers["intercept"] = {intercept_};
  return state;
}

void RidgeRegressor::LoadState(const EstimatorState& state) {
  options_.alpha = state.Number("alpha");
  coef_ = state.Numbers("coef");
  intercept_ = state.Number("intercept");
  fitted_ = true;
}

}  // namespace hitscope
