// io/csv_tokenizer.hpp: splits a range of a CSV buffer into rows and field spans (phase 1 of the
// reader; phase 2, csv_convert, turns spans into typed columns).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <hitscope/table.hpp>

namespace hitscope::csv {

// Where a field's bytes are in the buffer. For a quoted field the span excludes the quotes and
// still holds doubled quotes ("" for "), flagged kEscaped.
struct FieldSpan {
  static constexpr uint32_t kQuoted = 1u << 31;
  static constexpr uint32_t kEscaped = 1u << 30;
  static constexpr uint32_t kLengthMask = kEscaped - 1;

  uint32_t begin;
  uint32_t length_and_flags;

  uint32_t length() const { return length_and_flags & kLengthMask; }
  bool quoted() const { return (length_and_flags & kQuoted) != 0; }
  bool escaped() const { return (length_and_flags & kEscaped) != 0; }
};

// A row the tokenizer could not split into the expected fields.
struct RowProblem {
  uint64_t row_begin;  // offset of the row's first byte in the buffer
  uint64_t row_end;    // offset just past its line end
  uint64_t at;         // offset of the problem
  int field_index;     // 1-based field where it was found (0: the row)
  std::string message;
};

// Grows without zeroing: the tokenizer writes a row's spans right after making room for them.
using FieldSpans = std::vector<FieldSpan, detail::UninitializedAllocator<FieldSpan>>;

struct TokenizedRows {
  FieldSpans fields;                 // num_fields per good row, row after row
  std::vector<uint32_t> row_begins;  // buffer offset of each good row
  std::vector<uint32_t> row_ends;    // buffer offset just past each good row's line end
  std::vector<RowProblem> problems;  // rows that were dropped, in buffer order
  uint64_t begin = 0;                // where tokenizing started
  uint64_t end = 0;                  // just past the last row handled (a row start)
  int64_t newlines = 0;              // line feeds in [begin, end)
  bool incomplete = false;           // stopped at the buffer end inside a row (not at EOF)

  int64_t rows() const { return static_cast<int64_t>(row_begins.size()); }
  void Clear();
};

struct Dialect {
  char delimiter = ',';
  char quote = '"';
};

// Tokenizes the rows of buffer[0, buffer_size) that start at or after `begin` and before
// `stop_before`; the last such row may extend up to buffer_size. `at_eof` says the buffer ends
// where the file ends (a row may end there without a line break); otherwise a row cut by the
// buffer end is left for the next buffer (`incomplete`). `num_fields` < 0 accepts any count
// (the header) and stops after one row. Blank lines are skipped. REQUIRES: buffer_size < 2^31.
void Tokenize(const char* buffer, uint64_t buffer_size, uint64_t begin, uint64_t stop_before,
              bool at_eof, int num_fields, Dialect dialect, TokenizedRows* out);

// Occurrences of `byte` in [data, data + size): memchr jumps over the bytes between them, far
// faster than a byte loop when the byte is rare (quotes, newlines).
int64_t CountByte(const char* data, size_t size, char byte);

// The text of a field with doubled quotes made single, in `scratch` when that needs a copy.
std::string_view UnescapeField(std::string_view raw, char quote, std::string* scratch);

// The text of a field; for one with doubled quotes, a copy in `scratch` with each made single.
inline std::string_view FieldText(const char* buffer, FieldSpan span, char quote,
                                  std::string* scratch) {
  std::string_view raw(buffer + span.begin, span.length());
  if (!span.escaped()) return raw;
  return UnescapeField(raw, quote, scratch);
}

}  // namespace hitscope::csv
