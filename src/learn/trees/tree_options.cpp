// Names, parsing and resolution of the tree options (include/hitscope/trees.hpp).
#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <hitscope/error.hpp>
#include <hitscope/trees.hpp>

namespace hitscope {

namespace {

bool ParseNumber(const std::string& text, double* value) {
  if (text.empty()) return false;
  std::istringstream in(text);
  in >> *value;
  return !in.fail() && in.eof() && std::isfinite(*value);
}

}  // namespace

MaxFeatures MaxFeatures::Parse(const std::string& text) {
  if (text == "all" || text == "none" || text == "None") return All();
  if (text == "sqrt") return Sqrt();
  if (text == "log2") return Log2();
  double value = 0;
  if (ParseNumber(text, &value)) {
    bool integral = text.find_first_of(".eE") == std::string::npos;
    if (integral && value >= 1) return Count(static_cast<int>(value));
    if (!integral && value > 0 && value <= 1) return Fraction(value);
  }
  throw InvalidArgument(fmt::format(
      "max_features '{}' is not understood; use all, sqrt, log2, a count such as 4, or a "
      "fraction in (0, 1] such as 0.5",
      text));
}

std::string MaxFeatures::ToString() const {
  switch (kind) {
    case Kind::kAll:
      return "all";
    case Kind::kSqrt:
      return "sqrt";
    case Kind::kLog2:
      return "log2";
    case Kind::kCount:
      return fmt::format("{}", static_cast<int64_t>(value));
    case Kind::kFraction:
      return fmt::format("{}", value);
  }
  return "all";
}

int MaxFeatures::Resolve(int64_t n_features) const {
  int64_t count = n_features;
  switch (kind) {
    case Kind::kAll:
      break;
    case Kind::kSqrt:
      count =
          std::max<int64_t>(1, static_cast<int64_t>(std::sqrt(static_cast<double>(n_features))));
      break;
    case Kind::kLog2:
      count =
          std::max<int64_t>(1, static_cast<int64_t>(std::log2(static_cast<double>(n_features))));
      break;
    case Kind::kCount:
      count = static_cast<int64_t>(value);
      if (count < 1 || count > n_features) {
        throw InvalidArgument(fmt::format(
            "max_features {} is outside 1..{} (the number of features)", count, n_features));
      }
      break;
    case Kind::kFraction:
      if (!(value > 0 && value <= 1)) {
        throw InvalidArgument(fmt::format("max_features {} is not a fraction in (0, 1]", value));
      }
      count = std::max<int64_t>(1, static_cast<int64_t>(value * static_cast<double>(n_features)));
      break;
  }
  return static_cast<int>(count);
}

ClassWeight ClassWeight::Parse(const std::string& text) {
  ClassWeight out;
  if (text == "none" || text.empty()) return out;
  if (text == "balanced") {
    out.mode = Mode::kBalanced;
    return out;
  }
  if (text == "balanced_subsample") {
    out.mode = Mode::kBalancedSubsample;
    return out;
  }
  out.mode = Mode::kGiven;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    double value = 0;
    if (!ParseNumber(part, &value) || value < 0) {
      throw InvalidArgument(fmt::format(
          "class_weight '{}' is not understood; use none, balanced, balanced_subsample, or one "
          "weight >= 0 per class such as 1,2.5,4",
          text));
    }
    out.weights.push_back(value);
  }
  return out;
}

std::string ClassWeight::ToString() const {
  switch (mode) {
    case Mode::kNone:
      return "none";
    case Mode::kBalanced:
      return "balanced";
    case Mode::kBalancedSubsample:
      return "balanced_subsample";
    case Mode::kGiven:
      return fmt::format("{}", fmt::join(weights, ","));
  }
  return "none";
}

std::string ToString(TreeCriterion criterion) {
  switch (criterion) {
    case TreeCriterion::kAuto:
      return "auto";
    case TreeCriterion::kGini:
      return "gini";
    case TreeCriterion::kEntropy:
      return "entropy";
    case TreeCriterion::kSquaredError:
      return "squared_error";
  }
  return "auto";
}

std::string ToString(TreeSplitter splitter) {
  switch (splitter) {
    case TreeSplitter::kExact:
      return "exact";
    case TreeSplitter::kHistogram:
      return "histogram";
    case TreeSplitter::kSklearn:
      return "sklearn";
  }
  return "exact";
}

TreeCriterion ParseTreeCriterion(const std::string& text) {
  if (text == "auto") return TreeCriterion::kAuto;
  if (text == "gini") return TreeCriterion::kGini;
  if (text == "entropy" || text == "log_loss") return TreeCriterion::kEntropy;
  if (text == "squared_error") return TreeCriterion::kSquaredError;
  throw InvalidArgument(fmt::format(
      "criterion '{}' is not understood; use gini, entropy (classifiers) or squared_error "
      "(regression)",
      text));
}

TreeSplitter ParseTreeSplitter(const std::string& text) {
  if (text == "exact" || text == "best") return TreeSplitter::kExact;
  if (text == "histogram" || text == "hist") return TreeSplitter::kHistogram;
  if (text == "sklearn") return TreeSplitter::kSklearn;
  throw InvalidArgument(
      fmt::format("splitter '{}' is not understood; use exact, histogram or sklearn", text));
}

}  // namespace hitscope
