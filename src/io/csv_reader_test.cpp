#include <cmath>
#include <random>

#include <hitscope/csv.hpp>
#include <hitscope/runtime.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::ExpectError;

TEST(CsvReaderTest, InfersEveryType) {
  Table table = ReadCsvString(
      "id,score,flag,released,name,year\n"
      "1,0.5,true,2019-06-14,a,2001\n"
      "2,,f,2012,\"b, c\",2002\n"
      "3,1e3,T,2012-11,NA,2003\n");
  EXPECT_EQ(table.num_rows(), 3);
  EXPECT_EQ(table.column("id").type(), DataType::kInt64);
  EXPECT_EQ(table.column("score").type(), DataType::kFloat64);
  EXPECT_EQ(table.column("flag").type(), DataType::kBool);
  EXPECT_EQ(table.column("released").type(), DataType::kDate);
  EXPECT_EQ(table.column("name").type(), DataType::kString);
  EXPECT_EQ(table.column("year").type(), DataType::kInt64) << "bare years stay integers";
  EXPECT_TRUE(table.column("score").IsNull(1));
  EXPECT_TRUE(table.column("name").IsNull(2)) << "NA is a null token";
  EXPECT_EQ(table.column("released").DateAt(1).ToString(), "2012");
  EXPECT_EQ(table.column("name").StringAt(1), "b, c");
}

TEST(CsvReaderTest, BomAndCrlf) {
  Table table = ReadCsvString("\xEF\xBB\xBFtrack,pop\r\nx,1\r\ny,2\r\n");
  EXPECT_EQ(table.names()[0], "track") << "the byte-order mark is not part of the name";
  EXPECT_EQ(table.column("pop").ints()[1], 2);
  EXPECT_EQ(table.column("track").StringAt(1), "y") << "no stray carriage return";
}

TEST(CsvReaderTest, ExplicitTypesWin) {
  CsvReadOptions options;
  options.types["code"] = DataType::kString;
  Table table = ReadCsvString("code,v\n007,1\n", "<test>", options);
  EXPECT_EQ(table.column("code").type(), DataType::kString);
  EXPECT_EQ(table.column("code").StringAt(0), "007");
}

