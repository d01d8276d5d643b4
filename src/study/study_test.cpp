#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <hitscope/csv.hpp>
#include <hitscope/study.hpp>

#include "study/internal.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::ExpectError;

TEST(StudyConfig, DefaultTextParsesToTheDefaults) {
  StudyConfig defaults;
  StudyConfig parsed = ParseStudyConfigText(DefaultStudyConfigText(), "default.toml");
  EXPECT_EQ(parsed.sections, defaults.sections);
  EXPECT_EQ(parsed.classes, defaults.classes);
  EXPECT_EQ(parsed.model_rows, defaults.model_rows);
  EXPECT_EQ(parsed.search_rows, defaults.search_rows);
  EXPECT_EQ(parsed.dbscan_rows, defaults.dbscan_rows);
  EXPECT_EQ(parsed.silhouette_rows, defaults.silhouette_rows);
  EXPECT_EQ(parsed.shap_rows, defaults.shap_rows);
  EXPECT_EQ(parsed.protocols, defaults.protocols);
  EXPECT_EQ(parsed.classifiers, defaults.classifiers);
  EXPECT_EQ(parsed.knn_k, defaults.knn_k);
  EXPECT_EQ(parsed.knn_sweep, defaults.knn_sweep);
  EXPECT_EQ(parsed.forest_trees, defaults.forest_trees);
  EXPECT_EQ(parsed.xgboost_rounds, defaults.xgboost_rounds);
  EXPECT_EQ(parsed.imbalance, defaults.imbalance);
  EXPECT_EQ(parsed.scalers, defaults.scalers);
  EXPECT_EQ(parsed.leakage_classes, defaults.leakage_classes);
  EXPECT_EQ(parsed.leakage_resamplers, defaults.leakage_resamplers);
  EXPECT_EQ(parsed.cluster_features, defaults.cluster_features);
  EXPECT_EQ(parsed.cluster_algorithms, defaults.cluster_algorithms);
  EXPECT_EQ(parsed.dbscan_eps, defaults.dbscan_eps);
  EXPECT_EQ(parsed.regressors, defaults.regressors);
}

TEST(StudyConfig, OverridesOnlyWhatItNames) {
  StudyConfig c = ParseStudyConfigText("seed = 7\n[models]\nknn_k = 3\n", "s.toml");
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.knn_k, 3);
  EXPECT_EQ(c.forest_trees, StudyConfig().forest_trees);
}

TEST(StudyConfig, UnknownKeyNamesFileLineAndTheClosestKey) {
  ExpectError([] { ParseStudyConfigText("seed = 1\n[models]\nknn_kk = 3\n", "study.toml"); },
              ErrorKind::kInvalidInput, {"study.toml:3:", "models.knn_kk", "did you mean 'knn_k'"});
}

TEST(StudyConfig, WrongTypesAndValuesAreErrors) {
  ExpectError([] { ParseStudyConfigText("seed = \"x\"\n", "s.toml"); }, ErrorKind::kInvalidInput,
              {"s.toml:1:", "seed", "integer"});
  ExpectError([] { ParseStudyConfigText("[models]\nclassifiers = [\"svm\"]\n", "s.toml"); },
              ErrorKind::kInvalidInput, {"models.classifiers", "'svm' is not known"});
  ExpectError([] { ParseStudyConfigText("[cv]\nprotocols = [\"sideways:3\"]\n", "s.toml"); },
              ErrorKind::kInvalidInput, {"s.toml"});
  ExpectError([] { ParseStudyConfigText("[clustering]\ndbscan_eps = 0\n", "s.toml"); },
              ErrorKind::kInvalidInput, {"dbscan_eps"});
  ExpectError([] { ParseStudyConfigText("[models\n", "s.toml"); }, ErrorKind::kInvalidInput,
              {"s.toml:1:", "not valid TOML"});
}

