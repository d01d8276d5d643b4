#include "learn/trees/tree_fit.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "learn/cluster/numpy_compat.hpp"
#include "learn/trees/exact_splitter.hpp"
#include "learn/trees/histogram_splitter.hpp"
#include "learn/trees/sklearn_splitter.hpp"

namespace hitscope::trees {

GrowOptions ResolveGrowOptions(const DecisionTreeOptions& options, const TrainingSet& data,
                               bool in_forest, const std::string& who) {
  GrowOptions grow;
  const bool classifier = data.classification();
  switch (options.criterion) {
    case TreeCriterion::kAuto:
      grow.criterion = classifier ? CriterionKind::kGini : CriterionKind::kSquaredError;
      break;
    case TreeCriterion::kGini:
    case TreeCriterion::kEntropy:
      if (!classifier) {
        throw InvalidArgument(fmt::format(
            "{}: criterion '{}' is for classifiers; a regression tree uses 'squared_error'", who,
            ToString(options.criterion)));
      }
      grow.criterion = options.criterion == TreeCriterion::kGini ? CriterionKind::kGini
                                                                 : CriterionKind::kEntropy;
      break;
    case TreeCriterion::kSquaredError:
      if (classifier) {
        throw InvalidArgument(fmt::format(
            "{}: criterion 'squared_error' is for regression; a classifier uses 'gini' or "
            "'entropy'",
            who));
      }
      grow.criterion = CriterionKind::kSquaredError;
      break;
  }
  grow.n_values = classifier ? data.n_classes : 1;
  grow.regression = !classifier;
  if (options.max_depth == 0 || options.max_depth < -1) {
    throw InvalidArgument(fmt::format(
        "{}: max_depth must be at least 1 (or -1 for no limit), got {}", who, options.max_depth));
  }
  grow.max_depth = options.max_depth == -1 ? 0x7FFFFFFF : options.max_depth;
  if (options.min_samples_leaf < 1) {
    throw InvalidArgument(fmt::format("{}: min_samples_leaf must be at least 1, got {}", who,
                                      options.min_samples_leaf));
  }
  if (options.min_samples_split < 2) {
    throw InvalidArgument(fmt::format("{}: min_samples_split must be at least 2, got {}", who,
                                      options.min_samples_split));
  }
  grow.min_samples_leaf = options.min_samples_leaf;
  grow.min_samples_split =
      std::max<int64_t>(options.min_samples_split, 2 * int64_t{options.min_samples_leaf});
  if (!(options.min_weight_fraction_leaf >= 0 && options.min_weight_fraction_leaf <= 0.5)) {
    throw InvalidArgument(fmt::format("{}: min_weight_fraction_leaf must be in [0, 0.5], got {}",
                                      who, options.min_weight_fraction_leaf));
  }
  if (!(options.min_impurity_decrease >= 0) || !std::isfinite(options.min_impurity_decrease)) {
    throw InvalidArgument(fmt::format("{}: min_impurity_decrease must be >= 0, got {}", who,
                                      options.min_impurity_decrease));
  }
  grow.min_impurity_decrease = options.min_impurity_decrease;
  try {
    grow.max_features = options.max_features.Resolve(data.features);
  } catch (const Error& error) {
    throw InvalidArgument(fmt::format("{}: {}", who, error.what()));
  }
  if (options.splitter == TreeSplitter::kHistogram &&
      (options.max_bins < 2 || options.max_bins > 255)) {
    throw InvalidArgument(
        fmt::format("{}: max_bins must be in 2..255, got {}", who, options.max_bins));
  }
  if (options.class_weight.mode != ClassWeight::Mode::kNone && !classifier) {
    throw InvalidArgument(fmt::format("{}: class_weight applies to classifiers only", who));
  }
  if (options.class_weight.mode == ClassWeight::Mode::kBalancedSubsample && !in_forest) {
    throw InvalidArgument(fmt::format(
        "{}: class_weight 'balanced_subsample' is for random forests; a single tree uses "
        "'balanced'",
        who));
  }
  if (options.class_weight.mode == ClassWeight::Mode::kGiven) {
    for (double weight : options.class_weight.weights) {
      if (!(weight >= 0) || !std::isfinite(weight)) {
        throw InvalidArgument(
            fmt::format("{}: class weights must be finite numbers >= 0, got {}", who, weight));
      }
    }
  }
  return grow;
}

std::vector<double> ClassWeightPerRow(const ClassWeight& class_weight,
                                      std::span<const int32_t> labels, int n_classes,
                                      const std::string& who) {
  std::vector<double> per_class(static_cast<size_t>(n_classes), 1.0);
  if (class_weight.mode == ClassWeight::Mode::kGiven) {
    for (size_t k = 0; k < per_class.size() && k < class_weight.weights.size(); ++k) {
      per_class[k] = class_weight.weights[k];
    }
    if (class_weight.weights.size() > per_class.size()) {
      throw InvalidArgument(
          fmt::format("{}: {} class weights for {} classes; give one weight per class", who,
                      class_weight.weights.size(), n_classes));
    }
  } else {
    std::vector<int64_t> counts(static_cast<size_t>(n_classes), 0);
    for (int32_t label : labels) ++counts[static_cast<size_t>(label)];
    int64_t present = std::count_if(counts.begin(), counts.end(), [](int64_t c) { return c > 0; });
    for (size_t k = 0; k < counts.size(); ++k) {
      if (counts[k] == 0) continue;
      per_class[k] = static_cast<double>(labels.size()) /
                     (static_cast<double>(present) * static_cast<double>(counts[k]));
    }
  }
  std::vector<double> out(labels.size());
  for (size_t row = 0; row < labels.size(); ++row) out[row] = per_class[labels[row]];
  return out;
}

std::vector<double> BalancedSubsampleWeights(std::span<const int32_t> labels, int n_classes,
                                             std::span<const int64_t> drawn) {
  std::vector<int64_t> counts(static_cast<size_t>(n_classes), 0);
  for (int64_t row : drawn) ++counts[static_cast<size_t>(labels[row])];
  int64_t present = std::count_if(counts.begin(), counts.end(), [](int64_t c) { return c > 0; });
  std::vector<double> per_class(static_cast<size_t>(n_classes), 0.0);
  for (size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] == 0) continue;  // a class the bootstrap missed weighs 0
    per_class[k] = static_cast<double>(drawn.size()) /
                   (static_cast<double>(present) * static_cast<double>(counts[k]));
  }
  std::vector<double> out(labels.size());
  for (size_t row = 0; row < labels.size(); ++row) out[row] = per_class[labels[row]];
  return out;
}

