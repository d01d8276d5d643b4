// RandomForestClassifier and RandomForestRegressor (include/hitscope/trees.hpp), following
// scikit-learn 1.2.1's ensemble/_forest.py: each tree's seed is drawn from RandomState(seed), its
// bootstrap (as weight counts) from RandomState(tree seed), and its splitter from the same seed.
#include <atomic>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/trees.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "learn/cluster/numpy_compat.hpp"
#include "learn/preprocess/check_input.hpp"
#include "learn/trees/compiled_trees.hpp"
#include "learn/trees/feature_sampler.hpp"
#include "learn/trees/tree_fit.hpp"
#include "learn/trees/tree_state.hpp"

namespace hitscope {

namespace {

constexpr const char* kClassifierWho = "random forest";
constexpr const char* kRegressorWho = "random forest regressor";

struct ForestFit {
  std::vector<TreeNodes> trees;
  // Per tree, one bit per row: set when the tree's bootstrap did not draw the row (oob_score).
  std::vector<std::vector<uint64_t>> out_of_bag;
};

void CheckForestOptions(const RandomForestOptions& options, int64_t rows, const char* who) {
  if (options.n_estimators < 1) {
    throw InvalidArgument(
        fmt::format("{}: n_estimators must be at least 1, got {}", who, options.n_estimators));
  }
  if (options.oob_score && !options.bootstrap) {
    throw InvalidArgument(fmt::format(
        "{}: oob_score needs bootstrap (only a bootstrap leaves rows out of a tree)", who));
  }
  if (options.max_samples != 0 && !options.bootstrap) {
    throw InvalidArgument(fmt::format("{}: max_samples applies only with bootstrap", who));
  }
  if (options.max_samples < 0 || options.max_samples > rows) {
    throw InvalidArgument(
        fmt::format("{}: max_samples must be in 1..{} (the training rows), or 0 for all, got {}",
                    who, rows, options.max_samples));
  }
}

ForestFit GrowForest(const trees::TrainingSet& data, const std::vector<double>& base_weights,
                     const RandomForestOptions& options, const char* who) {
  CheckForestOptions(options, data.rows, who);
  trees::GrowOptions grow = trees::ResolveGrowOptions(options.tree, data, true, who);
  const bool subsample =
      options.tree.class_weight.mode == ClassWeight::Mode::kBalancedSubsample && options.bootstrap;
  const auto n_trees = static_cast<size_t>(options.n_estimators);
  std::vector<uint32_t> seeds(n_trees);
  cluster::NumpyRandomState random_state(options.seed);
  for (uint32_t& seed : seeds) seed = static_cast<uint32_t>(random_state.RandInt(0x7FFFFFFF));

  trees::SplitData split_data =
      trees::PrepareSplitData(data, options.tree.splitter, options.tree.max_bins);
  const int64_t n_bootstrap = options.max_samples == 0 ? data.rows : options.max_samples;
  ForestFit fit;
  fit.trees.resize(n_trees);
  if (options.oob_score) fit.out_of_bag.resize(n_trees);
  Progress progress(who, n_trees, "trees");
  ParallelTasks(n_trees, [&](size_t t) {
    std::vector<double> weights = base_weights;
    if (options.bootstrap) {
      cluster::NumpyRandomState draws(seeds[t]);
      std::vector<int64_t> drawn(static_cast<size_t>(n_bootstrap));
      std::vector<int32_t> counts(static_cast<size_t>(data.rows), 0);
      for (int64_t& row : drawn) {
        row = draws.RandInt(data.rows);
        ++counts[row];
      }
      for (size_t row = 0; row < weights.size(); ++row) weights[row] *= counts[row];
      if (subsample) {
        std::vector<double> balanced =
            trees::BalancedSubsampleWeights(data.labels, data.n_classes, drawn);
        for (size_t row = 0; row < weights.size(); ++row) weights[row] *= balanced[row];
      }
      if (options.oob_score) {
        std::vector<uint64_t>& bits = fit.out_of_bag[t];
        bits.assign(static_cast<size_t>((data.rows + 63) / 64), 0);
        for (size_t row = 0; row < counts.size(); ++row) {
          if (counts[row] == 0) bits[row / 64] |= uint64_t{1} << (row % 64);
        }
      }
    }
    trees::GrowOptions tree_grow = grow;
    tree_grow.min_weight_leaf =
        trees::MinWeightLeaf(options.tree.min_weight_fraction_leaf, weights);
    tree_grow.rand_r_state = trees::SklearnSplitterSeed(seeds[t]);
    fit.trees[t] = trees::GrowOneTree(data, weights, tree_grow, options.tree.splitter, split_data);
    progress.Add(1);
  });
  progress.Finish();
  return fit;
}

bool LeftOut(const std::vector<uint64_t>& bits, int64_t row) {
  return (bits[static_cast<size_t>(row / 64)] >> (row % 64)) & 1U;
}

// shares: a classifier's, for PredictProba (CompiledTrees::AddLeafShares).
std::shared_ptr<const trees::CompiledTrees> Compile(const std::vector<TreeNodes>& forest,
                                                    bool shares = false) {
  std::vector<const TreeNodes*> pointers;
  for (const TreeNodes& tree : forest) pointers.push_back(&tree);
  return std::make_shared<const trees::CompiledTrees>(pointers, shares);
}

// The sum of a row's normalised class weights over the trees `use(t)` selects, added to `out`.
template <class Value, class Use>
int64_t AddTreeProba(const trees::CompiledTrees& compiled, const Value& value, const Use& use,
                     double* out) {
  int64_t used = 0;
  const int k = compiled.values_per_leaf();
  for (int64_t t = 0; t < compiled.n_trees(); ++t) {
    if (!use(t)) continue;
    std::span<const double> leaf = compiled.LeafValue(compiled.LeafOf(t, value));
    double sum = 0;
    for (double v : leaf) sum += v;
    if (sum == 0) sum = 1;
    for (int c = 0; c < k; ++c) out[c] += leaf[c] / sum;
    ++used;
  }
  return used;
}

std::vector<double> ForestImportances(const std::vector<TreeNodes>& forest, int64_t n_features) {
  std::vector<double> mean(static_cast<size_t>(n_features), 0.0);
  int64_t used = 0;
  for (const TreeNodes& tree : forest) {
    if (tree.node_count() <= 1) continue;
    std::vector<double> importances = tree.ImpurityImportances(n_features);
    for (size_t f = 0; f < mean.size(); ++f) mean[f] += importances[f];
    ++used;
  }
  if (used == 0) return mean;
  for (double& value : mean) value /= static_cast<double>(used);
  double total = cluster::NumpySum(mean);
  for (double& value : mean) value /= total;
  return mean;
}

void SaveForestOptions(const RandomForestOptions& options, EstimatorState* state) {
  trees::SaveTreeOptions(options.tree, state);
  state->numbers["n_estimators"] = {static_cast<double>(options.n_estimators)};
  state->numbers["bootstrap"] = {options.bootstrap ? 1.0 : 0.0};
  state->numbers["max_samples"] = {static_cast<double>(options.max_samples)};
  state->numbers["oob_score"] = {options.oob_score ? 1.0 : 0.0};
  state->numbers["forest_seed"] = {static_cast<double>(options.seed)};
}

RandomForestOptions LoadForestOptions(const EstimatorState& state) {
  RandomForestOptions options;
  options.tree = trees::LoadTreeOptions(state);
  options.n_estimators = static_cast<int>(state.Number("n_estimators"));
  options.bootstrap = state.Number("bootstrap") != 0;
  options.max_samples = static_cast<int64_t>(state.Number("max_samples"));
  options.oob_score = state.Number("oob_score") != 0;
  options.seed = static_cast<uint32_t>(state.Number("forest_seed"));
  return options;
}

double R2Score(std::span<const double> y, std::span<const double> prediction) {
  double mean = 0;
  for (double value : y) mean += value;
  mean /= static_cast<double>(y.size());
  double numerator = 0, denominator = 0;
  for (size_t row = 0; row < y.size(); ++row) {
    numerator += (y[row] - prediction[row]) * (y[row] - prediction[row]);
    denominator += (y[row] - mean) * (y[row] - mean);
  }
  if (denominator == 0) return numerator == 0 ? 1.0 : 0.0;
  return 1.0 - numerator / denominator;
}

}  // namespace

RandomForestClassifier::RandomForestClassifier(RandomForestOptions options)
    : options_(std::move(options)) {}

void RandomForestClassifier::Fit(const Matrix& x, std::span<const int32_t> y,
                                 std::span<const double> sample_weight) {
  trees::TrainingSet data = trees::MakeClassificationSet(x, y, kClassifierWho);
  std::vector<double> weights = trees::CheckedWeights(x, sample_weight, kClassifierWho);
  CheckForestOptions(options_, data.rows, kClassifierWho);
  trees::ResolveGrowOptions(options_.tree, data, true, kClassifierWho);
  const ClassWeight& class_weight = options_.tree.class_weight;
  // scikit-learn applies "balanced" (and "balanced_subsample" without bootstrap) to the sample
  // weights once; "balanced_subsample" with bootstrap is applied per tree.
  if (class_weight.mode == ClassWeight::Mode::kBalanced ||
      class_weight.mode == ClassWeight::Mode::kGiven ||
      (class_weight.mode == ClassWeight::Mode::kBalancedSubsample && !options_.bootstrap)) {
    ClassWeight once = class_weight;
    if (once.mode == ClassWeight::Mode::kBalancedSubsample)
      once.mode = ClassWeight::Mode::kBalanced;
    std::vector<double> expanded =
        trees::ClassWeightPerRow(once, data.labels, data.n_classes, kClassifierWho);
    for (size_t row = 0; row < weights.size(); ++row) {
      weights[row] = sample_weight.empty() ? expanded[row] : weights[row] * expanded[row];
    }
  }
  ForestFit fit = GrowForest(data, weights, options_, kClassifierWho);
  trees_ = std::move(fit.trees);
  n_features_ = data.features;
  num_classes_ = data.n_classes;
  compiled_ = Compile(trees_, true);
  oob_score_ = 0;
  oob_decision_ = Matrix();
  oob_never_ = 0;
  if (!options_.oob_score) return;

  const int k = num_classes_;
  oob_decision_ = Matrix(data.rows, k);
  std::vector<int64_t> used(static_cast<size_t>(data.rows));
  trees::ForRowBlocks(data.rows, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      auto value = [&](int32_t feature) { return data.Column(feature)[row]; };
      double* out = oob_decision_.Row(row);
      used[row] = AddTreeProba(
          *compiled_, value, [&](int64_t t) { return LeftOut(fit.out_of_bag[t], row); }, out);
      if (used[row] > 0) {
        for (int c = 0; c < k; ++c) out[c] /= static_cast<double>(used[row]);
      }
    }
  });
  int64_t correct = 0;
  for (int64_t row = 0; row < data.rows; ++row) {
    oob_never_ += used[row] == 0;
    const double* p = oob_decision_.Row(row);
    int32_t best = 0;
    for (int32_t c = 1; c < k; ++c) {
      if (p[c] > p[best]) best = c;
    }
    correct += best == data.labels[row];
  }
  oob_score_ = static_cast<double>(correct) / static_cast<double>(data.rows);
}

