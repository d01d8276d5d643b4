// learn/boosting/boosting_models.hpp: the "xgboost" family in the model registry
// (XGBoostClassifier / XGBoostRegressor). Called once from RegisterBuiltinModels
// (learn/models/builtin_models.cpp).
#pragma once

namespace hitscope::learn {

void RegisterBoostingModels();

}  // namespace hitscope::learn
