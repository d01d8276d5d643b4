// Generation runs in two passes over a compact layout of the releases:
//  1. Lay out releases one after another (type, track count, first track, first new recording)
//     until the requested number of tracks is reached: ~24 bytes per release.
//  2. Format the rows of every file in parallel, a window of release chunks at a time, and
//     append each chunk's text in order. audio_features.csv and sp_artist.csv are formatted per
//     recording and per artist the same way.
#include <filesystem>

#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/generate.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "prepare/catalogue_model.hpp"
#include "prepare/random.hpp"

namespace hitscope {
namespace {

using namespace catalogue;

enum class ReleaseType : uint8_t { kSingle, kAlbum, kCompilation };

struct ReleaseLayout {
  int64_t first_track;
  int64_t first_new_recording;
  int32_t primary_artist;
  uint8_t tracks;
  uint8_t new_recordings;
  ReleaseType type;
  uint8_t featured;  // number of featured artists on a single or album (0..2)
};

struct Layout {
  std::vector<ReleaseLayout> releases;
  int64_t artists = 0;
  int64_t recordings = 0;
  int64_t tracks = 0;
};

Layout LayOut(const GenerateOptions& options) {
  Layout layout;
  layout.artists = std::max<int64_t>(2, options.tracks / 12);
  int64_t track = 0, recording = 0;
  for (int64_t release = 0; track < options.tracks; ++release) {
    CounterRng rng(options.seed, kReleaseStream, static_cast<uint64_t>(release));
    ReleaseLayout r{};
    double kind = rng.Uniform();
    int count;
    if (kind < 0.6) {
      r.type = ReleaseType::kSingle;
      count = 1 + static_cast<int>(rng.Below(4));
    } else if (kind < 0.9) {
      r.type = ReleaseType::kAlbum;
      count = 4 + static_cast<int>(rng.Below(6));
    } else {
      r.type = ReleaseType::kCompilation;
      count = 8 + static_cast<int>(rng.Below(16));
    }
    count = static_cast<int>(std::min<int64_t>(count, options.tracks - track));
    r.tracks = static_cast<uint8_t>(count);
    r.first_track = track;
    r.first_new_recording = recording;
    r.primary_artist = static_cast<int32_t>(
        r.type == ReleaseType::kCompilation ? 0 : DrawArtist(rng.Uniform(), layout.artists));
    r.featured = r.type != ReleaseType::kCompilation && rng.Chance(0.2)
                     ? static_cast<uint8_t>(1 + rng.Below(2))
                     : 0;
    // Compilations mostly reuse earlier recordings (the same ISRC on another release).
    int fresh = count;
    if (r.type == ReleaseType::kCompilation && recording > 0) {
      fresh = static_cast<int>(std::ceil(count * 0.3));
    }
    r.new_recordings = static_cast<uint8_t>(fresh);
    layout.releases.push_back(r);
    track += count;
    recording += fresh;
  }
  layout.tracks = track;
  layout.recordings = recording;
  return layout;
}

// Everything a track row needs, derived from the layout.
class Catalogue {
 public:
  Catalogue(const GenerateOptions& options, const Layout& layout)
      : seed_(options.seed), layout_(layout) {}

  // The release that created recording `recording`.
  int64_t OwnerRelease(int64_t recording) const {
    auto it = std::upper_bound(
        layout_.releases.begin(), layout_.releases.end(), recording,
        [](int64_t r, const ReleaseLayout& release) { return r < release.first_new_recording; });
    return (it - layout_.releases.begin()) - 1;
  }

  // Primary artist of a recording: the release's artist, or on a compilation its own.
  int64_t RecordingArtist(int64_t recording) const {
    const ReleaseLayout& owner = layout_.releases[OwnerRelease(recording)];
    if (owner.type != ReleaseType::kCompilation) return owner.primary_artist;
    CounterRng rng(seed_, kCompilationPick ^ 0xa7, static_cast<uint64_t>(recording));
    return DrawArtist(rng.Uniform(), layout_.artists);
  }