Matrix RandomForestClassifier::PredictProba(const Matrix& x) const {
  learn::CheckFitted(fitted(), kClassifierWho, "PredictProba");
  std::vector<float> rows = trees::ToFloatRows(x, n_features_, kClassifierWho);
  const int k = num_classes_;
  Matrix out(x.rows(), k);
  const auto n_trees = static_cast<double>(trees_.size());
  trees::ForRowBlocks(x.rows(), [&](int64_t begin, int64_t end) {
    // Tree by tree over the block, so that each tree's nodes stay in cache; each row still sums
    // its trees in tree order.
    compiled_->AddLeafShares(rows.data() + begin * n_features_, n_features_, end - begin,
                             out.Row(begin));
    for (int64_t row = begin; row < end; ++row) {
      for (int c = 0; c < k; ++c) out(row, c) /= n_trees;
    }
  });
  return out;
}

void RandomForestClassifier::PredictBoth(const Matrix& x, Labels* labels, Matrix* proba) const {
  *proba = PredictProba(x);
  // Classifier::Predict's rule (the first largest), without walking the trees a second time.
  labels->assign(static_cast<size_t>(proba->rows()), 0);
  for (int64_t row = 0; row < proba->rows(); ++row) {
    const double* p = proba->Row(row);
    int32_t best = 0;
    for (int32_t k = 1; k < proba->cols(); ++k) {
      if (p[k] > p[best]) best = k;
    }
    (*labels)[static_cast<size_t>(row)] = best;
  }
}

