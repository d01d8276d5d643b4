// KMeansData, the input checks every clusterer shares, and the small sums k-means needs.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "learn/cluster/blas_order.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/kmeans_parts.hpp"

namespace hitscope::cluster {

namespace {

void FillDerived(KMeansData* data) {
  const int64_t n = data->n;
  const int d = data->d;
  data->soa.resize(static_cast<size_t>(n * d));
  data->sq_norms.resize(static_cast<size_t>(n));
  ParallelFor(static_cast<size_t>(n), 16384, [&](size_t begin, size_t end) {
    for (size_t row = begin; row < end; ++row) {
      const double* x = data->Row(static_cast<int64_t>(row));
      for (int f = 0; f < d; ++f) data->soa[f * n + row] = x[f];
      data->sq_norms[row] = EinsumDot(x, x, d);
    }
  });
  data->cols.resize(static_cast<size_t>(d));
  for (int f = 0; f < d; ++f) data->cols[f] = data->soa.data() + f * n;
}

}  // namespace

KMeansData MakeKMeansData(int64_t n, int d, std::vector<double> rows,
                          std::span<const double> weights) {
  KMeansData data;
  data.n = n;
  data.d = d;
  data.rows = std::move(rows);
  if (weights.empty()) {
    data.weights.assign(static_cast<size_t>(n), 1.0);
  } else {
    data.weights.assign(weights.begin(), weights.end());
    data.unit_weights =
        std::all_of(weights.begin(), weights.end(), [](double w) { return w == 1; });
  }
  FillDerived(&data);
  return data;
}

KMeansData SubsetKMeansData(const KMeansData& data, std::span<const int64_t> indices) {
  KMeansData out;
  out.n = static_cast<int64_t>(indices.size());
  out.d = data.d;
  out.rows.resize(static_cast<size_t>(out.n * out.d));
  out.weights.resize(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    std::copy_n(data.Row(indices[i]), data.d, out.rows.data() + i * data.d);
    out.weights[i] = data.weights[static_cast<size_t>(indices[i])];
  }
  out.unit_weights = data.unit_weights;
  FillDerived(&out);
  return out;
}

std::vector<double> ColumnMeans(const Matrix& x) {
  // numpy reduces axis 0 of a C-ordered array by adding whole rows in order.
  std::vector<double> sums(static_cast<size_t>(x.cols()), 0.0);
  for (int64_t row = 0; row < x.rows(); ++row) {
    const double* values = x.Row(row);
    for (int64_t f = 0; f < x.cols(); ++f) sums[f] += values[f];
  }
  for (double& sum : sums) sum /= static_cast<double>(x.rows());
  return sums;
}

double ScaledTolerance(const Matrix& x, double tol) {
  if (tol == 0) return 0;
  // np.var(X, axis=0): mean of squared deviations, each reduction in row order.
  std::vector<double> means = ColumnMeans(x);
  std::vector<double> variances(means.size(), 0.0);
  for (int64_t row = 0; row < x.rows(); ++row) {
    const double* values = x.Row(row);
    for (size_t f = 0; f < means.size(); ++f) {
      double deviation = values[f] - means[f];
      variances[f] += deviation * deviation;
    }
  }
  for (double& v : variances) v /= static_cast<double>(x.rows());
  return NumpySum(variances) / static_cast<double>(variances.size()) * tol;
}

double Inertia(const KMeansData& data, std::span<const double> centers,
               std::span<const int32_t> labels, int single_label) {
  return InertiaOfRows(data.rows.data(), data.n, data.d, data.weights, centers, labels,
                       single_label);
}

double InertiaOfRows(const double* rows, int64_t n, int d, std::span<const double> weights,
                     std::span<const double> centers, std::span<const int32_t> labels,
                     int single_label) {
  const int64_t blocks = (n + kBlockRows - 1) / kBlockRows;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  ParallelFor(static_cast<size_t>(blocks), 16, [&](size_t begin, size_t end) {
    for (size_t block = begin; block < end; ++block) {
      int64_t first = static_cast<int64_t>(block) * kBlockRows;
      int64_t last = std::min(n, first + kBlockRows);
      double sum = 0;
      for (int64_t row = first; row < last; ++row) {
        int32_t label = labels[row];
        if (single_label >= 0 && label != single_label) continue;
        sum += SklearnSquaredDistance(rows + row * d, centers.data() + label * d, d) * weights[row];
      }
      partial[block] = sum;
    }
  });
  return std::accumulate(partial.begin(), partial.end(), 0.0);
}

bool SameClustering(std::span<const int32_t> a, std::span<const int32_t> b, int k) {
  std::vector<int32_t> mapping(static_cast<size_t>(k), -1);
  for (size_t i = 0; i < a.size(); ++i) {
    int32_t& mapped = mapping[static_cast<size_t>(a[i])];
    if (mapped == -1) {
      mapped = b[i];
    } else if (mapped != b[i]) {
      return false;
    }
  }
  return true;
}

void ValidateClusterInput(const Matrix& x, std::span<const double> sample_weight, const char* what,
                          bool allow_negative_weights) {
  if (x.rows() == 0) {
    throw InvalidInput(fmt::format("{} needs at least one row, but the data is empty", what));
  }
  if (x.cols() == 0) {
    throw InvalidInput(fmt::format("{} needs at least one feature; choose feature columns", what));
  }
  // Find the first non-finite value in parallel, report the earliest one.
  const int64_t rows = x.rows(), cols = x.cols();
  const int64_t blocks = (rows + 65535) / 65536;
  std::vector<int64_t> first_bad(static_cast<size_t>(blocks), -1);
  ParallelTasks(static_cast<size_t>(blocks), [&](size_t block) {
    int64_t begin = static_cast<int64_t>(block) * 65536, end = std::min(rows, begin + 65536);
    const double* values = x.data().data();
    for (int64_t i = begin * cols; i < end * cols; ++i) {
      if (!std::isfinite(values[i])) {
        first_bad[block] = i;
        return;
      }
    }
  });
  for (int64_t bad : first_bad) {
    if (bad < 0) continue;
    double value = x.data()[static_cast<size_t>(bad)];
    throw InvalidInput(fmt::format(
        "{} cannot use row {} (0-based): feature {} is {}; drop or fill missing and infinite "
        "values before clustering",
        what, bad / cols, bad % cols, std::isnan(value) ? "NaN" : fmt::format("{}", value)));
  }
  if (sample_weight.empty()) return;
  if (static_cast<int64_t>(sample_weight.size()) != rows) {
    throw InvalidInput(fmt::format("{}: sample_weight has {} values for {} rows; give one per row",
                                   what, sample_weight.size(), rows));
  }
  double total = 0;
  for (size_t row = 0; row < sample_weight.size(); ++row) {
    double w = sample_weight[row];
    if (!std::isfinite(w) || (!allow_negative_weights && w < 0)) {
      throw InvalidInput(fmt::format("{}: sample_weight of row {} is {}; weights must be finite{}",
                                     what, row, w, allow_negative_weights ? "" : " and >= 0"));
    }
    total += w;
  }
  if (!allow_negative_weights && total <= 0) {
    throw InvalidInput(fmt::format("{}: every sample_weight is 0; at least one must be > 0", what));
  }
}

Labels PredictNearest(const Matrix& x, const Matrix& centers, const char* what) {
  if (x.cols() != centers.cols()) {
    throw InvalidInput(fmt::format("{} was fitted on {} features, but the rows to predict have {}",
                                   what, centers.cols(), x.cols()));
  }
  if (x.rows() == 0) return {};
  ValidateClusterInput(x, {}, what);
  KMeansData data = MakeKMeansData(x.rows(), static_cast<int>(x.cols()),
                                   std::vector<double>(x.data().begin(), x.data().end()), {});
  return AssignLabels(data, centers.data(), static_cast<int>(centers.rows()));
}

void RequireFitted(bool fitted, const char* what) {
  if (!fitted) {
    throw InvalidArgument(fmt::format("{} is not fitted yet; call Fit before using it", what));
  }
}

void ValidateClusterCount(int k, int64_t rows, const char* what) {
  if (k < 1) {
    throw InvalidArgument(
        fmt::format("{}: the number of clusters must be at least 1, got {}", what, k));
  }
  if (k > rows) {
    throw InvalidInput(
        fmt::format("{}: {} clusters need at least {} rows, but the data has {}; choose k <= {}",
                    what, k, k, rows, rows));
  }
}

}  // namespace hitscope::cluster
