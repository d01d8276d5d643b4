// LoadAudio: librosa.load(path, sr=22050, mono=True, offset=..., duration=...) followed by
// librosa.util.fix_length to the window, with every way a file can be unusable turned into a
// message that says which way and what to do.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <soxr.h>

#include <hitscope/audio.hpp>
#include <hitscope/error.hpp>

#include "audio/decoders.hpp"
#include "audio/mel_internal.hpp"
#include "audio/simd.hpp"

namespace hitscope {
namespace {

void ValidateLoadOptions(const AudioLoadOptions& options) {
  auto fail = [](const std::string& what) { return InvalidArgument("audio loading: " + what); };
  if (options.sample_rate != 0 && (options.sample_rate < 1000 || options.sample_rate > 384000)) {
    throw fail(fmt::format("sample rate must be 0 (keep) or 1000..384000 Hz, got {}",
                           options.sample_rate));
  }
  if (!(options.duration_seconds >= 0) || !std::isfinite(options.duration_seconds)) {
    throw fail(fmt::format("duration must be >= 0 seconds (0: whole file), got {}",
                           options.duration_seconds));
  }
  if (!(options.offset_seconds >= 0) || !std::isfinite(options.offset_seconds)) {
    throw fail(fmt::format("offset must be >= 0 seconds, got {}", options.offset_seconds));
  }
  if (options.max_file_bytes < 1) {
    throw fail(
        fmt::format("the file size limit must be >= 1 byte, got {}", options.max_file_bytes));
  }
  if (!(options.max_seconds > 0)) {
    throw fail(fmt::format("the length limit must be > 0 seconds, got {}", options.max_seconds));
  }
}

// MP3 by content (an ID3v2 tag or an MPEG frame sync), or by extension when the content is
// not recognisable (junk before the first frame, which libmpg123 skips).
bool LooksLikeMp3(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 4> head{};
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  const bool read = in.gcount() >= 2;
  if (read && head[0] == 'I' && head[1] == 'D' && head[2] == '3') return true;
  const std::string magic(reinterpret_cast<const char*>(head.data()), head.size());
  const bool other = magic == "RIFF" || magic == "fLaC" || magic == "OggS" || magic == "FORM";
  if (other) return false;
  if (read && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0) return true;
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".mp3" || ext == ".mp2" || ext == ".mpga";
}

std::string Seconds(double seconds) {
  return fmt::format("{:.2f} s", seconds);
}

// The largest |x| as float bits: for non-negative floats the integer order is the float order,
// and an integer maximum vectorises where a float one (NaN rules) does not. A result of
// 0x7F800000 or more means an infinity or a NaN is present.
HITSCOPE_VECTOR_CLONES
uint32_t MaxAbsBits(const float* values, size_t n) {
  uint32_t top = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, values + i, sizeof(bits));
    top = std::max(top, bits & 0x7FFFFFFFu);
  }
  return top;
}

// A buffer filled from the front, whose old contents are overwritten rather than zeroed first: a
// worker's reused samples buffer is filled without a memset of its whole length.
class SampleSink {
 public:
  explicit SampleSink(std::vector<float>& samples) : samples_(samples) {}
  // Room for n more samples after those written so far.
  float* Room(size_t n) {
    if (samples_.size() < used_ + n) samples_.resize(used_ + n);
    return samples_.data() + used_;
  }
  void Commit(size_t n) { used_ += n; }
  size_t size() const { return used_; }
  // Cuts the vector to what was written.
  void Finish() { samples_.resize(used_); }

 private:
  std::vector<float>& samples_;
  size_t used_ = 0;
};

