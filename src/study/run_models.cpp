// The study's model sections: classifiers under each protocol, sweeps and the search, the
// imbalance strategies and scalers, the best model, the leakage demonstration, importances and
// RFE, and the regression of the raw score.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/explain.hpp>
#include <hitscope/runtime.hpp>
#include <hitscope/study.hpp>
#include <hitscope/trees.hpp>

#include "study/internal.hpp"

namespace hitscope::study {
namespace {

bool HasParam(const std::string& model, const std::string& param) {
  const ModelEntry& entry = FindModel(model);
  return std::any_of(entry.params.begin(), entry.params.end(),
                     [&](const ModelParam& p) { return p.name == param; });
}

void SetSeed(PipelineSpec* spec, uint64_t seed) {
  spec->seed = seed;
  if (HasParam(spec->model, "seed")) spec->model_params["seed"] = std::to_string(seed);
}

PipelineSpec ModelSpec(const StudyConfig& c, const std::string& name) {
  PipelineSpec spec;
  spec.scaler = c.scaler;
  if (name == "knn") {
    spec.model = "knn";
    spec.model_params["k"] = std::to_string(c.knn_k);
  } else if (name == "tree" || name == "tree_balanced") {
    spec.model = "tree";
    spec.model_params["max_depth"] = std::to_string(c.tree_max_depth);
    if (name == "tree_balanced") spec.class_weight = "balanced";
  } else if (name == "forest") {
    spec.model = "forest";
    spec.model_params["n_estimators"] = std::to_string(c.forest_trees);
    spec.model_params["max_depth"] = std::to_string(c.forest_max_depth);
  } else if (name == "xgboost") {
    spec.model = "xgboost";
    spec.model_params["n_estimators"] = std::to_string(c.xgboost_rounds);
    spec.model_params["max_depth"] = std::to_string(c.xgboost_max_depth);
  } else {
    spec.model = name;  // logreg, ridge
  }
  SetSeed(&spec, c.seed);
  return spec;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// XGBoost's OpenMP threads spin while they wait; with another busy process on a two-core
// machine a boosting round then costs several times its work (measured: 4.8 s vs 29 s for the
// same 3-fold run). One thread keeps its time steady; its folds are short anyway.
class OneThreadFor {
 public:
  explicit OneThreadFor(const PipelineSpec& spec) : active_(spec.model == "xgboost") {
    if (active_) {
      previous_ = ThreadCount();
      SetThreadCount(1);
    }
  }
  ~OneThreadFor() {
    if (active_) SetThreadCount(previous_);
  }
  OneThreadFor(const OneThreadFor&) = delete;
  OneThreadFor& operator=(const OneThreadFor&) = delete;

 private:
  bool active_;
  int previous_ = 0;
};

StudyEvaluation Evaluate(const std::string& name, const Dataset& data, const PipelineSpec& spec,
                         const Protocol& protocol) {
  OneThreadFor threads(spec);
  auto start = std::chrono::steady_clock::now();
  StudyEvaluation out{name, CrossValidate(data, spec, protocol), 0};
  out.seconds = Seconds(start);
  return out;
}

// KNN's data: its exact neighbour searches grow faster than the rows, so it has its own budget.
const Dataset& KnnData(const Dataset& data, const StudyConfig& c, StudyResult* result,
                       std::optional<Dataset>* sample) {
  if (c.knn_rows <= 0 || data.rows() <= c.knn_rows) return data;
  if (!*sample)
    *sample = SampleDataset(data, c.knn_rows, c.seed + 3, "KNN and its k sweep", result);
  return **sample;
}

void Classifiers(const Dataset& data, const StudyConfig& c, StudyResult* result,
                 const std::function<void(const std::string&)>& step,
                 std::optional<Dataset>* knn_sample) {
  for (size_t p = 0; p < c.protocols.size(); ++p) {
    Protocol protocol = Protocol::Parse(c.protocols[p], c.seed);
    step("classifiers: " + protocol.Describe());
    if (protocol.NeedsYears() && data.years.empty()) {
      result->notes.push_back(
          fmt::format("protocol {} skipped: the table has no release date (set data.release_date)",
                      c.protocols[p]));
      continue;
    }
    if (protocol.kind == ProtocolKind::kGroupKFold &&
        (protocol.group == "artist" ? data.artist_groups : data.isrc_groups).empty()) {
      result->notes.push_back(fmt::format("protocol {} skipped: the table has no {} column",
                                          c.protocols[p], protocol.group));
      continue;
    }
    for (const auto& name : c.classifiers) {
      const Dataset& rows = name == "knn" ? KnnData(data, c, result, knn_sample) : data;
      result->classifiers.push_back(Evaluate(name, rows, ModelSpec(c, name), protocol));
    }
  }
  // The best model: the highest honest macro-F1 under the first protocol that ran.
  double best = -1;
  const std::string first = result->classifiers.empty()
                                ? std::string()
                                : result->classifiers.front().evaluation.protocol.ToString();
  for (const auto& run : result->classifiers) {
    if (run.evaluation.protocol.ToString() != first) continue;
    double score = run.evaluation.Score("macro_f1").mean;
    if (score > best) {
      best = score;
      result->best_name = run.name;
      result->best_spec = run.evaluation.pipeline;
    }
  }
}

void Sweeps(const Dataset& data, const StudyConfig& c, StudyResult* result,
            const std::function<void(const std::string&)>& step,
            std::optional<Dataset>* knn_sample) {
  const Protocol holdout = Protocol::Parse("holdout:0.2", c.seed);
  auto has = [&](const char* name) {
    return std::find(c.classifiers.begin(), c.classifiers.end(), name) != c.classifiers.end();
  };
  if (has("knn") && !c.knn_sweep.empty()) {
    step("k sweep and search (knn)");
    SweepOptions o;
    o.param = "k";
    for (int k : c.knn_sweep) o.values.push_back(std::to_string(k));
    o.protocol = holdout;
    result->knn_sweep =
        SweepParameter(KnnData(data, c, result, knn_sample), ModelSpec(c, "knn"), o);
    if (c.knn_search_candidates > 0) {
      Dataset small = SampleDataset(data, c.search_rows, c.seed + 1, "KNN random search", result);
      SearchOptions s;
      s.random = true;
      s.candidates = c.knn_search_candidates;
      s.seed = c.seed;
      result->knn_search = Search(small, ModelSpec(c, "knn"), DefaultSearchSpace("knn"), s,
                                  Protocol::Parse("stratified:3", c.seed));
    }
  }
  if (has("tree") || has("tree_balanced")) {
    step("depth sweep (tree)");
    SweepOptions o;
    o.param = "max_depth";
    for (int d = 1; d <= c.depth_sweep_max; ++d) o.values.push_back(std::to_string(d));
    o.protocol = holdout;
    PipelineSpec spec = ModelSpec(c, "tree");
    result->depth_sweep = SweepParameter(data, spec, o);
  }
}

void Imbalance(const Dataset& all, const StudyConfig& c, StudyResult* result,
               const std::function<void(const std::string&)>& step) {
  step("imbalance strategies and scalers (" + c.imbalance_model + ")");
  const Protocol protocol = Protocol::Parse(c.protocols.front(), c.seed);
  if (protocol.NeedsYears() && all.years.empty()) return;
  const Dataset data =
      SampleDataset(all, c.resample_rows, c.seed + 2, "imbalance strategies and scalers", result);
  const bool weights = FindModel(c.imbalance_model).uses_sample_weights;
  auto run = [&](const std::string& strategy, const std::string& scaler) {
    if (strategy == "class_weight" && !weights) {
      result->notes.push_back(
          fmt::format("class weights skipped: {} ignores sample weights", c.imbalance_model));
      return;
    }
    PipelineSpec spec = ModelSpec(c, c.imbalance_model);
    spec.scaler = scaler;
    if (strategy == "class_weight") {
      spec.class_weight = "balanced";
    } else {
      spec.resample = strategy;
    }
    result->imbalance.push_back(
        Evaluate(fmt::format("{} + {} ({} scaler)", c.imbalance_model, strategy, scaler), data,
                 spec, protocol));
  };
  if (c.imbalance_grid) {
    for (const auto& strategy : c.imbalance) {
      for (const auto& scaler : c.scalers) run(strategy, scaler);
    }
    return;
  }
  for (const auto& strategy : c.imbalance) run(strategy, c.scaler);
  for (const auto& scaler : c.scalers) {
    if (scaler == c.scaler &&
        std::find(c.imbalance.begin(), c.imbalance.end(), "none") != c.imbalance.end()) {
      continue;  // already run above
    }
    run("none", scaler);
  }
}

void BestModel(const Table& table, const Dataset& data, StudyResult* result,
               const std::function<void(const std::string&)>& step) {
  if (result->best_name.empty()) return;
  step("best model: refit " + result->best_name + " on every row");
  std::string summary = "hitscope study: the best classifier (" + result->best_name +
                        ", honest macro-F1 under " +
                        result->classifiers.front().evaluation.protocol.Describe() +
                        "), refitted on every row\ndata: " + data.Summary() + "\n";
  for (const auto& run : result->classifiers) {
    if (run.name == result->best_name) {
      summary += run.evaluation.ToText();
      break;
    }
  }
  OneThreadFor threads(result->best_spec);
  result->best_model = MakeTrainedModel(FitFinal(data, result->best_spec), data, table, summary);
}

void Leakage(const Table& table, const StudyConfig& c, StudyResult* result,
             const std::function<void(const std::string&)>& step) {
  DatasetOptions options;
  options.roles = c.roles;
  options.classes = c.leakage_classes;
  options.class_names = c.class_names;
  options.drop_missing = true;
  Dataset data = SampleDataset(BuildDataset(table, options),
                               c.resample_rows > 0 ? c.resample_rows : c.model_rows, c.seed,
                               "leakage demonstration", result);
  result->leakage_classes = data.classes.Describe();
  const Protocol protocol = Protocol::Parse(c.leakage_protocol, c.seed);
  for (const auto& resampler : c.leakage_resamplers) {
    step("leakage demonstration: " + resampler);
    PipelineSpec spec = ModelSpec(c, c.leakage_model);
    spec.model_params.erase("max_depth");  // fully grown, as scikit-learn's default
    spec.resample = resampler;
    LeakagePair pair;
    pair.resampler = resampler;
    pair.honest = CrossValidate(data, spec, protocol);
    pair.leaky = EvaluateLeakyResampleBeforeSplit(data, spec, protocol);
    result->leakage.push_back(std::move(pair));
  }
}

void Importance(const Table& table, const Dataset& data, const StudyConfig& c, StudyResult* result,
                const std::function<void(const std::string&)>& step) {
  step("importance: impurity, permutation, SHAP, RFE");
  const bool forest =
      std::find(c.classifiers.begin(), c.classifiers.end(), "forest") != c.classifiers.end();
  PipelineSpec spec = ModelSpec(c, forest ? "forest" : "tree");
  std::vector<Split> splits = MakeSplits(data, Protocol::Parse("holdout:0.2", c.seed));
  const Split& split = splits.front();
  Dataset train = SubsetDataset(data, split.train);
  std::vector<int64_t> test_rows;
  for (int64_t row : split.test) test_rows.push_back(data.source_rows[row]);
  Pipeline pipeline(spec, TargetKind::kClass, data.feature_names, data.classes.names);
  pipeline.FitClasses(train.x, train.y);
  TrainedModel model = MakeTrainedModel(std::move(pipeline), train, table, "");
  ExplainOptions options;
  options.shap_rows = c.shap_rows;
  options.n_repeats = c.permutation_repeats;
  options.seed = static_cast<uint32_t>(c.seed);
  ModelExplanation explanation = ExplainModel(model, table.Take(test_rows), options);
  result->importance_model =
      fmt::format("{} fitted on {} training rows, scored on {} held-out rows (SHAP: {} rows)",
                  spec.Describe(), train.rows(), test_rows.size(), explanation.shap_rows);
  result->importance = explanation.importance;

  DecisionTreeOptions tree;
  tree.max_depth = c.tree_max_depth;
  tree.seed = static_cast<uint32_t>(c.seed);
  DecisionTreeClassifier prototype(tree);
  RfeOptions rfe;
  rfe.n_features_to_select =
      std::min<int>(c.rfe_features, static_cast<int>(data.feature_names.size()));
  result->rfe = RecursiveFeatureElimination(prototype, train.x, train.y, rfe);
  result->rfe_features = data.feature_names;
}

void Regression(const Table& table, const StudyConfig& c, StudyResult* result,
                const std::function<void(const std::string&)>& step) {
  step("regression of the popularity score");
  DatasetOptions options;
  options.roles = c.roles;
  options.target = TargetKind::kPopularity;
  options.drop_missing = true;
  options.need_years = Protocol::Parse(c.protocols.front()).NeedsYears();
  Dataset data =
      SampleDataset(BuildDataset(table, options), c.model_rows, c.seed, "regression", result);
  const Protocol protocol = Protocol::Parse(c.protocols.front(), c.seed);
  for (const auto& name : c.regressors) {
    result->regression.push_back(Evaluate(name, data, RegressorSpec(c, name), protocol));
  }
}

}  // namespace

PipelineSpec ClassifierSpec(const StudyConfig& config, const std::string& name) {
  return ModelSpec(config, name);
}

PipelineSpec RegressorSpec(const StudyConfig& config, const std::string& name) {
  PipelineSpec spec = ModelSpec(config, name);
  spec.class_weight = "none";
  // sqrt(features) per split, as for classes, instead of all: several times faster; the
  // pipeline's description in the report names the setting.
  if (name == "forest") spec.model_params["max_features"] = "sqrt";
  return spec;
}

void RunModelSections(const Table& table, const Dataset& all, const StudyConfig& c,
                      StudyResult* result, const std::function<void(const std::string&)>& step) {
  const bool models = c.Runs("models"), importance = c.Runs("importance");
  if (models || importance) {
    bool years = std::any_of(c.protocols.begin(), c.protocols.end(),
                             [](const std::string& p) { return Protocol::Parse(p).NeedsYears(); });
    Dataset data = all;
    if (years && !all.roles.date.empty()) {
      DatasetOptions options;
      options.roles = c.roles;
      options.classes = c.classes;
      options.class_names = c.class_names;
      options.drop_missing = true;
      options.need_years = true;
      data = BuildDataset(table, options);
      if (data.dropped_no_year > 0) {
        result->notes.push_back(fmt::format(
            "{} rows without a release year left out of the models (the time-ordered protocol "
            "needs one)",
            data.dropped_no_year));
      }
    }
    data = SampleDataset(data, c.model_rows, c.seed, "classifiers, sweeps and importance", result);
    if (models) {
      std::optional<Dataset> knn_sample;
      Classifiers(data, c, result, step, &knn_sample);
      Sweeps(data, c, result, step, &knn_sample);
      Imbalance(data, c, result, step);
      BestModel(table, data, result, step);
    }
    if (importance) Importance(table, data, c, result, step);
    result->data = std::move(data);
  }
  if (c.Runs("leakage")) Leakage(table, c, result, step);
  if (c.Runs("regression")) Regression(table, c, result, step);
}

}  // namespace hitscope::study
