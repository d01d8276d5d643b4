#include <filesystem>

#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/describe.hpp>
#include <hitscope/file.hpp>

#include "cli/csv_flags.hpp"
#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

void AddDescribeCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command =
      app.add_subcommand("describe", "Summary statistics per column, as pandas' describe()");
  struct Args {
    std::string file, out;
    bool json = false;
    std::vector<double> percentiles = {0.25, 0.5, 0.75};
    CsvFlags csv;
  };
  auto args = std::make_shared<Args>();
  command->add_option("FILE", args->file, "CSV file")->required();
  command->add_flag("--json", args->json, "Print JSON instead of a table");
  command->add_option("--out", args->out, "Write to this file (atomically) instead of stdout");
  command->add_option("--percentiles", args->percentiles, "Percentiles in [0, 1]")
      ->capture_default_str();
  args->csv.Register(*command);
  command->footer(
      "Numeric columns: count, missing, mean, std (ddof=1), min, percentiles, max.\n"
      "Text, bool and date columns: count, missing, unique, top, freq (dates: first, last).\n"
      "Examples:\n"
      "  hitscope describe data/spotify_songs.csv\n"
      "  hitscope describe tracks.csv --json --out tracks.describe.json\n"
      "  hitscope describe export.tsv --delimiter tab --type upc=string --bad-rows skip");
  command->callback([args, &flags] {
    CsvReadOptions options = args->csv.ToOptions();
    options.progress_label = "reading";
    CsvReadReport report;
    Table table = ReadCsv(args->file, options, &report);
    if (!flags.quiet && (report.bad_rows > 0 || !report.widened_columns.empty())) {
      fmt::print(stderr, "{}\n", report.Summary());
    }
    DescribeOptions describe;
    describe.percentiles = args->percentiles;
    DescribeResult result = Describe(table, describe);
    result.source = std::filesystem::path(args->file).filename().string();
    std::string text = args->json ? DescribeToJson(result) : FormatDescribe(result);
    if (args->out.empty()) {
      fmt::print("{}", text);
    } else {
      WriteFileAtomically(args->out, text);
    }
  });
}

const CommandRegistration kRegistration(30, "describe", &AddDescribeCommand);

}  // namespace
}  // namespace hitscope::cli