TEST(CsvReaderTest, ProjectionKeepsOrder) {
  CsvReadOptions options;
  options.columns = {"c", "a"};
  Table table = ReadCsvString("a,b,c\n1,x,3\n", "<test>", options);
  EXPECT_EQ(table.names(), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(table.column("c").ints()[0], 3);
}

TEST(CsvReaderTest, CustomNullTokens) {
  CsvReadOptions options;
  options.null_tokens = {"-", "missing"};
  Table table = ReadCsvString("a,b\n-,NA\n2,missing\n", "<test>", options);
  EXPECT_TRUE(table.column("a").IsNull(0));
  EXPECT_EQ(table.column("b").StringAt(0), "NA") << "NA is data once the tokens change";
  EXPECT_TRUE(table.column("b").IsNull(1));
}

TEST(CsvReaderTest, NoHeader) {
  CsvReadOptions options;
  options.has_header = false;
  Table table = ReadCsvString("1,2\n3,4\n", "<test>", options);
  EXPECT_EQ(table.names(), (std::vector<std::string>{"column_1", "column_2"}));
  EXPECT_EQ(table.num_rows(), 2);
}

TEST(CsvReaderTest, MaxRows) {
  CsvReadOptions options;
  options.max_rows = 2;
  Table table = ReadCsvString("a\n1\n2\n3\n", "<test>", options);
  EXPECT_EQ(table.num_rows(), 2);
}

TEST(CsvReaderTest, WholeFileErrors) {
  ExpectError([] { ReadCsvString("", "empty.csv"); }, ErrorKind::kInvalidInput,
              {"'empty.csv' is empty"});
  ExpectError([] { ReadCsvString("\n\n", "blank.csv"); }, ErrorKind::kInvalidInput,
              {"'blank.csv' is empty"});
  ExpectError([] { ReadCsvString("a,b\n", "head.csv"); }, ErrorKind::kInvalidInput,
              {"'head.csv' has a header but no data rows"});
  ExpectError([] { ReadCsvString("a,b,a\n1,2,3\n", "dup.csv"); }, ErrorKind::kInvalidInput,
              {"'dup.csv': line 1: column name 'a' appears twice (fields 1 and 3)"});
  CsvReadOptions options;
  options.required_columns = {"popularity"};
  ExpectError([&] { ReadCsvString("popularty,x\n1,2\n", "req.csv", options); },
              ErrorKind::kInvalidInput,
              {"'req.csv' has no column 'popularity'", "did you mean 'popularty'", "required"});
  ExpectError([] { ReadCsv("/no/such.csv"); }, ErrorKind::kIo, {"/no/such.csv"});
}

TEST(CsvReaderTest, HeaderOnlyAllowedGivesEmptyTable) {
  CsvReadOptions options;
  options.allow_empty = true;
  Table table = ReadCsvString("a,b\n", "<test>", options);
  EXPECT_EQ(table.num_rows(), 0);
  EXPECT_EQ(table.num_columns(), 2);
}

TEST(CsvReaderTest, StrictStopsAtFirstBadRowWithLocation) {
  CsvReadOptions options;
  options.types["b"] = DataType::kInt64;
  ExpectError([&] { ReadCsvString("a,b\n1,2\n3,x\n5\n", "bad.csv", options); },
              ErrorKind::kInvalidInput,
              {"bad.csv:3:3: field 2 'b': cannot read \"x\" as int64 (the type was given"});
}

TEST(CsvReaderTest, InferenceSeesTheWholeFirstBlock) {
  Table table = ReadCsvString("a,b\n1,2\n3,x\n");
  EXPECT_EQ(table.column("b").type(), DataType::kString) << "x makes b text, not a bad row";
}

TEST(CsvReaderTest, SkipCountsAndReports) {
  CsvReadOptions options;
  options.bad_rows = BadRowPolicy::kSkip;
  options.types["b"] = DataType::kInt64;
  CsvReadReport report;
  Table table = ReadCsvString("a,b\n1,2\n3,x\n5\n6,7\n", "bad.csv", options, &report);
  EXPECT_EQ(table.num_rows(), 2);
  EXPECT_EQ(report.rows, 2);
  EXPECT_EQ(report.bad_rows, 2);
  ASSERT_EQ(report.issues.size(), 2u);
  EXPECT_EQ(report.issues[0].line, 3);
  EXPECT_EQ(report.issues[1].ToString(), "bad.csv:4:1: expected 2 fields, found 1");
  EXPECT_NE(report.Summary().find("dropped 2 bad rows"), std::string::npos) << report.Summary();
}

TEST(CsvReaderTest, RejectWritesBadRowsAtomically) {
  testing::TempDir dir;
  std::string input = dir.File("in.csv");
  testing::WriteText(input, "a,b\n1,2\n\"x\ny\",3\n4\n");
  CsvReadOptions options;
  options.bad_rows = BadRowPolicy::kReject;
  options.reject_path = dir.File("rejected.csv");
  options.types["a"] = DataType::kInt64;
  Table table = ReadCsv(input, options);
  EXPECT_EQ(table.num_rows(), 1);
  Table rejected = ReadCsv(options.reject_path);
  ASSERT_EQ(rejected.num_rows(), 2);
  EXPECT_EQ(rejected.column("line").ints()[0], 3);
  EXPECT_EQ(rejected.column("row").StringAt(0), "\"x\ny\",3") << "multi-line row kept whole";
  EXPECT_EQ(rejected.column("line").ints()[1], 5) << "lines count the newline inside quotes";
}

TEST(CsvReaderTest, InvalidUtf8InTextField) {
  ExpectError([] { ReadCsvString("name\nok\nbad\xff\n", "u.csv"); }, ErrorKind::kInvalidInput,
              {"u.csv:3:4: field 1 'name': invalid UTF-8 (byte 0xff"});
}

TEST(CsvReaderTest, IntColumnWidensInLaterBlock) {
  std::string text = "v\n";
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + "\n";
  text += "2.5\n";
  CsvReadOptions options;
  options.block_bytes = 4096;
  options.infer_rows = 500;
  CsvReadReport report;
  Table table = ReadCsvString(text, "<test>", options, &report);
  EXPECT_EQ(table.column("v").type(), DataType::kFloat64);
  EXPECT_EQ(table.column("v").floats()[1999], 1999.0);
  EXPECT_EQ(table.column("v").floats()[2000], 2.5);
  EXPECT_EQ(report.widened_columns, std::vector<std::string>{"v"});
}

TEST(CsvReaderTest, LaterBlockMisfitSaysHowToFix) {
  std::string text = "v\n";
  for (int i = 0; i < 2000; ++i) text += "true\n";
  text += "maybe\n";
  CsvReadOptions options;
  options.infer_rows = 1000;
  ExpectError([&] { ReadCsvString(text, "late.csv", options); }, ErrorKind::kInvalidInput,
              {"late.csv:2002:1", "cannot read \"maybe\" as bool", "--type v=string"});
}

TEST(CsvReaderTest, RowLongerThanBlockGrowsTheBuffer) {
  std::string big(100000, 'x');
  CsvReadOptions options;
  options.block_bytes = 4096;
  Table table = ReadCsvString("a,b\n1,\"" + big + "\"\n2,y\n", "<test>", options);
  ASSERT_EQ(table.num_rows(), 2);
  EXPECT_EQ(table.column("b").StringAt(0).size(), big.size());
}

// A reference parser written the plain way: one character at a time, one state machine.
std::vector<std::vector<std::string>> ReferenceParse(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  bool row_has_content = false;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"' && field.empty() && !row_has_content) {
      ++i;
      while (true) {
        if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
        } else if (text[i] == '"') {
          ++i;
          break;
        } else {
          field += text[i++];
        }
      }
      row_has_content = true;
      continue;
    }
    if (c == ',') {
      row.push_back(field);
      field.clear();
      row_has_content = false;
      ++i;
      continue;
    }
    if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      row_has_content = false;
      ++i;
      continue;
    }
    field += c;
    row_has_content = true;
    ++i;
  }
  return rows;
}

