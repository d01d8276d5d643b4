// hitscope/generate.hpp: synthetic catalogues in the five-file Beatport/Spotify layout.
//
// Writes the files described in docs/data.md (after ../shared/data/beatport_schema.md), with
// the same names, columns and join keys: sp_track.csv, sp_release.csv, sp_artist.csv,
// sp_artist_release.csv, sp_artist_track.csv and audio_features.csv, plus
// sp_track_popularity.csv (track_id, popularity): the track-level popularity the original study
// fetched from the Spotify Web API for a subset of tracks.
//
// The data is realistic in shape, not real: audio features follow distributions fitted to the
// study's summary (heavily skewed acousticness, bimodal instrumentalness, tempo modes of
// electronic sub-genres), popularity is mostly near 0 with a long tail, the same ISRC appears
// on several tracks (compilations), releases have several artists, some values are missing and
// release dates span decades with year-only and year-month precision. Popularity depends weakly
// and non-linearly on the features, the release month (a summer and December lift) and the
// artist, plus noise, so models have a real but modest signal to find.
//
// Every value is a pure function of (seed, entity index), so output is identical for a seed
// whatever the thread count, and generation runs in parallel with memory bounded by a window of
// formatted text plus ~24 bytes per release.
#pragma once

#include <cstdint>
#include <string>

namespace hitscope {

struct GenerateOptions {
  int64_t tracks = 100000;  // rows of sp_track.csv (>= 1)
  uint64_t seed = 42;
  double feature_coverage = 0.5;     // share of ISRCs with a row in audio_features.csv
  double popularity_coverage = 0.1;  // share of tracks with a row in sp_track_popularity.csv
  std::string progress_label;        // shows a progress bar on a terminal when not empty
};

struct GenerateSummary {
  int64_t tracks = 0;
  int64_t recordings = 0;  // distinct ISRCs
  int64_t releases = 0;
  int64_t artists = 0;
  int64_t feature_rows = 0;
  int64_t popularity_rows = 0;
  int64_t artist_release_rows = 0;
  int64_t artist_track_rows = 0;
  int64_t bytes = 0;  // all files together
};

// Writes the files into `dir` (created if missing; existing files of these names are replaced
// atomically). Throws Error(kInvalidArgument) for out-of-range options, Error(kIo) when a file
// cannot be written.
GenerateSummary GenerateCatalogue(const std::string& dir, const GenerateOptions& options);

}  // namespace hitscope
