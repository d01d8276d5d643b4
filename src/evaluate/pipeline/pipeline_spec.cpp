// PipelineSpec: the pipeline's parameters as text.
#include <charconv>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/pipeline.hpp>

#include "core/text.hpp"

namespace hitscope {

namespace {

const std::vector<std::string> kScalers = {"none", "standard", "minmax", "robust"};
const std::vector<std::string> kResamplers = {"none", "ros", "smote", "smote_tomek", "tomek"};
const std::vector<std::string> kClassWeights = {"none", "balanced"};
const std::vector<std::string> kNames = {"scaler",  "one_hot", "select_k",     "resample",
                                         "smote_k", "model",   "class_weight", "seed"};

void RequireOneOf(const std::string& name, const std::string& value,
                  const std::vector<std::string>& allowed) {
  for (const auto& option : allowed) {
    if (option == value) return;
  }
  throw InvalidArgument(fmt::format("pipeline: {} must be one of {}, got '{}'{}", name,
                                    QuoteList(allowed), value, DidYouMean(value, allowed)));
}

int64_t ParseInt(const std::string& name, const std::string& value, int64_t min) {
  int64_t number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size() || number < min) {
    throw InvalidArgument(
        fmt::format("pipeline: {} must be an integer >= {}, got '{}'", name, min, value));
  }
  return number;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

}  // namespace

void PipelineSpec::Set(const std::string& name, const std::string& value) {
  if (name.rfind("model.", 0) == 0) {
    model_params[name.substr(6)] = value;
    return;
  }
  if (name == "scaler") {
    RequireOneOf(name, value, kScalers);
    scaler = value;
  } else if (name == "one_hot") {
    one_hot = value == "none" ? std::vector<std::string>{} : SplitList(value);
  } else if (name == "select_k") {
    select_k = static_cast<int>(ParseInt(name, value, 0));
  } else if (name == "resample") {
    RequireOneOf(name, value, kResamplers);
    resample = value;
  } else if (name == "smote_k") {
    smote_k = static_cast<int>(ParseInt(name, value, 1));
  } else if (name == "class_weight") {
    RequireOneOf(name, value, kClassWeights);
    class_weight = value;
  } else if (name == "model") {
    FindModel(value);  // throws for an unknown model, listing the known ones
    if (value != model) model_params.clear();
    model = value;
  } else if (name == "seed") {
    seed = static_cast<uint64_t>(ParseInt(name, value, 0));
  } else {
    throw InvalidArgument(
        fmt::format("pipeline: unknown parameter '{}'{}; the parameters are {} and model.NAME",
                    name, DidYouMean(name, kNames), QuoteList(kNames)));
  }
}

ParamMap PipelineSpec::ToParams() const {
  ParamMap params;
  params["scaler"] = scaler;
  params["one_hot"] = one_hot.empty() ? "none" : fmt::format("{}", fmt::join(one_hot, ","));
  params["select_k"] = std::to_string(select_k);
  params["resample"] = resample;
  params["smote_k"] = std::to_string(smote_k);
  params["class_weight"] = class_weight;
  params["model"] = model;
  params["seed"] = std::to_string(seed);
  for (const auto& [name, value] : CompleteModelParams(FindModel(model), model_params)) {
    params["model." + name] = value;
  }
  return params;
}

PipelineSpec PipelineSpec::FromParams(const ParamMap& params) {
  PipelineSpec spec;
  // The model first: changing it resets the model parameters.
  auto model = params.find("model");
  if (model != params.end()) spec.Set("model", model->second);
  for (const auto& [name, value] : params) {
    if (name != "model") spec.Set(name, value);
  }
  return spec;
}

std::string PipelineSpec::Describe() const {
  std::vector<std::string> steps;
  if (scaler != "none") steps.push_back(scaler + " scaler");
  if (!one_hot.empty()) steps.push_back(fmt::format("one-hot ({})", fmt::join(one_hot, ", ")));
  if (select_k > 0) steps.push_back(fmt::format("select {} best", select_k));
  if (resample == "smote" || resample == "smote_tomek") {
    steps.push_back(fmt::format("{} (k {})", resample, smote_k));
  } else if (resample != "none") {
    steps.push_back(resample);
  }
  std::vector<std::string> model_parts;
  for (const auto& [name, value] : CompleteModelParams(FindModel(model), model_params)) {
    model_parts.push_back(name + " " + value);
  }
  std::string model_text = fmt::format("{} ({})", model, fmt::join(model_parts, ", "));
  if (class_weight != "none") model_text += ", class weights " + class_weight;
  steps.push_back(model_text);
  return fmt::format("{}", fmt::join(steps, " -> "));
}

}  // namespace hitscope
