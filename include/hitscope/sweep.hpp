// hitscope/sweep.hpp: one model parameter swept over a list of values, with the training and the
// test score of each value under a protocol: the study's max_depth 1..80 plot for trees (where
// training error keeps falling and test error turns up: overfitting), and the k sweep for KNN.
//
// For each value the whole pipeline (scaler, resampler, model, ...) is fitted on each split's
// training rows and scored on those rows (training score) and on the split's test rows (test
// score); scores are averaged over the splits. Classes are scored by accuracy (error = 1 -
// accuracy), the popularity score by R2 (error = RMSE). A tree depth sweep stops fitting once
// every split's tree is shallower than the depth asked for: deeper limits give the same trees,
// so their scores are copied (SweepPoint::reused).
//
// Errors: Error(kInvalidArgument) for an unknown parameter (naming the model's parameters) or an
// empty value list; whatever the pipeline and the protocol throw. Results do not depend on the
// thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hitscope/dataset.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/pipeline.hpp>

namespace hitscope {

struct SweepOptions {
  std::string param;                // a model parameter: "max_depth", "k"
  std::vector<std::string> values;  // in the order to report
  Protocol protocol;                // default: stratified 5-fold
};

struct SweepPoint {
  std::string value;
  double train_score = 0, test_score = 0;  // means over the splits
  double train_error = 0, test_error = 0;  // 1 - accuracy, or RMSE
  double test_score_std = 0;               // over the splits (ddof 1; 0 for one split)
  bool reused = false;                     // copied from a shallower tree (depth sweeps)
};

struct SweepResult {
  std::string model, param, metric;  // metric: "accuracy" or "r2"
  std::string protocol;              // Protocol::Describe()
  std::vector<SweepPoint> points;

  // The value with the best test score (the first on a tie).
  const SweepPoint& Best() const;
  // A table for the terminal (value, train, test, errors) and JSON.
  std::string ToText() const;
  std::string ToJson() const;
};

// Sweeps options.param over options.values for the pipeline `base`.
SweepResult SweepParameter(const Dataset& data, const PipelineSpec& base,
                           const SweepOptions& options);

// "1..80" (every integer), "1..80:5" (every 5th), or "1,3,5,7": the values of a sweep. Throws
// Error(kInvalidArgument) for anything else.
std::vector<std::string> ParseSweepValues(const std::string& text);

}  // namespace hitscope
