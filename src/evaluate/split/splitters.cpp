// The splitters of split.hpp.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/split.hpp>

#include "prepare/random.hpp"

namespace hitscope {

namespace {

void CheckFolds(int folds, const char* protocol) {
  if (folds < 2) {
    throw InvalidArgument(fmt::format("{}: folds must be >= 2, got {}", protocol, folds));
  }
}

// Fisher-Yates with the counter-based generator: a pure function of (seed, stream).
template <class T>
void Shuffle(std::vector<T>* values, uint64_t seed, uint64_t stream) {
  for (size_t i = values->size(); i > 1; --i) {
    CounterRng rng(seed, stream, i);
    std::swap((*values)[i - 1], (*values)[rng.Below(i)]);
  }
}

// Splits from a fold number per row (rows with fold -1 are in no test part but in every train).
std::vector<Split> SplitsFromFolds(const std::vector<int>& fold_of, int folds) {
  std::vector<Split> splits(static_cast<size_t>(folds));
  for (size_t row = 0; row < fold_of.size(); ++row) {
    for (int fold = 0; fold < folds; ++fold) {
      auto& part = fold_of[row] == fold ? splits[fold].test : splits[fold].train;
      part.push_back(static_cast<int64_t>(row));
    }
  }
  return splits;
}

// scikit-learn's _approximate_mode: floor the proportional counts, then give the remaining
// draws to the largest remainders (ties: lower class first).
std::vector<int64_t> ApproximateMode(const std::vector<int64_t>& counts, int64_t draws) {
  double total = 0;
  for (int64_t count : counts) total += static_cast<double>(count);
  std::vector<double> continuous(counts.size()), floored(counts.size());
  double floored_sum = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    continuous[i] = static_cast<double>(counts[i]) / total * static_cast<double>(draws);
    floored[i] = std::floor(continuous[i]);
    floored_sum += floored[i];
  }
  int64_t need = draws - static_cast<int64_t>(floored_sum);
  std::vector<size_t> order(counts.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return continuous[a] - floored[a] > continuous[b] - floored[b];
  });
  for (size_t i = 0; i < order.size() && need > 0; ++i, --need) floored[order[i]] += 1;
  std::vector<int64_t> out(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) out[i] = static_cast<int64_t>(floored[i]);
  return out;
}

}  // namespace

void CheckSplits(const std::vector<Split>& splits, const std::string& protocol) {
  for (size_t fold = 0; fold < splits.size(); ++fold) {
    const Split& split = splits[fold];
    const char* empty = split.test.empty() ? "test" : split.train.empty() ? "training" : nullptr;
    if (empty) {
      throw InvalidInput(fmt::format(
          "{}: split {} of {} has no {} rows; use fewer folds, another protocol, or more data",
          protocol, fold + 1, splits.size(), empty));
    }
    std::vector<int64_t> both;
    std::set_intersection(split.train.begin(), split.train.end(), split.test.begin(),
                          split.test.end(), std::back_inserter(both));
    if (!both.empty()) {
      throw InternalError(
          fmt::format("{}: split {} has row {} on both sides", protocol, fold + 1, both[0] + 1));
    }
  }
}

