// io/value_parse.hpp: text to typed values, shared by CSV type inference and conversion (and by
// anything else that reads values from text, such as HTTP requests).
#pragma once

#include <cstdint>
#include <string_view>

#include <hitscope/table.hpp>

namespace hitscope {

// Each returns false (leaving *out untouched) unless the whole text, minus surrounding ASCII
// spaces, is one value of the type.
bool ParseInt64(std::string_view text, int64_t* out);
bool ParseFloat64(std::string_view text, double* out);  // correctly rounded (fast_float)
bool ParseBool(std::string_view text, bool* out);       // true/false/t/f, any case
bool ParseDate(std::string_view text, Date* out);       // YYYY-MM-DD, YYYY-MM, YYYY

// True when `text` is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
// On failure *bad_offset is the offset of the first invalid byte.
bool IsValidUtf8(std::string_view text, size_t* bad_offset);

}  // namespace hitscope
