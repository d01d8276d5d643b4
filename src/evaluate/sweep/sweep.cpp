// Parameter sweeps (include/hitscope/sweep.hpp).
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/error.hpp>
#include <hitscope/metrics.hpp>
#include <hitscope/sweep.hpp>

#include "core/progress.hpp"

namespace hitscope {

namespace {

struct Scores {
  double train = 0, test = 0, train_error = 0, test_error = 0;
  int deepest = -1;  // the fitted tree's depth (model "tree" only), else -1
};

// Fits the pipeline on one split and scores it on both parts.
Scores FitAndScore(const Dataset& data, const PipelineSpec& spec, const Split& split) {
  Dataset train = SubsetDataset(data, split.train);
  Dataset test = SubsetDataset(data, split.test);
  std::vector<std::string> class_names =
      data.target == TargetKind::kClass ? data.classes.names : std::vector<std::string>{};
  Pipeline pipeline(spec, data.target, data.feature_names, class_names);
  Scores scores;
  if (data.target == TargetKind::kClass) {
    pipeline.FitClasses(train.x, train.y);
    scores.train = Accuracy(train.y, pipeline.PredictClasses(train.x));
    scores.test = Accuracy(test.y, pipeline.PredictClasses(test.x));
    scores.train_error = 1 - scores.train;
    scores.test_error = 1 - scores.test;
  } else {
    pipeline.FitScores(train.x, train.popularity);
    std::vector<double> train_predicted = pipeline.PredictScores(train.x);
    std::vector<double> test_predicted = pipeline.PredictScores(test.x);
    scores.train = R2Score(train.popularity, train_predicted);
    scores.test = R2Score(test.popularity, test_predicted);
    scores.train_error = RootMeanSquaredError(train.popularity, train_predicted);
    scores.test_error = RootMeanSquaredError(test.popularity, test_predicted);
  }
  if (spec.model == "tree") {
    std::vector<EstimatorState> states = pipeline.SaveStates();
    scores.deepest = static_cast<int>(states.back().Numbers("tree.max_depth").at(0));
  }
  return scores;
}

}  // namespace

std::vector<std::string> ParseSweepValues(const std::string& text) {
  std::vector<std::string> values;
  auto bad = [&] {
    return InvalidArgument(fmt::format(
        "sweep values '{}' are not understood; use a range such as 1..80 (or 1..80:5 for every "
        "5th) or a list such as 1,3,5,7",
        text));
  };
  auto dots = text.find("..");
  if (dots != std::string::npos) {
    std::string rest = text.substr(dots + 2);
    int64_t step = 1;
    auto colon = rest.find(':');
    try {
      int64_t first = std::stoll(text.substr(0, dots));
      if (colon != std::string::npos) step = std::stoll(rest.substr(colon + 1));
      int64_t last = std::stoll(rest.substr(0, colon));
      if (step < 1 || last < first || (last - first) / step > 100000) throw bad();
      for (int64_t value = first; value <= last; value += step) {
        values.push_back(std::to_string(value));
      }
    } catch (const std::logic_error&) {
      throw bad();
    }
    return values;
  }
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (part.empty()) throw bad();
    values.push_back(part);
  }
  if (values.empty()) throw bad();
  return values;
}

SweepResult SweepParameter(const Dataset& data, const PipelineSpec& base,
                           const SweepOptions& options) {
  if (options.values.empty()) {
    throw InvalidArgument("sweep: give at least one value to try");
  }
  // Checks the parameter name (and each value) before any fitting.
  for (const std::string& value : options.values) {
    PipelineSpec spec = base;
    spec.Set("model." + options.param, value);
    CompleteModelParams(FindModel(spec.model), spec.model_params);
  }
  SweepResult result;
  result.model = base.model;
  result.param = options.param;
  result.metric = data.target == TargetKind::kClass ? "accuracy" : "r2";
  result.protocol = options.protocol.Describe();
  std::vector<Split> splits = MakeSplits(data, options.protocol);
  const bool depth_sweep = base.model == "tree" && options.param == "max_depth";
  Progress progress("sweep " + options.param, options.values.size() * splits.size(), "fits");
  bool saturated = false;
  for (const std::string& value : options.values) {
    SweepPoint point;
    point.value = value;
    if (saturated) {
      SweepPoint copy = result.points.back();
      copy.value = value;
      copy.reused = true;
      result.points.push_back(copy);
      progress.Add(splits.size());
      continue;
    }
    PipelineSpec spec = base;
    spec.Set("model." + options.param, value);
    std::vector<double> test_scores;
    bool all_shallower = depth_sweep && value != "none";
    for (const Split& split : splits) {
      Scores scores = FitAndScore(data, spec, split);
      point.train_score += scores.train / static_cast<double>(splits.size());
      point.test_score += scores.test / static_cast<double>(splits.size());
      point.train_error += scores.train_error / static_cast<double>(splits.size());
      point.test_error += scores.test_error / static_cast<double>(splits.size());
      test_scores.push_back(scores.test);
      if (all_shallower && scores.deepest >= std::stoi(value)) all_shallower = false;
      progress.Add(1);
    }
    if (test_scores.size() > 1) {
      double variance = 0;
      for (double score : test_scores) variance += std::pow(score - point.test_score, 2);
      point.test_score_std = std::sqrt(variance / static_cast<double>(test_scores.size() - 1));
    }
    // A limit the trees never reached: deeper limits grow the same trees.
    saturated = all_shallower;
    result.points.push_back(point);
  }
  progress.Finish();
  return result;
}

const SweepPoint& SweepResult::Best() const {
  size_t best = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    if (points[i].test_score > points[best].test_score) best = i;
  }
  return points.at(best);
}

std::string SweepResult::ToText() const {
  const bool classes = metric == "accuracy";
  std::string out = fmt::format("{} sweep of {} ({}; {})\n", param, model, protocol,
                                classes ? "error = 1 - accuracy" : "error = RMSE");
  out += fmt::format("{:>10}  {:>11}  {:>11}  {:>11}  {:>11}\n", param, "train " + metric,
                     "test " + metric, "train error", "test error");
  for (const SweepPoint& point : points) {
    out += fmt::format("{:>10}  {:>11.4f}  {:>11.4f}  {:>11.4f}  {:>11.4f}{}\n", point.value,
                       point.train_score, point.test_score, point.train_error, point.test_error,
                       point.reused ? "  (same trees as above)" : "");
  }
  const SweepPoint& best = Best();
  out +=
      fmt::format("best test {}: {:.4f} at {} = {}\n", metric, best.test_score, param, best.value);
  return out;
}

std::string SweepResult::ToJson() const {
  nlohmann::json out;
  out["model"] = model;
  out["param"] = param;
  out["metric"] = metric;
  out["protocol"] = protocol;
  out["best"] = Best().value;
  out["points"] = nlohmann::json::array();
  for (const SweepPoint& point : points) {
    out["points"].push_back({{"value", point.value},
                             {"train_score", point.train_score},
                             {"test_score", point.test_score},
                             {"train_error", point.train_error},
                             {"test_error", point.test_error},
                             {"test_score_std", point.test_score_std},
                             {"reused", point.reused}});
  }
  return out.dump(1) + "\n";
}

}  // namespace hitscope
