#include <cmath>
#include <random>

#include <hitscope/compute.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

Table Tracks() {
  return Table({"track", "artist", "popularity"},
               std::vector<Column>{MakeStringColumn({"t1", "t2", "t3", "t4", "t5"}),
                                   MakeStringColumn({"b", "a", "b", std::nullopt, "a"}),
                                   MakeFloat64Column({10.0, 30.0, std::nullopt, 5.0, 50.0})});
}

TEST(SortTest, StableWithNullsLast) {
  Table sorted = Sort(Tracks(), std::vector<SortKey>{{"artist", true}});
  std::vector<std::string> tracks;
  for (int64_t row = 0; row < sorted.num_rows(); ++row) {
    tracks.emplace_back(sorted.column("track").StringAt(row));
  }
  EXPECT_EQ(tracks, (std::vector<std::string>{"t2", "t5", "t1", "t3", "t4"}));
}

TEST(SortTest, DescendingStillPutsNullsLast) {
  auto order = SortIndices(Tracks(), std::vector<SortKey>{{"popularity", false}});
  EXPECT_EQ(order, (std::vector<int64_t>{4, 1, 0, 3, 2}));
}

TEST(SortTest, SeveralKeys) {
  auto order = SortIndices(Tracks(), std::vector<SortKey>{{"artist", false}, {"popularity", true}});
  EXPECT_EQ(order, (std::vector<int64_t>{0, 2, 1, 4, 3}));
}