  // Featured artists of a recording (beyond the primary one).
  std::vector<int64_t> FeaturedArtists(int64_t recording) const {
    const ReleaseLayout& owner = layout_.releases[OwnerRelease(recording)];
    std::vector<int64_t> out;
    CounterRng rng(seed_, kFeaturedStream, static_cast<uint64_t>(recording));
    if (owner.type == ReleaseType::kCompilation) {
      if (rng.Chance(0.1)) out.push_back(DrawArtist(rng.Uniform(), layout_.artists));
      return out;
    }
    for (int k = 0; k < owner.featured; ++k) {
      CounterRng pick(seed_, kFeaturedStream ^ 0xfea7,
                      static_cast<uint64_t>(OwnerRelease(recording) * 4 + k));
      int64_t artist = DrawArtist(pick.Uniform(), layout_.artists);
      if (artist != owner.primary_artist && rng.Chance(0.6)) out.push_back(artist);
    }
    return out;
  }

  // The recording on track `position` of release `release`.
  int64_t RecordingOf(int64_t release, int position) const {
    const ReleaseLayout& r = layout_.releases[release];
    if (position < r.new_recordings) return r.first_new_recording + position;
    CounterRng rng(seed_, kCompilationPick, static_cast<uint64_t>(r.first_track + position));
    return static_cast<int64_t>(rng.Below(static_cast<uint64_t>(r.first_new_recording)));
  }

  int RecordingYear(int64_t recording) const {
    return MakeReleaseDate(seed_, OwnerRelease(recording)).year;
  }

  uint64_t seed() const { return seed_; }
  const Layout& layout() const { return layout_; }

