// The tokenizer is the hottest loop of the reader: it looks at every byte once. Unquoted fields
// (almost all fields of a numeric catalogue) are scanned with a 256-entry class table; quoted
// fields jump from quote to quote with memchr.
#include "io/csv_tokenizer.hpp"

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

namespace hitscope::csv {
namespace {

enum CharClass : uint8_t { kPlain = 0, kDelimiter = 1, kNewline = 2 };

std::array<uint8_t, 256> MakeClassTable(char delimiter) {
  std::array<uint8_t, 256> table{};
  table[static_cast<unsigned char>(delimiter)] = kDelimiter;
  table[static_cast<unsigned char>('\n')] = kNewline;
  return table;
}

std::string Describe(char c) {
  if (c == '\r') return "a carriage return";
  if (static_cast<unsigned char>(c) < 0x20) {
    return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
  }
  return fmt::format("'{}'", c);
}

// Offset just past the line that contains `from` (or buffer_size).
uint64_t LineEnd(const char* buffer, uint64_t buffer_size, uint64_t from) {
  const void* newline = std::memchr(buffer + from, '\n', buffer_size - from);
  if (newline == nullptr) return buffer_size;
  return static_cast<uint64_t>(static_cast<const char*>(newline) - buffer) + 1;
}

#if defined(__SSE2__)
// Bit i of each mask says what byte i of a 64-byte window is.
struct WindowMasks {
  uint64_t ends;      // delimiters and line feeds
  uint64_t newlines;  // line feeds
  uint64_t quotes;
};

inline WindowMasks ScanWindow(const char* p, __m128i delimiters, __m128i newlines, __m128i quotes) {
  WindowMasks masks{0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    __m128i is_newline = _mm_cmpeq_epi8(chunk, newlines);
    __m128i is_end = _mm_or_si128(_mm_cmpeq_epi8(chunk, delimiters), is_newline);
    const int shift = 16 * i;
    masks.ends |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(is_end))) << shift;
    masks.newlines |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(is_newline)))
                      << shift;
    masks.quotes |= static_cast<uint64_t>(
                        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, quotes))))
                    << shift;
  }
  return masks;
}

// The fast path for the common row: no quote anywhere in it, exactly num_fields fields, a line
// feed before the last 64 bytes of the buffer. Bitmasks of 64 bytes at a time give every field
// end with one bit scan. Tokenizes such rows from `pos` on and returns where the first row
// that is not one (or that starts at or after stop_before) begins; the general loop takes that
// row, with the same result it would have given for the rows handled here.
uint64_t TokenizePlainRows(const char* buffer, uint64_t buffer_size, uint64_t pos,
                           uint64_t stop_before, int num_fields, Dialect dialect,
                           TokenizedRows* out) {
  if (buffer_size < 64 || pos > buffer_size - 64) return pos;
  const uint64_t last_base = buffer_size - 64;
  const __m128i delimiters = _mm_set1_epi8(dialect.delimiter);
  const __m128i newlines = _mm_set1_epi8('\n');
  const __m128i quotes = _mm_set1_epi8(dialect.quote);
  uint64_t base = pos;
  WindowMasks masks = ScanWindow(buffer + base, delimiters, newlines, quotes);
  // The window's first quote. Every quote of the window before `pos` made a row leave this
  // path, so a field that ends past this bit holds a quote.
  int quote_bit = masks.quotes != 0 ? __builtin_ctzll(masks.quotes) : 64;
  uint64_t ends = masks.ends;  // the field ends of the window at or after pos
  while (pos < stop_before && pos < buffer_size) {
    const char first = buffer[pos];
    if (first == '\n' || first == '\r' || first == dialect.quote) return pos;
    const uint64_t row_begin = pos;
    const size_t fields_before = out->fields.size();
    out->fields.resize(fields_before + static_cast<size_t>(num_fields));
    FieldSpan* spans = out->fields.data() + fields_before;
    // The next field end of the row (a delimiter or a line feed); false when the window ends
    // with a quote in it, or the buffer's last 64 bytes are near.
    auto next_end = [&](int* bit) {
      while (ends == 0) {
        if (quote_bit < 64 || base + 64 > last_base) return false;
        base += 64;
        masks = ScanWindow(buffer + base, delimiters, newlines, quotes);
        quote_bit = masks.quotes != 0 ? __builtin_ctzll(masks.quotes) : 64;
        ends = masks.ends;
      }
      // Clearing the lowest bit (not a mask built from the bit's position) keeps the loop's
      // dependency chain one instruction long.
      *bit = __builtin_ctzll(ends);
      ends &= ends - 1;
      return true;
    };
    // Every field but the last must end at a delimiter, before the window's first quote: what
    // breaks that (a line feed too early, a quote) is gathered without a branch and looked at
    // once for the row.
    uint64_t broken = 0;
    int bit = 0;
    for (int count = 0; count + 1 < num_fields; ++count) {
      if (!next_end(&bit)) {
        out->fields.resize(fields_before);
        return row_begin;
      }
      broken |= ((masks.newlines >> bit) & 1) | static_cast<uint64_t>(bit > quote_bit);
      const uint64_t end = base + static_cast<uint64_t>(bit);
      spans[count] = {static_cast<uint32_t>(pos), static_cast<uint32_t>(end - pos)};
      pos = end + 1;
    }
    // The last field ends at the line feed (a delimiter there means more fields than the
    // header).
    if (!next_end(&bit) || broken != 0 || bit > quote_bit || ((masks.newlines >> bit) & 1) == 0) {
      out->fields.resize(fields_before);
      return row_begin;
    }
    const uint64_t end = base + static_cast<uint64_t>(bit);
    uint64_t field_end = end;
    if (field_end > pos && buffer[field_end - 1] == '\r') --field_end;
    spans[num_fields - 1] = {static_cast<uint32_t>(pos), static_cast<uint32_t>(field_end - pos)};
    pos = end + 1;
    out->row_begins.push_back(static_cast<uint32_t>(row_begin));
    out->row_ends.push_back(static_cast<uint32_t>(pos));
  }
  return pos;
}
#endif

}  // namespace

