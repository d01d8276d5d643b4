// LogisticRegression: scikit-learn's objective (sum of weighted log losses + |W|^2 / (2 C)),
// minimised by L-BFGS or Newton's method. The loss and gradient are summed over fixed row
// blocks in block order, so results do not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/models.hpp>

#include "core/parallel.hpp"
#include "learn/models/lbfgs.hpp"
#include "learn/preprocess/check_input.hpp"

namespace hitscope {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;

constexpr int64_t kBlockRows = 4096;

// The fitting problem over the classes present: `outputs` coefficient rows (1 for two classes),
// each `cols + 1` long (the intercept last).
struct Problem {
  const Matrix* x;
  std::vector<int32_t> target;  // class position among the present classes
  std::vector<double> weight;   // sample weights (all 1 when none were given)
  int outputs = 1;
  int classes = 2;
  double inverse_c = 1.0;
  bool intercept = true;

  int64_t Width() const { return x->cols() + 1; }
  size_t Size() const { return static_cast<size_t>(outputs * Width()); }

  // Linear scores of a block of rows: rows x outputs.
  RowMatrix Scores(const std::vector<double>& theta, int64_t begin, int64_t end) const {
    const int64_t cols = x->cols();
    ConstRowMap block(x->Row(begin), end - begin, cols);
    ConstRowMap params(theta.data(), outputs, Width());
    RowMatrix z = block * params.leftCols(cols).transpose();
    if (intercept) z.rowwise() += params.col(cols).transpose();
    return z;
  }

  // Residuals (probability - indicator) times weight, and the weighted loss, of a block.
  double Residuals(const RowMatrix& z, int64_t begin, RowMatrix* residual) const {
    const int64_t rows = z.rows();
    residual->resize(rows, outputs);
    double loss = 0;
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t row = begin + i;
      const double w = weight[row];
      if (outputs == 1) {
        double score = z(i, 0);
        double y = target[row] == 1 ? 1.0 : 0.0;
        // log(1 + e^z) - y z, computed stably.
        double softplus = std::max(score, 0.0) + std::log1p(std::exp(-std::fabs(score)));
        loss += w * (softplus - y * score);
        double p =
            score >= 0 ? 1.0 / (1.0 + std::exp(-score)) : std::exp(score) / (1.0 + std::exp(score));
        (*residual)(i, 0) = w * (p - y);
      } else {
        double top = z.row(i).maxCoeff();
        double total = 0;
        for (int c = 0; c < outputs; ++c) total += std::exp(z(i, c) - top);
        double log_sum = top + std::log(total);
        loss += w * (log_sum - z(i, target[row]));
        for (int c = 0; c < outputs; ++c) {
          double p = std::exp(z(i, c) - log_sum);
          (*residual)(i, c) = w * (p - (c == target[row] ? 1.0 : 0.0));
        }
      }
    }
    return loss;
  }

  // f(theta) and its gradient.
  double Evaluate(const std::vector<double>& theta, std::vector<double>* gradient) const {
    const int64_t rows = x->rows(), cols = x->cols();
    const size_t blocks = static_cast<size_t>((rows + kBlockRows - 1) / kBlockRows);
    std::vector<double> losses(blocks);
    std::vector<RowMatrix> grads(blocks);
    ParallelFor(blocks, 1, [&](size_t first, size_t last) {
      RowMatrix residual;
      for (size_t b = first; b < last; ++b) {
        int64_t begin = static_cast<int64_t>(b) * kBlockRows;
        int64_t end = std::min(rows, begin + kBlockRows);
        RowMatrix z = Scores(theta, begin, end);
        losses[b] = Residuals(z, begin, &residual);
        ConstRowMap block(x->Row(begin), end - begin, cols);
        grads[b].resize(outputs, Width());
        grads[b].leftCols(cols) = residual.transpose() * block;
        grads[b].col(cols) = residual.colwise().sum().transpose();
      }
    });
    double loss = 0;
    gradient->assign(Size(), 0.0);
    Eigen::Map<RowMatrix> g(gradient->data(), outputs, Width());
    for (size_t b = 0; b < blocks; ++b) {
      loss += losses[b];
      g += grads[b];
    }
    ConstRowMap params(theta.data(), outputs, Width());
    loss += 0.5 * inverse_c * params.leftCols(cols).squaredNorm();
    g.leftCols(cols) += inverse_c * params.leftCols(cols);
    if (!intercept) g.col(cols).setZero();
    return loss;
  }

