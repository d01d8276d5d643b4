// TreeNodes' walk and impurity importances, and the raw output of a TreeEnsemble.
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/trees.hpp>

#include "learn/cluster/numpy_compat.hpp"
#include "learn/trees/compiled_trees.hpp"

namespace hitscope {

int32_t TreeNodes::Leaf(const double* row) const {
  int32_t node = 0;
  while (left[node] != kLeaf) {
    auto x = static_cast<float>(row[feature[node]]);
    node = x <= threshold[node] ? left[node] : right[node];
  }
  return node;
}

std::vector<double> TreeNodes::ImpurityImportances(int64_t n_features) const {
  std::vector<double> importances(static_cast<size_t>(n_features), 0.0);
  if (node_count() == 0) return importances;
  for (int64_t node = 0; node < node_count(); ++node) {
    if (left[node] == kLeaf) continue;
    int32_t l = left[node], r = right[node];
    importances[feature[node]] += weighted_n_node_samples[node] * impurity[node] -
                                  weighted_n_node_samples[l] * impurity[l] -
                                  weighted_n_node_samples[r] * impurity[r];
  }
  for (double& importance : importances) importance /= weighted_n_node_samples[0];
  double normalizer = cluster::NumpySum(importances);
  if (normalizer > 0.0) {
    for (double& importance : importances) importance /= normalizer;
  }
  return importances;
}

Matrix TreeEnsemble::Predict(const Matrix& x) const {
  if (x.cols() != n_features) {
    throw InvalidInput(fmt::format(
        "the matrix has {} columns but the trees were fitted on {}; give the same columns in "
        "the same order",
        x.cols(), n_features));
  }
  Matrix out(x.rows(), n_outputs);
  trees::ForRowBlocks(x.rows(), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const double* values = x.Row(row);
      double* result = out.Row(row);
      for (int k = 0; k < n_outputs; ++k) {
        result[k] = base_value.empty() ? 0.0 : base_value[static_cast<size_t>(k)];
      }
      for (const Tree& tree : trees) {
        int32_t node = 0;
        while (tree.left[node] >= 0) {
          auto value = static_cast<float>(values[tree.feature[node]]);
          bool go_left;
          if (rule == Rule::kLessEqual) {
            go_left = value <= tree.threshold[node];
          } else if (std::isnan(value)) {
            go_left = tree.default_left[node] != 0;
          } else {
            go_left = value < static_cast<float>(tree.threshold[node]);
          }
          node = go_left ? tree.left[node] : tree.right[node];
        }
        const double* leaf = tree.value.data() + static_cast<int64_t>(node) * tree.values_per_node;
        if (tree.values_per_node == 1) {
          result[tree.output] += tree.weight * leaf[0];
        } else {
          for (int k = 0; k < n_outputs; ++k) result[k] += tree.weight * leaf[k];
        }
      }
    }
  });
  return out;
}

}  // namespace hitscope
