// Splitters: known fold assignments (scikit-learn's StratifiedKFold on a small example), the
// invariants of every protocol, and errors. Parity on larger data: tests/supervised/.
#include <algorithm>
#include <set>

#include <hitscope/split.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

std::vector<int> FoldOfEachRow(const std::vector<Split>& splits, size_t rows) {
  std::vector<int> fold(rows, -1);
  for (size_t f = 0; f < splits.size(); ++f) {
    for (int64_t row : splits[f].test) fold[row] = static_cast<int>(f);
  }
  return fold;
}

TEST(StratifiedKFoldTest, FoldsAsScikitLearn) {
  // StratifiedKFold(3).split(X, y) with y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 2, 2, 2] gives test folds
  // [0, 1, 3, 9], [2, 4, 6, 10], [5, 7, 8, 11] (scikit-learn 1.2.1).
  std::vector<int32_t> y = {1, 1, 1, 0, 0, 0, 1, 1, 0, 2, 2, 2};
  std::vector<Split> splits = StratifiedKFold(y, 3);
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(splits[0].test, (std::vector<int64_t>{0, 1, 3, 9}));
  EXPECT_EQ(splits[1].test, (std::vector<int64_t>{2, 4, 6, 10}));
  EXPECT_EQ(splits[2].test, (std::vector<int64_t>{5, 7, 8, 11}));
  EXPECT_EQ(splits[0].train, (std::vector<int64_t>{2, 4, 5, 6, 7, 8, 10, 11}));
  // Shuffled: every row still in exactly one test fold, classes still spread.
  std::vector<Split> shuffled = StratifiedKFold(y, 3, true, 9);
  std::vector<int> fold = FoldOfEachRow(shuffled, y.size());
  EXPECT_EQ(std::count(fold.begin(), fold.end(), -1), 0);
  EXPECT_NE(fold, FoldOfEachRow(splits, y.size())) << "shuffling changes the assignment";
  EXPECT_EQ(RepeatedStratifiedKFold(y, 3, 4, 1).size(), 12u);
}

TEST(StratifiedTrainTestSplitTest, CountsPerClassAsScikitLearn) {
  std::vector<int32_t> y;
  for (int i = 0; i < 60; ++i) y.push_back(0);
  for (int i = 0; i < 30; ++i) y.push_back(1);
  for (int i = 0; i < 10; ++i) y.push_back(2);
  Split split = StratifiedTrainTestSplit(y, 0.25, 3);
  EXPECT_EQ(split.test.size(), 25u);
  EXPECT_EQ(split.train.size(), 75u);
  std::vector<int> test_per_class(3, 0);
  for (int64_t row : split.test) ++test_per_class[y[row]];
  // train: 75 -> 45 / 22.5 / 7.5 -> 45, 23, 7 (remainder tie to the lower class); test the rest.
  EXPECT_EQ(test_per_class, (std::vector<int>{15, 7, 3}));
  Split again = StratifiedTrainTestSplit(y, 0.25, 3);
  EXPECT_EQ(split.test, again.test) << "same seed, same split";
  testing::ExpectError([&] { StratifiedTrainTestSplit(y, 1.5, 0); }, ErrorKind::kInvalidArgument,
                       {"between 0 and 1"});
  testing::ExpectError(
      [] {
        StratifiedTrainTestSplit(std::vector<int32_t>{0, 0, 1}, 0.5, 0);
      },
      ErrorKind::kInvalidInput, {"class 1 has only 1 row"});
}

TEST(GroupKFoldTest, NoGroupOnBothSides) {
  std::vector<int64_t> groups = {5, 5, 5, 5, 7, 7, 7, 9, 9, 11, 12, 13};
  std::vector<Split> splits = GroupKFold(groups, 3);
  for (const Split& split : splits) {
    std::set<int64_t> train_groups, test_groups;
    for (int64_t row : split.train) train_groups.insert(groups[row]);
    for (int64_t row : split.test) test_groups.insert(groups[row]);
    for (int64_t group : test_groups) EXPECT_EQ(train_groups.count(group), 0u) << group;
  }
  // Largest first to the lightest fold, as scikit-learn 1.2.1's GroupKFold(3):
  // [0, 1, 2, 3], [4, 5, 6, 10], [7, 8, 9, 11].
  EXPECT_EQ(splits[0].test, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(splits[1].test, (std::vector<int64_t>{4, 5, 6, 10}));
  EXPECT_EQ(splits[2].test, (std::vector<int64_t>{7, 8, 9, 11}));
  testing::ExpectError(
      [&] {
        GroupKFold(std::vector<int64_t>{1, 1, 2}, 3);
      },
      ErrorKind::kInvalidInput, {"3 folds need at least 3 groups", "hold 2"});
}

TEST(TimeOrderedSplitTest, TrainsOnEarlierYearsOnly) {
  std::vector<int32_t> years;
  for (int year = 2000; year < 2010; ++year) {
    for (int i = 0; i < 10; ++i) years.push_back(year);
  }
  std::vector<Split> one = TimeOrderedSplit(years, 1, 0.2);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].test.size(), 20u) << "2008 and 2009";
  std::vector<Split> windows = TimeOrderedSplit(years, 4, 0.2);
  ASSERT_EQ(windows.size(), 4u);
  for (size_t s = 0; s < windows.size(); ++s) {
    int32_t last_train = 0, first_test = 9999;
    for (int64_t row : windows[s].train) last_train = std::max(last_train, years[row]);
    for (int64_t row : windows[s].test) first_test = std::min(first_test, years[row]);
    EXPECT_LT(last_train, first_test) << "split " << s;
    if (s > 0) {
      EXPECT_GT(windows[s].train.size(), windows[s - 1].train.size()) << "expanding";
    }
  }
  testing::ExpectError(
      [&] {
        TimeOrderedSplit(std::vector<int32_t>{2001, 2001}, 1);
      },
      ErrorKind::kInvalidInput, {"1 distinct release years"});
}

TEST(SplitTest, EmptyFoldsAreErrors) {
  testing::ExpectError(
      [] {
        StratifiedKFold(std::vector<int32_t>{0, 1, 0}, 5);
      },
      ErrorKind::kInvalidInput, {"5 folds", "use fewer folds"});
  testing::ExpectError(
      [] {
        StratifiedKFold(std::vector<int32_t>{0, 0, 0, 1}, 4);
      },
      ErrorKind::kInvalidInput, {"4 folds cannot be more than the rows"});
  std::vector<Split> empty_test = {Split{{0, 1}, {2}}, Split{{0, 1, 2}, {}}};
  testing::ExpectError([&] { CheckSplits(empty_test, "custom"); }, ErrorKind::kInvalidInput,
                       {"custom: split 2 of 2 has no test rows"});
  testing::ExpectError(
      [] {
        StratifiedKFold(std::vector<int32_t>{0, 1}, 1);
      },
      ErrorKind::kInvalidArgument, {"folds must be >= 2"});
}

}  // namespace
}  // namespace hitscope
