// RunSpectrogramJob: many files in parallel, one outcome per file, an index CSV and the spec
// JSON that lets readers of the tensors (hitscope cnn, the numpy reference) know how they
// were made.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/audio.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>

#include "audio/mel_internal.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/trace.hpp"

namespace hitscope {
namespace {

namespace fs = std::filesystem;

void ValidateJobOptions(const SpectrogramJobOptions& options) {
  ValidateMelOptions(options.mel);
  if (options.load.sample_rate != options.mel.sample_rate) {
    throw InvalidArgument(fmt::format(
        "spectrograms: audio is resampled to {} Hz but the mel basis is for {} Hz; give one "
        "sample rate for both",
        options.load.sample_rate, options.mel.sample_rate));
  }
  if (!(options.db.amin > 0)) {
    throw InvalidArgument(fmt::format("power_to_db: amin must be > 0, got {}", options.db.amin));
  }
  if (options.png_range && !(options.png_range->db_high > options.png_range->db_low)) {
    throw InvalidArgument(fmt::format("PNG range: need low < high, got {} to {}",
                                      options.png_range->db_low, options.png_range->db_high));
  }
}

// "missing", "corrupt", ...: the category that starts every per-file message.
std::string Category(const std::string& message) {
  const size_t colon = message.find(':');
  if (colon == std::string::npos || colon > 20) return "other";
  return message.substr(0, colon);
}

PngMapping ImageMapping(const SpectrogramJobOptions& options, double db_min, double db_max) {
  if (options.png_range) return *options.png_range;
  PngMapping mapping;
  mapping.db_high = db_max;
  mapping.db_low = options.db.top_db > 0 ? db_max - options.db.top_db : db_min;
  if (!(mapping.db_high > mapping.db_low)) mapping.db_low = mapping.db_high - 1;  // flat image
  return mapping;
}

// A worker's big buffers (the samples and the spectrogram of a file), reused from file to file
// so that each file does not allocate, fault in and free a few megabytes again.
struct WorkBuffers {
  std::vector<float> samples;
  Spectrogram spectrogram;
};

// Buffers for the files in flight: one per worker at most, freed with the job.
class BufferPool {
 public:
  std::unique_ptr<WorkBuffers> Take() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return std::make_unique<WorkBuffers>();
    auto buffers = std::move(free_.back());
    free_.pop_back();
    return buffers;
  }
  void Give(std::unique_ptr<WorkBuffers> buffers) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(buffers));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<WorkBuffers>> free_;
};

SpectrogramOutcome ProcessOne(const AudioSource& source, const std::string& stem,
                              const std::string& out_dir, const SpectrogramJobOptions& options,
                              WorkBuffers& buffers) {
  SpectrogramOutcome outcome;
  outcome.source = source;
  AudioClip clip;
  clip.samples = std::move(buffers.samples);
  try {
    audio::LoadAudioInto(source.path, options.load, clip);
    Spectrogram& db = buffers.spectrogram;
    audio::MelSpectrogramInto(clip.samples, options.mel, db);
    const audio::DbRange range = audio::PowerToDbWithRange(db, options.db);
    outcome.frames = db.frames;
    outcome.bands = db.bands;
    outcome.db_min = range.min;
    outcome.db_max = range.max;
    outcome.png_mapping = ImageMapping(options, outcome.db_min, outcome.db_max);
    const fs::path dir(out_dir);
    if (options.write_npy) {
      outcome.npy = stem + ".npy";
      WriteNpy((dir / outcome.npy).string(), db);
    }
    if (options.write_png) {
      outcome.png = stem + ".png";
      WriteSpectrogramPng((dir / outcome.png).string(), db, outcome.png_mapping);
    }
    if (options.write_samples) {
      outcome.samples = stem + ".samples.npy";
      WriteNpy((dir / outcome.samples).string(), clip.samples);
    }
    buffers.samples = std::move(clip.samples);
    outcome.clip = std::move(clip);
  } catch (const Error& e) {
    outcome.status = SpectrogramStatus::kError;
    outcome.error = e.what();
    outcome.npy.clear();
    outcome.png.clear();
    outcome.samples.clear();
    buffers.samples = std::move(clip.samples);
  }
  outcome.clip.samples = {};
  return outcome;
}

