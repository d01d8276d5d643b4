// table/key_rows.hpp: hashing and comparing the key of a row across one or two tables, the
// common ground of join, semi join and group-by.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <hitscope/table.hpp>

namespace hitscope {

// The key columns of one table, hashed per row.
class KeyRows {
 public:
  // `as_float[i]` makes key column i hash and compare as a double (an int64 key matched with a
  // float64 one). Throws Error(kInvalidInput) for an unknown column.
  KeyRows(const Table& table, std::span<const std::string> keys, std::vector<bool> as_float = {});

  int64_t size() const { return static_cast<int64_t>(hashes_.size()); }
  uint64_t hash(int64_t row) const { return hashes_[row]; }
  bool has_null(int64_t row) const { return !null_rows_.empty() && null_rows_[row] != 0; }
  // True when row `a` of this and row `b` of `other` hold equal, non-null keys.
  bool Equal(int64_t a, const KeyRows& other, int64_t b) const;
  // As Equal, but a null equals a null (group-by keeping null keys).
  bool EqualOrBothNull(int64_t a, const KeyRows& other, int64_t b) const;

 private:
  std::vector<const Column*> columns_;
  std::vector<bool> as_float_;
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t> null_rows_;
};

// Decides, per key pair, whether both sides must be compared as float64; throws
// Error(kInvalidInput) naming the columns when their types cannot be compared.
std::vector<bool> CompatibleKeyTypes(const Table& left, std::span<const std::string> left_keys,
                                     const Table& right, std::span<const std::string> right_keys);

// A hash index of the rows of a KeyRows: rows with equal keys chain together in row order.
class KeyIndex {
 public:
  explicit KeyIndex(const KeyRows& build);
  // Calls fn(build_row) for every build row whose key equals row `row` of `probe`, in order.
  template <class Fn>
  void ForEachMatch(const KeyRows& probe, int64_t row, Fn&& fn) const {
    if (probe.has_null(row)) return;
    uint64_t h = probe.hash(row);
    for (int64_t r = head_[h & mask_]; r >= 0; r = next_[r]) {
      if (build_.hash(r) == h && build_.Equal(r, probe, row)) fn(r);
    }
  }
  // True when some build row has the key of row `row` of `probe`.
  bool Contains(const KeyRows& probe, int64_t row) const {
    if (probe.has_null(row)) return false;
    uint64_t h = probe.hash(row);
    for (int64_t r = head_[h & mask_]; r >= 0; r = next_[r]) {
      if (build_.hash(r) == h && build_.Equal(r, probe, row)) return true;
    }
    return false;
  }

 private:
  const KeyRows& build_;
  uint64_t mask_ = 0;
  std::vector<int64_t> head_;
  std::vector<int64_t> next_;
};

}  // namespace hitscope
