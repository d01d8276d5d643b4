// hitscope/integrate.hpp: joins the five-file Beatport/Spotify layout into one track table.
//
// Input folder (see docs/data.md): sp_track.csv, sp_release.csv, sp_artist.csv,
// sp_artist_release.csv, sp_artist_track.csv, audio_features.csv, and optionally
// sp_track_popularity.csv (track_id, popularity).
//
// Output: one row per track that has audio features and a popularity, with its release
// (title, date in its own precision, type, label, release popularity), its artists and its
// twelve audio features. Joins, in order, each reported with the rows it kept and dropped:
//   tracks  x track popularity (by track_id; when sp_track_popularity.csv is there), else the
//           release popularity is the popularity (the report says which);
//   tracks  x audio features (by isrc: the same ISRC on several tracks shares its features);
//   tracks  x releases (by release_id);
//   tracks  <- artists (by track_id through sp_artist_track, or by release_id through
//           sp_artist_release): `artist` is the first-listed artist, `artists` all of them in
//           listed order joined by "; ", `artist_count` their number.
// Memory: the big files are streamed and filtered by the keys still needed (semi joins), so
// memory follows the output size, not the input size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hitscope/csv.hpp>
#include <hitscope/table.hpp>

namespace hitscope {

enum class ArtistSource { kTrack, kRelease };
enum class PopularitySource { kAuto, kTrack, kRelease };

struct IntegrateOptions {
  ArtistSource artists = ArtistSource::kTrack;
  PopularitySource popularity = PopularitySource::kAuto;  // auto: track when the file exists
  BadRowPolicy bad_rows = BadRowPolicy::kStrict;          // for every file read
  std::string reject_dir;  // with kReject: where <file>.rejected.csv go
  bool show_progress = false;
};

// One step of the integration and what it did to the rows.
struct IntegrateStep {
  std::string name;  // e.g. "tracks x audio features (isrc)"
  int64_t rows_in = 0;
  int64_t rows_kept = 0;
  std::string dropped_because;  // why the other rows went
};

struct IntegrateReport {
  std::vector<IntegrateStep> steps;
  std::string popularity_source;  // "track (sp_track_popularity.csv)" or "release (...)"
  std::string artist_rule;
  int64_t rows = 0;
  int64_t bytes_read = 0;
  int64_t duplicate_feature_rows = 0;  // repeated ISRCs in audio_features.csv (first kept)
  int64_t bad_rows = 0;                // malformed rows dropped (kSkip / kReject)
  std::string Summary() const;
};

// Throws Error(kIo) for a missing file and Error(kInvalidInput) for files without the expected
// columns (naming file and column).
Table Integrate(const std::string& dir, const IntegrateOptions& options = {},
                IntegrateReport* report = nullptr);

}  // namespace hitscope
