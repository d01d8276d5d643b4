#include <cmath>

#include <hitscope/table.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(DateTest, ParsesTheThreePrecisions) {
  auto day = Date::Parse("2019-06-14");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->year(), 2019);
  EXPECT_EQ(day->month(), 6);
  EXPECT_EQ(day->day(), 14);
  EXPECT_EQ(day->ToString(), "2019-06-14");

  auto month = Date::Parse("2012-11");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->precision, DatePrecision::kMonth);
  EXPECT_EQ(month->month(), 11);
  EXPECT_EQ(month->day(), 0) << "an unknown day must stay unknown";
  EXPECT_EQ(month->ToString(), "2012-11");

  auto year = Date::Parse("1957");
  ASSERT_TRUE(year);
  EXPECT_EQ(year->month(), 0) << "an unknown month must stay unknown";
  EXPECT_EQ(year->ToString(), "1957");
}

TEST(DateTest, EpochAndLeapDays) {
  EXPECT_EQ(Date::Parse("1970-01-01")->days, 0);
  EXPECT_EQ(Date::Parse("2000-03-01")->days - Date::Parse("2000-02-28")->days, 2);
  EXPECT_TRUE(Date::Parse("2020-02-29"));
  EXPECT_FALSE(Date::Parse("2019-02-29"));
  EXPECT_FALSE(Date::Parse("1900-02-29"));
  EXPECT_EQ(Date::Parse("1969-12-31")->days, -1);
}

TEST(DateTest, RejectsNonDates) {
  for (const char* text : {"", "19", "20190614", "2019-6-14", "2019-13-01", "2019-00", "2019-01-32",
                           "2019-01-01T00:00", "abcd", "0999", "2019-01-01 "}) {
    EXPECT_FALSE(Date::Parse(text)) << text;
  }
}

TEST(ColumnTest, BuilderTracksNulls) {
  Column column = MakeFloat64Column({1.5, std::nullopt, 3.0});
  EXPECT_EQ(column.size(), 3);
  EXPECT_EQ(column.null_count(), 1);
  EXPECT_TRUE(column.IsNull(1));
  EXPECT_TRUE(std::isnan(column.NumericAt(1)));
  EXPECT_EQ(column.ToString(0), "1.5");
  EXPECT_EQ(column.ToString(1), "");
}

TEST(ColumnTest, NoNullsMeansNoMask) {
  Column column = MakeInt64Column({1, 2, 3});
  EXPECT_FALSE(column.has_nulls());
  EXPECT_TRUE(column.validity().empty());
}

TEST(ColumnTest, TakeWithMinusOneGivesNull) {
  Column column = MakeStringColumn({"a", "bb", std::nullopt, "dddd"});
  std::vector<int64_t> rows = {3, -1, 0, 2, 1};
  Column taken = column.Take(rows);
  ASSERT_EQ(taken.size(), 5);
  EXPECT_EQ(taken.StringAt(0), "dddd");
  EXPECT_TRUE(taken.IsNull(1));
  EXPECT_EQ(taken.StringAt(2), "a");
  EXPECT_TRUE(taken.IsNull(3));
  EXPECT_EQ(taken.StringAt(4), "bb");
}

TEST(ColumnTest, ConcatWidensIntToFloat) {
  Column a = MakeInt64Column({1, std::nullopt});
  Column b = MakeFloat64Column({2.5});
  std::vector<const Column*> parts = {&a, &b};
  Column c = Column::Concat(parts);
  EXPECT_EQ(c.type(), DataType::kFloat64);
  EXPECT_EQ(c.size(), 3);
  EXPECT_EQ(c.floats()[0], 1.0);
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.floats()[2], 2.5);
}

TEST(ColumnTest, ConcatRefusesStringOntoNumber) {
  Column a = MakeInt64Column({1});
  Column b = MakeStringColumn({"x"});
  std::vector<const Column*> parts = {&a, &b};
  testing::ExpectError([&] { Column::Concat(parts); }, ErrorKind::kInvalidInput,
                       {"string", "int64"});
}

TEST(ColumnTest, ConcatOfStringsKeepsOffsets) {
  Column a = MakeStringColumn({"x", "yy"});
  Column b = MakeStringColumn({std::nullopt, "zzz"});
  std::vector<const Column*> parts = {&a, &b};
  Column c = Column::Concat(parts);
  EXPECT_EQ(c.StringAt(1), "yy");
  EXPECT_TRUE(c.IsNull(2));
  EXPECT_EQ(c.StringAt(3), "zzz");
}

