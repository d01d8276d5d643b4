// From a track table to X, the target, groups and years (include/hitscope/dataset.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include <hitscope/dataset.hpp>
#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "core/text.hpp"

namespace hitscope {

namespace {

const std::vector<std::string>& DefaultFeatures() {
  static const std::vector<std::string> features = {
      "danceability", "energy",           "key",      "loudness", "mode",  "speechiness",
      "acousticness", "instrumentalness", "liveness", "valence",  "tempo", "duration_ms"};
  return features;
}

std::string FirstPresent(const Table& table, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (table.HasColumn(name)) return name;
  }
  return "";
}

// Throws the table's own "unknown column" error (with its suggestion) for a given name.
void RequireColumn(const Table& table, const std::string& name, const char* role) {
  if (table.HasColumn(name)) return;
  throw InvalidInput(fmt::format("the {} column '{}' is not in the table{}; its columns are {}",
                                 role, name, DidYouMean(name, table.names()),
                                 QuoteList(table.names())));
}

// The year of a row, or nullopt: dates of any precision, integer years, or text dates.
std::optional<int32_t> YearAt(const Column& column, int64_t row) {
  if (column.IsNull(row)) return std::nullopt;
  switch (column.type()) {
    case DataType::kDate:
      return column.DateAt(row).year();
    case DataType::kInt64:
      return static_cast<int32_t>(column.ints()[row]);
    case DataType::kFloat64: {
      double value = column.floats()[row];
      if (!std::isfinite(value)) return std::nullopt;
      return static_cast<int32_t>(value);
    }
    case DataType::kString: {
      auto date = Date::Parse(column.StringAt(row));
      if (date) return date->year();
      return std::nullopt;
    }
    case DataType::kBool:
      return std::nullopt;
  }
  return std::nullopt;
}

// Group ids following the sorted distinct values; a null is a group of its own.
std::vector<int64_t> GroupIds(const Column& column, std::span<const int64_t> rows) {
  std::vector<std::string> keys(rows.size());
  std::vector<uint8_t> missing(rows.size(), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (column.IsNull(rows[i])) {
      missing[i] = 1;
    } else {
      keys[i] = column.ToString(rows[i]);
    }
  }
  std::vector<std::string> distinct;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!missing[i]) distinct.push_back(keys[i]);
  }
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<int64_t> ids(rows.size());
  int64_t next_lonely = static_cast<int64_t>(distinct.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ids[i] = missing[i]
                 ? next_lonely++
                 : std::lower_bound(distinct.begin(), distinct.end(), keys[i]) - distinct.begin();
  }
  return ids;
}

}  // namespace

ColumnRoles DetectColumnRoles(const Table& table, ColumnRoles given) {
  ColumnRoles roles = std::move(given);
  if (roles.target.empty()) {
    roles.target = FirstPresent(table, {"popularity", "track_popularity"});
    if (roles.target.empty()) {
      throw InvalidInput(fmt::format(
          "no popularity column found (looked for 'popularity' and 'track_popularity'); name it "
          "with --target-column. The table's columns are {}",
          QuoteList(table.names())));
    }
  }
  RequireColumn(table, roles.target, "target");
  if (roles.features.empty()) {
    for (const auto& name : DefaultFeatures()) {
      if (table.HasColumn(name)) roles.features.push_back(name);
    }
    if (roles.features.empty()) {
      throw InvalidInput(fmt::format(
          "none of the audio feature columns ({}) is in the table; name the features with "
          "--features. The table's columns are {}",
          QuoteList(DefaultFeatures()), QuoteList(table.names())));
    }
  }
  for (const auto& name : roles.features) RequireColumn(table, name, "feature");
  if (roles.artist.empty())
    roles.artist = FirstPresent(table, {"artist_id", "artist", "track_artist"});
  if (roles.isrc.empty()) roles.isrc = FirstPresent(table, {"isrc"});
  if (roles.date.empty()) {
    roles.date = FirstPresent(table, {"release_date", "track_album_release_date", "year"});
  }
  if (roles.id.empty()) roles.id = FirstPresent(table, {"track_id", "id"});
  for (auto [name, role] : {std::pair{&roles.artist, "artist"}, std::pair{&roles.isrc, "isrc"},
                            std::pair{&roles.date, "date"}, std::pair{&roles.id, "id"}}) {
    if (!name->empty()) RequireColumn(table, *name, role);
  }
  return roles;
}

