// learn/resample/sampling.hpp: what the resamplers share: class counts, names for messages, the
// stored options.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>
#include <hitscope/resample.hpp>

namespace hitscope::learn {

// Rows per class 0..max(y).
std::vector<int64_t> ClassCounts(std::span<const int32_t> y);
// "'high'" when names are given, else "2".
std::string ClassName(const std::vector<std::string>& names, int32_t label);
// Checks x / y for a resampler named `who`: finite, not empty, one label per row, two classes.
void CheckResampleInput(const Matrix& x, std::span<const int32_t> y, const std::string& who);

double EncodeStrategy(OverSampling strategy);
OverSampling DecodeStrategy(double value);

}  // namespace hitscope::learn
