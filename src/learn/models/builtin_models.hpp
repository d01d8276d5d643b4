// learn/models/builtin_models.hpp: the list of model families hitscope ships. A new family
// (trees, boosting) writes its own RegisterXxxModels() beside its code and adds one call to
// RegisterBuiltinModels() in builtin_models.cpp.
#pragma once

namespace hitscope::learn {

// Registers every built-in family (called once, on the registry's first use).
void RegisterBuiltinModels();

// knn (classifier and regressor), logreg (classifier), ridge (regressor).
void RegisterNeighborAndLinearModels();

}  // namespace hitscope::learn
