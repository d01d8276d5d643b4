// hitscope/audio.hpp: audio files to mel spectrograms, computed as librosa 0.10 computes them.
//
// One track goes through (what `hitscope spectrogram` does for each file):
//   LoadAudio       decode (MP3 with libmpg123; WAV, FLAC, OGG Vorbis/Opus, AIFF and the rest
//                   of libsndfile's formats), mix down to mono (the mean of the channels, as
//                   librosa.to_mono), keep the start of the file (librosa.load(duration=30)),
//                   resample to 22,050 Hz (libsoxr's HQ recipe, as librosa's default
//                   res_type="soxr_hq") and zero-pad to the whole window, so that every track
//                   gives the same shape;
//   MelSpectrogram  the power mel spectrogram with librosa.feature.melspectrogram's defaults:
//                   n_fft 2048, hop 512, periodic Hann window, centred frames padded with zeros
//                   (librosa 0.10's pad_mode="constant"), |STFT|^2, 128 Slaney mel bands with
//                   Slaney (area) normalisation from 0 Hz to sr / 2;
//   PowerToDb       decibels, as librosa.power_to_db (ref 1.0 or the maximum, amin, top_db).
// A 30-second window at 22,050 Hz gives 128 x 1292 values.
//
// Parity: tests/parity/audio_mel_reference.py re-implements librosa 0.10's STFT, mel basis and
// power_to_db in numpy; on the same samples the dB values agree within 0.01 dB (typically
// 1e-4 dB: hitscope's FFT runs in float32, librosa's in float64). See docs/audio.md.
//
// RunSpectrogramJob does all of that for many files in parallel (one file per worker thread)
// and writes, per track, a PNG image and/or a float32 .npy tensor, plus an index CSV. A file
// that cannot be used (missing, unreadable, corrupt, truncated, unsupported, empty, silent, too
// large) becomes an error row in the index; the other files are still processed.
//
// Threads: every function here may be called from several threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hitscope {

// ---- Decoding ------------------------------------------------------------------------------

struct AudioLoadOptions {
  // Output sample rate in Hz (librosa.load sr). 0 keeps the file's own rate. Default 22,050.
  int sample_rate = 22050;
  // Seconds skipped at the start of the file (librosa.load offset). Default 0.
  double offset_seconds = 0;
  // The window: this many seconds from the offset are kept (librosa.load duration); 0 keeps
  // the whole file. The cut happens at the file's own rate, before resampling, as librosa's.
  // Default 30 (the length of a streaming preview).
  double duration_seconds = 30;
  // Zero-pads audio shorter than the window to duration_seconds, so that every track gives a
  // spectrogram of the same shape (librosa.util.fix_length). Default true.
  bool pad_to_duration = true;
  // Files larger than this are refused before decoding. Default 2 GiB.
  int64_t max_file_bytes = int64_t{2} << 30;
  // duration_seconds = 0 only: audio longer than this is refused (memory: 4 bytes per sample
  // per channel). Default 1 hour.
  double max_seconds = 3600;
  // Audio whose peak level (of the mono mix, in the window) is below this many dB full scale
  // is refused as silent. Default -80 dBFS (an amplitude of 1e-4). Set -inf to accept silence.
  double silence_threshold_dbfs = -80;
};

// A decoded, mono, resampled window of a file.
struct AudioClip {
  std::vector<float> samples;  // mono, in [-1, 1] for PCM sources
  int sample_rate = 0;
  std::string format;  // the container / codec as decoded: "MP3", "WAV", "FLAC", "OGG", ...
  int source_sample_rate = 0;
  int source_channels = 0;
  double source_seconds = 0;   // the length of the whole file as its header or decoder says
  double decoded_seconds = 0;  // the audio actually decoded in the window, before padding
  double padded_seconds = 0;   // zeros added at the end to fill the window
  double peak_dbfs = 0;        // peak level of the mono mix in the window (-inf: all zeros)
};

// Decodes, mixes down, cuts, resamples and pads one file. Throws Error(kIo) when the file
// cannot be opened or read, and Error(kInvalidInput) when its content cannot be used: the
// message starts with a category and says what to do:
//   "unsupported format: ..."  not a format hitscope decodes (e.g. AAC/M4A): convert it;
//   "corrupt: ..."             the decoder failed on the data;
//   "truncated: ..."           the data ends before the length the header promises;
//   "empty: ..."               no samples at all;
//   "silent: ..."              the peak level is below silence_threshold_dbfs;
//   "too large: ..."           beyond max_file_bytes or max_seconds;
//   "invalid samples: ..."     NaN or infinite values (float files).
// Throws Error(kInvalidArgument) for options out of their domain (negative duration, a rate
// below 1,000 Hz).
AudioClip LoadAudio(const std::string& path, const AudioLoadOptions& options = {});

