// End-to-end tests of the hitscope executable: exit codes, messages, outputs on disk.
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::CliRun;

CliRun Hitscope(const std::string& args, const testing::TempDir& dir) {
  return testing::RunCommand(std::string(HITSCOPE_CLI) + " " + args, dir);
}

const std::string kBundled = testing::SourcePath("data/spotify_songs.csv");

TEST(CliTest, HelpListsCommandsAndExitCodes) {
  testing::TempDir dir;
  CliRun run = Hitscope("--help", dir);
  EXPECT_EQ(run.code, 0);
  for (const char* word : {"generate", "integrate", "describe", "Exit codes"}) {
    EXPECT_NE(run.out.find(word), std::string::npos) << word;
  }
  for (const char* command : {"generate", "integrate", "describe"}) {
    CliRun help = Hitscope(std::string(command) + " --help", dir);
    EXPECT_EQ(help.code, 0) << command;
    EXPECT_NE(help.out.find("Examples:"), std::string::npos) << command;
  }
}

TEST(CliTest, UsageErrorsExitTwo) {
  testing::TempDir dir;
  EXPECT_EQ(Hitscope("", dir).code, 2) << "a command is required";
  EXPECT_EQ(Hitscope("frobnicate", dir).code, 2);
  EXPECT_EQ(Hitscope("describe", dir).code, 2) << "FILE is required";
  EXPECT_EQ(Hitscope("generate --out x --tracks 0", dir).code, 2);
  CliRun run = Hitscope("describe " + kBundled + " --type tempo=decimal", dir);
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("unknown type 'decimal'"), std::string::npos) << run.err;
}

TEST(CliTest, DescribeBundledAsTableAndJson) {
  testing::TempDir dir;
  CliRun run = Hitscope("describe " + kBundled, dir);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("32833 rows, 23 columns"), std::string::npos);
  EXPECT_NE(run.out.find("track_popularity"), std::string::npos);
  CliRun json = Hitscope("describe " + kBundled + " --json", dir);
  ASSERT_EQ(json.code, 0);
  auto parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["rows"], 32833);
  EXPECT_EQ(parsed["columns"].size(), 23u);
}

TEST(CliTest, BadInputExitsOneWithLocation) {
  testing::TempDir dir;
  testing::WriteText(dir.File("bad.csv"), "a,b\n1,2\n3\n");
  CliRun run = Hitscope("describe " + dir.File("bad.csv"), dir);
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("bad.csv:3:1: expected 2 fields, found 1"), std::string::npos) << run.err;
  CliRun skipped = Hitscope("describe " + dir.File("bad.csv") + " --bad-rows skip", dir);
  EXPECT_EQ(skipped.code, 0) << skipped.err;
  EXPECT_NE(skipped.err.find("dropped 1 bad row"), std::string::npos) << skipped.err;
  CliRun missing = Hitscope("describe " + dir.File("nope.csv"), dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("No such file"), std::string::npos);
}

TEST(CliTest, OutputIntoMissingFolderLeavesNothing) {
  testing::TempDir dir;
  CliRun run = Hitscope("describe " + kBundled + " --out " + dir.File("no/such/x.txt"), dir);
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("does not exist"), std::string::npos) << run.err;
}

TEST(CliTest, GenerateIntegrateDescribe) {
  testing::TempDir dir;
  CliRun generate = Hitscope("generate --tracks 20000 --seed 3 --out " + dir.File("gen"), dir);
  ASSERT_EQ(generate.code, 0) << generate.err;
  EXPECT_NE(generate.err.find("wrote 20000 tracks"), std::string::npos) << generate.err;
  CliRun integrate =
      Hitscope("integrate " + dir.File("gen") + " --out " + dir.File("tracks.csv"), dir);
  ASSERT_EQ(integrate.code, 0) << integrate.err;
  EXPECT_NE(integrate.err.find("tracks with audio features (isrc)"), std::string::npos)
      << integrate.err;
  CliRun describe = Hitscope("describe --json " + dir.File("tracks.csv"), dir);
  ASSERT_EQ(describe.code, 0) << describe.err;
  auto parsed = nlohmann::json::parse(describe.out);
  EXPECT_GT(parsed["rows"].get<int>(), 100);
  CliRun json = Hitscope("-q integrate " + dir.File("gen") + " --out " + dir.File("t.json"), dir);
  ASSERT_EQ(json.code, 0) << json.err;
  auto records = nlohmann::json::parse(testing::ReadText(dir.File("t.json")));
  EXPECT_EQ(records.size(), parsed["rows"].get<size_t>());
  EXPECT_TRUE(records[0].contains("danceability"));
  CliRun quiet = Hitscope("-q generate --tracks 100 --out " + dir.File("q"), dir);
  EXPECT_EQ(quiet.code, 0);
  EXPECT_TRUE(quiet.err.empty()) << "--quiet prints nothing: " << quiet.err;
}

TEST(CliTest, IntegrateWrongFolderExitsOne) {
  testing::TempDir dir;
  CliRun run = Hitscope("integrate " + dir.path() + " --out " + dir.File("t.csv"), dir);
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("has no sp_track.csv"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("t.csv")));
}

}  // namespace
}  // namespace hitscope
