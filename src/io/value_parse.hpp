// io/value_parse.hpp: text to typed values, shared by CSV type inference and conversion (and by
// anything else that reads values from text, such as HTTP requests).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

namespace detail {

// A plain number of at most 16 bytes after its sign, read without a branch per digit: what
// ReadShortNumber found.
struct ShortNumber {
  uint64_t digits;  // the digits as one integer, the point left out
  int decimals;     // digits after the point
  bool negative;
};

#if defined(__SSE2__)
// Sixteen 0xff bytes, then sixteen zeros: the 16 bytes from kLeadBytes + 16 - k have their
// first k bytes set.
alignas(32) inline constexpr unsigned char kLeadBytes[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

inline __m128i LeadMask(size_t k) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(kLeadBytes + 16 - k));
}
#endif

// Reads [begin, end) when it is an optional '-' and 1 to 16 bytes of digits with, if `point`, at
// most one '.' among them (and at least one digit). The 16 bytes before `end` are loaded at once,
// so they must be readable (a CSV field at buffer offset 16 or later). False leaves *out undefined
// and defers to the other parsers. The digits are converted with SSE2 multiply-adds: no branch
// depends on the number's length or the point's place, which a CSV column varies row by row.
[[gnu::always_inline]] inline bool ReadShortNumber(const char* begin, const char* end, bool point,
                                                   ShortNumber* out) {
#if defined(__SSE2__)
  const bool negative = begin < end && *begin == '-';
  const size_t n = static_cast<size_t>(end - begin) - (negative ? 1 : 0);
  if (n - 1 >= 16) return false;  // 0 or more than 16 bytes
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(end - 16));
  const __m128i lead = LeadMask(16 - n);  // the bytes before the number's
  __m128i digits = _mm_andnot_si128(lead, _mm_sub_epi8(bytes, _mm_set1_epi8('0')));
  const __m128i zero = _mm_setzero_si128();
  // Bytes other than a digit: above 9 once '0' is taken away (a point becomes 0xfe).
  const unsigned others = ~static_cast<unsigned>(_mm_movemask_epi8(
                              _mm_cmpeq_epi8(_mm_subs_epu8(digits, _mm_set1_epi8(9)), zero))) &
                          0xffffu;
  int decimals = 0;
  if (others != 0) {
    const unsigned points =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('.')))) &
        (0xffffu << (16 - n)) & 0xffffu;
    // One point, no other non-digit, and a digit besides it.
    if (!point || others != points || (points & (points - 1)) != 0 || n < 2) return false;
    const int at = __builtin_ctz(points);
    decimals = 15 - at;
    // The digits before the point move one byte on, over it; a zero comes in at the front.
    const __m128i through_point = LeadMask(static_cast<size_t>(at) + 1);
    digits = _mm_or_si128(_mm_and_si128(through_point, _mm_slli_si128(digits, 1)),
                          _mm_andnot_si128(through_point, digits));
  }
  // Sixteen digits, most significant first: pairs, then fours, then eights.
  const __m128i pairs_low =
      _mm_madd_epi16(_mm_unpacklo_epi8(digits, zero), _mm_set1_epi32(0x1000a));
  const __m128i pairs_high =
      _mm_madd_epi16(_mm_unpackhi_epi8(digits, zero), _mm_set1_epi32(0x1000a));
  __m128i fours = _mm_madd_epi16(_mm_packs_epi32(pairs_low, pairs_high), _mm_set1_epi32(0x10064));
  fours = _mm_packs_epi32(fours, fours);
  const __m128i eights = _mm_madd_epi16(fours, _mm_set1_epi32(0x12710));
  const uint64_t high = static_cast<uint32_t>(_mm_cvtsi128_si32(eights));
  const uint64_t low = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm_srli_si128(eights, 4)));
  out->digits = high * 100000000u + low;
  out->decimals = decimals;
  out->negative = negative;
  return true;
#else
  (void)begin, (void)end, (void)point, (void)out;
  return false;
#endif
}

// ParsePlainDecimal for a text whose 16 bytes before its end are readable.
[[gnu::always_inline]] inline bool ParseShortDecimal(std::string_view text, double* out) {
  ShortNumber number;
  if (!ReadShortNumber(text.data(), text.data() + text.size(), true, &number)) {
    return ParsePlainDecimal(text, out);
  }
  if (number.digits > (uint64_t{1} << 53)) return ParsePlainDecimal(text, out);
  const double value = static_cast<double>(number.digits) / kPowersOfTen[number.decimals];
  *out = number.negative ? -value : value;
  return true;
}

// ParsePlainInt64 for a text whose 16 bytes before its end are readable.
[[gnu::always_inline]] inline bool ParseShortInt64(std::string_view text, int64_t* out) {
  ShortNumber number;
  if (!ReadShortNumber(text.data(), text.data() + text.size(), false, &number)) {
    return ParsePlainInt64(text, out);
  }
  const auto value = static_cast<int64_t>(number.digits);
  *out = number.negative ? -value : value;
  return true;
}

}  // namespace detail

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
