// hitscope/shap.hpp: SHAP values of tree models: how much each feature moved one track's
// prediction away from the model's average, and global summaries (mean |SHAP| per feature).
//
// TreeShap computes exact SHAP values for any TreeEnsemble (a hitscope decision tree, random
// forest or gradient-boosted model: TreeModel::Ensemble()) with the polynomial-time algorithm of
// Lundberg, Erion and Lee 2018, "Consistent individualized feature attribution for tree
// ensembles", Algorithm 2 (the "tree path dependent" expectation: a feature left out follows
// both children in proportion to their training cover). It is XGBoost's pred_contribs algorithm,
// computed in double instead of float32, so on the same trees it matches XGBoost's contributions
// to float32 rounding (tests/trees/shap_xgboost_test.cpp). Local accuracy holds: for every row
// and output, expected_value + sum of the row's SHAP values = the model's raw output (predicted
// probability for scikit-learn-style classifiers, the value for regressors, the margin/log-odds
// for XGBoost), to rounding (< 1e-9 in tests).
//
// Cost: O(trees x leaves x depth^2) per row. Fully grown forests on large data have many deep
// leaves: explain a sample of rows (TreeShapOptions::max_rows) rather than millions.
// Threads: rows are explained in parallel; results never depend on the thread count.
// Errors: Error(kInvalidInput) when x has another column count than the trees were fitted on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hitscope/matrix.hpp>
#include <hitscope/trees.hpp>

namespace hitscope {

// SHAP values of rows x outputs x features.
struct ShapValues {
  int64_t rows = 0;
  int64_t features = 0;
  int outputs = 1;
  std::vector<double> values;          // values[(row * outputs + output) * features + feature]
  std::vector<double> expected_value;  // per output: the model's average raw output
  std::string output_space;            // "probability", "value", "log-odds" or "margin"

  double At(int64_t row, int output, int64_t feature) const {
    return values[static_cast<size_t>((row * outputs + output) * features + feature)];
  }
  std::span<const double> Row(int64_t row, int output) const {
    return {values.data() + (row * outputs + output) * features, static_cast<size_t>(features)};
  }
};

struct TreeShapOptions {
  // Explain at most this many rows (0: all). When x has more, an evenly spaced sample of rows
  // (every k-th row) is explained; ShapValues then holds those rows in order.
  int64_t max_rows = 0;
};

// Exact TreeSHAP (Algorithm 2) of every row of x (rows x features).
ShapValues TreeShap(const TreeEnsemble& ensemble, const Matrix& x,
                    const TreeShapOptions& options = {});

// Reference: the same SHAP values from their definition, enumerating every subset of features
// with the path-dependent expectation of Algorithm 1. Exponential in the features: for tests,
// with at most 14 features.
ShapValues TreeShapBruteForce(const TreeEnsemble& ensemble, const Matrix& x);

// The rows TreeShap explains for `rows` rows and options.max_rows.
std::vector<int64_t> ShapSampleRows(int64_t rows, int64_t max_rows);

// Global importance: mean |SHAP| per feature, per output and summed over the outputs.
struct ShapSummary {
  std::vector<double> mean_abs;  // per feature, summed over outputs
  Matrix per_output;             // outputs x features
};
ShapSummary SummarizeShap(const ShapValues& shap);

// One row's explanation: the features sorted by |SHAP|, largest first.
struct ShapContribution {
  int64_t feature = 0;
  double value = 0;  // the feature's value in the row
  double shap = 0;
};
struct ShapExplanation {
  int output = 0;
  double expected_value = 0;
  double prediction = 0;  // expected_value + the sum of the contributions
  std::vector<ShapContribution> contributions;
};
// `x_row` holds the explained row's features (for the values shown).
ShapExplanation ExplainRow(const ShapValues& shap, int64_t row, int output,
                           std::span<const double> x_row);

}  // namespace hitscope
