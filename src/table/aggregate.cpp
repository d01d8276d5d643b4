#include <algorithm>
#include <cmath>

#include <hitscope/aggregate.hpp>

namespace hitscope {

void MomentState::Update(double value) {
  if (std::isnan(value)) {
    ++nan_count;
    return;
  }
  ++count;
  // Neumaier's compensated sum.
  double t = sum + value;
  if (std::fabs(sum) >= std::fabs(value)) {
    sum_compensation += (sum - t) + value;
  } else {
    sum_compensation += (value - t) + sum;
  }
  sum = t;
  min = std::min(min, value);
  max = std::max(max, value);
  if (std::isinf(value) || std::isinf(mean)) {
    mean = (mean * static_cast<double>(count - 1) + value) / static_cast<double>(count);
    m2 = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  double delta = value - mean;
  mean += delta / static_cast<double>(count);
  m2 += delta * (value - mean);
}

void MomentState::Merge(const MomentState& other) {
  nan_count += other.nan_count;
  if (other.count == 0) return;
  if (count == 0) {
    int64_t nans = nan_count;
    *this = other;
    nan_count = nans;
    return;
  }
  double total = static_cast<double>(count + other.count);
  double delta = other.mean - mean;
  m2 += other.m2 +
        delta * delta * static_cast<double>(count) * static_cast<double>(other.count) / total;
  mean += delta * static_cast<double>(other.count) / total;
  count += other.count;
  double t = sum + other.sum;
  if (std::fabs(sum) >= std::fabs(other.sum)) {
    sum_compensation += (sum - t) + other.sum;
  } else {
    sum_compensation += (other.sum - t) + sum;
  }
  sum = t;
  sum_compensation += other.sum_compensation;
  min = std::min(min, other.min);
  max = std::max(max, other.max);
}

double MomentState::Variance(int ddof) const {
  if (count <= ddof) return std::numeric_limits<double>::quiet_NaN();
  return std::max(0.0, m2) / static_cast<double>(count - ddof);
}

double MomentState::Std(int ddof) const {
  return std::sqrt(Variance(ddof));
}

double Lerp(double a, double b, double t) {
  double diff = b - a;
  if (t >= 0.5) return b - diff * (1 - t);
  return a + diff * t;
}

double QuantileOfSorted(const std::vector<double>& sorted, double q) {
  double n = static_cast<double>(sorted.size());
  double virtual_index = (n - 1) * q;
  double previous = std::floor(virtual_index);
  size_t lo = static_cast<size_t>(std::clamp(previous, 0.0, n - 1));
  size_t hi = static_cast<size_t>(std::clamp(previous + 1, 0.0, n - 1));
  double gamma = virtual_index - previous;
  return Lerp(sorted[lo], sorted[hi], gamma);
}

void QuantileState::Merge(const QuantileState& other) {
  values_.insert(values_.end(), other.values_.begin(), other.values_.end());
  sorted_ = false;
}

void QuantileState::Sort() {
  if (sorted_) return;
  std::sort(values_.begin(), values_.end());
  sorted_ = true;
}

double QuantileState::Quantile(double q) {
  if (values_.empty()) return std::numeric_limits<double>::quiet_NaN();
  Sort();
  return QuantileOfSorted(values_, q);
}

std::vector<double> QuantileState::Quantiles(const std::vector<double>& qs) {
  std::vector<double> out;
  out.reserve(qs.size());
  if (values_.empty() || sorted_ || qs.size() > 8) {
    for (double q : qs) out.push_back(Quantile(q));
    return out;
  }
  // Selection instead of a full sort: place each needed order statistic with nth_element,
  // each time on the part right of the previous one (numpy's percentile partitions the same way).
  double n = static_cast<double>(values_.size());
  std::vector<size_t> needed;
  for (double q : qs) {
    double previous = std::floor((n - 1) * q);
    needed.push_back(static_cast<size_t>(std::clamp(previous, 0.0, n - 1)));
    needed.push_back(static_cast<size_t>(std::clamp(previous + 1, 0.0, n - 1)));
  }
  std::sort(needed.begin(), needed.end());
  needed.erase(std::unique(needed.begin(), needed.end()), needed.end());
  size_t from = 0;
  for (size_t index : needed) {
    std::nth_element(values_.begin() + static_cast<std::ptrdiff_t>(from),
                     values_.begin() + static_cast<std::ptrdiff_t>(index), values_.end());
    from = index + 1;
  }
  for (double q : qs) {
    double virtual_index = (n - 1) * q;
    double previous = std::floor(virtual_index);
    size_t lo = static_cast<size_t>(std::clamp(previous, 0.0, n - 1));
    size_t hi = static_cast<size_t>(std::clamp(previous + 1, 0.0, n - 1));
    out.push_back(Lerp(values_[lo], values_[hi], virtual_index - previous));
  }
  return out;
}

}  // namespace hitscope
