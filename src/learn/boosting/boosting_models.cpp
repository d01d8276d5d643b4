// The "xgboost" model family: its parameters as text, read into XGBoostOptions.
#include "learn/boosting/boosting_models.hpp"

#include <hitscope/boosting.hpp>
#include <hitscope/models.hpp>

namespace hitscope::learn {

namespace {

XGBoostOptions Options(const ParamMap& params) {
  const std::string model = "xgboost";
  XGBoostOptions options;
  options.n_estimators = ParamInt(params, model, "n_estimators");
  options.learning_rate = ParamDouble(params, model, "learning_rate");
  options.max_depth = ParamInt(params, model, "max_depth");
  options.min_child_weight = ParamDouble(params, model, "min_child_weight");
  options.subsample = ParamDouble(params, model, "subsample");
  options.colsample_bytree = ParamDouble(params, model, "colsample_bytree");
  options.reg_lambda = ParamDouble(params, model, "reg_lambda");
  options.reg_alpha = ParamDouble(params, model, "reg_alpha");
  options.gamma = ParamDouble(params, model, "gamma");
  options.tree_method = params.at("tree_method");
  options.max_bin = ParamInt(params, model, "max_bin");
  options.early_stopping_rounds = ParamInt(params, model, "early_stopping_rounds");
  options.validation_fraction = ParamDouble(params, model, "validation_fraction");
  options.seed = static_cast<uint32_t>(ParamInt(params, model, "seed"));
  return options;
}

}  // namespace

void RegisterBoostingModels() {
  RegisterModel(ModelEntry{
      "xgboost",
      "gradient-boosted trees by XGBoost 1.7 (XGBClassifier / XGBRegressor)",
      {{"n_estimators", "100", "boosting rounds (n_estimators)"},
       {"learning_rate", "0.3", "shrinkage (learning_rate, eta)"},
       {"max_depth", "6", "deepest leaf (max_depth)"},
       {"min_child_weight", "1", "least hessian weight in a child (min_child_weight)"},
       {"subsample", "1", "rows drawn per tree (subsample)"},
       {"colsample_bytree", "1", "features drawn per tree (colsample_bytree)"},
       {"reg_lambda", "1", "L2 penalty (reg_lambda)"},
       {"reg_alpha", "0", "L1 penalty (reg_alpha)"},
       {"gamma", "0", "least loss reduction to split (gamma)"},
       {"tree_method", "hist", "hist, approx or exact (tree_method)"},
       {"max_bin", "256", "bins per feature for hist (max_bin)"},
       {"early_stopping_rounds", "0",
        "stop after this many rounds without progress on a validation fold (0: off)"},
       {"validation_fraction", "0.1", "share of the training rows held out for early stopping"},
       {"seed", "0", "random_state"}},
      [](const ParamMap& params) -> std::unique_ptr<Classifier> {
        return std::make_unique<XGBoostClassifier>(Options(params));
      },
      [](const ParamMap& params) -> std::unique_ptr<Regressor> {
        return std::make_unique<XGBoostRegressor>(Options(params));
      },
      /*uses_sample_weights=*/true});
}

}  // namespace hitscope::learn
