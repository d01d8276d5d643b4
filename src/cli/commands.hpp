// cli/commands.hpp: each subcommand registers its options and its action here.
#pragma once

#include <CLI/CLI.hpp>

namespace hitscope::cli {

// Flags every command shares.
struct GlobalFlags {
  bool quiet = false;
  int threads = 0;
};

void AddGenerateCommand(CLI::App& app, const GlobalFlags& flags);
void AddIntegrateCommand(CLI::App& app, const GlobalFlags& flags);
void AddDescribeCommand(CLI::App& app, const GlobalFlags& flags);

}  // namespace hitscope::cli
