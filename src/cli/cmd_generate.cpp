#include <chrono>

#include <fmt/format.h>

#include <hitscope/generate.hpp>

#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

void AddGenerateCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "generate", "Write a synthetic catalogue in the five-file Beatport/Spotify layout");
  auto options = std::make_shared<GenerateOptions>();
  auto out = std::make_shared<std::string>();
  command->add_option("--tracks", options->tracks, "Rows of sp_track.csv")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{2'000'000'000}));
  command->add_option("--out", *out, "Folder to write the files into (created if missing)")
      ->required();
  command->add_option("--seed", options->seed, "Random seed: the same seed gives the same files")
      ->capture_default_str();
  command
      ->add_option("--feature-coverage", options->feature_coverage,
                   "Share of ISRCs that have audio features")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command
      ->add_option("--popularity-coverage", options->popularity_coverage,
                   "Share of tracks with a fetched track popularity")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  command->footer(
      "Writes sp_track.csv, sp_release.csv, sp_artist.csv, sp_artist_release.csv,\n"
      "sp_artist_track.csv, audio_features.csv and sp_track_popularity.csv (docs/data.md).\n"
      "Examples:\n"
      "  hitscope generate --tracks 100000 --out gen\n"
      "  hitscope generate --tracks 10000000 --out gen10m --seed 7\n"
      "  hitscope generate --tracks 600000 --out dense --popularity-coverage 1 "
      "--feature-coverage 1");
  command->callback([options, out, &flags] {
    auto start = std::chrono::steady_clock::now();
    options->progress_label = "generating";
    GenerateSummary summary = GenerateCatalogue(*out, *options);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!flags.quiet) {
      fmt::print(stderr,
                 "wrote {} tracks ({} ISRCs, {} with features), {} releases, {} artists, {} "
                 "track popularities to '{}' ({:.1f} MB in {:.1f} s)\n",
                 summary.tracks, summary.recordings, summary.feature_rows, summary.releases,
                 summary.artists, summary.popularity_rows, *out,
                 static_cast<double>(summary.bytes) / 1e6, seconds);
    }
  });
}

const CommandRegistration kRegistration(10, "generate", &AddGenerateCommand);

}  // namespace
}  // namespace hitscope::cli
