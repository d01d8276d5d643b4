#include <chrono>
#include <filesystem>
#include <functional>

#include <fmt/format.h>

#include <hitscope/compute.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/integrate.hpp>

#include "core/trace.hpp"

namespace hitscope {
namespace {

using Types = std::map<std::string, DataType>;

constexpr const char* kFeatureColumns[] = {
    "acousticness", "danceability", "energy", "instrumentalness", "key",    "liveness", "loudness",
    "mode",         "speechiness",  "tempo",  "time_signature",   "valence"};

bool IsIntFeature(std::string_view name) {
  return name == "key" || name == "mode" || name == "time_signature";
}

class Integrator {
 public:
  Integrator(std::string dir, const IntegrateOptions& options, IntegrateReport* report)
      : dir_(std::move(dir)), options_(options), report_(*report) {}

  Table Run();

 private:
  std::string Path(const char* file) const { return (std::filesystem::path(dir_) / file).string(); }

  // Streams `file`, keeping the named columns and, of each batch, the rows `filter` keeps.
  Table Stream(const char* file, const std::vector<std::string>& columns, const Types& types,
               const std::function<Table(const Table&)>& filter, int64_t* rows_read) {
    TraceScope trace(fmt::format("integrate: read {}", file));
    CsvReadOptions read;
    read.columns = columns;
    read.types = types;
    read.allow_empty = true;
    read.bad_rows = options_.bad_rows;
    read.reject_path =
        options_.reject_dir.empty()
            ? std::string()
            : (std::filesystem::path(options_.reject_dir) / (std::string(file) + ".rejected.csv"))
                  .string();
    if (options_.show_progress) read.progress_label = fmt::format("reading {}", file);
    CsvReader reader(Path(file), read);
    std::vector<Table> kept;
    int64_t rows = 0;
    while (auto batch = reader.ReadBatch()) {
      rows += batch->num_rows();
      kept.push_back(filter ? filter(*batch) : *batch);
    }
    report_.bytes_read += reader.report().bytes;
    report_.bad_rows += reader.report().bad_rows;
    if (rows_read) *rows_read = rows;
    if (kept.empty()) {
      std::vector<Column> empty;
      for (const auto& column : columns) {
        auto typed = types.find(column);
        empty.push_back(
            ColumnBuilder(typed == types.end() ? DataType::kString : typed->second).Finish());
      }
      return Table(columns, std::move(empty));
    }
    return Table::Concat(kept);
  }

  void Step(std::string name, int64_t in, int64_t kept, std::string why) {
    report_.steps.push_back({std::move(name), in, kept, std::move(why)});
  }

  Table ReadFeatures(const std::function<Table(const Table&)>& filter);
  Table AttachArtists(const Table& tracks);

