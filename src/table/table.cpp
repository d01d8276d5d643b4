#include <unordered_set>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/table.hpp>

#include "core/parallel.hpp"
#include "core/text.hpp"

namespace hitscope {

Table::Table(std::vector<std::string> names, std::vector<std::shared_ptr<const Column>> columns)
    : names_(std::move(names)), columns_(std::move(columns)) {
  if (names_.size() != columns_.size()) {
    throw InvalidArgument(fmt::format("a table needs one name per column: {} names, {} columns",
                                      names_.size(), columns_.size()));
  }
  std::unordered_set<std::string_view> seen;
  for (size_t index = 0; index < names_.size(); ++index) {
    if (!seen.insert(names_[index]).second) {
      throw InvalidArgument(fmt::format("column name '{}' appears twice", names_[index]));
    }
    if (index == 0) {
      num_rows_ = columns_[0]->size();
    } else if (columns_[index]->size() != num_rows_) {
      throw InvalidArgument(fmt::format("column '{}' has {} rows, column '{}' has {}",
                                        names_[index], columns_[index]->size(), names_[0],
                                        num_rows_));
    }
  }
}

Table::Table(std::vector<std::string> names, std::vector<Column> columns)
    : Table(std::move(names), [&] {
        std::vector<std::shared_ptr<const Column>> shared;
        shared.reserve(columns.size());
        for (auto& column : columns) shared.push_back(std::make_shared<Column>(std::move(column)));
        return shared;
      }()) {}

std::optional<int> Table::FindColumn(std::string_view name) const {
  for (size_t index = 0; index < names_.size(); ++index) {
    if (names_[index] == name) return static_cast<int>(index);
  }
  return std::nullopt;
}

int Table::ColumnIndex(std::string_view name) const {
  if (auto index = FindColumn(name)) return *index;
  throw InvalidInput(fmt::format("no column named '{}'{}; the table has {}", name,
                                 DidYouMean(name, names_), QuoteList(names_)));
}

Table Table::Select(std::span<const std::string> names) const {
  std::vector<std::shared_ptr<const Column>> columns;
  for (const auto& name : names) columns.push_back(columns_[ColumnIndex(name)]);
  Table out(std::vector<std::string>(names.begin(), names.end()), std::move(columns));
  out.num_rows_ = num_rows_;
  return out;
}

Table Table::Select(std::initializer_list<std::string> names) const {
  return Select(std::span<const std::string>(names.begin(), names.size()));
}

Table Table::SetColumn(const std::string& name, Column column) const {
  return SetColumn(name, std::make_shared<const Column>(std::move(column)));
}

Table Table::SetColumn(const std::string& name, std::shared_ptr<const Column> column) const {
  if (!columns_.empty() && column->size() != num_rows_) {
    throw InvalidArgument(
        fmt::format("column '{}' has {} rows, the table has {}", name, column->size(), num_rows_));
  }
  Table out = *this;
  if (auto index = FindColumn(name)) {
    out.columns_[*index] = std::move(column);
  } else {
    out.names_.push_back(name);
    out.columns_.push_back(std::move(column));
  }
  out.num_rows_ = out.columns_.front()->size();
  return out;
}

Table Table::DropColumn(std::string_view name) const {
  int index = ColumnIndex(name);
  Table out = *this;
  out.names_.erase(out.names_.begin() + index);
  out.columns_.erase(out.columns_.begin() + index);
  return out;
}

Table Table::RenameColumn(std::string_view from, const std::string& to) const {
  int index = ColumnIndex(from);
  if (from == to) return *this;
  if (FindColumn(to)) {
    throw InvalidArgument(fmt::format("cannot rename '{}' to '{}': that name is taken", from, to));
  }
  Table out = *this;
  out.names_[index] = to;
  return out;
}

Table Table::Take(std::span<const int64_t> rows) const {
  std::vector<std::shared_ptr<const Column>> columns(columns_.size());
  ParallelTasks(columns_.size(), [&](size_t index) {
    columns[index] = std::make_shared<const Column>(columns_[index]->Take(rows));
  });
  Table out(names_, std::move(columns));
  out.num_rows_ = static_cast<int64_t>(rows.size());
  return out;
}

Table Table::Filter(std::span<const uint8_t> keep) const {
  if (static_cast<int64_t>(keep.size()) != num_rows_) {
    throw InvalidArgument(
        fmt::format("filter mask has {} entries, the table has {} rows", keep.size(), num_rows_));
  }
  std::vector<int64_t> rows;
  for (int64_t row = 0; row < num_rows_; ++row) {
    if (keep[row]) rows.push_back(row);
  }
  return Take(rows);
}

Table Table::Slice(int64_t offset, int64_t length) const {
  if (offset < 0 || length < 0 || offset + length > num_rows_) {
    throw InvalidArgument(fmt::format("slice [{}, {}) is outside a table of {} rows", offset,
                                      offset + length, num_rows_));
  }
  std::vector<int64_t> rows(static_cast<size_t>(length));
  for (int64_t i = 0; i < length; ++i) rows[i] = offset + i;
  return Take(rows);
}

Table Table::Concat(std::span<const Table> parts) {
  if (parts.empty()) return Table();
  if (parts.size() == 1) return parts[0];
  const auto& names = parts[0].names();
  for (const auto& part : parts) {
    if (part.names() != names) {
      throw InvalidInput(fmt::format("cannot stack tables with different columns: {} vs {}",
                                     QuoteList(names), QuoteList(part.names())));
    }
  }
  std::vector<std::shared_ptr<const Column>> columns(names.size());
  ParallelTasks(names.size(), [&](size_t index) {
    std::vector<const Column*> pieces;
    for (const auto& part : parts) pieces.push_back(&part.column(static_cast<int>(index)));
    columns[index] = std::make_shared<const Column>(Column::Concat(pieces));
  });
  return Table(names, std::move(columns));
}

size_t Table::MemoryBytes() const {
  size_t bytes = 0;
  for (const auto& column : columns_) bytes += column->MemoryBytes();
  return bytes;
}

}  // namespace hitscope
