// Clustering the bundled dataset (data/spotify_songs.csv, four audio features, standard-scaled)
// against scikit-learn 1.2.1, from tests/parity/cluster_bundled_golden.json: the same labels
// (checksum of the canonical labels and cluster sizes), inertia and indices.
#include <map>

#include <gtest/gtest.h>

#include <hitscope/cluster.hpp>
#include <hitscope/cluster_indices.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/preprocess.hpp>

#include "cluster/cluster_golden.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::Close;

class BundledParityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    golden_ = new nlohmann::json(testing::LoadGolden("tests/parity/cluster_bundled_golden.json"));
    Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"));
    Matrix raw = TableToMatrix(table, (*golden_)["features"].get<std::vector<std::string>>());
    StandardScaler scaler;
    scaler.Fit(raw);
    x_ = new Matrix(scaler.Transform(raw));
  }
  static void TearDownTestSuite() {
    delete golden_;
    delete x_;
  }
  static const nlohmann::json& Case(const std::string& name) {
    for (const auto& c : (*golden_)["cases"]) {
      if (c["name"] == name) return c;
    }
    throw std::runtime_error("no golden case " + name);
  }
  static void ExpectSameLabels(const Labels& labels, const nlohmann::json& c) {
    std::map<std::string, int64_t> sizes;
    for (int32_t label : testing::Canonical(labels)) ++sizes[std::to_string(label)];
    EXPECT_EQ(sizes, c["sizes"].get<decltype(sizes)>()) << c["name"];
    EXPECT_EQ(testing::LabelsChecksum(labels), c["labels_checksum"]) << c["name"];
  }
  static nlohmann::json* golden_;
  static Matrix* x_;
};

nlohmann::json* BundledParityTest::golden_ = nullptr;
Matrix* BundledParityTest::x_ = nullptr;

TEST_F(BundledParityTest, KMeansLloydAndElkan) {
  for (const char* name : {"kmeans_k4_seed0", "kmeans_k6_seed3_elkan"}) {
    const auto& c = Case(name);
    KMeansOptions options;
    options.n_clusters = c["k"];
    options.seed = c["seed"];
    options.n_init = c["n_init"];
    options.stepper = std::string(name).find("elkan") != std::string::npos ? KMeansStepper::kElkan
                                                                           : KMeansStepper::kLloyd;
    KMeans model(options);
    model.Fit(*x_);
    ExpectSameLabels(model.labels(), c);
    EXPECT_TRUE(Close(model.inertia(), c["inertia"], 1e-6)) << name;
  }
}

TEST_F(BundledParityTest, BisectingKMeans) {
  const auto& c = Case("bisecting_k5");
  BisectingKMeansOptions options;
  options.n_clusters = c["k"];
  options.seed = c["seed"];
  BisectingKMeans model(options);
  model.Fit(*x_);
  ExpectSameLabels(model.labels(), c);
  EXPECT_TRUE(Close(model.inertia(), c["inertia"], 1e-6));
}

TEST_F(BundledParityTest, Birch) {
  const auto& c = Case("birch_k3");
  BirchOptions options;
  options.n_clusters = c["k"];
  options.threshold = c["threshold"];
  Birch model(options);
  model.Fit(*x_);
  EXPECT_EQ(model.subcluster_centers().rows(), c["subclusters"]);
  ExpectSameLabels(model.labels(), c);
}

TEST_F(BundledParityTest, Dbscan) {
  const auto& c = Case("dbscan_eps03_ms10");
  DbscanOptions options;
  options.eps = c["eps"];
  options.min_samples = c["min_samples"];
  Dbscan model(options);
  model.Fit(*x_);
  EXPECT_EQ(static_cast<int64_t>(model.core_sample_indices().size()), c["core_samples"]);
  ExpectSameLabels(model.labels(), c);
}

TEST_F(BundledParityTest, Indices) {
  const auto& indices = (*golden_)["indices"];
  KMeansOptions options;
  options.n_clusters = 4;
  KMeans model(options);
  model.Fit(*x_);
  const Labels& labels = model.labels();
  EXPECT_TRUE(Close(SilhouetteScore(*x_, labels), indices["silhouette"], 1e-9));
  SampledSilhouette sampled =
      SilhouetteSampled(*x_, labels, indices["silhouette_sampled"]["sample_size"], 1, 0);
  EXPECT_TRUE(Close(sampled.draws[0], indices["silhouette_sampled"]["value"], 1e-9));
  EXPECT_TRUE(Close(CalinskiHarabaszScore(*x_, labels), indices["calinski_harabasz"], 1e-9));
  EXPECT_TRUE(Close(DaviesBouldinScore(*x_, labels), indices["davies_bouldin"], 1e-9));
}

}  // namespace
}  // namespace hitscope