Dataset BuildDataset(const Table& table, const DatasetOptions& options) {
  Dataset data;
  data.roles = DetectColumnRoles(table, options.roles);
  data.target = options.target;
  data.feature_names = data.roles.features;
  const Column& target = table.column(data.roles.target);
  if (!IsNumeric(target.type())) {
    throw InvalidInput(
        fmt::format("the target column '{}' is {}, not a number; choose the "
                    "popularity column with --target-column",
                    data.roles.target, DataTypeName(target.type())));
  }
  std::vector<const Column*> features;
  for (const auto& name : data.feature_names) {
    const Column& column = table.column(name);
    if (!IsNumeric(column.type())) {
      throw InvalidInput(fmt::format(
          "feature column '{}' is {}, not numeric; choose numeric features with --features", name,
          DataTypeName(column.type())));
    }
    features.push_back(&column);
  }
  const Column* date = data.roles.date.empty() ? nullptr : &table.column(data.roles.date);
  // Rows kept: every value finite (or an error naming the first bad one), a year if needed.
  const int64_t rows = table.num_rows();
  for (int64_t row = 0; row < rows; ++row) {
    bool usable = std::isfinite(target.NumericAt(row));
    const std::string* bad_column = usable ? nullptr : &data.roles.target;
    for (size_t f = 0; f < features.size() && usable; ++f) {
      if (!std::isfinite(features[f]->NumericAt(row))) {
        usable = false;
        bad_column = &data.feature_names[f];
      }
    }
    if (!usable) {
      if (!options.drop_missing) {
        throw InvalidInput(fmt::format(
            "column '{}' has a missing or non-finite value at row {}; drop or fill missing "
            "values first (the CLI drops such rows with --missing drop)",
            *bad_column, row + 1));
      }
      ++data.dropped_missing;
      continue;
    }
    if (options.need_years) {
      if (date == nullptr) {
        throw InvalidInput(
            "a time-ordered split needs release dates, but the table has no date "
            "column; name it with --date-column");
      }
      if (!YearAt(*date, row)) {
        ++data.dropped_no_year;
        continue;
      }
    }
    data.source_rows.push_back(row);
  }
  const int64_t kept = static_cast<int64_t>(data.source_rows.size());
  if (kept == 0) {
    throw InvalidInput(
        fmt::format("no usable rows: all {} rows lack a feature, the target or a "
                    "release year",
                    rows));
  }
  data.x = Matrix(kept, static_cast<int64_t>(features.size()));
  ParallelTasks(features.size(), [&](size_t f) {
    for (int64_t i = 0; i < kept; ++i) {
      data.x(i, static_cast<int64_t>(f)) = features[f]->NumericAt(data.source_rows[i]);
    }
  });
  data.popularity.resize(static_cast<size_t>(kept));
  for (int64_t i = 0; i < kept; ++i) data.popularity[i] = target.NumericAt(data.source_rows[i]);
  if (options.target == TargetKind::kClass) {
    data.classes = MakePopularityClasses(options.classes, options.class_names, data.popularity);
    data.y.resize(static_cast<size_t>(kept));
    for (int64_t i = 0; i < kept; ++i) data.y[i] = data.classes.ClassOf(data.popularity[i]);
  }
  if (!data.roles.artist.empty()) {
    data.artist_groups = GroupIds(table.column(data.roles.artist), data.source_rows);
  }
  if (!data.roles.isrc.empty()) {
    data.isrc_groups = GroupIds(table.column(data.roles.isrc), data.source_rows);
  }
  if (date != nullptr) {
    data.years.resize(static_cast<size_t>(kept));
    for (int64_t i = 0; i < kept; ++i) {
      data.years[i] = YearAt(*date, data.source_rows[i]).value_or(0);
    }
  }
  return data;
}

std::string Dataset::Summary() const {
  std::string out = fmt::format("{} rows, {} features ({})", rows(), feature_names.size(),
                                fmt::join(feature_names, ", "));
  if (target == TargetKind::kClass) {
    std::vector<int64_t> counts(static_cast<size_t>(classes.num_classes()), 0);
    for (int32_t label : y) ++counts[label];
    std::vector<std::string> parts;
    for (int c = 0; c < classes.num_classes(); ++c) {
      parts.push_back(
          fmt::format("{} {} ({:.1f} %)", classes.names[c], counts[c],
                      100.0 * static_cast<double>(counts[c]) / static_cast<double>(rows())));
    }
    out += fmt::format("; target: '{}' in classes {} [{}]", roles.target, classes.Describe(),
                       fmt::join(parts, ", "));
  } else {
    out += fmt::format("; target: '{}' (the raw score)", roles.target);
  }
  if (dropped_missing > 0) {
    out += fmt::format("; dropped {} rows with a missing feature or target", dropped_missing);
  }
  if (dropped_no_year > 0) {
    out += fmt::format("; dropped {} rows without a release year", dropped_no_year);
  }
  return out;
}

}  // namespace hitscope
