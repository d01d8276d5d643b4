// Cross-validation, the leaky protocol of the leakage demonstration, and the final fit.
#include <cmath>
#include <functional>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/error.hpp>
#include <hitscope/evaluation.hpp>

#include "core/progress.hpp"
#include "evaluate/search/scoring.hpp"

namespace hitscope {

namespace {

const char* kHonestPlace = "inside each training part only";
const char* kLeakyPlace =
    "before the split, on all rows (LEAKY: test rows have copies in training)";

double JsonNumber(double value) {
  return value;
}

nlohmann::json NumberOrNull(double value) {
  if (std::isnan(value) || std::isinf(value)) return nullptr;
  return JsonNumber(value);
}

}  // namespace

namespace search {

const std::vector<std::string>& MetricNames(TargetKind target) {
  static const std::vector<std::string> classes = {"accuracy",    "balanced_accuracy", "macro_f1",
                                                   "weighted_f1", "roc_auc_ovr",       "log_loss"};
  static const std::vector<std::string> scores = {"mae", "rmse", "r2"};
  return target == TargetKind::kClass ? classes : scores;
}

Evaluation EvaluateSplits(const Dataset& data, const std::vector<Split>& splits,
                          const Protocol& protocol,
                          const std::function<PipelineSpec(size_t split)>& spec_for,
                          const std::string& progress_label) {
  Evaluation evaluation;
  evaluation.pipeline = spec_for(0);
  evaluation.protocol = protocol;
  evaluation.resampling_place = evaluation.pipeline.resample == "none" ? "none" : kHonestPlace;
  evaluation.target = data.target;
  evaluation.class_names = data.classes.names;
  evaluation.classes = data.target == TargetKind::kClass ? data.classes.Describe() : "";
  const int classes = data.classes.num_classes();
  std::vector<int32_t> pooled_truth, pooled_predicted;
  std::map<std::string, std::vector<double>> per_metric;
  double ratio_sum = 0;
  // Inner searches pass no label: one bar at a time on the terminal.
  std::optional<Progress> progress;
  if (!progress_label.empty()) progress.emplace(progress_label, splits.size(), "splits");
  for (size_t s = 0; s < splits.size(); ++s) {
    const Split& split = splits[s];
    PipelineSpec spec = spec_for(s);
    Pipeline pipeline(spec, data.target, data.feature_names, data.classes.names);
    Matrix train_x = data.x.TakeRows(split.train);
    Matrix test_x = data.x.TakeRows(split.test);
    FoldResult fold;
    fold.train_rows = static_cast<int64_t>(split.train.size());
    fold.test_rows = static_cast<int64_t>(split.test.size());
    if (data.target == TargetKind::kClass) {
      Labels train_y(split.train.size()), test_y(split.test.size());
      for (size_t i = 0; i < split.train.size(); ++i) train_y[i] = data.y[split.train[i]];
      for (size_t i = 0; i < split.test.size(); ++i) test_y[i] = data.y[split.test[i]];
      pipeline.FitClasses(train_x, train_y);
      Labels predicted;
      Matrix proba;
      pipeline.PredictBoth(test_x, &predicted, &proba);
      fold.scores = ClassificationScores(test_y, predicted, proba, classes);
      pooled_truth.insert(pooled_truth.end(), test_y.begin(), test_y.end());
      pooled_predicted.insert(pooled_predicted.end(), predicted.begin(), predicted.end());
    } else {
      std::vector<double> train_y(split.train.size()), test_y(split.test.size());
      for (size_t i = 0; i < split.train.size(); ++i) train_y[i] = data.popularity[split.train[i]];
      for (size_t i = 0; i < split.test.size(); ++i) test_y[i] = data.popularity[split.test[i]];
      pipeline.FitScores(train_x, train_y);
      fold.scores = RegressionScores(test_y, pipeline.PredictScores(test_x));
    }
    fold.fitted_rows = pipeline.rows_fitted();
    for (const auto& [metric, value] : fold.scores) per_metric[metric].push_back(value);
    ratio_sum += static_cast<double>(fold.test_rows) / static_cast<double>(fold.train_rows);
    evaluation.folds.push_back(std::move(fold));
    if (progress) progress->Add(1);
  }
  if (progress) progress->Finish();
  const double ratio = ratio_sum / static_cast<double>(splits.size());
  for (const auto& metric : MetricNames(data.target)) {
    evaluation.scores.push_back(SummarizeScores(metric, per_metric[metric], ratio));
  }
  if (data.target == TargetKind::kClass) {
    evaluation.confusion = MakeConfusionMatrix(pooled_truth, pooled_predicted, classes);
    evaluation.report = ClassificationReport(pooled_truth, pooled_predicted, data.classes.names);
  }
  return evaluation;
}

}  // namespace search

const ScoreSummary& Evaluation::Score(const std::string& metric) const {
  for (const auto& score : scores) {
    if (score.metric == metric) return score;
  }
  throw InvalidArgument(fmt::format("no score named '{}' in this evaluation", metric));
}

std::string Evaluation::ToText() const {
  std::string out;
  if (leaky) {
    out +=
        "*** LEAKY PROTOCOL (leakage demonstration): resampled before splitting, so the test "
        "parts hold copies or interpolations of training rows. These scores are inflated. ***\n";
  }
  out += fmt::format("protocol:   {}\n", protocol.Describe());
  out += fmt::format("pipeline:   {}\n", pipeline.Describe());
  out += fmt::format("resampling: {}\n", resampling_place);
  if (!classes.empty()) out += fmt::format("classes:    {}\n", classes);
  int64_t train = 0, fitted = 0, test = 0;
  for (const auto& fold : folds) {
    train += fold.train_rows;
    fitted += fold.fitted_rows;
    test += fold.test_rows;
  }
  const double n = static_cast<double>(std::max<size_t>(1, folds.size()));
  out += fmt::format(
      "splits:     {} (mean {:.0f} training rows, {:.0f} after resampling, {:.0f} "
      "test rows)\n\n",
      folds.size(), train / n, fitted / n, test / n);
  out += fmt::format("{:<18} {:>8} {:>8}   {}\n", "score", "mean", "std", "95 % interval");
  for (const auto& score : scores) {
    std::string interval = std::isnan(score.ci_low)
                               ? "(one split: no interval)"
                               : fmt::format("[{:.4f}, {:.4f}]", score.ci_low, score.ci_high);
    out += fmt::format("{:<18} {:>8.4f} {:>8.4f}   {}\n", score.metric, score.mean,
                       std::isnan(score.std) ? 0.0 : score.std, interval);
  }
  if (!report.empty()) {
    out += "\nclassification report (all test rows pooled):\n" + report;
    out += "\nconfusion matrix (rows: true class, columns: predicted):\n";
    size_t width = 8;
    for (const auto& name : class_names) width = std::max(width, name.size() + 1);
    out += fmt::format("{:>{}}", "", width);
    for (const auto& name : class_names) out += fmt::format("{:>{}}", name, width);
    out += "\n";
    for (int t = 0; t < confusion.classes; ++t) {
      out += fmt::format("{:>{}}", class_names[t], width);
      for (int p = 0; p < confusion.classes; ++p) {
        out += fmt::format("{:>{}}", confusion.at(t, p), width);
      }
      out += "\n";
    }
  }
  return out;
}

std::string Evaluation::ToJson() const {
  nlohmann::json json;
  json["leaky"] = leaky;
  json["protocol"] = {
      {"name", protocol.ToString()}, {"description", protocol.Describe()}, {"seed", protocol.seed}};
  json["resampling_place"] = resampling_place;
  json["pipeline"] = pipeline.ToParams();
  json["pipeline_description"] = pipeline.Describe();
  json["target"] = target == TargetKind::kClass ? "class" : "popularity";
  if (target == TargetKind::kClass) {
    json["classes"] = class_names;
    json["class_edges"] = classes;
  }
  nlohmann::json summary = nlohmann::json::object();
  for (const auto& score : scores) {
    nlohmann::json folds_json = nlohmann::json::array();
    for (double value : score.per_fold) folds_json.push_back(NumberOrNull(value));
    summary[score.metric] = {{"mean", NumberOrNull(score.mean)},
                             {"std", NumberOrNull(score.std)},
                             {"ci95", {NumberOrNull(score.ci_low), NumberOrNull(score.ci_high)}},
                             {"per_fold", folds_json}};
  }
  json["scores"] = summary;
  nlohmann::json folds_json = nlohmann::json::array();
  for (const auto& fold : folds) {
    folds_json.push_back({{"train_rows", fold.train_rows},
                          {"fitted_rows", fold.fitted_rows},
                          {"test_rows", fold.test_rows}});
  }
  json["splits"] = folds_json;
  if (target == TargetKind::kClass) {
    nlohmann::json matrix = nlohmann::json::array();
    for (int t = 0; t < confusion.classes; ++t) {
      nlohmann::json row = nlohmann::json::array();
      for (int p = 0; p < confusion.classes; ++p) row.push_back(confusion.at(t, p));
      matrix.push_back(row);
    }
    json["confusion_matrix"] = matrix;
    json["classification_report"] = report;
  }
  return json.dump(2) + "\n";
}

Evaluation CrossValidate(const Dataset& data, const PipelineSpec& spec, const Protocol& protocol) {
  std::vector<Split> splits = MakeSplits(data, protocol);
  return search::EvaluateSplits(
      data, splits, protocol, [&](size_t) { return spec; }, "cross-validation");
}

Evaluation EvaluateLeakyResampleBeforeSplit(const Dataset& data, const PipelineSpec& spec,
                                            const Protocol& protocol) {
  if (data.target != TargetKind::kClass) {
    throw InvalidArgument("the leaky protocol resamples classes; use --target class");
  }
  std::unique_ptr<Resampler> resampler = MakeResampler(spec, data.classes.names);
  if (!resampler) {
    throw InvalidArgument(
        "the leaky protocol needs a resampler to leak (--resample smote, ros, "
        "smote_tomek or tomek)");
  }
  if (protocol.kind == ProtocolKind::kGroupKFold || protocol.kind == ProtocolKind::kTimeOrdered) {
    throw InvalidArgument(
        "the leaky protocol splits resampled rows, which have no artist or "
        "year; use a stratified protocol");
  }
  // The original study's order: resample everything, then split.
  Dataset resampled;
  resampled.roles = data.roles;
  resampled.feature_names = data.feature_names;
  resampled.target = data.target;
  resampled.classes = data.classes;
  resampler->FitResample(data.x, data.y, &resampled.x, &resampled.y);
  resampled.popularity.assign(resampled.y.begin(), resampled.y.end());
  PipelineSpec rest = spec;
  rest.resample = "none";
  std::vector<Split> splits = MakeSplits(resampled, protocol);
  Evaluation evaluation = search::EvaluateSplits(
      resampled, splits, protocol, [&](size_t) { return rest; }, "leaky protocol");
  evaluation.pipeline = spec;
  evaluation.leaky = true;
  evaluation.resampling_place = kLeakyPlace;
  return evaluation;
}

Pipeline FitFinal(const Dataset& data, const PipelineSpec& spec) {
  Pipeline pipeline(spec, data.target, data.feature_names, data.classes.names);
  if (data.target == TargetKind::kClass) {
    pipeline.FitClasses(data.x, data.y);
  } else {
    pipeline.FitScores(data.x, data.popularity);
  }
  return pipeline;
}

}  // namespace hitscope
