// Protocols: parsing, description, and the splits they make of a dataset.
#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/evaluation.hpp>

namespace hitscope {

namespace {

constexpr const char* kForms =
    "holdout[:0.2], stratified[:5], repeated[:5x3], group:artist[:5], group:isrc[:5], time[:K]";

[[noreturn]] void Malformed(const std::string& text, const std::string& why) {
  throw InvalidArgument(fmt::format("protocol '{}': {}; the forms are {}", text, why, kForms));
}

int ParseCount(const std::string& text, const std::string& part, int min) {
  int value = 0;
  auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
  if (error != std::errc() || end != part.data() + part.size() || value < min) {
    Malformed(text, fmt::format("'{}' is not an integer >= {}", part, min));
  }
  return value;
}

std::vector<std::string> Parts(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return parts;
}

}  // namespace

Protocol Protocol::Parse(const std::string& text, uint64_t seed) {
  Protocol protocol;
  protocol.seed = seed;
  std::vector<std::string> parts = Parts(text);
  const std::string& kind = parts[0];
  if (kind == "holdout") {
    protocol.kind = ProtocolKind::kHoldout;
    protocol.folds = 1;
    if (parts.size() > 2) Malformed(text, "too many parts");
    if (parts.size() == 2) {
      double fraction = 0;
      auto [end, error] =
          std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), fraction);
      if (error != std::errc() || end != parts[1].data() + parts[1].size() ||
          !(fraction > 0 && fraction < 1)) {
        Malformed(text, "the test fraction must be a number between 0 and 1");
      }
      protocol.test_fraction = fraction;
    }
  } else if (kind == "stratified") {
    protocol.kind = ProtocolKind::kStratifiedKFold;
    if (parts.size() > 2) Malformed(text, "too many parts");
    if (parts.size() == 2) protocol.folds = ParseCount(text, parts[1], 2);
  } else if (kind == "repeated") {
    protocol.kind = ProtocolKind::kRepeatedKFold;
    protocol.repeats = 3;
    if (parts.size() > 2) Malformed(text, "too many parts");
    if (parts.size() == 2) {
      size_t x = parts[1].find('x');
      if (x == std::string::npos) Malformed(text, "write repeated:FOLDSxREPEATS, e.g. 5x3");
      protocol.folds = ParseCount(text, parts[1].substr(0, x), 2);
      protocol.repeats = ParseCount(text, parts[1].substr(x + 1), 1);
    }
  } else if (kind == "group") {
    protocol.kind = ProtocolKind::kGroupKFold;
    if (parts.size() < 2 || parts.size() > 3) Malformed(text, "write group:artist or group:isrc");
    if (parts[1] != "artist" && parts[1] != "isrc") {
      Malformed(text, fmt::format("unknown group '{}' (artist or isrc)", parts[1]));
    }
    protocol.group = parts[1];
    if (parts.size() == 3) protocol.folds = ParseCount(text, parts[2], 2);
  } else if (kind == "time") {
    protocol.kind = ProtocolKind::kTimeOrdered;
    protocol.folds = 1;
    if (parts.size() > 2) Malformed(text, "too many parts");
    if (parts.size() == 2) protocol.folds = ParseCount(text, parts[1], 1);
  } else {
    Malformed(text, fmt::format("unknown protocol '{}'", kind));
  }
  return protocol;
}

std::string Protocol::Describe() const {
  switch (kind) {
    case ProtocolKind::kHoldout:
      return fmt::format("stratified train/test split ({:g} % test)", 100 * test_fraction);
    case ProtocolKind::kStratifiedKFold:
      return fmt::format("stratified {}-fold cross-validation", folds);
    case ProtocolKind::kRepeatedKFold:
      return fmt::format("repeated stratified {}-fold cross-validation ({} repeats)", folds,
                         repeats);
    case ProtocolKind::kGroupKFold:
      return fmt::format("group {}-fold cross-validation by {} (never on both sides)", folds,
                         group);
    case ProtocolKind::kTimeOrdered:
      return folds == 1 ? fmt::format(
                              "time-ordered split (train on earlier release years, test "
                              "on the latest ~{:g} %)",
                              100 * test_fraction)
                        : fmt::format(
                              "time-ordered expanding windows ({} splits, train on earlier "
                              "release years)",
                              folds);
  }
  return "";
}

