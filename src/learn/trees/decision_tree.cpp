// DecisionTreeClassifier and DecisionTreeRegressor (include/hitscope/trees.hpp).
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/trees.hpp>

#include "core/progress.hpp"
#include "learn/preprocess/check_input.hpp"
#include "learn/trees/compiled_trees.hpp"
#include "learn/trees/feature_sampler.hpp"
#include "learn/trees/tree_fit.hpp"
#include "learn/trees/tree_state.hpp"

namespace hitscope {

namespace {

constexpr const char* kClassifierWho = "decision tree";
constexpr const char* kRegressorWho = "decision tree regressor";

// Fits one tree on checked data with the final weights.
TreeNodes FitTree(const trees::TrainingSet& data, std::span<const double> weights,
                  const DecisionTreeOptions& options, const char* who) {
  trees::GrowOptions grow = trees::ResolveGrowOptions(options, data, false, who);
  grow.min_weight_leaf = trees::MinWeightLeaf(options.min_weight_fraction_leaf, weights);
  grow.rand_r_state = trees::SklearnSplitterSeed(options.seed);
  trees::SplitData split_data = trees::PrepareSplitData(data, options.splitter, options.max_bins);
  Progress progress(who, static_cast<uint64_t>(data.rows), "rows");
  TreeNodes nodes =
      trees::GrowOneTree(data, weights, grow, options.splitter, split_data, &progress);
  progress.Finish();
  return nodes;
}

std::shared_ptr<const trees::CompiledTrees> Compile(const TreeNodes& nodes) {
  const TreeNodes* one[] = {&nodes};
  return std::make_shared<const trees::CompiledTrees>(one);
}

std::vector<int32_t> ApplyTree(const trees::CompiledTrees& compiled, const Matrix& x,
                               int64_t n_features, const char* who) {
  std::vector<float> rows = trees::ToFloatRows(x, n_features, who);
  std::vector<int32_t> out(static_cast<size_t>(x.rows()));
  trees::ForRowBlocks(x.rows(), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      out[row] = compiled.Leaf(0, rows.data() + row * n_features);
    }
  });
  return out;
}

}  // namespace

DecisionTreeClassifier::DecisionTreeClassifier(DecisionTreeOptions options)
    : options_(std::move(options)) {}

void DecisionTreeClassifier::Fit(const Matrix& x, std::span<const int32_t> y,
                                 std::span<const double> sample_weight) {
  trees::TrainingSet data = trees::MakeClassificationSet(x, y, kClassifierWho);
  std::vector<double> weights = trees::CheckedWeights(x, sample_weight, kClassifierWho);
  // Checks the options before any work.
  trees::ResolveGrowOptions(options_, data, false, kClassifierWho);
  if (options_.class_weight.mode != ClassWeight::Mode::kNone) {
    std::vector<double> expanded = trees::ClassWeightPerRow(options_.class_weight, data.labels,
                                                            data.n_classes, kClassifierWho);
    double total = 0;
    for (size_t row = 0; row < weights.size(); ++row) {
      weights[row] = sample_weight.empty() ? expanded[row] : weights[row] * expanded[row];
      total += weights[row];
    }
    if (!(total > 0)) {
      throw InvalidInput(fmt::format(
          "{}: the class weights give every row weight 0; give some class a positive weight",
          kClassifierWho));
    }
  }
  nodes_ = FitTree(data, weights, options_, kClassifierWho);
  n_features_ = data.features;
  compiled_ = Compile(nodes_);
}

std::vector<int32_t> DecisionTreeClassifier::Apply(const Matrix& x) const {
  learn::CheckFitted(fitted(), kClassifierWho, "Apply");
  return ApplyTree(*compiled_, x, n_features_, kClassifierWho);
}

Matrix DecisionTreeClassifier::PredictProba(const Matrix& x) const {
  learn::CheckFitted(fitted(), kClassifierWho, "PredictProba");
  std::vector<int32_t> leaves = ApplyTree(*compiled_, x, n_features_, kClassifierWho);
  const int k = nodes_.values_per_node;
  Matrix out(x.rows(), k);
  for (int64_t row = 0; row < x.rows(); ++row) {
    std::span<const double> value = compiled_->LeafValue(leaves[row]);
    double sum = 0;
    for (double v : value) sum += v;
    if (sum == 0) sum = 1;
    for (int c = 0; c < k; ++c) out(row, c) = value[c] / sum;
  }
  return out;
}

Labels DecisionTreeClassifier::Predict(const Matrix& x) const {
  learn::CheckFitted(fitted(), kClassifierWho, "Predict");
  std::vector<int32_t> leaves = ApplyTree(*compiled_, x, n_features_, kClassifierWho);
  Labels out(leaves.size());
  for (size_t row = 0; row < leaves.size(); ++row) {
    std::span<const double> value = compiled_->LeafValue(leaves[row]);
    int32_t best = 0;
    for (int32_t c = 1; c < static_cast<int32_t>(value.size()); ++c) {
      if (value[c] > value[best]) best = c;
    }
    out[row] = best;
  }
  return out;
}

