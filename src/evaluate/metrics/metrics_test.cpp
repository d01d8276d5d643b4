// Scores with known answers (scikit-learn's documented examples), the report layout, the
// interval across folds, and errors. Parity on larger data: tests/supervised/.
#include <cmath>

#include <hitscope/metrics.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(MetricsTest, ClassificationReportAsScikitLearnDocuments) {
  std::vector<int32_t> truth = {0, 1, 2, 2, 2}, predicted = {0, 0, 2, 2, 1};
  EXPECT_EQ(ClassificationReport(truth, predicted, {"class 0", "class 1", "class 2"}),
            "              precision    recall  f1-score   support\n"
            "\n"
            "     class 0       0.50      1.00      0.67         1\n"
            "     class 1       0.00      0.00      0.00         1\n"
            "     class 2       1.00      0.67      0.80         3\n"
            "\n"
            "    accuracy                           0.60         5\n"
            "   macro avg       0.50      0.56      0.49         5\n"
            "weighted avg       0.70      0.60      0.61         5\n");
  EXPECT_DOUBLE_EQ(Accuracy(truth, predicted), 0.6);
  EXPECT_DOUBLE_EQ(BalancedAccuracy(truth, predicted, 3), (1.0 + 0.0 + 2.0 / 3) / 3);
  ConfusionMatrix matrix = MakeConfusionMatrix(truth, predicted, 3);
  EXPECT_EQ(matrix.counts, (std::vector<int64_t>{1, 0, 0, 1, 0, 0, 0, 1, 2}));
  // Negative control: another prediction gives another report.
  std::vector<int32_t> other = {0, 1, 2, 2, 2};
  EXPECT_NE(ClassificationReport(truth, other, {"class 0", "class 1", "class 2"}),
            ClassificationReport(truth, predicted, {"class 0", "class 1", "class 2"}));
}

TEST(MetricsTest, PrecisionRecallF1AndAverages) {
  std::vector<int32_t> truth = {0, 0, 1, 1, 1, 2}, predicted = {0, 1, 1, 1, 0, 0};
  ClassScores scores = PrecisionRecallF1(truth, predicted, 3);
  EXPECT_DOUBLE_EQ(scores.precision[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(scores.recall[1], 2.0 / 3);
  EXPECT_DOUBLE_EQ(scores.precision[2], 0.0) << "never predicted: zero_division 0";
  EXPECT_EQ(scores.support, (std::vector<int64_t>{2, 3, 1}));
  AveragedScores macro = MacroAverage(scores);
  EXPECT_DOUBLE_EQ(macro.recall, (0.5 + 2.0 / 3 + 0) / 3);
  AveragedScores weighted = WeightedAverage(scores);
  EXPECT_DOUBLE_EQ(weighted.recall, (2 * 0.5 + 3 * (2.0 / 3)) / 6);
}

TEST(MetricsTest, RocAucAndLogLossAsScikitLearnDocuments) {
  // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
  std::vector<int32_t> truth = {0, 0, 1, 1};
  std::vector<double> proba = {0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8};
  EXPECT_DOUBLE_EQ(RocAucOvr(truth, proba, 2), 0.75);
  // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
  std::vector<int32_t> spam = {1, 0, 0, 1};
  std::vector<double> p = {.1, .9, .9, .1, .8, .2, .35, .65};
  EXPECT_NEAR(LogLoss(spam, p, 2), 0.21616187468057912, 1e-15);
  // Three classes, perfectly ranked: every one-vs-rest AUC is 1.
  std::vector<int32_t> three = {0, 1, 2};
  std::vector<double> sure = {0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8};
  EXPECT_DOUBLE_EQ(RocAucOvr(three, sure, 3), 1.0);
  EXPECT_TRUE(std::isnan(RocAucOvr(std::vector<int32_t>{0, 0, 1}, sure, 3)))
      << "class 2 absent from the truth: undefined";
}

TEST(MetricsTest, RegressionScoresAsScikitLearnDocuments) {
  std::vector<double> truth = {3, -0.5, 2, 7}, predicted = {2.5, 0.0, 2, 8};
  EXPECT_DOUBLE_EQ(MeanAbsoluteError(truth, predicted), 0.5);
  EXPECT_DOUBLE_EQ(RootMeanSquaredError(truth, predicted), std::sqrt(0.375));
  EXPECT_NEAR(R2Score(truth, predicted), 0.9486081370449679, 1e-15);
  std::vector<double> constant = {1, 1, 1};
  EXPECT_EQ(R2Score(constant, constant), 1.0);
  EXPECT_EQ(R2Score(constant, std::vector<double>{1, 2, 1}), 0.0);
}

TEST(MetricsTest, IntervalAcrossFolds) {
  EXPECT_NEAR(StudentT975(1), 12.706204736174707, 1e-9);
  EXPECT_NEAR(StudentT975(4), 2.7764451051977987, 1e-9);
  EXPECT_NEAR(StudentT975(1000), 1.9623390808264078, 1e-9);
  ScoreSummary summary = SummarizeScores("accuracy", {0.5, 0.6, 0.7, 0.6, 0.6}, 0.25);
  EXPECT_DOUBLE_EQ(summary.mean, 0.6);
  EXPECT_NEAR(summary.std, std::sqrt(0.005), 1e-15);
  const double half = StudentT975(4) * std::sqrt((0.2 + 0.25) * 0.005);
  EXPECT_NEAR(summary.ci_low, 0.6 - half, 1e-12);
  EXPECT_NEAR(summary.ci_high, 0.6 + half, 1e-12);
  ScoreSummary one = SummarizeScores("accuracy", {0.7}, 0.25);
  EXPECT_DOUBLE_EQ(one.mean, 0.7);
  EXPECT_TRUE(std::isnan(one.ci_low)) << "one split: no interval";
}

TEST(MetricsTest, ErrorsNameTheProblem) {
  std::vector<int32_t> truth = {0, 1}, shorter = {0};
  testing::ExpectError([&] { Accuracy(truth, shorter); }, ErrorKind::kInvalidInput,
                       {"2 true values but 1 predictions"});
  testing::ExpectError([&] { Accuracy({}, {}); }, ErrorKind::kInvalidInput, {"no rows"});
  testing::ExpectError(
      [&] {
        MakeConfusionMatrix(truth, std::vector<int32_t>{0, 3}, 2);
      },
      ErrorKind::kInvalidArgument, {"class 3 is outside 0..1"});
}

}  // namespace
}  // namespace hitscope
