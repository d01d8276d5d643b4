// EstimatorState's accessors and the default (unsaveable) SaveState / LoadState.
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/estimator.hpp>

namespace hitscope {

const std::vector<double>& EstimatorState::Numbers(const std::string& key) const {
  auto it = numbers.find(key);
  if (it == numbers.end()) {
    throw InvalidInput(fmt::format(
        "the saved estimator state has no '{}'; the model file is damaged or from another "
        "version of hitscope",
        key));
  }
  return it->second;
}

double EstimatorState::Number(const std::string& key) const {
  const std::vector<double>& values = Numbers(key);
  if (values.size() != 1) {
    throw InvalidInput(fmt::format(
        "the saved estimator state has {} values for '{}' where one was expected; the model "
        "file is damaged",
        values.size(), key));
  }
  return values[0];
}

const std::string& EstimatorState::Text(const std::string& key) const {
  auto it = texts.find(key);
  if (it == texts.end()) {
    throw InvalidInput(fmt::format(
        "the saved estimator state has no text '{}'; the model file is damaged or from another "
        "version of hitscope",
        key));
  }
  return it->second;
}

EstimatorState Estimator::SaveState() const {
  throw InvalidArgument(fmt::format("the estimator '{}' cannot be saved in a model file", Name()));
}

void Estimator::LoadState(const EstimatorState&) {
  throw InvalidArgument(
      fmt::format("the estimator '{}' cannot be loaded from a model file", Name()));
}

}  // namespace hitscope