TEST(ColumnTest, SplitOffHandsBackTheTailAndKeepsTheHead) {
  ColumnBuilder strings(DataType::kString);
  strings.AppendString("ab");
  strings.AppendNull();
  strings.AppendString("cde");
  strings.AppendString("f");
  Column tail = strings.SplitOff(2);
  ASSERT_EQ(tail.size(), 2);
  EXPECT_FALSE(tail.has_nulls());
  EXPECT_EQ(tail.StringAt(0), "cde");
  EXPECT_EQ(tail.StringAt(1), "f");
  strings.AppendString("g");
  Column head = strings.Finish();
  ASSERT_EQ(head.size(), 3);
  EXPECT_EQ(head.null_count(), 1);
  EXPECT_EQ(head.StringAt(0), "ab");
  EXPECT_TRUE(head.IsNull(1));
  EXPECT_EQ(head.StringAt(2), "g");
  EXPECT_EQ(head.string_bytes(), 3u);

  // The nulls all in the tail: the head needs no mask.
  ColumnBuilder ints(DataType::kInt64);
  ints.AppendInt(1);
  ints.AppendInt(2);
  ints.AppendNull();
  Column ints_tail = ints.SplitOff(1);
  EXPECT_EQ(ints_tail.null_count(), 1);
  EXPECT_EQ(ints_tail.ints()[0], 2);
  EXPECT_TRUE(ints_tail.IsNull(1));
  ints.AppendInt(7);
  Column ints_head = ints.Finish();
  EXPECT_FALSE(ints_head.has_nulls());
  EXPECT_TRUE(ints_head.validity().empty());
  EXPECT_EQ(ints_head.ints()[1], 7);
}

TEST(ColumnTest, BulkAppendsEqualValueByValueAppends) {
  // Each bulk form against the same values appended one by one, after rows with and without
  // nulls, with and without a mask.
  for (const bool earlier_null : {false, true}) {
    ColumnBuilder ints(DataType::kInt64), ints_one(DataType::kInt64);
    ColumnBuilder floats(DataType::kFloat64), floats_one(DataType::kFloat64);
    ColumnBuilder strings(DataType::kString), strings_one(DataType::kString);
    if (earlier_null) {
      for (auto* builder : {&ints, &ints_one, &floats, &floats_one, &strings, &strings_one}) {
        builder->AppendNull();
      }
    }
    const int64_t int_values[] = {5, -3, 12, 0, 99};
    const double float_values[] = {0.5, -1.25, 3.0, 1e300, -0.0};
    // Long and short values, copied in 16-byte pieces; the padding lives past each one.
    const std::string text = std::string(40, 'x') + "0123456789abcdefghij" + std::string(16, ' ');
    const std::string_view string_values[] = {
        std::string_view(text).substr(0, 40), std::string_view(text).substr(40, 3), "",
        std::string_view(text).substr(43, 17), std::string_view(text).substr(40, 16)};
    const uint8_t valid[] = {1, 0, 1, 1, 0};
    ints.AppendInts(int_values, 2);
    ints.AppendInts(int_values, 5, valid);
    floats.AppendFloats(float_values, 2);
    floats.AppendFloats(float_values, 5, valid);
    strings.AppendPaddedStrings(string_values, 2);
    strings.AppendPaddedStrings(string_values, 5, valid);
    for (int row = 0; row < 7; ++row) {
      const int k = row < 2 ? row : row - 2;
      if (row >= 2 && valid[k] == 0) {
        for (auto* builder : {&ints_one, &floats_one, &strings_one}) builder->AppendNull();
        continue;
      }
      ints_one.AppendInt(int_values[k]);
      floats_one.AppendFloat(float_values[k]);
      strings_one.AppendString(string_values[k]);
    }
    const auto same = [](const Column& a, const Column& b) {
      ASSERT_EQ(a.size(), b.size());
      ASSERT_EQ(a.null_count(), b.null_count());
      ASSERT_EQ(a.validity().size(), b.validity().size());
      for (int64_t row = 0; row < a.size(); ++row) {
        ASSERT_EQ(a.IsNull(row), b.IsNull(row)) << row;
        ASSERT_EQ(a.ToString(row), b.ToString(row)) << row;
      }
    };
    const Column ints_column = ints.Finish(), floats_column = floats.Finish(),
                 strings_column = strings.Finish();
    same(ints_column, ints_one.Finish());
    same(floats_column, floats_one.Finish());
    same(strings_column, strings_one.Finish());
    EXPECT_EQ(ints_column.ints()[earlier_null ? 4 : 3], 0) << "a null int64 holds 0";
    EXPECT_TRUE(std::isnan(floats_column.floats()[earlier_null ? 4 : 3]));
    EXPECT_EQ(strings_column.string_bytes(), 43 + 40 + 17u);
    EXPECT_EQ(strings_column.StringAt(earlier_null ? 6 : 5), std::string_view(text).substr(43, 17));
  }
}

