// Classification and regression scores in scikit-learn 1.2.1's order of operations.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/metrics.hpp>

#include "learn/preprocess/numpy_sum.hpp"

namespace hitscope {

namespace {

using learn::NumpyPairwiseSum;

double Sum(const std::vector<double>& values) {
  return NumpyPairwiseSum(values.data(), static_cast<int64_t>(values.size()));
}

// numpy's mean of a contiguous vector.
double Mean(const std::vector<double>& values) {
  return Sum(values) / static_cast<double>(values.size());
}

void CheckPair(size_t truth, size_t other, const char* what) {
  if (truth == 0) throw InvalidInput(fmt::format("{}: no rows to score", what));
  if (truth != other) {
    throw InvalidInput(
        fmt::format("{}: {} true values but {} predictions; give one per row", what, truth, other));
  }
}

void CheckClasses(std::span<const int32_t> labels, int classes, const char* what) {
  for (int32_t label : labels) {
    if (label < 0 || label >= classes) {
      throw InvalidArgument(fmt::format("{}: class {} is outside 0..{}", what, label, classes - 1));
    }
  }
}

// sklearn's _prf_divide with zero_division = 0.
double Divide(double numerator, double denominator) {
  return denominator == 0 ? 0.0 : numerator / denominator;
}

}  // namespace

ConfusionMatrix MakeConfusionMatrix(std::span<const int32_t> truth,
                                    std::span<const int32_t> predicted, int classes) {
  CheckPair(truth.size(), predicted.size(), "confusion matrix");
  CheckClasses(truth, classes, "confusion matrix");
  CheckClasses(predicted, classes, "confusion matrix");
  ConfusionMatrix matrix;
  matrix.classes = classes;
  matrix.counts.assign(static_cast<size_t>(classes * classes), 0);
  for (size_t i = 0; i < truth.size(); ++i) ++matrix.counts[truth[i] * classes + predicted[i]];
  return matrix;
}

double Accuracy(std::span<const int32_t> truth, std::span<const int32_t> predicted) {
  CheckPair(truth.size(), predicted.size(), "accuracy");
  std::vector<double> right(truth.size());
  for (size_t i = 0; i < truth.size(); ++i) right[i] = truth[i] == predicted[i] ? 1.0 : 0.0;
  return Mean(right);
}

double BalancedAccuracy(std::span<const int32_t> truth, std::span<const int32_t> predicted,
                        int classes) {
  ConfusionMatrix matrix = MakeConfusionMatrix(truth, predicted, classes);
  std::vector<double> per_class;
  for (int c = 0; c < classes; ++c) {
    int64_t row = 0;
    for (int p = 0; p < classes; ++p) row += matrix.at(c, p);
    if (row == 0) continue;  // absent from truth: NaN in sklearn, dropped
    per_class.push_back(static_cast<double>(matrix.at(c, c)) / static_cast<double>(row));
  }
  return Mean(per_class);
}

ClassScores PrecisionRecallF1(std::span<const int32_t> truth, std::span<const int32_t> predicted,
                              int classes) {
  ConfusionMatrix matrix = MakeConfusionMatrix(truth, predicted, classes);
  ClassScores scores;
  for (int c = 0; c < classes; ++c) {
    int64_t tp = matrix.at(c, c), true_sum = 0, pred_sum = 0;
    for (int other = 0; other < classes; ++other) {
      true_sum += matrix.at(c, other);
      pred_sum += matrix.at(other, c);
    }
    double precision = Divide(static_cast<double>(tp), static_cast<double>(pred_sum));
    double recall = Divide(static_cast<double>(tp), static_cast<double>(true_sum));
    double denominator = precision + recall;
    if (denominator == 0.0) denominator = 1;
    scores.precision.push_back(precision);
    scores.recall.push_back(recall);
    scores.f1.push_back((1 + 1.0) * precision * recall / denominator);
    scores.support.push_back(true_sum);
  }
  return scores;
}

AveragedScores MacroAverage(const ClassScores& scores) {
  return {Mean(scores.precision), Mean(scores.recall), Mean(scores.f1)};
}

AveragedScores WeightedAverage(const ClassScores& scores) {
  std::vector<double> weights(scores.support.begin(), scores.support.end());
  double total = Sum(weights);
  auto average = [&](const std::vector<double>& values) {
    if (total == 0) return 0.0;
    std::vector<double> products(values.size());
    for (size_t i = 0; i < values.size(); ++i) products[i] = values[i] * weights[i];
    return Sum(products) / total;
  };
  return {average(scores.precision), average(scores.recall), average(scores.f1)};
}

std::string ClassificationReport(std::span<const int32_t> truth, std::span<const int32_t> predicted,
                                 const std::vector<std::string>& class_names, int digits) {
  const int classes = static_cast<int>(class_names.size());
  ClassScores scores = PrecisionRecallF1(truth, predicted, classes);
  size_t name_width = 0;
  for (const auto& name : class_names) name_width = std::max(name_width, name.size());
  const size_t width =
      std::max({name_width, std::string("weighted avg").size(), static_cast<size_t>(digits)});
  std::string report = fmt::format("{:>{}} ", "", width);
  for (const char* header : {"precision", "recall", "f1-score", "support"}) {
    report += fmt::format(" {:>9}", header);
  }
  report += "\n\n";
  auto row = [&](const std::string& name, double p, double r, double f, int64_t support) {
    return fmt::format("{:>{}}  {:>9.{}f} {:>9.{}f} {:>9.{}f} {:>9}\n", name, width, p, digits, r,
                       digits, f, digits, support);
  };
  int64_t total = 0;
  for (int c = 0; c < classes; ++c) {
    report +=
        row(class_names[c], scores.precision[c], scores.recall[c], scores.f1[c], scores.support[c]);
    total += scores.support[c];
  }
  report += "\n";
  report += fmt::format("{:>{}}  {:>9} {:>9} {:>9.{}f} {:>9}\n", "accuracy", width, "", "",
                        Accuracy(truth, predicted), digits, total);
  AveragedScores macro = MacroAverage(scores), weighted = WeightedAverage(scores);
  report += row("macro avg", macro.precision, macro.recall, macro.f1, total);
  report += row("weighted avg", weighted.precision, weighted.recall, weighted.f1, total);
  return report;
}

double BinaryRocAuc(std::span<const uint8_t> positive, std::span<const double> scores) {
  CheckPair(positive.size(), scores.size(), "ROC AUC");
  const size_t n = scores.size();
  // sklearn _binary_clf_curve: a stable sort ascending, reversed (descending, ties reversed).
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  std::reverse(order.begin(), order.end());
  std::vector<double> tps, fps;
  double cumulative = 0;
  for (size_t i = 0; i < n; ++i) {
    cumulative += positive[order[i]] ? 1.0 : 0.0;
    bool last_of_value = i + 1 == n || scores[order[i + 1]] != scores[order[i]];
    if (last_of_value) {
      tps.push_back(cumulative);
      fps.push_back(1.0 + static_cast<double>(i) - cumulative);
    }
  }
  if (tps.back() <= 0 || fps.back() <= 0) return std::numeric_limits<double>::quiet_NaN();
  // drop_intermediate: keep the ends and every point where the curve bends.
  std::vector<double> kept_tps, kept_fps;
  for (size_t i = 0; i < tps.size(); ++i) {
    bool keep = tps.size() <= 2 || i == 0 || i + 1 == tps.size() ||
                (fps[i + 1] - fps[i]) - (fps[i] - fps[i - 1]) != 0 ||
                (tps[i + 1] - tps[i]) - (tps[i] - tps[i - 1]) != 0;
    if (keep) {
      kept_tps.push_back(tps[i]);
      kept_fps.push_back(fps[i]);
    }
  }
  kept_tps.insert(kept_tps.begin(), 0.0);
  kept_fps.insert(kept_fps.begin(), 0.0);
  const double tp_total = kept_tps.back(), fp_total = kept_fps.back();
  std::vector<double> tpr(kept_tps.size()), fpr(kept_fps.size());
  for (size_t i = 0; i < tpr.size(); ++i) {
    tpr[i] = kept_tps[i] / tp_total;
    fpr[i] = kept_fps[i] / fp_total;
  }
  // np.trapz(tpr, fpr): sum of dx * (y[i + 1] + y[i]) / 2.
  std::vector<double> areas(tpr.size() - 1);
  for (size_t i = 0; i + 1 < tpr.size(); ++i) {
    areas[i] = (fpr[i + 1] - fpr[i]) * (tpr[i + 1] + tpr[i]) / 2.0;
  }
  return Sum(areas);
}

double RocAucOvr(std::span<const int32_t> truth, std::span<const double> proba, int classes) {
  CheckPair(truth.size() * static_cast<size_t>(classes), proba.size(), "ROC AUC");
  CheckClasses(truth, classes, "ROC AUC");
  const size_t n = truth.size();
  std::vector<uint8_t> positive(n);
  std::vector<double> scores(n);
  auto one = [&](int c) {
    for (size_t i = 0; i < n; ++i) {
      positive[i] = truth[i] == c ? 1 : 0;
      scores[i] = proba[i * static_cast<size_t>(classes) + static_cast<size_t>(c)];
    }
    return BinaryRocAuc(positive, scores);
  };
  if (classes == 2) return one(1);
  std::vector<double> per_class;
  for (int c = 0; c < classes; ++c) {
    double auc = one(c);
    if (std::isnan(auc)) return auc;
    per_class.push_back(auc);
  }
  return Mean(per_class);
}

double LogLoss(std::span<const int32_t> truth, std::span<const double> proba, int classes) {
  CheckPair(truth.size() * static_cast<size_t>(classes), proba.size(), "log loss");
  CheckClasses(truth, classes, "log loss");
  const double eps = std::numeric_limits<double>::epsilon();
  std::vector<double> losses(truth.size());
  std::vector<double> row(static_cast<size_t>(classes));
  for (size_t i = 0; i < truth.size(); ++i) {
    for (int c = 0; c < classes; ++c) {
      row[c] = std::clamp(proba[i * static_cast<size_t>(classes) + static_cast<size_t>(c)], eps,
                          1 - eps);
    }
    double total = NumpyPairwiseSum(row.data(), classes);
    losses[i] = -std::log(row[truth[i]] / total);
  }
  return Mean(losses);
}

double MeanAbsoluteError(std::span<const double> truth, std::span<const double> predicted) {
  CheckPair(truth.size(), predicted.size(), "mean absolute error");
  std::vector<double> errors(truth.size());
  for (size_t i = 0; i < truth.size(); ++i) errors[i] = std::fabs(predicted[i] - truth[i]);
  return Mean(errors);
}

double RootMeanSquaredError(std::span<const double> truth, std::span<const double> predicted) {
  CheckPair(truth.size(), predicted.size(), "root mean squared error");
  std::vector<double> errors(truth.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    double diff = truth[i] - predicted[i];
    errors[i] = diff * diff;
  }
  return std::sqrt(Mean(errors));
}

double R2Score(std::span<const double> truth, std::span<const double> predicted) {
  CheckPair(truth.size(), predicted.size(), "R2");
  std::vector<double> residual(truth.size()), spread(truth.size());
  std::vector<double> values(truth.begin(), truth.end());
  const double mean = Mean(values);
  for (size_t i = 0; i < truth.size(); ++i) {
    double diff = truth[i] - predicted[i];
    residual[i] = 1.0 * (diff * diff);
    double centred = truth[i] - mean;
    spread[i] = 1.0 * (centred * centred);
  }
  const double numerator = Sum(residual), denominator = Sum(spread);
  if (denominator == 0) return numerator == 0 ? 1.0 : 0.0;
  return 1 - numerator / denominator;
}

}  // namespace hitscope
