// Descriptive cluster names from the features that stand out.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include <hitscope/cluster_profile.hpp>

namespace hitscope {

namespace {

struct Phrases {
  const char* feature;
  const char* high;
  const char* low;
};

// Spotify's audio features (and a few track columns) in plain words.
constexpr Phrases kPhrases[] = {
    {"acousticness", "acoustic", "not acoustic"},
    {"danceability", "danceable", "not danceable"},
    {"energy", "high energy", "low energy"},
    {"instrumentalness", "instrumental", "lyrical"},
    {"speechiness", "speech-heavy", "little speech"},
    {"liveness", "live", "studio"},
    {"valence", "happy", "sad"},
    {"loudness", "loud", "quiet"},
    {"tempo", "fast", "slow"},
    {"duration_ms", "long", "short"},
    {"duration", "long", "short"},
    {"mode", "major key", "minor key"},
    {"popularity", "popular", "unpopular"},
    {"track_popularity", "popular", "unpopular"},
};

std::string Lower(const std::string& text) {
  std::string out = text;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Phrase(const std::string& feature, bool high) {
  const std::string key = Lower(feature);
  for (const Phrases& p : kPhrases) {
    if (key == p.feature) return high ? p.high : p.low;
  }
  return fmt::format("{} {}", high ? "high" : "low", feature);
}

}  // namespace

std::string ClusterName(const std::vector<std::string>& features, std::span<const double> z,
                        const ClusterProfileOptions& options) {
  std::vector<size_t> standing;
  for (size_t f = 0; f < features.size(); ++f) {
    if (std::isfinite(z[f]) && std::fabs(z[f]) >= options.name_threshold) standing.push_back(f);
  }
  std::stable_sort(standing.begin(), standing.end(),
                   [&](size_t a, size_t b) { return std::fabs(z[a]) > std::fabs(z[b]); });
  if (standing.size() > static_cast<size_t>(std::max(options.name_features, 1))) {
    standing.resize(static_cast<size_t>(std::max(options.name_features, 1)));
  }
  if (standing.empty()) return "average";
  std::vector<std::string> words;
  for (size_t f : standing) words.push_back(Phrase(features[f], z[f] > 0));
  return fmt::format("{}", fmt::join(words, ", "));
}

}  // namespace hitscope
