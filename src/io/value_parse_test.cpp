#include "io/value_parse.hpp"

#include <cmath>
#include <limits>

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
  for (const char* text : {"", " ", "1.0", "1e3", "0x10", "12a", "+-1", "9223372036854775808",
                           "- 1", "1 2"}) {
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