std::unique_ptr<Classifier> RandomForestClassifier::CloneUnfitted() const {
  return std::make_unique<RandomForestClassifier>(options_);
}

EstimatorState RandomForestClassifier::SaveState() const {
  learn::CheckFitted(fitted(), kClassifierWho, "SaveState");
  EstimatorState state;
  SaveForestOptions(options_, &state);
  state.numbers["n_features"] = {static_cast<double>(n_features_)};
  state.numbers["n_classes"] = {static_cast<double>(num_classes_)};
  state.numbers["oob_score_value"] = {oob_score_};
  trees::SaveTrees(trees_, &state);
  return state;
}

void RandomForestClassifier::LoadState(const EstimatorState& state) {
  options_ = LoadForestOptions(state);
  n_features_ = static_cast<int64_t>(state.Number("n_features"));
  num_classes_ = static_cast<int>(state.Number("n_classes"));
  oob_score_ = state.Number("oob_score_value");
  trees_ = trees::LoadTrees(state, n_features_, kClassifierWho);
  if (trees_.empty() || trees_[0].values_per_node != num_classes_) {
    throw InvalidInput(
        fmt::format("{}: the saved trees do not match the {} classes; save the "
                    "model again",
                    kClassifierWho, num_classes_));
  }
  compiled_ = Compile(trees_, true);
}

