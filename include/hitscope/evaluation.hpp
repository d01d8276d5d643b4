// hitscope/evaluation.hpp: honest scores: a pipeline fitted and scored under a protocol (train/
// test, stratified / repeated / grouped k-fold, time-ordered), hyper-parameter search (grid or
// random, optionally nested), and the original study's leaky protocol for the leakage
// demonstration.
//
// In every protocol but the one named "leaky", each split's pipeline (scaler, encoder, selector,
// resampler, class weights, model) is fitted on that split's training rows only and scored on its
// test rows, which it never saw. Scores are reported with the protocol (split kind, folds, where
// resampling happened) and, over two or more splits, a 95 % interval (metrics.hpp).
//
// Errors: Error(kInvalidArgument) for a malformed protocol or search space ("stratified:x",
// "group:label:5"), Error(kInvalidInput) for data the protocol cannot split (a group column the
// table lacks, an empty fold), and whatever the pipeline's steps throw. Progress is drawn per
// split for long work. Results do not depend on the thread count.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <hitscope/dataset.hpp>
#include <hitscope/metrics.hpp>
#include <hitscope/pipeline.hpp>
#include <hitscope/split.hpp>

namespace hitscope {

enum class ProtocolKind { kHoldout, kStratifiedKFold, kRepeatedKFold, kGroupKFold, kTimeOrdered };

struct Protocol {
  ProtocolKind kind = ProtocolKind::kStratifiedKFold;
  int folds = 5;                 // k-fold folds; time-ordered windows (1: one cut)
  int repeats = 1;               // repeated k-fold
  double test_fraction = 0.2;    // holdout and one time cut
  std::string group = "artist";  // group k-fold: artist or isrc
  uint64_t seed = 0;

  // Parses "holdout[:0.2]", "stratified[:5]", "repeated[:5x3]", "group:artist[:5]",
  // "group:isrc[:5]", "time[:1]" (time:K for K expanding windows). Throws Error(kInvalidArgument)
  // with the accepted forms.
  static Protocol Parse(const std::string& text, uint64_t seed = 0);
  // "stratified 5-fold", "group 5-fold by artist", "time-ordered (train on earlier years)".
  std::string Describe() const;
  // "stratified:5" (parsable again).
  std::string ToString() const;
  // Whether the dataset must carry release years.
  bool NeedsYears() const { return kind == ProtocolKind::kTimeOrdered; }
};

// The splits of `data` under `protocol` (group ids and years from the dataset). With the
// popularity score as target, the stratified protocols stratify on popularity quintiles.
std::vector<Split> MakeSplits(const Dataset& data, const Protocol& protocol);

// The rows `rows` of `data` as a dataset of their own (for inner searches).
Dataset SubsetDataset(const Dataset& data, std::span<const int64_t> rows);

struct FoldResult {
  int64_t train_rows = 0;
  int64_t fitted_rows = 0;  // training rows after resampling
  int64_t test_rows = 0;
  std::map<std::string, double> scores;
};

struct Evaluation {
  PipelineSpec pipeline;
  Protocol protocol;
  bool leaky = false;
  // "inside each training part" (honest) or "before the split, on all rows (leaky)".
  std::string resampling_place;
  TargetKind target = TargetKind::kClass;
  std::vector<std::string> class_names;
  std::string classes;  // PopularityClasses::Describe()
  std::vector<FoldResult> folds;
  std::vector<ScoreSummary> scores;  // in a fixed order; classification: accuracy,
                                     // balanced_accuracy, macro_f1, weighted_f1, roc_auc_ovr,
                                     // log_loss; regression: mae, rmse, r2
  // Pooled over every split's test rows (each row once per repeat).
  ConfusionMatrix confusion;
  std::string report;  // scikit-learn's classification_report of the pooled predictions

  const ScoreSummary& Score(const std::string& metric) const;
  // A few paragraphs for the terminal: protocol, pipeline, scores with intervals, report.
  std::string ToText() const;
  // The same as JSON (pipeline parameters, protocol, per-fold and summary scores, confusion).
  std::string ToJson() const;
};

// Fits and scores `spec` under `protocol`.
Evaluation CrossValidate(const Dataset& data, const PipelineSpec& spec, const Protocol& protocol);

// The original study's protocol, for the leakage demonstration only: the resampler of `spec`
// runs on ALL rows first, then the resampled table is split under `protocol` and the rest of the
// pipeline is fitted and scored per split. Copies and interpolations of test rows sit in the
// training parts, so its scores are inflated; Evaluation::leaky is true and ToText() says so.
// Throws Error(kInvalidArgument) when spec has no resampler (nothing to leak).
Evaluation EvaluateLeakyResampleBeforeSplit(const Dataset& data, const PipelineSpec& spec,
                                            const Protocol& protocol);

// The metric a search maximises: "macro_f1" (default for classes), "balanced_accuracy",
// "accuracy", "roc_auc_ovr", "weighted_f1", "neg_log_loss"; for the score: "r2" (default),
// "neg_rmse", "neg_mae".
struct SearchOptions {
  bool random = false;  // random search instead of the full grid
  int candidates = 20;  // random search: candidates drawn (without repeats)
  std::string scoring;  // empty: macro_f1 for classes, r2 for the score
  uint64_t seed = 0;
};

// Parameter name -> values to try, e.g. {"model.k": {"3", "5", "7"}, "scaler": {"standard",
// "robust"}}. Names as PipelineSpec::Set.
using SearchSpace = std::map<std::string, std::vector<std::string>>;

// A default space for a model: knn: k and weights; logreg: C; ridge: alpha; plus the scaler.
SearchSpace DefaultSearchSpace(const std::string& model);

struct Candidate {
  ParamMap varied;  // the values of the searched parameters
  PipelineSpec spec;
  ScoreSummary score;  // the scoring metric across the inner splits
};

struct SearchResult {
  std::string scoring;
  Protocol protocol;
  std::vector<Candidate> candidates;  // in the order tried
  size_t best = 0;                    // the highest mean (the first on a tie)

  // A table: one row per candidate, its parameters, mean, std and rank.
  std::string ToText() const;
};

// Tries the candidates of `space` on top of `base`, each scored by CrossValidate under
// `protocol` (scikit-learn's GridSearchCV / RandomizedSearchCV with refit left to the caller).
// Throws Error(kInvalidArgument) for an empty space or unknown parameter.
SearchResult Search(const Dataset& data, const PipelineSpec& base, const SearchSpace& space,
                    const SearchOptions& options, const Protocol& protocol);

struct NestedEvaluation {
  Evaluation outer;                    // the chosen pipelines scored on the outer test parts
  std::vector<ParamMap> chosen;        // the parameters chosen in each outer split
  std::vector<SearchResult> searches;  // the inner search of each outer split
  std::string ToText() const;
};

// Nested cross-validation: for each outer split, Search on its training rows only (inner
// protocol), refit the best candidate on those rows, score it on the outer test rows.
NestedEvaluation NestedCrossValidate(const Dataset& data, const PipelineSpec& base,
                                     const SearchSpace& space, const SearchOptions& options,
                                     const Protocol& outer, const Protocol& inner);

// The pipeline fitted on all rows of `data`, ready to save (the model `hitscope train` writes).
Pipeline FitFinal(const Dataset& data, const PipelineSpec& spec);

}  // namespace hitscope
