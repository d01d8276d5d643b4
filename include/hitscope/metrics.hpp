// hitscope/metrics.hpp: classification and regression scores, scikit-learn 1.2.1's definitions
// and layout, and the summary of a score across folds with its confidence interval.
//
// Inputs: `truth` and `predicted` hold one class 0..classes-1 per row; `proba` is rows x classes.
// The scores compute in scikit-learn's order (numpy's pairwise sums included), so they equal
// scikit-learn's to the last bit or nearly (tests/supervised/supervised_parity_test.cpp).
// Undefined values follow scikit-learn: precision / recall / F1 of a class never predicted (or
// absent) count 0 (zero_division=0); ROC-AUC of a class absent from `truth` is NaN (scikit-learn
// raises). Errors: Error(kInvalidInput) for empty inputs or lengths that differ; Error(
// kInvalidArgument) for a class index out of range. Every function is pure and thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace hitscope {

// counts[t * classes + p]: rows of true class t predicted as p (sklearn confusion_matrix).
struct ConfusionMatrix {
  int classes = 0;
  std::vector<int64_t> counts;
  int64_t at(int truth, int predicted) const { return counts[truth * classes + predicted]; }
};

ConfusionMatrix MakeConfusionMatrix(std::span<const int32_t> truth,
                                    std::span<const int32_t> predicted, int classes);

// Share of rows predicted right (sklearn accuracy_score).
double Accuracy(std::span<const int32_t> truth, std::span<const int32_t> predicted);

// Mean recall over the classes present in `truth` (sklearn balanced_accuracy_score).
double BalancedAccuracy(std::span<const int32_t> truth, std::span<const int32_t> predicted,
                        int classes);

// Per class (sklearn precision_recall_fscore_support(average=None, labels=0..classes-1)).
struct ClassScores {
  std::vector<double> precision, recall, f1;
  std::vector<int64_t> support;
};
ClassScores PrecisionRecallF1(std::span<const int32_t> truth, std::span<const int32_t> predicted,
                              int classes);

struct AveragedScores {
  double precision = 0, recall = 0, f1 = 0;
};
// average="macro" (unweighted mean over classes) and average="weighted" (by support).
AveragedScores MacroAverage(const ClassScores& scores);
AveragedScores WeightedAverage(const ClassScores& scores);

// scikit-learn's classification_report text, byte for byte: one line per class (named by
// `class_names`), then accuracy, macro avg and weighted avg. `digits` as sklearn's digits.
std::string ClassificationReport(std::span<const int32_t> truth, std::span<const int32_t> predicted,
                                 const std::vector<std::string>& class_names, int digits = 2);

// Area under the ROC curve. Two classes: of proba[:, 1] (sklearn roc_auc_score(y, p[:, 1]));
// more: the macro mean of one-vs-rest AUCs (roc_auc_score(multi_class="ovr")). NaN when a class
// is absent from `truth`. `proba` is rows x classes, row-major.
double RocAucOvr(std::span<const int32_t> truth, std::span<const double> proba, int classes);
// The AUC of one binary problem: positive[i] in {0, 1}, higher scores meaning positive.
double BinaryRocAuc(std::span<const uint8_t> positive, std::span<const double> scores);

// Mean negative log probability of the true class, probabilities clipped to [eps, 1 - eps] and
// rows renormalised (sklearn log_loss with labels 0..classes-1).
double LogLoss(std::span<const int32_t> truth, std::span<const double> proba, int classes);

// Regression (sklearn mean_absolute_error, mean_squared_error(squared=False), r2_score; R2 is
// 1 for a perfect fit of a constant target, 0 for an imperfect one, as sklearn).
double MeanAbsoluteError(std::span<const double> truth, std::span<const double> predicted);
double RootMeanSquaredError(std::span<const double> truth, std::span<const double> predicted);
double R2Score(std::span<const double> truth, std::span<const double> predicted);

// One score over the folds of a protocol, with a 95 % confidence interval for its mean: Student
// t with folds - 1 degrees of freedom on the variance corrected for overlapping training sets
// (Nadeau and Bengio 2003: (1 / folds + test rows / training rows) s^2), so repeated or k-fold
// cross-validation is not over-confident. With one fold the interval is NaN (undefined).
struct ScoreSummary {
  std::string metric;
  std::vector<double> per_fold;
  double mean = 0;
  double std = 0;  // across folds, ddof 1
  double ci_low = 0, ci_high = 0;
};
// test_fraction: test rows / training rows of a typical fold (0 gives the plain t interval).
ScoreSummary SummarizeScores(const std::string& metric, std::vector<double> per_fold,
                             double test_to_train_ratio);

// The 0.975 quantile of Student's t with `df` degrees of freedom (df >= 1).
double StudentT975(double df);

}  // namespace hitscope
