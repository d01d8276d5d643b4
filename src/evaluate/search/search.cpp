// Grid and random search over pipeline parameters, and nested cross-validation.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/evaluation.hpp>

#include "core/progress.hpp"
#include "evaluate/search/scoring.hpp"
#include "prepare/random.hpp"

namespace hitscope {

namespace {

// Candidate number `index` of the grid (the last parameter varies fastest, as scikit-learn's
// ParameterGrid over sorted names).
ParamMap GridPoint(const SearchSpace& space, uint64_t index) {
  ParamMap point;
  std::vector<std::pair<std::string, const std::vector<std::string>*>> axes;
  for (const auto& [name, values] : space) axes.emplace_back(name, &values);
  for (size_t a = axes.size(); a-- > 0;) {
    const auto& values = *axes[a].second;
    point[axes[a].first] = values[index % values.size()];
    index /= values.size();
  }
  return point;
}

}  // namespace

SearchSpace DefaultSearchSpace(const std::string& model) {
  SearchSpace space;
  space["scaler"] = {"standard", "robust", "minmax"};
  if (model == "knn") {
    space["model.k"] = {"1", "3", "5", "7", "9", "15", "25", "51"};
    space["model.weights"] = {"uniform", "distance"};
  } else if (model == "logreg") {
    space["model.C"] = {"0.001", "0.01", "0.1", "1", "10", "100"};
  } else if (model == "ridge") {
    space["model.alpha"] = {"0.01", "0.1", "1", "10", "100", "1000"};
  }
  return space;
}

SearchResult Search(const Dataset& data, const PipelineSpec& base, const SearchSpace& space,
                    const SearchOptions& options, const Protocol& protocol) {
  if (space.empty()) throw InvalidArgument("search: the search space is empty");
  uint64_t total = 1;
  for (const auto& [name, values] : space) {
    if (values.empty()) {
      throw InvalidArgument(fmt::format("search: parameter '{}' has no values to try", name));
    }
    PipelineSpec probe = base;
    for (const auto& value : values) probe.Set(name, value);  // validates names and values
    total *= values.size();
  }
  std::vector<uint64_t> indices;
  if (!options.random || static_cast<uint64_t>(options.candidates) >= total) {
    indices.resize(total);
    std::iota(indices.begin(), indices.end(), uint64_t{0});
  } else {
    if (options.candidates < 1) {
      throw InvalidArgument(
          fmt::format("search: random search needs >= 1 candidate, got {}", options.candidates));
    }
    std::set<uint64_t> seen;
    for (uint64_t draw = 0; indices.size() < static_cast<size_t>(options.candidates); ++draw) {
      uint64_t index = CounterRng(options.seed, 0x5ea7c4, draw).Below(total);
      if (seen.insert(index).second) indices.push_back(index);
    }
  }
  SearchResult result;
  result.scoring = options.scoring.empty() ? search::DefaultScoring(data.target) : options.scoring;
  result.protocol = protocol;
  std::vector<Split> splits = MakeSplits(data, protocol);
  Progress progress("search", indices.size(), "candidates");
  double best_value = -std::numeric_limits<double>::infinity();
  for (uint64_t index : indices) {
    Candidate candidate;
    candidate.varied = GridPoint(space, index);
    candidate.spec = base;
    for (const auto& [name, value] : candidate.varied) candidate.spec.Set(name, value);
    // The model may have changed: its parameters are set again on the new model.
    for (const auto& [name, value] : candidate.varied) {
      if (name.rfind("model.", 0) == 0) candidate.spec.Set(name, value);
    }
    Evaluation evaluation = search::EvaluateSplits(
        data, splits, protocol, [&](size_t) { return candidate.spec; }, "");
    double value = search::ScoringValue(evaluation, result.scoring);
    const std::string metric =
        result.scoring.rfind("neg_", 0) == 0 ? result.scoring.substr(4) : result.scoring;
    candidate.score = evaluation.Score(metric);
    if (result.scoring.rfind("neg_", 0) == 0) {
      candidate.score.metric = result.scoring;
      candidate.score.mean = -candidate.score.mean;
      for (double& fold : candidate.score.per_fold) fold = -fold;
      std::swap(candidate.score.ci_low, candidate.score.ci_high);
      candidate.score.ci_low = -candidate.score.ci_low;
      candidate.score.ci_high = -candidate.score.ci_high;
    }
    if (value > best_value) {
      best_value = value;
      result.best = result.candidates.size();
    }
    result.candidates.push_back(std::move(candidate));
    progress.Add(1);
  }
  progress.Finish();
  return result;
}

std::string SearchResult::ToText() const {
  std::vector<size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return candidates[a].score.mean > candidates[b].score.mean;
  });
  std::vector<size_t> rank(candidates.size());
  for (size_t r = 0; r < order.size(); ++r) rank[order[r]] = r + 1;
  std::string out = fmt::format("search: {} candidates, {} under {}\n", candidates.size(), scoring,
                                protocol.Describe());
  out += fmt::format("{:>4}  {:>8}  {:>8}  {}\n", "rank", "mean", "std", "parameters");
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::vector<std::string> parts;
    for (const auto& [name, value] : candidates[i].varied) parts.push_back(name + "=" + value);
    out += fmt::format("{:>4}  {:>8.4f}  {:>8.4f}  {}{}\n", rank[i], candidates[i].score.mean,
                       std::isnan(candidates[i].score.std) ? 0.0 : candidates[i].score.std,
                       fmt::join(parts, " "), i == best ? "   <- best" : "");
  }
  return out;
}

NestedEvaluation NestedCrossValidate(const Dataset& data, const PipelineSpec& base,
                                     const SearchSpace& space, const SearchOptions& options,
                                     const Protocol& outer, const Protocol& inner) {
  NestedEvaluation nested;
  std::vector<Split> splits = MakeSplits(data, outer);
  std::vector<PipelineSpec> chosen_specs;
  for (const Split& split : splits) {
    // The inner search sees the outer training rows only.
    Dataset training = SubsetDataset(data, split.train);
    SearchResult result = Search(training, base, space, options, inner);
    chosen_specs.push_back(result.candidates[result.best].spec);
    nested.chosen.push_back(result.candidates[result.best].varied);
    nested.searches.push_back(std::move(result));
  }
  nested.outer = search::EvaluateSplits(
      data, splits, outer, [&](size_t s) { return chosen_specs[s]; }, "nested cross-validation");
  return nested;
}

std::string NestedEvaluation::ToText() const {
  std::string out = outer.ToText();
  out += "\nnested cross-validation: parameters chosen by the inner search of each outer split\n";
  for (size_t s = 0; s < chosen.size(); ++s) {
    std::vector<std::string> parts;
    for (const auto& [name, value] : chosen[s]) parts.push_back(name + "=" + value);
    out += fmt::format("  split {}: {} (inner {} {:.4f})\n", s + 1, fmt::join(parts, " "),
                       searches[s].scoring, searches[s].candidates[searches[s].best].score.mean);
  }
  return out;
}

}  // namespace hitscope
