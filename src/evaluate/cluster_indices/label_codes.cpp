#include "evaluate/cluster_indices/label_codes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "learn/cluster/kmeans_parts.hpp"

namespace hitscope::cluster {

LabelCodes CheckAndEncode(const Matrix& x, std::span<const int32_t> labels, const char* what) {
  ValidateClusterInput(x, {}, what);
  if (static_cast<int64_t>(labels.size()) != x.rows()) {
    throw InvalidInput(fmt::format("{}: {} labels for {} rows; give one label per row", what,
                                   labels.size(), x.rows()));
  }
  LabelCodes out;
  out.values.assign(labels.begin(), labels.end());
  std::sort(out.values.begin(), out.values.end());
  out.values.erase(std::unique(out.values.begin(), out.values.end()), out.values.end());
  const int64_t distinct = static_cast<int64_t>(out.values.size());
  if (distinct < 2 || distinct > x.rows() - 1) {
    throw InvalidInput(fmt::format(
        "{}: the rows fall into {} cluster{}, but the index needs between 2 and rows - 1 = {} "
        "clusters{}",
        what, distinct, distinct == 1 ? "" : "s", x.rows() - 1,
        distinct < 2 ? "; a single cluster has nothing to compare it with" : ""));
  }
  out.codes.resize(labels.size());
  out.sizes.assign(out.values.size(), 0);
  for (size_t i = 0; i < labels.size(); ++i) {
    auto code = static_cast<int32_t>(
        std::lower_bound(out.values.begin(), out.values.end(), labels[i]) - out.values.begin());
    out.codes[i] = code;
    ++out.sizes[code];
  }
  return out;
}

std::vector<double> GatherColumns(const Matrix& x, std::span<const int64_t> rows) {
  const int64_t n = static_cast<int64_t>(rows.size());
  const int64_t d = x.cols();
  std::vector<double> soa(static_cast<size_t>(n * d));
  ParallelFor(static_cast<size_t>(n), 16384, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const double* row = x.Row(rows[i]);
      for (int64_t f = 0; f < d; ++f) soa[f * n + i] = row[f];
    }
  });
  return soa;
}

}  // namespace hitscope::cluster
