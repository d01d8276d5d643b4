// io/value_parse.hpp: text to typed values, shared by CSV type inference and conversion (and by
// anything else that reads values from text, such as HTTP requests).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include <hitscope/table.hpp>

namespace hitscope {

// Each returns false (leaving *out untouched) unless the whole text, minus surrounding ASCII
// spaces, is one value of the type. The common forms take inline fast paths (they run on every
// field of a CSV); the rest go to the general parsers.
inline bool ParseInt64(std::string_view text, int64_t* out);
inline bool ParseFloat64(std::string_view text, double* out);  // correctly rounded (fast_float)
bool ParseBool(std::string_view text, bool* out);              // true/false/t/f, any case
bool ParseDate(std::string_view text, Date* out);              // YYYY-MM-DD, YYYY-MM, YYYY

// True when `text` is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
// On failure *bad_offset is the offset of the first invalid byte.
inline bool IsValidUtf8(std::string_view text, size_t* bad_offset);

namespace detail {

bool ParseInt64Slow(std::string_view text, int64_t* out);
bool ParseFloat64Slow(std::string_view text, double* out);
bool IsValidUtf8Slow(std::string_view text, size_t* bad_offset);

inline constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                          1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Clinger's fast path for plain decimals ("-12.0345"): when the digits fit in 2^53 and there
// are at most 22 decimals, mantissa / 10^decimals is one correctly rounded division of two
// exact doubles, so the result is the correctly rounded value. False defers to fast_float.
[[gnu::always_inline]] inline bool ParsePlainDecimal(std::string_view text, double* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  if (end - p > 20) return false;  // at most 19 digits and a point: no uint64 overflow
  uint64_t mantissa = 0;
  const char* digits_start = p;
  for (; p < end; ++p) {
    unsigned digit = static_cast<unsigned char>(*p) - '0';
    if (digit > 9) break;
    mantissa = mantissa * 10 + digit;
  }
  size_t integer_digits = static_cast<size_t>(p - digits_start);
  size_t decimals = 0;
  if (p < end) {
    if (*p != '.') return false;
    const char* fraction_start = ++p;
    for (; p < end; ++p) {
      unsigned digit = static_cast<unsigned char>(*p) - '0';
      if (digit > 9) return false;
      mantissa = mantissa * 10 + digit;
    }
    decimals = static_cast<size_t>(p - fraction_start);
  }
  // Needs at least one digit ("-", "." and "" are not numbers); mantissa exact in a double.
  if (integer_digits + decimals == 0 || integer_digits + decimals > 19 || decimals > 22 ||
      mantissa > (uint64_t{1} << 53)) {
    return false;
  }
  double value = static_cast<double>(mantissa) / kPowersOfTen[decimals];
  *out = negative ? -value : value;
  return true;
}

}  // namespace detail

inline bool ParseFloat64(std::string_view text, double* out) {
  return detail::ParsePlainDecimal(text, out) || detail::ParseFloat64Slow(text, out);
}

namespace detail {

// An optional '-' and 1 to 18 digits (which cannot overflow int64); false defers to the general
// parser.
[[gnu::always_inline]] inline bool ParsePlainInt64(std::string_view text, int64_t* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  if (p == end || end - p > 18) return false;
  int64_t value = 0;
  for (; p < end; ++p) {
    unsigned digit = static_cast<unsigned char>(*p) - '0';
    if (digit > 9) return false;
    value = value * 10 + digit;
  }
  *out = negative ? -value : value;
  return true;
}

}  // namespace detail

inline bool ParseInt64(std::string_view text, int64_t* out) {
  return detail::ParsePlainInt64(text, out) || detail::ParseInt64Slow(text, out);
}

// True when every byte of `text` is ASCII (below 0x80).
inline bool IsAscii(std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
  uint64_t high = 0;
  for (; i + 32 <= n; i += 32) {
    uint64_t words[4];
    std::memcpy(words, p + i, 32);
    high |= words[0] | words[1] | words[2] | words[3];
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    high |= word;
  }
  for (; i < n; ++i) high |= static_cast<unsigned char>(p[i]);
  return (high & 0x8080808080808080ULL) == 0;
}

inline bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  // ASCII text (almost all of a catalogue) needs no more than the ASCII test.
  return IsAscii(text) || detail::IsValidUtf8Slow(text, bad_offset);
}

}  // namespace hitscope
