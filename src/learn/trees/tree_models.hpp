// learn/trees/tree_models.hpp: the tree families in the model registry
// (include/hitscope/models.hpp):
//   tree    DecisionTreeClassifier / DecisionTreeRegressor
//   forest  RandomForestClassifier / RandomForestRegressor
// Called once from RegisterBuiltinModels (learn/models/builtin_models.cpp).
#pragma once

namespace hitscope::learn {

void RegisterTreeModels();

}  // namespace hitscope::learn
