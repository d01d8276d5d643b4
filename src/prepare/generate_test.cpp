#include <hitscope/compute.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/generate.hpp>
#include <hitscope/runtime.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::ReadText;
using testing::TempDir;

const std::vector<std::string> kFiles = {
    "audio_features.csv", "sp_artist.csv", "sp_artist_release.csv",  "sp_artist_track.csv",
    "sp_release.csv",     "sp_track.csv",  "sp_track_popularity.csv"};

TEST(GenerateTest, WritesTheSchemaFiles) {
  TempDir dir;
  GenerateOptions options;
  options.tracks = 3000;
  GenerateSummary summary = GenerateCatalogue(dir.path(), options);
  EXPECT_EQ(summary.tracks, 3000);
  EXPECT_EQ(testing::ListDir(dir.path()), kFiles) << "no temporary files left behind";
  Table tracks = ReadCsv(dir.File("sp_track.csv"));
  EXPECT_EQ(tracks.num_rows(), 3000);
  EXPECT_EQ(tracks.names(),
            (std::vector<std::string>{"track_id", "track_title", "duration_ms", "isrc",
                                      "track_number", "release_id", "explicit", "disc_number",
                                      "preview_url", "updated_on"}));
  EXPECT_EQ(tracks.column("explicit").type(), DataType::kBool);
  Table features = ReadCsv(dir.File("audio_features.csv"));
  EXPECT_EQ(features.names()[0], "isrc");
  EXPECT_EQ(features.num_rows(), summary.feature_rows);
  Table releases = ReadCsv(dir.File("sp_release.csv"));
  EXPECT_EQ(releases.num_rows(), summary.releases);
  EXPECT_EQ(releases.column("release_date").type(), DataType::kDate);
}

TEST(GenerateTest, HasTheHardPartsOfRealData) {
  TempDir dir;
  GenerateOptions options;
  options.tracks = 20000;
  GenerateCatalogue(dir.path(), options);
  Table tracks = ReadCsv(dir.File("sp_track.csv"));
  // The same ISRC on several tracks.
  int64_t duplicates = 0;
  DropDuplicates(tracks, std::vector<std::string>{"isrc"}, &duplicates);
  EXPECT_GT(duplicates, 1000);
  EXPECT_GT(tracks.column("isrc").null_count(), 0) << "some tracks lack an ISRC";
  // Releases with several artists.
  Table links = ReadCsv(dir.File("sp_artist_release.csv"));
  int64_t repeated_releases = 0;
  DropDuplicates(links, std::vector<std::string>{"release_id"}, &repeated_releases);
  EXPECT_GT(repeated_releases, 100);
  // Release dates of every precision, and some missing.
  Table releases = ReadCsv(dir.File("sp_release.csv"));
  const Column& dates = releases.column("release_date");
  int precision_count[3] = {0, 0, 0};
  for (int64_t row = 0; row < dates.size(); ++row) {
    if (!dates.IsNull(row)) ++precision_count[dates.date_precisions()[row]];
  }
  EXPECT_GT(precision_count[0], 0);
  EXPECT_GT(precision_count[1], 0);
  EXPECT_GT(precision_count[2], 0);
  EXPECT_GT(dates.null_count(), 0);
  // Popularity: mostly near zero with a long tail.
  Table popularity = ReadCsv(dir.File("sp_track_popularity.csv"));
  const Column& score = popularity.column("popularity");
  int64_t zeros = 0, high = 0;
  for (int64_t v : score.ints()) {
    zeros += v == 0;
    high += v >= 30;
  }
  EXPECT_GT(zeros, score.size() / 5);
  EXPECT_GT(high, 0);
  EXPECT_LT(high, score.size() / 10);
}

TEST(GenerateTest, SameSeedSameBytesWhateverTheThreads) {
  TempDir a, b, c;
  GenerateOptions options;
  options.tracks = 5000;
  options.seed = 9;
  SetThreadCount(1);
  GenerateCatalogue(a.path(), options);
  SetThreadCount(0);
  GenerateCatalogue(b.path(), options);
  options.seed = 10;
  GenerateCatalogue(c.path(), options);
  for (const auto& file : kFiles) {
    EXPECT_EQ(ReadText(a.File(file)), ReadText(b.File(file))) << file;
  }
  EXPECT_NE(ReadText(a.File("sp_track.csv")), ReadText(c.File("sp_track.csv")));
}

TEST(GenerateTest, BadOptionsAreRefused) {
  TempDir dir;
  GenerateOptions options;
  options.tracks = 0;
  testing::ExpectError([&] { GenerateCatalogue(dir.path(), options); }, ErrorKind::kInvalidArgument,
                       {"--tracks must be at least 1"});
  options.tracks = 10;
  options.feature_coverage = 1.5;
  testing::ExpectError([&] { GenerateCatalogue(dir.path(), options); }, ErrorKind::kInvalidArgument,
                       {"coverage must be in [0, 1]"});
}

}  // namespace
}  // namespace hitscope
