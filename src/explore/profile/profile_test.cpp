// Profile() on tiny tables with known answers: roles, config, classes, seasons, dates known only
// to the year, weights, duplicates, artists; and its error messages.
#include <cmath>

#include <nlohmann/json.hpp>

#include <hitscope/profile.hpp>
#include <hitscope/runtime.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

// Ten tracks: two share an ISRC, one id repeats, dates in every precision.
Table Tracks() {
  return Table(
      {"track_id", "isrc", "artist", "release_date", "popularity", "danceability", "duration_ms"},
      {MakeStringColumn({"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t8", "t10"}),
       MakeStringColumn({"A", "A", "B", "C", "D", "E", "F", "G", "H", std::nullopt}),
       MakeStringColumn({"x", "x", "x", "y", "y", "z", "z", "z", "z", std::nullopt}),
       MakeDateColumn({"2019-01-05", "2019-07-01", "2019", "2020-04", "2020-07-20", "2020-10-01",
                       "2020-12-24", std::nullopt, "2021-02-01", "2021-08-08"}),
       MakeInt64Column({0, 10, 20, 30, 40, 50, 60, 70, 80, 90}),
       DenseFloat64Column({0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}),
       MakeInt64Column(
           {60000, 120000, 180000, 240000, 300000, 360000, 420000, 480000, 540000, 600000})});
}

ProfileOptions Small() {
  ProfileOptions options;
  options.min_artist_tracks = 3;
  return options;
}

TEST(ProfileRolesTest, DetectsBundledAndBeatportNames) {
  std::vector<std::string> bundled = {
      "track_id",     "track_name", "track_artist", "track_popularity", "track_album_release_date",
      "danceability", "energy",     "duration_ms"};
  ProfileRoles roles = DetectProfileRolesByName(bundled, {});
  EXPECT_EQ(roles.popularity, "track_popularity");
  EXPECT_EQ(roles.release_date, "track_album_release_date");
  EXPECT_EQ(roles.artist, "track_artist");
  EXPECT_EQ(roles.id, "track_id");
  EXPECT_EQ(roles.features, (std::vector<std::string>{"danceability", "energy", "duration_ms"}));
  std::vector<std::string> beatport = {
      "track_id", "isrc", "artist", "release_date", "popularity", "release_popularity", "tempo"};
  roles = DetectProfileRolesByName(beatport, {});
  EXPECT_EQ(roles.popularity, "popularity") << "never release_popularity";
  EXPECT_EQ(roles.isrc, "isrc");
  EXPECT_EQ(roles.release_date, "release_date");
  EXPECT_EQ(ProfileColumns(beatport, roles),
            (std::vector<std::string>{"track_id", "isrc", "artist", "release_date", "popularity",
                                      "tempo"}));
}

TEST(ProfileRolesTest, GivenRolesAreCheckedWithSuggestions) {
  ProfileRoles given;
  given.popularity = "populariti";
  testing::ExpectError(
      [&] {
        DetectProfileRolesByName({"popularity", "x"}, given);
      },
      ErrorKind::kInvalidInput,
      {"popularity column 'populariti' is not in the table", "did you mean 'popularity'",
       "roles.popularity"});
  Table strings({"popularity"}, {MakeStringColumn({"high"})});
  testing::ExpectError([&] { DetectProfileRoles(strings, {}); }, ErrorKind::kInvalidInput,
                       {"'popularity' is string, not numeric", "--type popularity=float64"});
  Table none({"a"}, {DenseFloat64Column({1})});
  testing::ExpectError([&] { DetectProfileRoles(none, {}); }, ErrorKind::kInvalidInput,
                       {"no popularity column found", "--popularity"});
}

