// Permutation importance (include/hitscope/importance.hpp), as scikit-learn 1.2.1's
// sklearn/inspection/_permutation_importance.py.
#include <numeric>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/importance.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "evaluate/importance/scoring.hpp"
#include "learn/cluster/numpy_compat.hpp"

namespace hitscope {

namespace {

// `score(x)` scores the model on a matrix of x's shape.
template <class Score>
ImportanceResult Permute(const Matrix& x, const PermutationImportanceOptions& options,
                         const Score& score) {
  if (options.n_repeats < 1) {
    throw InvalidArgument(fmt::format(
        "permutation importance: n_repeats must be at least 1, got {}", options.n_repeats));
  }
  if (x.rows() < 2) {
    throw InvalidInput(fmt::format(
        "permutation importance: {} rows cannot be shuffled; give at least two held-out rows",
        x.rows()));
  }
  // scikit-learn draws one seed, and every column starts a fresh RandomState from it.
  cluster::NumpyRandomState random_state(options.seed);
  auto column_seed = static_cast<uint32_t>(random_state.RandInt(int64_t{1} << 31));

  ImportanceResult result;
  result.baseline = score(x);
  const int64_t n = x.rows(), features = x.cols();
  const int repeats = options.n_repeats;
  result.importances = Matrix(features, repeats);
  Progress progress("permutation importance", static_cast<uint64_t>(features * repeats), "scores");
  ParallelTasks(static_cast<size_t>(features), [&](size_t feature_index) {
    auto feature = static_cast<int64_t>(feature_index);
    cluster::NumpyRandomState shuffles(column_seed);
    Matrix permuted = x;
    std::vector<int64_t> index(static_cast<size_t>(n));
    std::iota(index.begin(), index.end(), int64_t{0});
    std::vector<double> column = x.Col(feature), next(static_cast<size_t>(n));
    for (int repeat = 0; repeat < repeats; ++repeat) {
      // shuffle(index) in place equals index[P] for P the shuffle of 0..n-1 (the swaps do not
      // depend on the contents); the column is then gathered through the shuffled index, from
      // its already permuted state, as scikit-learn does.
      std::vector<int64_t> p = shuffles.Permutation(n);
      std::vector<int64_t> shuffled(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) shuffled[i] = index[p[i]];
      index.swap(shuffled);
      for (int64_t i = 0; i < n; ++i) next[i] = column[index[i]];
      column.swap(next);
      for (int64_t row = 0; row < n; ++row) permuted(row, feature) = column[row];
      result.importances(feature, repeat) = result.baseline - score(permuted);
      progress.Add(1);
    }
  });
  progress.Finish();
  result.mean.resize(static_cast<size_t>(features));
  result.std.resize(static_cast<size_t>(features));
  for (int64_t feature = 0; feature < features; ++feature) {
    std::span<const double> row(result.importances.Row(feature), static_cast<size_t>(repeats));
    result.mean[feature] = importance::NumpyMean(row);
    result.std[feature] = importance::NumpyStd(row);
  }
  return result;
}

}  // namespace

ImportanceResult PermutationImportance(const Classifier& model, const Matrix& x,
                                       std::span<const int32_t> y,
                                       const PermutationImportanceOptions& options) {
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(
        fmt::format("permutation importance: {} labels for {} rows", y.size(), x.rows()));
  }
  return Permute(x, options, [&](const Matrix& rows) {
    Labels predicted = model.Predict(rows);
    return importance::ScoreClasses(options.scoring, y, predicted);
  });
}

ImportanceResult PermutationImportance(const Regressor& model, const Matrix& x,
                                       std::span<const double> y,
                                       const PermutationImportanceOptions& options) {
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(
        fmt::format("permutation importance: {} targets for {} rows", y.size(), x.rows()));
  }
  return Permute(x, options, [&](const Matrix& rows) {
    std::vector<double> predicted = model.Predict(rows);
    return importance::ScoreValues(options.scoring, y, predicted);
  });
}

ImportanceResult ImpurityImportance(const TreeModel& model) {
  ImportanceResult result;
  result.mean = model.FeatureImportances();
  std::vector<std::vector<double>> per_tree = model.TreeImportances();
  result.std.assign(result.mean.size(), 0.0);
  if (per_tree.size() > 1) {
    std::vector<double> values(per_tree.size());
    for (size_t feature = 0; feature < result.mean.size(); ++feature) {
      for (size_t t = 0; t < per_tree.size(); ++t) values[t] = per_tree[t][feature];
      result.std[feature] = importance::NumpyStd(values);
    }
  }
  return result;
}

}  // namespace hitscope