std::unique_ptr<Classifier> DecisionTreeClassifier::CloneUnfitted() const {
  return std::make_unique<DecisionTreeClassifier>(options_);
}

EstimatorState DecisionTreeClassifier::SaveState() const {
  learn::CheckFitted(fitted(), kClassifierWho, "SaveState");
  EstimatorState state;
  trees::SaveTreeOptions(options_, &state);
  state.numbers["n_features"] = {static_cast<double>(n_features_)};
  trees::SaveTrees(std::span<const TreeNodes>(&nodes_, 1), &state);
  return state;
}

void DecisionTreeClassifier::LoadState(const EstimatorState& state) {
  options_ = trees::LoadTreeOptions(state);
  n_features_ = static_cast<int64_t>(state.Number("n_features"));
  std::vector<TreeNodes> loaded = trees::LoadTrees(state, n_features_, kClassifierWho);
  if (loaded.size() != 1) {
    throw InvalidInput(
        fmt::format("{}: the saved state holds {} trees, not one", kClassifierWho, loaded.size()));
  }
  nodes_ = std::move(loaded[0]);
  compiled_ = Compile(nodes_);
}

TreeEnsemble DecisionTreeClassifier::Ensemble() const {
  learn::CheckFitted(fitted(), kClassifierWho, "Ensemble");
  return trees::MakeEnsemble(std::span<const TreeNodes>(&nodes_, 1), n_features_, true, 1.0);
}

std::vector<double> DecisionTreeClassifier::FeatureImportances() const {
  learn::CheckFitted(fitted(), kClassifierWho, "FeatureImportances");
  return nodes_.ImpurityImportances(n_features_);
}

DecisionTreeRegressor::DecisionTreeRegressor(DecisionTreeOptions options)
    : options_(std::move(options)) {}

void DecisionTreeRegressor::Fit(const Matrix& x, std::span<const double> y,
                                std::span<const double> sample_weight) {
  trees::TrainingSet data = trees::MakeRegressionSet(x, y, kRegressorWho);
  std::vector<double> weights = trees::CheckedWeights(x, sample_weight, kRegressorWho);
  nodes_ = FitTree(data, weights, options_, kRegressorWho);
  n_features_ = data.features;
  compiled_ = Compile(nodes_);
}

std::vector<int32_t> DecisionTreeRegressor::Apply(const Matrix& x) const {
  learn::CheckFitted(fitted(), kRegressorWho, "Apply");
  return ApplyTree(*compiled_, x, n_features_, kRegressorWho);
}

std::vector<double> DecisionTreeRegressor::Predict(const Matrix& x) const {
  learn::CheckFitted(fitted(), kRegressorWho, "Predict");
  std::vector<int32_t> leaves = ApplyTree(*compiled_, x, n_features_, kRegressorWho);
  std::vector<double> out(leaves.size());
  for (size_t row = 0; row < leaves.size(); ++row) out[row] = compiled_->LeafValue(leaves[row])[0];
  return out;
}

std::unique_ptr<Regressor> DecisionTreeRegressor::CloneUnfitted() const {
  return std::make_unique<DecisionTreeRegressor>(options_);
}

EstimatorState DecisionTreeRegressor::SaveState() const {
  learn::CheckFitted(fitted(), kRegressorWho, "SaveState");
  EstimatorState state;
  trees::SaveTreeOptions(options_, &state);
  state.numbers["n_features"] = {static_cast<double>(n_features_)};
  trees::SaveTrees(std::span<const TreeNodes>(&nodes_, 1), &state);
  return state;
}

void DecisionTreeRegressor::LoadState(const EstimatorState& state) {
  options_ = trees::LoadTreeOptions(state);
  n_features_ = static_cast<int64_t>(state.Number("n_features"));
  std::vector<TreeNodes> loaded = trees::LoadTrees(state, n_features_, kRegressorWho);
  if (loaded.size() != 1) {
    throw InvalidInput(
        fmt::format("{}: the saved state holds {} trees, not one", kRegressorWho, loaded.size()));
  }
  nodes_ = std::move(loaded[0]);
  compiled_ = Compile(nodes_);
}

TreeEnsemble DecisionTreeRegressor::Ensemble() const {
  learn::CheckFitted(fitted(), kRegressorWho, "Ensemble");
  return trees::MakeEnsemble(std::span<const TreeNodes>(&nodes_, 1), n_features_, false, 1.0);
}

std::vector<double> DecisionTreeRegressor::FeatureImportances() const {
  learn::CheckFitted(fitted(), kRegressorWho, "FeatureImportances");
  return nodes_.ImpurityImportances(n_features_);
}

}  // namespace hitscope