TEST(ProfileConfigTest, ReadsEverySectionAndRejectsTypos) {
  ProfileOptions options = ParseProfileConfigText(R"(
title = "My catalogue"
confidence = 0.9
[roles]
popularity = "score"
features = ["a", "b"]
[classes]
edges = [10, 50, 80]
labels = ["low", "mid", "high", "hit"]
[time]
hemisphere = "south"
[charts]
histogram_bins = 25
[artists]
min_tracks = 4
top = 5
)",
                                                  "p.toml");
  EXPECT_EQ(options.title, "My catalogue");
  EXPECT_EQ(options.confidence, 0.9);
  EXPECT_EQ(options.roles.popularity, "score");
  EXPECT_EQ(options.roles.features.size(), 2u);
  EXPECT_EQ(options.class_edges, (std::vector<double>{10, 50, 80}));
  EXPECT_EQ(options.hemisphere, Hemisphere::kSouth);
  EXPECT_EQ(options.histogram_bins, 25);
  EXPECT_EQ(options.min_artist_tracks, 4);
  EXPECT_EQ(options.top_artists, 5);
  testing::ExpectError([] { ParseProfileConfigText("[roles]\npopularty = \"x\"\n", "p.toml"); },
                       ErrorKind::kInvalidInput,
                       {"p.toml:2:", "roles.popularty", "did you mean 'popularity'"});
  testing::ExpectError([] { ParseProfileConfigText("[charts]\nhistogram_bins = \"many\"\n", "c"); },
                       ErrorKind::kInvalidInput, {"c:2:", "must be an integer"});
  testing::ExpectError([] { ParseProfileConfigText("[classes]\nedges = [0, 50]\n", "c"); },
                       ErrorKind::kInvalidInput, {"popularity 0 falls in the first class"});
  testing::ExpectError([] { ParseProfileConfigText("title = \n", "bad.toml"); },
                       ErrorKind::kInvalidInput, {"bad.toml:1:", "not valid TOML"});
  testing::ExpectError([] { ParseProfileConfigText("[time]\nhemisphere = \"east\"\n", "t"); },
                       ErrorKind::kInvalidInput, {"t:2:", "'north' or 'south'"});
}

TEST(ProfileTest, ClassesKeepZeroInLow) {
  ProfileResult result = Profile(Tracks(), Small());
  ASSERT_EQ(result.classes.size(), 3u);
  EXPECT_EQ(result.classes[0].label, "low");
  EXPECT_EQ(result.classes[0].count, 3) << "0, 10, 20 are low (< 30)";
  EXPECT_EQ(result.classes[1].count, 3) << "30, 40, 50";
  EXPECT_EQ(result.classes[2].count, 4) << "60 and above";
  EXPECT_TRUE(std::isinf(result.classes[0].lower));
}

TEST(ProfileTest, SeasonsFollowTheHemisphereAndYearOnlyDatesHaveNoMonth) {
  ProfileResult north = Profile(Tracks(), Small());
  const TimeProfile& time = north.time;
  ASSERT_TRUE(time.available);
  EXPECT_EQ(time.dated_rows, 9);
  EXPECT_EQ(time.year_only_rows, 1) << "'2019' has no month";
  EXPECT_EQ(time.month_rows, 8);
  ASSERT_EQ(time.seasons.size(), 4u);
  // North: winter = Jan 5 (0), Dec 24 (60), Feb 1 (80); summer = Jul 1 (10), Jul 20 (40), Aug 8
  // (90); spring = Apr (30); autumn = Oct (50).
  EXPECT_EQ(time.seasons[0].label, "winter");
  EXPECT_EQ(time.seasons[0].count, 3);
  EXPECT_NEAR(time.seasons[0].popularity.mean, 140.0 / 3, 1e-12);
  EXPECT_EQ(time.seasons[2].count, 3);
  EXPECT_NEAR(time.seasons[2].popularity.mean, 140.0 / 3, 1e-12);
  EXPECT_EQ(time.months[6].count, 2) << "July";
  ProfileOptions south_options = Small();
  south_options.hemisphere = Hemisphere::kSouth;
  ProfileResult south = Profile(Tracks(), south_options);
  EXPECT_EQ(south.time.seasons[0].count, 3) << "southern winter is June-August";
  EXPECT_NEAR(south.time.seasons[0].popularity.mean, 140.0 / 3, 1e-12);
  EXPECT_EQ(south.time.seasons[1].count, 1) << "southern spring: October";
  EXPECT_NEAR(south.time.seasons[1].popularity.mean, 50, 1e-12);
  EXPECT_TRUE(north.time.seasons_tested);
  ASSERT_EQ(time.years.size(), 3u);
  EXPECT_EQ(time.years[0].year, 2019);
  EXPECT_EQ(time.years[0].tracks, 3);
  EXPECT_NEAR(time.years[0].popularity.mean, 10, 1e-12);
  EXPECT_NEAR(time.years[0].duration_minutes.mean, 2, 1e-12);
}

