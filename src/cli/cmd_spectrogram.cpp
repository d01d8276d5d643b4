#include <filesystem>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <hitscope/audio.hpp>
#include <hitscope/error.hpp>

#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

// "-80:0" -> {-80, 0}.
PngMapping ParsePngRange(const std::string& text) {
  const size_t colon = text.find(':', 1);
  try {
    if (colon == std::string::npos) throw std::invalid_argument(text);
    size_t used_low = 0, used_high = 0;
    PngMapping mapping{std::stod(text.substr(0, colon), &used_low),
                       std::stod(text.substr(colon + 1), &used_high)};
    if (used_low != colon || used_high != text.size() - colon - 1 ||
        !(mapping.db_low < mapping.db_high)) {
      throw std::invalid_argument(text);
    }
    return mapping;
  } catch (const std::exception&) {
    throw InvalidArgument(fmt::format(
        "--png-range '{}' is not LOW:HIGH in dB with LOW < HIGH, e.g. --png-range=-80:0", text));
  }
}

// The sources of INPUT, telling what a folder listing skipped.
std::vector<AudioSource> Sources(const std::string& input, bool quiet) {
  std::vector<std::string> skipped;
  std::vector<AudioSource> sources = ResolveAudioInput(input, &skipped);
  if (!quiet && !skipped.empty()) {
    std::vector<std::string> shown(skipped.begin(),
                                   skipped.begin() + std::min<size_t>(skipped.size(), 5));
    fmt::print(stderr, "skipped {} file{} without an audio extension: {}{}\n", skipped.size(),
               skipped.size() == 1 ? "" : "s", fmt::join(shown, ", "),
               skipped.size() > shown.size() ? ", ..." : "");
  }
  if (sources.empty()) {
    throw InvalidInput(
        fmt::format("'{}' holds no audio files ({})", input, fmt::join(AudioExtensions(), " ")));
  }
  return sources;
}

void AddSpectrogramCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "spectrogram", "Mel spectrograms of audio files, as librosa 0.10 computes them");
  struct Args {
    std::string input, out;
    std::vector<std::string> formats = {"png", "npy"};
    bool samples = false, strict = false, no_pad = false;
    std::string ref = "1.0";
    std::string png_range;
    double max_file_mb = 2048;
    SpectrogramJobOptions job;
  };
  auto args = std::make_shared<Args>();
  SpectrogramJobOptions& job = args->job;
  command
      ->add_option("INPUT", args->input,
                   "A folder of audio files, a manifest CSV (file, track_id, popularity, "
                   "artist) or one audio file")
      ->required();
  command->add_option("--out", args->out, "Folder for the outputs and index.csv (created)")
      ->required();
  command
      ->add_option("--format", args->formats,
                   "Outputs per track: png (8-bit image), npy (float32 dB tensor), or both")
      ->delimiter(',')
      ->check(CLI::IsMember({"png", "npy"}))
      ->capture_default_str();
  command->add_flag("--samples", args->samples,
                    "Also write <id>.samples.npy: the mono samples the spectrogram was made of");
  command
      ->add_option("--duration", job.load.duration_seconds,
                   "Seconds taken from the start (0: the whole file)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command->add_option("--offset", job.load.offset_seconds, "Seconds skipped first")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--no-pad", args->no_pad,
                    "Do not zero-pad clips shorter than --duration (shapes then vary)");
  command->add_option("--sample-rate", job.load.sample_rate, "Resample to this rate (Hz)")
      ->capture_default_str()
      ->check(CLI::Range(1000, 384000));
  command->add_option("--n-fft", job.mel.n_fft, "FFT / frame length")
      ->capture_default_str()
      ->check(CLI::Range(2, 1 << 20));
  command->add_option("--hop", job.mel.hop_length, "Samples between frames")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--mels", job.mel.n_mels, "Mel bands")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  command->add_option("--fmin", job.mel.fmin, "Lowest mel frequency (Hz)")->capture_default_str();
  command->add_option("--fmax", job.mel.fmax, "Highest mel frequency (Hz; 0: sample rate / 2)")
      ->capture_default_str();
  command->add_option("--power", job.mel.power, "Exponent of the magnitude (2: power)")
      ->capture_default_str();
  command->add_option("--ref", args->ref, "dB reference: a number (librosa's 1.0) or max")
      ->capture_default_str();
  command->add_option("--amin", job.db.amin, "Floor of power before the log")
      ->capture_default_str();
  command->add_option("--top-db", job.db.top_db, "Floor at max - top_db (0: none)")
      ->capture_default_str();
  command
      ->add_option("--png-range", args->png_range,
                   "Fixed dB range LOW:HIGH for the grey scale of every image (default: "
                   "[max - top_db, max] per image); use --png-range=-80:0")
      ->allow_extra_args(false);
  command->add_option("--max-file-mb", args->max_file_mb, "Refuse larger files")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--max-seconds", job.load.max_seconds, "With --duration 0: refuse longer audio")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--silence-threshold", job.load.silence_threshold_dbfs,
                   "Refuse audio whose peak is below this level (dBFS)")
      ->capture_default_str();
  command->add_flag("--strict", args->strict, "Exit 1 if any file fails (default: only if all)");
  command->footer(
      "Defaults are librosa 0.10's: 22,050 Hz mono, n_fft 2048, hop 512, Hann window, centred\n"
      "frames padded with zeros, power 2, 128 Slaney mel bands, power_to_db(ref=1.0, amin=1e-10,\n"
      "top_db=80); a 30-second window gives 128 x 1292. Reads MP3, WAV, FLAC, OGG, AIFF, ...\n"
      "Writes <id>.png and/or <id>.npy per track, index.csv (one row per file: ok, or the reason\n"
      "it failed: missing, corrupt, truncated, unsupported format, empty, silent, too large)\n"
      "and spectrogram.json (the options, read by `hitscope cnn`). Failed files do not stop the\n"
      "others; the exit code is 1 only when no file could be used (or with --strict).\n"
      "Examples:\n"
      "  hitscope spectrogram ../shared/data/audio --out spectrograms\n"
      "  hitscope spectrogram manifest.csv --out spec --format npy --ref max\n"
      "  hitscope spectrogram song.mp3 --out one --format png --png-range=-80:0");
  command->callback([args, &flags] {
    SpectrogramJobOptions options = args->job;
    options.mel.sample_rate = options.load.sample_rate;
    options.load.pad_to_duration = !args->no_pad;
    options.load.max_file_bytes = static_cast<int64_t>(args->max_file_mb * 1e6);
    options.write_png = options.write_npy = false;
    for (const auto& format : args->formats) {
      (format == "png" ? options.write_png : options.write_npy) = true;
    }
    options.write_samples = args->samples;
    if (args->ref == "max") {
      options.db.reference = DbReference::kMaximum;
    } else {
      try {
        size_t used = 0;
        options.db.ref_value = std::stod(args->ref, &used);
        if (used != args->ref.size()) throw std::invalid_argument(args->ref);
      } catch (const std::exception&) {
        throw InvalidArgument(fmt::format("--ref '{}' is neither a number nor 'max'", args->ref));
      }
    }
    if (!args->png_range.empty()) options.png_range = ParsePngRange(args->png_range);
    options.progress_label = flags.quiet ? "" : "spectrograms";
    const std::vector<AudioSource> sources = Sources(args->input, flags.quiet);
    const SpectrogramJobReport report = RunSpectrogramJob(sources, args->out, options);
    if (report.ok == 0) {
      throw InvalidInput("no file could be used:\n" + report.Summary());
    }
    if (args->strict && report.failed > 0) {
      throw InvalidInput("--strict: some files failed:\n" + report.Summary());
    }
    if (!flags.quiet) fmt::print(stderr, "{}", report.Summary());
  });
}

const CommandRegistration kRegistration(80, "spectrogram", &AddSpectrogramCommand);

}  // namespace
}  // namespace hitscope::cli