TEST(StudySampling, SeededSortedAndComplete) {
  std::vector<int64_t> a = study::SampleRows(1000, 100, 1), b = study::SampleRows(1000, 100, 1);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 100u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_NE(a, study::SampleRows(1000, 100, 2));  // negative control: another seed differs
  EXPECT_EQ(study::SampleRows(50, 100, 1).size(), 50u);
  EXPECT_EQ(study::SampleRows(50, 0, 1).size(), 50u);
}

StudyConfig SmallConfig() {
  StudyConfig c;
  c.protocols = {"stratified:3", "group:artist:3"};
  c.classifiers = {"tree", "logreg"};
  c.imbalance = {"none", "ros"};
  c.scalers = {"standard", "robust"};
  c.imbalance_model = "tree";
  c.cluster_algorithms = {"kmeans", "dbscan"};
  c.sweep_k_max = 3;
  c.kmeans_n_init = 1;
  c.dbscan_rows = 500;
  c.silhouette_rows = 300;
  c.leakage_resamplers = {"ros"};
  c.leakage_protocol = "stratified:3";
  c.forest_trees = 5;
  c.shap_rows = 50;
  c.permutation_repeats = 1;
  c.regressors = {"ridge"};
  return c;
}

TEST(Study, SmallStudyOnTheBundledDataProducesEverySection) {
  CsvReadOptions read;
  read.max_rows = 1500;
  Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"), read);
  StudyResult r = RunStudyOnTable(table, "spotify_songs.csv", SmallConfig());
  ASSERT_TRUE(r.profile.has_value());
  EXPECT_EQ(r.clusters.size(), 2u);
  EXPECT_EQ(r.cluster_rows[1], 500);
  EXPECT_EQ(r.classifiers.size(), 4u);  // 2 classifiers x 2 protocols
  EXPECT_FALSE(r.best_name.empty());
  ASSERT_TRUE(r.best_model.has_value());
  EXPECT_TRUE(r.depth_sweep.has_value());
  EXPECT_FALSE(r.knn_sweep.has_value());  // no knn among the classifiers
  EXPECT_EQ(r.imbalance.size(), 3u);      // none, ros with standard; none with robust
  ASSERT_EQ(r.leakage.size(), 1u);
  EXPECT_GT(r.leakage[0].Gap("accuracy"), 0.02);  // oversampled copies leak into the test part
  EXPECT_TRUE(r.importance.has_value());
  EXPECT_EQ(r.regression.size(), 1u);
  EXPECT_GE(r.Findings().size(), 4u);
  bool dbscan_note = false;
  for (const auto& note : r.budget_notes) dbscan_note |= note.find("dbscan") != std::string::npos;
  EXPECT_TRUE(dbscan_note);

  nlohmann::json json = nlohmann::json::parse(StudyToJson(r));
  for (const char* key : {"source", "config", "findings", "exploration", "clustering", "models",
                          "leakage", "importance", "rfe", "regression", "timings"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["leakage"]["pairs"][0]["resampler"], "ros");
  report::Report page = MakeStudyReport(r);
  std::vector<std::string> ids;
  for (const auto& s : page.sections) ids.push_back(s.id);
  EXPECT_EQ(ids, StudySectionIds());
  EXPECT_NO_THROW(report::RenderHtml(page));
}

TEST(Study, SameSeedSameNumbers) {
  CsvReadOptions read;
  read.max_rows = 800;
  Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"), read);
  StudyConfig c = SmallConfig();
  c.sections = {"models", "leakage"};
  StudyResult a = RunStudyOnTable(table, "t", c), b = RunStudyOnTable(table, "t", c);
  ASSERT_EQ(a.classifiers.size(), b.classifiers.size());
  for (size_t k = 0; k < a.classifiers.size(); ++k) {
    EXPECT_EQ(a.classifiers[k].evaluation.ToJson(), b.classifiers[k].evaluation.ToJson());
  }
  EXPECT_EQ(a.leakage[0].leaky.ToJson(), b.leakage[0].leaky.ToJson());
}

}  // namespace
}  // namespace hitscope
