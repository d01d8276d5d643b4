// Training with the honest protocol, prediction and scores. The network itself lives behind
// cnn/network.hpp; everything here is plain C++.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <hitscope/cnn.hpp>
#include <hitscope/error.hpp>
#include <hitscope/runtime.hpp>

#include "cnn/cnn_internal.hpp"
#include "core/progress.hpp"
#include "core/trace.hpp"

namespace hitscope {
namespace cnn {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

std::vector<float> TakeRows(const std::vector<float>& values, std::span<const int64_t> rows,
                            int64_t row_size) {
  std::vector<float> out(rows.size() * static_cast<size_t>(row_size));
  for (size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(values.begin() + rows[i] * row_size, row_size, out.begin() + i * row_size);
  }
  return out;
}

template <class T>
std::vector<T> Take(const std::vector<T>& values, std::span<const int64_t> rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (int64_t row : rows) out.push_back(values[row]);
  return out;
}

}  // namespace

void ValidateCnnOptions(const CnnOptions& options) {
  auto fail = [](const std::string& what) { return InvalidArgument("cnn: " + what); };
  const CnnArchitecture& a = options.architecture;
  if (a.conv_filters < 1 || a.kernel_size < 1 || a.pool_size < 1 || a.dense_units < 1) {
    throw fail(
        fmt::format("the architecture needs positive sizes, got {} filters, kernel {}, "
                    "pool {}, {} dense units",
                    a.conv_filters, a.kernel_size, a.pool_size, a.dense_units));
  }
  if (!(a.dropout >= 0 && a.dropout < 1)) {
    throw fail(fmt::format("dropout must be in [0, 1), got {}", a.dropout));
  }
  const int height = (options.input_bands - a.kernel_size + 1) / a.pool_size;
  const int width = (options.input_frames - a.kernel_size + 1) / a.pool_size;
  if (height < 1 || width < 1) {
    throw fail(
        fmt::format("an input of {} x {} is too small for a {} x {} kernel and {} x {} "
                    "pooling; use a larger --input-size",
                    options.input_bands, options.input_frames, a.kernel_size, a.kernel_size,
                    a.pool_size, a.pool_size));
  }
  if (options.class_labels.size() != options.class_edges.size() + 1) {
    throw fail(fmt::format("{} class edges need {} labels, got {}", options.class_edges.size(),
                           options.class_edges.size() + 1, options.class_labels.size()));
  }
  if (options.class_edges.empty()) throw fail("at least one class edge is needed (two classes)");
  PopularityClasses({}, options.class_edges);  // checks that the edges increase
  if (options.epochs < 1) throw fail(fmt::format("epochs must be >= 1, got {}", options.epochs));
  if (options.batch_size < 1) {
    throw fail(fmt::format("the batch size must be >= 1, got {}", options.batch_size));
  }
  if (!(options.learning_rate > 0) || !(options.adam_epsilon > 0)) {
    throw fail(fmt::format("the learning rate and Adam's epsilon must be > 0, got {} and {}",
                           options.learning_rate, options.adam_epsilon));
  }
  if (!(options.test_fraction >= 0 && options.test_fraction < 1)) {
    throw fail(fmt::format("the test fraction must be in [0, 1), got {}", options.test_fraction));
  }
  if (!(options.validation_fraction >= 0 && options.validation_fraction < 1)) {
    throw fail(fmt::format("the validation fraction must be in [0, 1), got {}",
                           options.validation_fraction));
  }
  if (options.patience < 1) {
    throw fail(fmt::format("patience must be >= 1 epoch, got {}", options.patience));
  }
}

std::vector<std::string> RowGroups(const CnnDataset& data, std::string* grouped_by) {
  const bool artists = std::any_of(data.artists.begin(), data.artists.end(),
                                   [](const std::string& a) { return !a.empty(); });
  if (grouped_by != nullptr) *grouped_by = artists ? "artist" : "track";
  std::vector<std::string> groups(static_cast<size_t>(data.rows()));
  for (int64_t row = 0; row < data.rows(); ++row) {
    const bool known = artists && !data.artists[row].empty();
    // A track without an artist is its own group; the prefix keeps it apart from artist names.
    groups[row] = known ? "artist:" + data.artists[row] : "track:" + data.track_ids[row];
  }
  return groups;
}

Split GroupShuffleSplit(const std::vector<std::string>& groups, std::span<const int64_t> rows,
                        double fraction, uint64_t seed) {
  std::vector<std::string> unique;
  for (int64_t row : rows) {
    if (row < 0 || row >= static_cast<int64_t>(groups.size())) {
      throw InternalError(fmt::format("GroupShuffleSplit: row {} has no group", row));
    }
    unique.push_back(groups[row]);
  }
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  if (unique.size() < 2) {
    throw InvalidInput(fmt::format(
        "a held-out split needs at least 2 groups (artists, or tracks without artists), got {}",
        unique.size()));
  }
  auto test_groups = static_cast<size_t>(std::ceil(fraction * static_cast<double>(unique.size())));
  test_groups = std::clamp<size_t>(test_groups, 1, unique.size() - 1);
  std::mt19937_64 random(seed);
  std::shuffle(unique.begin(), unique.end(), random);
  const std::set<std::string> test(unique.begin(), unique.begin() + test_groups);
  Split split;
  for (int64_t row : rows) (test.count(groups[row]) ? split.test : split.train).push_back(row);
  return split;
}

double CrossEntropy(std::span<const int32_t> truth, std::span<const float> proba, int classes) {
  double sum = 0;
  for (size_t row = 0; row < truth.size(); ++row) {
    const double p = proba[row * classes + truth[row]];
    sum -= std::log(std::clamp(p, 1e-7, 1.0));
  }
  return truth.empty() ? kNan : sum / static_cast<double>(truth.size());
}

CnnEvaluation Score(std::span<const int32_t> truth, std::span<const float> proba,
                    const std::vector<std::string>& labels) {
  const int classes = static_cast<int>(labels.size());
  CnnEvaluation e;
  e.rows = static_cast<int64_t>(truth.size());
  std::vector<int32_t> predicted(truth.size());
  std::vector<double> p(proba.begin(), proba.end());
  for (size_t row = 0; row < truth.size(); ++row) {
    const float* r = proba.data() + row * classes;
    predicted[row] = static_cast<int32_t>(std::max_element(r, r + classes) - r);
  }
  e.confusion = MakeConfusionMatrix(truth, predicted, classes);
  e.accuracy = Accuracy(truth, predicted);
  e.balanced_accuracy = BalancedAccuracy(truth, predicted, classes);
  e.per_class = PrecisionRecallF1(truth, predicted, classes);
  e.macro_f1 = MacroAverage(e.per_class).f1;
  e.weighted_f1 = WeightedAverage(e.per_class).f1;
  e.roc_auc_ovr = RocAucOvr(truth, p, classes);
  e.log_loss = LogLoss(truth, p, classes);
  e.report = ClassificationReport(truth, predicted, labels);
  return e;
}

void CheckSameSpectrograms(const SpectrogramJobOptions& model, const SpectrogramJobOptions& data) {
  auto check = [](const char* what, double want, double got) {
    if (want != got) {
      throw InvalidInput(fmt::format(
          "these spectrograms were made with {} {}, the model's with {}: make them with the "
          "model's options (hitscope cnn predict computes them from audio itself)",
          what, got, want));
    }
  };
  check("sample rate", model.load.sample_rate, data.load.sample_rate);
  check("offset (s)", model.load.offset_seconds, data.load.offset_seconds);
  check("duration (s)", model.load.duration_seconds, data.load.duration_seconds);
  check("padding", model.load.pad_to_duration, data.load.pad_to_duration);
  check("n_fft", model.mel.n_fft, data.mel.n_fft);
  check("hop length", model.mel.hop_length, data.mel.hop_length);
  check("n_mels", model.mel.n_mels, data.mel.n_mels);
  check("fmin", model.mel.fmin, data.mel.fmin);
  check("fmax", model.mel.fmax, data.mel.fmax);
  check("power", model.mel.power, data.mel.power);
  check("centring", model.mel.center, data.mel.center);
  check("dB reference (0 value, 1 max)", static_cast<double>(model.db.reference),
        static_cast<double>(data.db.reference));
  if (model.db.reference == DbReference::kValue) {
    check("dB reference value", model.db.ref_value, data.db.ref_value);
  }
  check("amin", model.db.amin, data.db.amin);
  check("top_db", model.db.top_db, data.db.top_db);
}

}  // namespace cnn

