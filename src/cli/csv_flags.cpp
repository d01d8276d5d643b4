#include "cli/csv_flags.hpp"

#include <fmt/format.h>

#include <hitscope/error.hpp>

namespace hitscope::cli {

void CsvFlags::Register(CLI::App& command) {
  command.add_option("--delimiter", delimiter, "Field separator (one character; 'tab' for TSV)")
      ->capture_default_str();
  command.add_option("--null", nulls,
                     "A text read as missing (repeatable; replaces pandas' default list)");
  command.add_option("--type", types,
                     "Column type, as column=int64|float64|bool|date|string (repeatable)");
  command.add_option("--bad-rows", bad_rows, "What to do with a malformed row: strict|skip|reject")
      ->capture_default_str();
  command.add_option("--reject", reject, "With --bad-rows reject: CSV file for the bad rows");
  command.add_flag("--no-header", no_header, "The first row is data; columns are column_1, ...");
}

CsvReadOptions CsvFlags::ToOptions() const {
  CsvReadOptions options;
  std::string separator = delimiter == "tab" ? "\t" : delimiter;
  if (separator.size() != 1 || separator[0] == '"' || separator[0] == '\n') {
    throw InvalidArgument(fmt::format(
        "--delimiter must be one character other than a quote or newline, got '{}'", delimiter));
  }
  options.delimiter = separator[0];
  if (!nulls.empty()) options.null_tokens = nulls;
  for (const auto& entry : types) {
    auto equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw InvalidArgument(fmt::format("--type expects column=type, got '{}'", entry));
    }
    auto type = ParseDataType(entry.substr(equals + 1));
    if (!type) {
      throw InvalidArgument(
          fmt::format("--type '{}': unknown type '{}'; use int64, float64, bool, date or string",
                      entry, entry.substr(equals + 1)));
    }
    options.types[entry.substr(0, equals)] = *type;
  }
  options.bad_rows = ParseBadRowPolicy(bad_rows);
  if (options.bad_rows == BadRowPolicy::kReject && reject.empty()) {
    throw InvalidArgument("--bad-rows reject needs --reject FILE for the rejected rows");
  }
  options.reject_path = reject;
  options.has_header = !no_header;
  return options;
}

}  // namespace hitscope::cli
