#include <cmath>
#include <numeric>

#include <hitscope/compute.hpp>

#include "core/parallel.hpp"

namespace hitscope {
namespace {

// Compares row a with row b on one column: <0, 0, >0, with nulls (and NaN) after all values.
int CompareRows(const Column& column, int64_t a, int64_t b) {
  bool null_a = column.IsNull(a), null_b = column.IsNull(b);
  if (null_a || null_b) return static_cast<int>(null_a) - static_cast<int>(null_b);
  switch (column.type()) {
    case DataType::kInt64: {
      int64_t x = column.ints()[a], y = column.ints()[b];
      return (x > y) - (x < y);
    }
    case DataType::kFloat64: {
      double x = column.floats()[a], y = column.floats()[b];
      bool nan_x = std::isnan(x), nan_y = std::isnan(y);
      if (nan_x || nan_y) return static_cast<int>(nan_x) - static_cast<int>(nan_y);
      return (x > y) - (x < y);
    }
    case DataType::kBool: {
      int x = column.bools()[a], y = column.bools()[b];
      return x - y;
    }
    case DataType::kDate: {
      int32_t x = column.date_days()[a], y = column.date_days()[b];
      return (x > y) - (x < y);
    }
    case DataType::kString: {
      int c = column.StringAt(a).compare(column.StringAt(b));
      return (c > 0) - (c < 0);
    }
  }
  return 0;
}

bool IsMissing(const Column& column, int64_t row) {
  return column.IsNull(row) ||
         (column.type() == DataType::kFloat64 && std::isnan(column.floats()[row]));
}

}  // namespace

std::vector<int64_t> SortIndices(const Table& table, std::span<const SortKey> keys) {
  std::vector<const Column*> columns;
  for (const auto& key : keys) columns.push_back(&table.column(key.column));
  std::vector<int64_t> order(static_cast<size_t>(table.num_rows()));
  std::iota(order.begin(), order.end(), 0);
  if (keys.empty()) return order;

  // One float64 or int64 key without nulls: compare the raw values directly.
  if (keys.size() == 1 && !columns[0]->has_nulls() && columns[0]->type() == DataType::kInt64) {
    auto values = columns[0]->ints();
    bool ascending = keys[0].ascending;
    ParallelStableSort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return ascending ? values[a] < values[b] : values[b] < values[a];
    });
    return order;
  }

  ParallelStableSort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    for (size_t k = 0; k < columns.size(); ++k) {
      const Column& column = *columns[k];
      bool missing_a = IsMissing(column, a), missing_b = IsMissing(column, b);
      if (missing_a || missing_b) {
        if (missing_a == missing_b) continue;
        return missing_b;  // missing values go last whatever the direction
      }
      int c = CompareRows(column, a, b);
      if (c != 0) return keys[k].ascending ? c < 0 : c > 0;
    }
    return false;
  });
  return order;
}

Table Sort(const Table& table, std::span<const SortKey> keys) {
  return table.Take(SortIndices(table, keys));
}

}  // namespace hitscope
