// Parity with scikit-learn 1.2.1 and imbalanced-learn 0.10 on the first 3000 rows of the bundled
// dataset, against tests/parity/supervised_golden.json (made by
// tests/parity/supervised_make_golden.py): scalers to the last bit, kd-tree neighbours and KNN
// predictions identical (ties included), SMOTE / random-oversampling counts and SMOTE's
// neighbour lists, Tomek links identical, logistic regression coefficients within 1e-4, metrics
// and the classification report identical, StratifiedKFold folds identical.
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include <hitscope/csv.hpp>
#include <hitscope/dataset.hpp>
#include <hitscope/metrics.hpp>
#include <hitscope/models.hpp>
#include <hitscope/neighbors.hpp>
#include <hitscope/preprocess.hpp>
#include <hitscope/resample.hpp>
#include <hitscope/split.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using nlohmann::json;

struct Parity {
  json golden;
  Matrix x_train, x_test, scaled_train, scaled_test, coarse_train, coarse_test;
  Labels y_train, y_test, y;
  std::vector<double> popularity;
  int64_t train = 0;
};

Matrix Rows(const Matrix& x, int64_t from, int64_t to) {
  std::vector<int64_t> rows;
  for (int64_t row = from; row < to; ++row) rows.push_back(row);
  return x.TakeRows(rows);
}

Matrix Rounded(Matrix x) {
  for (double& value : x.mutable_data()) value = std::nearbyint(value);  // numpy's round
  return x;
}

const Parity& Data() {
  static const Parity parity = [] {
    Parity p;
    std::ifstream in(testing::SourcePath("tests/parity/supervised_golden.json"));
    p.golden = json::parse(in);
    const int64_t rows = p.golden["rows"];
    p.train = p.golden["train"];
    CsvReadOptions options;
    options.max_rows = rows;
    Table table = ReadCsv(testing::SourcePath("data/spotify_songs.csv"), options);
    std::vector<std::string> features = p.golden["features"];
    Matrix x = TableToMatrix(table, features);
    p.x_train = Rows(x, 0, p.train);
    p.x_test = Rows(x, p.train, rows);
    for (int64_t row = 0; row < rows; ++row) {
      p.popularity.push_back(table.column("track_popularity").NumericAt(row));
    }
    for (int label : p.golden["y"]) p.y.push_back(label);
    p.y_train.assign(p.y.begin(), p.y.begin() + p.train);
    p.y_test.assign(p.y.begin() + p.train, p.y.end());
    StandardScaler scaler;
    scaler.Fit(p.x_train);
    p.scaled_train = scaler.Transform(p.x_train);
    p.scaled_test = scaler.Transform(p.x_test);
    p.coarse_train = Rounded(p.scaled_train);
    p.coarse_test = Rounded(p.scaled_test);
    return p;
  }();
  return parity;
}

std::vector<double> Doubles(const json& values) {
  return values.get<std::vector<double>>();
}

std::vector<double> Flatten(const Matrix& x, int64_t rows = -1) {
  if (rows < 0) rows = x.rows();
  return std::vector<double>(x.data().begin(), x.data().begin() + rows * x.cols());
}

// Number of entries that differ by more than `tolerance` (0: bit for bit).
int64_t Differences(const std::vector<double>& ours, const std::vector<double>& theirs,
                    double tolerance = 0) {
  if (ours.size() != theirs.size()) return -1;
  int64_t differ = 0;
  for (size_t i = 0; i < ours.size(); ++i) {
    if (!(std::fabs(ours[i] - theirs[i]) <= tolerance)) ++differ;
  }
  return differ;
}

TEST(SupervisedParityTest, PopularityClassesAsNumpyLowerTertiles) {
  const Parity& p = Data();
  PopularityClasses classes = MakePopularityClasses("quantile:3", {}, p.popularity);
  EXPECT_EQ(classes.upper_edges, Doubles(p.golden["class_edges"]));
  for (size_t row = 0; row < p.popularity.size(); ++row) {
    ASSERT_EQ(classes.ClassOf(p.popularity[row]), p.y[row]) << "row " << row;
  }
}