 private:
  uint64_t seed_;
  const Layout& layout_;
};

std::string FormatFeature(double value) {
  return fmt::format("{:.3g}", value);
}

struct Outputs {
  std::unique_ptr<AtomicOutput> tracks, releases, artist_release, artist_track, popularity;
};

// fmt::memory_buffer, not std::string + back_inserter: formatting into it is several times
// faster (measured: the generator spent a third of its time growing strings).
using TextBuffer = fmt::memory_buffer;

std::string_view View(const TextBuffer& buffer) {
  return {buffer.data(), buffer.size()};
}

struct ChunkText {
  TextBuffer tracks, releases, artist_release, artist_track, popularity;
  int64_t popularity_rows = 0, artist_release_rows = 0, artist_track_rows = 0;
};

void FormatReleases(const Catalogue& cat, const GenerateOptions& options, int64_t begin,
                    int64_t end, ChunkText* out) {
  const uint64_t seed = cat.seed();
  for (int64_t release = begin; release < end; ++release) {
    const ReleaseLayout& r = cat.layout().releases[release];
    ReleaseDate date = MakeReleaseDate(seed, release);
    std::string release_id = SpotifyId(seed, kReleaseStream, release);
    int best = 0;
    for (int position = 0; position < r.tracks; ++position) {
      int64_t track = r.first_track + position;
      int64_t recording = cat.RecordingOf(release, position);
      int64_t artist_index = cat.RecordingArtist(recording);
      Artist artist = MakeArtist(seed, artist_index);
      AudioFeatures features = MakeFeatures(seed, recording, artist.archetype);
      int popularity = Popularity(features, artist, artist.archetype, date, seed, track);
      best = std::max(best, popularity);
      CounterRng rng(seed, kTrackStream, static_cast<uint64_t>(track));
      std::string track_id = SpotifyId(seed, kTrackStream, track);
      std::string isrc =
          rng.Chance(0.005) ? "" : Isrc(seed, recording, cat.RecordingYear(recording));
      std::string preview =
          rng.Chance(0.3)
              ? fmt::format("https://p.scdn.co/mp3-preview/{:016x}{:016x}", rng.Next(), rng.Next())
              : "";
      int disc = r.tracks > 12 && position >= r.tracks / 2 ? 2 : 1;
      CounterRng title_rng(seed, kRecordingStream ^ 0xe4, static_cast<uint64_t>(recording));
      bool explicit_lyrics = title_rng.Chance(0.05);
      fmt::format_to(fmt::appender(out->tracks), "{},{},{},{},{},{},{},{},{},{}\n", track_id,
                     QuoteCsvField(TrackTitle(seed, recording)), features.duration_ms, isrc,
                     position + 1, release_id, explicit_lyrics ? 't' : 'f', disc, preview,
                     UpdatedOn(seed, kTrackStream, track));
      // The study fetched track popularity for only part of the catalogue.
      if (rng.Uniform() < options.popularity_coverage) {
        fmt::format_to(fmt::appender(out->popularity), "{},{}\n", track_id, popularity);
        ++out->popularity_rows;
      }
      fmt::format_to(fmt::appender(out->artist_track), "{},{},{}\n", track_id, artist.id,
                     UpdatedOn(seed, kArtistStream, track));
      ++out->artist_track_rows;
      for (int64_t featured : cat.FeaturedArtists(recording)) {
        fmt::format_to(fmt::appender(out->artist_track), "{},{},{}\n", track_id,
                       SpotifyId(seed, kArtistStream, featured),
                       UpdatedOn(seed, kArtistStream, track));
        ++out->artist_track_rows;
      }
    }
    CounterRng rng(seed, kReleaseStream ^ 0x6e1, static_cast<uint64_t>(release));
    std::string upc = rng.Chance(0.02) ? "" : fmt::format("{:013d}", rng.Below(10'000'000'000'000));
    std::string popularity = rng.Chance(0.03) ? "" : std::to_string(best);
    std::string label = rng.Chance(0.01) ? "" : LabelName(seed, release);
    static constexpr const char* kTypes[] = {"single", "album", "compilation"};
    fmt::format_to(fmt::appender(out->releases),
                   "{},{},{},{},{},{},{},https://i.scdn.co/image/ab67616d0000b273{:016x},{},{}\n",
                   release_id, QuoteCsvField(ReleaseTitle(seed, release)),
                   date.missing ? "" : date.date.ToString(), upc, popularity, r.tracks,
                   kTypes[static_cast<int>(r.type)], rng.Next(), QuoteCsvField(label),
                   UpdatedOn(seed, kReleaseStream, release));
    std::vector<int64_t> artists = {r.primary_artist};
    if (r.type != ReleaseType::kCompilation) {
      for (int k = 0; k < r.featured; ++k) {
        CounterRng pick(seed, kFeaturedStream ^ 0xfea7, static_cast<uint64_t>(release * 4 + k));
        int64_t artist = DrawArtist(pick.Uniform(), cat.layout().artists);
        if (std::find(artists.begin(), artists.end(), artist) == artists.end()) {
          artists.push_back(artist);
        }
      }
    }
    for (int64_t artist : artists) {
      fmt::format_to(fmt::appender(out->artist_release), "{},{},{}\n", release_id,
                     SpotifyId(seed, kArtistStream, artist),
                     UpdatedOn(seed, kReleaseStream ^ 0x77, release));
      ++out->artist_release_rows;
    }
  }
}

// Runs `format(begin, end, text)` over [0, count) in parallel chunks, appending each chunk's
// text in order with `write(text)`; at most `window` chunks are held at once.
template <class Text, class Format, class Write>
void FormatInOrder(int64_t count, int64_t chunk, const Format& format, const Write& write,
                   Progress* progress) {
  const int64_t window = 16;
  for (int64_t start = 0; start < count; start += chunk * window) {
    int64_t stop = std::min(count, start + chunk * window);
    size_t chunks = static_cast<size_t>((stop - start + chunk - 1) / chunk);
    std::vector<Text> texts(chunks);
    ParallelTasks(chunks, [&](size_t index) {
      int64_t begin = start + static_cast<int64_t>(index) * chunk;
      format(begin, std::min(stop, begin + chunk), &texts[index]);
    });
    for (auto& text : texts) write(text);
    if (progress) progress->Add(static_cast<uint64_t>(stop - start));
  }
}

}  // namespace

GenerateSummary GenerateCatalogue(const std::string& dir, const GenerateOptions& options) {
  if (options.tracks < 1) {
    throw InvalidArgument(fmt::format("--tracks must be at least 1, got {}", options.tracks));
  }
  if (options.tracks > 2'000'000'000) {
    throw InvalidArgument(
        fmt::format("--tracks {} is more than this generator supports (2e9)", options.tracks));
  }
  for (double coverage : {options.feature_coverage, options.popularity_coverage}) {
    if (!(coverage >= 0 && coverage <= 1)) {
      throw InvalidArgument(fmt::format("coverage must be in [0, 1], got {}", coverage));
    }
  }
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw IoError(fmt::format("cannot create folder '{}': {}", dir, error.message()));

  Layout layout = LayOut(options);
  Catalogue cat(options, layout);
  const uint64_t seed = options.seed;
  GenerateSummary summary;
  summary.tracks = layout.tracks;
  summary.recordings = layout.recordings;
  summary.releases = static_cast<int64_t>(layout.releases.size());
  summary.artists = layout.artists;

  std::unique_ptr<Progress> progress;
  if (!options.progress_label.empty()) {
    progress = std::make_unique<Progress>(
        options.progress_label,
        static_cast<uint64_t>(summary.releases + summary.recordings + summary.artists), "rows");
  }
  auto path = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };
  Outputs out;
  out.tracks = std::make_unique<AtomicOutput>(path("sp_track.csv"));
  out.releases = std::make_unique<AtomicOutput>(path("sp_release.csv"));
  out.artist_release = std::make_unique<AtomicOutput>(path("sp_artist_release.csv"));
  out.artist_track = std::make_unique<AtomicOutput>(path("sp_artist_track.csv"));
  out.popularity = std::make_unique<AtomicOutput>(path("sp_track_popularity.csv"));
  AtomicOutput features(path("audio_features.csv"));
  AtomicOutput artists(path("sp_artist.csv"));

