// The dataset builder on both layouts hitscope knows: the bundled spotify_songs.csv and an
// integrated Beatport/Spotify table (generated and integrated here, small): detected roles,
// the default popularity classes, groups, years, and errors.
#include <hitscope/csv.hpp>
#include <hitscope/dataset.hpp>
#include <hitscope/generate.hpp>
#include <hitscope/integrate.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(SupervisedDatasetTest, BundledTableRolesAndTertileClasses) {
  Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"));
  DatasetOptions options;
  options.need_years = true;
  Dataset data = BuildDataset(table, options);
  EXPECT_EQ(data.roles.target, "track_popularity");
  EXPECT_EQ(data.roles.artist, "track_artist");
  EXPECT_EQ(data.roles.date, "track_album_release_date");
  EXPECT_EQ(data.roles.id, "track_id");
  EXPECT_EQ(data.roles.isrc, "");
  EXPECT_EQ(data.feature_names.size(), 12u);
  EXPECT_EQ(data.rows(), 32833);
  // Popularity 0-100, mean 42: three classes of about a third each, 0 in "low".
  EXPECT_EQ(data.classes.Describe(), "low <= 33 < medium <= 57 < high");
  EXPECT_EQ(data.classes.ClassOf(0), 0);
  std::vector<int64_t> counts(3, 0);
  for (int32_t label : data.y) ++counts[label];
  for (int64_t count : counts) EXPECT_NEAR(static_cast<double>(count) / 32833, 1.0 / 3, 0.03);
  EXPECT_EQ(data.years.size(), 32833u);
  EXPECT_GE(*std::min_element(data.years.begin(), data.years.end()), 1950);
  EXPECT_EQ(data.artist_groups.size(), 32833u);
}

TEST(SupervisedDatasetTest, IntegratedTableRolesAndClassesWithManyZeros) {
  testing::TempDir dir;
  GenerateOptions generate;
  generate.tracks = 6000;
  generate.seed = 3;
  generate.feature_coverage = 1;
  generate.popularity_coverage = 1;
  GenerateCatalogue(dir.path(), generate);
  Table table = Integrate(dir.path());
  DatasetOptions options;
  options.drop_missing = true;
  Dataset data = BuildDataset(table, options);
  EXPECT_EQ(data.roles.target, "popularity");
  EXPECT_EQ(data.roles.artist, "artist_id");
  EXPECT_EQ(data.roles.isrc, "isrc");
  EXPECT_EQ(data.roles.date, "release_date");
  // Beatport-like popularity (median ~2, a third or more zeros): the default tertiles give
  // low = 0 only, then medium and high: no class is empty, 0 is low.
  EXPECT_EQ(data.classes.upper_edges[0], 0);
  EXPECT_GT(data.classes.upper_edges[1], 0);
  std::vector<int64_t> counts(3, 0);
  for (int32_t label : data.y) ++counts[label];
  for (int64_t count : counts) EXPECT_GT(count, data.rows() / 6) << data.Summary();
  // The same ISRC on several tracks shares one group id.
  EXPECT_LT(*std::max_element(data.isrc_groups.begin(), data.isrc_groups.end()), data.rows());
}

TEST(SupervisedDatasetTest, ExplicitClassesAndRoles) {
  Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"));
  DatasetOptions options;
  options.classes = "edges:20,60";
  options.class_names = {"cold", "warm", "hot"};
  options.roles.features = {"energy", "tempo"};
  Dataset data = BuildDataset(table, options);
  EXPECT_EQ(data.classes.Describe(), "cold <= 20 < warm <= 60 < hot");
  EXPECT_EQ(data.x.cols(), 2);
  options.target = TargetKind::kPopularity;
  Dataset score = BuildDataset(table, options);
  EXPECT_TRUE(score.y.empty());
  EXPECT_EQ(score.popularity[0], table.column("track_popularity").NumericAt(0));
}

TEST(SupervisedDatasetTest, ErrorsNameTheColumn) {
  Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"));
  DatasetOptions options;
  options.roles.features = {"energy", "tempo2"};
  testing::ExpectError([&] { BuildDataset(table, options); }, ErrorKind::kInvalidInput,
                       {"feature column 'tempo2'", "did you mean 'tempo'"});
  options.roles.features = {"energy", "track_name"};
  testing::ExpectError([&] { BuildDataset(table, options); }, ErrorKind::kInvalidInput,
                       {"'track_name' is string, not numeric"});
  testing::ExpectError([&] { BuildDataset(table.DropColumn("track_popularity"), {}); },
                       ErrorKind::kInvalidInput, {"no popularity column", "--target-column"});
  DatasetOptions bad_classes;
  bad_classes.classes = "edges:60,20";
  testing::ExpectError([&] { BuildDataset(table, bad_classes); }, ErrorKind::kInvalidArgument,
                       {"strictly ascending"});
  bad_classes.classes = "tertiles";
  testing::ExpectError([&] { BuildDataset(table, bad_classes); }, ErrorKind::kInvalidArgument,
                       {"quantile:K", "edges:"});
  // Many equal values make quantile edges coincide: a clear error, not an empty class.
  std::vector<double> zeros(90, 0.0);
  zeros.resize(100, 5.0);
  testing::ExpectError([&] { MakePopularityClasses("quantile:3", {}, zeros); },
                       ErrorKind::kInvalidInput, {"both 0", "give edges instead"});
  // A missing feature value: an error by default, a counted drop on request.
  std::vector<std::optional<double>> tempo(table.num_rows(), 120.0);
  tempo[5] = std::nullopt;
  Table holes = table.SetColumn("tempo", MakeFloat64Column(tempo));
  testing::ExpectError([&] { BuildDataset(holes, {}); }, ErrorKind::kInvalidInput,
                       {"column 'tempo' has a missing or non-finite value at row 6"});
  DatasetOptions drop;
  drop.drop_missing = true;
  Dataset dropped = BuildDataset(holes, drop);
  EXPECT_EQ(dropped.dropped_missing, 1);
  EXPECT_NE(dropped.Summary().find("dropped 1 rows"), std::string::npos);
}

}  // namespace
}  // namespace hitscope