cnn::NetworkShape CnnModel::Impl::Shape() const {
  return {options.input_bands, options.input_frames, static_cast<int>(options.class_labels.size()),
          options.architecture};
}

std::vector<float> CnnModel::Impl::Standardise(const std::vector<float>& values) const {
  std::vector<float> out(values.size());
  const double scale = 1.0 / std;
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = static_cast<float>((values[i] - mean) * scale);
  }
  return out;
}

CnnModel::CnnModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CnnModel::~CnnModel() = default;
CnnModel::CnnModel(CnnModel&&) noexcept = default;
CnnModel& CnnModel::operator=(CnnModel&&) noexcept = default;

const CnnOptions& CnnModel::options() const {
  return impl_->options;
}
const SpectrogramJobOptions& CnnModel::spectrogram() const {
  return impl_->spectrogram;
}
double CnnModel::input_mean() const {
  return impl_->mean;
}
double CnnModel::input_std() const {
  return impl_->std;
}
int CnnModel::num_classes() const {
  return static_cast<int>(impl_->options.class_labels.size());
}

CnnModel CnnModel::Train(const CnnDataset& data, const CnnOptions& options,
                         CnnTrainReport* report_out) {
  TraceScope trace("cnn train");
  cnn::ValidateCnnOptions(options);
  if (data.bands != options.input_bands || data.frames != options.input_frames) {
    throw InvalidInput(
        fmt::format("the spectrograms are {} x {} but the network's input is {} x "
                    "{}; load them at the input size",
                    data.bands, data.frames, options.input_bands, options.input_frames));
  }
  if (data.rows() < 2) {
    throw InvalidInput(fmt::format("training needs at least 2 spectrograms, got {}", data.rows()));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->spectrogram = data.spectrogram;
  CnnTrainReport& report = impl->report;
  report.class_labels = options.class_labels;
  report.notes = data.skipped;
  for (std::string& note : report.notes) note = "skipped " + note;
  const std::vector<int32_t> classes = PopularityClasses(data.popularity, options.class_edges);
  const int num_classes = static_cast<int>(options.class_labels.size());

  // 1. Split before anything is fitted.
  const std::vector<std::string> groups = cnn::RowGroups(data, &report.grouped_by);
  std::vector<int64_t> all(static_cast<size_t>(data.rows()));
  std::iota(all.begin(), all.end(), 0);
  cnn::Split outer{all, {}};
  if (options.test_fraction > 0) {
    outer = cnn::GroupShuffleSplit(groups, all, options.test_fraction, options.seed);
  }
  cnn::Split inner{outer.train, {}};
  if (options.validation_fraction > 0) {
    inner =
        cnn::GroupShuffleSplit(groups, outer.train, options.validation_fraction, options.seed + 1);
  }
  const std::vector<int64_t>& fit = inner.train;
  report.train_rows = static_cast<int64_t>(fit.size());
  report.validation_rows = static_cast<int64_t>(inner.test.size());
  report.test_rows = static_cast<int64_t>(outer.test.size());

  // 2. Standardisation and class weights from the fitting rows only.
  const int64_t row_size = data.bands * data.frames;
  double sum = 0, sum_squares = 0;
  for (int64_t row : fit) {
    for (int64_t i = 0; i < row_size; ++i) {
      const double v = data.values[row * row_size + i];
      sum += v;
      sum_squares += v * v;
    }
  }
  const double n = static_cast<double>(fit.size()) * static_cast<double>(row_size);
  impl->mean = sum / n;
  impl->std = std::sqrt(std::max(sum_squares / n - impl->mean * impl->mean, 0.0));
  if (!(impl->std > 1e-12)) impl->std = 1.0;  // a constant input: nothing to scale
  report.input_mean = impl->mean;
  report.input_std = impl->std;
  const std::vector<int32_t> fit_classes = cnn::Take(classes, fit);
  report.train_class_counts.assign(num_classes, 0);
  for (int32_t c : fit_classes) ++report.train_class_counts[c];
  for (int c = 0; c < num_classes; ++c) {
    if (report.train_class_counts[c] == 0) {
      report.notes.push_back(
          fmt::format("class '{}' has no training rows", options.class_labels[c]));
    }
  }
  if (options.class_weights) {
    report.class_weights.assign(num_classes, 0.0);
    int present = 0;
    for (int64_t count : report.train_class_counts) present += count > 0;
    for (int c = 0; c < num_classes; ++c) {
      const int64_t count = report.train_class_counts[c];
      if (count > 0) {
        report.class_weights[c] = static_cast<double>(fit.size()) / (present * count);
      }
    }
  }
  const std::vector<float> x_fit = impl->Standardise(cnn::TakeRows(data.values, fit, row_size));
  const std::vector<float> x_val =
      impl->Standardise(cnn::TakeRows(data.values, inner.test, row_size));
  const std::vector<int32_t> val_classes = cnn::Take(classes, inner.test);

  // 3. Fit.
  impl->network = cnn::MakeNetwork(impl->Shape(), options.learning_rate, options.adam_epsilon,
                                   options.seed, options.device, ThreadCount());
  report.backend = fmt::format("{} ({}, {} thread{})", cnn::BackendName(), impl->network->device(),
                               impl->network->threads(), impl->network->threads() == 1 ? "" : "s");
  std::optional<Progress> progress;
  if (!options.progress_label.empty()) {
    progress.emplace(options.progress_label, options.epochs, "epochs");
  }
  std::vector<int64_t> order(fit.size());
  double best_loss = std::numeric_limits<double>::infinity();
  std::string best_weights;
  int waited = 0;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 shuffle(options.seed * 1000003 + static_cast<uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), shuffle);
    const cnn::EpochResult result = impl->network->TrainEpoch(
        x_fit.data(), fit_classes.data(), order, options.batch_size, report.class_weights);
    CnnEpoch record;
    record.epoch = epoch;
    record.train_loss = result.loss;
    record.train_accuracy = result.accuracy;
    record.validation_loss = record.validation_accuracy = cnn::kNan;
    if (!inner.test.empty()) {
      const std::vector<float> proba =
          impl->network->Predict(x_val.data(), static_cast<int64_t>(inner.test.size()));
      record.validation_loss = cnn::CrossEntropy(val_classes, proba, num_classes);
      record.validation_accuracy = cnn::Score(val_classes, proba, options.class_labels).accuracy;
    }
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report.epochs.push_back(record);
    if (progress) progress->Add(1);
    report.best_epoch = epoch;
    if (inner.test.empty()) continue;
    if (record.validation_loss < best_loss) {
      best_loss = record.validation_loss;
      best_weights = impl->network->SaveWeights();
      waited = 0;
      continue;
    }
    if (++waited >= options.patience) {
      report.stopped_early = epoch < options.epochs;
      break;
    }
  }
  progress.reset();
  if (!best_weights.empty()) {
    // EarlyStopping(restore_best_weights=True): keep the epoch with the lowest validation loss.
    impl->network->LoadWeights(best_weights);
    report.best_epoch = 1;
    for (const CnnEpoch& e : report.epochs) {
      if (e.validation_loss == best_loss) {
        report.best_epoch = e.epoch;
        break;
      }
    }
  }

  // 4. Score the held-out rows, once.
  CnnModel model(std::move(impl));
  if (!outer.test.empty()) {
    const std::vector<float> x_test =
        model.impl_->Standardise(cnn::TakeRows(data.values, outer.test, row_size));
    const std::vector<float> proba =
        model.impl_->network->Predict(x_test.data(), static_cast<int64_t>(outer.test.size()));
    model.impl_->report.test =
        cnn::Score(cnn::Take(classes, outer.test), proba, options.class_labels);
  }
  if (report_out != nullptr) *report_out = model.impl_->report;
  return model;
}