std::string Protocol::ToString() const {
  switch (kind) {
    case ProtocolKind::kHoldout:
      return fmt::format("holdout:{:g}", test_fraction);
    case ProtocolKind::kStratifiedKFold:
      return fmt::format("stratified:{}", folds);
    case ProtocolKind::kRepeatedKFold:
      return fmt::format("repeated:{}x{}", folds, repeats);
    case ProtocolKind::kGroupKFold:
      return fmt::format("group:{}:{}", group, folds);
    case ProtocolKind::kTimeOrdered:
      return fmt::format("time:{}", folds);
  }
  return "";
}

namespace {

// What stratified protocols stratify on: the classes, or for the popularity score its quintile
// (equal values share a stratum, so a heavy tie such as 38 % zeros merges strata).
std::vector<int32_t> Strata(const Dataset& data) {
  if (data.target == TargetKind::kClass) return data.y;
  std::vector<double> sorted = data.popularity;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;
  for (int q = 1; q < 5; ++q) {
    double edge = sorted[static_cast<size_t>(q * (sorted.size() - 1) / 5)];
    if (edges.empty() || edge > edges.back()) edges.push_back(edge);
  }
  std::vector<int32_t> strata(data.popularity.size());
  for (size_t i = 0; i < strata.size(); ++i) {
    strata[i] = static_cast<int32_t>(
        std::lower_bound(edges.begin(), edges.end(), data.popularity[i]) - edges.begin());
  }
  return strata;
}

}  // namespace

std::vector<Split> MakeSplits(const Dataset& data, const Protocol& protocol) {
  switch (protocol.kind) {
    case ProtocolKind::kHoldout:
      return {StratifiedTrainTestSplit(Strata(data), protocol.test_fraction, protocol.seed)};
    case ProtocolKind::kStratifiedKFold:
      return StratifiedKFold(Strata(data), protocol.folds);
    case ProtocolKind::kRepeatedKFold:
      return RepeatedStratifiedKFold(Strata(data), protocol.folds, protocol.repeats, protocol.seed);
    case ProtocolKind::kGroupKFold: {
      const auto& groups = protocol.group == "isrc" ? data.isrc_groups : data.artist_groups;
      if (groups.empty()) {
        throw InvalidInput(fmt::format(
            "group k-fold by {} needs an {} column, but the table has none; name it with "
            "--{}-column",
            protocol.group, protocol.group, protocol.group));
      }
      return GroupKFold(groups, protocol.folds);
    }
    case ProtocolKind::kTimeOrdered:
      if (data.years.empty()) {
        throw InvalidInput(
            "a time-ordered split needs release dates, but the table has no date "
            "column; name it with --date-column");
      }
      return TimeOrderedSplit(data.years, protocol.folds, protocol.test_fraction);
  }
  return {};
}

Dataset SubsetDataset(const Dataset& data, std::span<const int64_t> rows) {
  Dataset out;
  out.roles = data.roles;
  out.feature_names = data.feature_names;
  out.target = data.target;
  out.classes = data.classes;
  out.x = data.x.TakeRows(rows);
  auto take = [&](const auto& values, auto* to) {
    if (values.empty()) return;
    to->resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) (*to)[i] = values[rows[i]];
  };
  take(data.y, &out.y);
  take(data.popularity, &out.popularity);
  take(data.artist_groups, &out.artist_groups);
  take(data.isrc_groups, &out.isrc_groups);
  take(data.years, &out.years);
  take(data.source_rows, &out.source_rows);
  return out;
}

}  // namespace hitscope
