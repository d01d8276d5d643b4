// hitscope/aggregate.hpp: mergeable aggregate states for streaming statistics.
//
// Each state has Update (one value), Merge (another state of the same kind, e.g. from another
// thread or another block of the file) and read-outs. Updating with the values of a column in
// any split, then merging the parts in any order, gives the same result as one pass (up to
// floating-point rounding). Not thread-safe: give each thread its own state and merge.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace hitscope {

// Count, sum, mean, variance (Welford / Chan et al.), minimum and maximum of finite or infinite
// values. Callers skip nulls; a NaN passed in is counted in `nan_count` and otherwise ignored.
struct MomentState {
  int64_t count = 0;
  int64_t nan_count = 0;
  double mean = 0;
  double m2 = 0;  // sum of squared deviations from the mean
  double sum = 0;
  double sum_compensation = 0;  // Neumaier compensation term of `sum`
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void Update(double value);
  void Merge(const MomentState& other);
  double Sum() const { return sum + sum_compensation; }
  // Variance with `ddof` delta degrees of freedom (pandas' std uses ddof = 1); NaN when
  // count <= ddof.
  double Variance(int ddof) const;
  double Std(int ddof) const;
};

// Exact quantiles: keeps every value. Memory is 8 bytes per value; for tables that fit in
// memory. Quantile() follows numpy's default ("linear" interpolation, as pandas' quantile).
class QuantileState {
 public:
  void Update(double value) {
    values_.push_back(value);
    sorted_ = false;
  }
  void Merge(const QuantileState& other);
  int64_t count() const { return static_cast<int64_t>(values_.size()); }
  // q in [0, 1]; NaN when empty.
  double Quantile(double q);
  // Several quantiles at once, cheaper than one call each.
  std::vector<double> Quantiles(const std::vector<double>& qs);

 private:
  void Sort();
  std::vector<double> values_;
  bool sorted_ = true;
};

// numpy's linear interpolation between a and b at t in [0, 1], bit for bit as numpy's _lerp.
double Lerp(double a, double b, double t);

// The q-quantile of sorted values with numpy's "linear" method. REQUIRES: sorted, non-empty.
double QuantileOfSorted(const std::vector<double>& sorted, double q);

}  // namespace hitscope
