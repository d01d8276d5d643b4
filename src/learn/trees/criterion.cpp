#include "learn/trees/criterion.hpp"

namespace hitscope::trees {

double NodeImpurity(CriterionKind kind, const NodeStats& stats) {
  const double wn = stats.weight;
  switch (kind) {
    case CriterionKind::kGini: {
      double sq_count = 0.0;
      for (double count : stats.sums) sq_count += count * count;
      return 1.0 - sq_count / (wn * wn);
    }
    case CriterionKind::kEntropy: {
      double entropy = 0.0;
      for (double count : stats.sums) {
        if (count > 0.0) {
          double fraction = count / wn;
          entropy -= fraction * SklearnLog2(fraction);
        }
      }
      return entropy;
    }
    case CriterionKind::kSquaredError: {
      double impurity = stats.sq_sum / wn;
      impurity -= std::pow(stats.sums[0] / wn, 2.0);
      return impurity;
    }
  }
  return 0.0;
}

void ChildrenImpurity(CriterionKind kind, const NodeStats& left, const NodeStats& right,
                      double* impurity_left, double* impurity_right) {
  if (kind == CriterionKind::kSquaredError) {
    // scikit-learn sums the left rows' w * y * y and takes the right side as the rest.
    *impurity_left = left.sq_sum / left.weight;
    *impurity_right = right.sq_sum / right.weight;
    *impurity_left -= std::pow(left.sums[0] / left.weight, 2.0);
    *impurity_right -= std::pow(right.sums[0] / right.weight, 2.0);
    return;
  }
  *impurity_left = NodeImpurity(kind, left);
  *impurity_right = NodeImpurity(kind, right);
}

double ImpurityImprovement(double weighted_n_samples, double weighted_n_node, double impurity,
                           double weight_left, double impurity_left, double weight_right,
                           double impurity_right) {
  return (weighted_n_node / weighted_n_samples) *
         (impurity - (weight_right / weighted_n_node * impurity_right) -
          (weight_left / weighted_n_node * impurity_left));
}

double ProxyImprovement(CriterionKind kind, const double* left, const double* total, int n_values,
                        double wl, double wr) {
  switch (kind) {
    case CriterionKind::kGini:
      return ProxyImprovement<CriterionKind::kGini>(left, total, n_values, wl, wr);
    case CriterionKind::kEntropy:
      return ProxyImprovement<CriterionKind::kEntropy>(left, total, n_values, wl, wr);
    case CriterionKind::kSquaredError:
      return ProxyImprovement<CriterionKind::kSquaredError>(left, total, n_values, wl, wr);
  }
  return 0.0;
}

}  // namespace hitscope::trees