  // The Hessian (Size() x Size()) at theta.
  Eigen::MatrixXd Hessian(const std::vector<double>& theta) const {
    const int64_t rows = x->rows(), cols = x->cols(), width = Width();
    const size_t blocks = static_cast<size_t>((rows + kBlockRows - 1) / kBlockRows);
    std::vector<Eigen::MatrixXd> parts(blocks);
    ParallelFor(blocks, 1, [&](size_t first, size_t last) {
      for (size_t b = first; b < last; ++b) {
        int64_t begin = static_cast<int64_t>(b) * kBlockRows;
        int64_t end = std::min(rows, begin + kBlockRows);
        RowMatrix z = Scores(theta, begin, end);
        Eigen::MatrixXd xt(end - begin, width);
        xt.leftCols(cols) = ConstRowMap(x->Row(begin), end - begin, cols);
        xt.col(cols).setOnes();
        // Probabilities.
        Eigen::MatrixXd p(end - begin, outputs);
        for (int64_t i = 0; i < end - begin; ++i) {
          if (outputs == 1) {
            p(i, 0) = 1.0 / (1.0 + std::exp(-z(i, 0)));
          } else {
            double top = z.row(i).maxCoeff();
            double total = 0;
            for (int c = 0; c < outputs; ++c) total += std::exp(z(i, c) - top);
            for (int c = 0; c < outputs; ++c) p(i, c) = std::exp(z(i, c) - top) / total;
          }
        }
        Eigen::MatrixXd& h = parts[b];
        h.setZero(Size(), Size());
        for (int a = 0; a < outputs; ++a) {
          for (int c = a; c < outputs; ++c) {
            Eigen::VectorXd coeff(end - begin);
            for (int64_t i = 0; i < end - begin; ++i) {
              double w = weight[begin + i];
              coeff(i) = outputs == 1 ? w * p(i, 0) * (1 - p(i, 0))
                                      : w * ((a == c ? p(i, a) : 0.0) - p(i, a) * p(i, c));
            }
            Eigen::MatrixXd block = xt.transpose() * coeff.asDiagonal() * xt;
            h.block(a * width, c * width, width, width) = block;
            if (a != c) h.block(c * width, a * width, width, width) = block.transpose();
          }
        }
      }
    });
    Eigen::MatrixXd hessian = Eigen::MatrixXd::Zero(Size(), Size());
    for (const auto& part : parts) hessian += part;
    for (int a = 0; a < outputs; ++a) {
      for (int64_t j = 0; j < cols; ++j) hessian(a * width + j, a * width + j) += inverse_c;
      if (!intercept) hessian(a * width + cols, a * width + cols) = 1.0;
    }
    return hessian;
  }
};

// Newton's method with a backtracking line search. The multinomial objective does not change
// when every intercept moves by the same amount, so the Hessian is singular along that
// direction; a tiny ridge on the intercepts makes it solvable and the intercepts are kept
// centred (their sum stays 0, where scikit-learn's solvers stay when started from 0).
learn::LbfgsResult MinimizeNewton(const Problem& problem, std::vector<double>* theta, int max_iter,
                                  double tol) {
  learn::LbfgsResult result;
  std::vector<double> gradient, trial_gradient;
  double value = problem.Evaluate(*theta, &gradient);
  const int64_t width = problem.Width();
  for (int iter = 1; iter <= max_iter; ++iter) {
    double largest = 0;
    for (double g : gradient) largest = std::max(largest, std::fabs(g));
    if (largest <= tol) {
      result.converged = true;
      break;
    }
    Eigen::MatrixXd hessian = problem.Hessian(*theta);
    if (problem.outputs > 1 && problem.intercept) {
      for (int a = 0; a < problem.outputs; ++a) {
        hessian(a * width + width - 1, a * width + width - 1) += 1e-10;
      }
    }
    Eigen::Map<const Eigen::VectorXd> g(gradient.data(), static_cast<int64_t>(gradient.size()));
    Eigen::VectorXd step = hessian.ldlt().solve(-g);
    if (problem.outputs > 1 && problem.intercept) {
      double mean = 0;
      for (int a = 0; a < problem.outputs; ++a) mean += step(a * width + width - 1);
      mean /= problem.outputs;
      for (int a = 0; a < problem.outputs; ++a) step(a * width + width - 1) -= mean;
    }
    double slope = g.dot(step);
    double t = 1.0;
    std::vector<double> trial(theta->size());
    double trial_value = value;
    bool moved = false;
    for (int tries = 0; tries < 40; ++tries, t *= 0.5) {
      for (size_t j = 0; j < trial.size(); ++j) trial[j] = (*theta)[j] + t * step(j);
      trial_value = problem.Evaluate(trial, &trial_gradient);
      if (trial_value <= value + 1e-4 * t * slope) {
        moved = true;
        break;
      }
      // Near the optimum the decrease drowns in rounding: a full step that shrinks the
      // gradient is still progress.
      double trial_largest = 0;
      for (double g_j : trial_gradient) trial_largest = std::max(trial_largest, std::fabs(g_j));
      if (tries == 0 && trial_largest < largest) {
        moved = true;
        break;
      }
    }
    result.iterations = iter;
    if (!moved) break;
    *theta = trial;
    gradient = trial_gradient;
    value = trial_value;
  }
  if (!result.converged) {
    double largest = 0;
    for (double g : gradient) largest = std::max(largest, std::fabs(g));
    result.converged = largest <= tol;
  }
  result.value = value;
  return result;
}

}  // namespace

