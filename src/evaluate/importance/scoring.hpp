// evaluate/importance/scoring.hpp: the scores permutation importance and RFE measure, computed as
// scikit-learn 1.2.1 computes them (accuracy_score, balanced_accuracy_score, r2_score,
// mean_absolute_error), numpy's pairwise sums included, so that equal predictions give equal
// scores to the last bit.
#pragma once

#include <span>

#include <hitscope/importance.hpp>

namespace hitscope::importance {

double ScoreClasses(ImportanceScoring scoring, std::span<const int32_t> truth,
                    std::span<const int32_t> predicted);
double ScoreValues(ImportanceScoring scoring, std::span<const double> truth,
                   std::span<const double> predicted);

// numpy's mean and std (ddof 0) of a short row of numbers.
double NumpyMean(std::span<const double> values);
double NumpyStd(std::span<const double> values);

}  // namespace hitscope::importance
