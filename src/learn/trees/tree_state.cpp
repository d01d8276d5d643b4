#include "learn/trees/tree_state.hpp"

#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>

namespace hitscope::trees {

void SaveTreeOptions(const DecisionTreeOptions& options, EstimatorState* state) {
  state->texts["criterion"] = ToString(options.criterion);
  state->texts["splitter"] = ToString(options.splitter);
  state->texts["max_features"] = options.max_features.ToString();
  state->texts["class_weight"] = options.class_weight.ToString();
  state->numbers["max_depth"] = {static_cast<double>(options.max_depth)};
  state->numbers["min_samples_split"] = {static_cast<double>(options.min_samples_split)};
  state->numbers["min_samples_leaf"] = {static_cast<double>(options.min_samples_leaf)};
  state->numbers["min_weight_fraction_leaf"] = {options.min_weight_fraction_leaf};
  state->numbers["min_impurity_decrease"] = {options.min_impurity_decrease};
  state->numbers["max_bins"] = {static_cast<double>(options.max_bins)};
  state->numbers["seed"] = {static_cast<double>(options.seed)};
}

DecisionTreeOptions LoadTreeOptions(const EstimatorState& state) {
  DecisionTreeOptions options;
  try {
    options.criterion = ParseTreeCriterion(state.Text("criterion"));
    options.splitter = ParseTreeSplitter(state.Text("splitter"));
    options.max_features = MaxFeatures::Parse(state.Text("max_features"));
    options.class_weight = ClassWeight::Parse(state.Text("class_weight"));
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::kInvalidInput) throw;
    throw InvalidInput(fmt::format("the saved tree options are damaged: {}", error.what()));
  }
  options.max_depth = static_cast<int>(state.Number("max_depth"));
  options.min_samples_split = static_cast<int>(state.Number("min_samples_split"));
  options.min_samples_leaf = static_cast<int>(state.Number("min_samples_leaf"));
  options.min_weight_fraction_leaf = state.Number("min_weight_fraction_leaf");
  options.min_impurity_decrease = state.Number("min_impurity_decrease");
  options.max_bins = static_cast<int>(state.Number("max_bins"));
  options.seed = static_cast<uint32_t>(state.Number("seed"));
  return options;
}

void SaveTrees(std::span<const TreeNodes> trees, EstimatorState* state) {
  auto& numbers = state->numbers;
  std::vector<double>& counts = numbers["tree.node_counts"];
  std::vector<double>& depths = numbers["tree.max_depth"];
  std::vector<double>& left = numbers["tree.left"];
  std::vector<double>& right = numbers["tree.right"];
  std::vector<double>& feature = numbers["tree.feature"];
  std::vector<double>& threshold = numbers["tree.threshold"];
  std::vector<double>& impurity = numbers["tree.impurity"];
  std::vector<double>& n_node_samples = numbers["tree.n_node_samples"];
  std::vector<double>& weighted = numbers["tree.weighted_n_node_samples"];
  std::vector<double>& value = numbers["tree.value"];
  numbers["tree.values_per_node"] = {trees.empty() ? 1.0 : trees[0].values_per_node};
  for (const TreeNodes& tree : trees) {
    counts.push_back(static_cast<double>(tree.node_count()));
    depths.push_back(tree.max_depth);
    left.insert(left.end(), tree.left.begin(), tree.left.end());
    right.insert(right.end(), tree.right.begin(), tree.right.end());
    feature.insert(feature.end(), tree.feature.begin(), tree.feature.end());
    threshold.insert(threshold.end(), tree.threshold.begin(), tree.threshold.end());
    impurity.insert(impurity.end(), tree.impurity.begin(), tree.impurity.end());
    for (int64_t n : tree.n_node_samples) n_node_samples.push_back(static_cast<double>(n));
    weighted.insert(weighted.end(), tree.weighted_n_node_samples.begin(),
                    tree.weighted_n_node_samples.end());
    value.insert(value.end(), tree.value.begin(), tree.value.end());
  }
}

