// Pearson and Spearman correlation: co-moment states merged over row blocks, and pairwise-complete
// Spearman from one ranking per column (re-ranking within a pair's rows is a correction computed
// from the few rows the other column lacks, not a second sort).
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/stats.hpp>

#include "core/parallel.hpp"
#include "core/text.hpp"
#include "explore/stats/bounded_tasks.hpp"
#include "explore/stats/radix_sort.hpp"

namespace hitscope {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kBlockRows = 1 << 16;

// A numeric column as doubles (NaN = missing), borrowed when it already is float64.
struct NumericValues {
  std::vector<double> owned;
  std::span<const double> values;
  int64_t missing = 0;
  bool Valid(int64_t row) const { return !std::isnan(values[row]); }
};

NumericValues ToValues(const Column& column) {
  NumericValues out;
  if (column.type() == DataType::kFloat64) {
    out.values = column.floats();  // null slots hold NaN
  } else {
    out.owned.resize(static_cast<size_t>(column.size()));
    for (int64_t row = 0; row < column.size(); ++row) out.owned[row] = column.NumericAt(row);
    out.values = out.owned;
  }
  for (double value : out.values) out.missing += std::isnan(value) ? 1 : 0;
  return out;
}

// Doubled average ranks (2 x rank, an integer) of the valid values, 0 for missing ones.
std::vector<uint32_t> DoubledRanks(const NumericValues& column) {
  std::vector<uint32_t> order = stats_kernel::RadixArgsort(column.values);
  std::vector<uint32_t> ranks(column.values.size(), 0);
  size_t start = 0;
  while (start < order.size()) {
    double value = column.values[order[start]];
    size_t end = start + 1;
    while (end < order.size() && column.values[order[end]] == value) ++end;
    // Ranks start + 1 .. end; their mean doubled is start + 1 + end.
    uint32_t doubled = static_cast<uint32_t>(start + 1 + end);
    for (size_t k = start; k < end; ++k) ranks[order[k]] = doubled;
    start = end;
  }
  return ranks;
}

// The values of `own` on rows where `other` is missing, sorted: the rows a pair must leave out.
std::vector<double> ExcludedValues(const NumericValues& own, const NumericValues& other) {
  std::vector<double> out;
  if (other.missing == 0) return out;
  for (size_t row = 0; row < own.values.size(); ++row) {
    if (!std::isnan(own.values[row]) && std::isnan(other.values[row])) {
      out.push_back(own.values[row]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The doubled rank of `value` among the pair's rows, from its rank in the whole column.
double RestrictedRank(uint32_t doubled, double value, const std::vector<double>& excluded) {
  if (excluded.empty()) return doubled;
  auto lower = std::lower_bound(excluded.begin(), excluded.end(), value);
  auto upper = std::upper_bound(lower, excluded.end(), value);
  return static_cast<double>(doubled) - 2.0 * static_cast<double>(lower - excluded.begin()) -
         static_cast<double>(upper - lower);
}

}  // namespace

void CoMomentState::Update(double x, double y) {
  ++count;
  double n = static_cast<double>(count);
  double dx = x - mean_x;
  mean_x += dx / n;
  double dy = y - mean_y;
  mean_y += dy / n;
  m2_x += dx * (x - mean_x);
  m2_y += dy * (y - mean_y);
  c_xy += dx * (y - mean_y);
}

void CoMomentState::UpdateBlock(const double* x, const double* y, int64_t n) {
  if (n <= 0) return;
  double sx = 0, sy = 0;
  for (int64_t k = 0; k < n; ++k) {
    sx += x[k];
    sy += y[k];
  }
  CoMomentState block;
  block.count = n;
  block.mean_x = sx / static_cast<double>(n);
  block.mean_y = sy / static_cast<double>(n);
  double xx = 0, yy = 0, xy = 0;
  for (int64_t k = 0; k < n; ++k) {
    double dx = x[k] - block.mean_x, dy = y[k] - block.mean_y;
    xx += dx * dx;
    yy += dy * dy;
    xy += dx * dy;
  }
  block.m2_x = xx;
  block.m2_y = yy;
  block.c_xy = xy;
  Merge(block);
}

void CoMomentState::Merge(const CoMomentState& other) {
  if (other.count == 0) return;
  if (count == 0) {
    *this = other;
    return;
  }
  double n1 = static_cast<double>(count), n2 = static_cast<double>(other.count);
  double total = n1 + n2;
  double dx = other.mean_x - mean_x, dy = other.mean_y - mean_y;
  double factor = n1 * n2 / total;
  m2_x += other.m2_x + dx * dx * factor;
  m2_y += other.m2_y + dy * dy * factor;
  c_xy += other.c_xy + dx * dy * factor;
  mean_x += dx * n2 / total;
  mean_y += dy * n2 / total;
  count += other.count;
}

double CoMomentState::Correlation() const {
  if (count < 2 || !(m2_x > 0) || !(m2_y > 0)) return kNan;
  double r = c_xy / std::sqrt(m2_x * m2_y);
  return std::clamp(r, -1.0, 1.0);
}

std::vector<double> AverageRanks(std::span<const double> values) {
  std::vector<size_t> order(values.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  size_t start = 0;
  while (start < order.size()) {
    size_t end = start + 1;
    while (end < order.size() && values[order[end]] == values[order[start]]) ++end;
    double rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
    for (size_t k = start; k < end; ++k) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

double PearsonCorrelation(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) {
    throw InvalidArgument(
        fmt::format("PearsonCorrelation: {} x values but {} y values", x.size(), y.size()));
  }
  std::vector<double> xs, ys;
  for (size_t k = 0; k < x.size(); ++k) {
    if (std::isnan(x[k]) || std::isnan(y[k])) continue;
    xs.push_back(x[k]);
    ys.push_back(y[k]);
  }
  CoMomentState state;
  state.UpdateBlock(xs.data(), ys.data(), static_cast<int64_t>(xs.size()));
  return state.Correlation();
}

double SpearmanCorrelation(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) {
    throw InvalidArgument(
        fmt::format("SpearmanCorrelation: {} x values but {} y values", x.size(), y.size()));
  }
  std::vector<double> xs, ys;
  for (size_t k = 0; k < x.size(); ++k) {
    if (std::isnan(x[k]) || std::isnan(y[k])) continue;
    xs.push_back(x[k]);
    ys.push_back(y[k]);
  }
  auto rx = AverageRanks(xs), ry = AverageRanks(ys);
  return PearsonCorrelation(rx, ry);
}

CorrelationMatrix CorrelationOfColumns(const Table& table, std::span<const std::string> columns,
                                       CorrelationMethod method) {
  size_t k = columns.size();
  std::vector<NumericValues> values(k);
  for (size_t c = 0; c < k; ++c) {
    auto index = table.FindColumn(columns[c]);
    if (!index) {
      throw InvalidInput(fmt::format("correlation: no column '{}'{}", columns[c],
                                     DidYouMean(columns[c], table.names())));
    }
    const Column& column = table.column(*index);
    if (!IsNumeric(column.type())) {
      throw InvalidInput(fmt::format(
          "correlation: column '{}' is {}, not numeric; leave it out or give it a numeric type",
          columns[c], DataTypeName(column.type())));
    }
  }
  // Conversion and the count of missing values: one column per task.
  ParallelTasks(k, [&](size_t c) { values[c] = ToValues(table.column(columns[c])); });
  bool spearman = method == CorrelationMethod::kSpearman;
  if (spearman && table.num_rows() >= (int64_t{1} << 31)) {
    throw InvalidInput("Spearman correlation supports up to 2^31 rows");
  }
  std::vector<std::vector<uint32_t>> ranks(spearman ? k : 0);
  if (spearman) {
    // The radix argsort holds 24 bytes of scratch per row.
    stats_kernel::BoundedParallelTasks(k, 24 * table.num_rows(),
                                       [&](size_t c) { ranks[c] = DoubledRanks(values[c]); });
  }

  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t a = 0; a < k; ++a) {
    for (size_t b = a; b < k; ++b) pairs.emplace_back(a, b);
  }
  // For Spearman, per pair the values each side must leave out (rows the other side lacks).
  std::vector<std::vector<double>> excluded_a(pairs.size()), excluded_b(pairs.size());
  if (spearman) {
    ParallelTasks(pairs.size(), [&](size_t p) {
      auto [a, b] = pairs[p];
      excluded_a[p] = ExcludedValues(values[a], values[b]);
      excluded_b[p] = ExcludedValues(values[b], values[a]);
    });
  }
  int64_t rows = table.num_rows();
  size_t blocks = static_cast<size_t>((rows + kBlockRows - 1) / kBlockRows);
  std::vector<CoMomentState> states(pairs.size() * std::max<size_t>(blocks, 1));
  ParallelTasks(pairs.size() * blocks, [&](size_t task) {
    size_t p = task / blocks, block = task % blocks;
    auto [a, b] = pairs[p];
    int64_t begin = static_cast<int64_t>(block) * kBlockRows;
    int64_t end = std::min(rows, begin + kBlockRows);
    const NumericValues& x = values[a];
    const NumericValues& y = values[b];
    CoMomentState& state = states[task];
    if (!spearman && x.missing == 0 && y.missing == 0) {
      state.UpdateBlock(x.values.data() + begin, y.values.data() + begin, end - begin);
      return;
    }
    // Per-thread buffers: a fresh 512 kB allocation per block would be an mmap and its page
    // faults every time.
    thread_local std::vector<double> xs, ys;
    xs.clear();
    ys.clear();
    if (spearman && x.missing == 0 && y.missing == 0) {
      // Ranks are kept as 4-byte integers (memory); the block is widened here.
      xs.assign(ranks[a].begin() + begin, ranks[a].begin() + end);
      ys.assign(ranks[b].begin() + begin, ranks[b].begin() + end);
      state.UpdateBlock(xs.data(), ys.data(), end - begin);
      return;
    }
    for (int64_t row = begin; row < end; ++row) {
      if (!x.Valid(row) || !y.Valid(row)) continue;
      if (spearman) {
        xs.push_back(RestrictedRank(ranks[a][row], x.values[row], excluded_a[p]));
        ys.push_back(RestrictedRank(ranks[b][row], y.values[row], excluded_b[p]));
      } else {
        xs.push_back(x.values[row]);
        ys.push_back(y.values[row]);
      }
    }
    state.UpdateBlock(xs.data(), ys.data(), static_cast<int64_t>(xs.size()));
  });
  CorrelationMatrix matrix;
  matrix.names.assign(columns.begin(), columns.end());
  matrix.values.assign(k * k, kNan);
  matrix.pairs.assign(k * k, 0);
  for (size_t p = 0; p < pairs.size(); ++p) {
    CoMomentState total;
    for (size_t block = 0; block < blocks; ++block) total.Merge(states[p * blocks + block]);
    auto [a, b] = pairs[p];
    double r = total.Correlation();
    // pandas reports exactly 1 on the diagonal of a non-constant column.
    if (a == b && !std::isnan(r)) r = 1.0;
    matrix.values[a * k + b] = matrix.values[b * k + a] = r;
    matrix.pairs[a * k + b] = matrix.pairs[b * k + a] = total.count;
  }
  return matrix;
}

}  // namespace hitscope
