// hitscope evaluate: honest scores of a pipeline under a protocol (optionally with a nested
// search), the classification report, and the leakage demonstration on request.
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/file.hpp>

#include "cli/learn_flags.hpp"
#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

std::string Interval(const ScoreSummary& score) {
  if (std::isnan(score.ci_low)) return fmt::format("{:.4f}", score.mean);
  return fmt::format("{:.4f} [{:.4f}, {:.4f}]", score.mean, score.ci_low, score.ci_high);
}

// The leakage demonstration: the same pipeline scored with resampling inside the training
// parts and before the split, side by side.
std::string SideBySide(const Evaluation& honest, const Evaluation& leaky) {
  std::string out =
      "leakage demonstration: the same pipeline, resampled inside each training part (honest) "
      "and before the split (leaky, the original study's protocol)\n";
  out += fmt::format("{:<18} {:<32} {}\n", "score", "honest", "leaky");
  for (const auto& score : honest.scores) {
    out += fmt::format("{:<18} {:<32} {}\n", score.metric, Interval(score),
                       Interval(leaky.Score(score.metric)));
  }
  return out;
}

void AddEvaluateCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "evaluate", "Score a pipeline honestly under a protocol; print the report, write JSON");
  struct Args {
    LearnFlags learn;
    std::string json, inner_cv = "stratified:3";
    bool leaky = false;
  };
  auto args = std::make_shared<Args>();
  args->learn.Register(*command);
  command->add_option("--json", args->json, "Also write the evaluation as JSON to this file");
  command
      ->add_option("--inner-cv", args->inner_cv,
                   "With --search: the protocol of the inner search (nested cross-validation)")
      ->capture_default_str();
  command->add_flag("--leaky", args->leaky,
                    "Also run the original study's leaky protocol (resample before splitting) "
                    "and show both side by side");
  command->footer(
      "Each split's pipeline is fitted on its training rows only and scored on its test rows;\n"
      "scores come with the protocol and a 95 % interval across splits. With --search the\n"
      "parameters are chosen inside each outer training part (nested cross-validation).\n"
      "Examples:\n"
      "  hitscope evaluate data/spotify_songs.csv --model knn --param k=15\n"
      "  hitscope evaluate data/spotify_songs.csv --model logreg --resample smote --leaky\n"
      "  hitscope evaluate tracks.csv --model knn --cv group:artist:5 --json eval.json\n"
      "  hitscope evaluate tracks.csv --model logreg --search random:10 --cv stratified:5\n"
      "  hitscope evaluate tracks.csv --target popularity --model ridge --cv time:4");
  command->callback([args, &flags] {
    const LearnFlags& learn = args->learn;
    PipelineSpec spec = learn.Spec();
    Protocol protocol = learn.ParseCv("stratified:5");
    Protocol inner = Protocol::Parse(args->inner_cv, learn.seed);
    if (args->leaky && spec.resample == "none") {
      throw InvalidArgument(
          "--leaky demonstrates resampling before the split: add --resample "
          "smote (or ros, smote_tomek, tomek)");
    }
    Table table;
    Dataset data = learn.LoadDataset(flags, protocol.NeedsYears() || inner.NeedsYears(), &table);
    std::string text, json;
    if (learn.searching()) {
      NestedEvaluation nested =
          NestedCrossValidate(data, spec, learn.Space(), learn.SearchSettings(), protocol, inner);
      text = nested.ToText();
      json = nested.outer.ToJson();
    } else {
      Evaluation evaluation = CrossValidate(data, spec, protocol);
      text = evaluation.ToText();
      json = evaluation.ToJson();
      if (args->leaky) {
        Evaluation leaky = EvaluateLeakyResampleBeforeSplit(data, spec, protocol);
        text += "\n" + leaky.ToText() + "\n" + SideBySide(evaluation, leaky);
        json = "{\"honest\": " + json + ", \"leaky\": " + leaky.ToJson() + "}\n";
      }
    }
    fmt::print("{}", text);
    if (!args->json.empty()) WriteFileAtomically(args->json, json);
  });
}

const CommandRegistration kRegistration(55, "evaluate", &AddEvaluateCommand);

}  // namespace
}  // namespace hitscope::cli
