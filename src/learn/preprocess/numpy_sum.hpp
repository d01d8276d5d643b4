// learn/preprocess/numpy_sum.hpp: column sums that round exactly as numpy's np.sum(X, axis=0)
// on a C-ordered matrix: a running sum down each column when X has several columns, numpy's
// pairwise summation (pairwise_sum in numpy/core/src/umath/loops_utils.h) when it has one
// (then the column is contiguous). scikit-learn's scalers and f_classif sum this way.
#pragma once

#include <cstdint>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope::learn {

// numpy's pairwise sum of n contiguous values.
double NumpyPairwiseSum(const double* values, int64_t n);

// np.sum(x, axis=0) for the rows of `x` picked by `rows` (all rows when null), as numpy sums
// x[rows] (a C-ordered copy).
std::vector<double> NumpyColumnSums(const Matrix& x, const std::vector<int64_t>* rows = nullptr);

}  // namespace hitscope::learn
