#include "io/csv_tokenizer.hpp"

#include "testing/fixtures.hpp"

namespace hitscope::csv {
namespace {

std::vector<std::vector<std::string>> Rows(const std::string& text, int fields, bool eof = true,
                                           TokenizedRows* out_rows = nullptr) {
  TokenizedRows rows;
  Tokenize(text.data(), text.size(), 0, text.size(), eof, fields, Dialect{}, &rows);
  std::vector<std::vector<std::string>> out;
  std::string scratch;
  for (int64_t row = 0; row < rows.rows(); ++row) {
    std::vector<std::string> values;
    for (int field = 0; field < fields; ++field) {
      values.emplace_back(FieldText(text.data(), rows.fields[row * fields + field], '"', &scratch));
    }
    out.push_back(values);
  }
  if (out_rows) *out_rows = rows;
  return out;
}

using Grid = std::vector<std::vector<std::string>>;

TEST(TokenizeTest, QuotedFieldsWithDelimitersNewlinesAndQuotes) {
  std::string text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,\"\"\n";
  EXPECT_EQ(Rows(text, 3), (Grid{{"a", "b,c", "say \"hi\""}, {"multi\nline", "", ""}}));
}

TEST(TokenizeTest, LastRowWithoutNewline) {
  EXPECT_EQ(Rows("1,2\n3,4", 2), (Grid{{"1", "2"}, {"3", "4"}}));
}

TEST(TokenizeTest, CutRowIsLeftForTheNextBuffer) {
  TokenizedRows rows;
  EXPECT_EQ(Rows("1,2\n3,4", 2, /*eof=*/false, &rows), (Grid{{"1", "2"}}));
  EXPECT_TRUE(rows.incomplete);
  EXPECT_EQ(rows.end, 4u);
}

TEST(TokenizeTest, QuoteAtBufferEndWaitsForMore) {
  TokenizedRows rows;
  Rows("\"ab\"", 1, /*eof=*/false, &rows);
  EXPECT_TRUE(rows.incomplete) << "the next byte could be a doubled quote";
}

TEST(TokenizeTest, BlankLinesAreSkipped) {
  EXPECT_EQ(Rows("\n1,2\n\r\n\n3,4\n\n", 2), (Grid{{"1", "2"}, {"3", "4"}}));
}

TEST(TokenizeTest, QuoteInsideUnquotedFieldIsData) {
  EXPECT_EQ(Rows("12\" vinyl,x\n", 2), (Grid{{"12\" vinyl", "x"}}));
}

TEST(TokenizeTest, WrongFieldCountIsAProblem) {
  TokenizedRows rows;
  auto grid = Rows("1,2\n3\n4,5,6\n7,8\n", 2, true, &rows);
  EXPECT_EQ(grid, (Grid{{"1", "2"}, {"7", "8"}}));
  ASSERT_EQ(rows.problems.size(), 2u);
  EXPECT_EQ(rows.problems[0].message, "expected 2 fields, found 1");
  EXPECT_EQ(rows.problems[1].message, "expected 2 fields, found 3");
}

TEST(TokenizeTest, GarbageAfterClosingQuote) {
  TokenizedRows rows;
  auto grid = Rows("\"ab\"c,d\n1,2\n", 2, true, &rows);
  EXPECT_EQ(grid, (Grid{{"1", "2"}}));
  ASSERT_EQ(rows.problems.size(), 1u);
  EXPECT_EQ(rows.problems[0].at, 4u);
  EXPECT_NE(rows.problems[0].message.find("'c' after the closing quote"), std::string::npos);
}

TEST(TokenizeTest, UnterminatedQuoteAtEof) {
  TokenizedRows rows;
  Rows("1,2\n3,\"open\n4,5\n", 2, true, &rows);
  ASSERT_EQ(rows.problems.size(), 1u);
  EXPECT_EQ(rows.problems[0].at, 6u);
  EXPECT_NE(rows.problems[0].message.find("never closed"), std::string::npos);
}

TEST(TokenizeTest, StopBeforeEndsAtARowStart) {
  std::string text = "1,2\n3,4\n5,6\n";
  TokenizedRows rows;
  Tokenize(text.data(), text.size(), 0, 5, true, 2, Dialect{}, &rows);
  EXPECT_EQ(rows.rows(), 2) << "the row starting at 4 < 5 is finished";
  EXPECT_EQ(rows.end, 8u);
}

TEST(TokenizeTest, OtherDelimiter) {
  TokenizedRows rows;
  std::string text = "a;b\n\"x;y\";z\n";
  Tokenize(text.data(), text.size(), 0, text.size(), true, 2, Dialect{';', '"'}, &rows);
  ASSERT_EQ(rows.rows(), 2);
  std::string scratch;
  EXPECT_EQ(FieldText(text.data(), rows.fields[2], '"', &scratch), "x;y");
}

}  // namespace
}  // namespace hitscope::csv