void TokenizedRows::Clear() {
  fields.clear();
  row_begins.clear();
  row_ends.clear();
  problems.clear();
  begin = end = 0;
  newlines = 0;
  incomplete = false;
}

void Tokenize(const char* buffer, uint64_t buffer_size, uint64_t begin, uint64_t stop_before,
              bool at_eof, int num_fields, Dialect dialect, TokenizedRows* out) {
  const std::array<uint8_t, 256> classes = MakeClassTable(dialect.delimiter);
  const char quote = dialect.quote;
  const char delimiter = dialect.delimiter;
#if defined(__SSE2__)
  const __m128i delimiters = _mm_set1_epi8(delimiter);
  const __m128i newlines = _mm_set1_epi8('\n');
#endif
  out->begin = begin;
  out->incomplete = false;
  uint64_t pos = begin;
  // Line feeds before counted_to are in out->newlines: a row of the fast path holds one.
  uint64_t counted_to = begin;
  out->newlines = 0;

  while (pos < stop_before && pos < buffer_size) {
#if defined(__SSE2__)
    if (num_fields > 0) {
      out->newlines += CountByte(buffer + counted_to, pos - counted_to, '\n');
      const int64_t rows_before = out->rows();
      pos = TokenizePlainRows(buffer, buffer_size, pos, stop_before, num_fields, dialect, out);
      out->newlines += out->rows() - rows_before;
      counted_to = pos;
      if (pos >= stop_before || pos >= buffer_size) break;
    }
#endif
    // Blank lines separate nothing.
    if (buffer[pos] == '\n') {
      ++pos;
      continue;
    }
    if (buffer[pos] == '\r') {
      if (pos + 1 < buffer_size && buffer[pos + 1] == '\n') {
        pos += 2;
        continue;
      }
      if (pos + 1 == buffer_size && !at_eof) {
        out->incomplete = true;
        break;
      }
    }

    const uint64_t row_begin = pos;
    const size_t fields_before = out->fields.size();
    int field_count = 0;
    bool row_done = false;
    bool cut = false;  // the buffer ends inside this row
    RowProblem problem{};
    bool has_problem = false;

    while (!row_done) {
      ++field_count;
      if (pos < buffer_size && buffer[pos] == quote) {
        // Quoted field: runs to the next quote that is not doubled.
        const uint64_t content_begin = ++pos;
        bool escaped = false;
        bool closed = false;
        while (true) {
          const void* found = std::memchr(buffer + pos, quote, buffer_size - pos);
          if (found == nullptr) break;
          uint64_t q = static_cast<uint64_t>(static_cast<const char*>(found) - buffer);
          if (q + 1 < buffer_size && buffer[q + 1] == quote) {
            escaped = true;
            pos = q + 2;
            continue;
          }
          if (q + 1 == buffer_size && !at_eof) break;  // the next byte may be a second quote
          pos = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          if (!at_eof) {
            cut = true;
            break;
          }
          problem = {row_begin, buffer_size, content_begin - 1, field_count,
                     "quote opened here is never closed before the end of the file"};
          has_problem = true;
          pos = buffer_size;
          row_done = true;
          break;
        }
        const uint64_t content_end = pos - 1;
        uint32_t flags = FieldSpan::kQuoted | (escaped ? FieldSpan::kEscaped : 0);
        out->fields.push_back({static_cast<uint32_t>(content_begin),
                               static_cast<uint32_t>(content_end - content_begin) | flags});
        // After the closing quote: a delimiter, a line end, or the end of the file.
        if (pos == buffer_size) {
          if (!at_eof) {
            cut = true;
            break;
          }
          row_done = true;
        } else if (buffer[pos] == delimiter) {
          ++pos;
        } else if (buffer[pos] == '\n') {
          ++pos;
          row_done = true;
        } else if (buffer[pos] == '\r' && pos + 1 < buffer_size && buffer[pos + 1] == '\n') {
          pos += 2;
          row_done = true;
        } else if (buffer[pos] == '\r' && pos + 1 == buffer_size && !at_eof) {
          cut = true;
          break;
        } else {
          uint64_t line_end = LineEnd(buffer, buffer_size, pos);
          if (line_end == buffer_size && !at_eof && buffer[buffer_size - 1] != '\n') {
            cut = true;
            break;
          }
          problem = {row_begin, line_end, pos, field_count,
                     fmt::format("{} after the closing quote; a quoted field must end at a "
                                 "delimiter or a line end (double a quote inside a field: \"\")",
                                 Describe(buffer[pos]))};
          has_problem = true;
          pos = line_end;
          row_done = true;
        }
        continue;
      }

      // Unquoted field: runs to the next delimiter or line end; a quote inside is data.
      const uint64_t field_begin = pos;
      uint8_t cls = kPlain;
#if defined(__SSE2__)
      // Sixteen bytes at a time: one compare finds the end of most fields.
      while (pos + 16 <= buffer_size) {
        __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buffer + pos));
        int mask = _mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(chunk, delimiters), _mm_cmpeq_epi8(chunk, newlines)));
        if (mask != 0) {
          pos += static_cast<uint64_t>(__builtin_ctz(static_cast<unsigned>(mask)));
          break;
        }
        pos += 16;
      }
