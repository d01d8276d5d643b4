// Loads a CSV into a Table (type inference, every column) and prints one JSON line:
// {"rows":..., "columns":..., "bytes":..., "seconds":..., "threads":...}.
// Usage: hitscope_csv_load FILE [THREADS]
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/runtime.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: hitscope_csv_load FILE [THREADS]\n");
    return 2;
  }
  int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  hitscope::SetThreadCount(threads);
  auto start = std::chrono::steady_clock::now();
  hitscope::CsvReadReport report;
  hitscope::Table table = hitscope::ReadCsv(argv[1], {}, &report);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(
      "{{\"rows\": {}, \"columns\": {}, \"bytes\": {}, \"seconds\": {:.4f}, \"threads\": {}}}\n",
      table.num_rows(), table.num_columns(), report.bytes, seconds, hitscope::ThreadCount());
  return 0;
}
