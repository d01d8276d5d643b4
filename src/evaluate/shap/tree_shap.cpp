// Exact TreeSHAP (include/hitscope/shap.hpp): Lundberg, Erion and Lee 2018, Algorithm 2, in the
// form XGBoost implements it (src/tree/tree_model.cc: ExtendPath, UnwindPath, UnwoundPathSum,
// TreeShap), in double precision.
#include <algorithm>
#include <bit>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/shap.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"

namespace hitscope {

namespace {

// One feature on the path from the root: the fraction of the path's weight that flows through
// it when the feature is unknown (zero) and known (one), and the permutation weight.
struct PathElement {
  int64_t feature = -1;
  double zero_fraction = 0;
  double one_fraction = 0;
  double pweight = 0;
};

// 1 / k for the small integers the path algebra divides by (paths are at most as long as the
// number of features plus one; longer ones divide directly).
struct Reciprocals {
  static constexpr int kSize = 130;
  double value[kSize];
  constexpr Reciprocals() : value() {
    value[0] = 0;
    for (int k = 1; k < kSize; ++k) value[k] = 1.0 / k;
  }
  double operator()(int k) const { return k < kSize ? value[k] : 1.0 / k; }
};
constexpr Reciprocals kInverse;

// ExtendPath and UnwindPath are XGBoost's, with every division by a path length or position
// turned into a multiplication by its reciprocal (the results differ only in rounding). XGBoost's
// UnwoundPathSum is TreeWalk::LeafContributions below, for all path elements at once.
void ExtendPath(PathElement* path, int depth, double zero_fraction, double one_fraction,
                int64_t feature) {
  path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0 : 0.0};
  const double inverse = kInverse(depth + 1);
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].pweight += one_fraction * path[i].pweight * (i + 1) * inverse;
    path[i].pweight = zero_fraction * path[i].pweight * (depth - i) * inverse;
  }
}