SplitData PrepareSplitData(const TrainingSet& data, TreeSplitter splitter, int max_bins) {
  SplitData out;
  if (splitter == TreeSplitter::kExact) {
    out.presorted = Presort(data);
  } else if (splitter == TreeSplitter::kHistogram) {
    out.bins = MakeFeatureBins(data, max_bins);
  }
  return out;
}

TreeNodes GrowOneTree(const TrainingSet& data, std::span<const double> weights,
                      const GrowOptions& options, TreeSplitter splitter,
                      const SplitData& split_data, Progress* progress) {
  SplitLimits limits;
  limits.criterion = options.criterion;
  limits.n_values = options.n_values;
  limits.min_samples_leaf = options.min_samples_leaf;
  limits.min_weight_leaf = options.min_weight_leaf;
  if (splitter == TreeSplitter::kExact) {
    std::unique_ptr<ExactScratch> scratch = split_data.scratch->Take();
    TreeNodes tree;
    {
      // Deferred partitions pay off when a node looks at a few of the features (forests).
      const bool deferred = options.max_features < data.features;
      ExactSplitter exact(data, weights, split_data.presorted, limits, scratch.get(), deferred);
      tree = GrowTree(exact, static_cast<int>(data.features), options, progress);
    }
    split_data.scratch->Give(std::move(scratch));
    return tree;
  }
  if (splitter == TreeSplitter::kSklearn) {
    SklearnSplitter sklearn(data, weights, limits);
    return GrowTree(sklearn, static_cast<int>(data.features), options, progress);
  }
  HistogramSplitter histogram(data, weights, split_data.bins, limits);
  return GrowTree(histogram, static_cast<int>(data.features), options, progress);
}

double MinWeightLeaf(double fraction, std::span<const double> weights) {
  if (fraction == 0) return 0;
  return fraction * cluster::NumpySum(weights);
}

}  // namespace hitscope::trees