TEST(ColumnTest, TruncateDropsTheTailAndItsNulls) {
  ColumnBuilder strings(DataType::kString);
  strings.AppendString("ab");
  strings.AppendNull();
  strings.AppendString("cde");
  strings.Truncate(3);  // nothing to drop
  strings.Truncate(1);
  strings.AppendString("g");
  Column head = strings.Finish();
  ASSERT_EQ(head.size(), 2);
  EXPECT_FALSE(head.has_nulls());
  EXPECT_TRUE(head.validity().empty());
  EXPECT_EQ(head.StringAt(1), "g");
  EXPECT_EQ(head.string_bytes(), 3u);

  ColumnBuilder floats(DataType::kFloat64);
  floats.AppendNull();
  floats.AppendFloat(1.5);
  floats.AppendNull();
  floats.Truncate(2);
  Column kept = floats.Finish();
  EXPECT_EQ(kept.size(), 2);
  EXPECT_EQ(kept.null_count(), 1);
  EXPECT_TRUE(kept.IsNull(0));
  EXPECT_EQ(kept.floats()[1], 1.5);
}

TEST(LargeAllocatorTest, LargeBlocksStartOnAHugePageAndKeepTheirValues) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  detail::LargeVector<double> big(400000);  // 3.2 MB
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data()) % kHuge, 0u);
  big.front() = 2.5;
  big.back() = 1.5;
  big.resize(1000001);  // grows into a new block: the values move along
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data()) % kHuge, 0u);
  EXPECT_EQ(big.front(), 2.5);
  EXPECT_EQ(big[399999], 1.5);
  EXPECT_EQ(big.back(), 0.0);
  detail::LargeVector<uint8_t> small(1000, 7);  // from operator new
  EXPECT_EQ(small[999], 7);
  // A last 2 MB page at least half used is mapped whole (a huge page); less stays in 4 kB
  // pages. Both are written to their last byte and freed whole (ASan sees no leak).
  for (const size_t bytes : {(size_t{5} << 20) + 1, (size_t{4} << 20) + 4096 + 1}) {
    detail::LargeVector<uint8_t> block(bytes, 3);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block.data()) % kHuge, 0u);
    block.back() = 9;
    EXPECT_EQ(block[bytes / 2], 3);
    EXPECT_EQ(block.back(), 9);
  }
}

TEST(TableTest, RejectsUnequalColumnsAndDuplicateNames) {
  testing::ExpectError(
      [] {
        Table({"a", "b"}, std::vector<Column>{MakeInt64Column({1}), MakeInt64Column({1, 2})});
      },
      ErrorKind::kInvalidArgument, {"'b' has 2 rows"});
  testing::ExpectError(
      [] {
        Table({"a", "a"}, std::vector<Column>{MakeInt64Column({1}), MakeInt64Column({1})});
      },
      ErrorKind::kInvalidArgument, {"'a' appears twice"});
}

TEST(TableTest, UnknownColumnSuggestsTheClosest) {
  Table table({"tempo", "energy"},
              std::vector<Column>{MakeFloat64Column({1.0}), MakeFloat64Column({2.0})});
  testing::ExpectError([&] { table.column("temp"); }, ErrorKind::kInvalidInput,
                       {"no column named 'temp'", "did you mean 'tempo'"});
}

TEST(TableTest, SelectFilterSliceConcat) {
  Table table({"id", "value"}, std::vector<Column>{MakeInt64Column({1, 2, 3, 4}),
                                                   MakeStringColumn({"a", "b", "c", "d"})});
  Table selected = table.Select({"value"});
  EXPECT_EQ(selected.num_columns(), 1);
  std::vector<uint8_t> keep = {1, 0, 1, 0};
  Table filtered = table.Filter(keep);
  ASSERT_EQ(filtered.num_rows(), 2);
  EXPECT_EQ(filtered.column("value").StringAt(1), "c");
  Table slice = table.Slice(1, 2);
  EXPECT_EQ(slice.column("id").ints()[0], 2);
  std::vector<Table> parts = {filtered, slice};
  Table stacked = Table::Concat(parts);
  EXPECT_EQ(stacked.num_rows(), 4);
  EXPECT_EQ(stacked.column("id").ints()[3], 3);
  EXPECT_THROW(table.Slice(3, 2), Error);
}

}  // namespace
}  // namespace hitscope
