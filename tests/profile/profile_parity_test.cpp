// The profile of the bundled dataset against pandas / scipy (tests/parity/profile_make_golden.py):
// correlation matrices, yearly means and intervals, weighted means, months, seasons and their
// Kruskal-Wallis tests, classes, duplicates, artists, box plot and histogram.
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include <hitscope/csv.hpp>
#include <hitscope/profile.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

struct Fixture {
  nlohmann::json golden;
  ProfileResult result;
};

const Fixture& Bundled() {
  static const Fixture fixture = [] {
    Fixture f;
    std::ifstream in(testing::SourcePath("tests/parity/profile_golden.json"));
    f.golden = nlohmann::json::parse(in);
    f.result = Profile(ReadCsv(testing::SourcePath("data/spotify_songs.csv")));
    return f;
  }();
  return fixture;
}

void ExpectClose(double ours, const nlohmann::json& theirs, double relative,
                 const std::string& what) {
  if (theirs.is_null()) return;  // scipy gives no interval (n < 2 or zero spread)
  double value = theirs.get<double>();
  EXPECT_NEAR(ours, value, relative * std::max(1.0, std::fabs(value))) << what;
}

void ExpectInterval(const MeanInterval& ours, const nlohmann::json& theirs,
                    const std::string& what) {
  EXPECT_EQ(ours.n, theirs["n"].get<int64_t>()) << what;
  ExpectClose(ours.mean, theirs["mean"], 1e-12, what + " mean");
  // scipy's t quantile is good to ~1e-9 (see stats_test); bounds follow.
  ExpectClose(ours.lower, theirs["lower"], 1e-8, what + " lower");
  ExpectClose(ours.upper, theirs["upper"], 1e-8, what + " upper");
}

TEST(ProfileParityTest, RolesOfTheBundledDataset) {
  const ProfileResult& r = Bundled().result;
  EXPECT_EQ(r.roles.popularity, "track_popularity");
  EXPECT_EQ(r.roles.release_date, "track_album_release_date");
  EXPECT_EQ(r.roles.artist, "track_artist");
  EXPECT_EQ(r.roles.id, "track_id");
  std::vector<std::string> columns = Bundled().golden["columns"];
  columns.pop_back();
  EXPECT_EQ(r.roles.features, columns);
}

TEST(ProfileParityTest, CorrelationMatricesEqualPandas) {
  const auto& g = Bundled().golden;
  const ProfileResult& r = Bundled().result;
  EXPECT_EQ(r.pearson.names, g["columns"].get<std::vector<std::string>>());
  for (size_t k = 0; k < r.pearson.values.size(); ++k) {
    ExpectClose(r.pearson.values[k], g["pearson"][k], 1e-12, "pearson " + std::to_string(k));
    ExpectClose(r.spearman.values[k], g["spearman"][k], 1e-12, "spearman " + std::to_string(k));
  }
}

TEST(ProfileParityTest, YearsMonthsSeasonsAndTestsEqualPandasAndScipy) {
  const auto& g = Bundled().golden;
  const TimeProfile& t = Bundled().result.time;
  ASSERT_EQ(t.years.size(), g["years"].size());
  for (size_t k = 0; k < t.years.size(); ++k) {
    const auto& want = g["years"][k];
    std::string what = "year " + std::to_string(t.years[k].year);
    EXPECT_EQ(t.years[k].year, want["year"].get<int>());
    EXPECT_EQ(t.years[k].tracks, want["tracks"].get<int64_t>()) << what;
    ExpectInterval(t.years[k].popularity, want["popularity"], what);
    ExpectInterval(t.years[k].duration_minutes, want["minutes"], what + " minutes");
    ExpectClose(t.years[k].weighted_popularity.mean, want["weighted"]["mean"], 1e-12, what + " w");
    ExpectClose(t.years[k].weighted_popularity.lower, want["weighted"]["lower"], 1e-8, what);
    ExpectClose(t.years[k].weighted_popularity.upper, want["weighted"]["upper"], 1e-8, what);
  }
  EXPECT_EQ(t.month_rows, g["month_rows"].get<int64_t>());
  EXPECT_EQ(t.year_only_rows, g["year_only_rows"].get<int64_t>());
  for (int m = 0; m < 12; ++m) ExpectInterval(t.months[m].popularity, g["months"][m], "month");
  for (int s = 0; s < 4; ++s) ExpectInterval(t.seasons[s].popularity, g["seasons"][s], "season");
  ASSERT_TRUE(t.seasons_tested);
  ExpectClose(t.seasons_test.statistic, g["season_kruskal"]["statistic"], 1e-10, "H");
  EXPECT_NEAR(t.seasons_test.p_value / g["season_kruskal"]["p_value"].get<double>(), 1.0, 1e-8);
  ExpectClose(t.seasons_test.epsilon_squared, g["season_kruskal"]["epsilon_squared"], 1e-10,
              "epsilon^2");
  ExpectClose(t.months_test.statistic, g["month_kruskal"]["statistic"], 1e-10, "months H");
}

TEST(ProfileParityTest, ClassesDuplicatesArtistsBoxAndHistogramEqualPandas) {
  const auto& g = Bundled().golden;
  const ProfileResult& r = Bundled().result;
  for (int c = 0; c < 3; ++c) EXPECT_EQ(r.classes[c].count, g["classes"][c].get<int64_t>());
  const DuplicateSummary& ids = r.overview.duplicates.at(0);
  EXPECT_EQ(ids.distinct, g["duplicates"]["distinct"].get<int64_t>());
  EXPECT_EQ(ids.duplicate_rows, g["duplicates"]["duplicate_rows"].get<int64_t>());
  EXPECT_EQ(ids.repeated_keys, g["duplicates"]["repeated_keys"].get<int64_t>());
  EXPECT_EQ(ids.max_repeat, g["duplicates"]["max_repeat"].get<int64_t>());
  EXPECT_EQ(r.artists, g["artists"].get<int64_t>());
  ASSERT_EQ(r.artists_by_count.size(), g["artists_by_count"].size());
  for (size_t k = 0; k < r.artists_by_count.size(); ++k) {
    EXPECT_EQ(r.artists_by_count[k].count, g["artists_by_count"][k]["tracks"].get<int64_t>());
  }
  ASSERT_EQ(r.artists_by_mean.size(), g["artists_by_mean"].size());
  for (size_t k = 0; k < r.artists_by_mean.size(); ++k) {
    EXPECT_EQ(r.artists_by_mean[k].label, g["artists_by_mean"][k]["artist"].get<std::string>());
    ExpectClose(r.artists_by_mean[k].popularity.mean, g["artists_by_mean"][k]["mean"], 1e-12,
                "artist mean");
  }
  const BoxPlotStats& box = r.distributions.back().box;
  EXPECT_EQ(box.q1, g["popularity_box"]["q1"].get<double>());
  EXPECT_EQ(box.median, g["popularity_box"]["median"].get<double>());
  EXPECT_EQ(box.q3, g["popularity_box"]["q3"].get<double>());
  EXPECT_EQ(box.outliers_low, g["popularity_box"]["outliers_low"].get<int64_t>());
  EXPECT_EQ(box.outliers_high, g["popularity_box"]["outliers_high"].get<int64_t>());
  const FeatureDistribution& dance = r.distributions.front();
  ASSERT_EQ(dance.name, "danceability");
  EXPECT_EQ(dance.histogram.counts,
            g["danceability_histogram"]["counts"].get<std::vector<int64_t>>());
}

}  // namespace
}  // namespace hitscope
