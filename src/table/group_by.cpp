#include <bit>

#include <fmt/format.h>

#include <hitscope/aggregate.hpp>
#include <hitscope/compute.hpp>
#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "table/key_rows.hpp"

namespace hitscope {
namespace {

std::string_view KindName(AggregateKind kind) {
  switch (kind) {
    case AggregateKind::kSize:
      return "size";
    case AggregateKind::kCount:
      return "count";
    case AggregateKind::kSum:
      return "sum";
    case AggregateKind::kMean:
      return "mean";
    case AggregateKind::kStd:
      return "std";
    case AggregateKind::kVar:
      return "var";
    case AggregateKind::kMin:
      return "min";
    case AggregateKind::kMax:
      return "max";
    case AggregateKind::kMedian:
      return "median";
    case AggregateKind::kQuantile:
      return "quantile";
  }
  return "?";
}

// Assigns a dense group id (in order of first appearance) to every row; -1 for a dropped row.
struct Grouping {
  std::vector<int64_t> group_of_row;
  std::vector<int64_t> first_row;  // representative row of each group
};

Grouping AssignGroups(const KeyRows& keys, bool drop_null_keys) {
  Grouping grouping;
  grouping.group_of_row.assign(static_cast<size_t>(keys.size()), -1);
  std::vector<int64_t> slots(1024, -1);
  uint64_t mask = slots.size() - 1;
  auto insert_slot = [&](int64_t group) {
    uint64_t slot = keys.hash(grouping.first_row[group]) & mask;
    while (slots[slot] >= 0) slot = (slot + 1) & mask;
    slots[slot] = group;
  };
  for (int64_t row = 0; row < keys.size(); ++row) {
    if (drop_null_keys && keys.has_null(row)) continue;
    uint64_t h = keys.hash(row);
    uint64_t slot = h & mask;
    int64_t group = -1;
    while (slots[slot] >= 0) {
      int64_t candidate = slots[slot];
      int64_t first = grouping.first_row[candidate];
      if (keys.hash(first) == h && keys.EqualOrBothNull(first, keys, row)) {
        group = candidate;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (group < 0) {
      group = static_cast<int64_t>(grouping.first_row.size());
      grouping.first_row.push_back(row);
      slots[slot] = group;
      if (grouping.first_row.size() * 2 > slots.size()) {
        slots.assign(slots.size() * 2, -1);
        mask = slots.size() - 1;
        for (int64_t g = 0; g < static_cast<int64_t>(grouping.first_row.size()); ++g) {
          insert_slot(g);
        }
      }
    }
    grouping.group_of_row[row] = group;
  }
  return grouping;
}

Column AggregateColumn(const Table& table, const Aggregate& aggregate, const Grouping& grouping) {
  size_t groups = grouping.first_row.size();
  const auto& group_of_row = grouping.group_of_row;
  if (aggregate.kind == AggregateKind::kSize) {
    std::vector<int64_t> sizes(groups, 0);
    for (int64_t group : group_of_row) {
      if (group >= 0) ++sizes[group];
    }
    ColumnBuilder builder(DataType::kInt64);
    for (int64_t size : sizes) builder.AppendInt(size);
    return builder.Finish();
  }
  const Column& values = table.column(aggregate.column);
  if (!IsNumeric(values.type())) {
    throw InvalidInput(fmt::format("cannot take the {} of '{}': it is a {} column",
                                   KindName(aggregate.kind), aggregate.column,
                                   DataTypeName(values.type())));
  }
  bool quantile =
      aggregate.kind == AggregateKind::kMedian || aggregate.kind == AggregateKind::kQuantile;
  if (quantile) {
    double q = aggregate.kind == AggregateKind::kMedian ? 0.5 : aggregate.quantile;
    if (!(q >= 0 && q <= 1)) {
      throw InvalidArgument(fmt::format("quantile must be in [0, 1], got {}", q));
    }
    std::vector<QuantileState> states(groups);
    for (size_t row = 0; row < group_of_row.size(); ++row) {
      int64_t group = group_of_row[row];
      if (group >= 0 && !values.IsNull(static_cast<int64_t>(row))) {
        states[group].Update(values.NumericAt(static_cast<int64_t>(row)));
      }
    }
    ColumnBuilder builder(DataType::kFloat64);
    for (auto& state : states) builder.AppendFloat(state.Quantile(q));
    return builder.Finish();
  }
  std::vector<MomentState> states(groups);
  for (size_t row = 0; row < group_of_row.size(); ++row) {
    int64_t group = group_of_row[row];
    if (group >= 0 && !values.IsNull(static_cast<int64_t>(row))) {
      states[group].Update(values.NumericAt(static_cast<int64_t>(row)));
    }
  }
  ColumnBuilder builder(aggregate.kind == AggregateKind::kCount ? DataType::kInt64
                                                                : DataType::kFloat64);
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& state : states) {
    switch (aggregate.kind) {
      case AggregateKind::kCount:
        builder.AppendInt(state.count);
        break;
      case AggregateKind::kSum:
        builder.AppendFloat(state.Sum());
        break;
      case AggregateKind::kMean:
        builder.AppendFloat(state.count > 0 ? state.mean : kNan);
        break;
      case AggregateKind::kStd:
        builder.AppendFloat(state.Std(aggregate.ddof));
        break;
      case AggregateKind::kVar:
        builder.AppendFloat(state.Variance(aggregate.ddof));
        break;
      case AggregateKind::kMin:
        builder.AppendFloat(state.count > 0 ? state.min : kNan);
        break;
      case AggregateKind::kMax:
        builder.AppendFloat(state.count > 0 ? state.max : kNan);
        break;
      default:
        throw InternalError("unhandled aggregate kind");
    }
  }
  return builder.Finish();
}

}  // namespace

Table DropDuplicates(const Table& table, std::span<const std::string> keys, int64_t* dropped) {
  KeyRows key_rows(table, keys);
  Grouping grouping = AssignGroups(key_rows, /*drop_null_keys=*/true);
  std::vector<uint8_t> keep(static_cast<size_t>(table.num_rows()), 0);
  for (int64_t row = 0; row < table.num_rows(); ++row) {
    int64_t group = grouping.group_of_row[row];
    keep[row] = group < 0 || grouping.first_row[group] == row;
  }
  int64_t kept = std::count(keep.begin(), keep.end(), 1);
  if (dropped) *dropped = table.num_rows() - kept;
  if (kept == table.num_rows()) return table;
  return table.Filter(keep);
}

Table GroupBy(const Table& table, std::span<const std::string> keys,
              std::span<const Aggregate> aggregates, const GroupByOptions& options) {
  KeyRows key_rows(table, keys);
  Grouping grouping = AssignGroups(key_rows, options.drop_null_keys);

  std::vector<std::string> names(keys.begin(), keys.end());
  for (const auto& aggregate : aggregates) {
    names.push_back(!aggregate.name.empty() ? aggregate.name
                    : aggregate.kind == AggregateKind::kSize
                        ? std::string("size")
                        : fmt::format("{}_{}", aggregate.column, KindName(aggregate.kind)));
  }
  std::vector<Column> columns(names.size());
  ParallelTasks(names.size(), [&](size_t index) {
    if (index < keys.size()) {
      columns[index] = table.column(keys[index]).Take(grouping.first_row);
    } else {
      columns[index] = AggregateColumn(table, aggregates[index - keys.size()], grouping);
    }
  });
  Table out(names, std::move(columns));
  if (!options.sort_keys) return out;
  std::vector<SortKey> sort_keys;
  for (const auto& key : keys) sort_keys.push_back({key, true});
  return Sort(out, sort_keys);
}

}  // namespace hitscope
