// hitscope/split.hpp: how rows are divided into training and test parts.
//
// Every splitter returns Splits whose `train` and `test` are disjoint, ascending row indices.
// Every split has at least one training and one test row: a splitter that would produce an empty
// part throws Error(kInvalidInput) saying which fold and what to change ("fold 4 of 5 has no
// test rows: 3 rows cannot fill 5 folds; use fewer folds"). Errors for bad arguments (folds < 2,
// a test fraction outside (0, 1)) are Error(kInvalidArgument). All splitters are pure functions:
// the same inputs (and seed) give the same splits on every thread count and machine.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace hitscope {

struct Split {
  std::vector<int64_t> train;
  std::vector<int64_t> test;
};

// One stratified train/test split: ceil(test_fraction * rows) test rows, divided among the
// classes as scikit-learn's StratifiedShuffleSplit / train_test_split(stratify=y) divides them
// (_approximate_mode; remainder ties go to the lower class index instead of a random one), rows
// drawn within each class with hitscope's generator from `seed`. Needs two rows per class.
Split StratifiedTrainTestSplit(std::span<const int32_t> y, double test_fraction, uint64_t seed);

// scikit-learn's StratifiedKFold(n_splits=folds): with shuffle=false the fold of every row is
// identical to scikit-learn's (each class dealt round-robin over the folds, in row order by
// blocks); with shuffle=true each class's fold assignment is shuffled with `seed`. Throws
// Error(kInvalidInput) when every class has fewer rows than folds.
std::vector<Split> StratifiedKFold(std::span<const int32_t> y, int folds, bool shuffle = false,
                                   uint64_t seed = 0);

// `repeats` rounds of shuffled stratified k-fold, round r shuffled with a seed derived from
// (seed, r) (scikit-learn's RepeatedStratifiedKFold). folds * repeats splits in all.
std::vector<Split> RepeatedStratifiedKFold(std::span<const int32_t> y, int folds, int repeats,
                                           uint64_t seed);

// scikit-learn's GroupKFold: a group (artist, ISRC) never appears on both sides. Groups are
// dealt largest first, each to the fold with the fewest rows so far; among groups of equal size
// the later group id goes first (scikit-learn leaves that order to an unstable sort). Throws
// Error(kInvalidInput) when there are fewer groups than folds.
std::vector<Split> GroupKFold(std::span<const int64_t> groups, int folds);

// Train on earlier release years, test on later ones; a year is never on both sides.
// folds == 1: one split, the latest years as test, the cut chosen so the test share is closest
// to test_fraction. folds >= 2: expanding windows (scikit-learn's TimeSeriesSplit over years):
// the years are cut into folds + 1 consecutive blocks of about equal rows; split i trains on
// blocks 0..i and tests on block i + 1. Throws Error(kInvalidInput) with fewer distinct years
// than blocks.
std::vector<Split> TimeOrderedSplit(std::span<const int32_t> years, int folds,
                                    double test_fraction = 0.2);

// Throws Error(kInvalidInput) naming `protocol` and the fold when a split has an empty part or
// its parts overlap.
void CheckSplits(const std::vector<Split>& splits, const std::string& protocol);

}  // namespace hitscope