std::string RandomCsv(std::mt19937_64& rng, int rows, int fields) {
  const std::string alphabet = "abc xyz,\"\n0123";
  std::string text;
  for (int f = 0; f < fields; ++f) text += (f ? ",h" : "h") + std::to_string(f);
  text += "\n";
  for (int r = 0; r < rows; ++r) {
    for (int f = 0; f < fields; ++f) {
      if (f) text += ',';
      int kind = static_cast<int>(rng() % 4);
      int length = static_cast<int>(rng() % 12) + 1;
      if (kind == 0) {  // quoted with anything inside
        text += '"';
        for (int k = 0; k < length; ++k) {
          char c = alphabet[rng() % alphabet.size()];
          text += c;
          if (c == '"') text += '"';
        }
        text += '"';
      } else if (kind == 1) {  // plain word with a stray quote in the middle
        text += "w" + std::string(static_cast<size_t>(length % 3), 'q') + "\"x";
      } else {
        text += "v" + std::to_string(rng() % 100000);
      }
    }
    text += "\n";
  }
  return text;
}

TEST(CsvReaderTest, ParallelBlocksAgreeWithReferenceParser) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 4; ++trial) {
    std::string text = RandomCsv(rng, 20000, 5);
    auto expected = ReferenceParse(text);
    for (size_t block : {size_t{4096}, size_t{100000}, size_t{32} << 20}) {
      CsvReadOptions options;
      options.block_bytes = block;
      options.min_segment_bytes = 1000;
      for (int f = 0; f < 5; ++f) options.types["h" + std::to_string(f)] = DataType::kString;
      Table table = ReadCsvString(text, "<random>", options);
      ASSERT_EQ(table.num_rows() + 1, static_cast<int64_t>(expected.size()))
          << "trial " << trial << " block " << block;
      for (int64_t row = 0; row < table.num_rows(); ++row) {
        for (int f = 0; f < 5; ++f) {
          std::string want = expected[row + 1][f];
          std::string got =
              table.column(f).IsNull(row) ? "" : std::string(table.column(f).StringAt(row));
          ASSERT_EQ(got, want) << "row " << row << " field " << f << " block " << block;
        }
      }
    }
  }
}

