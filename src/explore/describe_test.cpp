#include <cmath>

#include <hitscope/describe.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(DescribeTest, NumericKnownAnswer) {
  // pandas: pd.Series([1, 2, 3, 4, None]).describe()
  //   count 4, mean 2.5, std 1.290994, min 1, 25% 1.75, 50% 2.5, 75% 3.25, max 4
  Table table({"x"}, std::vector<Column>{MakeFloat64Column({1.0, 2.0, 3.0, 4.0, std::nullopt})});
  DescribeResult result = Describe(table);
  const auto& x = result.columns[0];
  EXPECT_EQ(x.count, 4);
  EXPECT_EQ(x.missing, 1);
  EXPECT_DOUBLE_EQ(x.mean, 2.5);
  EXPECT_NEAR(x.std, 1.2909944487358056, 1e-15);
  EXPECT_EQ(x.percentiles, (std::vector<double>{1.75, 2.5, 3.25}));
  EXPECT_EQ(x.min, 1);
  EXPECT_EQ(x.max, 4);
}

TEST(DescribeTest, CategoricalTopIsFirstAmongTies) {
  Table table({"s"},
              std::vector<Column>{MakeStringColumn({"b", "a", "a", "b", "c", std::nullopt})});
  const DescribeResult result = Describe(table);
  const auto& s = result.columns[0];
  EXPECT_FALSE(s.numeric);
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(s.unique, 3);
  EXPECT_EQ(s.top, "b") << "b and a both appear twice; b appears first";
  EXPECT_EQ(s.freq, 2);
}

TEST(DescribeTest, DatesKeepTheirPrecision) {
  Table table({"d"},
              std::vector<Column>{MakeDateColumn({"2012", "2012-01-01", "2012", "1999-05"})});
  const DescribeResult result = Describe(table);
  const auto& d = result.columns[0];
  EXPECT_EQ(d.unique, 3) << "'2012' and '2012-01-01' are different values";
  EXPECT_EQ(d.top, "2012");
  EXPECT_EQ(d.first, "1999-05");
}

TEST(DescribeTest, EmptyColumnGivesNaNNotACrash) {
  Table table({"x", "s"}, std::vector<Column>{MakeFloat64Column({std::nullopt}),
                                              MakeStringColumn({std::nullopt})});
  DescribeResult result = Describe(table);
  EXPECT_EQ(result.columns[0].count, 0);
  EXPECT_TRUE(std::isnan(result.columns[0].mean));
  EXPECT_EQ(result.columns[1].unique, 0);
  std::string json = DescribeToJson(result);
  EXPECT_NE(json.find("\"mean\": null"), std::string::npos) << json;
  EXPECT_NE(FormatDescribe(result).find("NaN"), std::string::npos);
}

TEST(DescribeTest, BadPercentileIsRefused) {
  Table table({"x"}, std::vector<Column>{MakeFloat64Column({1.0})});
  DescribeOptions options;
  options.percentiles = {1.5};
  testing::ExpectError([&] { Describe(table, options); }, ErrorKind::kInvalidArgument,
                       {"percentiles must be in [0, 1]"});
}

}  // namespace
}  // namespace hitscope
