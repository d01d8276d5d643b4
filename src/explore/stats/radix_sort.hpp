// explore/stats/radix_sort.hpp: the sorting kernel behind ranks: a stable LSD radix argsort of
// doubles (NaN excluded), O(n) per 11-bit digit, skipping digits every key shares. About 4x
// faster than std::sort of (value, row) pairs on millions of rows. Tested against std::sort at
// awkward sizes in stats_test.cpp.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace hitscope::stats_kernel {

// A key whose unsigned order is the order of the doubles (-0.0 sorts just before +0.0).
inline uint64_t OrderedKey(double value) {
  uint64_t bits = std::bit_cast<uint64_t>(value);
  return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}

// The rows of the non-NaN values, in ascending order of value; equal values keep row order.
// REQUIRES: values.size() < 2^32.
inline std::vector<uint32_t> RadixArgsort(std::span<const double> values) {
  std::vector<uint64_t> keys;
  std::vector<uint32_t> rows;
  keys.reserve(values.size());
  rows.reserve(values.size());
  for (size_t row = 0; row < values.size(); ++row) {
    if (std::isnan(values[row])) continue;
    keys.push_back(OrderedKey(values[row]));
    rows.push_back(static_cast<uint32_t>(row));
  }
  size_t n = keys.size();
  std::vector<uint64_t> keys_out(n);
  std::vector<uint32_t> rows_out(n);
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<size_t> counts(kBuckets);
  for (int shift = 0; shift < 64; shift += kBits) {
    std::fill(counts.begin(), counts.end(), 0);
    for (uint64_t key : keys) ++counts[(key >> shift) & (kBuckets - 1)];
    if (n == 0 || counts[(keys[0] >> shift) & (kBuckets - 1)] == n) continue;  // digit shared
    size_t sum = 0;
    for (auto& count : counts) {
      size_t c = count;
      count = sum;
      sum += c;
    }
    for (size_t k = 0; k < n; ++k) {
      size_t to = counts[(keys[k] >> shift) & (kBuckets - 1)]++;
      keys_out[to] = keys[k];
      rows_out[to] = rows[k];
    }
    keys.swap(keys_out);
    rows.swap(rows_out);
  }
  return rows;
}

// Sorts doubles (no NaN) ascending in place, by the same radix passes on their keys. The keys
// live in the values' own storage (bytes copied, no aliasing), so the only extra memory is one
// buffer of the same size.
inline void RadixSort(std::vector<double>& values) {
  size_t n = values.size();
  auto load = [](const double& slot) {
    uint64_t key;
    std::memcpy(&key, &slot, sizeof key);
    return key;
  };
  auto store = [](double& slot, uint64_t key) { std::memcpy(&slot, &key, sizeof key); };
  for (double& value : values) store(value, OrderedKey(value));
  std::vector<double> out(n);
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<size_t> counts(kBuckets);
  for (int shift = 0; shift < 64; shift += kBits) {
    std::fill(counts.begin(), counts.end(), 0);
    for (const double& slot : values) ++counts[(load(slot) >> shift) & (kBuckets - 1)];
    if (n == 0 || counts[(load(values[0]) >> shift) & (kBuckets - 1)] == n) continue;
    size_t sum = 0;
    for (auto& count : counts) {
      size_t c = count;
      count = sum;
      sum += c;
    }
    for (const double& slot : values) {
      uint64_t key = load(slot);
      store(out[counts[(key >> shift) & (kBuckets - 1)]++], key);
    }
    values.swap(out);
  }
  for (double& slot : values) {
    uint64_t key = load(slot);
    slot = std::bit_cast<double>((key >> 63) ? key & ~(uint64_t{1} << 63) : ~key);
  }
}

}  // namespace hitscope::stats_kernel
