// learn/preprocess/check_input.hpp: the input checks every learner of hitscope shares, so that
// each bad input gets the same clear message wherever it is caught.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <hitscope/estimator.hpp>
#include <hitscope/matrix.hpp>

namespace hitscope::learn {

// Throws Error(kInvalidInput) naming `who`, the row and the column of the first NaN or infinite
// value ("knn: the features hold nan at row 4, column 2; ...").
void CheckFinite(const Matrix& x, const std::string& who);
// Throws Error(kInvalidInput) unless x has at least one row and one column.
void CheckNotEmpty(const Matrix& x, const std::string& who);
// Throws Error(kInvalidInput) unless y has one label per row of x, each in [0, 2^31).
void CheckLabels(const Matrix& x, std::span<const int32_t> y, const std::string& who);
// Throws Error(kInvalidInput) unless sample_weight is empty or one finite weight >= 0 per row.
void CheckSampleWeight(const Matrix& x, std::span<const double> sample_weight,
                       const std::string& who);
// Throws Error(kInvalidArgument) ("who: call Fit before Transform") unless fitted.
void CheckFitted(bool fitted, const std::string& who, const char* verb);
// Throws Error(kInvalidInput) when x has another number of columns than the fitted data.
void CheckColumns(const Matrix& x, int64_t expected, const std::string& who);

}  // namespace hitscope::learn