TreeEnsemble RandomForestClassifier::Ensemble() const {
  learn::CheckFitted(fitted(), kClassifierWho, "Ensemble");
  return trees::MakeEnsemble(trees_, n_features_, true, 1.0 / static_cast<double>(trees_.size()));
}

std::vector<double> RandomForestClassifier::FeatureImportances() const {
  learn::CheckFitted(fitted(), kClassifierWho, "FeatureImportances");
  return ForestImportances(trees_, n_features_);
}

std::vector<std::vector<double>> RandomForestClassifier::TreeImportances() const {
  learn::CheckFitted(fitted(), kClassifierWho, "TreeImportances");
  std::vector<std::vector<double>> out;
  for (const TreeNodes& tree : trees_) out.push_back(tree.ImpurityImportances(n_features_));
  return out;
}

RandomForestOptions RandomForestRegressor::DefaultOptions() {
  RandomForestOptions options;
  options.tree.max_features = MaxFeatures::All();
  return options;
}

RandomForestRegressor::RandomForestRegressor(RandomForestOptions options)
    : options_(std::move(options)) {}

void RandomForestRegressor::Fit(const Matrix& x, std::span<const double> y,
                                std::span<const double> sample_weight) {
  trees::TrainingSet data = trees::MakeRegressionSet(x, y, kRegressorWho);
  std::vector<double> weights = trees::CheckedWeights(x, sample_weight, kRegressorWho);
  ForestFit fit = GrowForest(data, weights, options_, kRegressorWho);
  trees_ = std::move(fit.trees);
  n_features_ = data.features;
  compiled_ = Compile(trees_);
  oob_score_ = 0;
  oob_prediction_.clear();
  oob_never_ = 0;
  if (!options_.oob_score) return;

  oob_prediction_.assign(static_cast<size_t>(data.rows), 0.0);
  std::vector<int64_t> used(static_cast<size_t>(data.rows));
  trees::ForRowBlocks(data.rows, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      auto value = [&](int32_t feature) { return data.Column(feature)[row]; };
      double sum = 0;
      for (int64_t t = 0; t < compiled_->n_trees(); ++t) {
        if (!LeftOut(fit.out_of_bag[t], row)) continue;
        sum += compiled_->LeafValue(compiled_->LeafOf(t, value))[0];
        ++used[row];
      }
      oob_prediction_[row] = used[row] > 0 ? sum / static_cast<double>(used[row]) : 0.0;
    }
  });
  for (int64_t count : used) oob_never_ += count == 0;
  oob_score_ = R2Score(data.targets, oob_prediction_);
}

