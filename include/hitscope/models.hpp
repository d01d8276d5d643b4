// hitscope/models.hpp: the supervised models (k nearest neighbours, logistic regression, ridge)
// and the registry that names them for pipelines, searches, model files and the CLI.
//
// Every model follows include/hitscope/estimator.hpp: Fit on rows x features with one class
// 0..k-1 (or one number) per row and optional non-negative sample weights, then const Predict /
// PredictProba, safe from several threads. Errors: Error(kInvalidArgument) for bad options
// (k < 1, C <= 0); Error(kInvalidInput) for unusable data (NaN or infinite features, a single
// class, k larger than the training rows, a column count that differs from Fit's), each naming
// the problem and how to fix it. Class indices absent from the training rows get probability 0.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>
#include <hitscope/neighbors.hpp>

namespace hitscope {

enum class KnnWeights {
  kUniform,   // every neighbour votes 1 (scikit-learn weights="uniform")
  kDistance,  // a neighbour votes 1 / distance; exact matches outvote all others ("distance")
};

struct KNeighborsOptions {
  int k = 5;                                  // neighbours; scikit-learn: n_neighbors
  KnnWeights weights = KnnWeights::kUniform;  // scikit-learn: weights
  // Search structure; kAuto chooses as scikit-learn's algorithm="auto". scikit-learn: algorithm
  NeighborAlgorithm algorithm = NeighborAlgorithm::kAuto;
  int leaf_size = 30;  // kd-tree leaf size; scikit-learn: leaf_size
};

// k-nearest-neighbour classification, as scikit-learn 1.2.1's KNeighborsClassifier: the same
// neighbours (ties included, see neighbors.hpp) and the same vote (the smallest class wins a tie).
// Holds a copy of the training rows. Fit throws Error(kInvalidInput) when k > training rows.
// Sample weights are checked but not used (scikit-learn's KNN takes none either).
class KNeighborsClassifier final : public Classifier {
 public:
  explicit KNeighborsClassifier(KNeighborsOptions options = {});
  ~KNeighborsClassifier() override;
  std::string Name() const override { return "knn"; }
  bool fitted() const override { return index_ != nullptr; }
  void Fit(const Matrix& x, std::span<const int32_t> y,
           std::span<const double> sample_weight = {}) override;
  Matrix PredictProba(const Matrix& x) const override;
  Labels Predict(const Matrix& x) const override;
  // One neighbour search for both answers.
  void PredictBoth(const Matrix& x, Labels* labels, Matrix* proba) const override;
  int num_classes() const override { return num_classes_; }
  std::unique_ptr<Classifier> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  const KNeighborsOptions& options() const { return options_; }

 private:
  // The neighbours of each row of x, with distances when the weights need them.
  KNearestResult Neighbours(const Matrix& x) const;
  Matrix ProbaFrom(const KNearestResult& neighbours) const;
  Labels LabelsFrom(const KNearestResult& neighbours) const;

  KNeighborsOptions options_;
  Matrix x_;
  Labels y_;
  int num_classes_ = 0;
  std::unique_ptr<NeighborIndex> index_;
};

// k-nearest-neighbour regression, as scikit-learn's KNeighborsRegressor: the mean (uniform) or
// the 1 / distance weighted mean of the neighbours' targets.
class KNeighborsRegressor final : public Regressor {
 public:
  explicit KNeighborsRegressor(KNeighborsOptions options = {});
  ~KNeighborsRegressor() override;
  std::string Name() const override { return "knn"; }
  bool fitted() const override { return index_ != nullptr; }
  void Fit(const Matrix& x, std::span<const double> y,
           std::span<const double> sample_weight = {}) override;
  std::vector<double> Predict(const Matrix& x) const override;
  std::unique_ptr<Regressor> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

