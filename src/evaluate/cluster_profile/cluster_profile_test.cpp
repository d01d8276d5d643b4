// Cluster profiles and the cluster analysis: known answers, names, the popularity test, error
// paths with their messages.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <hitscope/cluster_profile.hpp>
#include <hitscope/csv.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(ClusterNameTest, FeaturesFarFromTheMeanFarthestFirst) {
  std::vector<std::string> features = {"energy", "acousticness", "instrumentalness", "tempo"};
  EXPECT_EQ(ClusterName(features, std::vector<double>{1.2, -0.8, -0.6, 0.1}),
            "high energy, not acoustic, lyrical");
  EXPECT_EQ(ClusterName(features, std::vector<double>{0.1, 0.9, 2.0, -0.2}),
            "instrumental, acoustic");
  EXPECT_EQ(ClusterName(features, std::vector<double>{0.1, 0.2, -0.3, 0.4}), "average");
  EXPECT_EQ(ClusterName({"Foo"}, std::vector<double>{-3}), "low Foo");
  ClusterProfileOptions one;
  one.name_features = 1;
  one.name_threshold = 0.1;
  EXPECT_EQ(ClusterName(features, std::vector<double>{0.2, 0.3, -0.2, 0.25}, one), "acoustic");
}

TEST(ProfileClustersTest, KnownCentroidsPopularityAndTest) {
  // Two clusters of three rows; cluster 1 is high energy, low acousticness. Energy is tight
  // within clusters, so it stands out more (|z| nearer 1) and comes first in the names.
  Matrix x(6, 2,
           std::vector<double>{0.19, 1.0, 0.2, 0.8, 0.21, 0.6,  //
                               0.81, 0.0, 0.8, 0.2, 0.79, 0.4});
  std::vector<int32_t> labels = {0, 0, 0, 1, 1, 1};
  std::vector<double> popularity = {10, 20, 30, 60, NAN, 80};
  ClusterProfile p =
      ProfileClusters(x, labels, {"energy", "acousticness"}, popularity, "popularity");
  ASSERT_EQ(p.clusters.size(), 2u);
  const ClusterSummary& low = p.clusters[0];
  const ClusterSummary& high = p.clusters[1];
  EXPECT_NEAR(low.centroid[0], 0.2, 1e-15);
  EXPECT_NEAR(high.centroid[0], 0.8, 1e-15);
  EXPECT_NEAR(p.overall_mean[0], 0.5, 1e-15);
  EXPECT_GT(high.z[0], 0.5);
  EXPECT_EQ(high.name, "high energy, not acoustic");
  EXPECT_EQ(low.name, "low energy, acoustic");
  // Radar: energy 0.8 between min 0.19 and max 0.81.
  EXPECT_NEAR(high.radar[0], (0.8 - 0.19) / (0.81 - 0.19), 1e-12);
  EXPECT_EQ(high.size, 3);
  EXPECT_EQ(high.popularity_count, 2) << "missing popularity is skipped";
  EXPECT_DOUBLE_EQ(high.popularity_mean, 70);
  EXPECT_DOUBLE_EQ(low.popularity_median, 20);
  EXPECT_DOUBLE_EQ(low.popularity_q25, 15);
  EXPECT_DOUBLE_EQ(low.popularity_q75, 25);
  EXPECT_DOUBLE_EQ(low.popularity_iqr, 10);
  ASSERT_TRUE(p.popularity_test.has_value());
  // scipy.stats.kruskal([10, 20, 30], [60, 80]): H = 3.0, p = 0.0832645166635504.
  EXPECT_NEAR(p.popularity_test->statistic, 3.0, 1e-12);
  EXPECT_NEAR(p.popularity_test->p_value, 0.0832645166635504, 1e-12);
}