#endif
      while (pos < buffer_size) {
        cls = classes[static_cast<unsigned char>(buffer[pos])];
        if (cls != kPlain) break;
        ++pos;
      }
      if (pos == buffer_size) {
        if (!at_eof) {
          cut = true;
          break;
        }
        cls = kNewline;  // the file ends the row
      }
      uint64_t field_end = pos;
      if (cls == kNewline) {
        if (field_end > field_begin && buffer[field_end - 1] == '\r') --field_end;
        row_done = true;
      }
      if (pos < buffer_size) ++pos;  // past the delimiter or newline
      out->fields.push_back(
          {static_cast<uint32_t>(field_begin), static_cast<uint32_t>(field_end - field_begin)});
    }

    if (cut) {
      out->fields.resize(fields_before);
      pos = row_begin;
      out->incomplete = true;
      break;
    }
    if (!has_problem && num_fields >= 0 && field_count != num_fields) {
      problem = {row_begin, pos, row_begin, 0,
                 fmt::format("expected {} fields, found {}", num_fields, field_count)};
      has_problem = true;
    }
    if (has_problem) {
      out->fields.resize(fields_before);
      out->problems.push_back(std::move(problem));
    } else {
      out->row_begins.push_back(static_cast<uint32_t>(row_begin));
      out->row_ends.push_back(static_cast<uint32_t>(pos));
    }
    if (num_fields < 0) break;  // the header: one row only
  }
  out->end = pos;
  out->newlines += CountByte(buffer + counted_to, pos - counted_to, '\n');
}

int64_t CountByte(const char* data, size_t size, char byte) {
  int64_t count = 0;
  const char* end = data + size;
  while (data < end) {
    const void* found = std::memchr(data, byte, static_cast<size_t>(end - data));
    if (found == nullptr) break;
    ++count;
    data = static_cast<const char*>(found) + 1;
  }
  return count;
}

std::string_view UnescapeField(std::string_view raw, char quote, std::string* scratch) {
  scratch->clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    scratch->push_back(raw[i]);
    if (raw[i] == quote && i + 1 < raw.size() && raw[i + 1] == quote) ++i;
  }
  return *scratch;
}

}  // namespace hitscope::csv
