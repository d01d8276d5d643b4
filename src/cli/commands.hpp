// cli/commands.hpp: what every subcommand shares.
#pragma once

#include <CLI/CLI.hpp>

namespace hitscope::cli {

// Flags every command shares.
struct GlobalFlags {
  bool quiet = false;
  int threads = 0;
};

}  // namespace hitscope::cli