void UnwindPath(PathElement* path, int depth, int path_index) {
  const double one_fraction = path[path_index].one_fraction;
  const double zero_fraction = path[path_index].zero_fraction;
  const double inverse = kInverse(depth + 1);
  double next_one_portion = path[depth].pweight;
  if (one_fraction != 0) {
    const double scale = (depth + 1) / one_fraction;
    for (int i = depth - 1; i >= 0; --i) {
      double tmp = path[i].pweight;
      path[i].pweight = next_one_portion * scale * kInverse(i + 1);
      next_one_portion = tmp - path[i].pweight * zero_fraction * (depth - i) * inverse;
    }
  } else {
    const double scale = (depth + 1) / zero_fraction;
    for (int i = depth - 1; i >= 0; --i) {
      path[i].pweight = path[i].pweight * scale * kInverse(depth - i);
    }
  }
  for (int i = path_index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

// Per-thread buffers of the leaf computation, one slot per path element.
struct LeafScratch {
  std::vector<double> next, total, scale, zero;
  std::vector<int> hot;
  explicit LeafScratch(size_t size) : next(size), total(size), scale(size), zero(size) {
    hot.reserve(size);
  }
};

struct TreeWalk {
  const TreeEnsemble::Tree& tree;
  TreeEnsemble::Rule rule;
  const double* row;
  int n_outputs;
  int64_t n_features;
  double* phi;  // n_outputs x n_features
  LeafScratch* scratch;

  bool GoesLeft(int32_t node) const {
    double x = row[tree.feature[node]];
    if (rule == TreeEnsemble::Rule::kLess) {
      if (std::isnan(x)) return tree.default_left[node] != 0;
      return static_cast<float>(x) < static_cast<float>(tree.threshold[node]);
    }
    return static_cast<float>(x) <= tree.threshold[node];
  }

  void AddLeaf(int32_t node, int64_t feature, double scale) const {
    const double* value = tree.value.data() + static_cast<int64_t>(node) * tree.values_per_node;
    if (tree.values_per_node == 1) {
      phi[tree.output * n_features + feature] += scale * value[0];
    } else {
      for (int k = 0; k < n_outputs; ++k) phi[k * n_features + feature] += scale * value[k];
    }
  }

  // XGBoost's UnwoundPathSum of every path element at a leaf, computed together: the elements
  // the row follows (one_fraction != 0) run their recurrences side by side, independent of each
  // other (a loop the processor overlaps, instead of one latency-bound chain per element); the
  // elements it does not follow (one_fraction 0) share one sum, scaled by each one's
  // zero_fraction. TreeShapBruteForce is the reference it is tested against.
  void LeafContributions(int32_t node, const PathElement* path, int depth) const {
    const double inverse = kInverse(depth + 1);
    const double last = path[depth].pweight;
    std::vector<double>& next = scratch->next;
    std::vector<double>& total = scratch->total;
    std::vector<double>& scale = scratch->scale;
    std::vector<double>& zero = scratch->zero;
    std::vector<int>& hot = scratch->hot;
    hot.clear();
    double cold_sum = 0;  // sum over i of pweight[i] / (depth - i), for the cold elements
    bool any_cold = false;
    for (int j = 1; j <= depth; ++j) {
      if (path[j].one_fraction != 0) {
        hot.push_back(j);
      } else if (path[j].zero_fraction != 0) {
        any_cold = true;
      }
    }
    const size_t n_hot = hot.size();
    for (size_t h = 0; h < n_hot; ++h) {
      next[h] = last;
      total[h] = 0;
      scale[h] = (depth + 1) / path[hot[h]].one_fraction;
      zero[h] = path[hot[h]].zero_fraction;
    }
    for (int i = depth - 1; i >= 0; --i) {
      const double weight = path[i].pweight;
      const double at = kInverse(i + 1);
      const double shrink = (depth - i) * inverse;
      for (size_t h = 0; h < n_hot; ++h) {
        double tmp = next[h] * scale[h] * at;
        total[h] += tmp;
        next[h] = weight - tmp * zero[h] * shrink;
      }
      if (any_cold) cold_sum += weight * kInverse(depth - i);
    }
    size_t h = 0;
    for (int j = 1; j <= depth; ++j) {
      const PathElement& element = path[j];
      double w;
      if (element.one_fraction != 0) {
        w = total[h++];
      } else if (element.zero_fraction != 0) {
        w = cold_sum * (depth + 1) / element.zero_fraction;
      } else {
        continue;
      }
      AddLeaf(node, element.feature,
              w * (element.one_fraction - element.zero_fraction) * tree.weight);
    }
  }

  void Recurse(int32_t node, int depth, PathElement* parent_path, double parent_zero_fraction,
               double parent_one_fraction, int64_t parent_feature) const {
    PathElement* path = parent_path + depth + 1;
    std::copy(parent_path, parent_path + depth + 1, path);
    ExtendPath(path, depth, parent_zero_fraction, parent_one_fraction, parent_feature);
    if (tree.left[node] < 0) {
      LeafContributions(node, path, depth);
      return;
    }
    const int64_t feature = tree.feature[node];
    const int32_t hot = GoesLeft(node) ? tree.left[node] : tree.right[node];
    const int32_t cold = hot == tree.left[node] ? tree.right[node] : tree.left[node];
    const double w = tree.cover[node];
    const double hot_zero_fraction = tree.cover[hot] / w;
    const double cold_zero_fraction = tree.cover[cold] / w;
    double incoming_zero_fraction = 1, incoming_one_fraction = 1;
    // A feature already on the path is unwound so that this split can redo it.
    int path_index = 0;
    for (; path_index <= depth; ++path_index) {
      if (path[path_index].feature == feature) break;
    }
    if (path_index != depth + 1) {
      incoming_zero_fraction = path[path_index].zero_fraction;
      incoming_one_fraction = path[path_index].one_fraction;
      UnwindPath(path, depth, path_index);
      depth -= 1;
    }
    Recurse(hot, depth + 1, path, hot_zero_fraction * incoming_zero_fraction, incoming_one_fraction,
            feature);
    Recurse(cold, depth + 1, path, cold_zero_fraction * incoming_zero_fraction, 0, feature);
  }
};

int TreeDepth(const TreeEnsemble::Tree& tree) {
  std::vector<int> depth(tree.left.size(), 0);
  int deepest = 0;
  for (size_t node = 0; node < tree.left.size(); ++node) {
    deepest = std::max(deepest, depth[node]);
    if (tree.left[node] >= 0) {
      depth[tree.left[node]] = depth[node] + 1;
      depth[tree.right[node]] = depth[node] + 1;
    }
  }
  return deepest;
}

// The cover-weighted mean of the leaves below each node (XGBoost's FillNodeMeanValues).
void NodeMeans(const TreeEnsemble::Tree& tree, int32_t node, std::vector<double>* means) {
  const int k = tree.values_per_node;
  double* mean = means->data() + static_cast<int64_t>(node) * k;
  if (tree.left[node] < 0) {
    std::copy_n(tree.value.data() + static_cast<int64_t>(node) * k, k, mean);
    return;
  }
  int32_t left = tree.left[node], right = tree.right[node];
  NodeMeans(tree, left, means);
  NodeMeans(tree, right, means);
  for (int i = 0; i < k; ++i) {
    mean[i] =
        ((*means)[left * k + i] * tree.cover[left] + (*means)[right * k + i] * tree.cover[right]) /
        tree.cover[node];
  }
}

std::vector<double> ExpectedValues(const TreeEnsemble& ensemble) {
  std::vector<double> expected(static_cast<size_t>(ensemble.n_outputs), 0.0);
  for (int k = 0; k < ensemble.n_outputs && k < static_cast<int>(ensemble.base_value.size()); ++k) {
    expected[k] = ensemble.base_value[k];
  }
  for (const TreeEnsemble::Tree& tree : ensemble.trees) {
    std::vector<double> means(tree.left.size() * static_cast<size_t>(tree.values_per_node));
    NodeMeans(tree, 0, &means);
    if (tree.values_per_node == 1) {
      expected[tree.output] += tree.weight * means[0];
    } else {
      for (int k = 0; k < ensemble.n_outputs; ++k) expected[k] += tree.weight * means[k];
    }
  }
  return expected;
}

void CheckColumns(const TreeEnsemble& ensemble, const Matrix& x) {
  if (x.cols() != ensemble.n_features) {
    throw InvalidInput(fmt::format(
        "SHAP: the matrix has {} columns but the model was fitted on {}; give the same columns "
        "in the same order",
        x.cols(), ensemble.n_features));
  }
}

}  // namespace

std::vector<int64_t> ShapSampleRows(int64_t rows, int64_t max_rows) {
  std::vector<int64_t> out;
  if (max_rows <= 0 || rows <= max_rows) {
    for (int64_t row = 0; row < rows; ++row) out.push_back(row);
    return out;
  }
  for (int64_t i = 0; i < max_rows; ++i) out.push_back(i * rows / max_rows);
  return out;
}

ShapValues TreeShap(const TreeEnsemble& ensemble, const Matrix& x, const TreeShapOptions& options) {
  CheckColumns(ensemble, x);
  std::vector<int64_t> rows = ShapSampleRows(x.rows(), options.max_rows);
  ShapValues out;
  out.rows = static_cast<int64_t>(rows.size());
  out.features = ensemble.n_features;
  out.outputs = ensemble.n_outputs;
  out.output_space = ensemble.output_space;
  out.expected_value = ExpectedValues(ensemble);
  out.values.assign(static_cast<size_t>(out.rows * out.outputs * out.features), 0.0);
  int deepest = 0;
  for (const TreeEnsemble::Tree& tree : ensemble.trees)
    deepest = std::max(deepest, TreeDepth(tree));
  const size_t path_size = static_cast<size_t>((deepest + 2) * (deepest + 3) / 2);
  Progress progress("TreeSHAP", rows.size(), "rows");
  ParallelFor(rows.size(), 16, [&](size_t begin, size_t end) {
    std::vector<PathElement> path(path_size);
    LeafScratch scratch(static_cast<size_t>(deepest + 3));
    for (size_t i = begin; i < end; ++i) {
      double* phi = out.values.data() + i * static_cast<size_t>(out.outputs * out.features);
      for (const TreeEnsemble::Tree& tree : ensemble.trees) {
        TreeWalk walk{tree,         ensemble.rule, x.Row(rows[i]), out.outputs,
                      out.features, phi,           &scratch};
        walk.Recurse(0, 0, path.data(), 1, 1, -1);
      }
      progress.Add(1);
    }
  });
  progress.Finish();
  return out;
}

namespace {

// E[f(x) | x_S] under the path-dependent expectation (Algorithm 1's EXPVALUE).
void ConditionalExpectation(const TreeEnsemble& ensemble, const TreeEnsemble::Tree& tree,
                            int32_t node, const double* row, uint64_t known, double fraction,
                            double* out) {
  if (tree.left[node] < 0) {
    const double* value = tree.value.data() + static_cast<int64_t>(node) * tree.values_per_node;
    if (tree.values_per_node == 1) {
      out[tree.output] += fraction * tree.weight * value[0];
    } else {
      for (int k = 0; k < ensemble.n_outputs; ++k) out[k] += fraction * tree.weight * value[k];
    }
    return;
  }
  int64_t feature = tree.feature[node];
  if ((known >> feature) & 1U) {
    double x = row[feature];
    bool left;
    if (ensemble.rule == TreeEnsemble::Rule::kLess) {
      left = std::isnan(x) ? tree.default_left[node] != 0
                           : static_cast<float>(x) < static_cast<float>(tree.threshold[node]);
    } else {
      left = static_cast<float>(x) <= tree.threshold[node];
    }
    ConditionalExpectation(ensemble, tree, left ? tree.left[node] : tree.right[node], row, known,
                           fraction, out);
    return;
  }
  int32_t l = tree.left[node], r = tree.right[node];
  ConditionalExpectation(ensemble, tree, l, row, known, fraction * tree.cover[l] / tree.cover[node],
                         out);
  ConditionalExpectation(ensemble, tree, r, row, known, fraction * tree.cover[r] / tree.cover[node],
                         out);
}

}  // namespace

ShapValues TreeShapBruteForce(const TreeEnsemble& ensemble, const Matrix& x) {
  CheckColumns(ensemble, x);
  const int64_t m = ensemble.n_features;
  if (m > 14) {
    throw InvalidArgument(
        fmt::format("SHAP: the brute-force reference enumerates 2^{} subsets; use TreeShap", m));
  }
  ShapValues out;
  out.rows = x.rows();
  out.features = m;
  out.outputs = ensemble.n_outputs;
  out.output_space = ensemble.output_space;
  out.expected_value = ExpectedValues(ensemble);
  out.values.assign(static_cast<size_t>(out.rows * out.outputs * m), 0.0);
  const uint64_t subsets = uint64_t{1} << m;
  std::vector<double> factorial(static_cast<size_t>(m + 1), 1.0);
  for (int64_t i = 1; i <= m; ++i) factorial[i] = factorial[i - 1] * static_cast<double>(i);
  for (int64_t row = 0; row < x.rows(); ++row) {
    // v(S) for every subset S, per output.
    std::vector<double> v(subsets * static_cast<uint64_t>(out.outputs), 0.0);
    for (uint64_t known = 0; known < subsets; ++known) {
      double* value = v.data() + known * static_cast<uint64_t>(out.outputs);
      for (int k = 0; k < out.outputs && k < static_cast<int>(ensemble.base_value.size()); ++k) {
        value[k] = ensemble.base_value[k];
      }
      for (const TreeEnsemble::Tree& tree : ensemble.trees) {
        ConditionalExpectation(ensemble, tree, 0, x.Row(row), known, 1.0, value);
      }
    }
    for (int64_t feature = 0; feature < m; ++feature) {
      for (uint64_t known = 0; known < subsets; ++known) {
        if ((known >> feature) & 1U) continue;
        int size = std::popcount(known);
        double weight = factorial[size] * factorial[m - size - 1] / factorial[m];
        uint64_t with = known | (uint64_t{1} << feature);
        for (int k = 0; k < out.outputs; ++k) {
          out.values[(row * out.outputs + k) * m + feature] +=
              weight * (v[with * out.outputs + k] - v[known * out.outputs + k]);
        }
      }
    }
  }
  return out;
}

ShapSummary SummarizeShap(const ShapValues& shap) {
  ShapSummary summary;
  summary.per_output = Matrix(shap.outputs, shap.features);
  summary.mean_abs.assign(static_cast<size_t>(shap.features), 0.0);
  for (int k = 0; k < shap.outputs; ++k) {
    for (int64_t row = 0; row < shap.rows; ++row) {
      std::span<const double> values = shap.Row(row, k);
      for (int64_t f = 0; f < shap.features; ++f) summary.per_output(k, f) += std::fabs(values[f]);
    }
    for (int64_t f = 0; f < shap.features; ++f) {
      summary.per_output(k, f) /= static_cast<double>(std::max<int64_t>(shap.rows, 1));
      summary.mean_abs[f] += summary.per_output(k, f);
    }
  }
  return summary;
}

ShapExplanation ExplainRow(const ShapValues& shap, int64_t row, int output,
                           std::span<const double> x_row) {
  if (row < 0 || row >= shap.rows || output < 0 || output >= shap.outputs) {
    throw InvalidArgument(fmt::format("SHAP: no row {} / output {} among {} rows and {} outputs",
                                      row, output, shap.rows, shap.outputs));
  }
  ShapExplanation explanation;
  explanation.output = output;
  explanation.expected_value = shap.expected_value[output];
  explanation.prediction = explanation.expected_value;
  std::span<const double> values = shap.Row(row, output);
  for (int64_t f = 0; f < shap.features; ++f) {
    explanation.prediction += values[f];
    explanation.contributions.push_back(
        {f, f < static_cast<int64_t>(x_row.size()) ? x_row[f] : 0.0, values[f]});
  }
  std::stable_sort(explanation.contributions.begin(), explanation.contributions.end(),
                   [](const ShapContribution& a, const ShapContribution& b) {
                     return std::fabs(a.shap) > std::fabs(b.shap);
                   });
  return explanation;
}

}  // namespace hitscope
