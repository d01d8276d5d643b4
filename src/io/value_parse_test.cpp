#include "io/value_parse.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(ParseInt64Test, AcceptsSignsAndSpaces) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("42", &v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(ParseInt64(" -7 ", &v));
  EXPECT_EQ(v, -7);
  EXPECT_TRUE(ParseInt64("+3", &v));
  EXPECT_EQ(v, 3);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
}

TEST(ParseInt64Test, RejectsNonIntegers) {
  int64_t v = 0;
  for (const char* text :
       {"", " ", "1.0", "1e3", "0x10", "12a", "+-1", "9223372036854775808", "- 1", "1 2"}) {
    EXPECT_FALSE(ParseInt64(text, &v)) << text;
  }
}

TEST(ParseFloat64Test, ExactAndSpecial) {
  double v = 0;
  EXPECT_TRUE(ParseFloat64("0.1", &v));
  EXPECT_EQ(v, 0.1);
  EXPECT_TRUE(ParseFloat64("-46.448", &v));
  EXPECT_EQ(v, -46.448);
  EXPECT_TRUE(ParseFloat64("1e-5", &v));
  EXPECT_EQ(v, 1e-5);
  EXPECT_TRUE(ParseFloat64("inf", &v));
  EXPECT_TRUE(std::isinf(v));
  EXPECT_TRUE(ParseFloat64("+2.5", &v));
  EXPECT_EQ(v, 2.5);
  // The halfway case that a naive strtod-by-hand gets wrong.
  EXPECT_TRUE(ParseFloat64("2.2250738585072011e-308", &v));
  EXPECT_EQ(v, 2.2250738585072011e-308);
}

TEST(ParseFloat64Test, RejectsGarbage) {
  double v = 0;
  for (const char* text : {"", "abc", "1.2.3", "1,5", "12 .5", "--1", "0.5x"}) {
    EXPECT_FALSE(ParseFloat64(text, &v)) << text;
  }
}

TEST(ParseBoolTest, Forms) {
  bool v = false;
  EXPECT_TRUE(ParseBool("TRUE", &v) && v);
  EXPECT_TRUE(ParseBool("f", &v) && !v);
  EXPECT_TRUE(ParseBool("False", &v) && !v);
  EXPECT_FALSE(ParseBool("1", &v));
  EXPECT_FALSE(ParseBool("yes", &v));
}

TEST(Utf8Test, ValidAndInvalid) {
  size_t bad = 0;
  EXPECT_TRUE(IsValidUtf8("plain ascii text that is long", &bad));
  EXPECT_TRUE(IsValidUtf8("Beyonc\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5", &bad));
  EXPECT_FALSE(IsValidUtf8("abc\xff", &bad));
  EXPECT_EQ(bad, 3u);
  EXPECT_FALSE(IsValidUtf8("\xc3", &bad)) << "truncated sequence";
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf", &bad)) << "overlong";
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80", &bad)) << "surrogate";
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80", &bad)) << "above U+10FFFF";
  EXPECT_FALSE(IsValidUtf8("12345678\x80", &bad));
  EXPECT_EQ(bad, 8u);
}

}  // namespace
}  // namespace hitscope

namespace hitscope {
namespace {

// The plain-decimal fast path must agree bit for bit with the correctly rounded parser.
TEST(ParseFloat64Test, FastPathAgreesWithStrtodOnManyDecimals) {
  std::mt19937_64 rng(17);
  char buffer[64];
  for (int i = 0; i < 200000; ++i) {
    int digits = 1 + static_cast<int>(rng() % 17);
    int point = static_cast<int>(rng() % (digits + 1));
    std::string text = rng() % 3 == 0 ? "-" : "";
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + rng() % 10);
    }
    double fast = 0;
    ASSERT_TRUE(ParseFloat64(text, &fast)) << text;
    std::snprintf(buffer, sizeof buffer, "%s", text.c_str());
    double reference = std::strtod(buffer, nullptr);
    ASSERT_EQ(std::memcmp(&fast, &reference, sizeof fast), 0) << text;
  }
}

