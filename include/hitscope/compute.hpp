// hitscope/compute.hpp: relational operations on Tables: sort, hash join, group-by.
//
// Conventions: nulls sort last and never match in a join (as SQL; pandas' merge would match
// NaN with NaN). Every function returns a new Table and leaves its inputs untouched; all are
// safe to call from several threads on the same inputs.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/table.hpp>

namespace hitscope {

struct SortKey {
  std::string column;
  bool ascending = true;
};

// The row order that sorts `table` by `keys` (stable: equal keys keep their order). Strings
// compare by bytes, dates by day. Throws Error(kInvalidInput) for an unknown column.
std::vector<int64_t> SortIndices(const Table& table, std::span<const SortKey> keys);
Table Sort(const Table& table, std::span<const SortKey> keys);

enum class JoinKind { kInner, kLeft };

struct JoinOptions {
  JoinKind kind = JoinKind::kInner;  // pandas merge how='inner' / 'left'
  std::vector<std::string> left_keys;
  std::vector<std::string> right_keys;  // empty: same names as left_keys
  // Appended to a right column whose name is already taken by a left column.
  std::string right_suffix = "_right";
};

// Joins on equal keys (one or several columns; int64 and float64 keys compare as numbers).
// Output: the left columns, then the right columns but its keys. Rows come in left order; a
// left row with several matches repeats once per match, in right order; in a left join a left
// row without a match gets nulls on the right. Memory: O(rows of right) for the hash table plus
// the output. Throws Error(kInvalidInput) for unknown or incompatible key columns.
Table HashJoin(const Table& left, const Table& right, const JoinOptions& options);

// For each row of `probe`, 1 if its key occurs in `build` (a semi join), else 0.
std::vector<uint8_t> SemiJoinMask(const Table& probe, std::span<const std::string> probe_keys,
                                  const Table& build, std::span<const std::string> build_keys);

// The first row of each distinct key, in order (pandas drop_duplicates(keep="first")). Rows
// with a null in a key are kept. *dropped, if given, receives the number of rows removed.
Table DropDuplicates(const Table& table, std::span<const std::string> keys,
                     int64_t* dropped = nullptr);

// The keys of one table, indexed once and probed by many (a streaming semi join: keep the rows
// of each batch whose key is in the set). Keeps a reference to the build table's columns.
class KeySet {
 public:
  KeySet(const Table& build, std::vector<std::string> keys);
  ~KeySet();
  KeySet(KeySet&&) noexcept;
  int64_t size() const;
  // For each row of `probe`, 1 if its key (columns `probe_keys`) is in the set, else 0.
  std::vector<uint8_t> Contains(const Table& probe, std::span<const std::string> probe_keys) const;
  // The rows of `probe` whose key is in the set.
  Table Keep(const Table& probe, std::span<const std::string> probe_keys) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

enum class AggregateKind {
  kSize,      // rows in the group (column ignored), int64
  kCount,     // non-null values, int64 (pandas count)
  kSum,       // float64
  kMean,      // float64
  kStd,       // float64, ddof from Aggregate::ddof (pandas default 1)
  kVar,       // float64
  kMin,       // float64
  kMax,       // float64
  kMedian,    // float64, exact
  kQuantile,  // float64, exact, numpy "linear" at Aggregate::quantile
};

struct Aggregate {
  AggregateKind kind = AggregateKind::kSize;
  std::string column;  // a numeric column (int64, float64, bool); unused for kSize
  std::string name;    // output column name; empty: "<column>_<kind>"
  double quantile = 0.5;
  int ddof = 1;
};

struct GroupByOptions {
  bool sort_keys = true;       // order groups by key, as pandas' groupby(sort=True)
  bool drop_null_keys = true;  // rows with a null key join no group, as pandas' dropna=True
};

// One row per distinct key: the key columns, then one column per aggregate. Nulls in the value
// column are skipped. Rows are aggregated in parallel with mergeable states.
Table GroupBy(const Table& table, std::span<const std::string> keys,
              std::span<const Aggregate> aggregates, const GroupByOptions& options = {});

}  // namespace hitscope