// Resamples mono audio from `from_rate` to `to_rate` Hz with libsoxr's HQ recipe (the quality
// librosa 0.10 uses by default), giving ceil(n * to_rate / from_rate) samples (as
// librosa.resample with fix=True): the samples of one soxr_oneshot call over the whole input,
// computed a chunk at a time. Equal rates return the input.
std::vector<float> Resample(std::span<const float> samples, int from_rate, int to_rate);

// ---- Mel spectrograms ----------------------------------------------------------------------

struct MelOptions {
  int sample_rate = 22050;  // Hz (librosa sr)
  int n_fft = 2048;         // frame length, also the FFT size (n_fft); >= 2
  int hop_length = 512;     // samples between frames (hop_length); >= 1
  int n_mels = 128;         // mel bands (n_mels); >= 1
  double fmin = 0;          // lowest frequency of the mel basis in Hz (fmin)
  double fmax = 0;          // highest frequency in Hz (fmax); 0 means sample_rate / 2
  double power = 2;         // exponent of the magnitude (power): 2 power, 1 magnitude; > 0
  // Centre frames on hop multiples by padding n_fft / 2 zeros at both ends (center=True with
  // librosa 0.10's pad_mode="constant"). false: frames start at hop multiples.
  bool center = true;
};

// A mel spectrogram: bands x frames float32 values, row-major (band 0, the lowest, first), as
// librosa's S[m, t].
struct Spectrogram {
  int64_t bands = 0;
  int64_t frames = 0;
  std::vector<float> values;  // bands * frames

  float at(int64_t band, int64_t frame) const { return values[band * frames + frame]; }
};

// The number of frames MelSpectrogram gives for `samples` samples (1 + samples / hop when
// centred; 0 when too short to frame).
int64_t SpectrogramFrames(int64_t samples, const MelOptions& options = {});

// The power mel spectrogram of mono samples at options.sample_rate. Throws
// Error(kInvalidArgument) for options out of their domain and Error(kInvalidInput) for an empty
// signal, a non-finite sample, or (center = false) fewer samples than n_fft.
Spectrogram MelSpectrogram(std::span<const float> samples, const MelOptions& options = {});

// The mel basis, as librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax) with htk=False and
// norm="slaney": n_mels x (1 + n_fft / 2) float32 weights, row-major.
std::vector<float> MelFilterbank(const MelOptions& options = {});

// librosa.mel_frequencies(n, fmin=..., fmax=..., htk=False): n frequencies in Hz evenly spaced
// on the Slaney mel scale. Band m of the basis rises from frequency m to m + 1 and falls to
// m + 2 of MelFrequencies(n_mels + 2, fmin, fmax).
std::vector<double> MelFrequencies(int n, double fmin, double fmax);
double HzToMel(double hz);  // Slaney: linear below 1 kHz, logarithmic above
double MelToHz(double mel);

// librosa.filters.get_window("hann", n, fftbins=True): the periodic Hann window, in float64.
std::vector<double> HannWindow(int n);

// How dB values are referenced (librosa.power_to_db's ref).
enum class DbReference {
  kValue,    // a fixed value (ref=1.0 by default): absolute levels
  kMaximum,  // the spectrogram's maximum (ref=np.max): 0 dB at the loudest value
};

struct DbOptions {
  DbReference reference = DbReference::kValue;  // librosa's default is ref=1.0
  double ref_value = 1.0;                       // for kValue (ref); its absolute value is used
  double amin = 1e-10;                          // floor of power and ref (amin); > 0
  // Values below max - top_db are raised to it (top_db); <= 0 disables the floor. Default 80.
  double top_db = 80;
};

// Converts a power spectrogram to decibels in place:
// 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), then floored at (max - top_db).
// Throws Error(kInvalidArgument) for amin <= 0.
void PowerToDb(Spectrogram& spectrogram, const DbOptions& options = {});

// ---- Files ---------------------------------------------------------------------------------

// Writes a 2-d float32 .npy file (NumPy format 1.0, C order, little-endian) of shape
// bands x frames, atomically.
void WriteNpy(const std::string& path, const Spectrogram& spectrogram);
// Writes a 1-d float32 .npy file, atomically.
void WriteNpy(const std::string& path, std::span<const float> values);
// Reads a 2-d float32 .npy file written by WriteNpy or numpy.save (C order, '<f4'). Throws
// Error(kIo) when unreadable and Error(kInvalidInput) naming the problem for anything else
// (not .npy, another dtype, Fortran order, not 2-d, a short file).
Spectrogram ReadNpySpectrogram(const std::string& path);

// How dB values map to 8-bit grey in PNG images: grey = round(255 (dB - low) / (high - low)),
// clamped to 0..255.
struct PngMapping {
  double db_low = -80;
  double db_high = 0;
};

// Writes a spectrogram in dB as an 8-bit greyscale PNG, atomically: one row per band with the
// highest band at the top (as librosa.display.specshow draws it), one column per frame. The
// mapping is stored in tEXt chunks ("hitscope:db_low", "hitscope:db_high").
void WriteSpectrogramPng(const std::string& path, const Spectrogram& db, const PngMapping& mapping);