// libsoxr's HQ recipe fed a chunk at a time. Its stages are stream filters whose blocks are
// placed from the start of the stream, so the output does not depend on how the input is cut:
// it equals soxr_oneshot's bit for bit (load_audio_test.cpp checks it at the common rates). Fed
// the whole signal at once, every stage buffers all of it: one-shot resampling of 30 s took
// twice the time, mostly copies and page faults of those buffers.
class StreamingResampler {
 public:
  StreamingResampler(int from_rate, int to_rate)
      : ratio_(static_cast<double>(to_rate) / from_rate) {
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);  // files already run in parallel
    soxr_error_t error = nullptr;
    soxr_ = soxr_create(from_rate, to_rate, 1, &error, &io, &quality, &runtime);
    if (error != nullptr || soxr_ == nullptr) {
      if (soxr_ != nullptr) soxr_delete(soxr_);
      throw InternalError(fmt::format("libsoxr cannot resample {} Hz to {} Hz: {}", from_rate,
                                      to_rate, error != nullptr ? error : "no resampler"));
    }
  }
  ~StreamingResampler() { soxr_delete(soxr_); }
  StreamingResampler(const StreamingResampler&) = delete;
  StreamingResampler& operator=(const StreamingResampler&) = delete;

  // Takes `n` more input samples and appends what comes out to `out`.
  void Push(const float* in, size_t n, SampleSink& out) {
    if (n == 0) return;
    const size_t room = static_cast<size_t>(std::ceil(static_cast<double>(n) * ratio_)) + 256;
    size_t done = 0;
    // No idone: soxr takes all of `in`; what does not fit in `room` stays in its buffers.
    Check(soxr_process(soxr_, in, n, nullptr, out.Room(room), room, &done));
    out.Commit(done);
    while (done == room) {  // drain
      done = soxr_output(soxr_, out.Room(room), room);
      Check(soxr_error(soxr_));
      out.Commit(done);
    }
  }

  // Flushes the filters' delay line into `out` until it holds `total` samples or nothing is left
  // (soxr_oneshot with an output buffer of `total` samples stops at the same place).
  void Finish(SampleSink& out, size_t total) {
    while (out.size() < total) {
      const size_t want = total - out.size();
      size_t done = 0;
      Check(soxr_process(soxr_, nullptr, 0, nullptr, out.Room(want), want, &done));
      out.Commit(done);
      if (done == 0) break;
    }
  }

 private:
  static void Check(soxr_error_t error) {
    if (error != nullptr) throw InternalError(fmt::format("libsoxr failed to resample: {}", error));
  }

  double ratio_;
  soxr_t soxr_ = nullptr;
};

// librosa.resample(fix=True): ceil(n * to / from) samples.
size_t ResampledLength(size_t samples, int from_rate, int to_rate) {
  const double ratio = static_cast<double>(to_rate) / from_rate;
  return static_cast<size_t>(std::ceil(samples * ratio));
}

// Input chunk of the streaming resampler and of decoding.
constexpr int64_t kChunk = 16384;

}  // namespace

std::vector<float> Resample(std::span<const float> samples, int from_rate, int to_rate) {
  if (from_rate < 1 || to_rate < 1) {
    throw InvalidArgument(
        fmt::format("resampling: rates must be >= 1 Hz, got {} and {}", from_rate, to_rate));
  }
  if (from_rate == to_rate || samples.empty()) return {samples.begin(), samples.end()};
  const size_t out_len = ResampledLength(samples.size(), from_rate, to_rate);
  std::vector<float> out;
  out.reserve(out_len + 4096);
  SampleSink sink(out);
  StreamingResampler resampler(from_rate, to_rate);
  for (size_t at = 0; at < samples.size(); at += kChunk) {
    const size_t n = std::min<size_t>(kChunk, samples.size() - at);
    resampler.Push(samples.data() + at, n, sink);
  }
  resampler.Finish(sink, out_len);
  sink.Finish();
  // A shorter output (the resampler's last partial sample) is padded with zeros, as
  // librosa.util.fix_length pads.
  out.resize(out_len, 0.0f);
  return out;
}

AudioClip LoadAudio(const std::string& path, const AudioLoadOptions& options) {
  AudioClip clip;
  audio::LoadAudioInto(path, options, clip);
  return clip;
}

