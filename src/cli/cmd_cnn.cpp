#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <hitscope/cnn.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>

#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

// "128x128" -> {128, 128}.
std::pair<int, int> ParseInputSize(const std::string& text) {
  int bands = 0, frames = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &bands, &x, &frames, &extra) != 3 ||
      (x != 'x' && x != 'X') || bands < 1 || frames < 1) {
    throw InvalidArgument(fmt::format(
        "--input-size '{}' is not BANDSxFRAMES with positive numbers, e.g. 128x128", text));
  }
  return {bands, frames};
}

// A spectrogram folder (or its index.csv) is read as it is; anything else is audio.
bool IsSpectrogramData(const std::string& input) {
  std::error_code error;
  const std::filesystem::path path(input);
  if (std::filesystem::is_directory(path, error)) {
    return std::filesystem::exists(path / "spectrogram.json", error);
  }
  return path.filename() == "index.csv" &&
         std::filesystem::exists(path.parent_path() / "spectrogram.json", error);
}

void PrintSkipped(const CnnDataset& data, bool quiet) {
  if (quiet || data.skipped.empty()) return;
  fmt::print(stderr, "skipped {} row{}:\n", data.skipped.size(),
             data.skipped.size() == 1 ? "" : "s");
  for (size_t i = 0; i < std::min<size_t>(data.skipped.size(), 10); ++i) {
    fmt::print(stderr, "  {}\n", data.skipped[i]);
  }
  if (data.skipped.size() > 10) fmt::print(stderr, "  ... and {} more\n", data.skipped.size() - 10);
}

std::string EvaluationText(const CnnEvaluation& e, const std::vector<std::string>& labels) {
  std::string out = fmt::format(
      "{} rows: accuracy {:.3f}, balanced accuracy {:.3f}, macro F1 {:.3f}, weighted F1 {:.3f}, "
      "ROC-AUC (ovr) {:.3f}, log loss {:.3f}\n{}confusion matrix (rows: truth, columns: "
      "predicted; {}):\n",
      e.rows, e.accuracy, e.balanced_accuracy, e.macro_f1, e.weighted_f1, e.roc_auc_ovr, e.log_loss,
      e.report, fmt::join(labels, ", "));
  for (int t = 0; t < e.confusion.classes; ++t) {
    out += " ";
    for (int p = 0; p < e.confusion.classes; ++p)
      out += fmt::format(" {:>6}", e.confusion.at(t, p));
    out += "\n";
  }
  return out;
}

