#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/table.hpp>

namespace hitscope {

std::string_view DataTypeName(DataType type) {
  switch (type) {
    case DataType::kInt64:
      return "int64";
    case DataType::kFloat64:
      return "float64";
    case DataType::kBool:
      return "bool";
    case DataType::kDate:
      return "date";
    case DataType::kString:
      return "string";
  }
  return "unknown";
}

std::optional<DataType> ParseDataType(std::string_view name) {
  for (DataType type : {DataType::kInt64, DataType::kFloat64, DataType::kBool, DataType::kDate,
                        DataType::kString}) {
    if (name == DataTypeName(type)) return type;
  }
  if (name == "int") return DataType::kInt64;
  if (name == "float" || name == "double") return DataType::kFloat64;
  if (name == "str" || name == "text") return DataType::kString;
  return std::nullopt;
}

double Column::NumericAt(int64_t row) const {
  if (IsNull(row)) return std::numeric_limits<double>::quiet_NaN();
  switch (type_) {
    case DataType::kInt64:
      return static_cast<double>(ints_[row]);
    case DataType::kFloat64:
      return floats_[row];
    case DataType::kBool:
      return bytes_[row];
    case DataType::kDate:
      return days_[row];
    case DataType::kString:
      break;
  }
  throw InternalError("NumericAt called on a string column");
}

std::string Column::ToString(int64_t row) const {
  if (IsNull(row)) return {};
  switch (type_) {
    case DataType::kInt64:
      return std::to_string(ints_[row]);
    case DataType::kFloat64: {
      char buffer[32];
      auto result = std::to_chars(buffer, buffer + sizeof buffer, floats_[row]);
      return std::string(buffer, result.ptr);
    }
    case DataType::kBool:
      return bytes_[row] ? "true" : "false";
    case DataType::kDate:
      return DateAt(row).ToString();
    case DataType::kString:
      return std::string(StringAt(row));
  }
  return {};
}

size_t Column::MemoryBytes() const {
  return validity_.capacity() + ints_.capacity() * sizeof(int64_t) +
         floats_.capacity() * sizeof(double) + bytes_.capacity() +
         days_.capacity() * sizeof(int32_t) + offsets_.capacity() * sizeof(uint64_t) +
         chars_.capacity();
}

Column Column::Take(std::span<const int64_t> rows) const {
  ColumnBuilder builder(type_);
  size_t bytes = 0;
  if (type_ == DataType::kString && size_ > 0) {
    bytes = static_cast<size_t>(static_cast<double>(chars_.size()) / static_cast<double>(size_) *
                                static_cast<double>(rows.size()));
  }
  builder.Reserve(static_cast<int64_t>(rows.size()), bytes);
  for (int64_t row : rows) {
    if (row < 0) {
      builder.AppendNull();
    } else {
      builder.AppendFrom(*this, row);
    }
  }
  return builder.Finish();
}

Column Column::Slice(int64_t offset, int64_t length) const {
  if (offset < 0 || length < 0 || offset + length > size_) {
    throw InvalidArgument(fmt::format("slice [{}, {}) is outside a column of {} rows", offset,
                                      offset + length, size_));
  }
  std::vector<int64_t> rows(static_cast<size_t>(length));
  for (int64_t i = 0; i < length; ++i) rows[i] = offset + i;
  return Take(rows);
}

Column Column::CastToFloat64() const {
  if (type_ == DataType::kFloat64) return *this;
  if (type_ == DataType::kString || type_ == DataType::kDate) {
    throw InvalidArgument(fmt::format("cannot cast a {} column to float64", DataTypeName(type_)));
  }
  ColumnBuilder builder(DataType::kFloat64);
  builder.Reserve(size_);
  for (int64_t row = 0; row < size_; ++row) {
    if (IsNull(row)) {
      builder.AppendNull();
    } else {
      builder.AppendFloat(NumericAt(row));
    }
  }
  return builder.Finish();
}

Column Column::Concat(std::span<const Column* const> parts) {
  if (parts.empty()) return Column();
  DataType type = parts[0]->type();
  for (const Column* part : parts) {
    if (part->type() == type) continue;
    bool numeric_pair = (part->type() == DataType::kInt64 || part->type() == DataType::kFloat64) &&
                        (type == DataType::kInt64 || type == DataType::kFloat64);
    if (!numeric_pair) {
      throw InvalidInput(fmt::format("cannot stack a {} column onto a {} column",
                                     DataTypeName(part->type()), DataTypeName(type)));
    }
    type = DataType::kFloat64;
  }
  Column out;
  out.type_ = type;
  int64_t rows = 0;
  bool any_nulls = false;
  size_t chars = 0;
  for (const Column* part : parts) {
    rows += part->size();
    any_nulls |= part->has_nulls();
    chars += part->chars_.size();
  }
  out.size_ = rows;
  if (any_nulls) out.validity_.reserve(rows);
  switch (type) {
    case DataType::kInt64:
      out.ints_.reserve(rows);
      break;
    case DataType::kFloat64:
      out.floats_.reserve(rows);
      break;
    case DataType::kBool:
      out.bytes_.reserve(rows);
      break;
    case DataType::kDate:
      out.bytes_.reserve(rows);
      out.days_.reserve(rows);
      break;
    case DataType::kString:
      out.offsets_.reserve(rows + 1);
      out.offsets_.push_back(0);
      out.chars_.reserve(chars);
      break;
  }
  for (const Column* part : parts) {
    if (any_nulls) {
      if (part->has_nulls()) {
        out.validity_.insert(out.validity_.end(), part->validity_.begin(), part->validity_.end());
      } else {
        out.validity_.insert(out.validity_.end(), part->size(), 1);
      }
    }
    out.null_count_ += part->null_count_;
    switch (type) {
      case DataType::kInt64:
        out.ints_.insert(out.ints_.end(), part->ints_.begin(), part->ints_.end());
        break;
      case DataType::kFloat64:
        if (part->type() == DataType::kInt64) {
          for (int64_t row = 0; row < part->size(); ++row) {
            out.floats_.push_back(part->IsNull(row) ? std::numeric_limits<double>::quiet_NaN()
                                                    : static_cast<double>(part->ints_[row]));
          }
        } else {
          out.floats_.insert(out.floats_.end(), part->floats_.begin(), part->floats_.end());
        }
        break;
      case DataType::kBool:
        out.bytes_.insert(out.bytes_.end(), part->bytes_.begin(), part->bytes_.end());
        break;
      case DataType::kDate:
        out.bytes_.insert(out.bytes_.end(), part->bytes_.begin(), part->bytes_.end());
        out.days_.insert(out.days_.end(), part->days_.begin(), part->days_.end());
        break;
      case DataType::kString: {
        uint64_t base = out.chars_.size();
        out.chars_.append(part->chars_);
        for (int64_t row = 1; row <= part->size(); ++row) {
          out.offsets_.push_back(base + part->offsets_[row]);
        }
        break;
      }
    }
  }
  return out;
}

ColumnBuilder::ColumnBuilder(DataType type) {
  column_.type_ = type;
  if (type == DataType::kString) column_.offsets_.push_back(0);
}

void ColumnBuilder::Reserve(int64_t rows, size_t string_bytes) {
  switch (column_.type_) {
    case DataType::kInt64:
      column_.ints_.reserve(rows);
      break;
    case DataType::kFloat64:
      column_.floats_.reserve(rows);
      break;
    case DataType::kBool:
      column_.bytes_.reserve(rows);
      break;
    case DataType::kDate:
      column_.bytes_.reserve(rows);
      column_.days_.reserve(rows);
      break;
    case DataType::kString:
      column_.offsets_.reserve(rows + 1);
      column_.chars_.reserve(string_bytes);
      break;
  }
}

void ColumnBuilder::AppendNull() {
  if (column_.validity_.empty()) {
    column_.validity_.reserve(column_.ints_.capacity() + column_.floats_.capacity() +
                              column_.bytes_.capacity() + column_.offsets_.capacity());
    column_.validity_.assign(column_.size_, 1);
  }
  column_.validity_.push_back(0);
  ++column_.null_count_;
  ++column_.size_;
  switch (column_.type_) {
    case DataType::kInt64:
      column_.ints_.push_back(0);
      break;
    case DataType::kFloat64:
      column_.floats_.push_back(std::numeric_limits<double>::quiet_NaN());
      break;
    case DataType::kBool:
      column_.bytes_.push_back(0);
      break;
    case DataType::kDate:
      column_.bytes_.push_back(0);
      column_.days_.push_back(0);
      break;
    case DataType::kString:
      column_.offsets_.push_back(column_.chars_.size());
      break;
  }
}

void ColumnBuilder::AppendFrom(const Column& source, int64_t row) {
  if (source.IsNull(row)) {
    AppendNull();
    return;
  }
  switch (column_.type_) {
    case DataType::kInt64:
      AppendInt(source.ints_[row]);
      break;
    case DataType::kFloat64:
      AppendFloat(source.floats_[row]);
      break;
    case DataType::kBool:
      AppendBool(source.bytes_[row] != 0);
      break;
    case DataType::kDate:
      AppendDate(source.DateAt(row));
      break;
    case DataType::kString:
      AppendString(source.StringAt(row));
      break;
  }
}

Column ColumnBuilder::Finish() {
  Column out = std::move(column_);
  column_ = Column();
  column_.type_ = out.type_;
  if (out.type_ == DataType::kString) column_.offsets_.push_back(0);
  return out;
}

Column MakeInt64Column(const std::vector<std::optional<int64_t>>& values) {
  ColumnBuilder builder(DataType::kInt64);
  for (const auto& v : values) v ? builder.AppendInt(*v) : builder.AppendNull();
  return builder.Finish();
}

Column MakeFloat64Column(const std::vector<std::optional<double>>& values) {
  ColumnBuilder builder(DataType::kFloat64);
  for (const auto& v : values) v ? builder.AppendFloat(*v) : builder.AppendNull();
  return builder.Finish();
}

Column DenseFloat64Column(std::vector<double> values) {
  ColumnBuilder builder(DataType::kFloat64);
  builder.Reserve(static_cast<int64_t>(values.size()));
  for (double v : values) builder.AppendFloat(v);
  return builder.Finish();
}

Column MakeStringColumn(const std::vector<std::optional<std::string>>& values) {
  ColumnBuilder builder(DataType::kString);
  for (const auto& v : values) v ? builder.AppendString(*v) : builder.AppendNull();
  return builder.Finish();
}

Column MakeBoolColumn(const std::vector<std::optional<bool>>& values) {
  ColumnBuilder builder(DataType::kBool);
  for (const auto& v : values) v ? builder.AppendBool(*v) : builder.AppendNull();
  return builder.Finish();
}

Column MakeDateColumn(const std::vector<std::optional<std::string>>& iso_dates) {
  ColumnBuilder builder(DataType::kDate);
  for (const auto& v : iso_dates) {
    if (!v) {
      builder.AppendNull();
      continue;
    }
    auto date = Date::Parse(*v);
    if (!date) throw InvalidArgument(fmt::format("'{}' is not a date (YYYY[-MM[-DD]])", *v));
    builder.AppendDate(*date);
  }
  return builder.Finish();
}

}  // namespace hitscope
