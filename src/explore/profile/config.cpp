// profile.toml: the roles and settings of a profile, read with toml++. Unknown keys are errors so
// that a misspelt setting is reported instead of silently ignored.
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/profile.hpp>

#include "core/text.hpp"

namespace hitscope {
namespace {

struct Reader {
  const std::string& name;

  [[noreturn]] void Fail(const toml::node& node, const std::string& key,
                         const std::string& message) const {
    const auto& where = node.source().begin;
    throw InvalidInput(
        fmt::format("{}:{}:{}: {}: {}", name, where.line, where.column, key, message));
  }

  void CheckKeys(const toml::table& table, const std::string& prefix,
                 const std::set<std::string>& allowed) const {
    for (const auto& [key, value] : table) {
      std::string text(key.str());
      if (allowed.count(text) == 0) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        Fail(
            value, prefix + text,
            fmt::format("unknown setting{}; known: {}", DidYouMean(text, names), QuoteList(names)));
      }
    }
  }

  void String(const toml::table& table, const char* key, const std::string& prefix,
              std::string* out) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    auto value = node->value<std::string>();
    if (!value) Fail(*node, prefix + key, "must be a string (a column name in quotes)");
    *out = *value;
  }

  void Int(const toml::table& table, const char* key, const std::string& prefix, int* out) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    auto value = node->value<int64_t>();
    if (!value || !node->is_integer()) Fail(*node, prefix + key, "must be an integer");
    *out = static_cast<int>(*value);
  }

  void Number(const toml::table& table, const char* key, const std::string& prefix,
              double* out) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    auto value = node->value<double>();
    if (!value) Fail(*node, prefix + key, "must be a number");
    *out = *value;
  }

  void Strings(const toml::table& table, const char* key, const std::string& prefix,
               std::vector<std::string>* out) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    if (!array) Fail(*node, prefix + key, "must be a list of strings, e.g. [\"a\", \"b\"]");
    out->clear();
    for (const auto& element : *array) {
      auto value = element.value<std::string>();
      if (!value) Fail(element, prefix + key, "must be a list of strings");
      out->push_back(*value);
    }
  }

  void Numbers(const toml::table& table, const char* key, const std::string& prefix,
               std::vector<double>* out) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    if (!array) Fail(*node, prefix + key, "must be a list of numbers, e.g. [30, 60]");
    out->clear();
    for (const auto& element : *array) {
      auto value = element.value<double>();
      if (!value) Fail(element, prefix + key, "must be a list of numbers");
      out->push_back(*value);
    }
  }

  const toml::table* Section(const toml::table& root, const char* key) const {
    const toml::node* node = root.get(key);
    if (!node) return nullptr;
    const toml::table* table = node->as_table();
    if (!table) Fail(*node, key, "must be a table ([" + std::string(key) + "])");
    return table;
  }
};

}  // namespace

ProfileOptions ParseProfileConfigText(const std::string& text, const std::string& name,
                                      ProfileOptions base) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw InvalidInput(fmt::format("{}:{}:{}: not valid TOML: {}", name, where.line, where.column,
                                   e.description()));
  }
  Reader reader{name};
  reader.CheckKeys(root, "",
                   {"title", "confidence", "roles", "classes", "time", "charts", "artists"});
  ProfileOptions options = std::move(base);
  reader.String(root, "title", "", &options.title);
  reader.Number(root, "confidence", "", &options.confidence);
  if (const auto* roles = reader.Section(root, "roles")) {
    reader.CheckKeys(
        *roles, "roles.",
        {"popularity", "release_date", "artist", "id", "isrc", "duration", "weight", "features"});
    reader.String(*roles, "popularity", "roles.", &options.roles.popularity);
    reader.String(*roles, "release_date", "roles.", &options.roles.release_date);
    reader.String(*roles, "artist", "roles.", &options.roles.artist);
    reader.String(*roles, "id", "roles.", &options.roles.id);
    reader.String(*roles, "isrc", "roles.", &options.roles.isrc);
    reader.String(*roles, "duration", "roles.", &options.roles.duration);
    reader.String(*roles, "weight", "roles.", &options.roles.weight);
    reader.Strings(*roles, "features", "roles.", &options.roles.features);
  }
  if (const auto* classes = reader.Section(root, "classes")) {
    reader.CheckKeys(*classes, "classes.", {"edges", "labels"});
    reader.Numbers(*classes, "edges", "classes.", &options.class_edges);
    reader.Strings(*classes, "labels", "classes.", &options.class_labels);
  }
  if (const auto* time = reader.Section(root, "time")) {
    reader.CheckKeys(*time, "time.", {"hemisphere"});
    std::string hemisphere;
    reader.String(*time, "hemisphere", "time.", &hemisphere);
    if (!hemisphere.empty()) {
      try {
        options.hemisphere = ParseHemisphere(hemisphere);
      } catch (const Error& e) {
        reader.Fail(*time->get("hemisphere"), "time.hemisphere", e.what());
      }
    }
  }
  if (const auto* charts = reader.Section(root, "charts")) {
    reader.CheckKeys(*charts, "charts.",
                     {"histogram_bins", "scatter_x_bins", "scatter_y_bins", "max_outlier_points"});
    reader.Int(*charts, "histogram_bins", "charts.", &options.histogram_bins);
    reader.Int(*charts, "scatter_x_bins", "charts.", &options.scatter_x_bins);
    reader.Int(*charts, "scatter_y_bins", "charts.", &options.scatter_y_bins);
    reader.Int(*charts, "max_outlier_points", "charts.", &options.max_outlier_points);
  }
  if (const auto* artists = reader.Section(root, "artists")) {
    reader.CheckKeys(*artists, "artists.", {"top", "min_tracks"});
    reader.Int(*artists, "top", "artists.", &options.top_artists);
    reader.Int(*artists, "min_tracks", "artists.", &options.min_artist_tracks);
  }
  try {
    ValidateProfileOptions(options);
  } catch (const Error& e) {
    throw InvalidInput(fmt::format("{}: {}", name, e.what()));
  }
  return options;
}

ProfileOptions ParseProfileConfig(const std::string& path, ProfileOptions base) {
  return ParseProfileConfigText(ReadFileToString(path), path, std::move(base));
}

}  // namespace hitscope
