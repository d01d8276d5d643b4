#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/aggregate.hpp>
#include <hitscope/compute.hpp>
#include <hitscope/describe.hpp>
#include <hitscope/error.hpp>

#include "core/parallel.hpp"

namespace hitscope {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

void SummariseNumeric(const Column& column, const DescribeOptions& options,
                      ColumnSummary* summary) {
  summary->numeric = true;
  MomentState moments;
  QuantileState quantiles;
  for (int64_t row = 0; row < column.size(); ++row) {
    if (column.IsNull(row)) continue;
    double value = column.NumericAt(row);
    if (std::isnan(value)) continue;
    moments.Update(value);
    quantiles.Update(value);
  }
  summary->count = moments.count;
  summary->missing = column.size() - moments.count;
  bool any = moments.count > 0;
  summary->mean = any ? moments.mean : kNan;
  summary->std = moments.Std(1);
  summary->min = any ? moments.min : kNan;
  summary->max = any ? moments.max : kNan;
  summary->percentiles = any ? quantiles.Quantiles(options.percentiles)
                             : std::vector<double>(options.percentiles.size(), kNan);
}

void SummariseCategorical(const Table& table, int index, ColumnSummary* summary) {
  const Column& column = table.column(index);
  summary->count = column.size() - column.null_count();
  summary->missing = column.null_count();
  if (summary->count == 0) return;
  // Value counts in order of first appearance.
  std::vector<std::string> key = {table.names()[index]};
  std::vector<Aggregate> size = {{AggregateKind::kSize, "", "__n"}};
  GroupByOptions options;
  options.sort_keys = false;
  Table counts = GroupBy(table.Select(key), key, size, options);
  summary->unique = counts.num_rows();
  auto n = counts.column("__n").ints();
  int64_t best = 0;
  for (int64_t row = 1; row < counts.num_rows(); ++row) {
    if (n[row] > n[best]) best = row;
  }
  summary->top = counts.column(0).ToString(best);
  summary->freq = n[best];
  if (column.type() == DataType::kDate) {
    int64_t first = -1, last = -1;
    auto days = column.date_days();
    for (int64_t row = 0; row < column.size(); ++row) {
      if (column.IsNull(row)) continue;
      if (first < 0 || days[row] < days[first]) first = row;
      if (last < 0 || days[row] > days[last]) last = row;
    }
    summary->first = column.ToString(first);
    summary->last = column.ToString(last);
  }
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{:.6g}", value);
}

std::string Cut(const std::string& text, size_t width) {
  if (text.size() <= width) return text;
  return text.substr(0, width - 3) + "...";
}

nlohmann::json Number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

std::string PercentLabel(double q) {
  double percent = q * 100;
  if (percent == std::floor(percent)) return fmt::format("{:.0f}%", percent);
  return fmt::format("{:g}%", percent);
}

}  // namespace

DescribeResult Describe(const Table& table, const DescribeOptions& options) {
  for (double q : options.percentiles) {
    if (!(q >= 0 && q <= 1)) {
      throw InvalidArgument(fmt::format("percentiles must be in [0, 1], got {}", q));
    }
  }
  DescribeResult result;
  result.rows = table.num_rows();
  result.percentiles = options.percentiles;
  result.columns.resize(static_cast<size_t>(table.num_columns()));
  ParallelTasks(result.columns.size(), [&](size_t index) {
    const Column& column = table.column(static_cast<int>(index));
    ColumnSummary& summary = result.columns[index];
    summary.name = table.names()[index];
    summary.type = column.type();
    if (column.type() == DataType::kInt64 || column.type() == DataType::kFloat64) {
      SummariseNumeric(column, options, &summary);
    } else {
      SummariseCategorical(table, static_cast<int>(index), &summary);
    }
  });
  return result;
}

std::string FormatDescribe(const DescribeResult& result) {
  std::vector<std::string> header = {"column", "type", "count", "missing", "mean", "std", "min"};
  for (double q : result.percentiles) header.push_back(PercentLabel(q));
  for (const char* name : {"max", "unique", "top", "freq"}) header.push_back(name);
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : result.columns) {
    std::vector<std::string> row = {Cut(c.name, 28), std::string(DataTypeName(c.type)),
                                    std::to_string(c.count), std::to_string(c.missing)};
    if (c.numeric) {
      for (double v : {c.mean, c.std, c.min}) row.push_back(FormatNumber(v));
      for (double v : c.percentiles) row.push_back(FormatNumber(v));
      row.push_back(FormatNumber(c.max));
      row.insert(row.end(), {"", "", ""});
    } else {
      bool dated = c.type == DataType::kDate;
      row.insert(row.end(), {"", "", dated ? c.first : ""});
      for (size_t i = 0; i < result.percentiles.size(); ++i) row.push_back("");
      row.push_back(dated ? c.last : "");
      row.push_back(std::to_string(c.unique));
      row.push_back(Cut(c.top, 24));
      row.push_back(std::to_string(c.freq));
    }
    rows.push_back(std::move(row));
  }
  std::vector<size_t> widths(header.size());
  for (size_t i = 0; i < header.size(); ++i) widths[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += "  ";
      // Text columns align left, numbers right.
      bool left = i < 2 || header[i] == "top";
      out += left ? fmt::format("{:<{}}", cells[i], widths[i])
                  : fmt::format("{:>{}}", cells[i], widths[i]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = fmt::format("{} rows, {} columns{}\n", result.rows, result.columns.size(),
                                result.source.empty() ? "" : " in " + result.source);
  out += line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string DescribeToJson(const DescribeResult& result) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : result.columns) {
    nlohmann::json entry = {{"name", c.name},
                            {"type", std::string(DataTypeName(c.type))},
                            {"count", c.count},
                            {"missing", c.missing}};
    if (c.numeric) {
      entry["mean"] = Number(c.mean);
      entry["std"] = Number(c.std);
      entry["min"] = Number(c.min);
      for (size_t i = 0; i < c.percentiles.size(); ++i) {
        entry[PercentLabel(result.percentiles[i])] = Number(c.percentiles[i]);
      }
      entry["max"] = Number(c.max);
    } else {
      entry["unique"] = c.unique;
      entry["top"] = c.count > 0 ? nlohmann::json(c.top) : nlohmann::json(nullptr);
      entry["freq"] = c.freq;
      if (c.type == DataType::kDate) {
        entry["first"] = c.first;
        entry["last"] = c.last;
      }
    }
    columns.push_back(std::move(entry));
  }
  nlohmann::json out = {{"source", result.source},
                        {"rows", result.rows},
                        {"percentiles", result.percentiles},
                        {"columns", std::move(columns)}};
  return out.dump(2) + "\n";
}

}  // namespace hitscope
