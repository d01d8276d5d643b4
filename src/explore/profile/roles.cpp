// Which column plays which part: detection by known names, checks of given names and types.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/profile.hpp>

#include "core/text.hpp"

namespace hitscope {
namespace {

// Known names per role, in order of preference: the bundled dataset's first, then the integrated
// Beatport table's, then common spellings.
const std::vector<std::string> kPopularityNames = {"track_popularity", "popularity"};
const std::vector<std::string> kDateNames = {"track_album_release_date", "release_date",
                                             "album_release_date"};
const std::vector<std::string> kArtistNames = {"track_artist", "artist", "artist_name"};
const std::vector<std::string> kIdNames = {"track_id", "id"};
const std::vector<std::string> kIsrcNames = {"isrc"};
const std::vector<std::string> kDurationNames = {"duration_ms"};
// Spotify's audio features (the study's list), in no particular order: a table keeps its own.
const std::set<std::string> kAudioFeatures = {
    "danceability",  "energy",           "key",      "loudness", "mode",  "speechiness",
    "acousticness",  "instrumentalness", "liveness", "valence",  "tempo", "duration_ms",
    "time_signature"};

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string FirstPresent(const std::vector<std::string>& names,
                         const std::vector<std::string>& candidates) {
  for (const auto& candidate : candidates) {
    if (Has(names, candidate)) return candidate;
  }
  return "";
}

void CheckPresent(const std::vector<std::string>& names, const std::string& name,
                  const char* role) {
  if (name.empty() || Has(names, name)) return;
  throw InvalidInput(fmt::format(
      "profile: the {} column '{}' is not in the table{}; columns are {}. Set roles.{} in the "
      "config (or --{}) to one of them",
      role, name, DidYouMean(name, names), QuoteList(names, 40), role, role));
}

void CheckAllPresent(const std::vector<std::string>& names, const ProfileRoles& roles) {
  CheckPresent(names, roles.popularity, "popularity");
  CheckPresent(names, roles.release_date, "release_date");
  CheckPresent(names, roles.artist, "artist");
  CheckPresent(names, roles.id, "id");
  CheckPresent(names, roles.isrc, "isrc");
  CheckPresent(names, roles.duration, "duration");
  CheckPresent(names, roles.weight, "weight");
  for (const auto& feature : roles.features) CheckPresent(names, feature, "features");
}

}  // namespace

Hemisphere ParseHemisphere(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "north" || lower == "northern") return Hemisphere::kNorth;
  if (lower == "south" || lower == "southern") return Hemisphere::kSouth;
  throw InvalidArgument(
      fmt::format("hemisphere must be 'north' or 'south', got '{}'", Printable(text)));
}

ProfileRoles DetectProfileRolesByName(const std::vector<std::string>& names,
                                      const ProfileRoles& given) {
  CheckAllPresent(names, given);
  ProfileRoles roles = given;
  auto fill = [&](std::string& role, const std::vector<std::string>& candidates) {
    if (role.empty()) role = FirstPresent(names, candidates);
  };
  fill(roles.popularity, kPopularityNames);
  fill(roles.release_date, kDateNames);
  fill(roles.artist, kArtistNames);
  fill(roles.id, kIdNames);
  fill(roles.isrc, kIsrcNames);
  fill(roles.duration, kDurationNames);
  if (roles.features.empty()) {
    for (const auto& name : names) {
      if (kAudioFeatures.count(name) > 0) roles.features.push_back(name);
    }
  }
  return roles;
}

std::vector<std::string> ProfileColumns(const std::vector<std::string>& names,
                                        const ProfileRoles& roles) {
  std::set<std::string> wanted(roles.features.begin(), roles.features.end());
  for (const auto* role : {&roles.popularity, &roles.release_date, &roles.artist, &roles.id,
                           &roles.isrc, &roles.duration, &roles.weight}) {
    if (!role->empty()) wanted.insert(*role);
  }
  std::vector<std::string> out;
  for (const auto& name : names) {
    if (wanted.count(name) > 0) out.push_back(name);
  }
  return out;
}

