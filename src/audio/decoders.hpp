// audio/decoders.hpp: the two decoders behind LoadAudio, libmpg123 for MP3 and libsndfile for
// the rest. Both give interleaved float32 frames in [-1, 1] for PCM sources, as
// soundfile.read(dtype="float32") gives to librosa.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace hitscope::audio {

class Decoder {
 public:
  virtual ~Decoder() = default;
  int sample_rate() const { return sample_rate_; }
  int channels() const { return channels_; }
  // Frames in the file as the header or the decoder says; -1 when unknown.
  int64_t declared_frames() const { return declared_frames_; }
  // Whether declared_frames() is exact (WAV, FLAC, AIFF) or an estimate (MP3 without a Xing
  // header, OGG).
  bool declared_exact() const { return declared_exact_; }
  const std::string& format() const { return format_; }

  // Reads up to `frames` interleaved frames into dst (frames * channels() floats); returns the
  // number read, 0 at the end. Throws Error(kInvalidInput) "corrupt: ..." on a decoding error.
  virtual int64_t Read(float* dst, int64_t frames) = 0;
  // Skips `frames` frames from the start (librosa: soundfile.seek). Throws as Read.
  virtual void SeekTo(int64_t frame) = 0;

 protected:
  int sample_rate_ = 0;
  int channels_ = 0;
  int64_t declared_frames_ = -1;
  bool declared_exact_ = false;
  std::string format_;
};

// Opens an MP3 with libmpg123 (quiet, gapless, float output: the settings libsndfile 1.2 uses,
// so the samples equal what librosa's soundfile backend decodes). Throws Error(kInvalidInput)
// "corrupt: ..." when no MPEG audio can be found.
std::unique_ptr<Decoder> OpenMp3(const std::string& path);

// Opens any other format with libsndfile. Throws Error(kInvalidInput) "unsupported format: ..."
// or "corrupt: ..." (decided by whether the extension is an audio one).
std::unique_ptr<Decoder> OpenSndfile(const std::string& path);

// For a RIFF WAVE file: the bytes the header's data chunk promises and the bytes the file holds
// after the chunk header, or {-1, -1} when it is not a WAV or the size is a streaming
// placeholder.
struct WavDataSizes {
  int64_t promised = -1;
  int64_t present = -1;
};
WavDataSizes InspectWavData(const std::string& path, int64_t file_bytes);

}  // namespace hitscope::audio
