// cli/registry.hpp: each cmd_*.cpp registers its subcommand here with a static object, so adding
// a command means adding one file:
//   static const CommandRegistration kRegistration(40, "cluster", &AddClusterCommand);
#pragma once

#include <vector>

#include "cli/commands.hpp"

namespace hitscope::cli {

using AddCommand = void (*)(CLI::App& app, const GlobalFlags& flags);

struct CommandEntry {
  int order;  // position in --help
  const char* name;
  AddCommand add;
};

std::vector<CommandEntry>& Commands();

struct CommandRegistration {
  CommandRegistration(int order, const char* name, AddCommand add) {
    Commands().push_back({order, name, add});
  }
};

}  // namespace hitscope::cli
