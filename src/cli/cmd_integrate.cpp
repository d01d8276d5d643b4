#include <chrono>

#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/integrate.hpp>
#include <hitscope/json.hpp>

#include "cli/registry.hpp"
#include "core/trace.hpp"

namespace hitscope::cli {

namespace {

void AddIntegrateCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "integrate", "Join the five Beatport/Spotify CSV files into one track table");
  struct Args {
    std::string dir, out, artists = "track", popularity = "auto", bad_rows = "strict", reject_dir;
  };
  auto args = std::make_shared<Args>();
  command->add_option("DIR", args->dir, "Folder with the five files")->required();
  command
      ->add_option("--out", args->out,
                   "Output file, written atomically: CSV, or JSON records when it ends in .json")
      ->required();
  command
      ->add_option("--artists", args->artists,
                   "Artist source: track (sp_artist_track.csv) or release "
                   "(sp_artist_release.csv)")
      ->capture_default_str()
      ->check(CLI::IsMember({"track", "release"}));
  command
      ->add_option("--popularity", args->popularity,
                   "Popularity: track (sp_track_popularity.csv), release, or auto (track "
                   "when the file exists)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "track", "release"}));
  command->add_option("--bad-rows", args->bad_rows, "Malformed rows: strict|skip|reject")
      ->capture_default_str();
  command->add_option("--reject-dir", args->reject_dir,
                      "With --bad-rows reject: folder for <file>.rejected.csv");
  command->footer(
      "Prints how many rows each join kept and dropped, and why.\n"
      "Examples:\n"
      "  hitscope integrate gen --out tracks.csv\n"
      "  hitscope integrate kaggle/ --out tracks.csv --artists release --bad-rows skip");
  command->callback([args, &flags] {
    IntegrateOptions options;
    options.artists = args->artists == "release" ? ArtistSource::kRelease : ArtistSource::kTrack;
    options.popularity = args->popularity == "track"     ? PopularitySource::kTrack
                         : args->popularity == "release" ? PopularitySource::kRelease
                                                         : PopularitySource::kAuto;
    options.bad_rows = ParseBadRowPolicy(args->bad_rows);
    if (options.bad_rows == BadRowPolicy::kReject && args->reject_dir.empty()) {
      throw InvalidArgument("--bad-rows reject needs --reject-dir DIR");
    }
    options.reject_dir = args->reject_dir;
    options.show_progress = !flags.quiet;
    auto start = std::chrono::steady_clock::now();
    IntegrateReport report;
    Table table = Integrate(args->dir, options, &report);
    {
      TraceScope trace("integrate: write output");
      if (args->out.size() > 5 && args->out.substr(args->out.size() - 5) == ".json") {
        WriteJsonRecords(table, args->out);
      } else {
        WriteCsv(table, args->out);
      }
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!flags.quiet) {
      fmt::print(stderr, "{}wrote '{}' ({} rows, {} columns) in {:.1f} s\n", report.Summary(),
                 args->out, table.num_rows(), table.num_columns(), seconds);
    }
  });
}

const CommandRegistration kRegistration(20, "integrate", &AddIntegrateCommand);

}  // namespace
}  // namespace hitscope::cli