  std::string dir_;
  IntegrateOptions options_;
  IntegrateReport& report_;
};

const std::vector<std::string> kTrackColumns = {"track_id", "track_title",  "duration_ms",
                                                "isrc",     "track_number", "release_id",
                                                "explicit", "disc_number"};
const Types kTrackTypes = {{"track_id", DataType::kString},    {"track_title", DataType::kString},
                           {"duration_ms", DataType::kInt64},  {"isrc", DataType::kString},
                           {"track_number", DataType::kInt64}, {"release_id", DataType::kString},
                           {"explicit", DataType::kBool},      {"disc_number", DataType::kInt64}};

Table Integrator::ReadFeatures(const std::function<Table(const Table&)>& filter) {
  std::vector<std::string> columns = {"isrc"};
  Types types = {{"isrc", DataType::kString}};
  for (const char* feature : kFeatureColumns) {
    columns.push_back(feature);
    types[feature] = IsIntFeature(feature) ? DataType::kInt64 : DataType::kFloat64;
  }
  int64_t read = 0;
  Table features = Stream("audio_features.csv", columns, types, filter, &read);
  std::vector<std::string> key = {"isrc"};
  int64_t dropped = 0;
  features = DropDuplicates(features, key, &dropped);
  report_.duplicate_feature_rows = dropped;
  return features;
}

Table Integrator::AttachArtists(const Table& tracks) {
  bool by_track = options_.artists == ArtistSource::kTrack;
  const char* file = by_track ? "sp_artist_track.csv" : "sp_artist_release.csv";
  std::string key = by_track ? "track_id" : "release_id";
  report_.artist_rule = fmt::format(
      "artists from {} by {}: 'artist' is the first listed, 'artists' all of them joined by '; '",
      file, key);
  KeySet needed(tracks, {key});
  std::vector<std::string> keys = {key};
  TraceScope trace("integrate: artists");
  Table links = Stream(
      file, {key, "artist_id"}, {{key, DataType::kString}, {"artist_id", DataType::kString}},
      [&](const Table& batch) { return needed.Keep(batch, keys); }, nullptr);
  KeySet artist_ids(links, {"artist_id"});
  std::vector<std::string> artist_key = {"artist_id"};
  Table artists = Stream(
      "sp_artist.csv", {"artist_id", "artist_name"},
      {{"artist_id", DataType::kString}, {"artist_name", DataType::kString}},
      [&](const Table& batch) { return artist_ids.Keep(batch, artist_key); }, nullptr);
  artists = DropDuplicates(artists, artist_key);
  JoinOptions by_artist;
  by_artist.kind = JoinKind::kLeft;
  by_artist.left_keys = {"artist_id"};
  Table named = HashJoin(links, artists, by_artist);

  // One output row per track: fold the consecutive links of each track.
  std::vector<std::optional<int64_t>> row_numbers;
  for (int64_t row = 0; row < tracks.num_rows(); ++row) row_numbers.push_back(row);
  Table numbered = tracks.Select(keys).SetColumn("__row", MakeInt64Column(row_numbers));
  JoinOptions by_key;
  by_key.kind = JoinKind::kLeft;
  by_key.left_keys = keys;
  Table joined = HashJoin(numbered, named, by_key);
  const Column& row_of = joined.column("__row");
  const Column& ids = joined.column("artist_id");
  const Column& names = joined.column("artist_name");
  ColumnBuilder first_id(DataType::kString), first_name(DataType::kString),
      all_names(DataType::kString), count(DataType::kInt64);
  int64_t without = 0;
  int64_t position = 0;
  for (int64_t row = 0; row < tracks.num_rows(); ++row) {
    std::string joined_names;
    int64_t n = 0;
    int64_t first = -1;
    for (; position < joined.num_rows() && row_of.ints()[position] == row; ++position) {
      if (ids.IsNull(position)) continue;
      if (first < 0) first = position;
      if (n > 0) joined_names += "; ";
      joined_names += names.IsNull(position) ? std::string(ids.StringAt(position))
                                             : std::string(names.StringAt(position));
      ++n;
    }
    if (first < 0) {
      ++without;
      first_id.AppendNull();
      first_name.AppendNull();
      all_names.AppendNull();
    } else {
      first_id.AppendString(ids.StringAt(first));
      if (names.IsNull(first)) {
        first_name.AppendNull();
      } else {
        first_name.AppendString(names.StringAt(first));
      }
      all_names.AppendString(joined_names);
    }
    count.AppendInt(n);
  }
  Step(fmt::format("tracks with an artist ({})", file), tracks.num_rows(),
       tracks.num_rows() - without, "kept without an artist (artist columns empty)");
  report_.steps.back().rows_kept = tracks.num_rows();
  return tracks.SetColumn("artist_id", first_id.Finish())
      .SetColumn("artist", first_name.Finish())
      .SetColumn("artists", all_names.Finish())
      .SetColumn("artist_count", count.Finish());
}

Table Integrator::Run() {
  for (const char* file : {"sp_track.csv", "sp_release.csv", "sp_artist.csv",
                           "sp_artist_release.csv", "sp_artist_track.csv", "audio_features.csv"}) {
    if (!std::filesystem::exists(Path(file))) {
      throw IoError(fmt::format(
          "'{}' has no {}: expected the five-file Beatport/Spotify layout (sp_track.csv, "
          "sp_release.csv, sp_artist.csv, sp_artist_release.csv, sp_artist_track.csv, "
          "audio_features.csv); `hitscope generate` writes a synthetic one",
          dir_, file));
    }
  }
  bool popularity_file = std::filesystem::exists(Path("sp_track_popularity.csv"));
  bool track_popularity = options_.popularity == PopularitySource::kTrack ||
                          (options_.popularity == PopularitySource::kAuto && popularity_file);
  if (track_popularity && !popularity_file) {
    throw IoError(
        fmt::format("'{}' has no sp_track_popularity.csv (track_id, popularity), which "
                    "--popularity track needs",
                    dir_));
  }
  std::vector<std::string> track_key = {"track_id"}, isrc_key = {"isrc"},
                           release_key = {"release_id"};
  Table tracks, features;
  int64_t tracks_read = 0;
  if (track_popularity) {
    report_.popularity_source = "track (sp_track_popularity.csv, fetched per track)";
    int64_t read = 0;
    Table popularity =
        Stream("sp_track_popularity.csv", {"track_id", "popularity"},
               {{"track_id", DataType::kString}, {"popularity", DataType::kInt64}}, nullptr, &read);
    popularity = DropDuplicates(popularity, track_key);
    KeySet fetched(popularity, track_key);
    tracks = Stream(
        "sp_track.csv", kTrackColumns, kTrackTypes,
        [&](const Table& batch) { return fetched.Keep(batch, track_key); }, &tracks_read);
    Step("tracks with a fetched popularity (track_id)", tracks_read, tracks.num_rows(),
         "no row in sp_track_popularity.csv");
    JoinOptions join;
    join.left_keys = track_key;
    tracks = HashJoin(tracks, popularity, join);
    int64_t before = tracks.num_rows();
    tracks = tracks.Filter([&] {
      std::vector<uint8_t> keep(static_cast<size_t>(tracks.num_rows()));
      const Column& isrc = tracks.column("isrc");
      for (int64_t row = 0; row < tracks.num_rows(); ++row) keep[row] = !isrc.IsNull(row);
      return keep;
    }());
    Step("tracks with an ISRC", before, tracks.num_rows(), "empty isrc");
    KeySet needed(tracks, isrc_key);
    features = ReadFeatures([&](const Table& batch) { return needed.Keep(batch, isrc_key); });
  } else {
    report_.popularity_source =
        "release (sp_release.csv popularity; no track-level popularity was given)";
    features = ReadFeatures(nullptr);
    KeySet known(features, isrc_key);
    tracks = Stream(
        "sp_track.csv", kTrackColumns, kTrackTypes,
        [&](const Table& batch) { return known.Keep(batch, isrc_key); }, &tracks_read);
  }
  int64_t before = tracks.num_rows();
  JoinOptions by_isrc;
  by_isrc.left_keys = isrc_key;
  tracks = HashJoin(tracks, features, by_isrc);
  Step("tracks with audio features (isrc)", track_popularity ? before : tracks_read,
       tracks.num_rows(), "ISRC missing or not in audio_features.csv");

  KeySet releases_needed(tracks, release_key);
  Table releases = Stream(
      "sp_release.csv",
      {"release_id", "release_title", "release_date", "popularity", "album_type", "label_name"},
      {{"release_id", DataType::kString},
       {"release_title", DataType::kString},
       {"release_date", DataType::kDate},
       {"popularity", DataType::kInt64},
       {"album_type", DataType::kString},
       {"label_name", DataType::kString}},
      [&](const Table& batch) { return releases_needed.Keep(batch, release_key); }, nullptr);
  releases = DropDuplicates(releases, release_key).RenameColumn("popularity", "release_popularity");
  before = tracks.num_rows();
  JoinOptions by_release;
  by_release.left_keys = release_key;
  tracks = HashJoin(tracks, releases, by_release);
  Step("tracks with a release (release_id)", before, tracks.num_rows(),
       "release_id not in sp_release.csv");
  if (!track_popularity) {
    const Column& release_popularity = tracks.column("release_popularity");
    std::vector<uint8_t> keep(static_cast<size_t>(tracks.num_rows()));
    for (int64_t row = 0; row < tracks.num_rows(); ++row) {
      keep[row] = !release_popularity.IsNull(row);
    }
    before = tracks.num_rows();
    tracks = tracks.Filter(keep);
    tracks =
        tracks.SetColumn("popularity", tracks.column_ptr(tracks.ColumnIndex("release_popularity")));
    Step("tracks whose release has a popularity", before, tracks.num_rows(),
         "release popularity empty");
  }
  tracks = AttachArtists(tracks);

  std::vector<std::string> order = {"track_id",     "track_title", "isrc",
                                    "artist_id",    "artist",      "artists",
                                    "artist_count", "release_id",  "release_title",
                                    "release_date", "album_type",  "label_name",
                                    "track_number", "disc_number", "explicit",
                                    "duration_ms",  "popularity",  "release_popularity"};
  for (const char* feature : kFeatureColumns) order.push_back(feature);
  report_.rows = tracks.num_rows();
  return tracks.Select(order);
}

}  // namespace

std::string IntegrateReport::Summary() const {
  std::string out = fmt::format("integrated {} tracks ({:.1f} MB of CSV read)\n", rows,
                                static_cast<double>(bytes_read) / 1e6);
  size_t width = 10;
  for (const auto& step : steps) width = std::max(width, step.name.size());
  out += fmt::format("  {:<{}}  {:>12}  {:>12}  {:>12}  why dropped\n", "step", width, "rows in",
                     "kept", "dropped");
  for (const auto& step : steps) {
    out += fmt::format("  {:<{}}  {:>12}  {:>12}  {:>12}  {}\n", step.name, width, step.rows_in,
                       step.rows_kept, step.rows_in - step.rows_kept,
                       step.rows_in == step.rows_kept ? "" : step.dropped_because);
  }
  if (duplicate_feature_rows > 0) {
    out += fmt::format("  {} repeated ISRCs in audio_features.csv: the first row of each kept\n",
                       duplicate_feature_rows);
  }
  if (bad_rows > 0) out += fmt::format("  {} malformed rows skipped\n", bad_rows);
  out += "popularity: " + popularity_source + "\n";
  out += artist_rule + "\n";
  return out;
}

Table Integrate(const std::string& dir, const IntegrateOptions& options, IntegrateReport* report) {
  IntegrateReport local;
  Integrator integrator(dir, options, report ? report : &local);
  return integrator.Run();
}

}  // namespace hitscope
