#include "core/progress.hpp"

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(ProgressTest, RendersFractionAndUnits) {
  Progress progress("reading", 2'000'000, "B");
  progress.Add(1'000'000);
  std::string line = progress.Render();
  EXPECT_NE(line.find("reading"), std::string::npos) << line;
  EXPECT_NE(line.find(" 50%"), std::string::npos) << line;
  EXPECT_NE(line.find("1.0 MB / 2.0 MB"), std::string::npos) << line;
}

TEST(ProgressTest, UnknownTotalShowsCount) {
  Progress progress("rows", 0, "rows");
  progress.Add(42);
  EXPECT_NE(progress.Render().find("42 rows"), std::string::npos) << progress.Render();
}

}  // namespace
}  // namespace hitscope
