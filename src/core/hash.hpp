// core/hash.hpp: fast non-cryptographic hashes for joins, group-by and sets.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace hitscope {

// The splitmix64 finaliser: a bijective mix with good avalanche.
inline uint64_t HashInt(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline uint64_t HashCombine(uint64_t seed, uint64_t value) {
  return HashInt(seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

// Hashes bytes eight at a time; equal strings hash equal on every platform of one endianness.
inline uint64_t HashBytes(std::string_view bytes) {
  uint64_t h = 0x243f6a8885a308d3ULL ^ (bytes.size() * 0x9e3779b97f4a7c15ULL);
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ HashInt(word)) * 0x100000001b3ULL;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ HashInt(word ^ (static_cast<uint64_t>(n) << 56))) * 0x100000001b3ULL;
  }
  return HashInt(h);
}

}  // namespace hitscope
