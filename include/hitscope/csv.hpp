// hitscope/csv.hpp: reading and writing CSV files (RFC 4180).
//
// The reader handles quoted fields, doubled quotes, delimiters and newlines inside quotes, CRLF
// and LF line ends, a UTF-8 byte-order mark, blank lines, empty fields and configurable null
// tokens. It infers each column's type from the first block of the file (int64, float64, bool,
// date, string) unless a type is given, and parses blocks in parallel on every worker thread.
// Numbers parse exactly (fast_float; correctly rounded). Memory: one block (block_bytes) plus
// what the caller keeps; ReadCsv keeps the whole table. A regular file is parsed where it is
// mapped into memory, each block's pages handed back once parsed (see memory_map).
//
// Bad data never crashes the reader. Every problem (a row with the wrong number of fields, a
// value that does not parse as its column's type, invalid UTF-8 in a text field, a quote never
// closed before the end of the file) becomes a DataIssue naming file, line, column (byte in the
// line), field number and field name, and is handled by the BadRowPolicy:
//   kStrict  stop at the first problem and throw Error(kInvalidInput) with it (the default);
//   kSkip    drop the row, count it, and summarise in the report;
//   kReject  drop the row and also write it to `reject_path` (a CSV of file, line, column,
//            field, error, row), committed atomically when reading completes.
// Whole-file problems throw Error(kInvalidInput) whatever the policy: an empty file, a header
// with no data rows (unless allow_empty), duplicate column names, missing required columns.
//
// Type inference, in order of preference for the non-null values of a column:
//   bool    true/false/t/f in any case;  int64  optional sign and digits within int64;
//   float64 anything fast_float reads (incl. inf);  date  YYYY-MM-DD, YYYY-MM, YYYY with at
//   least one value that has a month;  string  everything else, or a column with no values.
// A later value that does not fit an inferred int64 column widens the column to
// float64 (ReadCsv returns float64 throughout); any other misfit is a bad value, whose message
// says how to give the type explicitly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/table.hpp>

namespace hitscope {

enum class BadRowPolicy { kStrict, kSkip, kReject };

// "strict", "skip", "reject"; throws Error(kInvalidArgument) for anything else.
BadRowPolicy ParseBadRowPolicy(const std::string& name);

// pandas' default NA strings: "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN",
// "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null".
const std::vector<std::string>& DefaultNullTokens();

struct CsvReadOptions {
  char delimiter = ',';    // pandas sep
  char quote = '"';        // pandas quotechar; a quote inside a quoted field is doubled
  bool has_header = true;  // false: columns are named column_1, column_2, ...
  // Values read as null (matched after unquoting; an empty field is always null).
  std::vector<std::string> null_tokens = DefaultNullTokens();
  // Explicit types by column name; other columns are inferred.
  std::map<std::string, DataType> types;
  // Columns to keep, in this order (empty: all). Others are skipped without being converted.
  std::vector<std::string> columns;
  // Columns that must exist (whether kept or not).
  std::vector<std::string> required_columns;
  BadRowPolicy bad_rows = BadRowPolicy::kStrict;
  std::string reject_path;             // for kReject
  size_t max_issues_kept = 100;        // issues kept in the report (all are counted)
  bool allow_empty = false;            // accept a header-only file as an empty table
  bool validate_utf8 = true;           // check text fields for invalid UTF-8
  int64_t max_rows = -1;               // stop after this many good rows (-1: all), as pandas nrows
  size_t block_bytes = 32 << 20;       // bytes parsed per block
  int64_t infer_rows = 100000;         // rows of the first block that decide the types (<= 0: all)
  size_t min_segment_bytes = 1 << 18;  // a block is split for the threads into pieces >= this
  std::string progress_label;          // shows a progress bar on a terminal when not empty
  // Parse a regular file where it is mapped into memory (no copy into a buffer); false reads
  // it into a buffer with read(), as a pipe always is.
  bool memory_map = true;
};

struct CsvReadReport {
  std::string file;
  int64_t bytes = 0;     // bytes read
  int64_t rows = 0;      // rows kept
  int64_t bad_rows = 0;  // rows dropped (kSkip / kReject)
  int64_t issue_count = 0;
  std::vector<DataIssue> issues;             // the first max_issues_kept, in file order
  std::vector<std::string> widened_columns;  // int64 columns widened to float64 in later blocks
  // One paragraph for the terminal: rows kept, rows dropped by reason, the first issues.
  std::string Summary() const;
};

// Reads a CSV block by block. Not thread-safe (it uses every worker thread itself).
class CsvReader {
 public:
  // Opens `path` and reads its header. Throws Error(kIo) if it cannot be opened and
  // Error(kInvalidInput) for an empty file, duplicate names or missing columns.
  CsvReader(const std::string& path, CsvReadOptions options = {},
            FileSystem& fs = FileSystem::Default());
  // Reads from an open file; `name` is used in messages.
  CsvReader(std::unique_ptr<ReadableFile> file, std::string name, CsvReadOptions options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Names of the columns returned, in order (after `columns` selection).
  const std::vector<std::string>& column_names() const;
  // The rows of the next block, or nullopt when the file is exhausted. Types are fixed by the
  // first block, except that an int64 column may come back as float64 once widened.
  std::optional<Table> ReadBatch();
  // All remaining rows as one table.
  Table ReadAll();
  const CsvReadReport& report() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a whole file. `report`, if given, receives the summary of what was read and dropped.
Table ReadCsv(const std::string& path, const CsvReadOptions& options = {},
              CsvReadReport* report = nullptr);
// Parses CSV text held in memory (tests, HTTP bodies); `name` is used in messages.
Table ReadCsvString(const std::string& text, const std::string& name = "<string>",
                    const CsvReadOptions& options = {}, CsvReadReport* report = nullptr);

struct CsvWriteOptions {
  char delimiter = ',';
  std::string null_token;  // written for a null value (pandas na_rep)
  bool header = true;
};

// Writes tables as CSV, batch after batch, to a file that appears atomically on Commit().
// Fields are quoted only when they hold the delimiter, a quote, CR or LF (pandas QUOTE_MINIMAL);
// floats are written in the shortest form that reads back to the same double.
class CsvWriter {
 public:
  CsvWriter(const std::string& path, std::vector<std::string> column_names,
            CsvWriteOptions options = {}, FileSystem& fs = FileSystem::Default());
  ~CsvWriter();
  // Appends the rows of `batch`, whose column names must equal column_names.
  void Write(const Table& batch);
  // Makes the file visible. Without it, nothing is left behind.
  void Commit();
  int64_t rows_written() const { return rows_; }

 private:
  std::vector<std::string> names_;
  CsvWriteOptions options_;
  std::unique_ptr<AtomicOutput> out_;
  int64_t rows_ = 0;
};

void WriteCsv(const Table& table, const std::string& path, const CsvWriteOptions& options = {});
// The CSV text of a table (small tables: tests, HTTP responses).
std::string FormatCsv(const Table& table, const CsvWriteOptions& options = {});

// Quotes a CSV field if it needs it.
std::string QuoteCsvField(std::string_view text, char delimiter = ',');

}  // namespace hitscope
