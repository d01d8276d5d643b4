#include "evaluate/search/scoring.hpp"

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "core/text.hpp"

namespace hitscope::search {

std::map<std::string, double> ClassificationScores(std::span<const int32_t> truth,
                                                   std::span<const int32_t> predicted,
                                                   const Matrix& proba, int classes) {
  ClassScores per_class = PrecisionRecallF1(truth, predicted, classes);
  return {{"accuracy", Accuracy(truth, predicted)},
          {"balanced_accuracy", BalancedAccuracy(truth, predicted, classes)},
          {"macro_f1", MacroAverage(per_class).f1},
          {"weighted_f1", WeightedAverage(per_class).f1},
          {"roc_auc_ovr", RocAucOvr(truth, proba.data(), classes)},
          {"log_loss", LogLoss(truth, proba.data(), classes)}};
}

std::map<std::string, double> RegressionScores(std::span<const double> truth,
                                               std::span<const double> predicted) {
  return {{"mae", MeanAbsoluteError(truth, predicted)},
          {"rmse", RootMeanSquaredError(truth, predicted)},
          {"r2", R2Score(truth, predicted)}};
}

std::string DefaultScoring(TargetKind target) {
  return target == TargetKind::kClass ? "macro_f1" : "r2";
}

double ScoringValue(const Evaluation& evaluation, const std::string& scoring) {
  static const std::vector<std::string> kClass = {
      "macro_f1", "balanced_accuracy", "accuracy", "weighted_f1", "roc_auc_ovr", "neg_log_loss"};
  static const std::vector<std::string> kScore = {"r2", "neg_rmse", "neg_mae"};
  const auto& allowed = evaluation.target == TargetKind::kClass ? kClass : kScore;
  if (std::find(allowed.begin(), allowed.end(), scoring) == allowed.end()) {
    throw InvalidArgument(fmt::format("unknown scoring '{}'{} for this target; use one of {}",
                                      scoring, DidYouMean(scoring, allowed), QuoteList(allowed)));
  }
  if (scoring.rfind("neg_", 0) == 0) return -evaluation.Score(scoring.substr(4)).mean;
  return evaluation.Score(scoring).mean;
}

}  // namespace hitscope::search
