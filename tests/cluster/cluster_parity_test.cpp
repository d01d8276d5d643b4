// Clustering against scikit-learn 1.2.1 on small fixed datasets, from the golden file made by
// tests/parity/cluster_make_goldens.py: k-means++ picks the same rows; k-means (Lloyd and Elkan,
// given starts, empty clusters, weights), bisecting k-means, BIRCH and DBSCAN give the same
// labels; the indices agree to 1e-9.
#include <cmath>

#include <gtest/gtest.h>

#include <hitscope/cluster.hpp>
#include <hitscope/cluster_indices.hpp>

#include "cluster/cluster_golden.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::Canonical;
using testing::Close;

const nlohmann::json& Golden() {
  static const nlohmann::json golden = testing::LoadGolden("tests/parity/cluster_golden.json");
  return golden;
}

Matrix Dataset(const std::string& name) {
  return testing::MatrixFromJson(Golden()["datasets"][name]);
}

std::vector<double> Weights(const std::string& name) {
  return Golden()["weights"][name].get<std::vector<double>>();
}

KMeansInit InitOf(const std::string& name) {
  if (name == "k-means++") return KMeansInit::kKMeansPlusPlus;
  if (name == "random") return KMeansInit::kRandom;
  return KMeansInit::kGiven;
}

// Every centre of `ours` equals one of `theirs` (the goldens hold sklearn's centres in its own
// label order, which is a permutation of ours).
void ExpectSameCenters(const Matrix& ours, const Matrix& theirs, double tolerance,
                       const std::string& what) {
  ASSERT_EQ(ours.rows(), theirs.rows()) << what;
  for (int64_t c = 0; c < ours.rows(); ++c) {
    bool found = false;
    for (int64_t t = 0; t < theirs.rows() && !found; ++t) {
      bool same = true;
      for (int64_t f = 0; f < ours.cols(); ++f)
        same = same && Close(ours(c, f), theirs(t, f), tolerance);
      found = same;
    }
    EXPECT_TRUE(found) << what << ": our centre " << c << " matches none of sklearn's";
  }
}

TEST(ClusterParityTest, KMeansPlusPlusPicksTheSameRows) {
  for (const auto& entry : Golden()["kmeans_plusplus"]) {
    KMeansOptions options;
    options.n_clusters = entry["k"];
    options.n_init = entry["n_init"];
    options.seed = entry["seed"];
    options.max_iter = 1;
    KMeans model(options);
    model.Fit(Dataset(entry["dataset"]));
    std::vector<std::vector<int64_t>> expected = entry["indices"];
    EXPECT_EQ(model.initial_indices(), expected) << "seed " << entry["seed"] << " k " << entry["k"];
  }
}

TEST(ClusterParityTest, KMeansSameLabelsInertiaAndIterations) {
  for (const auto& c : Golden()["kmeans"]) {
    const std::string name = c["name"];
    KMeansOptions options;
    options.n_clusters = c["k"];
    options.init = InitOf(c["init"]);
    options.n_init = c["n_init"];
    options.seed = c["seed"];
    options.max_iter = c["max_iter"];
    options.tol = c["tol"];
    options.stepper = c["algorithm"] == "elkan" ? KMeansStepper::kElkan : KMeansStepper::kLloyd;
    if (options.init == KMeansInit::kGiven) {
      std::vector<double> values;
      for (const auto& row : c["initial_centers"]) {
        for (double v : row) values.push_back(v);
      }
      options.initial_centers = Matrix(options.n_clusters, 3, values);
    }
    std::vector<double> weights = c["weighted"] ? Weights("blobs") : std::vector<double>{};
    KMeans model(options);
    model.Fit(Dataset(c["dataset"]), weights);
    const std::vector<int32_t> expected = c["labels"];
    EXPECT_EQ(Canonical(model.labels()), expected) << name;
    EXPECT_TRUE(Close(model.inertia(), c["inertia"], 1e-6))
        << name << ": " << model.inertia() << " vs " << c["inertia"];
    EXPECT_TRUE(Close(model.inertia(), c["inertia"], 1e-12)) << name << " (tighter than asked)";
    EXPECT_EQ(model.n_iter(), c["n_iter"]) << name;
    ExpectSameCenters(model.cluster_centers(), testing::MatrixFromJson(c["centers"]), 1e-9, name);
  }
}

TEST(ClusterParityTest, BisectingKMeansSameTree) {
  for (const auto& c : Golden()["bisecting"]) {
    const std::string name = c["name"];
    BisectingKMeansOptions options;
    options.n_clusters = c["k"];
    options.strategy = c["strategy"] == "largest_cluster" ? BisectingStrategy::kLargestCluster
                                                          : BisectingStrategy::kBiggestInertia;
    options.init = InitOf(c["init"]);
    options.n_init = c["n_init"];
    options.seed = c["seed"];
    BisectingKMeans model(options);
    const Matrix x = Dataset(c["dataset"]);
    model.Fit(x);
    const std::vector<int32_t> expected = c["labels"];
    EXPECT_EQ(Canonical(model.labels()), expected) << name;
    EXPECT_TRUE(Close(model.inertia(), c["inertia"], 1e-9)) << name;
    // Labels number the leaves left to right in both: equal, not only up to a permutation.
    const Matrix theirs = testing::MatrixFromJson(c["centers"]);
    for (int64_t j = 0; j < theirs.rows(); ++j) {
      for (int64_t f = 0; f < theirs.cols(); ++f) {
        EXPECT_TRUE(Close(model.cluster_centers()(j, f), theirs(j, f), 1e-9)) << name;
      }
    }
    std::vector<int64_t> first(20);
    for (int i = 0; i < 20; ++i) first[i] = i;
    Matrix shifted = x.TakeRows(first);
    for (double& v : shifted.mutable_data()) v += 0.3;
    EXPECT_EQ(model.Predict(shifted), c["predict"].get<std::vector<int32_t>>()) << name;
  }
}

