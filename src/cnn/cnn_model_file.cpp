// The CNN model file and the training report as JSON and text.
//
// Layout (little-endian):
//   8 bytes   magic "HSCNN\0\0\1" (the last byte is the format version)
//   8 bytes   size of the JSON description
//   ...       the JSON description (options, input spec, standardisation, classes, report)
//   8 bytes   size of the weights
//   ...       the weights (LibTorch's archive of the network's parameters)
//   8 bytes   checksum: core/hash.hpp's HashBytes of the description, then of the weights
// A model is loaded only when every part is there and the checksum agrees, so a truncated or
// damaged file is refused with a message rather than loaded into a wrong network.
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/cnn.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/runtime.hpp>

#include "cnn/cnn_internal.hpp"
#include "core/hash.hpp"

namespace hitscope {
namespace {

constexpr char kMagic[8] = {'H', 'S', 'C', 'N', 'N', '\0', '\0', '\1'};
constexpr int kFormatVersion = 1;

void PutU64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

uint64_t GetU64(const std::string& bytes, size_t at) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

uint64_t Checksum(const std::string& description, const std::string& weights) {
  return HashCombine(HashBytes(description), HashBytes(weights));
}

nlohmann::json Number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json EvaluationJson(const CnnEvaluation& e, const std::vector<std::string>& labels) {
  nlohmann::json j;
  j["rows"] = e.rows;
  j["accuracy"] = Number(e.accuracy);
  j["balanced_accuracy"] = Number(e.balanced_accuracy);
  j["macro_f1"] = Number(e.macro_f1);
  j["weighted_f1"] = Number(e.weighted_f1);
  j["roc_auc_ovr"] = Number(e.roc_auc_ovr);
  j["log_loss"] = Number(e.log_loss);
  j["labels"] = labels;
  nlohmann::json matrix = nlohmann::json::array();
  for (int t = 0; t < e.confusion.classes; ++t) {
    nlohmann::json row = nlohmann::json::array();
    for (int p = 0; p < e.confusion.classes; ++p) row.push_back(e.confusion.at(t, p));
    matrix.push_back(row);
  }
  j["confusion_matrix"] = matrix;
  j["per_class"] = nlohmann::json::array();
  for (size_t c = 0; c < e.per_class.support.size(); ++c) {
    j["per_class"].push_back({{"label", c < labels.size() ? labels[c] : std::to_string(c)},
                              {"precision", Number(e.per_class.precision[c])},
                              {"recall", Number(e.per_class.recall[c])},
                              {"f1", Number(e.per_class.f1[c])},
                              {"support", e.per_class.support[c]}});
  }
  j["classification_report"] = e.report;
  return j;
}

nlohmann::json OptionsJson(const CnnOptions& o) {
  const CnnArchitecture& a = o.architecture;
  return {{"architecture",
           {{"layers",
             "Conv2D(filters, kernel) ReLU, MaxPool(pool), Flatten, Dense(units) ReLU, "
             "Dropout(rate), Dense(classes) softmax"},
            {"conv_filters", a.conv_filters},
            {"kernel_size", a.kernel_size},
            {"pool_size", a.pool_size},
            {"dense_units", a.dense_units},
            {"dropout", a.dropout},
            {"init", "glorot_uniform weights, zero biases"}}},
          {"input",
           {{"bands", o.input_bands},
            {"frames", o.input_frames},
            {"resize", "adaptive average pooling of the dB spectrogram"}}},
          {"classes", {{"edges", o.class_edges}, {"labels", o.class_labels}}},
          {"training",
           {{"epochs", o.epochs},
            {"batch_size", o.batch_size},
            {"optimizer", "adam"},
            {"learning_rate", o.learning_rate},
            {"adam_epsilon", o.adam_epsilon},
            {"test_fraction", o.test_fraction},
            {"validation_fraction", o.validation_fraction},
            {"patience", o.patience},
            {"class_weights", o.class_weights ? "balanced" : "none"},
            {"seed", o.seed},
            {"device", o.device}}}};
}

CnnOptions OptionsFromJson(const nlohmann::json& j) {
  CnnOptions o;
  const auto& a = j.at("architecture");
  o.architecture.conv_filters = a.at("conv_filters").get<int>();
  o.architecture.kernel_size = a.at("kernel_size").get<int>();
  o.architecture.pool_size = a.at("pool_size").get<int>();
  o.architecture.dense_units = a.at("dense_units").get<int>();
  o.architecture.dropout = a.at("dropout").get<double>();
  o.input_bands = j.at("input").at("bands").get<int>();
  o.input_frames = j.at("input").at("frames").get<int>();
  o.class_edges = j.at("classes").at("edges").get<std::vector<double>>();
  o.class_labels = j.at("classes").at("labels").get<std::vector<std::string>>();
  const auto& t = j.at("training");
  o.epochs = t.at("epochs").get<int>();
  o.batch_size = t.at("batch_size").get<int>();
  o.learning_rate = t.at("learning_rate").get<double>();
  o.adam_epsilon = t.at("adam_epsilon").get<double>();
  o.test_fraction = t.at("test_fraction").get<double>();
  o.validation_fraction = t.at("validation_fraction").get<double>();
  o.patience = t.at("patience").get<int>();
  o.class_weights = t.at("class_weights").get<std::string>() == "balanced";
  o.seed = t.at("seed").get<uint64_t>();
  o.device = t.at("device").get<std::string>();
  return o;
}

nlohmann::json ReportJson(const CnnTrainReport& r, const std::vector<std::string>& labels) {
  nlohmann::json j;
  j["backend"] = r.backend;
  j["protocol"] =
      "split before fitting, grouped by " + r.grouped_by +
      "; standardisation, class weights and early stopping from the training rows only; test "
      "rows scored once";
  j["grouped_by"] = r.grouped_by;
  j["rows"] = {{"train", r.train_rows}, {"validation", r.validation_rows}, {"test", r.test_rows}};
  j["train_class_counts"] = r.train_class_counts;
  j["class_weights"] = r.class_weights;
  j["input_mean"] = r.input_mean;
  j["input_std"] = r.input_std;
  j["epochs"] = nlohmann::json::array();
  for (const CnnEpoch& e : r.epochs) {
    j["epochs"].push_back({{"epoch", e.epoch},
                           {"train_loss", Number(e.train_loss)},
                           {"train_accuracy", Number(e.train_accuracy)},
                           {"validation_loss", Number(e.validation_loss)},
                           {"validation_accuracy", Number(e.validation_accuracy)},
                           {"seconds", e.seconds}});
  }
  j["best_epoch"] = r.best_epoch;
  j["stopped_early"] = r.stopped_early;
  j["test"] = r.test ? EvaluationJson(*r.test, labels) : nlohmann::json(nullptr);
  j["notes"] = r.notes;
  return j;
}

}  // namespace

std::string CnnTrainReport::ToJson() const {
  return ReportJson(*this, class_labels).dump(1);
}

std::string CnnTrainReport::Summary() const {
  std::string out =
      fmt::format("trained on {} rows (validation {}, test {}; split by {}) with {}\n", train_rows,
                  validation_rows, test_rows, grouped_by, backend);
  for (const CnnEpoch& e : epochs) {
    out += fmt::format("  epoch {:>3}: loss {:.4f}, accuracy {:.3f}", e.epoch, e.train_loss,
                       e.train_accuracy);
    if (!std::isnan(e.validation_loss)) {
      out += fmt::format(", validation loss {:.4f}, accuracy {:.3f}", e.validation_loss,
                         e.validation_accuracy);
    }
    out += fmt::format(" ({:.1f} s)\n", e.seconds);
  }
  if (stopped_early) out += fmt::format("  stopped early; kept epoch {}\n", best_epoch);
  if (test) {
    out += fmt::format(
        "test ({} rows): accuracy {:.3f}, balanced accuracy {:.3f}, macro F1 {:.3f}, ROC-AUC "
        "{:.3f}\n{}",
        test->rows, test->accuracy, test->balanced_accuracy, test->macro_f1, test->roc_auc_ovr,
        test->report);
  } else {
    out += "no test set (--test-fraction 0): no held-out scores\n";
  }
  for (const std::string& note : notes) out += "note: " + note + "\n";
  return out;
}

std::string CnnModel::DescriptionJson() const {
  nlohmann::json j;
  j["format"] = "hitscope cnn model";
  j["version"] = kFormatVersion;
  j["backend"] = cnn::BackendName();
  j["options"] = OptionsJson(impl_->options);
  j["standardisation"] = {{"mean", impl_->mean}, {"std", impl_->std}};
  j["spectrogram"] = nlohmann::json::parse(SpectrogramSpecJson(impl_->spectrogram));
  j["report"] = impl_->loaded_report_json.empty()
                    ? ReportJson(impl_->report, impl_->options.class_labels)
                    : nlohmann::json::parse(impl_->loaded_report_json);
  return j.dump(1);
}

void CnnModel::Save(const std::string& path) const {
  const std::string description = DescriptionJson();
  const std::string weights = impl_->network->SaveWeights();
  std::string bytes(kMagic, sizeof(kMagic));
  PutU64(bytes, description.size());
  bytes += description;
  PutU64(bytes, weights.size());
  bytes += weights;
  PutU64(bytes, Checksum(description, weights));
  WriteFileAtomically(path, bytes);
}

CnnModel CnnModel::Load(const std::string& path) {
  const std::string bytes = ReadFileToString(path);
  auto fail = [&](const std::string& what) {
    return InvalidInput(fmt::format("'{}' {}", path, what));
  };
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, 7) != 0) {
    throw fail("is not a hitscope CNN model (no HSCNN header); make one with hitscope cnn train");
  }
  if (static_cast<unsigned char>(bytes[7]) != kFormatVersion) {
    throw fail(fmt::format("is a CNN model of format version {}, this hitscope reads version {}",
                           static_cast<unsigned char>(bytes[7]), kFormatVersion));
  }
  size_t at = sizeof(kMagic);
  auto section = [&](const char* what) {
    if (bytes.size() < at + 8) throw fail(fmt::format("is truncated before its {}", what));
    const uint64_t size = GetU64(bytes, at);
    at += 8;
    if (size > bytes.size() - at) {
      throw fail(fmt::format("is truncated: its {} needs {} bytes, {} are left", what, size,
                             bytes.size() - at));
    }
    std::string out = bytes.substr(at, size);
    at += size;
    return out;
  };
  const std::string description = section("description");
  const std::string weights = section("weights");
  if (bytes.size() != at + 8) throw fail("is truncated or has extra bytes after its weights");
  if (GetU64(bytes, at) != Checksum(description, weights)) {
    throw fail("is damaged: its checksum does not match its contents; train or copy it again");
  }
  auto impl = std::make_unique<Impl>();
  try {
    const nlohmann::json j = nlohmann::json::parse(description);
    if (j.at("format").get<std::string>() != "hitscope cnn model") {
      throw fail("does not describe a hitscope CNN");
    }
    impl->options = OptionsFromJson(j.at("options"));
    impl->mean = j.at("standardisation").at("mean").get<double>();
    impl->std = j.at("standardisation").at("std").get<double>();
    impl->spectrogram = ParseSpectrogramSpecJson(j.at("spectrogram").dump(), path);
    const auto& r = j.at("report");
    impl->loaded_report_json = r.dump();
    impl->report.backend = r.at("backend").get<std::string>();
    impl->report.grouped_by = r.at("grouped_by").get<std::string>();
    impl->report.best_epoch = r.at("best_epoch").get<int>();
    impl->report.class_labels = impl->options.class_labels;
  } catch (const nlohmann::json::exception& e) {
    throw fail(fmt::format("has a malformed description ({})", e.what()));
  }
  cnn::ValidateCnnOptions(impl->options);
  impl->network =
      cnn::MakeNetwork(impl->Shape(), impl->options.learning_rate, impl->options.adam_epsilon,
                       impl->options.seed, "auto", ThreadCount());
  try {
    impl->network->LoadWeights(weights);
  } catch (const Error& e) {
    throw fail(fmt::format("cannot be loaded: {}", e.what()));
  }
  return CnnModel(std::move(impl));
}

}  // namespace hitscope
