// The Kruskal-Wallis H test. Both entry points reduce to a table of counts per distinct value and
// group, from which the rank sums follow without ranking every value: a value held t times after
// c smaller values has the average rank c + (t + 1) / 2.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/stats.hpp>

namespace hitscope {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// `rank_sums[g]` and `sizes[g]` per group, `tie_sum` = sum over distinct values of t^3 - t.
KruskalWallisResult FromRankSums(const std::vector<long double>& rank_sums,
                                 const std::vector<int64_t>& sizes, long double tie_sum) {
  KruskalWallisResult result;
  result.groups = static_cast<int>(sizes.size());
  result.df = result.groups - 1;
  for (int64_t size : sizes) result.n += size;
  long double n = static_cast<long double>(result.n);
  result.tie_correction = static_cast<double>(1 - tie_sum / (n * n * n - n));
  if (result.n < 2 || result.tie_correction <= 0) {
    throw InvalidInput(
        "Kruskal-Wallis: all values are identical, so ranks cannot differ between groups "
        "(scipy.stats.kruskal refuses too); there is nothing to test");
  }
  // H = 12 / (n (n + 1)) * sum n_i (mean rank_i - (n + 1) / 2)^2: the same value as scipy's
  // 12 / (n (n + 1)) sum R_i^2 / n_i - 3 (n + 1), without its cancellation.
  long double centre = (n + 1) / 2, sum = 0;
  for (size_t g = 0; g < sizes.size(); ++g) {
    long double size = static_cast<long double>(sizes[g]);
    long double deviation = rank_sums[g] / size - centre;
    sum += size * deviation * deviation;
  }
  double h = static_cast<double>(12 / (n * (n + 1)) * sum) / result.tie_correction;
  result.statistic = h;
  result.p_value = ChiSquareSf(h, result.df);
  result.epsilon_squared = h / (static_cast<double>(result.n) - 1);
  result.eta_squared = (h - result.groups + 1) / static_cast<double>(result.n - result.groups);
  return result;
}

KruskalWallisResult NanResult(int groups, int64_t n) {
  KruskalWallisResult result;
  result.groups = groups;
  result.df = groups - 1;
  result.n = n;
  result.statistic = result.p_value = result.tie_correction = kNan;
  result.epsilon_squared = result.eta_squared = kNan;
  return result;
}

}  // namespace

KruskalWallisResult KruskalWallis(std::span<const std::vector<double>> groups) {
  if (groups.size() < 2) {
    throw InvalidArgument(fmt::format(
        "Kruskal-Wallis needs at least two groups, got {}; pass one value list per group",
        groups.size()));
  }
  int64_t n = 0;
  bool any_empty = false;
  for (const auto& group : groups) {
    n += static_cast<int64_t>(group.size());
    any_empty = any_empty || group.empty();
    for (double value : group) {
      if (std::isnan(value)) {
        throw InvalidArgument("Kruskal-Wallis: a value is NaN; drop missing values first");
      }
    }
  }
  if (any_empty) return NanResult(static_cast<int>(groups.size()), n);
  // (value, group) sorted by value; runs of equal values share their average rank.
  std::vector<std::pair<double, int>> all;
  all.reserve(static_cast<size_t>(n));
  for (size_t g = 0; g < groups.size(); ++g) {
    for (double value : groups[g]) all.emplace_back(value, static_cast<int>(g));
  }
  std::sort(all.begin(), all.end());
  std::vector<long double> rank_sums(groups.size(), 0);
  std::vector<int64_t> sizes(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) sizes[g] = static_cast<int64_t>(groups[g].size());
  long double tie_sum = 0;
  size_t start = 0;
  while (start < all.size()) {
    size_t end = start + 1;
    while (end < all.size() && all[end].first == all[start].first) ++end;
    long double t = static_cast<long double>(end - start);
    long double rank = static_cast<long double>(start) + (t + 1) / 2;
    for (size_t k = start; k < end; ++k) rank_sums[static_cast<size_t>(all[k].second)] += rank;
    tie_sum += t * t * t - t;
    start = end;
  }
  return FromRankSums(rank_sums, sizes, tie_sum);
}

KruskalWallisState::KruskalWallisState(int groups)
    : groups_(groups), group_counts_(static_cast<size_t>(std::max(groups, 0)), 0) {
  if (groups < 2) {
    throw InvalidArgument(
        fmt::format("KruskalWallisState needs at least two groups, got {}", groups));
  }
}

void KruskalWallisState::Update(int group, double value) {
  if (std::isnan(value)) {
    ++nan_count_;
    return;
  }
  auto& counts = counts_[value];
  if (counts.empty()) counts.assign(static_cast<size_t>(groups_), 0);
  ++counts[static_cast<size_t>(group)];
  ++group_counts_[static_cast<size_t>(group)];
}

void KruskalWallisState::Merge(const KruskalWallisState& other) {
  if (other.groups_ != groups_) {
    throw InvalidArgument(
        fmt::format("KruskalWallisState::Merge: {} groups with {} groups", groups_, other.groups_));
  }
  nan_count_ += other.nan_count_;
  for (int g = 0; g < groups_; ++g) group_counts_[g] += other.group_counts_[g];
  for (const auto& [value, counts] : other.counts_) {
    auto& mine = counts_[value];
    if (mine.empty()) mine.assign(static_cast<size_t>(groups_), 0);
    for (int g = 0; g < groups_; ++g) mine[g] += counts[g];
  }
}

KruskalWallisResult KruskalWallisState::Finalize() const {
  std::vector<int> present;
  for (int g = 0; g < groups_; ++g) {
    if (group_counts_[g] > 0) present.push_back(g);
  }
  if (present.size() < 2) {
    throw InvalidInput(fmt::format(
        "Kruskal-Wallis needs values in at least two groups; only {} of {} groups have any",
        present.size(), groups_));
  }
  std::vector<const std::pair<const double, std::vector<int64_t>>*> values;
  values.reserve(counts_.size());
  for (const auto& entry : counts_) values.push_back(&entry);
  std::sort(values.begin(), values.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::vector<long double> rank_sums(present.size(), 0);
  std::vector<int64_t> sizes(present.size());
  for (size_t k = 0; k < present.size(); ++k) sizes[k] = group_counts_[present[k]];
  long double below = 0, tie_sum = 0;
  for (const auto* entry : values) {
    int64_t t = 0;
    for (int g : present) t += entry->second[g];
    long double tt = static_cast<long double>(t);
    long double rank = below + (tt + 1) / 2;
    for (size_t k = 0; k < present.size(); ++k) {
      rank_sums[k] += rank * static_cast<long double>(entry->second[present[k]]);
    }
    tie_sum += tt * tt * tt - tt;
    below += tt;
  }
  return FromRankSums(rank_sums, sizes, tie_sum);
}

}  // namespace hitscope
