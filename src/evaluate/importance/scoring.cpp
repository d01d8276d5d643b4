#include "evaluate/importance/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "learn/cluster/numpy_compat.hpp"

namespace hitscope::importance {

double ScoreClasses(ImportanceScoring scoring, std::span<const int32_t> truth,
                    std::span<const int32_t> predicted) {
  const auto n = static_cast<double>(truth.size());
  switch (scoring) {
    case ImportanceScoring::kDefault:
    case ImportanceScoring::kAccuracy: {
      int64_t correct = 0;
      for (size_t i = 0; i < truth.size(); ++i) correct += truth[i] == predicted[i];
      return static_cast<double>(correct) / n;
    }
    case ImportanceScoring::kBalancedAccuracy: {
      // The mean recall over the classes present in the truth.
      int32_t k = 0;
      for (size_t i = 0; i < truth.size(); ++i) k = std::max({k, truth[i] + 1, predicted[i] + 1});
      std::vector<int64_t> total(static_cast<size_t>(k), 0), hit(static_cast<size_t>(k), 0);
      for (size_t i = 0; i < truth.size(); ++i) {
        ++total[truth[i]];
        hit[truth[i]] += truth[i] == predicted[i];
      }
      std::vector<double> recalls;
      for (size_t c = 0; c < total.size(); ++c) {
        if (total[c] > 0) {
          recalls.push_back(static_cast<double>(hit[c]) / static_cast<double>(total[c]));
        }
      }
      return cluster::NumpySum(recalls) / static_cast<double>(recalls.size());
    }
    default:
      throw InvalidArgument(
          "the scoring is for regressors; a classifier is scored by accuracy or "
          "balanced_accuracy");
  }
}

double ScoreValues(ImportanceScoring scoring, std::span<const double> truth,
                   std::span<const double> predicted) {
  const auto n = static_cast<double>(truth.size());
  std::vector<double> terms(truth.size());
  switch (scoring) {
    case ImportanceScoring::kDefault:
    case ImportanceScoring::kR2: {
      double mean = cluster::NumpySum(truth) / n;
      for (size_t i = 0; i < truth.size(); ++i) {
        terms[i] = (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
      }
      double numerator = cluster::NumpySum(terms);
      for (size_t i = 0; i < truth.size(); ++i) terms[i] = (truth[i] - mean) * (truth[i] - mean);
      double denominator = cluster::NumpySum(terms);
      if (denominator == 0) return numerator == 0 ? 1.0 : 0.0;
      return 1.0 - numerator / denominator;
    }
    case ImportanceScoring::kNegMeanAbsoluteError: {
      for (size_t i = 0; i < truth.size(); ++i) terms[i] = std::fabs(truth[i] - predicted[i]);
      return -(cluster::NumpySum(terms) / n);
    }
    default:
      throw InvalidArgument(
          "the scoring is for classifiers; a regressor is scored by r2 or "
          "neg_mean_absolute_error");
  }
}

double NumpyMean(std::span<const double> values) {
  return cluster::NumpySum(values) / static_cast<double>(values.size());
}

double NumpyStd(std::span<const double> values) {
  double mean = NumpyMean(values);
  std::vector<double> squares(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    double d = values[i] - mean;
    squares[i] = d * d;
  }
  return std::sqrt(cluster::NumpySum(squares) / static_cast<double>(values.size()));
}

}  // namespace hitscope::importance
