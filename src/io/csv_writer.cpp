#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/csv.hpp>

#include "core/parallel.hpp"

namespace hitscope {
namespace {

bool NeedsQuotes(std::string_view text, char delimiter) {
  for (char c : text) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

void AppendQuoted(std::string* out, std::string_view text, char delimiter) {
  if (!NeedsQuotes(text, delimiter)) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendValue(std::string* out, const Column& column, int64_t row,
                 const CsvWriteOptions& options) {
  if (column.IsNull(row)) {
    out->append(options.null_token);
    return;
  }
  char buffer[32];
  switch (column.type()) {
    case DataType::kInt64: {
      auto result = std::to_chars(buffer, buffer + sizeof buffer, column.ints()[row]);
      out->append(buffer, result.ptr);
      break;
    }
    case DataType::kFloat64: {
      double value = column.floats()[row];
      if (std::isnan(value)) {
        out->append(options.null_token);
      } else if (std::isinf(value)) {
        out->append(value > 0 ? "inf" : "-inf");
      } else {
        auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
        out->append(buffer, result.ptr);
      }
      break;
    }
    case DataType::kBool:
      out->append(column.bools()[row] ? "true" : "false");
      break;
    case DataType::kDate:
      out->append(column.DateAt(row).ToString());
      break;
    case DataType::kString:
      AppendQuoted(out, column.StringAt(row), options.delimiter);
      break;
  }
}

void AppendRows(std::string* out, const Table& table, int64_t begin, int64_t end,
                const CsvWriteOptions& options) {
  const int columns = table.num_columns();
  for (int64_t row = begin; row < end; ++row) {
    for (int column = 0; column < columns; ++column) {
      if (column > 0) out->push_back(options.delimiter);
      AppendValue(out, table.column(column), row, options);
    }
    out->push_back('\n');
  }
}

std::string HeaderLine(const std::vector<std::string>& names, const CsvWriteOptions& options) {
  std::string line;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) line.push_back(options.delimiter);
    AppendQuoted(&line, names[i], options.delimiter);
  }
  line.push_back('\n');
  return line;
}

}  // namespace

std::string QuoteCsvField(std::string_view text, char delimiter) {
  std::string out;
  AppendQuoted(&out, text, delimiter);
  return out;
}

CsvWriter::CsvWriter(const std::string& path, std::vector<std::string> column_names,
                     CsvWriteOptions options, FileSystem& fs)
    : names_(std::move(column_names)),
      options_(std::move(options)),
      out_(std::make_unique<AtomicOutput>(path, fs)) {
  if (options_.header) out_->Write(HeaderLine(names_, options_));
}

CsvWriter::~CsvWriter() = default;

void CsvWriter::Write(const Table& batch) {
  if (batch.names() != names_) {
    throw InvalidArgument(
        fmt::format("CSV writer for '{}' got a batch with other columns", out_->path()));
  }
  // Format slices of rows in parallel, a window at a time, and write them in order.
  constexpr int64_t kRowsPerSlice = 1 << 14;
  constexpr int64_t kSlicesPerWindow = 32;
  const int64_t rows = batch.num_rows();
  for (int64_t window = 0; window < rows; window += kRowsPerSlice * kSlicesPerWindow) {
    int64_t window_end = std::min(rows, window + kRowsPerSlice * kSlicesPerWindow);
    size_t slices = static_cast<size_t>((window_end - window + kRowsPerSlice - 1) / kRowsPerSlice);
    std::vector<std::string> text(slices);
    ParallelTasks(slices, [&](size_t slice) {
      int64_t begin = window + static_cast<int64_t>(slice) * kRowsPerSlice;
      int64_t end = std::min(window_end, begin + kRowsPerSlice);
      AppendRows(&text[slice], batch, begin, end, options_);
    });
    for (const auto& piece : text) out_->Write(piece);
  }
  rows_ += rows;
}

void CsvWriter::Commit() {
  out_->Commit();
}

void WriteCsv(const Table& table, const std::string& path, const CsvWriteOptions& options) {
  CsvWriter writer(path, table.names(), options);
  writer.Write(table);
  writer.Commit();
}

std::string FormatCsv(const Table& table, const CsvWriteOptions& options) {
  std::string out = options.header ? HeaderLine(table.names(), options) : std::string();
  AppendRows(&out, table, 0, table.num_rows(), options);
  return out;
}

}  // namespace hitscope
