// audio/mel_internal.hpp: what the audio stage's files share behind include/hitscope/audio.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <hitscope/audio.hpp>

namespace hitscope {

// Throws Error(kInvalidArgument) naming the first option out of its domain.
void ValidateMelOptions(const MelOptions& options);

namespace audio {

// The mel basis without its zeros: band m has `count` weights from FFT bin `first_bin` on. A
// Slaney basis of 128 bands over 1025 bins has about 2,000 non-zero weights (each bin lies in at
// most two triangles), so the projection costs 1 % of a dense product.
struct SparseMelBasis {
  struct Band {
    int first_bin = 0;
    int count = 0;
    size_t offset = 0;  // into weights
  };
  explicit SparseMelBasis(const MelOptions& options);
  std::vector<Band> bands;
  std::vector<float> weights;
};

// The file name for a track's outputs: the id with every byte outside [A-Za-z0-9._-] replaced by
// '_', never starting with '.', never empty.
std::string SafeFileStem(const std::string& track_id);

}  // namespace audio
}  // namespace hitscope