Split StratifiedTrainTestSplit(std::span<const int32_t> y, double test_fraction, uint64_t seed) {
  if (!(test_fraction > 0 && test_fraction < 1)) {
    throw InvalidArgument(fmt::format(
        "train/test split: the test fraction must be between 0 and 1, got {}", test_fraction));
  }
  const int64_t rows = static_cast<int64_t>(y.size());
  const int64_t test_rows =
      static_cast<int64_t>(std::ceil(test_fraction * static_cast<double>(rows)));
  const int64_t train_rows = rows - test_rows;
  std::map<int32_t, std::vector<int64_t>> members;
  for (int64_t row = 0; row < rows; ++row) members[y[row]].push_back(row);
  std::vector<int64_t> counts;
  for (const auto& [label, list] : members) {
    if (list.size() < 2) {
      throw InvalidInput(fmt::format(
          "train/test split: class {} has only {} row; a stratified split needs at least 2 per "
          "class",
          label, list.size()));
    }
    counts.push_back(static_cast<int64_t>(list.size()));
  }
  if (train_rows < static_cast<int64_t>(counts.size()) ||
      test_rows < static_cast<int64_t>(counts.size())) {
    throw InvalidInput(fmt::format(
        "train/test split: {} training and {} test rows cannot hold all {} classes; change the "
        "test fraction",
        train_rows, test_rows, counts.size()));
  }
  std::vector<int64_t> train_counts = ApproximateMode(counts, train_rows);
  std::vector<int64_t> remaining(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) remaining[i] = counts[i] - train_counts[i];
  std::vector<int64_t> test_counts = ApproximateMode(remaining, test_rows);
  Split split;
  size_t class_index = 0;
  for (auto& [label, list] : members) {
    Shuffle(&list, seed, static_cast<uint64_t>(label) + 1);
    int64_t n_train = train_counts[class_index], n_test = test_counts[class_index];
    split.train.insert(split.train.end(), list.begin(), list.begin() + n_train);
    split.test.insert(split.test.end(), list.begin() + n_train, list.begin() + n_train + n_test);
    ++class_index;
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  CheckSplits({split}, "train/test split");
  return split;
}

std::vector<Split> StratifiedKFold(std::span<const int32_t> y, int folds, bool shuffle,
                                   uint64_t seed) {
  CheckFolds(folds, "stratified k-fold");
  // Classes numbered by first appearance, as scikit-learn encodes them.
  std::map<int32_t, int> code;
  std::vector<int> encoded(y.size());
  for (size_t row = 0; row < y.size(); ++row) {
    auto it = code.emplace(y[row], static_cast<int>(code.size())).first;
    encoded[row] = it->second;
  }
  const int classes = static_cast<int>(code.size());
  std::vector<int64_t> counts(static_cast<size_t>(classes), 0);
  for (int c : encoded) ++counts[c];
  if (std::all_of(counts.begin(), counts.end(), [&](int64_t count) { return count < folds; })) {
    throw InvalidInput(fmt::format(
        "stratified k-fold: {} folds cannot be more than the rows of every class (largest class: "
        "{} rows); use fewer folds",
        folds, *std::max_element(counts.begin(), counts.end())));
  }
  // allocation[fold][class]: bincount(sorted(encoded)[fold::folds]).
  std::vector<int> sorted = encoded;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::vector<int64_t>> allocation(static_cast<size_t>(folds),
                                               std::vector<int64_t>(classes, 0));
  for (size_t i = 0; i < sorted.size(); ++i) ++allocation[i % folds][sorted[i]];
  std::vector<int> fold_of(y.size());
  for (int c = 0; c < classes; ++c) {
    std::vector<int> folds_for_class;
    for (int fold = 0; fold < folds; ++fold) {
      folds_for_class.insert(folds_for_class.end(), allocation[fold][c], fold);
    }
    if (shuffle) Shuffle(&folds_for_class, seed, static_cast<uint64_t>(c) + 1);
    size_t next = 0;
    for (size_t row = 0; row < y.size(); ++row) {
      if (encoded[row] == c) fold_of[row] = folds_for_class[next++];
    }
  }
  std::vector<Split> splits = SplitsFromFolds(fold_of, folds);
  CheckSplits(splits, "stratified k-fold");
  return splits;
}

std::vector<Split> RepeatedStratifiedKFold(std::span<const int32_t> y, int folds, int repeats,
                                           uint64_t seed) {
  if (repeats < 1) {
    throw InvalidArgument(fmt::format("repeated k-fold: repeats must be >= 1, got {}", repeats));
  }
  std::vector<Split> all;
  for (int round = 0; round < repeats; ++round) {
    uint64_t round_seed = CounterRng(seed, 0x5eed, static_cast<uint64_t>(round)).Next();
    for (Split& split : StratifiedKFold(y, folds, true, round_seed))
      all.push_back(std::move(split));
  }
  return all;
}

std::vector<Split> GroupKFold(std::span<const int64_t> groups, int folds) {
  CheckFolds(folds, "group k-fold");
  std::map<int64_t, int64_t> index_of;
  for (int64_t group : groups) index_of.emplace(group, 0);
  int64_t next = 0;
  for (auto& [group, index] : index_of) index = next++;
  const int64_t group_count = static_cast<int64_t>(index_of.size());
  if (folds > group_count) {
    throw InvalidInput(fmt::format(
        "group k-fold: {} folds need at least {} groups, but the rows hold {}; use fewer folds "
        "or another grouping",
        folds, folds, group_count));
  }
  std::vector<int64_t> group_of(groups.size()), sizes(static_cast<size_t>(group_count), 0);
  for (size_t row = 0; row < groups.size(); ++row) {
    group_of[row] = index_of[groups[row]];
    ++sizes[group_of[row]];
  }
  // np.argsort(sizes)[::-1]: ascending by size, then reversed (equal sizes: later id first).
  std::vector<int64_t> order(static_cast<size_t>(group_count));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return sizes[a] < sizes[b]; });
  std::reverse(order.begin(), order.end());
  std::vector<int64_t> fold_rows(static_cast<size_t>(folds), 0);
  std::vector<int> fold_of_group(static_cast<size_t>(group_count));
  for (int64_t group : order) {
    int lightest =
        static_cast<int>(std::min_element(fold_rows.begin(), fold_rows.end()) - fold_rows.begin());
    fold_rows[lightest] += sizes[group];
    fold_of_group[group] = lightest;
  }
  std::vector<int> fold_of(groups.size());
  for (size_t row = 0; row < groups.size(); ++row) fold_of[row] = fold_of_group[group_of[row]];
  std::vector<Split> splits = SplitsFromFolds(fold_of, folds);
  CheckSplits(splits, "group k-fold");
  return splits;
}

