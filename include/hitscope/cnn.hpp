// hitscope/cnn.hpp: the study's CNN popularity model on mel spectrograms (audio.hpp), trained,
// evaluated and applied with the same honest protocol as the tabular models.
//
// The network (the study's, in Keras terms): Conv2D(32, 3 x 3, 'valid') -> ReLU ->
// MaxPooling2D(2 x 2) -> Flatten -> Dense(64) -> ReLU -> Dropout(0.5) -> Dense(3) -> softmax;
// Glorot-uniform weights and zero biases (Keras' defaults), Adam(lr 1e-3, eps 1e-7: Keras'
// epsilon, not PyTorch's 1e-8), batch 32, 10 epochs, categorical cross-entropy (with optional
// "balanced" class weights, averaged over the batch as Keras does). Input: one spectrogram in dB,
// averaged down to input_bands x input_frames (PyTorch's adaptive average pooling: every output
// cell is the mean of the input cells it covers), standardised with the mean and standard
// deviation of the training rows.
//
// The protocol (what must never leak): the rows are split into training and test sets *before*
// anything is fitted, grouped by artist when the data names artists (no artist on both sides),
// else by track; the standardisation, the class weights and the early-stopping validation set
// all come from the training rows only; the test rows are used once, at the end, for the
// scores. Popularity becomes classes with fixed edges (class i: edges[i-1] <= p < edges[i];
// popularity 0 always falls in the first, "low").
//
// LibTorch (Debian's libtorch-dev 1.13) is used by src/cnn's own .cpp files only: no torch type
// appears here. Training uses every worker thread (hitscope::SetThreadCount) through LibTorch's
// own thread pool, and the GPU when LibTorch sees one (device "auto"). When hitscope was built
// without LibTorch, training, loading and prediction throw Error(kInvalidArgument) saying so.
//
// Results are reproducible for a seed on one machine and thread count (LibTorch's float sums
// may change with the number of threads).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hitscope/audio.hpp>
#include <hitscope/estimator.hpp>
#include <hitscope/matrix.hpp>
#include <hitscope/metrics.hpp>

namespace hitscope {

struct CnnArchitecture {
  int conv_filters = 32;  // Conv2D filters (Keras filters)
  int kernel_size = 3;    // square kernel, stride 1, no padding (Keras kernel_size, 'valid')
  int pool_size = 2;      // MaxPooling2D pool_size and stride
  int dense_units = 64;   // hidden Dense layer (Keras units)
  double dropout = 0.5;   // Dropout rate after the hidden layer (Keras rate), in [0, 1)
};

struct CnnOptions {
  CnnArchitecture architecture;
  // The network's input: spectrograms are averaged down (or repeated up) to this size.
  // Default 128 x 128 (128 mel bands, 30 s in 128 steps of about 0.23 s).
  int input_bands = 128;
  int input_frames = 128;
  // Popularity classes: class i holds class_edges[i-1] <= popularity < class_edges[i]; default
  // low < 30 <= medium < 60 <= high, as `hitscope profile`. class_labels has edges + 1 names.
  std::vector<double> class_edges = {30, 60};
  std::vector<std::string> class_labels = {"low", "medium", "high"};
  int epochs = 10;              // Keras epochs
  int batch_size = 32;          // Keras batch_size
  double learning_rate = 1e-3;  // Adam learning_rate
  double adam_epsilon = 1e-7;   // Adam epsilon (Keras' default)
  // Share of groups (artists, else tracks) held out for the test scores before anything is
  // fitted (sklearn GroupShuffleSplit test_size). 0: no test set (every row trains; no scores).
  double test_fraction = 0.2;
  // Share of the training groups held out to stop early on the validation loss (Keras
  // validation_split + EarlyStopping(patience, restore_best_weights=True)). 0: no early stopping.
  double validation_fraction = 0;
  int patience = 3;  // epochs without a better validation loss before stopping
  // Weight each training row by n / (classes * count of its class) (sklearn's "balanced",
  // counted on the training rows only; Keras class_weight).
  bool class_weights = false;
  uint64_t seed = 0;            // split, initial weights, dropout and batch order
  std::string device = "auto";  // "auto" (a GPU when LibTorch sees one), "cpu" or "cuda"
  std::string progress_label;   // a progress bar over epochs when not empty
};

// Labelled (or unlabelled) spectrograms at a CNN's input size.
struct CnnDataset {
  int64_t bands = 0, frames = 0;  // input size of every row
  std::vector<std::string> track_ids;
  std::vector<std::string> artists;   // "" when unknown
  std::vector<double> popularity;     // NaN when unknown
  std::vector<float> values;          // rows x bands x frames dB values
  SpectrogramJobOptions spectrogram;  // how the spectrograms were made
  // Rows not loaded and why ("t7: error in the index: corrupt: ..."; "t9: no popularity").
  std::vector<std::string> skipped;

