// hitscope registry: add, list, show, promote, remove and export model versions in a SQLite
// model registry (include/hitscope/registry.hpp), the source `hitscope serve --registry` reads.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/error.hpp>
#include <hitscope/registry.hpp>

#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

constexpr const char* kDefaultRegistry = "models.db";

// "macro_f1 0.512 ± 0.010" from the metrics JSON, for the listing; "-" when none.
std::string HeadlineScore(const std::string& metrics_json) {
  const nlohmann::json metrics = nlohmann::json::parse(metrics_json, nullptr, false);
  if (metrics.is_discarded() || !metrics.contains("scores") || !metrics["scores"].is_object() ||
      metrics["scores"].empty()) {
    return "-";
  }
  const nlohmann::json& scores = metrics["scores"];
  for (const char* preferred : {"macro_f1", "balanced_accuracy", "r2", "accuracy"}) {
    if (auto it = scores.find(preferred);
        it != scores.end() && it->contains("mean") && (*it)["mean"].is_number()) {
      return fmt::format("{} {:.3f}", preferred, (*it)["mean"].get<double>());
    }
  }
  auto first = scores.begin();
  if (first->contains("mean") && (*first)["mean"].is_number()) {
    return fmt::format("{} {:.3f}", first.key(), (*first)["mean"].get<double>());
  }
  return "-";
}

void PrintTable(const std::vector<RegistryEntry>& entries) {
  if (entries.empty()) {
    fmt::print("(no models; add one with 'hitscope registry add MODEL.hsm --name NAME')\n");
    return;
  }
  fmt::print("{:<20} {:>7} {:<8} {:<20} {:<12} {:<24} {}\n", "name", "version", "promoted",
             "created", "data", "score", "note");
  for (const RegistryEntry& entry : entries) {
    fmt::print("{:<20} {:>7} {:<8} {:<20} {:<12} {:<24} {}\n", entry.name, entry.version,
               entry.promoted ? "*" : "", entry.created_at, entry.data_sha256.substr(0, 12),
               HeadlineScore(entry.metrics), entry.note);
  }
}

void AddRegistryCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "registry", "Keep model versions (with data hash, config, metrics) in a SQLite registry");
  command->require_subcommand(1);
  command->fallthrough();
  auto path = std::make_shared<std::string>(kDefaultRegistry);
  command->add_option("--registry", *path, "The registry file")->capture_default_str();
  command->footer(
      "A registry holds numbered versions of named models and the promoted version of each name,\n"
      "which 'hitscope serve --registry FILE' serves (a new promotion is picked up without a\n"
      "restart). See docs/serving.md.\n"
      "Examples:\n"
      "  hitscope train data/spotify_songs.csv --model forest --cv stratified:5 --out forest.hsm\n"
      "  hitscope registry add forest.hsm --name popularity --data data/spotify_songs.csv\n"
      "  hitscope registry list\n"
      "  hitscope registry promote popularity 2\n"
      "  hitscope registry remove popularity 1");

  // add
  struct AddArgs {
    std::string model;
    RegistryAddOptions options;
    bool json = false;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = command->add_subcommand("add", "Register a model file as the next version of a name");
  add->add_option("MODEL", add_args->model, "Model file written by 'hitscope train'")
      ->required()
      ->check(CLI::ExistingFile);
  add->add_option("--name", add_args->options.name, "The model's name, e.g. popularity")
      ->required();
  auto* data = add->add_option("--data", add_args->options.data_path,
                               "The training table (hashed; must hold the model's features)");
  auto* sha = add->add_option("--data-sha256", add_args->options.data_sha256,
                              "Instead of --data: the training table's SHA-256");
  data->excludes(sha);
  add->add_option("--metrics", add_args->options.metrics_path,
                  "An evaluation written by 'hitscope evaluate --json' (else the model's own "
                  "cross-validated scores)");
  add->add_option("--note", add_args->options.note, "Free text kept with the version");
  add->add_flag("--promote", add_args->options.promote, "Promote the new version at once");
  add->add_flag("--json", add_args->json, "Print the new entry as JSON");
  add->callback([path, add_args, &flags] {
    ModelRegistry registry(*path, RegistryOpenMode::kReadWrite);
    RegistryEntry entry = registry.Add(add_args->model, add_args->options);
    if (add_args->json) {
      fmt::print("{}\n", entry.ToJson());
    } else if (!flags.quiet) {
      fmt::print("added {} version {} to '{}'{}\n", entry.name, entry.version, *path,
                 entry.promoted ? " (promoted)" : "");
    }
  });

  // list
  struct ListArgs {
    std::string name;
    bool json = false;
  };
  auto list_args = std::make_shared<ListArgs>();
  auto* list = command->add_subcommand("list", "List the versions (of every name, or of NAME)");
  list->add_option("NAME", list_args->name, "Only this name's versions");
  list->add_flag("--json", list_args->json, "JSON array of entries");
  list->callback([path, list_args] {
    ModelRegistry registry(*path, RegistryOpenMode::kReadOnly);
    std::vector<RegistryEntry> entries = registry.List(list_args->name);
    if (list_args->json) {
      std::string out = "[";
      for (size_t i = 0; i < entries.size(); ++i) {
        out += (i > 0 ? "," : "") + entries[i].ToJson();
      }
      fmt::print("{}]\n", out);
    } else {
      PrintTable(entries);
    }
  });

  // show
  struct VersionArgs {
    std::string name;
    int64_t version = 0;
    bool force = false;
    std::string out;
  };
  auto show_args = std::make_shared<VersionArgs>();
  auto* show = command->add_subcommand("show", "Print one version as JSON (summary included)");
  show->add_option("NAME", show_args->name, "Model name")->required();
  show->add_option("VERSION", show_args->version, "Version number")->required();
  show->callback([path, show_args] {
    ModelRegistry registry(*path, RegistryOpenMode::kReadOnly);
    fmt::print("{}\n", registry.Get(show_args->name, show_args->version).ToJson());
  });

  // promote
  auto promote_args = std::make_shared<VersionArgs>();
  auto* promote =
      command->add_subcommand("promote", "Serve VERSION of NAME (a running server picks it up)");
  promote->add_option("NAME", promote_args->name, "Model name")->required();
  promote->add_option("VERSION", promote_args->version, "Version number")->required();
  promote->callback([path, promote_args, &flags] {
    ModelRegistry registry(*path, RegistryOpenMode::kReadWriteOnly);
    registry.Promote(promote_args->name, promote_args->version);
    if (!flags.quiet) {
      fmt::print("promoted {} version {} in '{}'\n", promote_args->name, promote_args->version,
                 *path);
    }
  });

  // remove
  auto remove_args = std::make_shared<VersionArgs>();
  auto* remove = command->add_subcommand("remove", "Delete a version");
  remove->add_option("NAME", remove_args->name, "Model name")->required();
  remove->add_option("VERSION", remove_args->version, "Version number")->required();
  remove->add_flag("--force", remove_args->force,
                   "Also remove the promoted version (the name is then no longer served)");
  remove->callback([path, remove_args, &flags] {
    ModelRegistry registry(*path, RegistryOpenMode::kReadWriteOnly);
    registry.Remove(remove_args->name, remove_args->version, remove_args->force);
    if (!flags.quiet) {
      fmt::print("removed {} version {} from '{}'\n", remove_args->name, remove_args->version,
                 *path);
    }
  });

  // export
  auto export_args = std::make_shared<VersionArgs>();
  auto* export_command =
      command->add_subcommand("export", "Write a version's model file back out (atomically)");
  export_command->add_option("NAME", export_args->name, "Model name")->required();
  export_command->add_option("VERSION", export_args->version, "Version number")->required();
  export_command->add_option("--out", export_args->out, "Model file to write")->required();
  export_command->callback([path, export_args, &flags] {
    ModelRegistry registry(*path, RegistryOpenMode::kReadOnly);
    registry.Export(export_args->name, export_args->version, export_args->out);
    if (!flags.quiet) {
      fmt::print(stderr, "wrote '{}'\n", export_args->out);
    }
  });
}

const CommandRegistration kRegistration(75, "registry", &AddRegistryCommand);

}  // namespace
}  // namespace hitscope::cli
