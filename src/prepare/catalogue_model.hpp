// prepare/catalogue_model.hpp: the statistical model behind `generate`: who the artists are,
// what each recording sounds like, when releases come out and how popular each track is.
// Every function is pure in (seed, index).
#pragma once

#include <cstdint>
#include <string>

#include <hitscope/table.hpp>

namespace hitscope::catalogue {

// Random streams: each kind of entity draws from its own.
enum Stream : uint64_t {
  kArtistStream = 1,
  kReleaseStream,
  kRecordingStream,
  kTrackStream,
  kCompilationPick,
  kFeaturedStream,
};

// Electronic sub-genres with their own tempo and feature tendencies.
enum class Archetype : uint8_t { kHouse, kTechno, kTrance, kDrumAndBass, kDowntempo, kVocalDance };

struct Artist {
  std::string id;
  std::string name;
  double fame;  // latent popularity of the artist, ~N(0, 1)
  Archetype archetype;
};

// Artist 0 is "Various Artists", credited on compilations.
Artist MakeArtist(uint64_t seed, int64_t index);
// A Zipf-like draw of a real artist in [1, artists): a few artists have many recordings.
int64_t DrawArtist(double u, int64_t artists);

struct AudioFeatures {
  double acousticness, danceability, energy, instrumentalness, liveness, loudness, speechiness,
      tempo, valence;
  int key, mode, time_signature;
  int64_t duration_ms;
  bool tempo_missing;
};

AudioFeatures MakeFeatures(uint64_t seed, int64_t recording, Archetype archetype);

// The release date as known to the catalogue (maybe only a year or a month, maybe missing),
// and the true month behind it, which drives the seasonal effect.
struct ReleaseDate {
  bool missing;
  Date date;
  int true_month;
  int year;
};
ReleaseDate MakeReleaseDate(uint64_t seed, int64_t release);

// Track popularity 0..100 from the latent model (see docs/data.md).
int Popularity(const AudioFeatures& features, const Artist& artist, Archetype archetype,
               const ReleaseDate& date, uint64_t seed, int64_t track);

// A 22-character base-62 id, unique in practice, for entity `index` of stream `stream`.
std::string SpotifyId(uint64_t seed, uint64_t stream, int64_t index);
// ISRC: country (2), registrant (3), year (2), designation (5); unique per recording.
std::string Isrc(uint64_t seed, int64_t recording, int year);
std::string TrackTitle(uint64_t seed, int64_t recording);
std::string ReleaseTitle(uint64_t seed, int64_t release);
std::string LabelName(uint64_t seed, int64_t release);
// "YYYY-MM-DD HH:MM:SS" in 2022-2023, as the dataset's updated_on.
std::string UpdatedOn(uint64_t seed, uint64_t stream, int64_t index);

}  // namespace hitscope::catalogue
