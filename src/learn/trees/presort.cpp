#include "learn/trees/presort.hpp"

#include <algorithm>

#include "core/parallel.hpp"

namespace hitscope::trees {

PresortedColumns Presort(const TrainingSet& data) {
  PresortedColumns out;
  out.columns.resize(static_cast<size_t>(data.features));
  ParallelTasks(static_cast<size_t>(data.features), [&](size_t feature) {
    const float* values = data.Column(static_cast<int64_t>(feature));
    std::vector<SortedEntry>& column = out.columns[feature];
    column.resize(static_cast<size_t>(data.rows));
    for (int64_t row = 0; row < data.rows; ++row) {
      column[row] = {values[row], static_cast<int32_t>(row)};
    }
    std::sort(column.begin(), column.end(), [](const SortedEntry& a, const SortedEntry& b) {
      return a.value < b.value || (a.value == b.value && a.row < b.row);
    });
  });
  return out;
}

namespace {

std::vector<double> BinThresholds(const float* values, int64_t rows, int max_bins) {
  std::vector<float> sorted(values, values + rows);
  std::sort(sorted.begin(), sorted.end());
  std::vector<float> distinct;
  distinct.reserve(sorted.size());
  for (float value : sorted) {
    if (distinct.empty() || value != distinct.back()) distinct.push_back(value);
  }
  std::vector<double> thresholds;
  if (static_cast<int64_t>(distinct.size()) <= max_bins) {
    for (size_t i = 0; i + 1 < distinct.size(); ++i) {
      thresholds.push_back(SplitThreshold(distinct[i], distinct[i + 1]));
    }
    return thresholds;
  }
  // The edge after the distinct value at each quantile, so that every bin holds about
  // rows / max_bins rows and every threshold lies between two neighbouring distinct values.
  for (int i = 1; i < max_bins; ++i) {
    int64_t rank = (static_cast<int64_t>(i) * rows) / max_bins;
    float value = sorted[static_cast<size_t>(std::max<int64_t>(rank - 1, 0))];
    auto next = std::upper_bound(distinct.begin(), distinct.end(), value);
    if (next == distinct.end()) break;
    double threshold = SplitThreshold(*(next - 1), *next);
    if (thresholds.empty() || threshold > thresholds.back()) thresholds.push_back(threshold);
  }
  return thresholds;
}

}  // namespace

FeatureBins MakeFeatureBins(const TrainingSet& data, int max_bins) {
  FeatureBins out;
  out.rows = data.rows;
  out.features = data.features;
  out.thresholds.resize(static_cast<size_t>(data.features));
  ParallelTasks(static_cast<size_t>(data.features), [&](size_t feature) {
    out.thresholds[feature] =
        BinThresholds(data.Column(static_cast<int64_t>(feature)), data.rows, max_bins);
  });
  out.bins.resize(static_cast<size_t>(data.rows * data.features));
  ParallelFor(static_cast<size_t>(data.rows), 1 << 14, [&](size_t begin, size_t end) {
    for (int64_t feature = 0; feature < data.features; ++feature) {
      const std::vector<double>& edges = out.thresholds[feature];
      const float* values = data.Column(feature);
      for (size_t row = begin; row < end; ++row) {
        double value = values[row];
        auto bin = std::lower_bound(edges.begin(), edges.end(), value) - edges.begin();
        out.bins[row * static_cast<size_t>(data.features) + static_cast<size_t>(feature)] =
            static_cast<uint8_t>(bin);
      }
    }
  });
  return out;
}

}  // namespace hitscope::trees