TEST(SupervisedParityTest, ScalersEqualToTheLastBit) {
  const Parity& p = Data();
  const json& golden = p.golden["scalers"];
  StandardScaler standard;
  standard.Fit(p.x_train);
  EXPECT_EQ(standard.mean(), Doubles(golden["standard"]["mean"]));
  EXPECT_EQ(standard.var(), Doubles(golden["standard"]["var"]));
  EXPECT_EQ(standard.scale(), Doubles(golden["standard"]["scale"]));
  EXPECT_EQ(Differences(Flatten(standard.Transform(p.x_test), 100),
                        Doubles(golden["standard"]["test_transform"])),
            0);
  MinMaxScaler minmax;
  minmax.Fit(p.x_train);
  EXPECT_EQ(minmax.data_min(), Doubles(golden["minmax"]["data_min"]));
  EXPECT_EQ(minmax.scale(), Doubles(golden["minmax"]["scale"]));
  EXPECT_EQ(minmax.offset(), Doubles(golden["minmax"]["offset"]));
  EXPECT_EQ(Differences(Flatten(minmax.Transform(p.x_test), 100),
                        Doubles(golden["minmax"]["test_transform"])),
            0);
  RobustScaler robust;
  robust.Fit(p.x_train);
  EXPECT_EQ(robust.center(), Doubles(golden["robust"]["center"]));
  EXPECT_EQ(robust.scale(), Doubles(golden["robust"]["scale"]));
  EXPECT_EQ(Differences(Flatten(robust.Transform(p.x_test), 100),
                        Doubles(golden["robust"]["test_transform"])),
            0);
  // One column: numpy sums it pairwise, not row by row.
  StandardScaler one;
  one.Fit(p.x_train.TakeCols(std::vector<int64_t>{3}));
  EXPECT_EQ(one.mean(), Doubles(golden["standard_one_column"]["mean"]));
  EXPECT_EQ(one.var(), Doubles(golden["standard_one_column"]["var"]));
}

TEST(SupervisedParityTest, KdTreeNeighboursIdenticalTiesIncluded) {
  const Parity& p = Data();
  for (const char* name : {"scaled", "coarse"}) {
    const Matrix& train = std::string(name) == "scaled" ? p.scaled_train : p.coarse_train;
    const Matrix& test = std::string(name) == "scaled" ? p.scaled_test : p.coarse_test;
    NeighborIndex index(train, NeighborIndexOptions{NeighborAlgorithm::kKdTree, 30});
    KNearestResult result = index.KNearest(test, 5);
    std::vector<int64_t> want = p.golden["neighbours"][name]["indices"];
    EXPECT_EQ(result.indices, want) << name;
    EXPECT_EQ(Differences(result.distances, Doubles(p.golden["neighbours"][name]["distances"])), 0)
        << name;
  }
  // Negative control: brute force breaks the coarse grid's ties by index, not as scikit-learn's
  // tree does, so the comparison above can fail.
  NeighborIndex brute(p.coarse_train, NeighborIndexOptions{NeighborAlgorithm::kBrute, 30});
  std::vector<int64_t> want = p.golden["neighbours"]["coarse"]["indices"];
  EXPECT_NE(brute.KNearest(p.coarse_test, 5).indices, want);
}

TEST(SupervisedParityTest, KnnPredictionsIdentical) {
  const Parity& p = Data();
  for (const char* weights : {"uniform", "distance"}) {
    for (const char* name : {"scaled", "coarse"}) {
      const Matrix& train = std::string(name) == "scaled" ? p.scaled_train : p.coarse_train;
      const Matrix& test = std::string(name) == "scaled" ? p.scaled_test : p.coarse_test;
      KNeighborsOptions options;
      options.weights =
          std::string(weights) == "uniform" ? KnnWeights::kUniform : KnnWeights::kDistance;
      const json& golden = p.golden["knn"][std::string(name) + "_" + weights];
      KNeighborsClassifier knn(options);
      knn.Fit(train, p.y_train);
      Labels predicted;
      Matrix proba;
      knn.PredictBoth(test, &predicted, &proba);
      std::vector<int32_t> want = golden["predict"];
      EXPECT_EQ(predicted, want) << name << " " << weights;
      EXPECT_EQ(Differences(Flatten(proba), Doubles(golden["proba"]), 1e-15), 0);
      KNeighborsRegressor regressor(options);
      regressor.Fit(train,
                    std::vector<double>(p.popularity.begin(), p.popularity.begin() + p.train));
      EXPECT_EQ(Differences(regressor.Predict(test), Doubles(golden["regress"]), 1e-12), 0)
          << name << " " << weights;
    }
  }
}