namespace audio {

void LoadAudioInto(const std::string& path, const AudioLoadOptions& options, AudioClip& clip) {
  ValidateLoadOptions(options);
  std::vector<float> samples = std::move(clip.samples);  // reused, overwritten from the front
  clip = AudioClip{};
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    throw IoError(fmt::format(
        "missing: '{}' does not exist; check the path (a manifest's relative paths are taken "
        "from the manifest's folder)",
        path));
  }
  if (std::filesystem::is_directory(status)) {
    throw IoError(fmt::format("unreadable: '{}' is a folder, not an audio file", path));
  }
  const auto file_bytes = static_cast<int64_t>(std::filesystem::file_size(path, error));
  if (error) {
    throw IoError(
        fmt::format("unreadable: cannot read the size of '{}': {}", path, error.message()));
  }
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) {
      throw IoError(
          fmt::format("unreadable: '{}' cannot be opened: {}", path, std::strerror(errno)));
    }
  }
  if (file_bytes == 0) {
    throw InvalidInput(fmt::format("empty: '{}' is 0 bytes; re-export or download it again", path));
  }
  if (file_bytes > options.max_file_bytes) {
    throw InvalidInput(fmt::format(
        "too large: '{}' is {:.1f} MB, above the limit of {:.1f} MB; raise --max-file-mb if it "
        "really is one track",
        path, file_bytes / 1e6, options.max_file_bytes / 1e6));
  }

  std::unique_ptr<Decoder> decoder = LooksLikeMp3(path) ? OpenMp3(path) : OpenSndfile(path);
  const int rate = decoder->sample_rate();
  const int channels = decoder->channels();
  if (rate < 1 || channels < 1) {
    throw InvalidInput(
        fmt::format("corrupt: '{}' declares {} Hz and {} channels", path, rate, channels));
  }
  clip.format = decoder->format();
  clip.source_sample_rate = rate;
  clip.source_channels = channels;
  int64_t declared = decoder->declared_frames();
  bool declared_exact = decoder->declared_exact();
  // A WAV whose data chunk runs past the end of the file: libsndfile quietly shortens it.
  const WavDataSizes wav = InspectWavData(path, file_bytes);
  if (wav.promised > wav.present && clip.format == "WAV") {
    const double bytes_per_second =
        static_cast<double>(wav.promised) / std::max<int64_t>(declared, 1) * rate;
    throw InvalidInput(fmt::format(
        "truncated: '{}' ends early: its header promises {} bytes of audio but the file holds "
        "{} ({} of {}); download or export it again",
        path, wav.promised, wav.present, Seconds(wav.present / bytes_per_second),
        Seconds(wav.promised / bytes_per_second)));
  }
  clip.source_seconds = declared >= 0 ? static_cast<double>(declared) / rate : -1;

  // The window at the file's rate, as librosa.load: int(offset * sr), int(duration * sr).
  const auto skip = static_cast<int64_t>(options.offset_seconds * rate);
  const bool whole = options.duration_seconds == 0;
  const int64_t limit = whole ? static_cast<int64_t>(options.max_seconds * rate)
                              : static_cast<int64_t>(options.duration_seconds * rate);
  if (whole && declared_exact && declared - skip > limit) {
    throw InvalidInput(fmt::format(
        "too large: '{}' is {} long; whole-file mode reads at most {} (--max-seconds): take a "
        "window with --duration, or raise the limit",
        path, Seconds(static_cast<double>(declared) / rate), Seconds(options.max_seconds)));
  }
  if (skip > 0) {
    if (declared >= 0 && skip >= declared) {
      throw InvalidInput(fmt::format(
          "empty: '{}' is {} long, so nothing is left after the offset of {}", path,
          Seconds(static_cast<double>(declared) / rate), Seconds(options.offset_seconds)));
    }
    decoder->SeekTo(skip);
  }

  // Decode and mix down chunk by chunk (librosa.to_mono: the float32 mean of the channels),
  // resampling each chunk as it comes (the same samples as resampling the whole window, see
  // StreamingResampler), so the window at the file's rate is never held whole.
  const int target = options.sample_rate == 0 ? rate : options.sample_rate;
  std::optional<StreamingResampler> resampler;
  if (rate != target) resampler.emplace(rate, target);
  if (declared >= 0) {
    const auto expected =
        static_cast<size_t>(std::max<int64_t>(std::min(declared - skip, limit), 0));
    size_t room = resampler ? ResampledLength(expected, rate, target) + 4096 : expected + 1;
    if (!whole && options.pad_to_duration) {
      room = std::max(room, static_cast<size_t>(options.duration_seconds * target));
    }
    samples.reserve(room);
  }
  SampleSink sink(samples);
  const bool direct = channels == 1 && !resampler;  // decode straight into the output
  std::vector<float> interleaved(direct ? 0 : static_cast<size_t>(kChunk) * channels);
  std::vector<float> mixed(direct || channels == 1 ? 0 : static_cast<size_t>(kChunk));
  const float scale = static_cast<float>(channels);
  int64_t decoded = 0;
  uint32_t peak_bits = 0;
  int64_t first_non_finite = -1;  // in the window
  float non_finite_value = 0;
  for (;;) {
    const int64_t room = (whole ? limit + 1 : limit) - decoded;
    if (room <= 0) break;
    const int64_t want = std::min(kChunk, room);
    const float* mono = nullptr;
    int64_t got = 0;
    if (direct) {
      float* dst = sink.Room(static_cast<size_t>(want));
      got = std::max<int64_t>(decoder->Read(dst, want), 0);
      sink.Commit(static_cast<size_t>(got));
      mono = dst;
    } else {
      got = decoder->Read(interleaved.data(), want);
      if (got <= 0) break;
      const float* in = interleaved.data();
      float* out = mixed.data();
      if (channels == 1) {
        out = interleaved.data();
      } else if (channels == 2) {
        for (int64_t f = 0; f < got; ++f) out[f] = (in[2 * f] + in[2 * f + 1]) / scale;
      } else {
        for (int64_t f = 0; f < got; ++f) {
          const float* frame = in + f * channels;
          float sum = frame[0];
          for (int c = 1; c < channels; ++c) sum += frame[c];
          out[f] = sum / scale;
        }
      }
      mono = out;
    }
    if (got <= 0) break;
    // Peak level and finiteness in one pass; the position only when something is wrong.
    const uint32_t chunk_peak = MaxAbsBits(mono, static_cast<size_t>(got));
    peak_bits = std::max(peak_bits, chunk_peak);
    if (chunk_peak >= 0x7F800000u && first_non_finite < 0) {
      for (int64_t i = 0; i < got; ++i) {
        if (std::isfinite(mono[i])) continue;
        first_non_finite = decoded + i;
        non_finite_value = mono[i];
        break;
      }
    }
    if (resampler) {
      resampler->Push(mono, static_cast<size_t>(got), sink);
    } else if (!direct) {
      std::copy(mono, mono + got, sink.Room(static_cast<size_t>(got)));
      sink.Commit(static_cast<size_t>(got));
    }
    decoded += got;
  }
  if (whole && decoded > limit) {
    throw InvalidInput(fmt::format(
        "too large: '{}' is longer than {}, the most whole-file mode reads (--max-seconds): "
        "take a window with --duration, or raise the limit",
        path, Seconds(options.max_seconds)));
  }
  if (decoded == 0) {
    throw InvalidInput(fmt::format(
        "empty: '{}' holds no audio samples{}; re-export it", path,
        skip > 0 ? fmt::format(" after the offset of {}", Seconds(options.offset_seconds)) : ""));
  }
  if (declared_exact) {
    const int64_t expected = std::min(declared - skip, whole ? declared - skip : limit);
    if (decoded < expected) {
      throw InvalidInput(fmt::format(
          "truncated: '{}' ends after {} of audio, but its header promises {}; download or "
          "export it again",
          path, Seconds(static_cast<double>(skip + decoded) / rate),
          Seconds(static_cast<double>(declared) / rate)));
    }
  }
  if (first_non_finite >= 0) {
    throw InvalidInput(fmt::format(
        "invalid samples: '{}' has a {} sample at {}; the file is damaged (floating-point "
        "audio must be finite)",
        path, std::isnan(non_finite_value) ? "NaN" : "infinite",
        Seconds(static_cast<double>(skip + first_non_finite) / rate)));
  }
  float peak;
  std::memcpy(&peak, &peak_bits, sizeof(peak));
  clip.peak_dbfs = peak > 0 ? 20.0 * std::log10(static_cast<double>(peak))
                            : -std::numeric_limits<double>::infinity();
  if (clip.peak_dbfs < options.silence_threshold_dbfs) {
    throw InvalidInput(fmt::format(
        "silent: '{}' peaks at {} dBFS in the {} analysed, below the silence threshold of {} "
        "dBFS; check the file, or lower --silence-threshold",
        path, peak > 0 ? fmt::format("{:.1f}", clip.peak_dbfs) : std::string("-inf"),
        Seconds(static_cast<double>(decoded) / rate), options.silence_threshold_dbfs));
  }
  clip.decoded_seconds = static_cast<double>(decoded) / rate;

  clip.sample_rate = target;
  if (resampler) {
    const size_t out_len = ResampledLength(static_cast<size_t>(decoded), rate, target);
    resampler->Finish(sink, out_len);
    sink.Finish();
    // A shorter output (the resampler's last partial sample) is padded with zeros, as
    // librosa.util.fix_length pads.
    samples.resize(out_len, 0.0f);
  } else {
    sink.Finish();
  }
  if (!whole && options.pad_to_duration) {
    const auto window = static_cast<int64_t>(options.duration_seconds * target);
    const auto have = static_cast<int64_t>(samples.size());
    if (have < window) clip.padded_seconds = static_cast<double>(window - have) / target;
    samples.resize(static_cast<size_t>(window), 0.0f);
  }
  clip.samples = std::move(samples);
}

}  // namespace audio
}  // namespace hitscope
