// Recursive feature elimination (include/hitscope/importance.hpp), as scikit-learn 1.2.1's
// sklearn/feature_selection/_rfe.py, and its pipeline step RfeSelector.
#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/importance.hpp>
#include <hitscope/shap.hpp>

#include "learn/cluster/numpy_compat.hpp"
#include "learn/preprocess/check_input.hpp"

namespace hitscope {

namespace {

const TreeModel& AsTreeModel(const Estimator& model, ImportanceSource source) {
  const auto* trees = dynamic_cast<const TreeModel*>(&model);
  if (trees == nullptr) {
    throw InvalidArgument(fmt::format(
        "RFE: importance '{}' needs a tree model (decision tree, random forest, gradient "
        "boosting), not '{}'; use permutation importance",
        source == ImportanceSource::kShap ? "shap" : "impurity", model.Name()));
  }
  return *trees;
}

// Splits 0..rows-1 into a fitting part and a held-out part of `fraction`, shuffled by seed.
void HoldOut(int64_t rows, double fraction, uint32_t seed, std::vector<int64_t>* fit,
             std::vector<int64_t>* held_out) {
  if (!(fraction > 0 && fraction < 1)) {
    throw InvalidArgument(
        fmt::format("RFE: validation_fraction must be in (0, 1), got {}", fraction));
  }
  cluster::NumpyRandomState random_state(seed);
  std::vector<int64_t> order = random_state.Permutation(rows);
  auto n_held = std::max<int64_t>(2, static_cast<int64_t>(fraction * static_cast<double>(rows)));
  if (n_held >= rows) {
    throw InvalidInput(fmt::format("RFE: {} rows are too few to hold some out", rows));
  }
  held_out->assign(order.begin(), order.begin() + n_held);
  fit->assign(order.begin() + n_held, order.end());
  std::sort(held_out->begin(), held_out->end());
  std::sort(fit->begin(), fit->end());
}

template <class Model, class Target>
std::vector<double> RoundImportances(const Model& prototype, const Matrix& x,
                                     std::span<const Target> y, const RfeOptions& options) {
  if (options.importance == ImportanceSource::kPermutation) {
    std::vector<int64_t> fit_rows, held_rows;
    HoldOut(x.rows(), options.validation_fraction, options.permutation.seed, &fit_rows, &held_rows);
    std::vector<Target> y_fit, y_held;
    for (int64_t row : fit_rows) y_fit.push_back(y[row]);
    for (int64_t row : held_rows) y_held.push_back(y[row]);
    auto model = prototype.CloneUnfitted();
    model->Fit(x.TakeRows(fit_rows), y_fit);
    return PermutationImportance(*model, x.TakeRows(held_rows), y_held, options.permutation).mean;
  }
  auto model = prototype.CloneUnfitted();
  model->Fit(x, y);
  const TreeModel& trees = AsTreeModel(*model, options.importance);
  if (options.importance == ImportanceSource::kImpurity) return trees.FeatureImportances();
  return SummarizeShap(TreeShap(trees.Ensemble(), x)).mean_abs;
}

template <class Model, class Target>
RfeResult Eliminate(const Model& prototype, const Matrix& x, std::span<const Target> y,
                    const RfeOptions& options) {
  const int64_t n = x.cols();
  if (n < 1) throw InvalidInput("RFE: the matrix has no features");
  const int64_t n_select = options.n_features_to_select == 0 ? n / 2 : options.n_features_to_select;
  if (n_select < 1 || n_select > n) {
    throw InvalidArgument(fmt::format(
        "RFE: n_features_to_select must be in 1..{} (the features), or 0 for half; got {}", n,
        options.n_features_to_select));
  }
  if (!(options.step > 0)) {
    throw InvalidArgument(fmt::format("RFE: step must be > 0, got {}", options.step));
  }
  // scikit-learn: a step below 1 is a fraction of all features, at least one.
  const auto step = options.step < 1.0
                        ? static_cast<int64_t>(std::max(1.0, options.step * static_cast<double>(n)))
                        : static_cast<int64_t>(options.step);
  RfeResult result;
  result.support.assign(static_cast<size_t>(n), 1);
  result.ranking.assign(static_cast<size_t>(n), 1);
  int64_t remaining = n;
  while (remaining > n_select) {
    std::vector<int64_t> features;
    for (int64_t f = 0; f < n; ++f) {
      if (result.support[f]) features.push_back(f);
    }
    std::vector<double> importances = RoundImportances(prototype, x.TakeCols(features), y, options);
    // scikit-learn squares feature_importances_ before ranking (which can only merge values
    // that underflow); permutation importances keep their sign, so that a feature whose
    // shuffling helps goes first. A stable sort: ties drop the earlier feature first.
    if (options.importance == ImportanceSource::kImpurity) {
      for (double& value : importances) value *= value;
    }
    std::vector<int64_t> ranks(features.size());
    std::iota(ranks.begin(), ranks.end(), int64_t{0});
    std::stable_sort(ranks.begin(), ranks.end(),
                     [&](int64_t a, int64_t b) { return importances[a] < importances[b]; });
    int64_t drop = std::min(step, remaining - n_select);
    for (int64_t i = 0; i < drop; ++i) {
      int64_t feature = features[ranks[i]];
      result.support[feature] = 0;
      result.elimination_order.push_back(feature);
    }
    for (int64_t f = 0; f < n; ++f) {
      if (!result.support[f]) ++result.ranking[f];
    }
    remaining -= drop;
  }
  return result;
}

}  // namespace

RfeResult RecursiveFeatureElimination(const Classifier& prototype, const Matrix& x,
                                      std::span<const int32_t> y, const RfeOptions& options) {
  return Eliminate(prototype, x, y, options);
}

RfeResult RecursiveFeatureElimination(const Regressor& prototype, const Matrix& x,
                                      std::span<const double> y, const RfeOptions& options) {
  return Eliminate(prototype, x, y, options);
}

RfeSelector::RfeSelector(std::shared_ptr<const Classifier> prototype, RfeOptions options)
    : prototype_(std::move(prototype)), options_(options) {}

void RfeSelector::Fit(const Matrix& x, std::span<const int32_t> y,
                      std::span<const double> sample_weight) {
  (void)sample_weight;
  if (prototype_ == nullptr) {
    throw InvalidArgument("rfe: no model to rank features with; give one when creating it");
  }
  if (y.empty()) throw InvalidInput("rfe: Fit needs the class labels of the rows");
  result_ = RecursiveFeatureElimination(*prototype_, x, y, options_);
}

std::vector<int64_t> RfeSelector::selected() const {
  std::vector<int64_t> out;
  for (size_t f = 0; f < result_.support.size(); ++f) {
    if (result_.support[f]) out.push_back(static_cast<int64_t>(f));
  }
  return out;
}

Matrix RfeSelector::Transform(const Matrix& x) const {
  learn::CheckFitted(fitted(), "rfe", "Transform");
  learn::CheckColumns(x, static_cast<int64_t>(result_.support.size()), "rfe");
  return x.TakeCols(selected());
}

std::vector<std::string> RfeSelector::OutputNames(const std::vector<std::string>& input) const {
  std::vector<std::string> out;
  for (int64_t f : selected()) out.push_back(input.at(static_cast<size_t>(f)));
  return out;
}

std::unique_ptr<Transformer> RfeSelector::CloneUnfitted() const {
  return std::make_unique<RfeSelector>(prototype_, options_);
}

EstimatorState RfeSelector::SaveState() const {
  learn::CheckFitted(fitted(), "rfe", "SaveState");
  EstimatorState state;
  state.numbers["support"].assign(result_.support.begin(), result_.support.end());
  state.numbers["ranking"].assign(result_.ranking.begin(), result_.ranking.end());
  state.numbers["elimination_order"].assign(result_.elimination_order.begin(),
                                            result_.elimination_order.end());
  return state;
}

void RfeSelector::LoadState(const EstimatorState& state) {
  const std::vector<double>& support = state.Numbers("support");
  const std::vector<double>& ranking = state.Numbers("ranking");
  if (support.empty() || ranking.size() != support.size()) {
    throw InvalidInput("rfe: the saved selection is damaged; save the model again");
  }
  result_ = RfeResult{};
  for (double s : support) result_.support.push_back(s != 0 ? 1 : 0);
  for (double r : ranking) result_.ranking.push_back(static_cast<int>(r));
  for (double f : state.Numbers("elimination_order")) {
    result_.elimination_order.push_back(static_cast<int64_t>(f));
  }
}

}  // namespace hitscope