// ---- Many files ----------------------------------------------------------------------------

// One audio file to process, with what a manifest says about it.
struct AudioSource {
  std::string path;      // as resolved (manifest paths are relative to the manifest's folder)
  std::string track_id;  // names the outputs; unique within a job
  std::optional<double> popularity;
  std::string artist;
  int64_t manifest_row = 0;  // 1-based data row of the manifest (0: from a folder listing)
};

// The audio files of a folder (not recursive), sorted by name, with their stem as track id
// (the whole file name when two files share a stem). Files whose extension is not an audio
// one (see AudioExtensions) are skipped and listed in `skipped` if given. Throws Error(kIo) if
// the folder cannot be read.
std::vector<AudioSource> ListAudioFolder(const std::string& folder,
                                         std::vector<std::string>* skipped = nullptr);
// ".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".aif", ".aiff", ".au", ".w64", ".caf".
const std::vector<std::string>& AudioExtensions();

// Reads a manifest CSV: a header with `file` (the audio path; also accepted: path, audio,
// filename), and optionally `track_id` (or id; default: the file's stem), `popularity` and
// `artist` (also accepted: id; track_popularity; track_artist, artist_id). Relative paths are
// taken from the manifest's folder. Throws Error(kIo) if it cannot be read, and
// Error(kInvalidInput) naming the file and row for a missing `file` column, an empty path, a
// duplicate track id, a popularity that is not a number in [0, 100], or no rows.
std::vector<AudioSource> ReadAudioManifest(const std::string& path);

// What a command line names as audio: a folder (ListAudioFolder; non-audio files go to
// `skipped`), a manifest (a .csv file: ReadAudioManifest) or one audio file (its stem as track
// id). Throws Error(kIo) when the path does not exist, and as the functions above.
std::vector<AudioSource> ResolveAudioInput(const std::string& input,
                                           std::vector<std::string>* skipped = nullptr);

enum class SpectrogramStatus { kOk, kError };

struct SpectrogramOutcome {
  AudioSource source;
  SpectrogramStatus status = SpectrogramStatus::kOk;
  std::string error;              // why the file was not used ("missing: ...", "corrupt: ...", ...)
  std::string npy, png, samples;  // output file names (within the output folder), if written
  AudioClip clip;                 // its samples are released once written
  int64_t bands = 0, frames = 0;
  double db_min = 0, db_max = 0;
  PngMapping png_mapping;
};

struct SpectrogramJobOptions {
  AudioLoadOptions load;
  MelOptions mel;
  DbOptions db;
  bool write_npy = true;       // <id>.npy: float32 dB, bands x frames
  bool write_png = true;       // <id>.png: 8-bit grey, see WriteSpectrogramPng
  bool write_samples = false;  // <id>.samples.npy: the mono samples the spectrogram used
  // PNG mapping for every image; empty: per image, [max - top_db, max] (or [min, max] without
  // top_db). Either way the mapping of each image is in the index.
  std::optional<PngMapping> png_range;
  std::string progress_label = "spectrograms";  // empty: no progress bar
};

struct SpectrogramJobReport {
  std::string out_dir;
  std::string index_path;                    // <out_dir>/index.csv
  std::vector<SpectrogramOutcome> outcomes;  // in input order
  int64_t ok = 0, failed = 0;
  // "wrote 17 spectrograms to out/ (index out/index.csv); 2 files failed: ..." with one line
  // per failed file (the first `limit`) and counts by category.
  std::string Summary(size_t limit = 20) const;
};

// Processes every source in parallel (one file per worker thread) into `out_dir` (created if
// missing) and writes <out_dir>/index.csv (one row per source, in input order, with status and
// error) and <out_dir>/spectrogram.json (the options used, for readers of the tensors and for
// `hitscope cnn`). A file that fails is recorded and the others go on. Throws Error(kIo) when
// the output folder or the index cannot be written, Error(kInvalidArgument) for bad options or
// nothing to write, and Error(kInvalidInput) for duplicate track ids.
SpectrogramJobReport RunSpectrogramJob(const std::vector<AudioSource>& sources,
                                       const std::string& out_dir,
                                       const SpectrogramJobOptions& options = {});

// The dB spectrogram of one file with a job's options (what a job writes as <id>.npy), for
// prediction. Throws as LoadAudio and MelSpectrogram.
Spectrogram ComputeDbSpectrogram(const std::string& path, const SpectrogramJobOptions& options,
                                 AudioClip* clip = nullptr);

// The spectrogram.json text a job writes for these options (version, mel and dB options,
// window, layout).
std::string SpectrogramSpecJson(const SpectrogramJobOptions& options);
// Reads the options back from spectrogram.json text (the load, mel and db parts). Throws
// Error(kInvalidInput) naming `source` and the missing or malformed field.
SpectrogramJobOptions ParseSpectrogramSpecJson(const std::string& text, const std::string& source);

}  // namespace hitscope
