// hitscope/profile.hpp: the exploration profile of a track table: what is in the catalogue and
// what moves popularity. Every number of `hitscope profile`'s report comes from Profile(); the
// HTML rendering is in profile_report.hpp, the JSON here.
//
// Columns play roles. The popularity, release date, artist, id, ISRC and duration columns and the
// audio features are found by name for the bundled dataset (data/spotify_songs.csv:
// track_popularity, track_album_release_date, track_artist, track_id) and for the integrated
// Beatport table (popularity, release_date, artist, track_id, isrc); any other CSV names them in
// ProfileRoles (or a profile.toml, see ParseProfileConfig). A section whose role is missing says
// so instead of failing.
//
// Computation: statistics are mergeable states (aggregate.hpp, stats.hpp) updated over fixed row
// blocks in parallel and merged in block order, so results never depend on the thread count.
// Quantiles, box plots and Spearman ranks are exact: they sort each numeric column once (the
// table is in memory). Memory beyond the table: one sorted copy per numeric column at a time per
// worker, 4 bytes per row per feature for Spearman ranks, and O(distinct keys) for duplicates
// and artists. Thread-safe: Profile() may run on several tables at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hitscope/describe.hpp>
#include <hitscope/stats.hpp>
#include <hitscope/table.hpp>

namespace hitscope {

// Which column plays which part. An empty name means "detect it" (DetectProfileRoles); a name
// that is given must exist.
struct ProfileRoles {
  std::string popularity;    // the score, e.g. track_popularity (0..100)
  std::string release_date;  // a date column (day, month or year precision)
  std::string artist;        // the (first) artist's name
  std::string id;            // a track id: duplicates are counted on it
  std::string isrc;          // the recording code: repeated recordings are counted on it
  std::string duration;      // track length in milliseconds (duration_ms)
  std::string weight;        // optional weight column for the weighted mean by year (see below)
  std::vector<std::string> features;  // numeric audio features; empty: detected
};

enum class Hemisphere { kNorth, kSouth };

// "north" / "south" (case-insensitive); throws Error(kInvalidArgument) otherwise.
Hemisphere ParseHemisphere(const std::string& text);

struct ProfileOptions {
  ProfileRoles roles;
  // Popularity classes: class i holds edges[i-1] <= popularity < edges[i]; the first class has no
  // lower bound (so popularity 0 is always in the first, "low") and the last no upper bound.
  // Default 30, 60: low < 30 <= medium < 60 <= high.
  std::vector<double> class_edges = {30, 60};
  std::vector<std::string> class_labels = {"low", "medium", "high"};  // edges.size() + 1 labels
  // Meteorological seasons: north winter = Dec-Feb, spring Mar-May, summer Jun-Aug, autumn
  // Sep-Nov; south shifted by six months.
  Hemisphere hemisphere = Hemisphere::kNorth;
  int histogram_bins = 40;       // per feature (integer features with a small range: one per value)
  int scatter_x_bins = 30;       // feature-vs-popularity bins along the feature
  int scatter_y_bins = 20;       // ... and along popularity
  int top_artists = 20;          // rows in each artist ranking
  int min_artist_tracks = 10;    // tracks an artist needs to enter the mean-popularity ranking
  double confidence = 0.95;      // level of every confidence interval
  int max_outlier_points = 200;  // outliers drawn per box plot (all are counted)
  std::string title;             // report title; empty: "Profile of <file>"
};

struct SourceFile {
  std::string path;
  int64_t bytes = 0;
};

// Fills the empty roles of `options.roles` from the column names (and, for features, types):
// the first present of a list of known names per role. Throws Error(kInvalidInput) when a given
// role names a missing column (with the closest name) or has the wrong type (popularity and
// features numeric, release date a date column).
ProfileRoles DetectProfileRoles(const Table& table, const ProfileRoles& given);
// The same detection from column names only, before reading: the columns a profile needs
// (every role, and the known audio features), so a reader can skip the rest. Features stay empty
// when none of the known names is present (then Profile takes every numeric column).
ProfileRoles DetectProfileRolesByName(const std::vector<std::string>& names,
                                      const ProfileRoles& given);
// The column names of `roles`, without repeats, in the order of `names`.
std::vector<std::string> ProfileColumns(const std::vector<std::string>& names,
                                        const ProfileRoles& roles);

// Reads a profile.toml into options (roles, classes, time, charts, artists; see docs/profile.md).
// Keys not listed there are an error, so a typo never passes silently. Throws Error(kIo) when the
// file cannot be read and Error(kInvalidInput) naming the file, line and key otherwise.
ProfileOptions ParseProfileConfig(const std::string& path, ProfileOptions base = {});
// The same from TOML text (`name` appears in messages).
ProfileOptions ParseProfileConfigText(const std::string& text, const std::string& name,
                                      ProfileOptions base = {});
// Checks option ranges; throws Error(kInvalidArgument) naming the option.
void ValidateProfileOptions(const ProfileOptions& options);

// ---- Results ----------------------------------------------------------------------------------

struct ColumnOverview {
  std::string name;
  DataType type = DataType::kString;
  int64_t missing = 0;
  double missing_share = 0;  // missing / rows
  std::string role;          // "popularity", "feature", ... or empty
};

// Repeated keys in one column (track id or ISRC). Null keys are not counted.
struct DuplicateSummary {
  std::string column;
  std::string role;
  int64_t keyed_rows = 0;      // rows with a key
  int64_t distinct = 0;        // distinct keys
  int64_t duplicate_rows = 0;  // rows whose key appeared in an earlier row (pandas duplicated())
  int64_t repeated_keys = 0;   // keys held by more than one row
  int64_t max_repeat = 0;      // rows of the most repeated key
};

struct ProfileOverview {
  int64_t rows = 0;
  int columns = 0;
  int64_t memory_bytes = 0;  // bytes of the loaded columns
  std::vector<SourceFile> sources;
  std::vector<ColumnOverview> column_overview;
  std::vector<DuplicateSummary> duplicates;
};

struct FeatureDistribution {
  std::string name;
  ColumnSummary summary;  // as describe()
  HistogramState histogram;
  bool discrete = false;  // integer values with a small range: one bin per value, no density
  std::vector<double> density_x;  // kernel density (Scott's bandwidth) at these points
  std::vector<double> density;    // per unit of x; NaN when the column is constant
  double bandwidth = 0;
  BoxPlotStats box;
  std::vector<double> outlier_sample;  // up to max_outlier_points outliers, evenly spread
};

// The 2-D histogram of a feature against popularity, and the mean popularity per feature bin.
struct FeatureVsPopularity {
  std::string feature;
  std::vector<double> x_edges;  // feature bins (the 0.1 % .. 99.9 % range; outside counts at ends)
  std::vector<double> y_edges;  // popularity bins
  std::vector<int64_t> counts;  // x bins x y bins, row-major by x bin
  std::vector<MeanInterval> mean_by_x;        // popularity per feature bin
  int64_t clipped_low = 0, clipped_high = 0;  // rows beyond the range, counted in the end bins
  int64_t pairs = 0;
};

struct CorrelationRank {
  std::string feature;
  double pearson = 0, spearman = 0;
  int64_t pairs = 0;
};

struct GroupMean {
  std::string label;  // "2019", "Mar", "summer", an artist
  int64_t count = 0;
  MeanInterval popularity;
};

struct YearRow {
  int year = 0;
  int64_t tracks = 0;
  MeanInterval popularity;           // plain mean
  MeanInterval weighted_popularity;  // see TimeProfile::weighting
  MeanInterval duration_minutes;
};

struct TimeProfile {
  bool available = false;
  std::string note;       // why a part is missing
  std::string weighting;  // what the weighted mean weighs, in words
  Hemisphere hemisphere = Hemisphere::kNorth;
  int64_t dated_rows = 0;      // rows with a release date and a popularity
  int64_t month_rows = 0;      // ... whose date has a month
  int64_t year_only_rows = 0;  // ... known only to the year (no month, no season)
  std::vector<YearRow> years;
  std::vector<GroupMean> months;   // Jan..Dec
  std::vector<GroupMean> seasons;  // winter, spring, summer, autumn
  bool seasons_tested = false;
  KruskalWallisResult seasons_test;
  bool months_tested = false;
  KruskalWallisResult months_test;
};

struct PopularityClass {
  std::string label;
  double lower = 0, upper = 0;  // [lower, upper); -inf / +inf at the ends
  int64_t count = 0;
  double share = 0;
};

struct ProfileResult {
  std::string title;
  ProfileRoles roles;  // as resolved
  ProfileOptions options;
  ProfileOverview overview;
  DescribeResult summary;                          // every loaded column, as describe()
  std::vector<FeatureDistribution> distributions;  // features, then popularity and duration
  CorrelationMatrix pearson, spearman;             // features + popularity
  std::vector<CorrelationRank> ranking;  // features by |Pearson r| with popularity, largest first
  std::vector<FeatureVsPopularity> scatter;
  TimeProfile time;
  std::vector<PopularityClass> classes;
  std::vector<GroupMean> artists_by_count;
  std::vector<GroupMean> artists_by_mean;  // among artists with >= min_artist_tracks tracks
  int64_t artists = 0;                     // distinct artists
  std::vector<std::string> notes;          // what could not be computed, and why
};

// Profiles `table`. `sources` are listed in the overview. Throws Error(kInvalidInput) when the
// table has no rows or roles cannot be resolved, Error(kInvalidArgument) for bad options.
ProfileResult Profile(const Table& table, const ProfileOptions& options = {},
                      const std::vector<SourceFile>& sources = {});

// The whole result as JSON (NaN and infinities as null), for other tools and the report's
// download.
std::string ProfileToJson(const ProfileResult& result);
// A few lines for the terminal: size, the strongest correlations, the season test.
std::string FormatProfileSummary(const ProfileResult& result);

}  // namespace hitscope
