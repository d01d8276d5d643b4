// audio/mel_internal.hpp: what the audio stage's files share behind include/hitscope/audio.hpp.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <hitscope/audio.hpp>

namespace hitscope {

// Throws Error(kInvalidArgument) naming the first option out of its domain.
void ValidateMelOptions(const MelOptions& options);

namespace audio {

// LoadAudio into `clip`, reusing the capacity of clip.samples (a worker's buffer from file to
// file). On an exception `clip` holds no samples and partial details.
void LoadAudioInto(const std::string& path, const AudioLoadOptions& options, AudioClip& clip);

// MelSpectrogram into `out`, reusing the capacity of out.values.
void MelSpectrogramInto(std::span<const float> samples, const MelOptions& options,
                        Spectrogram& out);

// PowerToDb, also giving the smallest and largest dB value (those of std::minmax_element).
struct DbRange {
  float min = 0;
  float max = 0;
};
DbRange PowerToDbWithRange(Spectrogram& spectrogram, const DbOptions& options);

// The .npy header of a float32 C-order array of `shape` (a Python tuple: "(128, 1292)").
std::string NpyHeader(const std::string& shape);

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