// Mostly plain rows (the tokenizer's fast path) mixed with every kind of row it hands to the
// general one: quoted fields, CRLF line ends, blank lines, rows with a field missing, and a last
// row without a line end. Returns the text and the rows a reader with the skip policy keeps.
std::pair<std::string, std::vector<std::vector<std::string>>> MostlyPlainCsv(std::mt19937_64& rng,
                                                                             int rows) {
  const int fields = 5;
  std::string text = "h0,h1,h2,h3,h4\n";
  std::vector<std::vector<std::string>> kept;
  for (int r = 0; r < rows; ++r) {
    const int kind = static_cast<int>(rng() % 100);
    if (kind < 2) {  // blank line
      text += rng() % 2 ? "\n" : "\r\n";
      continue;
    }
    // A field missing or one too many: the row is dropped.
    const int count = kind < 5 ? fields - 1 : kind < 7 ? fields + 1 : fields;
    std::vector<std::string> row;
    for (int f = 0; f < count; ++f) {
      if (f) text += ',';
      const int what = static_cast<int>(rng() % 20);
      std::string value;
      if (what == 0 && kind >= 5 && kind < 15) {  // quoted, with a delimiter, a quote, a newline
        const std::string number = std::to_string(rng() % 100);
        value = "a,\"b\"\nc" + number;
        text += "\"a,\"\"b\"\"\nc" + number + "\"";
      } else if (what == 1) {
        value = "";
      } else if (what == 2) {
        value = std::string(static_cast<size_t>(rng() % 90), 'z');  // fields across windows
        text += value;
      } else if (what == 3) {
        value = "x\ry";  // a carriage return inside a field is data
        text += value;
      } else {
        value = "v" + std::to_string(rng() % 1000000);
        text += value;
      }
      row.push_back(value);
    }
    if (r + 1 < rows) text += rng() % 3 == 0 ? "\r\n" : "\n";
    if (count == fields) kept.push_back(row);
  }
  return {text, kept};
}

TEST(CsvReaderTest, FastAndGeneralTokenizerPathsAgree) {
  std::mt19937_64 rng(23);
  for (int trial = 0; trial < 3; ++trial) {
    auto [text, expected] = MostlyPlainCsv(rng, 20000);
    for (size_t block : {size_t{4096}, size_t{70000}, size_t{32} << 20}) {
      for (int threads : {1, 0}) {
        SetThreadCount(threads);
        CsvReadOptions options;
        options.block_bytes = block;
        options.min_segment_bytes = 1000;
        options.bad_rows = BadRowPolicy::kSkip;
        for (int f = 0; f < 5; ++f) options.types["h" + std::to_string(f)] = DataType::kString;
        Table table = ReadCsvString(text, "<plain>", options);
        ASSERT_EQ(table.num_rows(), static_cast<int64_t>(expected.size()))
            << "trial " << trial << " block " << block;
        for (int64_t row = 0; row < table.num_rows(); ++row) {
          for (int f = 0; f < 5; ++f) {
            std::string got =
                table.column(f).IsNull(row) ? "" : std::string(table.column(f).StringAt(row));
            ASSERT_EQ(got, expected[static_cast<size_t>(row)][static_cast<size_t>(f)])
                << "row " << row << " field " << f << " block " << block;
          }
        }
      }
    }
  }
  SetThreadCount(0);
}

