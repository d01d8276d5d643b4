#include "learn/resample/sampling.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "learn/preprocess/check_input.hpp"

namespace hitscope {

namespace learn {

std::vector<int64_t> ClassCounts(std::span<const int32_t> y) {
  std::vector<int64_t> counts;
  for (int32_t label : y) {
    if (label >= static_cast<int32_t>(counts.size())) counts.resize(label + 1, 0);
    ++counts[label];
  }
  return counts;
}

std::string ClassName(const std::vector<std::string>& names, int32_t label) {
  if (label >= 0 && static_cast<size_t>(label) < names.size()) {
    return fmt::format("'{}'", names[label]);
  }
  return fmt::format("{}", label);
}

void CheckResampleInput(const Matrix& x, std::span<const int32_t> y, const std::string& who) {
  CheckNotEmpty(x, who);
  CheckLabels(x, y, who);
  CheckFinite(x, who);
}

double EncodeStrategy(OverSampling strategy) {
  return static_cast<double>(static_cast<int>(strategy));
}

OverSampling DecodeStrategy(double value) {
  if (value == 0) return OverSampling::kNotMajority;
  if (value == 1) return OverSampling::kMinority;
  if (value == 2) return OverSampling::kAll;
  throw InvalidInput("the saved sampling strategy is unknown; the model file is damaged");
}

}  // namespace learn

std::vector<int64_t> OverSamplingTargets(std::span<const int32_t> y, OverSampling strategy) {
  std::vector<int64_t> counts = learn::ClassCounts(y);
  int present = 0;
  int32_t majority = -1, minority = -1;
  for (int32_t label = 0; label < static_cast<int32_t>(counts.size()); ++label) {
    if (counts[label] == 0) continue;
    ++present;
    if (majority < 0 || counts[label] > counts[majority]) majority = label;
    if (minority < 0 || counts[label] < counts[minority]) minority = label;
  }
  if (present < 2) {
    throw InvalidInput(fmt::format(
        "resampling needs at least two classes, but the training rows hold {}; check the "
        "popularity classes (--classes) or the split",
        present == 0 ? "none" : "a single one"));
  }
  std::vector<int64_t> targets(counts.size(), 0);
  for (int32_t label = 0; label < static_cast<int32_t>(counts.size()); ++label) {
    if (counts[label] == 0) continue;
    bool grow = strategy == OverSampling::kAll ||
                (strategy == OverSampling::kNotMajority && label != majority) ||
                (strategy == OverSampling::kMinority && label == minority);
    if (grow) targets[label] = counts[majority] - counts[label];
  }
  return targets;
}

std::vector<double> BalancedClassWeights(std::span<const int32_t> y) {
  std::vector<int64_t> counts = learn::ClassCounts(y);
  const double present = static_cast<double>(
      std::count_if(counts.begin(), counts.end(), [](int64_t count) { return count > 0; }));
  std::vector<double> weights(counts.size(), 0.0);
  for (size_t label = 0; label < counts.size(); ++label) {
    if (counts[label] > 0) {
      weights[label] =
          static_cast<double>(y.size()) / (present * static_cast<double>(counts[label]));
    }
  }
  return weights;
}

std::vector<double> BalancedSampleWeights(std::span<const int32_t> y) {
  std::vector<double> class_weights = BalancedClassWeights(y);
  std::vector<double> weights(y.size());
  for (size_t row = 0; row < y.size(); ++row) weights[row] = class_weights[y[row]];
  return weights;
}

}  // namespace hitscope