TEST(ProfileTest, WeightedMeanCountsEachRecordingOnce) {
  ProfileResult result = Profile(Tracks(), Small());
  // 2019: t1 and t2 share ISRC A (weight 1/2 each), t3 weighs 1: (0/2 + 10/2 + 20) / 2 = 12.5.
  EXPECT_NEAR(result.time.years[0].weighted_popularity.mean, 12.5, 1e-12);
  EXPECT_NE(result.time.weighting.find("ISRC"), std::string::npos) << result.time.weighting;
  ASSERT_EQ(result.overview.duplicates.size(), 2u);
  const DuplicateSummary& ids = result.overview.duplicates[0];
  EXPECT_EQ(ids.column, "track_id");
  EXPECT_EQ(ids.distinct, 9);
  EXPECT_EQ(ids.duplicate_rows, 1);
  EXPECT_EQ(ids.repeated_keys, 1);
  const DuplicateSummary& isrcs = result.overview.duplicates[1];
  EXPECT_EQ(isrcs.keyed_rows, 9) << "one ISRC is missing";
  EXPECT_EQ(isrcs.duplicate_rows, 1);
  EXPECT_EQ(isrcs.max_repeat, 2);
}

TEST(ProfileTest, ArtistsRankedWithThreshold) {
  ProfileResult result = Profile(Tracks(), Small());
  EXPECT_EQ(result.artists, 3);
  ASSERT_EQ(result.artists_by_count.size(), 3u);
  EXPECT_EQ(result.artists_by_count[0].label, "z");
  EXPECT_EQ(result.artists_by_count[0].count, 4);
  // Mean ranking: only x (3 tracks, mean 10) and z (4 tracks, mean 65) reach 3 tracks.
  ASSERT_EQ(result.artists_by_mean.size(), 2u);
  EXPECT_EQ(result.artists_by_mean[0].label, "z");
  EXPECT_NEAR(result.artists_by_mean[0].popularity.mean, 65, 1e-12);
  EXPECT_EQ(result.artists_by_mean[1].label, "x");
}

TEST(ProfileTest, CorrelationRankingAndDistributions) {
  ProfileResult result = Profile(Tracks(), Small());
  EXPECT_EQ(result.roles.features, (std::vector<std::string>{"danceability", "duration_ms"}));
  ASSERT_EQ(result.ranking.size(), 2u);
  EXPECT_NEAR(result.ranking[0].pearson, 1.0, 1e-12) << "popularity rises with both";
  EXPECT_NEAR(result.ranking[0].spearman, 1.0, 1e-12);
  ASSERT_EQ(result.distributions.size(), 3u);
  const FeatureDistribution& popularity = result.distributions.back();
  EXPECT_EQ(popularity.name, "popularity");
  EXPECT_NEAR(popularity.summary.mean, 45, 1e-12);
  EXPECT_NEAR(popularity.box.median, 45, 1e-12);
  int64_t total = 0;
  for (int64_t count : popularity.histogram.counts) total += count;
  EXPECT_EQ(total, 10);
  ASSERT_EQ(result.scatter.size(), 2u);
  EXPECT_EQ(result.scatter[0].pairs, 10);
}

TEST(ProfileTest, ResultsDoNotDependOnThreads) {
  SetThreadCount(1);
  std::string one = ProfileToJson(Profile(Tracks(), Small()));
  SetThreadCount(2);
  std::string two = ProfileToJson(Profile(Tracks(), Small()));
  SetThreadCount(0);
  EXPECT_EQ(one, two);
  auto parsed = nlohmann::json::parse(one);
  EXPECT_EQ(parsed["overview"]["rows"], 10);
  EXPECT_EQ(parsed["classes"][0]["label"], "low");
}

TEST(ProfileTest, MissingRolesBecomeNotesAndBadOptionsThrow) {
  Table bare({"popularity", "energy"},
             {MakeInt64Column({1, 2, 3}), DenseFloat64Column({0.1, 0.5, 0.2})});
  ProfileResult result = Profile(bare, {});
  EXPECT_FALSE(result.time.available);
  EXPECT_NE(result.time.note.find("roles.release_date"), std::string::npos);
  EXPECT_FALSE(result.notes.empty());
  ProfileOptions bad;
  bad.class_labels = {"low", "high"};
  testing::ExpectError([&] { Profile(bare, bad); }, ErrorKind::kInvalidArgument,
                       {"classes.labels needs 3 names for 2 edges"});
  testing::ExpectError([&] { Profile(bare.Slice(0, 0), {}); }, ErrorKind::kInvalidInput,
                       {"no rows"});
}

}  // namespace
}  // namespace hitscope