// The index: one row per source, in input order.
Table IndexTable(const std::vector<SpectrogramOutcome>& outcomes) {
  auto strings = [&](auto get) {
    ColumnBuilder builder(DataType::kString);
    for (const auto& o : outcomes) {
      const std::string value = get(o);
      value.empty() ? builder.AppendNull() : builder.AppendString(value);
    }
    return builder.Finish();
  };
  auto numbers = [&](auto get, bool ok_only) {
    ColumnBuilder builder(DataType::kFloat64);
    for (const auto& o : outcomes) {
      const double value = get(o);
      const bool missing = (ok_only && o.status != SpectrogramStatus::kOk) || std::isnan(value);
      missing ? builder.AppendNull() : builder.AppendFloat(value);
    }
    return builder.Finish();
  };
  auto integers = [&](auto get) {
    ColumnBuilder builder(DataType::kInt64);
    for (const auto& o : outcomes) {
      if (o.status == SpectrogramStatus::kOk) {
        builder.AppendInt(get(o));
      } else {
        builder.AppendNull();
      }
    }
    return builder.Finish();
  };
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> names = {"track_id",
                                    "file",
                                    "status",
                                    "error",
                                    "npy",
                                    "png",
                                    "samples",
                                    "popularity",
                                    "artist",
                                    "format",
                                    "source_sample_rate",
                                    "source_channels",
                                    "source_seconds",
                                    "decoded_seconds",
                                    "padded_seconds",
                                    "peak_dbfs",
                                    "frames",
                                    "bands",
                                    "db_min",
                                    "db_max",
                                    "png_db_low",
                                    "png_db_high"};
  std::vector<Column> columns;
  columns.push_back(strings([](const auto& o) { return o.source.track_id; }));
  columns.push_back(strings([](const auto& o) { return o.source.path; }));
  columns.push_back(strings([](const auto& o) {
    return std::string(o.status == SpectrogramStatus::kOk ? "ok" : "error");
  }));
  columns.push_back(strings([](const auto& o) { return o.error; }));
  columns.push_back(strings([](const auto& o) { return o.npy; }));
  columns.push_back(strings([](const auto& o) { return o.png; }));
  columns.push_back(strings([](const auto& o) { return o.samples; }));
  columns.push_back(
      numbers([&](const auto& o) { return o.source.popularity.value_or(kNan); }, false));
  columns.push_back(strings([](const auto& o) { return o.source.artist; }));
  columns.push_back(strings([](const auto& o) {
    return o.status == SpectrogramStatus::kOk ? o.clip.format : std::string();
  }));
  columns.push_back(integers([](const auto& o) { return int64_t{o.clip.source_sample_rate}; }));
  columns.push_back(integers([](const auto& o) { return int64_t{o.clip.source_channels}; }));
  columns.push_back(numbers(
      [&](const auto& o) { return o.clip.source_seconds < 0 ? kNan : o.clip.source_seconds; },
      true));
  columns.push_back(numbers([](const auto& o) { return o.clip.decoded_seconds; }, true));
  columns.push_back(numbers([](const auto& o) { return o.clip.padded_seconds; }, true));
  columns.push_back(numbers(
      [&](const auto& o) { return std::isfinite(o.clip.peak_dbfs) ? o.clip.peak_dbfs : kNan; },
      true));
  columns.push_back(integers([](const auto& o) { return o.frames; }));
  columns.push_back(integers([](const auto& o) { return o.bands; }));
  columns.push_back(numbers([](const auto& o) { return o.db_min; }, true));
  columns.push_back(numbers([](const auto& o) { return o.db_max; }, true));
  columns.push_back(
      numbers([](const auto& o) { return o.png.empty() ? kNan : o.png_mapping.db_low; }, true));
  columns.push_back(
      numbers([](const auto& o) { return o.png.empty() ? kNan : o.png_mapping.db_high; }, true));
  return Table(std::move(names), std::move(columns));
}

}  // namespace

Spectrogram ComputeDbSpectrogram(const std::string& path, const SpectrogramJobOptions& options,
                                 AudioClip* clip) {
  ValidateJobOptions(options);
  AudioClip loaded = LoadAudio(path, options.load);
  Spectrogram spectrogram = MelSpectrogram(loaded.samples, options.mel);
  PowerToDb(spectrogram, options.db);
  if (clip != nullptr) *clip = std::move(loaded);
  return spectrogram;
}

