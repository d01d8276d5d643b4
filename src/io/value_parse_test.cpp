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