LogisticRegression::LogisticRegression(LogisticRegressionOptions options) : options_(options) {
  if (!(options_.c > 0) || !std::isfinite(options_.c)) {
    throw InvalidArgument(fmt::format("logreg: C must be a number > 0, got {}", options_.c));
  }
  if (options_.max_iter < 1) {
    throw InvalidArgument(fmt::format("logreg: max_iter must be >= 1, got {}", options_.max_iter));
  }
  if (!(options_.tol > 0)) {
    throw InvalidArgument(fmt::format("logreg: tol must be > 0, got {}", options_.tol));
  }
}

void LogisticRegression::Fit(const Matrix& x, std::span<const int32_t> y,
                             std::span<const double> sample_weight) {
  learn::CheckNotEmpty(x, Name());
  learn::CheckLabels(x, y, Name());
  learn::CheckSampleWeight(x, sample_weight, Name());
  learn::CheckFinite(x, Name());
  num_classes_ = *std::max_element(y.begin(), y.end()) + 1;
  std::vector<int32_t> position(static_cast<size_t>(num_classes_), -1);
  for (int32_t label : y) position[label] = 0;
  std::vector<int32_t> present;
  for (int32_t label = 0; label < num_classes_; ++label) {
    if (position[label] == 0) {
      position[label] = static_cast<int32_t>(present.size());
      present.push_back(label);
    }
  }
  if (present.size() < 2) {
    throw InvalidInput(fmt::format(
        "logreg: the training rows hold a single class ({}); a classifier needs at least two",
        present[0]));
  }
  Problem problem;
  problem.x = &x;
  problem.classes = static_cast<int>(present.size());
  problem.outputs = problem.classes == 2 ? 1 : problem.classes;
  problem.inverse_c = 1.0 / options_.c;
  problem.intercept = options_.fit_intercept;
  problem.target.resize(y.size());
  for (size_t row = 0; row < y.size(); ++row) problem.target[row] = position[y[row]];
  problem.weight.assign(y.size(), 1.0);
  if (!sample_weight.empty()) problem.weight.assign(sample_weight.begin(), sample_weight.end());

  std::vector<double> theta(problem.Size(), 0.0);
  learn::LbfgsResult result;
  if (options_.solver == LogisticSolver::kNewton) {
    result = MinimizeNewton(problem, &theta, options_.max_iter, options_.tol);
  } else {
    learn::LbfgsOptions lbfgs;
    lbfgs.max_iter = options_.max_iter;
    lbfgs.gtol = options_.tol;
    result = learn::MinimizeLbfgs([&](const std::vector<double>& t,
                                      std::vector<double>* g) { return problem.Evaluate(t, g); },
                                  &theta, lbfgs);
  }
  iterations_ = result.iterations;
  converged_ = result.converged;
  // Back to all classes: an absent class gets a row of zeros and an intercept of -inf in the
  // multinomial case (probability 0); the binary case keeps scikit-learn's single row.
  const int64_t cols = x.cols(), width = problem.Width();
  const int rows = problem.outputs == 1 ? 1 : num_classes_;
  coef_ = Matrix(rows, cols);
  intercept_.assign(static_cast<size_t>(rows), 0.0);
  present_ = present;
  for (int out = 0; out < problem.outputs; ++out) {
    int row = problem.outputs == 1 ? 0 : present[out];
    for (int64_t j = 0; j < cols; ++j) coef_(row, j) = theta[out * width + j];
    intercept_[row] = theta[out * width + cols];
  }
  if (problem.outputs > 1) {
    for (int32_t label = 0; label < num_classes_; ++label) {
      if (std::find(present.begin(), present.end(), label) == present.end()) {
        intercept_[label] = -std::numeric_limits<double>::infinity();
      }
    }
  }
  fitted_ = true;
}