std::vector<TreeNodes> LoadTrees(const EstimatorState& state, int64_t n_features,
                                 const std::string& who) {
  auto damaged = [&](const std::string& what) {
    return InvalidInput(
        fmt::format("{}: the saved trees are damaged ({}); save the model again", who, what));
  };
  const std::vector<double>& counts = state.Numbers("tree.node_counts");
  const std::vector<double>& depths = state.Numbers("tree.max_depth");
  const std::vector<double>& left = state.Numbers("tree.left");
  const std::vector<double>& right = state.Numbers("tree.right");
  const std::vector<double>& feature = state.Numbers("tree.feature");
  const std::vector<double>& threshold = state.Numbers("tree.threshold");
  const std::vector<double>& impurity = state.Numbers("tree.impurity");
  const std::vector<double>& n_node_samples = state.Numbers("tree.n_node_samples");
  const std::vector<double>& weighted = state.Numbers("tree.weighted_n_node_samples");
  const std::vector<double>& value = state.Numbers("tree.value");
  double per_node = state.Number("tree.values_per_node");
  if (!(per_node >= 1 && per_node <= 1e6) || per_node != std::floor(per_node)) {
    throw damaged("values per node");
  }
  const auto values_per_node = static_cast<int>(per_node);
  size_t total = 0;
  for (double count : counts) {
    if (!(count >= 1) || count != std::floor(count) || count > 2e9) throw damaged("node count");
    total += static_cast<size_t>(count);
  }
  if (counts.size() != depths.size() || left.size() != total || right.size() != total ||
      feature.size() != total || threshold.size() != total || impurity.size() != total ||
      n_node_samples.size() != total || weighted.size() != total ||
      value.size() != total * static_cast<size_t>(values_per_node)) {
    throw damaged("array lengths");
  }
  std::vector<TreeNodes> trees(counts.size());
  size_t offset = 0;
  for (size_t t = 0; t < counts.size(); ++t) {
    TreeNodes& tree = trees[t];
    auto n = static_cast<int64_t>(counts[t]);
    tree.values_per_node = values_per_node;
    tree.max_depth = static_cast<int>(depths[t]);
    for (int64_t node = 0; node < n; ++node) {
      size_t i = offset + static_cast<size_t>(node);
      auto l = static_cast<int64_t>(left[i]), r = static_cast<int64_t>(right[i]);
      auto f = static_cast<int64_t>(feature[i]);
      bool leaf = l == TreeNodes::kLeaf && r == TreeNodes::kLeaf;
      if (!leaf && (l <= node || r <= node || l >= n || r >= n || f < 0 || f >= n_features ||
                    std::isnan(threshold[i]))) {
        throw damaged(fmt::format("node {} of tree {}", node, t));
      }
      tree.left.push_back(static_cast<int32_t>(l));
      tree.right.push_back(static_cast<int32_t>(r));
      tree.feature.push_back(static_cast<int32_t>(leaf ? TreeNodes::kUndefined : f));
      tree.threshold.push_back(threshold[i]);
      tree.impurity.push_back(impurity[i]);
      tree.n_node_samples.push_back(static_cast<int64_t>(n_node_samples[i]));
      tree.weighted_n_node_samples.push_back(weighted[i]);
    }
    tree.value.assign(value.begin() + static_cast<int64_t>(offset) * values_per_node,
                      value.begin() + static_cast<int64_t>(offset + n) * values_per_node);
    offset += static_cast<size_t>(n);
  }
  return trees;
}

TreeEnsemble MakeEnsemble(std::span<const TreeNodes> trees, int64_t n_features, bool classifier,
                          double tree_weight) {
  TreeEnsemble ensemble;
  ensemble.rule = TreeEnsemble::Rule::kLessEqual;
  ensemble.n_features = n_features;
  ensemble.n_outputs = trees.empty() ? 1 : trees[0].values_per_node;
  ensemble.base_value.assign(static_cast<size_t>(ensemble.n_outputs), 0.0);
  ensemble.output_space = classifier ? "probability" : "value";
  for (const TreeNodes& nodes : trees) {
    TreeEnsemble::Tree tree;
    tree.left = nodes.left;
    tree.right = nodes.right;
    tree.feature = nodes.feature;
    tree.threshold = nodes.threshold;
    tree.cover = nodes.weighted_n_node_samples;
    tree.values_per_node = nodes.values_per_node;
    tree.weight = tree_weight;
    tree.value = nodes.value;
    if (classifier) {
      // scikit-learn's predict_proba: each node's class weights divided by their sum.
      const auto k = static_cast<size_t>(nodes.values_per_node);
      for (size_t node = 0; node < static_cast<size_t>(nodes.node_count()); ++node) {
        double sum = 0;
        for (size_t c = 0; c < k; ++c) sum += tree.value[node * k + c];
        if (sum == 0) sum = 1;
        for (size_t c = 0; c < k; ++c) tree.value[node * k + c] /= sum;
      }
    }
    ensemble.trees.push_back(std::move(tree));
  }
  return ensemble;
}

}  // namespace hitscope::trees
