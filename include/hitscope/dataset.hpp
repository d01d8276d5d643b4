// hitscope/dataset.hpp: from a track table to what learners take: the feature matrix X, the
// target (popularity classes or the raw score), groups (artist, ISRC) and release years.
//
// Column roles are detected for the two layouts hitscope knows and can be set by name:
//   role      bundled spotify_songs.csv      integrated Beatport/Spotify table
//   target    track_popularity               popularity
//   artist    track_artist                   artist_id (else artist)
//   isrc      (none)                         isrc
//   date      track_album_release_date       release_date
//   id        track_id                       track_id
//   features  the twelve audio features present in both: danceability, energy, key, loudness,
//             mode, speechiness, acousticness, instrumentalness, liveness, valence, tempo,
//             duration_ms
//
// Popularity classes are part of the task definition, computed from the whole table's popularity
// column (never from features), and stored in model files. The default, "quantile:3", cuts at the
// lower tertiles of the popularity values into low / medium / high, a class holding every value
// <= its upper edge; popularity 0 is always "low". On the bundled data (popularity 0-100, mean
// 42) that gives about three equal classes; on Beatport-like data (mean 6, median 2, 38 % zeros)
// it gives low = 0, medium = 1..5, high > 5. "edges:30,60" fixes the edges instead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>
#include <hitscope/matrix.hpp>
#include <hitscope/table.hpp>

namespace hitscope {

// Column names by role; an empty name means "detect" (or "absent" after detection).
struct ColumnRoles {
  std::string target;
  std::vector<std::string> features;
  std::string artist;
  std::string isrc;
  std::string date;
  std::string id;
};

// Fills the empty roles from the table's columns (see above). Throws Error(kInvalidInput) naming
// the columns the table has when no popularity column or no feature is found, or when a given
// name is not a column ("unknown column 'tempo2' (did you mean 'tempo'?)").
ColumnRoles DetectColumnRoles(const Table& table, ColumnRoles given = {});

// Class i holds the popularity values <= upper_edges[i]; the last class holds the rest.
struct PopularityClasses {
  std::vector<double> upper_edges;  // ascending, one fewer than names
  std::vector<std::string> names;   // "low", "medium", "high"
  std::string spec;                 // how they were made: "quantile:3" or "edges:30,60"

  int32_t ClassOf(double popularity) const;
  int num_classes() const { return static_cast<int>(names.size()); }
  // "low <= 0 < medium <= 5 < high".
  std::string Describe() const;
};

// Builds classes from `spec` ("quantile:K" for K = 2..10, or "edges:E1,E2,..." ascending) and the
// popularity values. `names` may be empty: low/high, low/medium/high, else class_1..class_K.
// Throws Error(kInvalidArgument) for a malformed spec or a wrong number of names, and
// Error(kInvalidInput) when quantile edges coincide (too many equal values: give edges).
PopularityClasses MakePopularityClasses(const std::string& spec, std::vector<std::string> names,
                                        const std::vector<double>& popularity);

enum class TargetKind {
  kClass,       // popularity classes (classification)
  kPopularity,  // the raw popularity score (regression)
};

struct DatasetOptions {
  ColumnRoles roles;  // empty fields are detected
  TargetKind target = TargetKind::kClass;
  std::string classes = "quantile:3";
  std::vector<std::string> class_names;
  // Rows whose features or target are missing (or NaN / infinite): dropped and counted when true,
  // else an Error(kInvalidInput) naming the column and row.
  bool drop_missing = false;
  // Release years are required (time-ordered splits): rows without one are dropped and counted.
  bool need_years = false;
};

struct Dataset {
  ColumnRoles roles;
  std::vector<std::string> feature_names;
  Matrix x;  // rows x features
  TargetKind target = TargetKind::kClass;
  Labels y;                            // classes (kClass)
  std::vector<double> popularity;      // the raw score of every row (both kinds)
  PopularityClasses classes;           // kClass
  std::vector<int64_t> artist_groups;  // group id per row (empty without an artist column)
  std::vector<int64_t> isrc_groups;    // group id per row (empty without an ISRC column)
  std::vector<int32_t> years;          // release year per row (empty without a date column)
  std::vector<int64_t> source_rows;    // the table row of each dataset row
  int64_t dropped_missing = 0;         // rows dropped for a missing feature or target
  int64_t dropped_no_year = 0;         // rows dropped for a missing release year

  int64_t rows() const { return x.rows(); }
  // One paragraph: rows, features, target and classes with their counts, what was dropped.
  std::string Summary() const;
};

// Builds the dataset. Groups: equal artist / ISRC values share an id (ids follow the sorted
// values, as numpy's unique); a row without one is a group of its own. Years come from a date
// column (any precision) or an integer year column. Throws as DetectColumnRoles, and
// Error(kInvalidInput) for a non-numeric feature, a table with no usable rows, or a missing
// value when drop_missing is false.
Dataset BuildDataset(const Table& table, const DatasetOptions& options);

}  // namespace hitscope
