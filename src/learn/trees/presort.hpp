// learn/trees/presort.hpp: every feature's rows sorted by value, computed once per fit and shared
// (read-only) by the trees of a forest, and the bins of the histogram splitter.
#pragma once

#include <cstdint>
#include <vector>

#include "learn/trees/split_kernels.hpp"
#include "learn/trees/training_set.hpp"

namespace hitscope::trees {

// columns[f]: all rows of feature f sorted by (value, row).
struct PresortedColumns {
  std::vector<std::vector<SortedEntry>> columns;
};
PresortedColumns Presort(const TrainingSet& data);

// Each feature cut into at most max_bins ranges. thresholds[f] ascend strictly; a value x is in
// bin b = the first b with x <= thresholds[f][b] (the last bin when none), so "bin <= b" and
// "x <= thresholds[f][b]" divide rows alike. Thresholds lie halfway between neighbouring distinct
// values (SplitThreshold): all of them when a feature has at most max_bins distinct values, else
// those nearest the quantiles i / max_bins.
struct FeatureBins {
  int64_t rows = 0;
  int64_t features = 0;
  std::vector<std::vector<double>> thresholds;
  std::vector<uint8_t> bins;  // row-major: bins[row * features + feature]

  int n_bins(int64_t feature) const { return static_cast<int>(thresholds[feature].size()) + 1; }
};
// REQUIRES: 2 <= max_bins <= 255.
FeatureBins MakeFeatureBins(const TrainingSet& data, int max_bins);

}  // namespace hitscope::trees
