// Repeated keys (track ids, ISRCs): hashes sorted with their rows, equal hashes checked by the
// strings themselves, so counts are exact and memory is 16 bytes per keyed row.
#include <algorithm>
#include <bit>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "core/hash.hpp"
#include "core/parallel.hpp"
#include "explore/profile/internal.hpp"

namespace hitscope::profile_internal {

DuplicateSummary SummariseDuplicates(const Table& table, const std::string& column_name,
                                     const std::string& role, std::vector<uint32_t>* multiplicity) {
  const Column& column = table.column(column_name);
  DuplicateSummary summary;
  summary.column = column_name;
  summary.role = role;
  int64_t rows = column.size();
  if (rows >= (int64_t{1} << 32)) {
    throw InvalidInput(
        fmt::format("profile: duplicates of '{}' support up to 2^32 rows", column_name));
  }
  std::vector<std::pair<uint64_t, uint32_t>> keys;
  keys.reserve(static_cast<size_t>(rows - column.null_count()));
  bool text = column.type() == DataType::kString;
  for (int64_t row = 0; row < rows; ++row) {
    if (column.IsNull(row)) continue;
    uint64_t hash = text ? HashBytes(column.StringAt(row))
                         : HashInt(std::bit_cast<uint64_t>(column.NumericAt(row)));
    keys.emplace_back(hash, static_cast<uint32_t>(row));
  }
  summary.keyed_rows = static_cast<int64_t>(keys.size());
  ParallelStableSort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a.first < b.first || (a.first == b.first && a.second < b.second);
  });
  if (multiplicity) multiplicity->assign(static_cast<size_t>(rows), 0);
  auto same = [&](uint32_t a, uint32_t b) {
    return text ? column.StringAt(a) == column.StringAt(b)
                : column.NumericAt(a) == column.NumericAt(b);
  };
  size_t start = 0;
  std::vector<uint32_t> run, group;
  while (start < keys.size()) {
    size_t end = start + 1;
    while (end < keys.size() && keys[end].first == keys[start].first) ++end;
    if (end == start + 1) {  // the common case: a key seen once
      ++summary.distinct;
      summary.max_repeat = std::max<int64_t>(summary.max_repeat, 1);
      if (multiplicity) (*multiplicity)[keys[start].second] = 1;
      start = end;
      continue;
    }
    run.clear();
    for (size_t k = start; k < end; ++k) run.push_back(keys[k].second);
    // Within one hash, split the rows by their actual key (a collision is rare, not impossible).
    while (!run.empty()) {
      group.clear();
      uint32_t first = run.front();
      std::vector<uint32_t> rest;
      for (uint32_t row : run) (same(row, first) ? group : rest).push_back(row);
      int64_t count = static_cast<int64_t>(group.size());
      ++summary.distinct;
      summary.duplicate_rows += count - 1;
      if (count > 1) ++summary.repeated_keys;
      summary.max_repeat = std::max(summary.max_repeat, count);
      if (multiplicity) {
        for (uint32_t row : group) (*multiplicity)[row] = static_cast<uint32_t>(count);
      }
      run.swap(rest);
    }
    start = end;
  }
  return summary;
}

}  // namespace hitscope::profile_internal