TEST(ProfileClustersTest, NoiseLastDuplicateNamesAndNoTestForOneCluster) {
  Matrix x(4, 1, std::vector<double>{0, 0.1, 5, 9});
  ClusterProfile p = ProfileClusters(x, std::vector<int32_t>{0, 0, -1, -1}, {"energy"},
                                     std::vector<double>{1, 2, 3, 4}, "popularity");
  ASSERT_EQ(p.clusters.size(), 2u);
  EXPECT_EQ(p.clusters.back().label, -1);
  EXPECT_EQ(p.clusters.back().name, "noise");
  EXPECT_FALSE(p.popularity_test.has_value());
  EXPECT_NE(p.popularity_test_note.find("fewer than two clusters"), std::string::npos);
}

const char* kTracks =
    "track_id,energy,acousticness,mode,popularity,genre\n"
    "a,0.10,0.90,1,10,x\n"
    "b,0.12,0.85,1,12,x\n"
    "c,0.11,0.88,1,14,x\n"
    "d,0.90,0.10,1,60,y\n"
    "e,0.92,0.12,1,65,y\n"
    "f,0.88,0.08,1,70,y\n";

TEST(AnalyseClustersTest, KMeansOnATinyTableFindsTheTwoGroups) {
  Table table = ReadCsvString(kTracks);
  ClusterAnalysisOptions options;
  options.features = {"energy", "acousticness"};
  options.kmeans.n_clusters = 2;
  ClusterAnalysis a = AnalyseClusters(table, options);
  EXPECT_EQ(a.n_clusters, 2);
  EXPECT_EQ(a.labels[0], a.labels[1]);
  EXPECT_EQ(a.labels[0], a.labels[2]);
  EXPECT_NE(a.labels[0], a.labels[3]);
  EXPECT_TRUE(a.indices.computed);
  EXPECT_GT(a.indices.silhouette, 0.8);
  EXPECT_EQ(a.profile.popularity_column, "popularity");
  EXPECT_EQ(a.scaling.method, ClusterScaling::kStandard);
  EXPECT_NEAR(a.scaling.center[0], (0.10 + 0.12 + 0.11 + 0.90 + 0.92 + 0.88) / 6, 1e-12);
  auto json = nlohmann::json::parse(ClusterAnalysisToJson(a));
  EXPECT_EQ(json["n_clusters"], 2);
  EXPECT_EQ(json["clusters"].size(), 2u);
  EXPECT_EQ(json["radar"]["axes"].size(), 2u);
  EXPECT_TRUE(json["popularity_test"].is_object());
  std::string text = FormatClusterAnalysis(a);
  EXPECT_NE(text.find("Kruskal-Wallis"), std::string::npos) << text;
  EXPECT_NE(text.find("high energy, not acoustic"), std::string::npos) << text;
  Table labels = ClusterLabelsTable(table, a, {"track_id", "nope"});
  EXPECT_EQ(labels.names(), (std::vector<std::string>{"track_id", "cluster", "cluster_name"}));
}

TEST(AnalyseClustersTest, EveryAlgorithmRunsAndDbscanLeavesNoiseOutOfTheIndices) {
  Table table = ReadCsvString(kTracks);
  for (const char* algorithm : {"kmeans", "bisecting_kmeans", "birch", "dbscan"}) {
    ClusterAnalysisOptions options;
    options.features = {"energy", "acousticness"};
    options.algorithm = algorithm;
    options.kmeans.n_clusters = options.bisecting.n_clusters = options.birch.n_clusters = 2;
    options.dbscan.eps = 0.5;
    options.dbscan.min_samples = 3;
    ClusterAnalysis a = AnalyseClusters(table, options);
    EXPECT_EQ(a.n_clusters, 2) << algorithm;
    EXPECT_EQ(a.n_noise, 0) << algorithm;
  }
  ClusterAnalysisOptions noisy;
  noisy.features = {"energy", "acousticness"};
  noisy.algorithm = "dbscan";
  noisy.dbscan.eps = 0.1;
  noisy.dbscan.min_samples = 3;
  noisy.scaling = ClusterScaling::kNone;
  Table with_outlier = ReadCsvString(std::string(kTracks) + "g,0.5,0.5,1,30,z\n");
  ClusterAnalysis a = AnalyseClusters(with_outlier, noisy);
  EXPECT_EQ(a.n_noise, 1);
  EXPECT_EQ(a.labels[6], -1);
  EXPECT_EQ(a.indices.note, "noise rows left out");
  EXPECT_EQ(a.indices.rows, 6);
}

