// Confidence intervals for a mean, plain and weighted.
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/stats.hpp>

namespace hitscope {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

void CheckLevel(double level) {
  if (!(level > 0 && level < 1)) {
    throw InvalidArgument(
        fmt::format("confidence level must be in (0, 1), e.g. 0.95; got {}", level));
  }
}

MeanInterval Interval(int64_t n, double mean, double std_error, double df, double level) {
  MeanInterval interval;
  interval.n = n;
  interval.mean = n > 0 ? mean : kNan;
  interval.level = level;
  interval.df = df;
  interval.std_error = std_error;
  if (n < 2 || !(df > 0) || std::isnan(std_error)) {
    interval.lower = interval.upper = kNan;
    return interval;
  }
  double t = StudentTQuantile((1 + level) / 2, df);
  interval.lower = mean - t * std_error;
  interval.upper = mean + t * std_error;
  return interval;
}

}  // namespace

MeanInterval MeanConfidenceInterval(const MomentState& moments, double level) {
  CheckLevel(level);
  double se =
      moments.count >= 2 ? moments.Std(1) / std::sqrt(static_cast<double>(moments.count)) : kNan;
  return Interval(moments.count, moments.mean, se, static_cast<double>(moments.count - 1), level);
}

MeanInterval MeanConfidenceInterval(std::span<const double> values, double level) {
  MomentState moments;
  for (double value : values) moments.Update(value);
  return MeanConfidenceInterval(moments, level);
}

void WeightedMomentState::Update(double value, double weight) {
  if (!(weight > 0) || !std::isfinite(weight) || std::isnan(value)) {
    ++skipped;
    return;
  }
  ++count;
  sum_weights += weight;
  sum_weights_squared += weight * weight;
  double delta = value - mean;
  mean += delta * weight / sum_weights;
  m2 += weight * delta * (value - mean);
}

void WeightedMomentState::Merge(const WeightedMomentState& other) {
  skipped += other.skipped;
  if (other.count == 0) return;
  if (count == 0) {
    int64_t own_skipped = skipped;
    *this = other;
    skipped = own_skipped;
    return;
  }
  double total = sum_weights + other.sum_weights;
  double delta = other.mean - mean;
  m2 += other.m2 + delta * delta * sum_weights * other.sum_weights / total;
  mean += delta * other.sum_weights / total;
  sum_weights = total;
  sum_weights_squared += other.sum_weights_squared;
  count += other.count;
}

double WeightedMomentState::EffectiveSize() const {
  if (count == 0) return 0;
  return sum_weights * sum_weights / sum_weights_squared;
}

double WeightedMomentState::Variance() const {
  double denominator = sum_weights - sum_weights_squared / sum_weights;
  if (count < 2 || !(denominator > 0)) return kNan;
  return m2 / denominator;
}

MeanInterval WeightedMeanConfidenceInterval(const WeightedMomentState& state, double level) {
  CheckLevel(level);
  double n_eff = state.EffectiveSize();
  double se = state.count >= 2 ? std::sqrt(state.Variance() / n_eff) : kNan;
  return Interval(state.count, state.mean, se, n_eff - 1, level);
}

}  // namespace hitscope
