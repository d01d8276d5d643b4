// `hitscope profile` end to end: the report and JSON of the bundled dataset, flags and config,
// exit codes and messages.
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::CliRun;

CliRun Hitscope(const std::string& args, const testing::TempDir& dir) {
  return testing::RunCommand("cd " + dir.path() + " && " + std::string(HITSCOPE_CLI) + " " + args,
                             dir);
}

const std::string kBundled = testing::SourcePath("data/spotify_songs.csv");

TEST(ProfileCliTest, BundledDatasetReportAndJson) {
  testing::TempDir dir;
  CliRun run = Hitscope("profile " + kBundled + " --out r.html --json-out r.json", dir);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.err.find("seasons: Kruskal-Wallis"), std::string::npos) << run.err;
  std::string html = testing::ReadText(dir.File("r.html"));
  for (const char* id : {"overview", "distributions", "correlation", "time", "artists"}) {
    EXPECT_NE(html.find(std::string("data-section=\"") + id + "\""), std::string::npos) << id;
  }
  auto json = nlohmann::json::parse(testing::ReadText(dir.File("r.json")));
  EXPECT_EQ(json["overview"]["rows"], 32833);
  EXPECT_EQ(json["roles"]["popularity"], "track_popularity");
  EXPECT_EQ(json["time"]["seasons"].size(), 4u);
  CliRun stdout_json = Hitscope("-q profile " + kBundled + " --json", dir);
  ASSERT_EQ(stdout_json.code, 0) << stdout_json.err;
  EXPECT_TRUE(stdout_json.err.empty()) << stdout_json.err;
  EXPECT_EQ(nlohmann::json::parse(stdout_json.out)["classes"].size(), 3u);
  CliRun help = Hitscope("profile --help", dir);
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("Examples:"), std::string::npos);
}

TEST(ProfileCliTest, DefaultOutputNameAndAnyCsvWithFlags) {
  testing::TempDir dir;
  testing::WriteText(dir.File("export.csv"),
                     "song,score,released,bpm,who\n"
                     "a,0,2020-01-03,120,x\nb,10,2020-07-01,128,x\nc,50,2021-04,90,y\n"
                     "d,70,2021,140,y\ne,5,2019-10-10,100,y\n");
  CliRun run = Hitscope(
      "profile export.csv --popularity score --release-date released "
      "--features bpm --artist who --hemisphere south --class-edges 20,60 "
      "--min-artist-tracks 2",
      dir);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(std::filesystem::exists(dir.File("export.profile.html")));
  testing::WriteText(dir.File("p.toml"),
                     "[roles]\npopularity = \"score\"\nrelease_date = \"released\"\n"
                     "features = [\"bpm\"]\n[time]\nhemisphere = \"south\"\n");
  CliRun json = Hitscope("-q profile export.csv --config p.toml --json", dir);
  ASSERT_EQ(json.code, 0) << json.err;
  auto parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["time"]["hemisphere"], "south");
  EXPECT_EQ(parsed["roles"]["release_date"], "released");
  EXPECT_TRUE(parsed["time"]["available"].get<bool>());
  EXPECT_EQ(parsed["time"]["year_only_rows"], 1) << "'2021' has no month";
  EXPECT_EQ(parsed["roles"]["features"], nlohmann::json::array({"bpm"}));
}

TEST(ProfileCliTest, ErrorsExitWithCodesAndMessages) {
  testing::TempDir dir;
  CliRun missing = Hitscope("profile " + kBundled + " --popularity populariti --out x.html", dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("'populariti' is not in the table"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("x.html")));
  CliRun edges = Hitscope("profile " + kBundled + " --class-edges 0,50", dir);
  EXPECT_EQ(edges.code, 2);
  EXPECT_NE(edges.err.find("popularity 0 falls in the first class"), std::string::npos)
      << edges.err;
  testing::WriteText(dir.File("bad.toml"), "[roles]\npopular = \"x\"\n");
  CliRun config = Hitscope("profile " + kBundled + " --config bad.toml", dir);
  EXPECT_EQ(config.code, 1);
  EXPECT_NE(config.err.find("bad.toml:2:"), std::string::npos) << config.err;
  CliRun hemisphere = Hitscope("profile " + kBundled + " --hemisphere east", dir);
  EXPECT_EQ(hemisphere.code, 2);
  CliRun no_config = Hitscope("profile " + kBundled + " --config nope.toml", dir);
  EXPECT_EQ(no_config.code, 1);
  EXPECT_NE(no_config.err.find("nope.toml"), std::string::npos);
  CliRun out_dir = Hitscope("profile " + kBundled + " --out no/such/r.html", dir);
  EXPECT_EQ(out_dir.code, 1);
  EXPECT_NE(out_dir.err.find("does not exist"), std::string::npos) << out_dir.err;
}

}  // namespace
}  // namespace hitscope