TEST(AnalyseClustersTest, BadInputGetsClearErrors) {
  Table table = ReadCsvString(kTracks);
  ClusterAnalysisOptions options;
  options.features = {"energy", "acousticnes"};
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidInput,
                       {"acousticnes", "acousticness"});
  options.features = {"energy", "mode"};
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidInput,
                       {"feature 'mode' is constant", "leave it out"});
  options.features = {"energy", "genre"};
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidInput,
                       {"'genre' is string, not numeric"});
  options.features = {"energy", "energy"};
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidArgument,
                       {"listed twice"});
  options.features = {"energy", "acousticness"};
  options.kmeans.n_clusters = 7;
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidInput,
                       {"7 clusters need at least 7 rows", "has 6"});
  options.kmeans.n_clusters = 0;
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidArgument,
                       {"at least 1"});
  options.kmeans.n_clusters = 2;
  options.algorithm = "kmedoids";
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidArgument,
                       {"unknown clustering algorithm 'kmedoids'"});
  options.algorithm = "dbscan";
  options.dbscan.eps = 0;
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidArgument,
                       {"eps must be", "> 0"});
  options.algorithm = "kmeans";
  Table empty = ReadCsvString("energy,acousticness\n", "<empty>", [] {
    CsvReadOptions o;
    o.allow_empty = true;
    return o;
  }());
  testing::ExpectError([&] { AnalyseClusters(empty, options); }, ErrorKind::kInvalidInput,
                       {"no rows"});
}

TEST(AnalyseClustersTest, MissingValuesStopOrAreLeftOut) {
  Table table = ReadCsvString(std::string(kTracks) + "g,,0.5,1,30,z\n");
  ClusterAnalysisOptions options;
  options.features = {"energy", "acousticness"};
  options.kmeans.n_clusters = 2;
  testing::ExpectError([&] { AnalyseClusters(table, options); }, ErrorKind::kInvalidInput,
                       {"'energy'", "missing value", "--drop-missing"});
  options.drop_missing = true;
  ClusterAnalysis a = AnalyseClusters(table, options);
  EXPECT_EQ(a.rows_dropped, 1);
  EXPECT_EQ(a.labels[6], -2);
  Table labels = ClusterLabelsTable(table, a, {"track_id"});
  EXPECT_TRUE(labels.column("cluster").IsNull(6));
}

TEST(AnalyseClustersTest, SweepAndScalings) {
  Table table = ReadCsvString(kTracks);
  for (ClusterScaling scaling : {ClusterScaling::kNone, ClusterScaling::kStandard,
                                 ClusterScaling::kMinMax, ClusterScaling::kRobust}) {
    ClusterAnalysisOptions options;
    options.features = {"energy", "acousticness"};
    options.kmeans.n_clusters = 2;
    options.scaling = scaling;
    options.sweep_k_max = 4;
    ClusterAnalysis a = AnalyseClusters(table, options);
    EXPECT_EQ(a.scaling.method, scaling);
    ASSERT_TRUE(a.sweep.has_value());
    EXPECT_EQ(a.sweep->points.size(), 3u);
    EXPECT_EQ(a.sweep->best_silhouette_k, 2) << ClusterScalingName(scaling);
  }
  EXPECT_EQ(ParseClusterScaling("min-max"), ClusterScaling::kMinMax);
  testing::ExpectError([] { ParseClusterScaling("zscore"); }, ErrorKind::kInvalidArgument,
                       {"unknown scaling 'zscore'", "standard"});
}

}  // namespace
}  // namespace hitscope