  out.tracks->Write(
      "track_id,track_title,duration_ms,isrc,track_number,release_id,explicit,disc_number,"
      "preview_url,updated_on\n");
  out.releases->Write(
      "release_id,release_title,release_date,upc,popularity,total_tracks,album_type,release_img,"
      "label_name,updated_on\n");
  out.artist_release->Write("release_id,artist_id,updated_on\n");
  out.artist_track->Write("track_id,artist_id,updated_on\n");
  out.popularity->Write("track_id,popularity\n");
  FormatInOrder<ChunkText>(
      summary.releases, 4096,
      [&](int64_t begin, int64_t end, ChunkText* text) {
        FormatReleases(cat, options, begin, end, text);
      },
      [&](const ChunkText& text) {
        out.tracks->Write(View(text.tracks));
        out.releases->Write(View(text.releases));
        out.artist_release->Write(View(text.artist_release));
        out.artist_track->Write(View(text.artist_track));
        out.popularity->Write(View(text.popularity));
        summary.popularity_rows += text.popularity_rows;
        summary.artist_release_rows += text.artist_release_rows;
        summary.artist_track_rows += text.artist_track_rows;
      },
      progress.get());

  features.Write(
      "isrc,acousticness,danceability,duration_ms,energy,instrumentalness,key,liveness,loudness,"
      "mode,speechiness,tempo,time_signature,valence,updated_on\n");
  struct FeatureText {
    TextBuffer text;
    int64_t rows = 0;
  };
  FormatInOrder<FeatureText>(
      summary.recordings, 16384,
      [&](int64_t begin, int64_t end, FeatureText* text) {
        for (int64_t recording = begin; recording < end; ++recording) {
          CounterRng rng(seed, kRecordingStream ^ 0xfc, static_cast<uint64_t>(recording));
          if (rng.Uniform() >= options.feature_coverage) continue;
          Artist artist = MakeArtist(seed, cat.RecordingArtist(recording));
          AudioFeatures f = MakeFeatures(seed, recording, artist.archetype);
          fmt::format_to(
              fmt::appender(text->text), "{},{},{},{},{},{},{},{},{:.3f},{},{},{},{},{},{}\n",
              Isrc(seed, recording, cat.RecordingYear(recording)), FormatFeature(f.acousticness),
              FormatFeature(f.danceability), f.duration_ms, FormatFeature(f.energy),
              FormatFeature(f.instrumentalness), f.key, FormatFeature(f.liveness), f.loudness,
              f.mode, FormatFeature(f.speechiness),
              f.tempo_missing ? std::string() : fmt::format("{:.3f}", f.tempo), f.time_signature,
              FormatFeature(f.valence), UpdatedOn(seed, kRecordingStream, recording));
          ++text->rows;
        }
      },
      [&](const FeatureText& text) {
        features.Write(View(text.text));
        summary.feature_rows += text.rows;
      },
      progress.get());

  artists.Write("artist_id,artist_name,updated_on\n");
  FormatInOrder<TextBuffer>(
      summary.artists, 16384,
      [&](int64_t begin, int64_t end, TextBuffer* text) {
        for (int64_t index = begin; index < end; ++index) {
          Artist artist = MakeArtist(seed, index);
          fmt::format_to(fmt::appender(*text), "{},{},{}\n", artist.id, QuoteCsvField(artist.name),
                         UpdatedOn(seed, kArtistStream ^ 0x9, index));
        }
      },
      [&](const TextBuffer& text) { artists.Write(View(text)); }, progress.get());

  for (AtomicOutput* file : {out.tracks.get(), out.releases.get(), out.artist_release.get(),
                             out.artist_track.get(), out.popularity.get(), &features, &artists}) {
    summary.bytes += file->bytes_written();
    file->Commit();
  }
  if (progress) progress->Finish();
  return summary;
}

}  // namespace hitscope
