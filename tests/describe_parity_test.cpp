// describe() of the bundled dataset against pandas 1.5's describe(), from the golden file made
// by tests/parity/make_describe_golden.py.
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include <hitscope/csv.hpp>
#include <hitscope/describe.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

nlohmann::json Golden() {
  std::ifstream in(testing::SourcePath("tests/parity/describe_golden.json"));
  return nlohmann::json::parse(in);
}

bool Close(double ours, const nlohmann::json& theirs, double relative) {
  if (theirs.is_null()) return std::isnan(ours);
  double value = theirs.get<double>();
  return std::fabs(ours - value) <= relative * std::max(1.0, std::fabs(value));
}

// Every difference between our summary and pandas', as readable lines.
std::vector<std::string> Differences(const DescribeResult& ours, const nlohmann::json& golden) {
  std::vector<std::string> out;
  if (ours.rows != golden["rows"].get<int64_t>()) out.push_back("row count");
  const auto& columns = golden["columns"];
  if (ours.columns.size() != columns.size()) {
    out.push_back("column count");
    return out;
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& want = columns[i];
    const ColumnSummary& got = ours.columns[i];
    std::string name = want["name"];
    auto fail = [&](const std::string& what) { out.push_back(name + ": " + what); };
    if (got.name != name) fail("name " + got.name);
    if (got.missing != want["missing"].get<int64_t>()) fail("missing");
    if (got.numeric != want["numeric"].get<bool>()) {
      fail("numeric or not");
      continue;
    }
    if (got.count != static_cast<int64_t>(want["count"].get<double>())) fail("count");
    if (got.numeric) {
      // Sums differ in the last bits (numpy sums pairwise); order statistics are exact.
      if (!Close(got.mean, want["mean"], 1e-12)) fail("mean");
      if (!Close(got.std, want["std"], 1e-12)) fail("std");
      if (!Close(got.min, want["min"], 0)) fail("min");
      if (!Close(got.max, want["max"], 0)) fail("max");
      const char* labels[] = {"25%", "50%", "75%"};
      for (int q = 0; q < 3; ++q) {
        if (!Close(got.percentiles[q], want[labels[q]], 1e-15)) fail(labels[q]);
      }
    } else {
      if (got.unique != want["unique"].get<int64_t>()) fail("unique");
      if (got.freq != want["freq"].get<int64_t>()) fail("freq");
      auto candidates = want["top_candidates"].get<std::vector<std::string>>();
      if (std::find(candidates.begin(), candidates.end(), got.top) == candidates.end()) {
        fail("top " + got.top);
      }
    }
  }
  return out;
}

DescribeResult DescribeBundled() {
  return Describe(ReadCsv(testing::SourcePath("data/spotify_songs.csv")));
}

TEST(DescribeParityTest, BundledDatasetEqualsPandas) {
  nlohmann::json golden = Golden();
  ASSERT_EQ(golden["columns"].size(), 23u);
  auto differences = Differences(DescribeBundled(), golden);
  EXPECT_TRUE(differences.empty()) << ::testing::PrintToString(differences);
}

// Negative control: the comparison notices a change in the fourth significant digit.
TEST(DescribeParityTest, ComparisonCatchesASmallDifference) {
  nlohmann::json golden = Golden();
  for (auto& column : golden["columns"]) {
    if (column["name"] == "tempo") column["mean"] = column["mean"].get<double>() * 1.0001;
    if (column["name"] == "playlist_genre") column["unique"] = 7;
  }
  auto differences = Differences(DescribeBundled(), golden);
  EXPECT_EQ(differences, (std::vector<std::string>{"playlist_genre: unique", "tempo: mean"}));
}

}  // namespace
}  // namespace hitscope
