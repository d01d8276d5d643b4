#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/file.hpp>
#include <hitscope/json.hpp>

namespace hitscope {
namespace {

void AppendJsonString(std::string* out, std::string_view text) {
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append(fmt::format("\\u{:04x}", static_cast<unsigned char>(c)));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(std::string* out, const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    out->append("null");
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
      if (!std::isfinite(value)) {
        out->append("null");
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
      AppendJsonString(out, column.DateAt(row).ToString());
      break;
    case DataType::kString:
      AppendJsonString(out, column.StringAt(row));
      break;
  }
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

std::string FormatJsonRecords(const Table& table) {
  std::vector<std::string> keys;
  for (const auto& name : table.names()) keys.push_back(JsonQuote(name) + ":");
  std::string out = "[";
  for (int64_t row = 0; row < table.num_rows(); ++row) {
    out.append(row == 0 ? "\n{" : ",\n{");
    for (int column = 0; column < table.num_columns(); ++column) {
      if (column > 0) out.push_back(',');
      out.append(keys[column]);
      AppendJsonValue(&out, table.column(column), row);
    }
    out.push_back('}');
  }
  out.append("\n]\n");
  return out;
}

void WriteJsonRecords(const Table& table, const std::string& path) {
  WriteFileAtomically(path, FormatJsonRecords(table));
}

}  // namespace hitscope