SpectrogramJobReport RunSpectrogramJob(const std::vector<AudioSource>& sources,
                                       const std::string& out_dir,
                                       const SpectrogramJobOptions& options) {
  TraceScope trace("spectrograms");
  ValidateJobOptions(options);
  if (!options.write_npy && !options.write_png && !options.write_samples) {
    throw InvalidArgument("spectrograms: nothing to write; choose png, npy or samples");
  }
  if (sources.empty()) throw InvalidInput("spectrograms: no audio files to process");
  // Output names: the safe form of each track id, unique within the folder.
  std::map<std::string, size_t> ids;
  std::set<std::string> stems_taken;
  std::vector<std::string> stems;
  for (size_t i = 0; i < sources.size(); ++i) {
    auto [it, inserted] = ids.emplace(sources[i].track_id, i);
    if (!inserted) {
      throw InvalidInput(fmt::format(
          "spectrograms: track id '{}' is given to both '{}' and '{}'; ids name the outputs "
          "and must be unique",
          sources[i].track_id, sources[it->second].path, sources[i].path));
    }
    const std::string base = audio::SafeFileStem(sources[i].track_id);
    std::string stem = base;
    for (int n = 2; !stems_taken.insert(stem).second; ++n) stem = fmt::format("{}-{}", base, n);
    stems.push_back(stem);
  }
  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error || !fs::is_directory(out_dir)) {
    throw IoError(fmt::format("cannot create the output folder '{}': {}", out_dir,
                              error ? error.message() : "a file of that name exists"));
  }

  SpectrogramJobReport report;
  report.out_dir = out_dir;
  report.outcomes.resize(sources.size());
  {
    std::optional<Progress> progress;
    if (!options.progress_label.empty()) {
      progress.emplace(options.progress_label, sources.size(), "files");
    }
    BufferPool pool;
    ParallelTasks(sources.size(), [&](size_t i) {
      std::unique_ptr<WorkBuffers> buffers = pool.Take();
      report.outcomes[i] = ProcessOne(sources[i], stems[i], out_dir, options, *buffers);
      pool.Give(std::move(buffers));
      if (progress) progress->Add(1);
    });
  }
  for (const auto& outcome : report.outcomes) {
    (outcome.status == SpectrogramStatus::kOk ? report.ok : report.failed) += 1;
  }
  Table index = IndexTable(report.outcomes);
  report.index_path = (fs::path(out_dir) / "index.csv").string();
  WriteCsv(index, report.index_path);
  nlohmann::json spec = nlohmann::json::parse(SpectrogramSpecJson(options));
  spec["tracks"] = {{"ok", report.ok}, {"failed", report.failed}};
  WriteFileAtomically((fs::path(out_dir) / "spectrogram.json").string(), spec.dump(1) + "\n");
  return report;
}

std::string SpectrogramJobReport::Summary(size_t limit) const {
  std::string out;
  std::set<std::pair<int64_t, int64_t>> shapes;
  for (const auto& o : outcomes) {
    if (o.status == SpectrogramStatus::kOk) shapes.emplace(o.bands, o.frames);
  }
  out += fmt::format("wrote {} spectrogram{}", ok, ok == 1 ? "" : "s");
  if (shapes.size() == 1) {
    out += fmt::format(" of {} x {}", shapes.begin()->first, shapes.begin()->second);
  }
  out += fmt::format(" to {} (index: {})\n", out_dir, index_path);
  if (failed == 0) return out;
  out += fmt::format("{} of {} file{} failed:\n", failed, outcomes.size(),
                     outcomes.size() == 1 ? "" : "s");
  std::map<std::string, int64_t> by_category;
  size_t shown = 0;
  for (const auto& o : outcomes) {
    if (o.status == SpectrogramStatus::kOk) continue;
    ++by_category[Category(o.error)];
    if (shown++ < limit) out += fmt::format("  {}: {}\n", o.source.track_id, o.error);
  }
  if (shown > limit) out += fmt::format("  ... and {} more (see the index)\n", shown - limit);
  std::string counts;
  for (const auto& [category, count] : by_category) {
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", category, count);
  }
  out += "failures by kind: " + counts + "\n";
  return out;
}

