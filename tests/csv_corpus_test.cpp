// The malformed-CSV corpus: every file under tests/data/csv_malformed/ must fail with exactly the
// message listed in cases.tsv (file, line, column, field, what is wrong). A regression in error
// locations or wording shows up here.
#include <fstream>
#include <sstream>

#include <hitscope/csv.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

struct Case {
  std::string file, options, expected;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.file;
}

std::vector<Case> LoadCases() {
  std::ifstream in(testing::SourcePath("tests/data/csv_malformed/cases.tsv"));
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream fields(line);
    Case c;
    std::getline(fields, c.file, '\t');
    std::getline(fields, c.options, '\t');
    std::getline(fields, c.expected, '\t');
    cases.push_back(c);
  }
  return cases;
}

CsvReadOptions ParseOptions(const std::string& text) {
  CsvReadOptions options;
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    if (part.empty()) continue;
    auto equals = part.find('=');
    std::string key = part.substr(0, equals);
    std::string value = equals == std::string::npos ? "" : part.substr(equals + 1);
    if (key == "type") {
      auto colon = value.find(':');
      options.types[value.substr(0, colon)] = *ParseDataType(value.substr(colon + 1));
    } else if (key == "select") {
      options.columns.push_back(value);
    } else if (key == "required") {
      options.required_columns.push_back(value);
    } else if (key == "block") {
      options.block_bytes = std::stoul(value);
    } else if (key == "infer") {
      options.infer_rows = std::stoll(value);
    } else if (key == "delim") {
      options.delimiter = value[0];
    } else if (key == "skip") {
      options.bad_rows = BadRowPolicy::kSkip;
    } else {
      ADD_FAILURE() << "unknown option " << key;
    }
  }
  return options;
}

class CsvCorpusTest : public ::testing::TestWithParam<Case> {};

TEST_P(CsvCorpusTest, FailsWithTheExactMessage) {
  const Case& c = GetParam();
  // Messages name the file as given; read from inside the corpus folder so they stay short.
  std::string folder = testing::SourcePath("tests/data/csv_malformed/");
  std::string message;
  try {
    ReadCsv(folder + c.file, ParseOptions(c.options));
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    message = e.what();
  }
  ASSERT_FALSE(message.empty()) << c.file << " was read without an error";
  std::string first_line = message.substr(0, message.find('\n'));
  // Strip the folder from the file name in the message.
  for (size_t at; (at = first_line.find(folder)) != std::string::npos;) {
    first_line.erase(at, folder.size());
  }
  EXPECT_EQ(first_line, c.expected);
}

INSTANTIATE_TEST_SUITE_P(Corpus, CsvCorpusTest, ::testing::ValuesIn(LoadCases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           std::string name =
                               param.param.file.substr(0, param.param.file.find('.'));
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(CsvCorpusSizeTest, HasAtLeastTwentyFiveCases) {
  EXPECT_GE(LoadCases().size(), 25u);
}

}  // namespace
}  // namespace hitscope
