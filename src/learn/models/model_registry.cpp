// The model registry: families by name, with their parameters and factories.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/models.hpp>

#include "core/text.hpp"
#include "learn/models/builtin_models.hpp"

namespace hitscope {

namespace {

std::vector<ModelEntry>& Entries() {
  static std::vector<ModelEntry> entries;
  return entries;
}

// The built-in families, registered once on first use.
void EnsureBuiltins() {
  static std::once_flag once;
  std::call_once(once, [] { learn::RegisterBuiltinModels(); });
}

const std::string& Value(const ParamMap& params, const std::string& model,
                         const std::string& name) {
  auto it = params.find(name);
  if (it == params.end()) {
    throw InternalError(fmt::format("model {}: parameter '{}' has no value", model, name));
  }
  return it->second;
}

}  // namespace

void RegisterModel(ModelEntry entry) {
  auto& entries = Entries();
  for (const auto& existing : entries) {
    if (existing.name == entry.name) {
      throw InternalError(fmt::format("model '{}' is registered twice", entry.name));
    }
  }
  entries.push_back(std::move(entry));
}

const ModelEntry& FindModel(const std::string& name) {
  EnsureBuiltins();
  for (const auto& entry : Entries()) {
    if (entry.name == name) return entry;
  }
  std::vector<std::string> names = ModelNames();
  throw InvalidArgument(fmt::format("unknown model '{}'{}; the models are {}", name,
                                    DidYouMean(name, names), QuoteList(names)));
}

std::vector<std::string> ModelNames() {
  EnsureBuiltins();
  std::vector<std::string> names;
  for (const auto& entry : Entries()) names.push_back(entry.name);
  return names;
}

ParamMap CompleteModelParams(const ModelEntry& model, const ParamMap& params) {
  ParamMap out;
  for (const auto& param : model.params) out[param.name] = param.default_value;
  std::vector<std::string> known;
  for (const auto& param : model.params) known.push_back(param.name);
  for (const auto& [name, value] : params) {
    if (out.find(name) == out.end()) {
      throw InvalidArgument(fmt::format("model {} has no parameter '{}'{}; its parameters are {}",
                                        model.name, name, DidYouMean(name, known),
                                        QuoteList(known)));
    }
    out[name] = value;
  }
  return out;
}

int ParamInt(const ParamMap& params, const std::string& model, const std::string& name) {
  const std::string& text = Value(params, model, name);
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw InvalidArgument(
        fmt::format("model {}: {} must be an integer, got '{}'", model, name, text));
  }
  return value;
}

double ParamDouble(const ParamMap& params, const std::string& model, const std::string& name) {
  const std::string& text = Value(params, model, name);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    throw InvalidArgument(
        fmt::format("model {}: {} must be a number, got '{}'", model, name, text));
  }
  return value;
}

}  // namespace hitscope