std::string SpectrogramSpecJson(const SpectrogramJobOptions& options) {
  nlohmann::json spec;
  spec["format"] = "hitscope spectrograms";
  spec["version"] = 1;
  spec["layout"] = "mels x frames";
  spec["dtype"] = "float32";
  spec["reference"] = "librosa 0.10: melspectrogram + power_to_db";
  spec["load"] = {{"sample_rate", options.load.sample_rate},
                  {"offset_seconds", options.load.offset_seconds},
                  {"duration_seconds", options.load.duration_seconds},
                  {"pad_to_duration", options.load.pad_to_duration},
                  {"silence_threshold_dbfs", options.load.silence_threshold_dbfs},
                  {"mono", "mean of channels"},
                  {"resampler", "libsoxr HQ"}};
  spec["mel"] = {{"sample_rate", options.mel.sample_rate},
                 {"n_fft", options.mel.n_fft},
                 {"hop_length", options.mel.hop_length},
                 {"n_mels", options.mel.n_mels},
                 {"fmin", options.mel.fmin},
                 {"fmax", options.mel.fmax},
                 {"power", options.mel.power},
                 {"center", options.mel.center},
                 {"window", "hann"},
                 {"pad_mode", "constant"},
                 {"norm", "slaney"},
                 {"htk", false}};
  spec["db"] = {{"ref", options.db.reference == DbReference::kMaximum
                            ? std::string("max")
                            : fmt::format("{}", options.db.ref_value)},
                {"amin", options.db.amin},
                {"top_db", options.db.top_db}};
  if (options.png_range) {
    spec["png"] = {{"mapping", "fixed"},
                   {"db_low", options.png_range->db_low},
                   {"db_high", options.png_range->db_high}};
  } else {
    spec["png"] = {{"mapping", "per image: [max - top_db, max], see index.csv"}};
  }
  spec["png"]["formula"] = "grey = round(255 * (dB - db_low) / (db_high - db_low)), clamped";
  return spec.dump(1);
}

SpectrogramJobOptions ParseSpectrogramSpecJson(const std::string& text, const std::string& source) {
  SpectrogramJobOptions options;
  try {
    const nlohmann::json spec = nlohmann::json::parse(text);
    if (spec.value("format", "") != "hitscope spectrograms") {
      throw InvalidInput(fmt::format("'{}' is not a hitscope spectrogram spec", source));
    }
    const auto& load = spec.at("load");
    options.load.sample_rate = load.at("sample_rate").get<int>();
    options.load.offset_seconds = load.at("offset_seconds").get<double>();
    options.load.duration_seconds = load.at("duration_seconds").get<double>();
    options.load.pad_to_duration = load.at("pad_to_duration").get<bool>();
    options.load.silence_threshold_dbfs = load.at("silence_threshold_dbfs").get<double>();
    const auto& mel = spec.at("mel");
    options.mel.sample_rate = mel.at("sample_rate").get<int>();
    options.mel.n_fft = mel.at("n_fft").get<int>();
    options.mel.hop_length = mel.at("hop_length").get<int>();
    options.mel.n_mels = mel.at("n_mels").get<int>();
    options.mel.fmin = mel.at("fmin").get<double>();
    options.mel.fmax = mel.at("fmax").get<double>();
    options.mel.power = mel.at("power").get<double>();
    options.mel.center = mel.at("center").get<bool>();
    const auto& db = spec.at("db");
    const std::string ref = db.at("ref").get<std::string>();
    if (ref == "max") {
      options.db.reference = DbReference::kMaximum;
    } else {
      options.db.reference = DbReference::kValue;
      options.db.ref_value = std::stod(ref);
    }
    options.db.amin = db.at("amin").get<double>();
    options.db.top_db = db.at("top_db").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(fmt::format("'{}': a malformed spectrogram spec ({})", source, e.what()));
  } catch (const std::logic_error&) {  // std::stod: not a number, or out of range
    throw InvalidInput(fmt::format("'{}': the dB reference is not 'max' or a number", source));
  }
  ValidateMelOptions(options.mel);
  return options;
}

}  // namespace hitscope