void AddTrain(CLI::App& cnn, const GlobalFlags& flags) {
  auto* command = cnn.add_subcommand("train", "Train the CNN with the honest protocol");
  struct Args {
    std::string data, out, report, input_size = "128x128";
    CnnOptions options;
  };
  auto args = std::make_shared<Args>();
  CnnOptions& o = args->options;
  command
      ->add_option("DATA", args->data,
                   "A hitscope spectrogram folder (or its index.csv), or an audio manifest CSV "
                   "(file, track_id, popularity, artist)")
      ->required();
  command->add_option("--out", args->out, "Model file to write")->required();
  command->add_option("--report", args->report, "Also write the training report as JSON");
  command->add_option("--epochs", o.epochs)->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--batch", o.batch_size, "Batch size")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--lr", o.learning_rate, "Adam learning rate")->capture_default_str();
  command
      ->add_option("--input-size", args->input_size,
                   "Spectrograms are averaged down to BANDSxFRAMES")
      ->capture_default_str();
  command
      ->add_option("--test-fraction", o.test_fraction,
                   "Share of artists (else tracks) held out for the test scores")
      ->capture_default_str();
  command
      ->add_option("--validation-fraction", o.validation_fraction,
                   "Share of the training artists held out for early stopping (0: none)")
      ->capture_default_str();
  command->add_option("--patience", o.patience, "Epochs without a better validation loss")
      ->capture_default_str();
  command->add_flag("--class-weights", o.class_weights,
                    "Weight rows by n / (classes x class count) of the training rows");
  command->add_option("--class-edges", o.class_edges, "Popularity edges between classes")
      ->delimiter(',')
      ->capture_default_str();
  command->add_option("--class-labels", o.class_labels, "Names of the classes")
      ->delimiter(',')
      ->capture_default_str();
  command->add_option("--filters", o.architecture.conv_filters, "Conv2D filters")
      ->capture_default_str();
  command->add_option("--dense", o.architecture.dense_units, "Hidden dense units")
      ->capture_default_str();
  command->add_option("--dropout", o.architecture.dropout)->capture_default_str();
  command->add_option("--seed", o.seed)->capture_default_str();
  command->add_option("--device", o.device, "auto, cpu or cuda")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  command->footer(
      "The rows are split first (grouped by artist when DATA names artists); standardisation,\n"
      "class weights and early stopping use the training rows only; the test rows are scored\n"
      "once. Network: Conv2D 32 3x3 ReLU, MaxPool 2x2, Dense 64 ReLU, Dropout 0.5, Dense\n"
      "softmax; Glorot-uniform, Adam (eps 1e-7). Popularity classes: low < 30 <= medium < 60 <=\n"
      "high by default.\n"
      "Examples:\n"
      "  hitscope spectrogram manifest.csv --out spec --format npy\n"
      "  hitscope cnn train spec --out popularity.hscnn --report train.json\n"
      "  hitscope cnn train manifest.csv --out m.hscnn --epochs 30 --validation-fraction 0.2 "
      "--class-weights");
  command->callback([args, &flags] {
    CnnOptions options = args->options;
    std::tie(options.input_bands, options.input_frames) = ParseInputSize(args->input_size);
    SpectrogramJobOptions spectrogram;
    spectrogram.progress_label = flags.quiet ? "" : "spectrograms";
    const CnnDataset data =
        LoadCnnDataset(args->data, options.input_bands, options.input_frames, true, spectrogram);
    PrintSkipped(data, flags.quiet);
    options.progress_label = flags.quiet ? "" : "training";
    CnnTrainReport report;
    const CnnModel model = CnnModel::Train(data, options, &report);
    model.Save(args->out);
    if (!args->report.empty()) WriteFileAtomically(args->report, report.ToJson() + "\n");
    if (!flags.quiet) {
      fmt::print(stderr, "{}wrote {}\n", report.Summary(), args->out);
    }
  });
}

void AddEvaluate(CLI::App& cnn, const GlobalFlags& flags) {
  auto* command =
      cnn.add_subcommand("evaluate", "Score a trained CNN on labelled data it has not seen");
  auto model_path = std::make_shared<std::string>();
  auto data_path = std::make_shared<std::string>();
  auto report_path = std::make_shared<std::string>();
  command->add_option("MODEL", *model_path, "Model file from hitscope cnn train")->required();
  command
      ->add_option("DATA", *data_path,
                   "A spectrogram folder made with the model's options, or an audio manifest")
      ->required();
  command->add_option("--report", *report_path, "Also write the scores as JSON");
  command->footer(
      "Prints accuracy, balanced accuracy, macro F1, ROC-AUC, the classification report and\n"
      "the confusion matrix. The data must be new to the model (not its training rows).\n"
      "Examples:\n"
      "  hitscope cnn evaluate popularity.hscnn new_tracks.csv\n"
      "  hitscope cnn evaluate popularity.hscnn spec_2024 --report scores.json");
  command->callback([model_path, data_path, report_path, &flags] {
    const CnnModel model = CnnModel::Load(*model_path);
    SpectrogramJobOptions spectrogram = model.spectrogram();
    spectrogram.progress_label = flags.quiet ? "" : "spectrograms";
    const CnnDataset data = LoadCnnDataset(*data_path, model.options().input_bands,
                                           model.options().input_frames, true, spectrogram);
    PrintSkipped(data, flags.quiet);
    const CnnEvaluation e = model.Evaluate(data);
    fmt::print("{}", EvaluationText(e, model.options().class_labels));
    if (!report_path->empty()) {
      CnnTrainReport wrapper;
      wrapper.class_labels = model.options().class_labels;
      wrapper.test = e;
      WriteFileAtomically(*report_path, wrapper.ToJson() + "\n");
    }
  });
}

