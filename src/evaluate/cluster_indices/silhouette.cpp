// The silhouette (sklearn silhouette_samples / silhouette_score) over tiles of row pairs.
//
// Rows are sorted by cluster and cut into segments of at most kTileRows rows of one cluster.
// A tile is a pair of segments (a, b), a <= b: one pass gives both the distance sums of a's rows
// to cluster(b) and those of b's rows to cluster(a), so each pair is computed once. Tiles run in
// any order on any thread; their partial sums are rounded to a fixed-point grid (2^-e, far
// below double rounding of the final sums) and added as integers, which is exact and
// associative: the result does not depend on the thread count. When rows x clusters is too
// large for one integer per pair (many DBSCAN clusters), each segment is instead summed against
// all others in a fixed order (twice the distance computations, memory per segment only).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include <hitscope/cluster_indices.hpp>
#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/trace.hpp"
#include "evaluate/cluster_indices/label_codes.hpp"
#include "evaluate/cluster_indices/silhouette_internal.hpp"
#include "evaluate/cluster_indices/silhouette_kernel.hpp"
#include "learn/cluster/numpy_compat.hpp"

namespace hitscope {

namespace {

using cluster::kTileRows;
using cluster::LabelCodes;

// Above this many rows x clusters sums (8 bytes each), the row-segment scheme is used.
constexpr int64_t kMaxPairTileSums = int64_t{1} << 24;

struct Segment {
  int64_t begin, end;  // positions in cluster order
  int32_t code;
};

struct Sorted {
  std::vector<int64_t> order;  // position -> row
  std::vector<double> soa;     // d x n in cluster order
  std::vector<Segment> segments;
};

Sorted SortByCluster(const Matrix& x, const LabelCodes& codes) {
  Sorted s;
  const int64_t n = x.rows();
  s.order.resize(static_cast<size_t>(n));
  std::iota(s.order.begin(), s.order.end(), int64_t{0});
  std::stable_sort(s.order.begin(), s.order.end(),
                   [&](int64_t a, int64_t b) { return codes.codes[a] < codes.codes[b]; });
  s.soa = cluster::GatherColumns(x, s.order);
  int64_t start = 0;
  for (int c = 0; c < codes.count(); ++c) {
    const int64_t end = start + codes.sizes[c];
    for (int64_t b = start; b < end; b += kTileRows) {
      s.segments.push_back({b, std::min(end, b + kTileRows), c});
    }
    start = end;
  }
  return s;
}

// A bound on any sum of distances from one row: rows x the diameter of the bounding box.
double SumBound(const Matrix& x) {
  double squared = 0;
  for (int64_t f = 0; f < x.cols(); ++f) {
    double lo = x(0, f), hi = lo;
    for (int64_t row = 1; row < x.rows(); ++row) {
      lo = std::min(lo, x(row, f));
      hi = std::max(hi, x(row, f));
    }
    squared += (hi - lo) * (hi - lo);
  }
  return static_cast<double>(x.rows()) * std::sqrt(squared) * (1 + 1e-6);
}

// The silhouette of the row at `pos` from its distance sums to each cluster (s[c]).
double SilhouetteOf(const LabelCodes& codes, int32_t own, const double* s) {
  // A row alone in its cluster: a = 0 / 0, which sklearn turns into a silhouette of 0.
  if (codes.sizes[own] == 1) return 0.0;
  const double a = s[own] / static_cast<double>(codes.sizes[own] - 1);
  double b = std::numeric_limits<double>::infinity();
  for (int c = 0; c < codes.count(); ++c) {
    if (c != own) b = std::min(b, s[c] / static_cast<double>(codes.sizes[c]));
  }
  const double denominator = std::max(a, b);
  return denominator > 0 ? (b - a) / denominator : 0.0;
}

// Each segment against every segment in a fixed order; memory per segment only.
void RowSegments(const Matrix& x, const LabelCodes& codes, const Sorted& s, Progress& progress,
                 std::vector<double>* out) {
  const int64_t n = x.rows();
  const int d = static_cast<int>(x.cols());
  const int L = codes.count();
  ParallelFor(s.segments.size(), 1, [&](size_t begin, size_t end) {
    std::vector<const double*> a_cols(static_cast<size_t>(d)), b_cols(static_cast<size_t>(d));
    std::vector<double> row_sums(kTileRows), sums(static_cast<size_t>(kTileRows * L));
    for (size_t a = begin; a < end; ++a) {
      const Segment& sa = s.segments[a];
      const int64_t na = sa.end - sa.begin;
      for (int f = 0; f < d; ++f) a_cols[f] = s.soa.data() + f * n + sa.begin;
      std::fill(sums.begin(), sums.end(), 0.0);
      for (const Segment& sb : s.segments) {
        for (int f = 0; f < d; ++f) b_cols[f] = s.soa.data() + f * n + sb.begin;
        cluster::TileDistanceSums(na, sb.end - sb.begin, d, a_cols.data(), b_cols.data(),
                                  row_sums.data(), nullptr);
        for (int64_t i = 0; i < na; ++i) sums[i * L + sb.code] += row_sums[i];
      }
      for (int64_t i = 0; i < na; ++i) {
        (*out)[s.order[sa.begin + i]] = SilhouetteOf(codes, sa.code, &sums[i * L]);
      }
      progress.Add(1);
    }
  });
}

// Each pair of segments once; tile sums rounded to a fixed-point grid and added as integers.
void PairTiles(const Matrix& x, const LabelCodes& codes, const Sorted& s, Progress& progress,
               std::vector<double>* out) {
  const int64_t n = x.rows();
  const int d = static_cast<int>(x.cols());
  const int L = codes.count();
  const double bound = SumBound(x);
  // bound == 0: every row is identical, every distance 0, every silhouette 0.
  if (bound == 0) return;
  const double scale = std::ldexp(1.0, static_cast<int>(std::floor(std::log2(4.0e18 / bound))));
  std::vector<std::atomic<int64_t>> fixed(static_cast<size_t>(n * L));
  auto add = [&](int64_t pos, int32_t code, double value) {
    fixed[pos * L + code].fetch_add(std::llround(value * scale), std::memory_order_relaxed);
  };
  ParallelFor(s.segments.size(), 1, [&](size_t begin, size_t end) {
    std::vector<const double*> a_cols(static_cast<size_t>(d)), b_cols(static_cast<size_t>(d));
    std::vector<double> row_sums(kTileRows), col_sums(kTileRows);
    for (size_t a = begin; a < end; ++a) {
      const Segment& sa = s.segments[a];
      const int64_t na = sa.end - sa.begin;
      for (int f = 0; f < d; ++f) a_cols[f] = s.soa.data() + f * n + sa.begin;
      for (size_t b = a; b < s.segments.size(); ++b) {
        const Segment& sb = s.segments[b];
        const int64_t nb = sb.end - sb.begin;
        for (int f = 0; f < d; ++f) b_cols[f] = s.soa.data() + f * n + sb.begin;
        // A segment against itself: every ordered pair, row sums only (self-distance is 0).
        const bool diagonal = a == b;
        std::fill_n(col_sums.begin(), nb, 0.0);
        cluster::TileDistanceSums(na, nb, d, a_cols.data(), b_cols.data(), row_sums.data(),
                                  diagonal ? nullptr : col_sums.data());
        for (int64_t i = 0; i < na; ++i) add(sa.begin + i, sb.code, row_sums[i]);
        if (!diagonal) {
          for (int64_t j = 0; j < nb; ++j) add(sb.begin + j, sa.code, col_sums[j]);
        }
      }
      progress.Add(1);
    }
  });
  ParallelFor(static_cast<size_t>(n), 4096, [&](size_t begin, size_t end) {
    std::vector<double> sums(static_cast<size_t>(L));
    for (size_t pos = begin; pos < end; ++pos) {
      for (int c = 0; c < L; ++c) {
        sums[c] = static_cast<double>(fixed[pos * L + c].load(std::memory_order_relaxed)) / scale;
      }
      const int64_t row = s.order[pos];
      (*out)[row] = SilhouetteOf(codes, codes.codes[row], sums.data());
    }
  });
}

std::vector<double> SamplesOf(const Matrix& x, const LabelCodes& codes,
                              cluster::SilhouetteScheme scheme) {
  TraceScope trace("silhouette");
  const Sorted sorted = SortByCluster(x, codes);
  std::vector<double> out(static_cast<size_t>(x.rows()), 0.0);
  Progress progress("silhouette", sorted.segments.size(), "blocks");
  if (scheme == cluster::SilhouetteScheme::kAuto) {
    scheme = x.rows() * codes.count() <= kMaxPairTileSums ? cluster::SilhouetteScheme::kPairTiles
                                                          : cluster::SilhouetteScheme::kRowSegments;
  }
  if (scheme == cluster::SilhouetteScheme::kPairTiles) {
    PairTiles(x, codes, sorted, progress, &out);
  } else {
    RowSegments(x, codes, sorted, progress, &out);
  }
  return out;
}

}  // namespace

std::vector<double> SilhouetteSamples(const Matrix& x, std::span<const int32_t> labels) {
  return SamplesOf(x, cluster::CheckAndEncode(x, labels, "silhouette"),
                   cluster::SilhouetteScheme::kAuto);
}

std::vector<double> cluster::SilhouetteSamplesUsing(const Matrix& x,
                                                    std::span<const int32_t> labels,
                                                    SilhouetteScheme scheme) {
  return SamplesOf(x, CheckAndEncode(x, labels, "silhouette"), scheme);
}

double SilhouetteScore(const Matrix& x, std::span<const int32_t> labels) {
  std::vector<double> samples = SilhouetteSamples(x, labels);
  return cluster::NumpySum(samples) / static_cast<double>(samples.size());
}

SampledSilhouette SilhouetteSampled(const Matrix& x, std::span<const int32_t> labels,
                                    int64_t sample_size, int repeats, uint32_t seed) {
  if (sample_size < 2) {
    throw InvalidArgument(
        fmt::format("silhouette: the sample size must be at least 2 rows, got {}", sample_size));
  }
  if (repeats < 1) {
    throw InvalidArgument(fmt::format("silhouette: repeats must be >= 1, got {}", repeats));
  }
  cluster::CheckAndEncode(x, labels, "silhouette");
  SampledSilhouette result;
  result.sample_size = std::min(sample_size, x.rows());
  // silhouette_score(..., sample_size, random_state): the first sample_size rows of
  // RandomState(seed).permutation(n); later draws continue the same generator.
  cluster::NumpyRandomState rng(seed);
  for (int draw = 0; draw < repeats; ++draw) {
    std::vector<int64_t> order = rng.Permutation(x.rows());
    order.resize(static_cast<size_t>(result.sample_size));
    Matrix subset = x.TakeRows(order);
    std::vector<int32_t> subset_labels(order.size());
    for (size_t i = 0; i < order.size(); ++i) subset_labels[i] = labels[order[i]];
    std::vector<double> samples =
        SamplesOf(subset, cluster::CheckAndEncode(subset, subset_labels, "silhouette (sample)"),
                  cluster::SilhouetteScheme::kAuto);
    result.draws.push_back(cluster::NumpySum(samples) / static_cast<double>(samples.size()));
  }
  double mean = 0;
  for (double v : result.draws) mean += v;
  mean /= repeats;
  result.value = mean;
  if (repeats > 1) {
    double squares = 0;
    for (double v : result.draws) squares += (v - mean) * (v - mean);
    result.standard_error = std::sqrt(squares / (repeats - 1)) / std::sqrt(repeats);
  }
  return result;
}

}  // namespace hitscope