TEST(CsvReaderTest, TypesGuessedFromTheFirstRowsEqualTheInferredOnes) {
  // 90,000 rows of about 20 bytes: the guess sees the first megabyte (about 55,000 rows), the
  // inference the first 100,000. Each column changes its mind after the first megabyte; 'late'
  // has no value at all in it.
  std::string text = "widen,late,text,flag,later_float\n";
  for (int i = 0; i < 90000; ++i) {
    text += i == 75000 ? "2.5" : std::to_string(i);
    text += ',';
    text += i < 70000 ? "" : std::to_string(i);
    text += ',';
    text += i == 80000 ? "x" : std::to_string(i % 7);
    text += ',';
    text += i % 2 ? "true" : "false";
    text += ',';
    text += std::to_string(i % 100) + (i == 89999 ? ".5" : "");
    text += '\n';
  }
  CsvReadReport report;
  Table table = ReadCsvString(text, "<guess>", {}, &report);
  EXPECT_EQ(table.column("widen").type(), DataType::kFloat64);
  EXPECT_EQ(table.column("late").type(), DataType::kInt64);
  EXPECT_EQ(table.column("text").type(), DataType::kString);
  EXPECT_EQ(table.column("flag").type(), DataType::kBool);
  EXPECT_EQ(table.column("later_float").type(), DataType::kFloat64);
  EXPECT_TRUE(report.widened_columns.empty()) << "inferred as float64, not widened";
  EXPECT_EQ(table.column("widen").floats()[75000], 2.5);
  EXPECT_EQ(table.column("late").ints()[89999], 89999);
  EXPECT_EQ(table.column("text").StringAt(80000), "x");

  // Without 'late' the types are guessed, and the guess is checked against every value.
  CsvReadOptions guessed;
  guessed.columns = {"widen", "text", "flag", "later_float"};
  CsvReadReport guessed_report;
  Table without_late = ReadCsvString(text, "<guess>", guessed, &guessed_report);
  for (const auto& name : guessed.columns) {
    EXPECT_EQ(without_late.column(name).type(), table.column(name).type()) << name;
  }
  EXPECT_TRUE(guessed_report.widened_columns.empty());

  // With the inference limited to the guessed rows, the same values widen instead.
  CsvReadOptions options;
  options.infer_rows = 1000;
  CsvReadReport limited;
  ExpectError([&] { ReadCsvString(text, "<guess>", options, &limited); }, ErrorKind::kInvalidInput,
              {"<guess>:80002:", "cannot read \"x\" as int64"});
}

// Blocks of many rounds of segments, where rows already handed to the output must be taken
// back: values that cannot be read (their rows dropped), an int64 column that meets a float in a
// later block (converted again), and a row limit that ends inside a block.
TEST(CsvReaderTest, RowsDroppedWidenedAndCutAfterTheyWereAppended) {
  std::string text = "id,n,s\n";
  std::vector<int64_t> ids;
  std::vector<double> ns;
  for (int i = 0; i < 60000; ++i) {
    const bool bad = i > 2000 && i % 997 == 5;
    const bool fractional = i >= 40000 && i % 1000 == 7;
    text += std::to_string(i) + ",";
    text += bad ? std::string("oops") : fractional ? std::to_string(i) + ".5" : std::to_string(i);
    text += ",s" + std::to_string(i % 13) + "\n";
    if (bad) continue;
    ids.push_back(i);
    ns.push_back(fractional ? i + 0.5 : i);
  }
  for (int threads : {1, 0}) {
    SetThreadCount(threads);
    for (size_t block : {size_t{64} << 10, size_t{32} << 20}) {
      CsvReadOptions options;
      options.block_bytes = block;
      options.min_segment_bytes = 1000;
      options.infer_rows = 1000;
      options.bad_rows = BadRowPolicy::kSkip;
      CsvReadReport report;
      Table table = ReadCsvString(text, "<rounds>", options, &report);
      ASSERT_EQ(table.num_rows(), static_cast<int64_t>(ids.size())) << "block " << block;
      ASSERT_EQ(table.column("n").type(), DataType::kFloat64);
      EXPECT_EQ(report.widened_columns, std::vector<std::string>{"n"});
      EXPECT_EQ(report.bad_rows, 58);
      for (size_t row = 0; row < ids.size(); ++row) {
        const auto r = static_cast<int64_t>(row);
        ASSERT_EQ(table.column("id").ints()[row], ids[row]) << "row " << row;
        ASSERT_EQ(table.column("n").floats()[row], ns[row]) << "row " << row;
        ASSERT_EQ(table.column("s").StringAt(r), "s" + std::to_string(ids[row] % 13));
      }
      options.max_rows = 45678;
      Table cut = ReadCsvString(text, "<rounds>", options);
      ASSERT_EQ(cut.num_rows(), 45678);
      EXPECT_EQ(cut.column("id").ints()[45677], ids[45677]);
      EXPECT_EQ(cut.column("s").StringAt(45677), "s" + std::to_string(ids[45677] % 13));
    }
  }
  SetThreadCount(0);
}

