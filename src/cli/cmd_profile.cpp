#include <filesystem>

#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/file.hpp>
#include <hitscope/profile.hpp>
#include <hitscope/profile_report.hpp>

#include "cli/csv_flags.hpp"
#include "cli/registry.hpp"
#include "core/trace.hpp"

namespace hitscope::cli {

namespace {

void AddProfileCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "profile", "Exploration report: one self-contained HTML page with every chart of the study");
  struct Args {
    std::string file, out, config, json_out;
    bool json = false;
    ProfileRoles roles;
    std::string hemisphere;
    std::vector<double> class_edges;
    int min_artist_tracks = -1;
    CsvFlags csv;
  };
  auto args = std::make_shared<Args>();
  command->add_option("FILE", args->file, "CSV file (a track table)")->required();
  command->add_option("--out", args->out,
                      "HTML report to write (default: FILE's name with .profile.html)");
  command->add_option("--config", args->config, "profile.toml with roles and settings");
  command->add_flag("--json", args->json,
                    "Print the whole result as JSON on stdout (with --out: also write the report)");
  command->add_option("--json-out", args->json_out, "Also write the JSON result to this file");
  command->add_option("--popularity", args->roles.popularity, "Popularity column");
  command->add_option("--release-date", args->roles.release_date, "Release-date column");
  command->add_option("--artist", args->roles.artist, "Artist column");
  command->add_option("--id", args->roles.id, "Track-id column (duplicates)");
  command->add_option("--isrc", args->roles.isrc, "ISRC column (repeated recordings)");
  command->add_option("--duration", args->roles.duration, "Duration column in milliseconds");
  command->add_option("--weight", args->roles.weight, "Weight column for the weighted mean");
  command->add_option("--features", args->roles.features, "Feature columns (numeric)")
      ->delimiter(',');
  command->add_option("--hemisphere", args->hemisphere, "Seasons for: north (default) or south");
  command
      ->add_option("--class-edges", args->class_edges,
                   "Popularity class edges, e.g. 30,60 (low < 30 <= medium < 60 <= high)")
      ->delimiter(',');
  command->add_option("--min-artist-tracks", args->min_artist_tracks,
                      "Tracks an artist needs for the mean-popularity ranking (default 10)");
  args->csv.Register(*command);
  command->footer(
      "Column roles are detected for data/spotify_songs.csv and the integrated Beatport table;\n"
      "set them for any other CSV with flags or a config (docs/profile.md). Flags override the\n"
      "config. Only the columns a profile needs are read.\n"
      "Examples:\n"
      "  hitscope profile data/spotify_songs.csv --out songs.html\n"
      "  hitscope profile tracks.csv --config profile.toml --out tracks.html\n"
      "  hitscope profile export.csv --popularity score --release-date released \\\n"
      "      --features tempo,energy --hemisphere south --out export.html\n"
      "  hitscope profile data/spotify_songs.csv --json > profile.json");
  command->callback([args, &flags] {
    ProfileOptions options;
    if (!args->config.empty()) options = ParseProfileConfig(args->config);
    const ProfileRoles& given = args->roles;
    for (auto [from, to] : {std::pair{&given.popularity, &options.roles.popularity},
                            {&given.release_date, &options.roles.release_date},
                            {&given.artist, &options.roles.artist},
                            {&given.id, &options.roles.id},
                            {&given.isrc, &options.roles.isrc},
                            {&given.duration, &options.roles.duration},
                            {&given.weight, &options.roles.weight}}) {
      if (!from->empty()) *to = *from;
    }
    if (!given.features.empty()) options.roles.features = given.features;
    if (!args->hemisphere.empty()) options.hemisphere = ParseHemisphere(args->hemisphere);
    if (!args->class_edges.empty()) options.class_edges = args->class_edges;
    if (args->min_artist_tracks >= 0) options.min_artist_tracks = args->min_artist_tracks;
    ValidateProfileOptions(options);

    CsvReadOptions csv = args->csv.ToOptions();
    csv.progress_label = "reading";
    // Read only the columns the profile needs (when the features are known by name).
    {
      CsvReader header(args->file, csv);
      ProfileRoles roles = DetectProfileRolesByName(header.column_names(), options.roles);
      if (!roles.features.empty()) csv.columns = ProfileColumns(header.column_names(), roles);
    }
    CsvReadReport report;
    Table table;
    {
      TraceScope trace("profile: read csv");
      table = ReadCsv(args->file, csv, &report);
    }
    if (!flags.quiet && (report.bad_rows > 0 || !report.widened_columns.empty())) {
      fmt::print(stderr, "{}\n", report.Summary());
    }
    std::vector<SourceFile> sources = {{args->file, report.bytes}};
    ProfileResult result = Profile(table, options, sources);
    std::string out = args->out;
    if (out.empty() && !args->json) {
      out =
          std::filesystem::path(args->file).filename().replace_extension(".profile.html").string();
    }
    if (!out.empty()) {
      TraceScope trace("profile: write report");
      WriteProfileReport(result, out);
    }
    if (!args->json_out.empty()) WriteFileAtomically(args->json_out, ProfileToJson(result));
    if (args->json) fmt::print("{}", ProfileToJson(result));
    if (!flags.quiet) {
      fmt::print(stderr, "{}", FormatProfileSummary(result));
      if (!out.empty()) fmt::print(stderr, "wrote {}\n", out);
    }
  });
}

const CommandRegistration kRegistration(35, "profile", &AddProfileCommand);

}  // namespace
}  // namespace hitscope::cli
