#include <filesystem>

#include <hitscope/csv.hpp>
#include <hitscope/integrate.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::TempDir;
using testing::WriteText;

// A catalogue small enough to join by hand:
//  t1: release r1 (two artists), isrc I1 with features, popularity 10
//  t2: release r1, isrc I1 again (shares features), popularity 0
//  t3: no popularity fetched                      -> dropped at step 1
//  t4: isrc without features                      -> dropped at the features step
//  t5: release missing from sp_release.csv        -> dropped at the release step
//  t6: release r2 (year-only date), no artist link -> kept, artist empty
void WriteCatalogue(const TempDir& dir, bool with_popularity = true) {
  WriteText(dir.File("sp_track.csv"),
            "track_id,track_title,duration_ms,isrc,track_number,release_id,explicit,disc_number,"
            "preview_url,updated_on\n"
            "t1,\"Song, One\",200000,I1,1,r1,f,1,,2023-01-01 00:00:00\n"
            "t2,Song One (Remix),210000,I1,2,r1,t,1,,2023-01-01 00:00:00\n"
            "t3,Three,180000,I3,3,r1,f,1,,2023-01-01 00:00:00\n"
            "t4,Four,180000,I4,1,r2,f,1,,2023-01-01 00:00:00\n"
            "t5,Five,180000,I5,1,r9,f,1,,2023-01-01 00:00:00\n"
            "t6,Six,300000,I6,2,r2,f,1,,2023-01-01 00:00:00\n");
  WriteText(dir.File("sp_release.csv"),
            "release_id,release_title,release_date,upc,popularity,total_tracks,album_type,"
            "release_img,label_name,updated_on\n"
            "r1,First,2019-06-14,1,12,3,album,x,Lab,2023-01-01 00:00:00\n"
            "r2,Second,2015,2,,2,single,x,,2023-01-01 00:00:00\n");
  WriteText(dir.File("sp_artist.csv"),
            "artist_id,artist_name,updated_on\n"
            "a1,Alpha,2023-01-01 00:00:00\n"
            "a2,Beta,2023-01-01 00:00:00\n");
  WriteText(dir.File("sp_artist_release.csv"),
            "release_id,artist_id,updated_on\n"
            "r1,a2,2023-01-01 00:00:00\n"
            "r1,a1,2023-01-01 00:00:00\n");
  WriteText(dir.File("sp_artist_track.csv"),
            "track_id,artist_id,updated_on\n"
            "t1,a1,2023-01-01 00:00:00\n"
            "t1,a2,2023-01-01 00:00:00\n"
            "t2,a1,2023-01-01 00:00:00\n");
  std::string features =
      "isrc,acousticness,danceability,duration_ms,energy,instrumentalness,key,liveness,loudness,"
      "mode,speechiness,tempo,time_signature,valence,updated_on\n";
  for (const char* isrc : {"I1", "I3", "I5", "I6", "I1"}) {
    features += std::string(isrc) + ",0.1,0.7,200000,0.8,0.5,5,0.1,-6.5,1,0.05,128.0,4,0.4,x\n";
  }
  WriteText(dir.File("audio_features.csv"), features);
  if (with_popularity) {
    WriteText(dir.File("sp_track_popularity.csv"),
              "track_id,popularity\nt1,10\nt2,0\nt4,5\nt5,7\nt6,3\n");
  }
}

std::vector<std::string> Strings(const Column& column) {
  std::vector<std::string> out;
  for (int64_t row = 0; row < column.size(); ++row) out.push_back(column.ToString(row));
  return out;
}

TEST(IntegrateTest, JoinsByHandKnownAnswer) {
  TempDir dir;
  WriteCatalogue(dir);
  IntegrateReport report;
  Table table = Integrate(dir.path(), {}, &report);
  EXPECT_EQ(Strings(table.column("track_id")), (std::vector<std::string>{"t1", "t2", "t6"}));
  EXPECT_EQ(Strings(table.column("popularity")), (std::vector<std::string>{"10", "0", "3"}));
  EXPECT_EQ(Strings(table.column("artist")), (std::vector<std::string>{"Alpha", "Alpha", ""}));
  EXPECT_EQ(Strings(table.column("artists")),
            (std::vector<std::string>{"Alpha; Beta", "Alpha", ""}));
  EXPECT_EQ(Strings(table.column("artist_count")), (std::vector<std::string>{"2", "1", "0"}));
  EXPECT_EQ(Strings(table.column("release_date")),
            (std::vector<std::string>{"2019-06-14", "2019-06-14", "2015"}));
  EXPECT_EQ(Strings(table.column("track_title"))[0], "Song, One");
  EXPECT_EQ(table.column("danceability").floats()[2], 0.7);
  EXPECT_EQ(report.duplicate_feature_rows, 1);
  ASSERT_GE(report.steps.size(), 4u);
  EXPECT_EQ(report.steps[0].rows_in, 6);
  EXPECT_EQ(report.steps[0].rows_kept, 5) << "t3 has no popularity";
  EXPECT_NE(report.Summary().find("ISRC missing or not in audio_features.csv"), std::string::npos)
      << report.Summary();
  EXPECT_NE(report.popularity_source.find("track"), std::string::npos);
}

TEST(IntegrateTest, ReleaseArtistsAndReleasePopularity) {
  TempDir dir;
  WriteCatalogue(dir, /*with_popularity=*/false);
  IntegrateOptions options;
  options.artists = ArtistSource::kRelease;
  IntegrateReport report;
  Table table = Integrate(dir.path(), options, &report);
  // t3 is back (no popularity file); r2 has no popularity, so t4/t6 go; t5 has no release.
  EXPECT_EQ(Strings(table.column("track_id")), (std::vector<std::string>{"t1", "t2", "t3"}));
  EXPECT_EQ(Strings(table.column("popularity")), (std::vector<std::string>{"12", "12", "12"}));
  EXPECT_EQ(Strings(table.column("artists"))[0], "Beta; Alpha") << "the release's listed order";
  EXPECT_NE(report.popularity_source.find("release"), std::string::npos);
}

TEST(IntegrateTest, MissingFileSaysWhatIsExpected) {
  TempDir dir;
  WriteCatalogue(dir);
  std::filesystem::remove(dir.File("sp_artist.csv"));
  testing::ExpectError([&] { Integrate(dir.path()); }, ErrorKind::kIo,
                       {"has no sp_artist.csv", "hitscope generate"});
}

TEST(IntegrateTest, MissingColumnNamesFileAndColumn) {
  TempDir dir;
  WriteCatalogue(dir);
  WriteText(dir.File("sp_release.csv"), "release_id,title\nr1,x\n");
  testing::ExpectError([&] { Integrate(dir.path()); }, ErrorKind::kInvalidInput,
                       {"sp_release.csv", "has no column 'release_title'"});
}

TEST(IntegrateTest, MalformedRowStopsWithLocationUnlessSkipped) {
  TempDir dir;
  WriteCatalogue(dir);
  WriteText(dir.File("sp_track_popularity.csv"), "track_id,popularity\nt1,10\nt2,high\nt6,3\n");
  testing::ExpectError([&] { Integrate(dir.path()); }, ErrorKind::kInvalidInput,
                       {"sp_track_popularity.csv:3:4: field 2 'popularity'"});
  IntegrateOptions options;
  options.bad_rows = BadRowPolicy::kSkip;
  IntegrateReport report;
  Table table = Integrate(dir.path(), options, &report);
  EXPECT_EQ(report.bad_rows, 1);
  EXPECT_EQ(table.num_rows(), 2);
}

}  // namespace
}  // namespace hitscope