void AddPredict(CLI::App& cnn, const GlobalFlags& flags) {
  auto* command = cnn.add_subcommand("predict", "Popularity class of new audio files");
  auto model_path = std::make_shared<std::string>();
  auto input = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  command->add_option("MODEL", *model_path, "Model file from hitscope cnn train")->required();
  command
      ->add_option("INPUT", *input,
                   "An audio file, a folder of audio files, a manifest CSV, or a spectrogram "
                   "folder made with the model's options")
      ->required();
  command->add_option("--out", *out, "Write the predictions CSV here instead of stdout");
  command->footer(
      "Decodes each file, makes its spectrogram with the model's options (window, sample rate,\n"
      "mel and dB settings), and prints track_id, predicted class and one probability per\n"
      "class. Files that cannot be used are listed on stderr.\n"
      "Examples:\n"
      "  hitscope cnn predict popularity.hscnn song.mp3\n"
      "  hitscope cnn predict popularity.hscnn ../shared/data/audio --out predictions.csv");
  command->callback([model_path, input, out, &flags] {
    const CnnModel model = CnnModel::Load(*model_path);
    const CnnOptions& o = model.options();
    SpectrogramJobOptions spectrogram = model.spectrogram();
    spectrogram.progress_label = flags.quiet ? "" : "spectrograms";
    const CnnDataset data =
        IsSpectrogramData(*input)
            ? LoadCnnDataset(*input, o.input_bands, o.input_frames, false, spectrogram)
            : LoadCnnAudio(ResolveAudioInput(*input), o.input_bands, o.input_frames, false,
                           spectrogram);
    PrintSkipped(data, flags.quiet);
    const Matrix proba = model.PredictProba(data);
    const Labels predicted = model.Predict(data);
    ColumnBuilder ids(DataType::kString), classes(DataType::kString);
    std::vector<ColumnBuilder> columns(o.class_labels.size(), ColumnBuilder(DataType::kFloat64));
    for (int64_t row = 0; row < data.rows(); ++row) {
      ids.AppendString(data.track_ids[row]);
      classes.AppendString(o.class_labels[predicted[row]]);
      for (size_t c = 0; c < columns.size(); ++c) columns[c].AppendFloat(proba(row, c));
    }
    std::vector<std::string> names = {"track_id", "predicted"};
    std::vector<Column> built;
    built.push_back(ids.Finish());
    built.push_back(classes.Finish());
    for (size_t c = 0; c < columns.size(); ++c) {
      names.push_back("p_" + o.class_labels[c]);
      built.push_back(columns[c].Finish());
    }
    const Table table(names, std::move(built));
    if (out->empty()) {
      fmt::print("{}", FormatCsv(table));
    } else {
      WriteCsv(table, *out);
      if (!flags.quiet) fmt::print(stderr, "wrote {} predictions to {}\n", data.rows(), *out);
    }
  });
}

void AddCnnCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* cnn = app.add_subcommand(
      "cnn", "The CNN popularity model on mel spectrograms: train, evaluate, predict");
  cnn->require_subcommand(1);
  cnn->footer(
      "Examples:\n"
      "  hitscope cnn train spec --out popularity.hscnn\n"
      "  hitscope cnn evaluate popularity.hscnn holdout.csv\n"
      "  hitscope cnn predict popularity.hscnn song.mp3");
  AddTrain(*cnn, flags);
  AddEvaluate(*cnn, flags);
  AddPredict(*cnn, flags);
}

const CommandRegistration kRegistration(90, "cnn", &AddCnnCommand);

}  // namespace
}  // namespace hitscope::cli