Matrix LogisticRegression::Decision(const Matrix& x) const {
  learn::CheckFitted(fitted_, Name(), "Predict");
  learn::CheckColumns(x, coef_.cols(), Name());
  learn::CheckFinite(x, Name());
  const int64_t cols = x.cols(), outputs = coef_.rows();
  Matrix z(x.rows(), outputs);
  ParallelFor(static_cast<size_t>(x.rows()), 4096, [&](size_t begin, size_t end) {
    for (size_t row = begin; row < end; ++row) {
      const double* values = x.Row(static_cast<int64_t>(row));
      for (int64_t c = 0; c < outputs; ++c) {
        double sum = 0;
        const double* w = coef_.Row(c);
        for (int64_t j = 0; j < cols; ++j) sum += values[j] * w[j];
        z(static_cast<int64_t>(row), c) = sum + intercept_[c];
      }
    }
  });
  return z;
}

Matrix LogisticRegression::PredictProba(const Matrix& x) const {
  Matrix z = Decision(x);
  Matrix proba(x.rows(), num_classes_);
  for (int64_t row = 0; row < x.rows(); ++row) {
    double* p = proba.Row(row);
    if (coef_.rows() == 1) {
      double score = z(row, 0);
      double positive = 1.0 / (1.0 + std::exp(-score));
      p[present_[0]] = 1.0 - positive;
      p[present_[1]] = positive;
      continue;
    }
    double top = -std::numeric_limits<double>::infinity();
    for (int c = 0; c < num_classes_; ++c) top = std::max(top, z(row, c));
    double total = 0;
    for (int c = 0; c < num_classes_; ++c) total += std::exp(z(row, c) - top);
    for (int c = 0; c < num_classes_; ++c) p[c] = std::exp(z(row, c) - top) / total;
  }
  return proba;
}

// scikit-learn predicts from the decision function: class 1 when the binary score is > 0, else
// the first largest score.
Labels LogisticRegression::Predict(const Matrix& x) const {
  Matrix z = Decision(x);
  Labels out(static_cast<size_t>(x.rows()));
  for (int64_t row = 0; row < x.rows(); ++row) {
    if (coef_.rows() == 1) {
      out[row] = z(row, 0) > 0 ? present_[1] : present_[0];
      continue;
    }
    int32_t best = 0;
    for (int32_t c = 1; c < num_classes_; ++c) {
      if (z(row, c) > z(row, best)) best = c;
    }
    out[row] = best;
  }
  return out;
}

std::unique_ptr<Classifier> LogisticRegression::CloneUnfitted() const {
  return std::make_unique<LogisticRegression>(options_);
}

EstimatorState LogisticRegression::SaveState() const {
  learn::CheckFitted(fitted_, Name(), "SaveState");
  EstimatorState state;
  state.numbers["c"] = {options_.c};
  state.numbers["max_iter"] = {static_cast<double>(options_.max_iter)};
  state.numbers["tol"] = {options_.tol};
  state.numbers["newton"] = {options_.solver == LogisticSolver::kNewton ? 1.0 : 0.0};
  state.numbers["fit_intercept"] = {options_.fit_intercept ? 1.0 : 0.0};
  state.numbers["num_classes"] = {static_cast<double>(num_classes_)};
  state.numbers["present"] = std::vector<double>(present_.begin(), present_.end());
  state.numbers["coef_shape"] = {static_cast<double>(coef_.rows()),
                                 static_cast<double>(coef_.cols())};
  state.numbers["coef"] = std::vector<double>(coef_.data().begin(), coef_.data().end());
  state.numbers["intercept"] = intercept_;
  return state;
}

void LogisticRegression::LoadState(const EstimatorState& state) {
  options_.c = state.Number("c");
  options_.max_iter = static_cast<int>(state.Number("max_iter"));
  options_.tol = state.Number("tol");
  options_.solver = state.Number("newton") != 0 ? LogisticSolver::kNewton : LogisticSolver::kLbfgs;
  options_.fit_intercept = state.Number("fit_intercept") != 0;
  num_classes_ = static_cast<int>(state.Number("num_classes"));
  present_.clear();
  for (double label : state.Numbers("present")) {
    if (label < 0 || label >= num_classes_) {
      throw InvalidInput(
          "the saved logistic regression names a class out of range; the model "
          "file is damaged");
    }
    present_.push_back(static_cast<int32_t>(label));
  }
  const std::vector<double>& shape = state.Numbers("coef_shape");
  const std::vector<double>& coef = state.Numbers("coef");
  if (shape.size() != 2 || shape[0] * shape[1] != static_cast<double>(coef.size()) ||
      state.Numbers("intercept").size() != static_cast<size_t>(shape[0]) || present_.size() < 2 ||
      (shape[0] != 1 && shape[0] != num_classes_)) {
    throw InvalidInput(
        "the saved logistic regression has coefficients of the wrong shape; the "
        "model file is damaged");
  }
  coef_ = Matrix(static_cast<int64_t>(shape[0]), static_cast<int64_t>(shape[1]), coef);
  intercept_ = state.Numbers("intercept");
  fitted_ = true;
}

}  // namespace hitscope