// The short-number readers (16 bytes before the end loaded at once) must accept exactly what
// the plain parsers accept, with the same value, whatever lies before the text.
TEST(ParseShortNumberTest, AgreesWithThePlainParsersOnRandomTexts) {
  std::mt19937_64 rng(23);
  const std::string alphabet = "0123456789.-+ e,x\"";
  for (int i = 0; i < 300000; ++i) {
    std::string text;
    const int length = static_cast<int>(rng() % 19);
    const bool plain = rng() % 2 == 0;  // mostly digits with one point and a sign
    for (int k = 0; k < length; ++k) {
      if (plain) {
        const uint64_t r = rng() % 24;
        text += r < 20 ? static_cast<char>('0' + r % 10) : r < 22 ? '.' : '-';
      } else {
        text += alphabet[rng() % alphabet.size()];
      }
    }
    // Garbage before the text (the previous fields of a row), as a CSV buffer has it.
    std::string buffer(16, '\0');
    for (auto& c : buffer) c = alphabet[rng() % alphabet.size()];
    buffer += text;
    const std::string_view view(buffer.data() + 16, text.size());
    double plain_decimal = 0, short_decimal = 0;
    const bool plain_ok = detail::ParsePlainDecimal(view, &plain_decimal);
    ASSERT_EQ(detail::ParseShortDecimal(view, &short_decimal), plain_ok) << text;
    if (plain_ok) {
      ASSERT_EQ(std::memcmp(&plain_decimal, &short_decimal, 8), 0) << text;
    }
    int64_t plain_int = 0, short_int = 0;
    const bool int_ok = detail::ParsePlainInt64(view, &plain_int);
    ASSERT_EQ(detail::ParseShortInt64(view, &short_int), int_ok) << text;
    if (int_ok) {
      ASSERT_EQ(plain_int, short_int) << text;
    }
  }
}

TEST(ParseShortNumberTest, EdgeForms) {
  // Each text preceded by 16 bytes that must not matter.
  auto decimal = [](const std::string& text, double* out) {
    const std::string buffer = "9999999999999999" + text;
    return detail::ParseShortDecimal(std::string_view(buffer).substr(16), out);
  };
  auto integer = [](const std::string& text, int64_t* out) {
    const std::string buffer = "-.-.-.-.-.-.-.-." + text;
    return detail::ParseShortInt64(std::string_view(buffer).substr(16), out);
  };
  double v = 0;
  EXPECT_TRUE(decimal("0.0125", &v));
  EXPECT_EQ(v, 0.0125);
  EXPECT_TRUE(decimal("-10.418", &v));
  EXPECT_EQ(v, -10.418);
  EXPECT_TRUE(decimal("132.765", &v));
  EXPECT_EQ(v, 132.765);
  EXPECT_TRUE(decimal(".5", &v));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(decimal("5.", &v));
  EXPECT_EQ(v, 5.0);
  EXPECT_TRUE(decimal("-0", &v));
  EXPECT_TRUE(std::signbit(v));
  EXPECT_TRUE(decimal("1234567890123456", &v));  // 16 digits
  EXPECT_EQ(v, 1234567890123456.0);
  // Digits above 2^53 are not exact in a double: left to fast_float, as by the plain parser.
  EXPECT_FALSE(decimal("9007199254740993", &v));
  EXPECT_FALSE(decimal("12345678901234567", &v));
  EXPECT_TRUE(decimal("0.00000000000001", &v));  // 14 decimals, 16 bytes
  EXPECT_EQ(v, 1e-14);
  EXPECT_TRUE(decimal("-1234567.89012345", &v));  // a sign and 16 bytes
  EXPECT_EQ(v, -1234567.89012345);
  for (const char* text : {"", "-", ".", "-.", "1.2.3", "1-2", "+1", " 1", "1 ", "1e5", "--1"}) {
    EXPECT_FALSE(decimal(text, &v)) << text;
  }
  int64_t i = 0;
  EXPECT_TRUE(integer("275597", &i));
  EXPECT_EQ(i, 275597);
  EXPECT_TRUE(integer("-7", &i));
  EXPECT_EQ(i, -7);
  EXPECT_TRUE(integer("9999999999999999", &i));
  EXPECT_EQ(i, 9999999999999999);
  EXPECT_TRUE(integer("999999999999999999", &i));  // 18 digits: the plain parser
  EXPECT_EQ(i, 999999999999999999);
  for (const char* text : {"", "-", "1.0", ".", "12a", "+3", " 3"}) {
    EXPECT_FALSE(integer(text, &i)) << text;
  }
}

TEST(ParseFloat64Test, EdgeForms) {
  double v = 1;
  EXPECT_TRUE(ParseFloat64(".5", &v));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(ParseFloat64("5.", &v));
  EXPECT_EQ(v, 5.0);
  EXPECT_TRUE(ParseFloat64("-0.0", &v));
  EXPECT_TRUE(std::signbit(v));
  EXPECT_TRUE(ParseFloat64("000123.4500", &v));
  EXPECT_EQ(v, 123.45);
  EXPECT_TRUE(ParseFloat64("0.00000000000000000000000001", &v));
  EXPECT_EQ(v, 1e-26);
  EXPECT_FALSE(ParseFloat64("-", &v));
  EXPECT_FALSE(ParseFloat64(".", &v));
  EXPECT_FALSE(ParseFloat64("-.", &v));
}

}  // namespace
}  // namespace hitscope
