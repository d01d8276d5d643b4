// The "tree" and "forest" model families: their parameters as text, read into the options.
#include "learn/trees/tree_models.hpp"

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/models.hpp>
#include <hitscope/trees.hpp>

namespace hitscope::learn {

namespace {

const std::string& Text(const ParamMap& params, const std::string& name) {
  return params.at(name);
}

// Wraps a parser's error so that it names the model and the parameter.
template <class Parse>
auto Parsed(const std::string& model, const std::string& name, const Parse& parse) {
  try {
    return parse();
  } catch (const Error& error) {
    throw InvalidArgument(fmt::format("model {}: {}: {}", model, name, error.what()));
  }
}

bool ParamBool(const ParamMap& params, const std::string& model, const std::string& name) {
  const std::string& text = Text(params, name);
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  throw InvalidArgument(
      fmt::format("model {}: {} must be true or false, got '{}'", model, name, text));
}

// The options every tree shares. `max_features_auto` is what "auto" means for this model.
DecisionTreeOptions TreeOptions(const ParamMap& params, const std::string& model,
                                MaxFeatures max_features_auto) {
  DecisionTreeOptions options;
  options.criterion =
      Parsed(model, "criterion", [&] { return ParseTreeCriterion(Text(params, "criterion")); });
  const std::string& depth = Text(params, "max_depth");
  options.max_depth = depth == "none" ? -1 : ParamInt(params, model, "max_depth");
  options.min_samples_split = ParamInt(params, model, "min_samples_split");
  options.min_samples_leaf = ParamInt(params, model, "min_samples_leaf");
  const std::string& features = Text(params, "max_features");
  options.max_features = features == "auto" ? max_features_auto
                                            : Parsed(model, "max_features",
                                                     [&] { return MaxFeatures::Parse(features); });
  options.splitter =
      Parsed(model, "splitter", [&] { return ParseTreeSplitter(Text(params, "splitter")); });
  options.max_bins = ParamInt(params, model, "max_bins");
  options.seed = static_cast<uint32_t>(ParamInt(params, model, "seed"));
  return options;
}

std::vector<ModelParam> TreeParams(const std::string& max_features_default) {
  return {
      {"criterion", "auto", "gini or entropy (classes), squared_error (score) (criterion)"},
      {"max_depth", "none", "deepest leaf, or none (max_depth)"},
      {"min_samples_split", "2", "fewest rows a node needs to split (min_samples_split)"},
      {"min_samples_leaf", "1", "fewest rows in a leaf (min_samples_leaf)"},
      {"max_features", max_features_default,
       "features drawn per split: all, sqrt, log2, a count or a fraction (max_features)"},
      {"splitter", "exact", "exact, histogram or sklearn (see docs/trees.md)"},
      {"max_bins", "255", "bins per feature for the histogram splitter"},
      {"seed", "0", "random_state of the feature order and bootstraps"},
  };
}

RandomForestOptions ForestOptions(const ParamMap& params, bool classifier) {
  RandomForestOptions options;
  options.tree =
      TreeOptions(params, "forest", classifier ? MaxFeatures::Sqrt() : MaxFeatures::All());
  options.seed = options.tree.seed;
  options.n_estimators = ParamInt(params, "forest", "n_estimators");
  options.bootstrap = ParamBool(params, "forest", "bootstrap");
  options.max_samples = ParamInt(params, "forest", "max_samples");
  options.oob_score = ParamBool(params, "forest", "oob_score");
  const std::string& class_weight = Text(params, "class_weight");
  if (class_weight == "balanced_subsample") {
    options.tree.class_weight.mode = ClassWeight::Mode::kBalancedSubsample;
  } else if (class_weight != "none") {
    throw InvalidArgument(fmt::format(
        "model forest: class_weight must be none or balanced_subsample (for balanced, use "
        "--class-weight balanced), got '{}'",
        class_weight));
  }
  return options;
}

}  // namespace

void RegisterTreeModels() {
  RegisterModel(ModelEntry{
      "tree", "CART decision tree (scikit-learn DecisionTreeClassifier / DecisionTreeRegressor)",
      TreeParams("all"),
      [](const ParamMap& params) -> std::unique_ptr<Classifier> {
        return std::make_unique<DecisionTreeClassifier>(
            TreeOptions(params, "tree", MaxFeatures::All()));
      },
      [](const ParamMap& params) -> std::unique_ptr<Regressor> {
        return std::make_unique<DecisionTreeRegressor>(
            TreeOptions(params, "tree", MaxFeatures::All()));
      },
      /*uses_sample_weights=*/true});
  std::vector<ModelParam> forest = TreeParams("auto");
  forest[4].help =
      "features drawn per split: auto (sqrt for classes, all for the score), all, "
      "sqrt, log2, a count or a fraction (max_features)";
  forest.push_back({"n_estimators", "100", "trees (n_estimators)"});
  forest.push_back({"bootstrap", "true", "draw each tree's rows with replacement (bootstrap)"});
  forest.push_back({"max_samples", "0", "rows drawn per tree, 0 for all (max_samples)"});
  forest.push_back({"oob_score", "false", "score each row with the trees that left it out"});
  forest.push_back(
      {"class_weight", "none", "none or balanced_subsample (class_weight; see --class-weight)"});
  RegisterModel(ModelEntry{
      "forest",
      "random forest of CART trees (scikit-learn RandomForestClassifier / RandomForestRegressor)",
      std::move(forest),
      [](const ParamMap& params) -> std::unique_ptr<Classifier> {
        return std::make_unique<RandomForestClassifier>(ForestOptions(params, true));
      },
      [](const ParamMap& params) -> std::unique_ptr<Regressor> {
        return std::make_unique<RandomForestRegressor>(ForestOptions(params, false));
      },
      /*uses_sample_weights=*/true});
}

}  // namespace hitscope::learn