ProfileRoles DetectProfileRoles(const Table& table, const ProfileRoles& given) {
  ProfileRoles roles = DetectProfileRolesByName(table.names(), given);
  auto type_of = [&](const std::string& name) { return table.column(name).type(); };
  auto require_numeric = [&](const std::string& name, const char* role) {
    if (name.empty() || IsNumeric(type_of(name))) return;
    throw InvalidInput(
        fmt::format("profile: the {} column '{}' is {}, not numeric; give it a numeric type "
                    "(--type {}=float64) or choose another column",
                    role, name, DataTypeName(type_of(name)), name));
  };
  if (roles.popularity.empty()) {
    throw InvalidInput(fmt::format(
        "profile: no popularity column found (looked for {}); name it with --popularity COLUMN "
        "or roles.popularity in the config. Columns are {}",
        QuoteList(kPopularityNames), QuoteList(table.names(), 40)));
  }
  require_numeric(roles.popularity, "popularity");
  require_numeric(roles.duration, "duration");
  require_numeric(roles.weight, "weight");
  if (!roles.release_date.empty()) {
    DataType type = type_of(roles.release_date);
    if (type != DataType::kDate && type != DataType::kString) {
      throw InvalidInput(fmt::format(
          "profile: the release_date column '{}' is {}; it must hold dates (YYYY-MM-DD, "
          "YYYY-MM or YYYY); give it --type {}=date",
          roles.release_date, DataTypeName(type), roles.release_date));
    }
  }
  if (given.features.empty() && roles.features.empty()) {
    // No known audio feature: every numeric column that plays no other role.
    for (int c = 0; c < table.num_columns(); ++c) {
      const std::string& name = table.names()[c];
      if (!IsNumeric(table.column(c).type())) continue;
      if (name == roles.popularity || name == roles.weight) continue;
      roles.features.push_back(name);
    }
  }
  for (const auto& feature : roles.features) require_numeric(feature, "feature");
  // Popularity is the target, never a feature of itself.
  std::erase(roles.features, roles.popularity);
  return roles;
}

void ValidateProfileOptions(const ProfileOptions& options) {
  auto fail = [](const std::string& message) { throw InvalidArgument("profile: " + message); };
  if (options.class_edges.empty()) fail("classes.edges needs at least one edge, e.g. [30, 60]");
  for (size_t k = 0; k < options.class_edges.size(); ++k) {
    if (!std::isfinite(options.class_edges[k])) fail("classes.edges must be finite numbers");
    if (k > 0 && !(options.class_edges[k] > options.class_edges[k - 1])) {
      fail(fmt::format("classes.edges must increase, got {} after {}", options.class_edges[k],
                       options.class_edges[k - 1]));
    }
  }
  if (options.class_edges.front() <= 0) {
    fail(fmt::format(
        "the first class edge must be > 0 so that popularity 0 falls in the first class ('{}'); "
        "got {}",
        options.class_labels.empty() ? "low" : options.class_labels.front(),
        options.class_edges.front()));
  }
  if (options.class_labels.size() != options.class_edges.size() + 1) {
    fail(fmt::format("classes.labels needs {} names for {} edges, got {}",
                     options.class_edges.size() + 1, options.class_edges.size(),
                     options.class_labels.size()));
  }
  auto range = [&](int value, int lo, int hi, const char* name) {
    if (value < lo || value > hi)
      fail(fmt::format("{} must be in [{}, {}], got {}", name, lo, hi, value));
  };
  range(options.histogram_bins, 2, 1000, "charts.histogram_bins");
  range(options.scatter_x_bins, 2, 500, "charts.scatter_x_bins");
  range(options.scatter_y_bins, 2, 500, "charts.scatter_y_bins");
  range(options.top_artists, 1, 10000, "artists.top");
  range(options.min_artist_tracks, 1, 1000000000, "artists.min_tracks");
  range(options.max_outlier_points, 0, 100000, "charts.max_outlier_points");
  if (!(options.confidence > 0 && options.confidence < 1)) {
    fail(fmt::format("confidence must be in (0, 1), e.g. 0.95; got {}", options.confidence));
  }
}

}  // namespace hitscope
