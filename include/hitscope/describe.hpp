// hitscope/describe.hpp: per-column summary statistics, as pandas' DataFrame.describe().
//
// Numeric columns (int64, float64) get count, mean, std (ddof = 1, as pandas), min, the
// percentiles (default 25/50/75 %, numpy "linear" interpolation) and max; text-like columns
// (string, bool, date) get count, unique, top (the most frequent value; on a tie, the one that
// appears first) and freq, and dates also first and last. Every column gets its missing count.
// Statistics are exact; columns are summarised in parallel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <hitscope/table.hpp>

namespace hitscope {

struct DescribeOptions {
  std::vector<double> percentiles = {0.25, 0.5, 0.75};  // pandas percentiles
};

struct ColumnSummary {
  std::string name;
  DataType type = DataType::kString;
  int64_t count = 0;    // non-null values
  int64_t missing = 0;  // null values
  bool numeric = false;
  // Numeric columns (NaN when count is too small).
  double mean = 0, std = 0, min = 0, max = 0;
  std::vector<double> percentiles;  // one per DescribeOptions::percentiles
  // Text-like columns.
  int64_t unique = 0;
  std::string top;
  int64_t freq = 0;
  std::string first, last;  // dates only: earliest and latest
};

struct DescribeResult {
  std::string source;  // file name, for the report
  int64_t rows = 0;
  std::vector<double> percentiles;
  std::vector<ColumnSummary> columns;
};

DescribeResult Describe(const Table& table, const DescribeOptions& options = {});

// An aligned text table, one line per column, for a terminal.
std::string FormatDescribe(const DescribeResult& result);
// {"source":..., "rows":..., "percentiles": [...], "columns": [{"name":..., ...}]}
std::string DescribeToJson(const DescribeResult& result);

}  // namespace hitscope