TEST(SupervisedParityTest, ResamplingCountsNeighboursAndTomekLinks) {
  const Parity& p = Data();
  const json& golden = p.golden["resample"];
  Matrix out;
  Labels out_y;
  RandomOverSampler ros;
  ros.FitResample(p.scaled_train, p.y_train, &out, &out_y);
  std::vector<int64_t> counts(3, 0);
  for (int32_t label : out_y) ++counts[label];
  EXPECT_EQ(counts, golden["ros_counts"].get<std::vector<int64_t>>());
  Smote smote;
  smote.FitResample(p.scaled_train, p.y_train, &out, &out_y);
  EXPECT_EQ(out.rows(), golden["smote_rows"].get<int64_t>());
  std::fill(counts.begin(), counts.end(), 0);
  for (int32_t label : out_y) ++counts[label];
  EXPECT_EQ(counts, golden["smote_counts"].get<std::vector<int64_t>>());
  // SMOTE's per-class neighbour lists are scikit-learn's, and every new row lies on a segment
  // from a row of its class to one of those neighbours.
  for (int32_t label = 0; label < 3; ++label) {
    std::vector<int64_t> members;
    for (int64_t row = 0; row < p.train; ++row) {
      if (p.y_train[row] == label) members.push_back(row);
    }
    Matrix member_x = p.scaled_train.TakeRows(members);
    std::vector<int64_t> want = golden["smote_neighbours"][std::to_string(label)];
    NeighborIndex index(member_x, NeighborIndexOptions{NeighborAlgorithm::kAuto, 30});
    KNearestResult found = index.KNearest(member_x, 6, false);
    std::vector<int64_t> ours;
    for (int64_t row = 0; row < member_x.rows(); ++row) {
      auto indices = found.Indices(row);
      ours.insert(ours.end(), indices.begin() + 1, indices.end());
    }
    EXPECT_EQ(ours, want) << "class " << label;
    for (int64_t row = p.train; row < out.rows(); ++row) {
      if (out_y[row] != label) continue;
      bool on_segment = false;
      for (int64_t base = 0; base < member_x.rows() && !on_segment; ++base) {
        for (int n = 0; n < 5 && !on_segment; ++n) {
          const double* a = member_x.Row(base);
          const double* b = member_x.Row(want[base * 5 + n]);
          double t = -1;
          for (int64_t col = 0; col < out.cols(); ++col) {
            if (std::fabs(b[col] - a[col]) > 1e-9) t = (out(row, col) - a[col]) / (b[col] - a[col]);
          }
          if (t < -1e-9 || t > 1 + 1e-9) continue;
          bool all = true;
          for (int64_t col = 0; col < out.cols() && all; ++col) {
            all = std::fabs(a[col] + t * (b[col] - a[col]) - out(row, col)) <= 1e-9;
          }
          on_segment = all;
        }
      }
      ASSERT_TRUE(on_segment) << "synthetic row " << row << " of class " << label;
    }
  }
  for (auto [key, cleaning, data] :
       {std::tuple{"tomek_auto_kept", TomekCleaning::kNotMinority, &p.coarse_train},
        std::tuple{"tomek_all_kept", TomekCleaning::kAll, &p.coarse_train},
        std::tuple{"tomek_scaled_all_kept", TomekCleaning::kAll, &p.scaled_train}}) {
    TomekLinks tomek(TomekLinksOptions{cleaning});
    tomek.FitResample(*data, p.y_train, &out, &out_y);
    EXPECT_EQ(tomek.sample_indices(), golden[key].get<std::vector<int64_t>>()) << key;
  }
}

TEST(SupervisedParityTest, LogisticRegressionCoefficientsWithin1e4) {
  const Parity& p = Data();
  for (auto& [name, golden] : p.golden["logistic"].items()) {
    Labels target = p.y_train;
    if (name == "binary") {
      for (int32_t& label : target) label = label == 2 ? 1 : 0;
    }
    std::vector<double> weights;
    if (golden["balanced"].get<bool>()) weights = BalancedSampleWeights(target);
    for (LogisticSolver solver : {LogisticSolver::kNewton, LogisticSolver::kLbfgs}) {
      LogisticRegressionOptions options;
      options.c = golden["C"];
      options.solver = solver;
      options.tol = 1e-8;
      options.max_iter = 1000;
      LogisticRegression model(options);
      model.Fit(p.scaled_train, target, weights);
      EXPECT_EQ(Differences(Flatten(model.coef()), Doubles(golden["coef"]), 1e-4), 0) << name;
      EXPECT_EQ(Differences(model.intercept(), Doubles(golden["intercept"]), 1e-4), 0) << name;
      EXPECT_EQ(
          Differences(Flatten(model.PredictProba(p.scaled_test)), Doubles(golden["proba"]), 1e-4),
          0)
          << name;
    }
    // scikit-learn's defaults (lbfgs, tol 1e-4, 100 iterations) against ours: the same classes
    // but for rows that sit on a decision boundary within the solvers' tolerance.
    LogisticRegressionOptions defaults;
    defaults.c = golden["C"];
    LogisticRegression model(defaults);
    model.Fit(p.scaled_train, target, weights);
    std::vector<int32_t> want = golden["predict"];
    Labels predicted = model.Predict(p.scaled_test);
    int64_t agree = 0;
    for (size_t i = 0; i < want.size(); ++i) agree += predicted[i] == want[i];
    EXPECT_GE(agree, static_cast<int64_t>(want.size()) - 3) << name;
  }
}

