// Calinski-Harabasz and Davies-Bouldin (sklearn.metrics.cluster._unsupervised), with numpy's
// summation order where it decides the last bits.
#include <algorithm>
#include <cmath>
#include <limits>

#include <hitscope/cluster_indices.hpp>

#include "core/parallel.hpp"
#include "evaluate/cluster_indices/label_codes.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/numpy_compat.hpp"

namespace hitscope {

namespace {

using cluster::LabelCodes;

// Rows of each cluster, in row order (X[labels == k]).
std::vector<std::vector<int64_t>> RowsByCluster(const LabelCodes& codes) {
  std::vector<std::vector<int64_t>> rows(static_cast<size_t>(codes.count()));
  for (int c = 0; c < codes.count(); ++c) rows[c].reserve(static_cast<size_t>(codes.sizes[c]));
  for (size_t i = 0; i < codes.codes.size(); ++i)
    rows[codes.codes[i]].push_back(static_cast<int64_t>(i));
  return rows;
}

// X[rows].mean(axis=0): rows added in order, then divided.
std::vector<double> MeanOf(const Matrix& x, const std::vector<int64_t>& rows) {
  std::vector<double> mean(static_cast<size_t>(x.cols()), 0.0);
  for (int64_t row : rows) {
    for (int64_t f = 0; f < x.cols(); ++f) mean[f] += x(row, f);
  }
  for (double& m : mean) m /= static_cast<double>(rows.size());
  return mean;
}

// np.sum(((X[rows] - center) ** 2)) over the flattened rows x features values: numpy sums the
// contiguous array in buffers of 8192 values, each pairwise; the buffers run in parallel here and
// are added in order, which is what numpy computes.
double SquaredDeviationSum(const Matrix& x, const std::vector<int64_t>& rows,
                           const std::vector<double>& center) {
  constexpr int64_t kBuffer = 8192;
  const int64_t d = x.cols();
  const int64_t total = static_cast<int64_t>(rows.size()) * d;
  const int64_t buffers = (total + kBuffer - 1) / kBuffer;
  std::vector<double> partial(static_cast<size_t>(buffers));
  ParallelFor(static_cast<size_t>(buffers), 4, [&](size_t begin, size_t end) {
    std::vector<double> values(kBuffer);
    for (size_t buffer = begin; buffer < end; ++buffer) {
      const int64_t first = static_cast<int64_t>(buffer) * kBuffer;
      const int64_t count = std::min(kBuffer, total - first);
      for (int64_t i = 0; i < count; ++i) {
        const int64_t flat = first + i;
        const double deviation = x(rows[flat / d], flat % d) - center[flat % d];
        values[i] = deviation * deviation;
      }
      partial[buffer] = cluster::NumpySum(std::span<const double>(values.data(), count));
    }
  });
  double sum = 0;
  for (double p : partial) sum += p;
  return sum;
}

}  // namespace

double CalinskiHarabaszScore(const Matrix& x, std::span<const int32_t> labels) {
  const LabelCodes codes = cluster::CheckAndEncode(x, labels, "Calinski-Harabasz");
  const auto rows = RowsByCluster(codes);
  std::vector<int64_t> all(static_cast<size_t>(x.rows()));
  for (int64_t i = 0; i < x.rows(); ++i) all[i] = i;
  const std::vector<double> mean = MeanOf(x, all);
  double extra = 0, intra = 0;
  for (int c = 0; c < codes.count(); ++c) {
    const std::vector<double> mean_k = MeanOf(x, rows[c]);
    std::vector<double> gap(mean.size());
    for (size_t f = 0; f < mean.size(); ++f) gap[f] = (mean_k[f] - mean[f]) * (mean_k[f] - mean[f]);
    extra += static_cast<double>(rows[c].size()) * cluster::NumpySum(gap);
    intra += SquaredDeviationSum(x, rows[c], mean_k);
  }
  const double n = static_cast<double>(x.rows()), k = codes.count();
  return intra == 0.0 ? 1.0 : extra * (n - k) / (intra * (k - 1.0));
}

double DaviesBouldinScore(const Matrix& x, std::span<const int32_t> labels) {
  const LabelCodes codes = cluster::CheckAndEncode(x, labels, "Davies-Bouldin");
  const auto rows = RowsByCluster(codes);
  const int L = codes.count();
  const int d = static_cast<int>(x.cols());
  std::vector<std::vector<double>> centroids(static_cast<size_t>(L));
  std::vector<double> intra(static_cast<size_t>(L));
  for (int c = 0; c < L; ++c) {
    centroids[c] = MeanOf(x, rows[c]);
    std::vector<double> distances(rows[c].size());
    ParallelFor(rows[c].size(), 16384, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        distances[i] = std::sqrt(
            cluster::SequentialSquaredDistance(x.Row(rows[c][i]), centroids[c].data(), d));
      }
    });
    intra[c] = cluster::NumpySum(distances) / static_cast<double>(distances.size());
  }
  std::vector<double> between(static_cast<size_t>(L * L), 0.0);
  for (int a = 0; a < L; ++a) {
    for (int b = 0; b < L; ++b) {
      if (a != b) {
        between[a * L + b] = std::sqrt(
            cluster::SequentialSquaredDistance(centroids[a].data(), centroids[b].data(), d));
      }
    }
  }
  // np.allclose(v, 0): every |v| <= 1e-8.
  auto all_near_zero = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double value) { return std::fabs(value) <= 1e-8; });
  };
  if (all_near_zero(intra) || all_near_zero(between)) return 0.0;
  std::vector<double> scores(static_cast<size_t>(L));
  for (int a = 0; a < L; ++a) {
    double worst = -std::numeric_limits<double>::infinity();
    for (int b = 0; b < L; ++b) {
      double distance = between[a * L + b];
      if (distance == 0) distance = std::numeric_limits<double>::infinity();
      worst = std::max(worst, (intra[a] + intra[b]) / distance);
    }
    scores[a] = worst;
  }
  return cluster::NumpySum(scores) / static_cast<double>(L);
}

void WithoutNoise(const Matrix& x, std::span<const int32_t> labels, Matrix* x_out,
                  std::vector<int32_t>* labels_out, std::vector<int64_t>* kept) {
  std::vector<int64_t> rows;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != -1) rows.push_back(static_cast<int64_t>(i));
  }
  *x_out = x.TakeRows(rows);
  labels_out->resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) (*labels_out)[i] = labels[rows[i]];
  if (kept != nullptr) *kept = std::move(rows);
}

}  // namespace hitscope
