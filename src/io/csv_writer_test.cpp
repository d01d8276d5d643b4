#include <hitscope/csv.hpp>
#include <hitscope/json.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

Table Sample() {
  return Table({"name", "score", "n", "ok", "day"},
               std::vector<Column>{
                   MakeStringColumn({"plain", "a,b", "say \"hi\"", "two\nlines", std::nullopt}),
                   MakeFloat64Column({0.1, 1e-5, std::nullopt, 123456.789, -0.0}),
                   MakeInt64Column({1, -2, 3, std::nullopt, 5}),
                   MakeBoolColumn({true, false, std::nullopt, true, false}),
                   MakeDateColumn({"2019-06-14", "2012", "2012-11", std::nullopt, "1999-12-31"})});
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  std::string text = FormatCsv(Sample());
  EXPECT_EQ(text,
            "name,score,n,ok,day\n"
            "plain,0.1,1,true,2019-06-14\n"
            "\"a,b\",1e-05,-2,false,2012\n"
            "\"say \"\"hi\"\"\",,3,,2012-11\n"
            "\"two\nlines\",123456.789,,true,\n"
            ",-0,5,false,1999-12-31\n");
}

TEST(CsvWriterTest, RoundTripsThroughTheReader) {
  testing::TempDir dir;
  WriteCsv(Sample(), dir.File("out.csv"));
  Table back = ReadCsv(dir.File("out.csv"));
  EXPECT_EQ(FormatCsv(back), FormatCsv(Sample()));
  EXPECT_EQ(back.column("day").type(), DataType::kDate);
  EXPECT_EQ(back.column("score").floats()[1], 1e-5);
}

TEST(CsvWriterTest, UncommittedWriterLeavesNothing) {
  testing::TempDir dir;
  {
    CsvWriter writer(dir.File("out.csv"), Sample().names());
    writer.Write(Sample());
  }
  EXPECT_TRUE(testing::ListDir(dir.path()).empty());
}

TEST(CsvWriterTest, LargeTableInParallelSlicesKeepsOrder) {
  std::vector<std::optional<int64_t>> values;
  for (int64_t i = 0; i < 200000; ++i) values.push_back(i);
  Table table({"i"}, std::vector<Column>{MakeInt64Column(values)});
  testing::TempDir dir;
  WriteCsv(table, dir.File("big.csv"));
  Table back = ReadCsv(dir.File("big.csv"));
  ASSERT_EQ(back.num_rows(), 200000);
  for (int64_t i = 0; i < 200000; i += 9973) EXPECT_EQ(back.column("i").ints()[i], i);
}

TEST(JsonWriterTest, RecordsWithNullsAndEscapes) {
  Table table({"s", "x"}, std::vector<Column>{MakeStringColumn({"a\"b\\c\n", std::nullopt}),
                                              MakeFloat64Column({0.5, std::nullopt})});
  EXPECT_EQ(FormatJsonRecords(table),
            "[\n{\"s\":\"a\\\"b\\\\c\\n\",\"x\":0.5},\n{\"s\":null,\"x\":null}\n]\n");
}

}  // namespace
}  // namespace hitscope
