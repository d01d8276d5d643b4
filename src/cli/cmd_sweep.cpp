// hitscope sweep: one model parameter over a range of values, with training and test scores
// (the depth sweep of a tree, the k sweep of KNN).
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/sweep.hpp>

#include "cli/learn_flags.hpp"
#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

void AddSweepCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "sweep", "Training and test scores of a pipeline over one model parameter's values");
  struct Args {
    LearnFlags learn;
    std::string param, values, json;
  };
  auto args = std::make_shared<Args>();
  args->learn.Register(*command);
  command->add_option("--sweep", args->param, "The model parameter to sweep: max_depth, k, ...")
      ->required();
  command->add_option("--values", args->values, "Values: 1..80, 1..80:5 or 1,3,5,7")->required();
  command->add_option("--json", args->json, "Also write the sweep as JSON to this file");
  command->footer(
      "Each value's pipeline is fitted on every split's training rows (--cv, default\n"
      "holdout:0.2) and scored on them and on the split's test rows: error = 1 - accuracy for\n"
      "classes, RMSE for --target popularity. A tree depth sweep stops fitting once the trees\n"
      "stop growing (deeper limits give the same trees).\n"
      "Examples:\n"
      "  hitscope sweep data/spotify_songs.csv --model tree --sweep max_depth --values 1..80\n"
      "  hitscope sweep data/spotify_songs.csv --model knn --sweep k --values 1..51:2 \\\n"
      "      --cv stratified:5\n"
      "  hitscope sweep tracks.csv --target popularity --model tree --sweep max_depth \\\n"
      "      --values 1..30 --json depth.json");
  command->callback([args, &flags] {
    const LearnFlags& learn = args->learn;
    PipelineSpec spec = learn.Spec();
    SweepOptions options;
    options.param = args->param;
    options.values = ParseSweepValues(args->values);
    options.protocol = learn.ParseCv("holdout:0.2");
    if (learn.searching()) {
      throw InvalidArgument("sweep: --search chooses parameters itself; drop it to sweep one");
    }
    Table table;
    Dataset data = learn.LoadDataset(flags, options.protocol.NeedsYears(), &table);
    SweepResult result = SweepParameter(data, spec, options);
    fmt::print("{}", result.ToText());
    if (!args->json.empty()) WriteFileAtomically(args->json, result.ToJson());
  });
}

const CommandRegistration kRegistration(58, "sweep", &AddSweepCommand);

}  // namespace
}  // namespace hitscope::cli
