// hitscope predict: apply a model file to a track table.
#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/model_file.hpp>

#include "cli/csv_flags.hpp"
#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

void AddPredictCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command =
      app.add_subcommand("predict", "Predict popularity classes (or scores) with a model file");
  struct Args {
    std::string model, file, out;
    CsvFlags csv;
  };
  auto args = std::make_shared<Args>();
  command->add_option("MODEL", args->model, "Model file written by 'hitscope train'")->required();
  command->add_option("FILE", args->file, "Track table (CSV) with the model's feature columns")
      ->required();
  command->add_option("--out", args->out, "Write the predictions CSV here (atomically)");
  args->csv.Register(*command);
  command->footer(
      "Output: the id column (or row), predicted_class and p_<class> per class (or\n"
      "predicted_popularity). The table must hold every feature column the model was trained on;\n"
      "other columns are ignored. Rows with a missing feature get an empty prediction.\n"
      "Examples:\n"
      "  hitscope predict knn.hsm data/spotify_songs.csv --out predictions.csv\n"
      "  hitscope predict score.hsm new_tracks.csv");
  command->callback([args, &flags] {
    TrainedModel model = LoadModel(args->model);
    CsvReadOptions read = args->csv.ToOptions();
    read.progress_label = "reading";
    Table table = ReadCsv(args->file, read);
    TablePredictions predictions = PredictTable(model, table);
    Table out = PredictionsTable(model, table, predictions);
    if (args->out.empty()) {
      fmt::print("{}", FormatCsv(out));
    } else {
      WriteCsv(out, args->out);
    }
    if (!flags.quiet) {
      fmt::print(stderr, "predicted {} of {} rows with {}{}\n", predictions.rows.size(),
                 table.num_rows(), model.pipeline.spec().Describe(),
                 predictions.skipped_missing > 0
                     ? fmt::format("; {} rows had a missing feature and got no prediction",
                                   predictions.skipped_missing)
                     : std::string());
    }
  });
}

const CommandRegistration kRegistration(60, "predict", &AddPredictCommand);

}  // namespace
}  // namespace hitscope::cli