std::vector<double> RandomForestRegressor::Predict(const Matrix& x) const {
  learn::CheckFitted(fitted(), kRegressorWho, "Predict");
  std::vector<float> rows = trees::ToFloatRows(x, n_features_, kRegressorWho);
  std::vector<double> out(static_cast<size_t>(x.rows()), 0.0);
  const auto n_trees = static_cast<double>(trees_.size());
  trees::ForRowBlocks(x.rows(), [&](int64_t begin, int64_t end) {
    for (int64_t t = 0; t < compiled_->n_trees(); ++t) {
      for (int64_t row = begin; row < end; ++row) {
        out[row] += compiled_->LeafValue(compiled_->Leaf(t, rows.data() + row * n_features_))[0];
      }
    }
    for (int64_t row = begin; row < end; ++row) out[row] /= n_trees;
  });
  return out;
}

std::unique_ptr<Regressor> RandomForestRegressor::CloneUnfitted() const {
  return std::make_unique<RandomForestRegressor>(options_);
}

EstimatorState RandomForestRegressor::SaveState() const {
  learn::CheckFitted(fitted(), kRegressorWho, "SaveState");
  EstimatorState state;
  SaveForestOptions(options_, &state);
  state.numbers["n_features"] = {static_cast<double>(n_features_)};
  state.numbers["oob_score_value"] = {oob_score_};
  trees::SaveTrees(trees_, &state);
  return state;
}

void RandomForestRegressor::LoadState(const EstimatorState& state) {
  options_ = LoadForestOptions(state);
  n_features_ = static_cast<int64_t>(state.Number("n_features"));
  oob_score_ = state.Number("oob_score_value");
  trees_ = trees::LoadTrees(state, n_features_, kRegressorWho);
  if (trees_.empty()) {
    throw InvalidInput(fmt::format("{}: the saved state holds no trees", kRegressorWho));
  }
  compiled_ = Compile(trees_);
}

TreeEnsemble RandomForestRegressor::Ensemble() const {
  learn::CheckFitted(fitted(), kRegressorWho, "Ensemble");
  return trees::MakeEnsemble(trees_, n_features_, false, 1.0 / static_cast<double>(trees_.size()));
}

std::vector<double> RandomForestRegressor::FeatureImportances() const {
  learn::CheckFitted(fitted(), kRegressorWho, "FeatureImportances");
  return ForestImportances(trees_, n_features_);
}

std::vector<std::vector<double>> RandomForestRegressor::TreeImportances() const {
  learn::CheckFitted(fitted(), kRegressorWho, "TreeImportances");
  std::vector<std::vector<double>> out;
  for (const TreeNodes& tree : trees_) out.push_back(tree.ImpurityImportances(n_features_));
  return out;
}

}  // namespace hitscope
