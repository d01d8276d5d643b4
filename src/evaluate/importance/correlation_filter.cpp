// CorrelationFilter (include/hitscope/importance.hpp): drops all but the first of each group of
// strongly correlated features.
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/importance.hpp>

#include "learn/preprocess/check_input.hpp"

namespace hitscope {

namespace {

constexpr const char* kWho = "correlation filter";

// Pearson correlations of the columns (features x features); 0 where a column is constant.
Matrix PearsonMatrix(const Matrix& x) {
  const int64_t n = x.rows(), m = x.cols();
  std::vector<double> mean(static_cast<size_t>(m), 0.0);
  for (int64_t row = 0; row < n; ++row) {
    for (int64_t f = 0; f < m; ++f) mean[f] += x(row, f);
  }
  for (double& value : mean) value /= static_cast<double>(n);
  Matrix cov(m, m);
  for (int64_t row = 0; row < n; ++row) {
    const double* values = x.Row(row);
    for (int64_t a = 0; a < m; ++a) {
      double da = values[a] - mean[a];
      for (int64_t b = a; b < m; ++b) cov(a, b) += da * (values[b] - mean[b]);
    }
  }
  Matrix r(m, m);
  for (int64_t a = 0; a < m; ++a) {
    for (int64_t b = a; b < m; ++b) {
      double denominator = std::sqrt(cov(a, a) * cov(b, b));
      double value = a == b ? 1.0 : (denominator > 0 ? cov(a, b) / denominator : 0.0);
      r(a, b) = r(b, a) = value;
    }
  }
  return r;
}

}  // namespace

CorrelationFilter::CorrelationFilter(CorrelationFilterOptions options) : options_(options) {}

void CorrelationFilter::Fit(const Matrix& x, std::span<const int32_t> y,
                            std::span<const double> sample_weight) {
  (void)y;
  (void)sample_weight;
  if (!(options_.threshold >= 0 && options_.threshold <= 1)) {
    throw InvalidArgument(
        fmt::format("{}: threshold must be in [0, 1], got {}", kWho, options_.threshold));
  }
  learn::CheckNotEmpty(x, kWho);
  learn::CheckFinite(x, kWho);
  input_cols_ = x.cols();
  correlation_ = PearsonMatrix(x);
  kept_.clear();
  dropped_.clear();
  for (int64_t column = 0; column < x.cols(); ++column) {
    bool keep = true;
    for (int64_t earlier : kept_) {
      double r = correlation_(column, earlier);
      if (std::fabs(r) > options_.threshold) {
        dropped_.push_back({column, earlier, r});
        keep = false;
        break;
      }
    }
    if (keep) kept_.push_back(column);
  }
}

Matrix CorrelationFilter::Transform(const Matrix& x) const {
  learn::CheckFitted(fitted(), kWho, "Transform");
  learn::CheckColumns(x, input_cols_, kWho);
  return x.TakeCols(kept_);
}

std::vector<std::string> CorrelationFilter::OutputNames(
    const std::vector<std::string>& input) const {
  std::vector<std::string> out;
  for (int64_t column : kept_) out.push_back(input.at(static_cast<size_t>(column)));
  return out;
}

std::unique_ptr<Transformer> CorrelationFilter::CloneUnfitted() const {
  return std::make_unique<CorrelationFilter>(options_);
}

EstimatorState CorrelationFilter::SaveState() const {
  learn::CheckFitted(fitted(), kWho, "SaveState");
  EstimatorState state;
  state.numbers["threshold"] = {options_.threshold};
  state.numbers["input_cols"] = {static_cast<double>(input_cols_)};
  state.numbers["kept"].assign(kept_.begin(), kept_.end());
  return state;
}

void CorrelationFilter::LoadState(const EstimatorState& state) {
  options_.threshold = state.Number("threshold");
  input_cols_ = static_cast<int64_t>(state.Number("input_cols"));
  kept_.clear();
  for (double column : state.Numbers("kept")) {
    if (!(column >= 0 && column < static_cast<double>(input_cols_))) {
      throw InvalidInput(
          fmt::format("{}: the saved columns are damaged; save the model again", kWho));
    }
    kept_.push_back(static_cast<int64_t>(column));
  }
  dropped_.clear();
}

}  // namespace hitscope
