// hitscope: the command-line tool. One top-level catch maps error kinds to exit codes:
//   0 ok, 1 bad input (data or files), 2 usage (bad options), 3 internal error.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/runtime.hpp>

#include "cli/registry.hpp"

namespace hitscope::cli {

std::vector<CommandEntry>& Commands() {
  static std::vector<CommandEntry> commands;
  return commands;
}

}  // namespace hitscope::cli

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

int ExitCodeFor(hitscope::ErrorKind kind) {
  switch (kind) {
    case hitscope::ErrorKind::kInvalidInput:
    case hitscope::ErrorKind::kIo:
      return kExitBadInput;
    case hitscope::ErrorKind::kInvalidArgument:
      return kExitUsage;
    case hitscope::ErrorKind::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "hitscope: honest answers about track popularity from a music catalogue.\n"
      "Every command has --help with examples."};
  app.footer(
      "Exit codes: 0 ok, 1 bad input (data or files), 2 usage (bad options), 3 internal error.\n"
      "Examples:\n"
      "  hitscope describe data/spotify_songs.csv\n"
      "  hitscope generate --tracks 100000 --out gen\n"
      "  hitscope integrate gen --out tracks.csv");
  app.set_version_flag("--version", std::string("hitscope 0.1.0"));
  app.require_subcommand(1);
  hitscope::cli::GlobalFlags flags;
  app.add_flag("-q,--quiet", flags.quiet, "No progress bars or summaries on stderr");
  app.add_option("--threads", flags.threads, "Worker threads (0: one per core)")
      ->check(CLI::NonNegativeNumber);
  app.parse_complete_callback([&] {
    hitscope::SetProgressEnabled(!flags.quiet);
    hitscope::SetThreadCount(flags.threads);
  });
  auto& commands = hitscope::cli::Commands();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.order < b.order; });
  for (const auto& command : commands) command.add(app, flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const hitscope::Error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "hitscope: error: {}\n", e.what());
    return ExitCodeFor(e.kind());
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "hitscope: error: out of memory\n");
    return kExitInternal;
  } catch (const std::exception& e) {
    fmt::print(stderr, "hitscope: internal error: {} (please report this)\n", e.what());
    return kExitInternal;
  }
  return kExitOk;
}