TEST(ClusterParityTest, BirchSameSubclustersAndLabels) {
  for (const auto& c : Golden()["birch"]) {
    const std::string name = c["name"];
    BirchOptions options;
    options.threshold = c["threshold"];
    options.branching_factor = c["branching_factor"];
    options.n_clusters = c["n_clusters"];
    Birch model(options);
    model.Fit(Dataset(c["dataset"]));
    const Matrix theirs = testing::MatrixFromJson(c["subcluster_centers"]);
    ASSERT_EQ(model.subcluster_centers().rows(), theirs.rows()) << name;
    for (size_t i = 0; i < theirs.data().size(); ++i) {
      ASSERT_TRUE(Close(model.subcluster_centers().data()[i], theirs.data()[i], 1e-12))
          << name << " value " << i;
    }
    EXPECT_EQ(model.subcluster_labels(), c["subcluster_labels"].get<std::vector<int32_t>>())
        << name;
    EXPECT_EQ(Canonical(model.labels()), c["labels"].get<std::vector<int32_t>>()) << name;
    EXPECT_EQ(model.global_step_skipped(), name == "too_few_subclusters") << name;
  }
}

TEST(ClusterParityTest, DbscanSameCoreBorderAndNoise) {
  for (const auto& c : Golden()["dbscan"]) {
    const std::string name = c["name"];
    DbscanOptions options;
    options.eps = c["eps"];
    options.min_samples = c["min_samples"];
    Dbscan model(options);
    std::vector<double> weights = c["weighted"] ? Weights("dense") : std::vector<double>{};
    model.Fit(Dataset(c["dataset"]), weights);
    // Not only up to a permutation: clusters are numbered as sklearn numbers them, and border
    // rows join the lowest-numbered neighbouring cluster, as sklearn's expansion does.
    EXPECT_EQ(model.labels(), c["labels"].get<std::vector<int32_t>>()) << name;
    EXPECT_EQ(model.core_sample_indices(), c["core_sample_indices"].get<std::vector<int64_t>>())
        << name;
  }
}

TEST(ClusterParityTest, IndicesAgreeTo1e9) {
  for (const auto& c : Golden()["indices"]) {
    const std::string name = c["name"];
    const Matrix x = Dataset(c["dataset"]);
    const std::vector<int32_t> labels = c["labels"];
    EXPECT_TRUE(Close(SilhouetteScore(x, labels), c["silhouette"], 1e-9)) << name;
    std::vector<double> samples = SilhouetteSamples(x, labels);
    std::vector<double> expected = c["silhouette_samples"];
    ASSERT_EQ(samples.size(), expected.size());
    for (size_t i = 0; i < samples.size(); ++i) {
      ASSERT_TRUE(Close(samples[i], expected[i], 1e-9)) << name << " row " << i;
    }
    const auto& sampled = c["silhouette_sampled"];
    SampledSilhouette ours =
        SilhouetteSampled(x, labels, sampled["sample_size"], 1, sampled["seed"].get<uint32_t>());
    EXPECT_TRUE(Close(ours.draws[0], sampled["value"], 1e-9)) << name;
    EXPECT_TRUE(Close(CalinskiHarabaszScore(x, labels), c["calinski_harabasz"], 1e-9)) << name;
    EXPECT_TRUE(Close(DaviesBouldinScore(x, labels), c["davies_bouldin"], 1e-9)) << name;
  }
}

TEST(ClusterParityTest, NegativeControlsTheComparisonsCatchADifference) {
  // The label comparison catches a single moved row...
  const auto& c = Golden()["kmeans"][0];
  std::vector<int32_t> labels = c["labels"];
  std::vector<int32_t> moved = labels;
  moved[10] = (moved[10] + 1) % 4;
  EXPECT_NE(Canonical(moved), labels);
  // ...but not a renaming of the clusters.
  std::vector<int32_t> renamed = labels;
  for (int32_t& l : renamed) l = 3 - l;
  EXPECT_EQ(Canonical(renamed), labels);
  // A different seed starts k-means++ elsewhere.
  KMeansOptions options;
  options.n_clusters = 4;
  options.n_init = 3;
  options.seed = 1;
  options.max_iter = 1;
  KMeans model(options);
  model.Fit(Dataset("blobs"));
  EXPECT_NE(model.initial_indices(),
            Golden()["kmeans_plusplus"][0]["indices"].get<std::vector<std::vector<int64_t>>>());
  // A wrong eps changes which rows are core.
  DbscanOptions wrong;
  wrong.eps = 0.29;
  wrong.min_samples = 6;
  Dbscan dbscan(wrong);
  dbscan.Fit(Dataset("dense"));
  EXPECT_NE(dbscan.core_sample_indices(),
            Golden()["dbscan"][0]["core_sample_indices"].get<std::vector<int64_t>>());
}

}  // namespace
}  // namespace hitscope
