// Popularity classes from bin edges or quantiles.
#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/dataset.hpp>
#include <hitscope/error.hpp>

namespace hitscope {

namespace {

std::vector<std::string> DefaultNames(int classes) {
  if (classes == 2) return {"low", "high"};
  if (classes == 3) return {"low", "medium", "high"};
  std::vector<std::string> names;
  for (int c = 1; c <= classes; ++c) names.push_back(fmt::format("class_{}", c));
  return names;
}

double ParseNumber(const std::string& text, const std::string& spec) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    throw InvalidArgument(fmt::format(
        "popularity classes '{}': '{}' is not a number; write quantile:3 or edges:30,60", spec,
        text));
  }
  return value;
}

std::string Number(double value) {
  return fmt::format("{}", value);
}

}  // namespace

int32_t PopularityClasses::ClassOf(double popularity) const {
  auto it = std::lower_bound(upper_edges.begin(), upper_edges.end(), popularity);
  return static_cast<int32_t>(it - upper_edges.begin());
}

std::string PopularityClasses::Describe() const {
  std::string out = names.empty() ? "" : names[0];
  for (size_t i = 0; i < upper_edges.size(); ++i) {
    out += fmt::format(" <= {} < {}", Number(upper_edges[i]), names[i + 1]);
  }
  return out;
}

PopularityClasses MakePopularityClasses(const std::string& spec, std::vector<std::string> names,
                                        const std::vector<double>& popularity) {
  PopularityClasses classes;
  classes.spec = spec;
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "quantile") {
    double count = ParseNumber(rest, spec);
    if (count < 2 || count > 10 || count != std::floor(count)) {
      throw InvalidArgument(fmt::format(
          "popularity classes '{}': the number of quantile classes must be 2..10", spec));
    }
    if (popularity.empty()) {
      throw InvalidInput("popularity classes: no popularity values to cut into quantiles");
    }
    std::vector<double> sorted = popularity;
    std::sort(sorted.begin(), sorted.end());
    const int k = static_cast<int>(count);
    // numpy's quantile(method="lower"): the value at floor(q (n - 1)), an actual value.
    for (int i = 1; i < k; ++i) {
      double q = static_cast<double>(i) / k;
      size_t index = static_cast<size_t>(std::floor(q * static_cast<double>(sorted.size() - 1)));
      double edge = sorted[index];
      if (!classes.upper_edges.empty() && edge <= classes.upper_edges.back()) {
        throw InvalidInput(fmt::format(
            "popularity classes '{}': quantiles {} and {} are both {} (too many equal popularity "
            "values); give edges instead, e.g. --classes edges:{},{}",
            spec, i - 1, i, Number(edge), Number(edge), Number(edge + 10)));
      }
      classes.upper_edges.push_back(edge);
    }
  } else if (kind == "edges") {
    size_t start = 0;
    while (start <= rest.size()) {
      size_t comma = rest.find(',', start);
      if (comma == std::string::npos) comma = rest.size();
      classes.upper_edges.push_back(ParseNumber(rest.substr(start, comma - start), spec));
      start = comma + 1;
    }
    if (!std::is_sorted(classes.upper_edges.begin(), classes.upper_edges.end()) ||
        std::adjacent_find(classes.upper_edges.begin(), classes.upper_edges.end()) !=
            classes.upper_edges.end()) {
      throw InvalidArgument(
          fmt::format("popularity classes '{}': edges must be strictly ascending", spec));
    }
  } else {
    throw InvalidArgument(
        fmt::format("popularity classes '{}': write quantile:K (K classes of about equal size) or "
                    "edges:E1,E2,... (class i holds values <= Ei)",
                    spec));
  }
  const int num = static_cast<int>(classes.upper_edges.size()) + 1;
  if (names.empty()) names = DefaultNames(num);
  if (static_cast<int>(names.size()) != num) {
    throw InvalidArgument(
        fmt::format("popularity classes '{}' make {} classes but {} names were given", spec, num,
                    names.size()));
  }
  classes.names = std::move(names);
  return classes;
}

}  // namespace hitscope