TEST(CsvReaderTest, OneThreadAndManyThreadsAgree) {
  std::mt19937_64 rng(5);
  std::string text = RandomCsv(rng, 30000, 4);
  CsvReadOptions options;
  options.min_segment_bytes = 2000;
  SetThreadCount(1);
  Table one = ReadCsvString(text, "<t>", options);
  SetThreadCount(0);
  Table many = ReadCsvString(text, "<t>", options);
  EXPECT_EQ(FormatCsv(one), FormatCsv(many));
}

// A mapped file, the same file read into a buffer, and the text in memory give the same table
// and the same report: blocks of every size, a row longer than a block, a file that ends on a
// page boundary without a line break, bad rows located by line, and ReadBatch's blocks.
TEST(CsvReaderTest, MappedReadAndStringAgree) {
  std::mt19937_64 rng(29);
  std::string text = "id,x,s\n";
  for (int i = 0; i < 30000; ++i) {
    text += std::to_string(i) + "," + std::to_string(rng() % 100000) + "." +
            std::to_string(rng() % 1000) + ",";
    if (i == 777) {
      text += "\"" + std::string(9000, 'y') + "\"\n";  // longer than the small blocks
    } else if (i % 4099 == 3) {
      text += "\"a \"\"quoted\"\", value\"\n";
    } else if (i % 9001 == 5) {
      text += "too,many\n";  // a bad row
    } else {
      text += "s" + std::to_string(rng() % 1000) + "\n";
    }
  }
  // Fill up to a page boundary, the last row without a line break.
  text += "30000,1.5,";
  text += std::string(4096 - (text.size() % 4096), 'z');
  ASSERT_EQ(text.size() % 4096, 0u);
  testing::TempDir dir;
  const std::string path = dir.File("t.csv");
  testing::WriteText(path, text);
  for (int threads : {1, 0}) {
    SetThreadCount(threads);
    for (size_t block : {size_t{4096}, size_t{64} << 10, size_t{32} << 20}) {
      CsvReadOptions options;
      options.block_bytes = block;
      options.min_segment_bytes = 2000;
      options.bad_rows = BadRowPolicy::kSkip;
      CsvReadReport from_string, mapped, read;
      const std::string expected = FormatCsv(ReadCsvString(text, path, options, &from_string));
      EXPECT_EQ(FormatCsv(ReadCsv(path, options, &mapped)), expected) << block;
      options.memory_map = false;
      EXPECT_EQ(FormatCsv(ReadCsv(path, options, &read)), expected) << block;
      for (const CsvReadReport* report : {&mapped, &read}) {
        EXPECT_EQ(report->bytes, static_cast<int64_t>(text.size()));
        EXPECT_EQ(report->rows, 30001 - 4);
        EXPECT_EQ(report->bad_rows, 4);
        ASSERT_EQ(report->issues.size(), from_string.issues.size());
        for (size_t k = 0; k < report->issues.size(); ++k) {
          EXPECT_EQ(report->issues[k].ToString(), from_string.issues[k].ToString());
        }
      }
      options.memory_map = true;
      CsvReader reader(path, options);
      int64_t rows = 0;
      while (auto batch = reader.ReadBatch()) rows += batch->num_rows();
      EXPECT_EQ(rows, 30001 - 4);
    }
  }
  SetThreadCount(0);
}

TEST(CsvReaderTest, BatchesStreamWithBoundedBlocks) {
  std::string text = "a,b\n";
  for (int i = 0; i < 50000; ++i) text += std::to_string(i) + ",x" + std::to_string(i) + "\n";
  CsvReadOptions options;
  options.block_bytes = 64 * 1024;
  testing::TempDir dir;
  testing::WriteText(dir.File("s.csv"), text);
  CsvReader reader(dir.File("s.csv"), options);
  int batches = 0;
  int64_t rows = 0;
  int64_t expect_next = 0;
  while (auto batch = reader.ReadBatch()) {
    ++batches;
    EXPECT_EQ(batch->column("a").ints()[0], expect_next) << "batches come in file order";
    expect_next += batch->num_rows();
    rows += batch->num_rows();
  }
  EXPECT_EQ(rows, 50000);
  EXPECT_GT(batches, 5);
  EXPECT_EQ(reader.report().rows, 50000);
}

}  // namespace
}  // namespace hitscope
