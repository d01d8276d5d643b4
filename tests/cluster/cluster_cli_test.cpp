// `hitscope cluster` end to end: outputs, exit codes and messages.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
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

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ClusterCliTest, HelpHasExamples) {
  testing::TempDir dir;
  CliRun run = Hitscope("cluster --help", dir);
  EXPECT_EQ(run.code, 0);
  EXPECT_TRUE(Has(run.out, "Examples:")) << run.out;
  EXPECT_TRUE(Has(run.out, "--algo")) << run.out;
  EXPECT_TRUE(Has(Hitscope("--help", dir).out, "cluster"));
}

TEST(ClusterCliTest, KMeansOnTheBundledDataSummaryJsonAndLabels) {
  testing::TempDir dir;
  CliRun run = Hitscope("cluster " + kBundled + " --k 4 --seed 0", dir);
  ASSERT_EQ(run.code, 0) << run.err;
  for (const char* part : {"32833 rows", "found 4 clusters", "silhouette 0.3039 (exact",
                           "Kruskal-Wallis", "track_popularity", "instrumental"}) {
    EXPECT_TRUE(Has(run.out, part)) << part << "\n" << run.out;
  }
  CliRun json = Hitscope("-q cluster " + kBundled + " --json --out " + dir.File("c.json") +
                             " --labels " + dir.File("labels.csv") + " --silhouette none",
                         dir);
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_TRUE(json.out.empty());
  auto parsed = nlohmann::json::parse(testing::ReadText(dir.File("c.json")));
  EXPECT_EQ(parsed["n_clusters"], 4);
  EXPECT_EQ(parsed["clusters"].size(), 4u);
  EXPECT_EQ(parsed["scaling"]["method"], "standard");
  EXPECT_NEAR(parsed["inertia"].get<double>(), 56282.30605245262, 1e-6);
  EXPECT_TRUE(parsed["indices"]["silhouette"].is_null());
  EXPECT_TRUE(parsed["popularity_test"]["p_value"].get<double>() < 1e-10);
  EXPECT_EQ(parsed["radar"]["series"].size(), 4u);
  std::string labels = testing::ReadText(dir.File("labels.csv"));
  EXPECT_EQ(labels.substr(0, labels.find('\n')), "track_id,cluster,cluster_name");
  EXPECT_EQ(std::count(labels.begin(), labels.end(), '\n'), 32834);
}

TEST(ClusterCliTest, EveryAlgorithmOnTheBundledData) {
  testing::TempDir dir;
  struct Case {
    std::string flags;
    int clusters;
    int64_t noise;
  };
  for (const Case& c : {Case{"--algo bisecting --k 5", 5, 0}, Case{"--algo birch --k 3", 3, 0},
                        Case{"--algo dbscan --eps 0.3 --min-samples 10", 11, 3383},
                        Case{"--algo kmeans --k 3 --stepper elkan --scale robust", 3, 0},
                        Case{"--algo kmeans --k 3 --scale minmax --init random", 3, 0}}) {
    CliRun run = Hitscope("-q cluster " + kBundled + " --json --silhouette sample " + c.flags, dir);
    ASSERT_EQ(run.code, 0) << c.flags << ": " << run.err;
    auto parsed = nlohmann::json::parse(run.out);
    EXPECT_EQ(parsed["n_clusters"], c.clusters) << c.flags;
    EXPECT_EQ(parsed["n_noise"], c.noise) << c.flags;
    EXPECT_FALSE(parsed["indices"]["silhouette_exact"].get<bool>()) << c.flags;
  }
}

TEST(ClusterCliTest, SweepOnChosenFeatures) {
  testing::TempDir dir;
  CliRun run = Hitscope("-q cluster " + kBundled +
                            " --features energy,valence,tempo --sweep 5 --silhouette sample "
                            "--sample-size 2000 --repeats 2 --json",
                        dir);
  ASSERT_EQ(run.code, 0) << run.err;
  auto parsed = nlohmann::json::parse(run.out);
  EXPECT_EQ(parsed["features"].size(), 3u);
  EXPECT_EQ(parsed["sweep"]["points"].size(), 4u);
  EXPECT_GE(parsed["sweep"]["elbow_k"].get<int>(), 2);
}

TEST(ClusterCliTest, UsageErrorsExitTwo) {
  testing::TempDir dir;
  for (const char* flags :
       {"--k 0", "--algo kmedoids", "--algo dbscan --eps 0", "--algo dbscan --eps -1",
        "--scale zscore", "--stepper hamerly", "--algo birch --threshold 0"}) {
    CliRun run = Hitscope("cluster " + kBundled + " " + flags, dir);
    EXPECT_EQ(run.code, 2) << flags << ": " << run.err;
    EXPECT_TRUE(Has(run.err, "hitscope: error:")) << flags << ": " << run.err;
  }
}

