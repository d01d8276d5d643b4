// evaluate/search/scoring.hpp: the scores of one split, and the loop every protocol shares.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <hitscope/evaluation.hpp>

namespace hitscope::search {

// accuracy, balanced_accuracy, macro_f1, weighted_f1, roc_auc_ovr, log_loss.
std::map<std::string, double> ClassificationScores(std::span<const int32_t> truth,
                                                   std::span<const int32_t> predicted,
                                                   const Matrix& proba, int classes);
// mae, rmse, r2.
std::map<std::string, double> RegressionScores(std::span<const double> truth,
                                               std::span<const double> predicted);
// The metrics of a target kind, in report order.
const std::vector<std::string>& MetricNames(TargetKind target);
// The value a search maximises for `scoring` ("neg_log_loss" negates log_loss, ...). Throws
// Error(kInvalidArgument) for an unknown name.
double ScoringValue(const Evaluation& evaluation, const std::string& scoring);
// The default scoring of a target kind.
std::string DefaultScoring(TargetKind target);

// Fits spec_for(s) on each split's training rows and scores it on its test rows.
Evaluation EvaluateSplits(const Dataset& data, const std::vector<Split>& splits,
                          const Protocol& protocol,
                          const std::function<PipelineSpec(size_t split)>& spec_for,
                          const std::string& progress_label);

}  // namespace hitscope::search
