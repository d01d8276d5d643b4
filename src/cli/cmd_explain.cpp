// hitscope explain: what drives a saved model: impurity importance, permutation importance and
// mean |SHAP| side by side, and one track's SHAP explanation.
#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/explain.hpp>
#include <hitscope/file.hpp>
#include <hitscope/model_file.hpp>

#include "cli/csv_flags.hpp"
#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

void AddExplainCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "explain", "What drives a model: importances side by side, SHAP values of a track");
  struct Args {
    std::string model, file, out;
    bool json = false, no_permutation = false;
    ExplainOptions options;
    CsvFlags csv;
  };
  auto args = std::make_shared<Args>();
  command->add_option("MODEL", args->model, "Model file written by 'hitscope train'")->required();
  command
      ->add_option("FILE", args->file,
                   "Track table (CSV) with the model's features; held-out rows with their "
                   "popularity for permutation importance")
      ->required();
  command->add_option("--track", args->options.track,
                      "Explain this track: its id (track_id), or a row number without ids");
  command->add_option("--top", args->options.top, "Features shown for the track")
      ->capture_default_str();
  command
      ->add_option("--shap-rows", args->options.shap_rows,
                   "Rows whose SHAP values make the summary (evenly spaced; 0: all)")
      ->capture_default_str();
  command->add_option("--repeats", args->options.n_repeats, "Permutation importance repeats")
      ->capture_default_str();
  command->add_option("--seed", args->options.seed, "Seed of the permutations")
      ->capture_default_str();
  command->add_flag("--no-permutation", args->no_permutation, "Skip permutation importance");
  command->add_flag("--json", args->json, "Print JSON instead of text");
  command->add_option("--out", args->out, "Write to this file (atomically) instead of stdout");
  args->csv.Register(*command);
  command->footer(
      "Impurity importance (tree models) comes from the training rows and favours features\n"
      "with many distinct values; permutation importance measures the drop in accuracy (R2 for\n"
      "the popularity score) when a feature is shuffled, on the rows of FILE (give held-out\n"
      "rows); mean |SHAP| averages each feature's exact TreeSHAP contribution. SHAP values of a\n"
      "forest or tree explain class probabilities; of xgboost, the margin (log-odds).\n"
      "Examples:\n"
      "  hitscope train data/spotify_songs.csv --model forest --param n_estimators=200 \\\n"
      "      --out forest.hsm\n"
      "  hitscope explain forest.hsm data/spotify_songs.csv\n"
      "  hitscope explain forest.hsm data/spotify_songs.csv --track 6f807x0ima9a1j3VPbc7VN\n"
      "  hitscope explain xgb.hsm test_rows.csv --json --out explain.json");
  command->callback([args, &flags] {
    TrainedModel model = LoadModel(args->model);
    CsvReadOptions read = args->csv.ToOptions();
    read.progress_label = "reading";
    Table table = ReadCsv(args->file, read);
    ExplainOptions options = args->options;
    options.permutation = !args->no_permutation;
    ModelExplanation explanation = ExplainModel(model, table, options);
    std::string text = args->json ? explanation.ToJson() : explanation.ToText();
    if (args->out.empty()) {
      fmt::print("{}", text);
    } else {
      WriteFileAtomically(args->out, text);
      if (!flags.quiet) fmt::print(stderr, "wrote '{}'\n", args->out);
    }
  });
}

const CommandRegistration kRegistration(65, "explain", &AddExplainCommand);

}  // namespace
}  // namespace hitscope::cli
