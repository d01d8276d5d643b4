// hitscope train: fit a pipeline on a track table (optionally choosing its parameters by a
// cross-validated search) and save it as a model file.
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/model_file.hpp>

#include "cli/learn_flags.hpp"
#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

void AddTrainCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "train", "Fit a model on a track table and save it (with its pipeline and schema)");
  struct Args {
    LearnFlags learn;
    std::string out;
  };
  auto args = std::make_shared<Args>();
  args->learn.Register(*command);
  command->add_option("--out", args->out, "Model file to write (atomically)")->required();
  command->footer(
      "Every step (scaler, encoder, selector, resampler, model) is fitted on the training rows\n"
      "only; the resampler never touches rows that are scored. With --cv the pipeline is also\n"
      "cross-validated and the scores are stored in the model file; with --search its\n"
      "parameters are chosen by cross-validation (--cv, default stratified:5) first.\n"
      "Examples:\n"
      "  hitscope train data/spotify_songs.csv --model knn --param k=15 --out knn.hsm\n"
      "  hitscope train data/spotify_songs.csv --model logreg --resample smote --scaler robust \\\n"
      "      --cv stratified:5 --out logreg.hsm\n"
      "  hitscope train tracks.csv --model knn --search random:20 --cv group:artist:5 --out m.hsm\n"
      "  hitscope train tracks.csv --target popularity --model ridge --cv time --out score.hsm");
  command->callback([args, &flags] {
    const LearnFlags& learn = args->learn;
    PipelineSpec spec = learn.Spec();
    Protocol protocol =
        learn.ParseCv(learn.Target() == TargetKind::kClass ? "stratified:5" : "stratified:5");
    Table table;
    Dataset data = learn.LoadDataset(flags, protocol.NeedsYears(), &table);
    std::string summary = "data: " + data.Summary() + "\n";
    if (learn.searching()) {
      SearchResult result = Search(data, spec, learn.Space(), learn.SearchSettings(), protocol);
      if (!flags.quiet) fmt::print("{}\n", result.ToText());
      spec = result.candidates[result.best].spec;
      summary += result.ToText();
    }
    if (!learn.cv.empty() || learn.searching()) {
      Evaluation evaluation = CrossValidate(data, spec, protocol);
      if (!flags.quiet) fmt::print("{}\n", evaluation.ToText());
      summary += evaluation.ToText();
    }
    TrainedModel model = MakeTrainedModel(FitFinal(data, spec), data, table, summary);
    SaveModel(model, args->out);
    if (!flags.quiet) {
      fmt::print(stderr, "wrote '{}': {} fitted on {} rows{}\n", args->out, spec.Describe(),
                 data.rows(),
                 data.target == TargetKind::kClass ? ", classes " + data.classes.Describe()
                                                   : std::string(", target the popularity score"));
    }
  });
}

const CommandRegistration kRegistration(50, "train", &AddTrainCommand);

}  // namespace
}  // namespace hitscope::cli
