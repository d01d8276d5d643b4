#include "audio/decoders.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>

#include <fmt/format.h>
#include <mpg123.h>
#include <sndfile.h>

#include <hitscope/audio.hpp>
#include <hitscope/error.hpp>

namespace hitscope::audio {
namespace {

std::string Extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool HasAudioExtension(const std::string& path) {
  const auto& known = AudioExtensions();
  return std::find(known.begin(), known.end(), Extension(path)) != known.end();
}

// ---- MP3: libmpg123 ------------------------------------------------------------------------

class Mp3Decoder final : public Decoder {
 public:
  explicit Mp3Decoder(const std::string& path) : path_(path) {
    static std::once_flag init;
    std::call_once(init, [] { mpg123_init(); });
    int error = MPG123_OK;
    // Owned from here: a Fail below throws out of the constructor, where no destructor runs.
    handle_.reset(mpg123_new(nullptr, &error));
    if (handle_ == nullptr) {
      throw InternalError(
          fmt::format("libmpg123 could not start: {}", mpg123_plain_strerror(error)));
    }
    // As libsndfile 1.2's MPEG reader (so samples equal what librosa gets through soundfile),
    // plus QUIET: libmpg123 must not print to our stderr.
    mpg123_param(handle_.get(), MPG123_REMOVE_FLAGS, MPG123_AUTO_RESAMPLE, 0.0);
    mpg123_param(handle_.get(), MPG123_ADD_FLAGS,
                 MPG123_FORCE_FLOAT | MPG123_GAPLESS | MPG123_NO_FRANKENSTEIN | MPG123_QUIET, 0.0);
    if (mpg123_open(handle_.get(), path.c_str()) != MPG123_OK) Fail("cannot be opened as MP3");
    long rate = 0;
    int channels = 0, encoding = 0;
    if (mpg123_getformat(handle_.get(), &rate, &channels, &encoding) != MPG123_OK) {
      Fail("holds no MPEG audio frame");
    }
    // Fix the output format: a stream that changes rate or channels mid-way is refused below.
    mpg123_format_none(handle_.get());
    if (mpg123_format(handle_.get(), rate, channels, MPG123_ENC_FLOAT_32) != MPG123_OK) {
      Fail("has an output format libmpg123 cannot give as float");
    }
    sample_rate_ = static_cast<int>(rate);
    channels_ = channels;
    format_ = "MP3";
    // Exact with a Xing/LAME header, else an estimate from the file size (no full scan: a long
    // file would be read to the end for a 30-second window).
    const off_t length = mpg123_length(handle_.get());
    declared_frames_ = length >= 0 ? static_cast<int64_t>(length) : -1;
    declared_exact_ = false;
  }
  int64_t Read(float* dst, int64_t frames) override {
    if (done_) return 0;
    unsigned char* out = reinterpret_cast<unsigned char*>(dst);
    const size_t want = static_cast<size_t>(frames) * channels_ * sizeof(float);
    size_t got_total = 0;
    while (got_total < want) {
      size_t got = 0;
      const int status = mpg123_read(handle_.get(), out + got_total, want - got_total, &got);
      got_total += got;
      if (status == MPG123_DONE) {
        done_ = true;
        break;
      }
      if (status == MPG123_NEW_FORMAT) {
        long rate = 0;
        int channels = 0, encoding = 0;
        mpg123_getformat(handle_.get(), &rate, &channels, &encoding);
        if (rate != sample_rate_ || channels != channels_) {
          Fail(fmt::format("changes format mid-stream ({} Hz x {} to {} Hz x {})", sample_rate_,
                           channels_, rate, channels));
        }
        continue;
      }
      if (status != MPG123_OK) Fail("is damaged");
    }
    return static_cast<int64_t>(got_total / (sizeof(float) * channels_));
  }

  void SeekTo(int64_t frame) override {
    if (mpg123_seek(handle_.get(), static_cast<off_t>(frame), SEEK_SET) < 0)
      Fail("cannot be seeked");
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    const char* reason = handle_ != nullptr ? mpg123_strerror(handle_.get()) : "";
    throw InvalidInput(fmt::format(
        "corrupt: '{}' {} (libmpg123: {}); the file may be damaged or not an MP3: re-encode or "
        "replace it",
        path_, what, reason));
  }

  struct HandleDeleter {
    void operator()(mpg123_handle* handle) const {
      mpg123_close(handle);
      mpg123_delete(handle);
    }
  };