TEST(SupervisedParityTest, RidgeCoefficients) {
  const Parity& p = Data();
  RidgeRegressor ridge;
  ridge.Fit(p.scaled_train,
            std::vector<double>(p.popularity.begin(), p.popularity.begin() + p.train));
  EXPECT_EQ(Differences(ridge.coef(), Doubles(p.golden["ridge"]["coef"]), 1e-9), 0);
  EXPECT_NEAR(ridge.intercept(), p.golden["ridge"]["intercept"].get<double>(), 1e-9);
}

TEST(SupervisedParityTest, MetricsAndReportIdentical) {
  const Parity& p = Data();
  const json& golden = p.golden["metrics"];
  std::vector<int32_t> predicted = p.golden["knn"]["scaled_uniform"]["predict"];
  std::vector<double> proba = p.golden["logistic"]["multinomial"]["proba"];
  EXPECT_EQ(Accuracy(p.y_test, predicted), golden["accuracy"].get<double>());
  EXPECT_EQ(BalancedAccuracy(p.y_test, predicted, 3), golden["balanced_accuracy"].get<double>());
  ClassScores scores = PrecisionRecallF1(p.y_test, predicted, 3);
  EXPECT_EQ(scores.precision, Doubles(golden["precision"]));
  EXPECT_EQ(scores.recall, Doubles(golden["recall"]));
  EXPECT_EQ(scores.f1, Doubles(golden["f1"]));
  EXPECT_EQ(scores.support, golden["support"].get<std::vector<int64_t>>());
  AveragedScores macro = MacroAverage(scores), weighted = WeightedAverage(scores);
  EXPECT_EQ((std::vector<double>{macro.precision, macro.recall, macro.f1}),
            Doubles(golden["macro"]));
  EXPECT_EQ((std::vector<double>{weighted.precision, weighted.recall, weighted.f1}),
            Doubles(golden["weighted"]));
  EXPECT_EQ(MakeConfusionMatrix(p.y_test, predicted, 3).counts,
            golden["confusion"].get<std::vector<int64_t>>());
  EXPECT_EQ(ClassificationReport(p.y_test, predicted, {"low", "medium", "high"}),
            golden["report"].get<std::string>());
  EXPECT_EQ(ClassificationReport(p.y_test, predicted, {"low", "medium", "high"}, 4),
            golden["report_digits4"].get<std::string>());
  EXPECT_NEAR(RocAucOvr(p.y_test, proba, 3), golden["roc_auc_ovr"].get<double>(), 1e-15);
  std::vector<uint8_t> positive;
  std::vector<double> scores_high;
  for (size_t i = 0; i < p.y_test.size(); ++i) {
    positive.push_back(p.y_test[i] == 2);
    scores_high.push_back(proba[i * 3 + 2]);
  }
  EXPECT_NEAR(BinaryRocAuc(positive, scores_high), golden["roc_auc_binary"].get<double>(), 1e-15);
  EXPECT_NEAR(LogLoss(p.y_test, proba, 3), golden["log_loss"].get<double>(), 1e-15);
  std::vector<double> regression = p.golden["knn"]["scaled_uniform"]["regress"];
  std::vector<double> truth(p.popularity.begin() + p.train, p.popularity.end());
  EXPECT_NEAR(MeanAbsoluteError(truth, regression), golden["mae"].get<double>(), 1e-12);
  EXPECT_NEAR(RootMeanSquaredError(truth, regression), golden["rmse"].get<double>(), 1e-12);
  EXPECT_NEAR(R2Score(truth, regression), golden["r2"].get<double>(), 1e-12);
}

TEST(SupervisedParityTest, StratifiedKFoldFoldsIdentical) {
  const Parity& p = Data();
  auto folds_of = [](const std::vector<Split>& splits, size_t rows) {
    std::vector<int> fold(rows, -1);
    for (size_t f = 0; f < splits.size(); ++f) {
      for (int64_t row : splits[f].test) fold[row] = static_cast<int>(f);
    }
    return fold;
  };
  EXPECT_EQ(folds_of(StratifiedKFold(p.y, 5), p.y.size()),
            p.golden["splits"]["stratified5"].get<std::vector<int>>());
  std::vector<int32_t> shifted = p.golden["splits"]["y_shifted"];
  EXPECT_EQ(folds_of(StratifiedKFold(shifted, 7), shifted.size()),
            p.golden["splits"]["stratified7_shifted"].get<std::vector<int>>());
}

TEST(SupervisedParityTest, SelectKBestScoresAndColumns) {
  const Parity& p = Data();
  SelectKBest selector(SelectKBestOptions{5});
  selector.Fit(p.x_train, p.y_train);
  std::vector<double> want = Doubles(p.golden["select_k_best"]["scores"]);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(selector.scores()[i], want[i], 1e-9 * std::fabs(want[i])) << "column " << i;
  }
  EXPECT_EQ(selector.selected(), p.golden["select_k_best"]["selected"].get<std::vector<int64_t>>());
}

}  // namespace
}  // namespace hitscope