TEST(SortTest, LargeIntKeyAgreesWithStdStableSort) {
  std::mt19937_64 rng(1);
  std::vector<std::optional<int64_t>> values(100'003);
  for (auto& v : values) v = static_cast<int64_t>(rng() % 1000);
  Table table({"k"}, std::vector<Column>{MakeInt64Column(values)});
  auto order = SortIndices(table, std::vector<SortKey>{{"k", true}});
  std::vector<int64_t> expected(values.size());
  std::iota(expected.begin(), expected.end(), 0);
  std::stable_sort(expected.begin(), expected.end(),
                   [&](int64_t a, int64_t b) { return *values[a] < *values[b]; });
  EXPECT_EQ(order, expected);
}

TEST(JoinTest, InnerWithDuplicateKeys) {
  Table left({"release", "track"}, std::vector<Column>{MakeInt64Column({1, 2, 3, 1}),
                                                       MakeStringColumn({"a", "b", "c", "d"})});
  Table right({"release", "artist"}, std::vector<Column>{MakeInt64Column({1, 1, 2, 9}),
                                                         MakeStringColumn({"x", "y", "z", "w"})});
  JoinOptions options;
  options.left_keys = {"release"};
  Table joined = HashJoin(left, right, options);
  ASSERT_EQ(joined.num_rows(), 5);
  EXPECT_EQ(joined.names(), (std::vector<std::string>{"release", "track", "artist"}));
  std::vector<std::string> pairs;
  for (int64_t row = 0; row < joined.num_rows(); ++row) {
    pairs.push_back(std::string(joined.column("track").StringAt(row)) + ":" +
                    std::string(joined.column("artist").StringAt(row)));
  }
  EXPECT_EQ(pairs, (std::vector<std::string>{"a:x", "a:y", "b:z", "d:x", "d:y"}));
}

TEST(JoinTest, LeftKeepsUnmatchedWithNulls) {
  Table left({"k"}, std::vector<Column>{MakeStringColumn({"a", std::nullopt, "c"})});
  Table right({"k", "v"},
              std::vector<Column>{MakeStringColumn({"c", std::nullopt}), MakeInt64Column({7, 8})});
  JoinOptions options;
  options.kind = JoinKind::kLeft;
  options.left_keys = {"k"};
  Table joined = HashJoin(left, right, options);
  ASSERT_EQ(joined.num_rows(), 3);
  EXPECT_TRUE(joined.column("v").IsNull(0));
  EXPECT_TRUE(joined.column("v").IsNull(1)) << "null keys must not match";
  EXPECT_EQ(joined.column("v").ints()[2], 7);
}

TEST(JoinTest, SeveralKeysAndSuffix) {
  Table left({"a", "b", "v"},
             std::vector<Column>{MakeInt64Column({1, 1}), MakeStringColumn({"x", "y"}),
                                 MakeInt64Column({10, 20})});
  Table right({"a2", "b2", "v"},
              std::vector<Column>{MakeFloat64Column({1.0}), MakeStringColumn({"y"}),
                                  MakeInt64Column({99})});
  JoinOptions options;
  options.left_keys = {"a", "b"};
  options.right_keys = {"a2", "b2"};
  Table joined = HashJoin(left, right, options);
  ASSERT_EQ(joined.num_rows(), 1);
  EXPECT_EQ(joined.column("v").ints()[0], 20);
  EXPECT_EQ(joined.column("v_right").ints()[0], 99);
}

TEST(JoinTest, IncompatibleKeyTypesAreAClearError) {
  Table left({"k"}, std::vector<Column>{MakeInt64Column({1})});
  Table right({"k"}, std::vector<Column>{MakeStringColumn({"1"})});
  JoinOptions options;
  options.left_keys = {"k"};
  testing::ExpectError([&] { HashJoin(left, right, options); }, ErrorKind::kInvalidInput,
                       {"cannot join 'k' (int64) with 'k' (string)"});
}

TEST(JoinTest, AgreesWithNestedLoopsOnRandomData) {
  std::mt19937_64 rng(3);
  std::vector<std::optional<int64_t>> lk(2000), rk(700);
  for (auto& k : lk) k = rng() % 50 == 0 ? std::nullopt : std::optional<int64_t>(rng() % 300);
  for (auto& k : rk) k = static_cast<int64_t>(rng() % 300);
  Table left({"k"}, std::vector<Column>{MakeInt64Column(lk)});
  Table right({"k2"}, std::vector<Column>{MakeInt64Column(rk)});
  JoinOptions options;
  options.left_keys = {"k"};
  options.right_keys = {"k2"};
  int64_t expected = 0;
  for (const auto& a : lk) {
    for (const auto& b : rk) expected += a && *a == *b;
  }
  EXPECT_EQ(HashJoin(left, right, options).num_rows(), expected);
  auto mask =
      SemiJoinMask(left, std::vector<std::string>{"k"}, right, std::vector<std::string>{"k2"});
  for (size_t i = 0; i < lk.size(); ++i) {
    bool found = lk[i] && std::find(rk.begin(), rk.end(), lk[i]) != rk.end();
    ASSERT_EQ(mask[i] != 0, found) << i;
  }
}

TEST(DropDuplicatesTest, KeepsFirstAndNulls) {
  Table table({"k", "v"}, std::vector<Column>{
                              MakeStringColumn({"a", "b", "a", std::nullopt, std::nullopt, "b"}),
                              MakeInt64Column({1, 2, 3, 4, 5, 6})});
  int64_t dropped = 0;
  Table out = DropDuplicates(table, std::vector<std::string>{"k"}, &dropped);
  EXPECT_EQ(dropped, 2);
  ASSERT_EQ(out.num_rows(), 4);
  EXPECT_EQ(out.column("v").ints()[0], 1);
  EXPECT_EQ(out.column("v").ints()[1], 2);
  EXPECT_EQ(out.column("v").ints()[2], 4);
  EXPECT_EQ(out.column("v").ints()[3], 5);
}

TEST(KeySetTest, StreamingSemiJoin) {
  Table build({"id"}, std::vector<Column>{MakeStringColumn({"x", "y", "y"})});
  KeySet set(build, {"id"});
  Table batch({"ref", "n"}, std::vector<Column>{MakeStringColumn({"y", "z", std::nullopt, "x"}),
                                                MakeInt64Column({1, 2, 3, 4})});
  EXPECT_EQ(set.Contains(batch, std::vector<std::string>{"ref"}),
            (std::vector<uint8_t>{1, 0, 0, 1}));
  EXPECT_EQ(set.Keep(batch, std::vector<std::string>{"ref"}).num_rows(), 2);
}

TEST(GroupByTest, KnownAnswerSortedKeys) {
  std::vector<Aggregate> aggregates = {{AggregateKind::kSize, "", "n"},
                                       {AggregateKind::kCount, "popularity", ""},
                                       {AggregateKind::kMean, "popularity", "mean"},
                                       {AggregateKind::kMax, "popularity", "max"},
                                       {AggregateKind::kMedian, "popularity", "median"}};
  Table grouped = GroupBy(Tracks(), std::vector<std::string>{"artist"}, aggregates);
  ASSERT_EQ(grouped.num_rows(), 2) << "the null key is dropped, as pandas does";
  EXPECT_EQ(grouped.column("artist").StringAt(0), "a");
  EXPECT_EQ(grouped.column("n").ints()[0], 2);
  EXPECT_EQ(grouped.column("mean").floats()[0], 40.0);
  EXPECT_EQ(grouped.column("popularity_count").ints()[1], 1) << "nulls are not counted";
  EXPECT_EQ(grouped.column("max").floats()[1], 10.0);
  EXPECT_EQ(grouped.column("median").floats()[0], 40.0);
}

TEST(GroupByTest, KeepNullKeysAsTheirOwnGroup) {
  GroupByOptions options;
  options.drop_null_keys = false;
  std::vector<Aggregate> aggregates = {{AggregateKind::kSize, "", "n"}};
  Table grouped = GroupBy(Tracks(), std::vector<std::string>{"artist"}, aggregates, options);
  ASSERT_EQ(grouped.num_rows(), 3);
  EXPECT_TRUE(grouped.column("artist").IsNull(2));
  EXPECT_EQ(grouped.column("n").ints()[2], 1);
}

TEST(GroupByTest, ManyGroupsGrowTheTable) {
  std::vector<std::optional<int64_t>> keys, values;
  for (int i = 0; i < 10000; ++i) {
    keys.push_back(i % 3001);
    values.push_back(i);
  }
  Table table({"k", "v"}, std::vector<Column>{MakeInt64Column(keys), MakeInt64Column(values)});
  std::vector<Aggregate> aggregates = {{AggregateKind::kSum, "v", "sum"}};
  Table grouped = GroupBy(table, std::vector<std::string>{"k"}, aggregates);
  ASSERT_EQ(grouped.num_rows(), 3001);
  // Key 0: rows 0, 3001, 6002, 9003.
  EXPECT_EQ(grouped.column("sum").floats()[0], 0 + 3001 + 6002 + 9003);
}

TEST(GroupByTest, StringValuesAreRefused) {
  std::vector<Aggregate> aggregates = {{AggregateKind::kMean, "track", ""}};
  testing::ExpectError([&] { GroupBy(Tracks(), std::vector<std::string>{"artist"}, aggregates); },
                       ErrorKind::kInvalidInput, {"mean of 'track'", "string"});
}

}  // namespace
}  // namespace hitscope