Matrix CnnModel::PredictProba(const CnnDataset& data) const {
  if (data.bands != impl_->options.input_bands || data.frames != impl_->options.input_frames) {
    throw InvalidInput(fmt::format("the spectrograms are {} x {} but the model takes {} x {}",
                                   data.bands, data.frames, impl_->options.input_bands,
                                   impl_->options.input_frames));
  }
  cnn::CheckSameSpectrograms(impl_->spectrogram, data.spectrogram);
  const std::vector<float> x = impl_->Standardise(data.values);
  const std::vector<float> proba = impl_->network->Predict(x.data(), data.rows());
  return Matrix(data.rows(), num_classes(), std::vector<double>(proba.begin(), proba.end()));
}

Labels CnnModel::Predict(const CnnDataset& data) const {
  const Matrix proba = PredictProba(data);
  Labels labels(static_cast<size_t>(proba.rows()));
  for (int64_t row = 0; row < proba.rows(); ++row) {
    const double* r = proba.Row(row);
    labels[row] = static_cast<int32_t>(std::max_element(r, r + proba.cols()) - r);
  }
  return labels;
}

CnnEvaluation CnnModel::Evaluate(const CnnDataset& data) const {
  const Matrix proba = PredictProba(data);
  const std::vector<float> p(proba.data().begin(), proba.data().end());
  return cnn::Score(PopularityClasses(data.popularity, impl_->options.class_edges), p,
                    impl_->options.class_labels);
}

std::vector<double> CnnModel::PredictAudioFile(const std::string& audio_path) const {
  const Spectrogram db = ComputeDbSpectrogram(audio_path, impl_->spectrogram);
  CnnDataset one;
  one.bands = impl_->options.input_bands;
  one.frames = impl_->options.input_frames;
  one.track_ids = {audio_path};
  one.artists = {""};
  one.popularity = {cnn::kNan};
  one.spectrogram = impl_->spectrogram;
  one.values = ResizeSpectrogram(db, one.bands, one.frames).values;
  const Matrix proba = PredictProba(one);
  return {proba.data().begin(), proba.data().end()};
}

bool CnnBackendAvailable() {
  return !cnn::BackendName().empty();
}
std::string CnnBackendName() {
  return cnn::BackendName();
}

}  // namespace hitscope
