#include "table/key_rows.hpp"

#include <bit>
#include <cstring>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "core/hash.hpp"
#include "core/parallel.hpp"

namespace hitscope {
namespace {

uint64_t HashDouble(double value) {
  if (value == 0) value = 0;  // -0.0 and 0.0 are one key
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return HashInt(bits);
}

uint64_t HashValue(const Column& column, int64_t row, bool as_float) {
  if (as_float) return HashDouble(column.NumericAt(row));
  switch (column.type()) {
    case DataType::kInt64:
      return HashInt(static_cast<uint64_t>(column.ints()[row]));
    case DataType::kFloat64:
      return HashDouble(column.floats()[row]);
    case DataType::kBool:
      return HashInt(column.bools()[row]);
    case DataType::kDate:
      // "2012" and "2012-01-01" say different things: the precision is part of the key.
      return HashInt((static_cast<uint64_t>(static_cast<uint32_t>(column.date_days()[row])) << 2) |
                     column.date_precisions()[row]);
    case DataType::kString:
      return HashBytes(column.StringAt(row));
  }
  return 0;
}

bool ValuesEqual(const Column& a, int64_t row_a, const Column& b, int64_t row_b, bool as_float) {
  if (as_float) return a.NumericAt(row_a) == b.NumericAt(row_b);
  switch (a.type()) {
    case DataType::kInt64:
      return a.ints()[row_a] == b.ints()[row_b];
    case DataType::kFloat64:
      return a.floats()[row_a] == b.floats()[row_b];
    case DataType::kBool:
      return a.bools()[row_a] == b.bools()[row_b];
    case DataType::kDate:
      return a.date_days()[row_a] == b.date_days()[row_b] &&
             a.date_precisions()[row_a] == b.date_precisions()[row_b];
    case DataType::kString:
      return a.StringAt(row_a) == b.StringAt(row_b);
  }
  return false;
}

}  // namespace

KeyRows::KeyRows(const Table& table, std::span<const std::string> keys, std::vector<bool> as_float)
    : as_float_(std::move(as_float)) {
  if (keys.empty()) throw InvalidArgument("a join or group-by needs at least one key column");
  for (const auto& key : keys) columns_.push_back(&table.column(key));
  as_float_.resize(columns_.size(), false);
  bool any_nulls = false;
  for (const Column* column : columns_) any_nulls |= column->has_nulls();
  hashes_.resize(table.num_rows());
  if (any_nulls) null_rows_.assign(table.num_rows(), 0);
  ParallelFor(hashes_.size(), 1 << 16, [&](size_t begin, size_t end) {
    for (size_t row = begin; row < end; ++row) {
      uint64_t h = 0x51ed270b27f4ac15ULL;
      for (size_t k = 0; k < columns_.size(); ++k) {
        const Column& column = *columns_[k];
        if (column.IsNull(static_cast<int64_t>(row))) {
          null_rows_[row] = 1;
          continue;
        }
        h = HashCombine(h, HashValue(column, static_cast<int64_t>(row), as_float_[k]));
      }
      hashes_[row] = h;
    }
  });
}

bool KeyRows::Equal(int64_t a, const KeyRows& other, int64_t b) const {
  for (size_t k = 0; k < columns_.size(); ++k) {
    if (!ValuesEqual(*columns_[k], a, *other.columns_[k], b, as_float_[k])) return false;
  }
  return true;
}

bool KeyRows::EqualOrBothNull(int64_t a, const KeyRows& other, int64_t b) const {
  for (size_t k = 0; k < columns_.size(); ++k) {
    bool null_a = columns_[k]->IsNull(a), null_b = other.columns_[k]->IsNull(b);
    if (null_a != null_b) return false;
    if (null_a) continue;
    if (!ValuesEqual(*columns_[k], a, *other.columns_[k], b, as_float_[k])) return false;
  }
  return true;
}

std::vector<bool> CompatibleKeyTypes(const Table& left, std::span<const std::string> left_keys,
                                     const Table& right, std::span<const std::string> right_keys) {
  if (left_keys.size() != right_keys.size()) {
    throw InvalidArgument(fmt::format("join keys differ in number: {} on the left, {} on the right",
                                      left_keys.size(), right_keys.size()));
  }
  std::vector<bool> as_float(left_keys.size(), false);
  for (size_t k = 0; k < left_keys.size(); ++k) {
    DataType a = left.column(left_keys[k]).type();
    DataType b = right.column(right_keys[k]).type();
    if (a == b) continue;
    bool numeric = (a == DataType::kInt64 || a == DataType::kFloat64) &&
                   (b == DataType::kInt64 || b == DataType::kFloat64);
    if (!numeric) {
      throw InvalidInput(fmt::format(
          "cannot join '{}' ({}) with '{}' ({}): key types differ; read both as the same type",
          left_keys[k], DataTypeName(a), right_keys[k], DataTypeName(b)));
    }
    as_float[k] = true;
  }
  return as_float;
}

KeyIndex::KeyIndex(const KeyRows& build) : build_(build) {
  uint64_t buckets = std::bit_ceil(static_cast<uint64_t>(std::max<int64_t>(16, build.size() * 2)));
  mask_ = buckets - 1;
  head_.assign(buckets, -1);
  next_.assign(build.size(), -1);
  // Inserting from the back makes each chain run in row order.
  for (int64_t row = build.size() - 1; row >= 0; --row) {
    if (build.has_null(row)) continue;
    uint64_t bucket = build.hash(row) & mask_;
    next_[row] = head_[bucket];
    head_[bucket] = row;
  }
}

}  // namespace hitscope