  std::string path_;
  std::unique_ptr<mpg123_handle, HandleDeleter> handle_;
  bool done_ = false;
};

// ---- Everything else: libsndfile -----------------------------------------------------------

std::string MajorFormatName(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
      return "WAV";
    case SF_FORMAT_WAVEX:
      return "WAV";
    case SF_FORMAT_RF64:
      return "RF64";
    case SF_FORMAT_W64:
      return "W64";
    case SF_FORMAT_AIFF:
      return "AIFF";
    case SF_FORMAT_AU:
      return "AU";
    case SF_FORMAT_FLAC:
      return "FLAC";
    case SF_FORMAT_OGG:
      return (format & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS ? "OPUS" : "OGG";
    case SF_FORMAT_CAF:
      return "CAF";
    case SF_FORMAT_MPEG:
      return "MP3";
    default:
      break;
  }
  SF_FORMAT_INFO info{};
  info.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.name != nullptr) {
    return info.name;
  }
  return "audio";
}

class SndfileDecoder final : public Decoder {
 public:
  explicit SndfileDecoder(const std::string& path) : path_(path) {
    SF_INFO info{};
    file_ = sf_open(path.c_str(), SFM_READ, &info);
    if (file_ == nullptr) {
      const std::string reason = sf_strerror(nullptr);
      if (!HasAudioExtension(path)) {
        throw InvalidInput(fmt::format(
            "unsupported format: '{}' is not audio hitscope can decode (libsndfile: {}); "
            "hitscope reads MP3, WAV, FLAC, OGG (Vorbis, Opus), AIFF, AU, W64 and CAF: convert "
            "it first, e.g. ffmpeg -i '{}' '{}.flac'",
            path, reason, path, std::filesystem::path(path).stem().string()));
      }
      throw InvalidInput(fmt::format(
          "corrupt: '{}' cannot be decoded (libsndfile: {}); the file is damaged or not what its "
          "extension says: re-encode or replace it",
          path, reason));
    }
    sample_rate_ = info.samplerate;
    channels_ = info.channels;
    format_ = MajorFormatName(info.format);
    const int major = info.format & SF_FORMAT_TYPEMASK;
    const bool known = info.frames >= 0 && info.frames != std::numeric_limits<sf_count_t>::max();
    declared_frames_ = known ? static_cast<int64_t>(info.frames) : -1;
    declared_exact_ = known && major != SF_FORMAT_OGG && major != SF_FORMAT_MPEG;
  }
  ~SndfileDecoder() override {
    if (file_ != nullptr) sf_close(file_);
  }

  int64_t Read(float* dst, int64_t frames) override {
    const sf_count_t got = sf_readf_float(file_, dst, static_cast<sf_count_t>(frames));
    if (got < frames && sf_error(file_) != SF_ERR_NO_ERROR) {
      throw InvalidInput(fmt::format(
          "corrupt: '{}' is damaged after {:.2f} s of audio (libsndfile: {}); the file may be "
          "truncated or corrupted: re-encode or replace it",
          path_, static_cast<double>(decoded_ + std::max<sf_count_t>(got, 0)) / sample_rate_,
          sf_strerror(file_)));
    }
    decoded_ += std::max<sf_count_t>(got, 0);
    return got;
  }

  void SeekTo(int64_t frame) override {
    if (sf_seek(file_, static_cast<sf_count_t>(frame), SEEK_SET) < 0) {
      throw InvalidInput(fmt::format("corrupt: '{}' cannot be seeked to frame {} (libsndfile: {})",
                                     path_, frame, sf_strerror(file_)));
    }
    decoded_ = frame;
  }

 private:
  std::string path_;
  SNDFILE* file_ = nullptr;
  int64_t decoded_ = 0;
};

uint32_t Le32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

}  // namespace

std::unique_ptr<Decoder> OpenMp3(const std::string& path) {
  return std::make_unique<Mp3Decoder>(path);
}

std::unique_ptr<Decoder> OpenSndfile(const std::string& path) {
  return std::make_unique<SndfileDecoder>(path);
}

WavDataSizes InspectWavData(const std::string& path, int64_t file_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 12> riff{};
  if (!in.read(reinterpret_cast<char*>(riff.data()), riff.size())) return {};
  if (std::memcmp(riff.data(), "RIFF", 4) != 0 || std::memcmp(riff.data() + 8, "WAVE", 4) != 0) {
    return {};
  }
  int64_t offset = 12;
  // Walk the chunks to "data"; a handful is normal (fmt, LIST, fact, ...).
  for (int chunk = 0; chunk < 64 && offset + 8 <= file_bytes; ++chunk) {
    std::array<unsigned char, 8> header{};
    in.seekg(offset);
    if (!in.read(reinterpret_cast<char*>(header.data()), header.size())) return {};
    const int64_t size = Le32(header.data() + 4);
    if (std::memcmp(header.data(), "data", 4) == 0) {
      // 0 and 0xFFFFFFFF are placeholders of streamed or unfinished writes: nothing to check.
      if (size == 0 || size == 0xFFFFFFFF) return {};
      return {size, file_bytes - (offset + 8)};
    }
    offset += 8 + size + (size & 1);
  }
  return {};
}

}  // namespace hitscope::audio