 private:
  KNeighborsOptions options_;
  Matrix x_;
  std::vector<double> y_;
  std::unique_ptr<NeighborIndex> index_;
};

enum class LogisticSolver {
  kLbfgs,   // limited-memory BFGS (scikit-learn's default solver "lbfgs")
  kNewton,  // Newton's method with the exact Hessian (Eigen); best for few features
};

struct LogisticRegressionOptions {
  double c = 1.0;      // inverse L2 strength: the penalty is |W|^2 / (2 C); scikit-learn: C
  int max_iter = 100;  // iterations at most; scikit-learn: max_iter
  double tol = 1e-4;   // stop when the largest gradient entry is <= tol; scikit-learn: tol
  LogisticSolver solver = LogisticSolver::kLbfgs;  // scikit-learn: solver ("lbfgs", "newton-cg")
  bool fit_intercept = true;                       // scikit-learn: fit_intercept
};

// L2-penalised logistic regression as scikit-learn 1.2.1's LogisticRegression: multinomial
// (softmax) for three or more classes, binomial (one coefficient row) for two. It minimises
// sum_i w_i loss_i + |W|^2 / (2 C) (intercepts unpenalised) to its unique optimum, so
// coefficients agree with scikit-learn's to the solvers' tolerance (1e-4 or better with a tight
// tol). lbfgs also stops, as scipy's L-BFGS-B, when the objective falls by less than 2.2e-9
// relative. Not converging within max_iter is not an error: converged() tells.
class LogisticRegression final : public Classifier {
 public:
  explicit LogisticRegression(LogisticRegressionOptions options = {});
  std::string Name() const override { return "logreg"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const int32_t> y,
           std::span<const double> sample_weight = {}) override;
  Matrix PredictProba(const Matrix& x) const override;
  // From the decision function, as scikit-learn: the binary score > 0, else the first largest.
  Labels Predict(const Matrix& x) const override;
  int num_classes() const override { return num_classes_; }
  std::unique_ptr<Classifier> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

  // The linear scores: rows x coef().rows() (scikit-learn's decision_function).
  Matrix Decision(const Matrix& x) const;
  // scikit-learn's coef_: rows x features, one row for two classes, else one per class.
  const Matrix& coef() const { return coef_; }
  const std::vector<double>& intercept() const { return intercept_; }
  int iterations() const { return iterations_; }
  bool converged() const { return converged_; }

 private:
  LogisticRegressionOptions options_;
  bool fitted_ = false;
  int num_classes_ = 0;
  std::vector<int32_t> present_;  // the classes seen in Fit (scikit-learn's classes_)
  Matrix coef_;
  std::vector<double> intercept_;
  int iterations_ = 0;
  bool converged_ = false;
};

struct RidgeOptions {
  double alpha = 1.0;  // L2 strength: minimises |y - Xw - b|^2 + alpha |w|^2; scikit-learn: alpha
};

// Linear least squares with an L2 penalty, as scikit-learn's Ridge (fit_intercept=True, solved
// exactly by a Cholesky factorisation of the centred normal equations).
class RidgeRegressor final : public Regressor {
 public:
  explicit RidgeRegressor(RidgeOptions options = {});
  std::string Name() const override { return "ridge"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const double> y,
           std::span<const double> sample_weight = {}) override;
  std::vector<double> Predict(const Matrix& x) const override;
  std::unique_ptr<Regressor> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  const std::vector<double>& coef() const { return coef_; }
  double intercept() const { return intercept_; }

 private:
  RidgeOptions options_;
  bool fitted_ = false;
  std::vector<double> coef_;
  double intercept_ = 0;
};

// ---------------------------------------------------------------- the model registry

// A model's parameters as text ("k" -> "5"), as searches, model files and the CLI give them.
using ParamMap = std::map<std::string, std::string>;

struct ModelParam {
  std::string name;           // "k"
  std::string default_value;  // "5"
  std::string help;           // "neighbours that vote (scikit-learn n_neighbors)"
};

// One model family. A factory reads only the parameters listed in `params` (defaults filled in
// by the registry) and throws Error(kInvalidArgument) naming a parameter whose value it cannot
// use. A family that cannot classify (or regress) leaves that factory empty.
struct ModelEntry {
  std::string name;         // "knn", used by --model and in model files
  std::string description;  // one line for --help
  std::vector<ModelParam> params;
  std::function<std::unique_ptr<Classifier>(const ParamMap& params)> make_classifier;
  std::function<std::unique_ptr<Regressor>(const ParamMap& params)> make_regressor;
  // Whether Fit uses sample weights (so class_weight="balanced" means something for it).
  bool uses_sample_weights = true;
};

// Adds a family. Model families register in src/learn/models/builtin_models.cpp (one call per
// family: a later family, such as trees, adds its line there). Throws Error(kInternal) when the
// name is taken. Not thread-safe against concurrent lookups.
void RegisterModel(ModelEntry entry);
// The family named `name`; throws Error(kInvalidArgument) listing the known names.
const ModelEntry& FindModel(const std::string& name);
std::vector<std::string> ModelNames();
// `params` with every unset parameter of `model` at its default; throws Error(kInvalidArgument)
// for a parameter the model does not have, naming the ones it has.
ParamMap CompleteModelParams(const ModelEntry& model, const ParamMap& params);

// Parameter parsing for factories: Error(kInvalidArgument) "model knn: k must be an integer,
// got 'five'".
int ParamInt(const ParamMap& params, const std::string& model, const std::string& name);
double ParamDouble(const ParamMap& params, const std::string& model, const std::string& name);

}  // namespace hitscope
