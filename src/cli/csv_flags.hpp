// cli/csv_flags.hpp: the CSV reading flags shared by every command that reads a CSV.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <hitscope/csv.hpp>

namespace hitscope::cli {

struct CsvFlags {
  std::string delimiter = ",";
  std::vector<std::string> nulls;
  std::vector<std::string> types;  // column=type
  std::string bad_rows = "strict";
  std::string reject;
  bool no_header = false;

  void Register(CLI::App& command);
  // Checks the flags and builds reader options; throws Error(kInvalidArgument) with the flag.
  CsvReadOptions ToOptions() const;
};

}  // namespace hitscope::cli
