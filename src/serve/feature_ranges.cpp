// The valid ranges of Spotify's audio features (include/hitscope/serve.hpp), from Spotify's
// definitions as /work/shared/data/beatport_schema.md gives them.
#include <hitscope/serve.hpp>

namespace hitscope {

const std::vector<FeatureRange>& AudioFeatureRanges() {
  static const std::vector<FeatureRange> ranges = {
      {"danceability", 0, 1, false, "how suitable for dancing (tempo, rhythm stability, beat)"},
      {"energy", 0, 1, false, "perceived intensity and activity"},
      {"key", -1, 11, true, "pitch class (0 = C, 1 = C#, ..., 11 = B; -1 = no key detected)"},
      {"loudness", -60, 5, false,
       "overall loudness in dB (Spotify: typically -60..0; mastered tracks reach a little "
       "above 0)"},
      {"mode", 0, 1, true, "0 minor, 1 major"},
      {"speechiness", 0, 1, false, "presence of spoken words (> 0.66: mostly speech)"},
      {"acousticness", 0, 1, false, "confidence that the track is acoustic"},
      {"instrumentalness", 0, 1, false, "confidence that the track has no vocals"},
      {"liveness", 0, 1, false, "presence of an audience (> 0.8: likely live)"},
      {"valence", 0, 1, false, "musical positiveness (happy, cheerful vs sad, angry)"},
      {"tempo", 0, 300, false, "estimated tempo in beats per minute (0: no beat detected)"},
      {"duration_ms", 1, 21600000, false, "duration in milliseconds (at most 6 hours)"},
      {"time_signature", 3, 7, true, "estimated beats per bar (3/4 to 7/4)"},
  };
  return ranges;
}

const FeatureRange* FindFeatureRange(std::string_view name) {
  for (const auto& range : AudioFeatureRanges()) {
    if (range.name == name) return &range;
  }
  return nullptr;
}

}  // namespace hitscope