std::vector<Split> TimeOrderedSplit(std::span<const int32_t> years, int folds,
                                    double test_fraction) {
  if (folds < 1) {
    throw InvalidArgument(fmt::format("time-ordered split: folds must be >= 1, got {}", folds));
  }
  if (!(test_fraction > 0 && test_fraction < 1)) {
    throw InvalidArgument(fmt::format(
        "time-ordered split: the test fraction must be between 0 and 1, got {}", test_fraction));
  }
  std::map<int32_t, int64_t> rows_per_year;
  for (int32_t year : years) ++rows_per_year[year];
  std::vector<int32_t> distinct;
  std::vector<int64_t> cumulative;  // rows in years up to and including distinct[i]
  int64_t total = 0;
  for (const auto& [year, count] : rows_per_year) {
    distinct.push_back(year);
    total += count;
    cumulative.push_back(total);
  }
  const int blocks = folds == 1 ? 2 : folds + 1;
  if (static_cast<int>(distinct.size()) < blocks) {
    throw InvalidInput(fmt::format(
        "time-ordered split: {} distinct release years cannot make {} time blocks; use fewer "
        "folds or data with more years",
        distinct.size(), blocks));
  }
  // block_end[b]: index of the last year of block b (ascending, every block non-empty).
  std::vector<size_t> block_end;
  if (folds == 1) {
    // The cut whose test share is closest to test_fraction.
    size_t best = 0;
    double best_gap = 2;
    for (size_t i = 0; i + 1 < distinct.size(); ++i) {
      double test_share = 1 - static_cast<double>(cumulative[i]) / static_cast<double>(total);
      double gap = std::fabs(test_share - test_fraction);
      if (gap < best_gap) {
        best_gap = gap;
        best = i;
      }
    }
    block_end = {best, distinct.size() - 1};
  } else {
    size_t previous = 0;
    for (int b = 0; b + 1 < blocks; ++b) {
      double target = static_cast<double>(total) * (b + 1) / blocks;
      size_t end = b == 0 ? 0 : previous + 1;
      while (end + 1 < distinct.size() && static_cast<double>(cumulative[end]) < target) ++end;
      // Leave at least one year for every later block.
      end = std::min(end, distinct.size() - 1 - static_cast<size_t>(blocks - 1 - b));
      block_end.push_back(end);
      previous = end;
    }
    block_end.push_back(distinct.size() - 1);
  }
  std::vector<Split> splits;
  for (int s = 0; s + 1 < static_cast<int>(block_end.size()); ++s) {
    const int32_t last_train_year = distinct[block_end[s]];
    const int32_t last_test_year = distinct[block_end[s + 1]];
    Split split;
    for (size_t row = 0; row < years.size(); ++row) {
      if (years[row] <= last_train_year) {
        split.train.push_back(static_cast<int64_t>(row));
      } else if (years[row] <= last_test_year) {
        split.test.push_back(static_cast<int64_t>(row));
      }
    }
    splits.push_back(std::move(split));
  }
  CheckSplits(splits, "time-ordered split");
  return splits;
}

}  // namespace hitscope
