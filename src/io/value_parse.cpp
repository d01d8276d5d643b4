#include "io/value_parse.hpp"

#include <charconv>
#include <cstring>

#include <fast_float/fast_float.h>

namespace hitscope {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool detail::ParseInt64Slow(std::string_view text, int64_t* out) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;
  }
  if (text.empty()) return false;
  int64_t value = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return false;
  *out = value;
  return true;
}

bool detail::ParseFloat64Slow(std::string_view text, double* out) {
  // Letters only in inf, infinity and nan (fast_float also takes "nan(chars)"), so that every
  // value type inference accepts as float64 converts and no other does.
  bool letters = false;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == ' ') continue;
    char lower = Lower(c);
    if (lower < 'a' || lower > 'z') return false;
    letters |= lower != 'e';
  }
  if (letters && text.size() > 9) return false;
  text = Trim(text);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;
  }
  if (text.empty()) return false;
  double value = 0;
  auto result = fast_float::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return false;
  *out = value;
  return true;
}

bool ParseBool(std::string_view text, bool* out) {
  text = Trim(text);
  if (EqualsIgnoreCase(text, "true") || EqualsIgnoreCase(text, "t")) {
    *out = true;
    return true;
  }
  if (EqualsIgnoreCase(text, "false") || EqualsIgnoreCase(text, "f")) {
    *out = false;
    return true;
  }
  return false;
}

bool ParseDate(std::string_view text, Date* out) {
  auto date = Date::Parse(Trim(text));
  if (!date) return false;
  *out = *date;
  return true;
}

bool detail::IsValidUtf8Slow(std::string_view text, size_t* bad_offset) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, bytes + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = bytes[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra;
    uint32_t code;
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
      code = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      code = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      code = c & 0x07;
    } else {
      *bad_offset = i;
      return false;
    }
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= n || (bytes[i + k] & 0xc0) != 0x80) {
        *bad_offset = i;
        return false;
      }
      code = (code << 6) | (bytes[i + k] & 0x3f);
    }
    bool overlong = (extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000);
    bool surrogate = code >= 0xd800 && code <= 0xdfff;
    if (overlong || surrogate || code > 0x10ffff) {
      *bad_offset = i;
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace hitscope
