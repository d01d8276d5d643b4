// Parameter sweeps: a tree depth sweep shows training error falling to zero and stops fitting
// once the trees stop growing; a k sweep for KNN; bad parameters are named.
#include <gtest/gtest.h>

#include <hitscope/sweep.hpp>

#include "learn/trees/tree_test_data.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

Dataset MakeData(int64_t rows) {
  auto tracks = trees::testing::MakeTracks(rows, 5, 3, 1);
  Dataset data;
  data.x = tracks.x;
  data.y = tracks.y;
  data.popularity = tracks.target;
  data.feature_names = {"a", "b", "c", "d", "e"};
  data.target = TargetKind::kClass;
  data.classes.names = {"low", "medium", "high"};
  data.classes.upper_edges = {33, 66};
  for (int64_t row = 0; row < rows; ++row) data.source_rows.push_back(row);
  return data;
}

TEST(SweepTest, DepthSweepOverfitsAndSaturates) {
  Dataset data = MakeData(600);
  PipelineSpec spec;
  spec.Set("model", "tree");
  SweepOptions options;
  options.param = "max_depth";
  options.values = ParseSweepValues("1..60");
  options.protocol = Protocol::Parse("stratified:3");
  SweepResult result = SweepParameter(data, spec, options);
  ASSERT_EQ(result.points.size(), 60u);
  EXPECT_EQ(result.metric, "accuracy");
  // Training error falls to 0 (fully grown trees fit their rows) ...
  EXPECT_GT(result.points[0].train_error, 0.2);
  EXPECT_EQ(result.points.back().train_error, 0.0);
  for (size_t i = 1; i < result.points.size(); ++i) {
    EXPECT_LE(result.points[i].train_error, result.points[i - 1].train_error + 1e-12);
  }
  // ... while the test error does not: the best depth is a small one.
  EXPECT_LT(std::stoi(result.Best().value), 15);
  EXPECT_GT(result.points.back().test_error, result.Best().test_error);
  // 600 rows never need 60 levels: the deep end reuses the same trees.
  EXPECT_TRUE(result.points.back().reused);
  EXPECT_NE(result.ToText().find("max_depth sweep of tree"), std::string::npos);
  EXPECT_NE(result.ToJson().find("\"test_error\""), std::string::npos);
}

TEST(SweepTest, KSweepForNeighbours) {
  Dataset data = MakeData(300);
  PipelineSpec spec;
  spec.Set("model", "knn");
  SweepOptions options;
  options.param = "k";
  options.values = ParseSweepValues("1,5,15");
  options.protocol = Protocol::Parse("holdout:0.25");
  SweepResult result = SweepParameter(data, spec, options);
  ASSERT_EQ(result.points.size(), 3u);
  EXPECT_EQ(result.points[0].train_error, 0.0);  // each row is its own nearest neighbour
  EXPECT_GT(result.points[2].train_error, 0.0);
}

TEST(SweepTest, BadSweepsAreRefused) {
  Dataset data = MakeData(100);
  PipelineSpec spec;
  spec.Set("model", "tree");
  SweepOptions options;
  options.param = "depth";
  options.values = {"1"};
  testing::ExpectError([&] { SweepParameter(data, spec, options); }, ErrorKind::kInvalidArgument,
                       {"no parameter 'depth'", "max_depth"});
  testing::ExpectError([] { ParseSweepValues("1..x"); }, ErrorKind::kInvalidArgument, {"1..80"});
  testing::ExpectError([] { ParseSweepValues("5..1"); }, ErrorKind::kInvalidArgument, {"5..1"});
  EXPECT_EQ(ParseSweepValues("2..10:4"), (std::vector<std::string>{"2", "6", "10"}));
}

}  // namespace
}  // namespace hitscope