  int64_t rows() const { return static_cast<int64_t>(track_ids.size()); }
};

// Loads spectrograms for the CNN, averaged to bands x frames. `path` is one of:
//  - a folder written by `hitscope spectrogram` (index.csv, spectrogram.json, <id>.npy), or its
//    index.csv: rows with status "ok" and an .npy are loaded, the others listed in `skipped`;
//  - an audio manifest CSV (file, track_id, popularity, artist; see ReadAudioManifest): the
//    spectrograms are computed in memory with `spectrogram`'s options, in parallel; files that
//    fail are listed in `skipped`.
// With require_popularity, rows without a popularity are skipped too. Throws Error(kIo) when
// the path cannot be read and Error(kInvalidInput) when no row is left (the message lists the
// first reasons), or a tensor file is malformed.
CnnDataset LoadCnnDataset(const std::string& path, int bands, int frames, bool require_popularity,
                          const SpectrogramJobOptions& spectrogram = {});

// The spectrograms of audio files for the CNN, computed in parallel with `spectrogram`'s
// options and averaged to bands x frames; files that fail (and, with require_popularity, files
// without a popularity) are listed in `skipped`. Throws Error(kInvalidInput) when none is left.
CnnDataset LoadCnnAudio(const std::vector<AudioSource>& sources, int bands, int frames,
                        bool require_popularity, const SpectrogramJobOptions& spectrogram);

// Averages (or repeats) a spectrogram to bands x frames: output cell (i, j) is the mean of
// input rows [floor(i B / b), ceil((i + 1) B / b)) and columns likewise (PyTorch's
// adaptive_avg_pool2d). REQUIRES: bands, frames >= 1.
Spectrogram ResizeSpectrogram(const Spectrogram& input, int64_t bands, int64_t frames);

// The class of each popularity (see CnnOptions::class_edges). Throws Error(kInvalidInput) for
// NaN and Error(kInvalidArgument) for edges that do not increase.
std::vector<int32_t> PopularityClasses(const std::vector<double>& popularity,
                                       const std::vector<double>& edges);

// The scores of a classifier on held-out rows: the same metrics as the tabular models
// (metrics.hpp, scikit-learn's definitions).
struct CnnEvaluation {
  int64_t rows = 0;
  double accuracy = 0, balanced_accuracy = 0, macro_f1 = 0, weighted_f1 = 0;
  double roc_auc_ovr = 0;  // NaN when a class is absent from the rows
  double log_loss = 0;
  ConfusionMatrix confusion;
  ClassScores per_class;
  std::string report;  // scikit-learn's classification_report text
};

struct CnnEpoch {
  int epoch = 0;  // 1-based
  double train_loss = 0, train_accuracy = 0;
  double validation_loss = 0, validation_accuracy = 0;  // NaN without a validation set
  double seconds = 0;
};

struct CnnTrainReport {
  std::string backend;     // "LibTorch 1.13.0 (cpu, 2 threads)"
  std::string grouped_by;  // "artist" or "track"
  std::vector<std::string> class_labels;
  int64_t train_rows = 0, validation_rows = 0, test_rows = 0;
  std::vector<int64_t> train_class_counts;
  std::vector<double> class_weights;     // empty without class weights
  double input_mean = 0, input_std = 1;  // the standardisation, from the training rows
  std::vector<CnnEpoch> epochs;
  int best_epoch = 0;  // the weights kept (the last epoch without early stopping)
  bool stopped_early = false;
  std::optional<CnnEvaluation> test;  // absent with test_fraction 0
  std::vector<std::string> notes;     // skipped rows, absent classes, ...

  // Epochs, split and test scores for the terminal.
  std::string Summary() const;
  std::string ToJson() const;
};

// A trained CNN with everything it needs to score new audio: the spectrogram options, the
// input size, the standardisation and the classes. Immutable after Train or Load; prediction is
// safe from one thread at a time (LibTorch runs it on all worker threads).
class CnnModel {
 public:
  ~CnnModel();
  CnnModel(CnnModel&&) noexcept;
  CnnModel& operator=(CnnModel&&) noexcept;

  // Splits `data`, fits on the training part and scores the test part (see the protocol above).
  // `data` must be labelled and at options' input size. Throws Error(kInvalidArgument) for
  // options out of their domain (epochs < 1, a batch < 1, a fraction outside [0, 1), an input
  // too small for the network, labels that do not match the edges) and Error(kInvalidInput)
  // for data that cannot train (fewer than 2 rows, a missing popularity, another input size,
  // a single group when a test set is asked for).
  static CnnModel Train(const CnnDataset& data, const CnnOptions& options,
                        CnnTrainReport* report = nullptr);

  // rows x classes probabilities (softmax), in the order of data's rows. Throws
  // Error(kInvalidInput) when data's input size or spectrogram options (sample rate, window,
  // mel and dB settings) are not the model's: a model never scores inputs made another way.
  Matrix PredictProba(const CnnDataset& data) const;
  // The most probable class of each row (lowest index on a tie).
  Labels Predict(const CnnDataset& data) const;
  // Scores on labelled rows the model has not seen (the caller's responsibility).
  CnnEvaluation Evaluate(const CnnDataset& data) const;
  // End to end: decodes `audio_path`, makes its spectrogram with the model's options, resizes,
  // standardises and scores it. Throws as LoadAudio for unusable audio.
  std::vector<double> PredictAudioFile(const std::string& audio_path) const;

  // Writes the model atomically: a header (magic, format version), a JSON description (input
  // spec: spectrogram options, input size, standardisation; classes; architecture; training
  // report) and the weights, with a checksum over both.
  void Save(const std::string& path) const;
  // Reads a model written by Save. Throws Error(kIo) when unreadable and Error(kInvalidInput)
  // naming the problem for anything else: not a hitscope CNN file, another format version,
  // truncated, a checksum mismatch, weights that do not fit the architecture.
  static CnnModel Load(const std::string& path);

  const CnnOptions& options() const;  // architecture, input size, classes (training options)
  const SpectrogramJobOptions& spectrogram() const;
  double input_mean() const;
  double input_std() const;
  int num_classes() const;
  // The model's description as JSON (what Save writes before the weights).
  std::string DescriptionJson() const;

 private:
  struct Impl;
  explicit CnnModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether this build has LibTorch, and its description ("LibTorch 1.13.0").
bool CnnBackendAvailable();
std::string CnnBackendName();

}  // namespace hitscope
