#include "learn/models/builtin_models.hpp"

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/models.hpp>

#include "learn/boosting/boosting_models.hpp"
#include "learn/trees/tree_models.hpp"

namespace hitscope::learn {

void RegisterBuiltinModels() {
  RegisterNeighborAndLinearModels();
  RegisterTreeModels();      // tree, forest (learn/trees)
  RegisterBoostingModels();  // xgboost (learn/boosting)
  // Later families add their registration call here.
}

namespace {

KNeighborsOptions KnnOptions(const ParamMap& params) {
  KNeighborsOptions options;
  options.k = ParamInt(params, "knn", "k");
  const std::string& weights = params.at("weights");
  if (weights == "uniform") {
    options.weights = KnnWeights::kUniform;
  } else if (weights == "distance") {
    options.weights = KnnWeights::kDistance;
  } else {
    throw InvalidArgument(
        fmt::format("model knn: weights must be 'uniform' or 'distance', got '{}'", weights));
  }
  const std::string& algorithm = params.at("algorithm");
  if (algorithm == "auto") {
    options.algorithm = NeighborAlgorithm::kAuto;
  } else if (algorithm == "kd_tree") {
    options.algorithm = NeighborAlgorithm::kKdTree;
  } else if (algorithm == "brute") {
    options.algorithm = NeighborAlgorithm::kBrute;
  } else {
    throw InvalidArgument(fmt::format(
        "model knn: algorithm must be 'auto', 'kd_tree' or 'brute', got '{}'", algorithm));
  }
  options.leaf_size = ParamInt(params, "knn", "leaf_size");
  return options;
}

LogisticRegressionOptions LogregOptions(const ParamMap& params) {
  LogisticRegressionOptions options;
  options.c = ParamDouble(params, "logreg", "C");
  options.max_iter = ParamInt(params, "logreg", "max_iter");
  options.tol = ParamDouble(params, "logreg", "tol");
  const std::string& solver = params.at("solver");
  if (solver == "lbfgs") {
    options.solver = LogisticSolver::kLbfgs;
  } else if (solver == "newton") {
    options.solver = LogisticSolver::kNewton;
  } else {
    throw InvalidArgument(
        fmt::format("model logreg: solver must be 'lbfgs' or 'newton', got '{}'", solver));
  }
  return options;
}

}  // namespace

void RegisterNeighborAndLinearModels() {
  RegisterModel(
      ModelEntry{"knn",
                 "k nearest neighbours (scikit-learn KNeighborsClassifier / KNeighborsRegressor)",
                 {{"k", "5", "neighbours that vote (n_neighbors)"},
                  {"weights", "uniform", "uniform or distance (weights)"},
                  {"algorithm", "auto", "auto, kd_tree or brute (algorithm)"},
                  {"leaf_size", "30", "kd-tree leaf size (leaf_size)"}},
                 [](const ParamMap& params) -> std::unique_ptr<Classifier> {
                   return std::make_unique<KNeighborsClassifier>(KnnOptions(params));
                 },
                 [](const ParamMap& params) -> std::unique_ptr<Regressor> {
                   return std::make_unique<KNeighborsRegressor>(KnnOptions(params));
                 },
                 /*uses_sample_weights=*/false});
  RegisterModel(ModelEntry{
      "logreg",
      "multinomial logistic regression with an L2 penalty (scikit-learn LogisticRegression)",
      {{"C", "1.0", "inverse penalty strength (C)"},
       {"max_iter", "100", "iterations at most (max_iter)"},
       {"tol", "1e-4", "gradient tolerance (tol)"},
       {"solver", "lbfgs", "lbfgs or newton (solver)"}},
      [](const ParamMap& params) -> std::unique_ptr<Classifier> {
        return std::make_unique<LogisticRegression>(LogregOptions(params));
      },
      nullptr,
      /*uses_sample_weights=*/true});
  RegisterModel(ModelEntry{
      "ridge",
      "linear least squares with an L2 penalty, for the popularity score (scikit-learn Ridge)",
      {{"alpha", "1.0", "penalty strength (alpha)"}},
      nullptr,
      [](const ParamMap& params) -> std::unique_ptr<Regressor> {
        return std::make_unique<RidgeRegressor>(
            RidgeOptions{ParamDouble(params, "ridge", "alpha")});
      },
      /*uses_sample_weights=*/true});
}

}  // namespace hitscope::learn