TEST(ClusterCliTest, BadDataExitsOneWithWhatAndHow) {
  testing::TempDir dir;
  CliRun unknown = Hitscope("cluster " + kBundled + " --features energy,danceabilty", dir);
  EXPECT_EQ(unknown.code, 1);
  EXPECT_TRUE(Has(unknown.err, "no feature column 'danceabilty'")) << unknown.err;
  EXPECT_TRUE(Has(unknown.err, "did you mean 'danceability'")) << unknown.err;

  testing::WriteText(dir.File("constant.csv"), "energy,mode\n0.1,1\n0.5,1\n0.9,1\n");
  CliRun constant =
      Hitscope("cluster " + dir.File("constant.csv") + " --features energy,mode --k 2", dir);
  EXPECT_EQ(constant.code, 1);
  EXPECT_TRUE(Has(constant.err, "feature 'mode' is constant")) << constant.err;

  testing::WriteText(dir.File("missing.csv"), "energy,valence\n0.1,0.2\n,0.5\n0.9,0.1\n0.3,0.3\n");
  CliRun missing =
      Hitscope("cluster " + dir.File("missing.csv") + " --features energy,valence --k 2", dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(Has(missing.err, "missing value at row 2")) << missing.err;
  EXPECT_TRUE(Has(missing.err, "--drop-missing")) << missing.err;
  CliRun dropped = Hitscope("-q cluster " + dir.File("missing.csv") +
                                " --features energy,valence --k 2 --drop-missing --json",
                            dir);
  ASSERT_EQ(dropped.code, 0) << dropped.err;
  EXPECT_EQ(nlohmann::json::parse(dropped.out)["rows"]["dropped"], 1);

  testing::WriteText(dir.File("inf.csv"), "energy,valence\n0.1,0.2\ninf,0.5\n0.9,0.1\n");
  CliRun inf = Hitscope("cluster " + dir.File("inf.csv") + " --features energy,valence --k 2", dir);
  EXPECT_EQ(inf.code, 1);
  EXPECT_TRUE(Has(inf.err, "'energy' has the value inf")) << inf.err;

  CliRun too_many = Hitscope("cluster " + dir.File("inf.csv") + " --features valence --k 5", dir);
  EXPECT_EQ(too_many.code, 1);
  EXPECT_TRUE(Has(too_many.err, "5 clusters need at least 5 rows")) << too_many.err;

  testing::WriteText(dir.File("empty.csv"), "");
  CliRun empty = Hitscope("cluster " + dir.File("empty.csv"), dir);
  EXPECT_EQ(empty.code, 1) << empty.err;

  testing::WriteText(dir.File("one.csv"), "energy,valence\n0.1,0.2\n0.2,0.3\n0.3,0.1\n");
  CliRun single =
      Hitscope("cluster " + dir.File("one.csv") + " --features energy,valence --k 1", dir);
  ASSERT_EQ(single.code, 0) << single.err;
  EXPECT_TRUE(Has(single.out, "not computed: the indices need between 2 and rows - 1 clusters"))
      << single.out;
}

TEST(ClusterCliTest, OutputIntoMissingFolderLeavesNothing) {
  testing::TempDir dir;
  CliRun run = Hitscope("cluster " + kBundled + " --silhouette none --out " +
                            dir.File("no/such/x.txt") + " --labels " + dir.File("no/l.csv"),
                        dir);
  EXPECT_EQ(run.code, 1);
  EXPECT_TRUE(Has(run.err, "does not exist")) << run.err;
}

TEST(ClusterCliTest, IntegratedTable) {
  testing::TempDir dir;
  ASSERT_EQ(Hitscope("-q generate --tracks 6000 --seed 2 --feature-coverage 1 "
                     "--popularity-coverage 1 --out " +
                         dir.File("gen"),
                     dir)
                .code,
            0);
  ASSERT_EQ(Hitscope("-q integrate " + dir.File("gen") + " --out " + dir.File("t.csv"), dir).code,
            0);
  CliRun run = Hitscope(
      "-q cluster " + dir.File("t.csv") + " --k 3 --json --labels " + dir.File("l.csv"), dir);
  ASSERT_EQ(run.code, 0) << run.err;
  auto parsed = nlohmann::json::parse(run.out);
  EXPECT_EQ(parsed["popularity_column"], "popularity");
  EXPECT_EQ(parsed["n_clusters"], 3);
  EXPECT_TRUE(Has(testing::ReadText(dir.File("l.csv")), "track_id,cluster,cluster_name"));
}

}  // namespace
}  // namespace hitscope
