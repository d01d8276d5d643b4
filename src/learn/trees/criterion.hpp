// learn/trees/criterion.hpp: the split criteria (gini, entropy, squared error), with
// scikit-learn 1.2.1's formulas operation for operation (sklearn/tree/_criterion.pyx), so that
// equal sums give bit-equal impurities and the same split wins.
//
// Statistics of a set of rows (a node or one side of a split):
//  - classification: sums[k] = the weight of class k, weight = the total weight;
//  - regression: sums[0] = sum of w * y, sq_sum = sum of w * y * y, weight = the total weight.
// A split is ranked by its proxy (larger is better), which orders splits as the impurity
// decrease does but is cheaper; the decrease itself is computed once, for the chosen split.
#pragma once

#include <cmath>
#include <vector>

namespace hitscope::trees {

enum class CriterionKind { kGini, kEntropy, kSquaredError };

struct NodeStats {
  std::vector<double> sums;  // classes (classification) or 1 value (regression)
  double sq_sum = 0;         // regression only
  double weight = 0;

  void Reset(int n_values) {
    sums.assign(static_cast<size_t>(n_values), 0.0);
    sq_sum = 0;
    weight = 0;
  }
};

// scikit-learn's log: log2 computed as ln(x) / ln(2) (sklearn/tree/_utils.pxd).
inline double SklearnLog2(double x) {
  static const double kLn2 = std::log(2.0);
  return std::log(x) / kLn2;
}

// The proxy of the split that sends `left` (sums and weight wl) left, the rest of `total` right.
template <CriterionKind kKind>
inline double ProxyImprovement(const double* left, const double* total, int n_values, double wl,
                               double wr) {
  if constexpr (kKind == CriterionKind::kGini) {
    double sq_left = 0.0, sq_right = 0.0;
    for (int c = 0; c < n_values; ++c) {
      double count_left = left[c];
      double count_right = total[c] - left[c];
      sq_left += count_left * count_left;
      sq_right += count_right * count_right;
    }
    double gini_left = 1.0 - sq_left / (wl * wl);
    double gini_right = 1.0 - sq_right / (wr * wr);
    return -wr * gini_right - wl * gini_left;
  } else if constexpr (kKind == CriterionKind::kEntropy) {
    double entropy_left = 0.0, entropy_right = 0.0;
    for (int c = 0; c < n_values; ++c) {
      double count_left = left[c];
      if (count_left > 0.0) {
        count_left /= wl;
        entropy_left -= count_left * SklearnLog2(count_left);
      }
      double count_right = total[c] - left[c];
      if (count_right > 0.0) {
        count_right /= wr;
        entropy_right -= count_right * SklearnLog2(count_right);
      }
    }
    return -wr * entropy_right - wl * entropy_left;
  } else {
    double sum_left = left[0];
    double sum_right = total[0] - left[0];
    return sum_left * sum_left / wl + sum_right * sum_right / wr;
  }
}

// The impurity of a node (scikit-learn: node_impurity).
double NodeImpurity(CriterionKind kind, const NodeStats& stats);

// The impurities of the two sides of a split (scikit-learn: children_impurity). For squared
// error, left.sq_sum must hold the left rows' sum of w * y * y.
void ChildrenImpurity(CriterionKind kind, const NodeStats& left, const NodeStats& right,
                      double* impurity_left, double* impurity_right);

// The weighted impurity decrease of a split (scikit-learn: impurity_improvement).
double ImpurityImprovement(double weighted_n_samples, double weighted_n_node, double impurity,
                           double weight_left, double impurity_left, double weight_right,
                           double impurity_right);

// The proxy of a split for a criterion chosen at run time.
double ProxyImprovement(CriterionKind kind, const double* left, const double* total, int n_values,
                        double wl, double wr);

}  // namespace hitscope::trees
