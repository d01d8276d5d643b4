#include "prepare/catalogue_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "prepare/random.hpp"

namespace hitscope::catalogue {
namespace {

constexpr std::array kSyllables = {"ka",  "lo",  "mir", "vex", "dra", "sol", "nu", "tan",
                                   "rei", "zo",  "bel", "cor", "fen", "ix",  "ma", "ro",
                                   "sy",  "tek", "ul",  "vin", "wa",  "yel", "qu", "ny",
                                   "ar",  "en",  "li",  "mo",  "ra",  "te",  "ve", "xa"};
constexpr std::array kWords = {
    "Midnight", "Drive", "Echo",    "Horizon", "Pulse",    "Shadow",  "Light",  "Dream",
    "Circuit",  "Ocean", "Fire",    "Velvet",  "Signal",   "Gravity", "Motion", "Silence",
    "Neon",     "Rain",  "Garden",  "Orbit",   "Storm",    "Mirror",  "Desert", "Falling",
    "Golden",   "Heart", "Machine", "Rise",    "Paradise", "Tokyo",   "Berlin", "Frequency"};
constexpr std::array kMixes = {"Original Mix", "Extended Mix", "Radio Edit", "Remix",
                               "Club Mix",     "Dub Mix",      "Vocal Mix",  "Instrumental"};
constexpr std::array kLabelWords = {"Records", "Music", "Recordings", "Audio", "Sounds", "Digital"};
constexpr std::array kCountries = {"GB", "US", "DE", "NL", "FR", "SE", "IT", "ES", "AU", "BE"};
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

double Sigmoid(double x) {
  return 1 / (1 + std::exp(-x));
}
double Logit(double p) {
  p = std::clamp(p, 1e-9, 1 - 1e-9);
  return std::log(p / (1 - p));
}
// Moves a value in (0, 1) by `delta` on the logit scale: stays in (0, 1).
double Shift(double p, double delta) {
  return Sigmoid(Logit(p) + delta);
}

std::string Word(CounterRng& rng) {
  return kWords[rng.Below(kWords.size())];
}

std::string Capitalised(CounterRng& rng, int syllables) {
  std::string out;
  for (int i = 0; i < syllables; ++i) out += kSyllables[rng.Below(kSyllables.size())];
  out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

}  // namespace

Artist MakeArtist(uint64_t seed, int64_t index) {
  if (index == 0) {
    return {SpotifyId(seed, kArtistStream, 0), "Various Artists", 0.0, Archetype::kHouse};
  }
  CounterRng rng(seed, kArtistStream, static_cast<uint64_t>(index));
  Artist artist;
  artist.id = SpotifyId(seed, kArtistStream, index);
  double style = rng.Uniform();
  static constexpr double kWeights[] = {0.30, 0.25, 0.12, 0.08, 0.10, 0.15};
  int archetype = 0;
  for (double acc = kWeights[0]; style > acc && archetype < 5; acc += kWeights[++archetype]) {
  }
  artist.archetype = static_cast<Archetype>(archetype);
  artist.fame = rng.Normal();
  double form = rng.Uniform();
  if (form < 0.06) {
    artist.name = "DJ " + Capitalised(rng, 2);
  } else if (form < 0.11) {
    artist.name = Capitalised(rng, 2) + " & " + Capitalised(rng, 2);
  } else if (form < 0.55) {
    artist.name = Capitalised(rng, 2) + " " + Capitalised(rng, 3);
  } else {
    artist.name = Capitalised(rng, 2 + static_cast<int>(rng.Below(2)));
  }
  return artist;
}

int64_t DrawArtist(double u, int64_t artists) {
  if (artists <= 1) return 0;
  auto index = static_cast<int64_t>(static_cast<double>(artists - 1) * std::pow(u, 2.2));
  return 1 + std::min(index, artists - 2);
}

AudioFeatures MakeFeatures(uint64_t seed, int64_t recording, Archetype archetype) {
  CounterRng rng(seed, kRecordingStream, static_cast<uint64_t>(recording));
  AudioFeatures f{};
  // Base distributions fitted to the study's integrated table (means: acousticness 0.083,
  // danceability 0.687, energy 0.748, instrumentalness 0.589, liveness 0.171, speechiness 0.086,
  // valence 0.402; loudness -8.34 dB sd 3.67; tempo 128.5 sd 20.3).
  f.acousticness = rng.Beta(0.3, 3.3);
  f.danceability = rng.Beta(8.0, 3.7);
  f.energy = rng.Beta(4.1, 1.4);
  f.instrumentalness = rng.Chance(0.7) ? rng.Beta(5.0, 1.2) : rng.Beta(0.3, 3.0);
  f.liveness = rng.Beta(1.3, 6.3);
  f.speechiness = rng.Beta(1.2, 12.8);
  f.valence = rng.Beta(1.1, 1.65);
  f.loudness = -8.34 + 3.4 * rng.Normal();
  double tempo_center = 128, tempo_spread = 4;
  switch (archetype) {
    case Archetype::kHouse:
      tempo_center = 124, tempo_spread = 2.5;
      f.danceability = Shift(f.danceability, 0.35);
      f.valence = Shift(f.valence, 0.2);
      break;
    case Archetype::kTechno:
      tempo_center = 131, tempo_spread = 4;
      f.energy = Shift(f.energy, 0.4);
      f.valence = Shift(f.valence, -0.6);
      f.instrumentalness = Shift(f.instrumentalness, 1.0);
      break;
    case Archetype::kTrance:
      tempo_center = 138, tempo_spread = 2;
      f.energy = Shift(f.energy, 0.5);
      break;
    case Archetype::kDrumAndBass:
      tempo_center = 174, tempo_spread = 2;
      f.energy = Shift(f.energy, 0.6);
      f.danceability = Shift(f.danceability, -0.6);
      f.loudness += 2;
      break;
    case Archetype::kDowntempo:
      tempo_center = 96, tempo_spread = 16;
      f.energy = Shift(f.energy, -1.4);
      f.acousticness = Shift(f.acousticness, 1.6);
      f.danceability = Shift(f.danceability, -0.7);
      f.loudness -= 3;
      break;
    case Archetype::kVocalDance:
      tempo_center = 122, tempo_spread = 5;
      f.instrumentalness = Shift(f.instrumentalness, -3.0);
      f.speechiness = Shift(f.speechiness, 0.5);
      f.valence = Shift(f.valence, 0.5);
      break;
  }
  f.tempo = tempo_center + tempo_spread * rng.Normal();
  if (rng.Chance(0.04)) f.tempo = f.tempo * (rng.Chance(0.5) ? 0.5 : 2.0);  // half/double time
  f.tempo = std::clamp(f.tempo, 31.0, 250.0);
  f.loudness = std::clamp(f.loudness, -60.0, 2.0);
  f.tempo_missing = rng.Chance(0.001);
  f.key = rng.Chance(0.01) ? -1 : static_cast<int>(rng.Below(12));
  f.mode = rng.Chance(0.45) ? 1 : 0;
  double ts = rng.Uniform();
  f.time_signature = ts < 0.93 ? 4 : ts < 0.97 ? 3 : ts < 0.99 ? 5 : 7;
  double minutes = std::exp(std::log(5.3) + 0.33 * rng.Normal());
  if (rng.Chance(0.002)) minutes = 30 + 50 * rng.Uniform();  // DJ mixes
  minutes = std::clamp(minutes, 0.26, 80.5);
  f.duration_ms = static_cast<int64_t>(minutes * 60000);
  return f;
}

ReleaseDate MakeReleaseDate(uint64_t seed, int64_t release) {
  CounterRng rng(seed ^ 0x5eed, kReleaseStream, static_cast<uint64_t>(release));
  ReleaseDate out{};
  // Most of the catalogue is recent: an exponential tail back to 1990.
  out.year = std::max(1990, 2023 - static_cast<int>(-6.0 * std::log(1 - rng.Uniform())));
  out.true_month = 1 + static_cast<int>(rng.Below(12));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int day = 1 + static_cast<int>(rng.Below(static_cast<uint64_t>(kDays[out.true_month - 1])));
  double precision = rng.Uniform();
  out.missing = precision < 0.01;
  if (precision < 0.05) {
    out.date = Date::FromYmd(out.year, 1, 1, DatePrecision::kYear);
  } else if (precision < 0.12) {
    out.date = Date::FromYmd(out.year, out.true_month, 1, DatePrecision::kMonth);
  } else {
    out.date = Date::FromYmd(out.year, out.true_month, day, DatePrecision::kDay);
  }
  return out;
}

int Popularity(const AudioFeatures& f, const Artist& artist, Archetype archetype,
               const ReleaseDate& date, uint64_t seed, int64_t track) {
  CounterRng rng(seed, kTrackStream ^ 0xabcdef, static_cast<uint64_t>(track));
  double z = 0.9 * artist.fame;
  double dance = (f.danceability - 0.78) / 0.12;
  z += 0.8 * (std::exp(-dance * dance) - 0.5);      // a sweet spot, not "more is better"
  z += 2.0 * (f.energy - 0.7) * (f.valence - 0.4);  // energy pays off only when upbeat
  z += f.instrumentalness < 0.5 ? 0.35 : 0.0;       // vocals help
  z -= 0.3 * std::max(0.0, static_cast<double>(f.duration_ms) / 60000 - 7) / 3;
  z += 0.12 * (f.loudness + 8.3) / 3.7;
  if (archetype == Archetype::kVocalDance) z += 0.3;
  if (archetype == Archetype::kDrumAndBass) z -= 0.1;
  int month = date.true_month;
  if (month >= 6 && month <= 8) z += 0.25;  // summer releases
  if (month == 12) z += 0.2;                // December
  if (month <= 2) z -= 0.15;
  z += 0.035 * (date.year - 2012);
  z += rng.Normal();
  // A steep transform gives the study's shape (most tracks at 0-2, a long tail); the last step
  // bends the tail so that popularity saturates in the 80s, as in the study's table.
  double raw = std::max(0.0, std::exp(0.9 * z + 1.12) - 1.8);
  double popularity = 88 * (1 - std::exp(-raw / 88));
  return static_cast<int>(std::clamp(std::floor(popularity), 0.0, 100.0));
}

std::string SpotifyId(uint64_t seed, uint64_t stream, int64_t index) {
  CounterRng rng(seed ^ 0x1d5, stream, static_cast<uint64_t>(index));
  std::string id(22, '0');
  uint64_t bits = rng.Next();
  for (int i = 0; i < 22; ++i) {
    if (i == 11) bits = rng.Next();
    id[i] = kBase62[bits % 62];
    bits /= 62;
  }
  return id;
}

std::string Isrc(uint64_t seed, int64_t recording, int year) {
  int64_t block = recording / 100000;
  CounterRng rng(seed, kRecordingStream ^ 0x15c, static_cast<uint64_t>(block));
  std::string registrant(3, 'A');
  // The registrant code carries the block number, which keeps ISRCs unique.
  int64_t code = block;
  for (int i = 2; i >= 0; --i) {
    registrant[i] = kBase62[code % 36];
    code /= 36;
  }
  return fmt::format("{}{}{:02d}{:05d}", kCountries[rng.Below(kCountries.size())], registrant,
                     year % 100, recording % 100000);
}

std::string TrackTitle(uint64_t seed, int64_t recording) {
  CounterRng rng(seed ^ 0x7171e, kRecordingStream, static_cast<uint64_t>(recording));
  double form = rng.Uniform();
  std::string base = Word(rng);
  if (form < 0.6) base += " " + Word(rng);
  if (form < 0.01) base += ", Again";                     // a comma: must be quoted
  if (form > 0.995) base = "The \"" + base + "\" Thing";  // quotes: must be doubled
  return base + " (" + kMixes[rng.Below(kMixes.size())] + ")";
}

std::string ReleaseTitle(uint64_t seed, int64_t release) {
  CounterRng rng(seed ^ 0x7e1, kReleaseStream, static_cast<uint64_t>(release));
  std::string title = Word(rng) + " " + Word(rng);
  double form = rng.Uniform();
  if (form < 0.3) return title + " EP";
  if (form < 0.35) return title + ", Vol. " + std::to_string(1 + rng.Below(9));
  return title;
}

std::string LabelName(uint64_t seed, int64_t release) {
  // About 2,000 labels, some much busier than others.
  CounterRng rng(seed ^ 0x1abe1, kReleaseStream, static_cast<uint64_t>(release));
  auto label = static_cast<uint64_t>(2000 * std::pow(rng.Uniform(), 2.0));
  CounterRng named(seed ^ 0x1abe1, 99, label);
  return Capitalised(named, 2) + " " + kLabelWords[named.Below(kLabelWords.size())];
}

std::string UpdatedOn(uint64_t seed, uint64_t stream, int64_t index) {
  CounterRng rng(seed ^ 0xda7e, stream, static_cast<uint64_t>(index));
  Date date{Date::FromYmd(2022, 6, 1).days + static_cast<int32_t>(rng.Below(450)),
            DatePrecision::kDay};
  uint64_t seconds = rng.Below(86400);
  return fmt::format("{} {:02d}:{:02d}:{:02d}", date.ToString(), seconds / 3600,
                     (seconds / 60) % 60, seconds % 60);
}

}  // namespace hitscope::catalogue
