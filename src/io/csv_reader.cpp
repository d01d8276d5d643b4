// The CSV reader's driver: reads the file block by block, splits each block into segments that
// are tokenized and converted in parallel, applies the bad-row policy and tracks line numbers.
//
// Parallel splitting of a CSV is speculative: a segment must start at a row start, which depends
// on whether the split point lies inside a quoted field. The quote parity up to each split point
// (quotes counted in parallel) predicts it; each segment is tokenized from its predicted start,
// and afterwards each prediction is checked against where the previous segment really ended.
// A wrong prediction (possible only with a quote inside an unquoted field) is re-tokenized from
// the true boundary, so the result always equals a sequential parse.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/runtime.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/text.hpp"
#include "io/csv_convert.hpp"
#include "io/csv_tokenizer.hpp"
#include "io/value_parse.hpp"

namespace hitscope {

using csv::TokenizedRows;

namespace {

constexpr size_t kMaxBufferBytes = size_t{1} << 30;
constexpr size_t kMaxSpareSpans = size_t{2} << 20;  // field spans a thread keeps between segments
constexpr size_t kSegmentsPerRound = 16;            // converted before their columns go to the sink

// A problem found in a block, before it is located by line.
struct BlockProblem {
  uint64_t at;
  uint64_t row_begin;
  uint64_t row_end;
  int field_index;
  std::string message;
};

std::string TrimLineEnd(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

BadRowPolicy ParseBadRowPolicy(const std::string& name) {
  if (name == "strict") return BadRowPolicy::kStrict;
  if (name == "skip") return BadRowPolicy::kSkip;
  if (name == "reject") return BadRowPolicy::kReject;
  throw InvalidArgument(
      fmt::format("unknown bad-row policy '{}': use strict, skip or reject", name));
}

const std::vector<std::string>& DefaultNullTokens() {
  static const std::vector<std::string> tokens = {
      "",     "#N/A",   "#N/A N/A", "#NA",  "-1.#IND", "-1.#QNAN", "-NaN",
      "-nan", "1.#IND", "1.#QNAN",  "<NA>", "N/A",     "NA",       "NULL",
      "NaN",  "None",   "n/a",      "nan",  "null"};
  return tokens;
}

std::string CsvReadReport::Summary() const {
  std::string out = fmt::format("read {} rows ({:.1f} MB) from '{}'", rows,
                                static_cast<double>(bytes) / 1e6, file);
  if (bad_rows > 0) {
    out += fmt::format("; dropped {} bad row{} ({} problem{})", bad_rows, bad_rows == 1 ? "" : "s",
                       issue_count, issue_count == 1 ? "" : "s");
  }
  for (const auto& column : widened_columns) {
    out += fmt::format("; column '{}' widened from int64 to float64", column);
  }
  size_t shown = std::min<size_t>(issues.size(), 5);
  for (size_t i = 0; i < shown; ++i) out += "\n  " + issues[i].ToString();
  if (static_cast<int64_t>(shown) < issue_count) {
    out += fmt::format("\n  ... and {} more", issue_count - static_cast<int64_t>(shown));
  }
  return out;
}

struct CsvReader::Impl {
  std::string name;
  CsvReadOptions options;
  std::unique_ptr<ReadableFile> file;
  csv::Dialect dialect;
  csv::NullMatcher nulls;

  std::vector<std::string> header;
  int num_fields = 0;
  std::vector<int> selected;  // field (0-based) of each output column
  std::vector<std::string> out_names;
  std::vector<DataType> types;
  std::vector<bool> inferred;
  bool types_known = false;

  // The block being parsed: data[0, fill), at most `capacity` bytes, followed by at least
  // ColumnBuilder::kStringPadding readable bytes. It lies in the mapped file when the file
  // could be mapped (no copy), else in `buffer` (huge pages, not zeroed; its padding zeroed).
  const char* data = nullptr;
  std::string_view mapped;
  std::vector<char, detail::UninitializedAllocator<char>> buffer;
  size_t capacity = 0;
  size_t fill = 0;
  bool eof = false;
  int64_t lines_before_buffer = 0;  // '\n' bytes before data[0]
  int64_t consumed_bytes = 0;       // bytes of the file before data[0]

  CsvReadReport report;
  std::unique_ptr<AtomicOutput> reject;
  std::unique_ptr<Progress> progress;
  bool finished = false;

  Impl(std::unique_ptr<ReadableFile> f, std::string n, CsvReadOptions o)
      : name(std::move(n)), options(std::move(o)), file(std::move(f)), nulls(options.null_tokens) {
    dialect.delimiter = options.delimiter;
    dialect.quote = options.quote;
    report.file = name;
    if (options.block_bytes < 4096) options.block_bytes = 4096;
    options.block_bytes = std::min(options.block_bytes, kMaxBufferBytes / 2);
    capacity = options.block_bytes;
    static_assert(ReadableFile::kMapPadding >= ColumnBuilder::kStringPadding);
    if (options.memory_map) mapped = file->Map();
    if (mapped.empty()) {
      buffer.resize(capacity + ColumnBuilder::kStringPadding);
      std::memset(buffer.data() + capacity, 0, ColumnBuilder::kStringPadding);
    }
    data = mapped.empty() ? buffer.data() : mapped.data();
    if (!options.progress_label.empty()) {
      int64_t size = file->Size();
      progress = std::make_unique<Progress>(options.progress_label,
                                            size > 0 ? static_cast<uint64_t>(size) : 0, "B");
    }
    ReadHeader();
    if (options.bad_rows == BadRowPolicy::kReject) {
      if (options.reject_path.empty()) {
        throw InvalidArgument("the reject policy needs a file for the rejected rows");
      }
      reject = std::make_unique<AtomicOutput>(options.reject_path);
      reject->Write("file,line,column,field,error,row\n");
    }
  }

  // Reads until the block is full or the file ends.
  void Fill() {
    if (!mapped.empty()) {
      const size_t rest = mapped.size() - static_cast<size_t>(consumed_bytes);
      fill = std::min(capacity, rest);
      eof = fill == rest;
      report.bytes = consumed_bytes + static_cast<int64_t>(fill);
      return;
    }
    while (fill < capacity && !eof) {
      size_t got = file->Read(buffer.data() + fill, capacity - fill);
      if (got == 0) eof = true;
      fill += got;
      report.bytes += static_cast<int64_t>(got);
    }
  }

  void Grow() {
    if (capacity >= kMaxBufferBytes) {
      throw InvalidInput(
          fmt::format("'{}': a row longer than {} MB starting at line {}; is a quote left open?",
                      name, kMaxBufferBytes >> 20, lines_before_buffer + 1));
    }
    size_t bigger = std::min(capacity * 2, kMaxBufferBytes);
    if (!mapped.empty()) {
      capacity = bigger;
      return;
    }
    decltype(buffer) grown(bigger + ColumnBuilder::kStringPadding);
    std::memcpy(grown.data(), buffer.data(), fill);
    std::memset(grown.data() + bigger, 0, ColumnBuilder::kStringPadding);
    buffer = std::move(grown);
    data = buffer.data();
    capacity = bigger;
  }

  // Drops data[0, consumed), which holds `newlines` line feeds (counted here when -1), and
  // keeps the rest for the next block.
  void Consume(size_t consumed, int64_t newlines = -1) {
    consumed_bytes += static_cast<int64_t>(consumed);
    if (newlines < 0) newlines = csv::CountByte(data, consumed, '\n');
    lines_before_buffer += newlines;
    if (!mapped.empty()) {
      data += consumed;
      file->ReleaseMappedBefore(static_cast<uint64_t>(consumed_bytes));
    } else {
      std::memmove(buffer.data(), buffer.data() + consumed, fill - consumed);
    }
    fill -= consumed;
    if (progress) progress->Add(consumed);
  }

  void ReadHeader() {
    Fill();
    size_t skip = 0;
    if (fill >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) skip = 3;
    TokenizedRows header_row;
    while (true) {
      header_row.Clear();
      csv::Tokenize(data, fill, skip, fill, eof, -1, dialect, &header_row);
      if (!header_row.incomplete) break;
      if (eof) break;
      Grow();
      Fill();
    }
    if (header_row.rows() == 0 && header_row.problems.empty()) {
      throw InvalidInput(
          fmt::format("'{}' is empty: expected a header row naming the columns", name));
    }
    if (!header_row.problems.empty()) {
      const auto& problem = header_row.problems.front();
      DataIssue issue = Locate(
          {problem.at, problem.row_begin, problem.row_end, problem.field_index, problem.message});
      throw InvalidInput("bad header row: " + issue.ToString());
    }
    std::string scratch;
    int fields = static_cast<int>(header_row.fields.size());
    for (int field = 0; field < fields; ++field) {
      std::string text(csv::FieldText(data, header_row.fields[field], dialect.quote, &scratch));
      size_t bad = 0;
      if (!IsValidUtf8(text, &bad)) {
        throw InvalidInput(fmt::format("'{}': line 1: field {} of the header is not valid UTF-8",
                                       name, field + 1));
      }
      if (!options.has_header) {
        header.push_back(fmt::format("column_{}", field + 1));
      } else if (text.empty()) {
        header.push_back(fmt::format("unnamed_{}", field + 1));
      } else {
        header.push_back(text);
      }
    }
    num_fields = fields;
    for (int a = 0; a < fields; ++a) {
      for (int b = a + 1; b < fields; ++b) {
        if (header[a] == header[b]) {
          throw InvalidInput(fmt::format(
              "'{}': line 1: column name '{}' appears twice (fields {} and {}); rename one", name,
              header[a], a + 1, b + 1));
        }
      }
    }
    auto require = [&](const std::string& column, const char* why) {
      if (std::find(header.begin(), header.end(), column) == header.end()) {
        throw InvalidInput(fmt::format("'{}' has no column '{}'{} ({}); its columns are {}", name,
                                       column, DidYouMean(column, header), why, QuoteList(header)));
      }
    };
    for (const auto& column : options.required_columns) require(column, "required");
    for (const auto& column : options.columns) require(column, "selected");
    for (const auto& [column, type] : options.types) require(column, "given a type");
    if (options.columns.empty()) {
      out_names = header;
    } else {
      out_names = options.columns;
    }
    for (const auto& column : out_names) {
      int field =
          static_cast<int>(std::find(header.begin(), header.end(), column) - header.begin());
      selected.push_back(field);
      auto typed = options.types.find(column);
      types.push_back(typed == options.types.end() ? DataType::kString : typed->second);
      inferred.push_back(typed == options.types.end());
    }
    Consume(options.has_header ? header_row.end : skip);
  }

  // File line and column of a problem at buffer offset `at`.
  DataIssue Locate(const BlockProblem& problem) const {
    DataIssue issue;
    issue.file = name;
    issue.line = lines_before_buffer + std::count(data, data + problem.at, '\n') + 1;
    const void* line_start = nullptr;
    for (uint64_t i = problem.at; i > 0; --i) {
      if (data[i - 1] == '\n') {
        line_start = data + i;
        break;
      }
    }
    uint64_t start =
        line_start ? static_cast<uint64_t>(static_cast<const char*>(line_start) - data) : 0;
    issue.column = static_cast<int64_t>(problem.at - start) + 1;
    issue.field_index = problem.field_index;
    if (problem.field_index > 0 && problem.field_index <= static_cast<int>(header.size()) &&
        options.has_header) {
      issue.field = header[problem.field_index - 1];
    }
    issue.message = problem.message;
    return issue;
  }

  std::string TypeHint(size_t column) const {
    if (!inferred[column]) return fmt::format(" (the type was given for '{}')", out_names[column]);
    return fmt::format(
        " (the type was inferred from the first {} rows; read the column as text with "
        "--type {}=string, or fix the value)",
        options.infer_rows, out_names[column]);
  }

  // One piece of a block: where its rows are (their field spans are dropped once the rows are
  // converted) and, when converted, its columns.
  struct Segment {
    TokenizedRows rows;
    std::vector<Column> columns;
    std::vector<csv::ValueProblem> value_problems;
    std::vector<int64_t> first_float;  // per column: row of the float that stopped an int64 column
  };

  // Where each segment of data[0, fill) starts, predicted from the parity of the quotes before
  // it (a row start: the first line break after the nominal split outside quotes).
  std::vector<uint64_t> PredictSegmentStarts() const {
    // Segments of a few hundred kB: a segment's bytes and field spans stay in cache between
    // tokenizing and converting it, and there are enough of them to keep every thread busy.
    const size_t min_segment = std::max<size_t>(64, options.min_segment_bytes);
    size_t segments = 1;
    if (fill >= 2 * min_segment) segments = std::min<size_t>(fill / min_segment, 4096);
    std::vector<uint64_t> starts(segments + 1, 0);
    starts[segments] = fill;
    if (segments == 1) return starts;
    std::vector<uint64_t> nominal(segments + 1), quotes(segments, 0);
    for (size_t k = 0; k <= segments; ++k) nominal[k] = fill * k / segments;
    ParallelTasks(segments, [&](size_t k) {
      quotes[k] = static_cast<uint64_t>(
          csv::CountByte(data + nominal[k], nominal[k + 1] - nominal[k], dialect.quote));
    });
    uint64_t parity = 0;
    for (size_t k = 1; k < segments; ++k) {
      parity += quotes[k - 1];
      bool inside = parity % 2 == 1;
      uint64_t start = fill;
      for (uint64_t pos = nominal[k]; pos < fill; ++pos) {
        char c = data[pos];
        if (c == dialect.quote) {
          inside = !inside;
        } else if (c == '\n' && !inside) {
          start = pos + 1;
          break;
        }
      }
      starts[k] = std::max(start, starts[k - 1]);
    }
    return starts;
  }

  // Where the rows of blocks go: one builder per output column, made once the types are known
  // and reserved when the first rows come.
  struct Sink {
    std::vector<ColumnBuilder> columns;
    bool whole_file = false;  // reserve for the rest of the file (ReadAll), not for one block
    bool reserved = false;
    int64_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
  };

  // Splits data[0, fill) into segments and parses them in parallel: each is tokenized and, with
  // `specs`, converted at once while its bytes are in cache (its spans are then dropped);
  // without, its spans are kept. A segment whose predicted start proves wrong is parsed again
  // from the true boundary. With `sink` (and specs), the segments are parsed a round of
  // kSegmentsPerRound (at least four per thread) at a time, and each round's columns go to the
  // sink in file order right away: apart from the sink only one round's columns ever exist
  // (4 MB of CSV with the default 256 kB segments), and the next round reuses their memory
  // while it is still mapped and in cache. On one thread, once the sink is reserved, the rest
  // of the segments go straight into the sink instead, one after the other. Returns the valid
  // segments (their columns handed to the sink); *consumed is where the next block starts.
  std::vector<Segment> ParseBlock(const std::vector<csv::ConvertSpec>* specs, size_t* consumed,
                                  Sink* sink) {
    std::vector<uint64_t> starts = PredictSegmentStarts();
    const size_t count = starts.size() - 1;
    std::vector<Segment> segments(count);
    // On one thread, once the sink is reserved, each segment starts where the previous one
    // ended (no prediction to check) and is converted straight into the sink (no round columns
    // to copy).
    const bool to_sink = sink != nullptr && specs != nullptr;
    const bool one_thread = to_sink && ThreadCount() == 1;
    bool direct = false;
    auto run = [&](size_t k, uint64_t begin) {
      // Each thread tokenizes into the same span array, segment after segment.
      thread_local csv::FieldSpans spare_spans;
      Segment& segment = segments[k];
      segment.rows.Clear();
      uint64_t stop = std::max(k + 1 < count ? starts[k + 1] : fill, begin);
      if (specs) {
        segment.rows.fields.swap(spare_spans);
        segment.rows.fields.clear();
        segment.rows.fields.reserve((stop - begin) / 4 + 16);
      }
      csv::Tokenize(data, fill, begin, stop, eof, num_fields, dialect, &segment.rows);
      if (!specs) return;
      segment.value_problems.clear();
      if (direct) {
        csv::AppendRows(data, segment.rows, num_fields, *specs, nulls, dialect.quote,
                        options.validate_utf8, &sink->columns, &segment.value_problems,
                        &segment.first_float);
      } else {
        csv::ConvertRows(data, segment.rows, num_fields, *specs, nulls, dialect.quote,
                         options.validate_utf8, &segment.columns, &segment.value_problems,
                         &segment.first_float);
      }
      segment.rows.fields.swap(spare_spans);
      csv::FieldSpans().swap(segment.rows.fields);
      // A huge segment (one very long row) does not keep its spans' memory for good.
      if (spare_spans.capacity() > kMaxSpareSpans) csv::FieldSpans().swap(spare_spans);
    };
    const size_t round =
        to_sink ? std::max<size_t>(kSegmentsPerRound, 4 * static_cast<size_t>(ThreadCount()))
                : count;
    size_t valid = 1;
    for (size_t first = 0; first < count; first += round) {
      if (one_thread && sink->reserved) {
        direct = true;
        for (size_t k = first; k < count; ++k) {
          run(k, k == 0 ? starts[0] : segments[k - 1].rows.end);
          valid = k + 1;
          if (segments[k].rows.incomplete) break;
        }
        break;
      }
      const size_t last = std::min(count, first + round);
      ParallelTasks(last - first, [&](size_t i) { run(first + i, starts[first + i]); });
      size_t end = last;
      for (size_t k = std::max<size_t>(first, 1); k < last; ++k) {
        if (segments[k - 1].rows.incomplete) {
          end = k;
          break;
        }
        if (segments[k - 1].rows.end != starts[k]) run(k, segments[k - 1].rows.end);
      }
      valid = end;
      if (to_sink) Deliver(&segments, first, end, sink);
      if (end < last || segments[end - 1].rows.incomplete) break;
    }
    segments.resize(valid);
    *consumed = segments.back().rows.end;
    return segments;
  }

  // Appends the columns of segments [first, end) to the sink, and frees them.
  void Deliver(std::vector<Segment>* segments, size_t first, size_t end, Sink* sink) {
    const size_t columns = sink->columns.size();
    if (!sink->reserved) {
      // Reserve for the rows that the bytes still to come probably hold (a little more, so that
      // the columns rarely grow), from the rows and text bytes of these segments.
      int64_t rows = 0;
      for (size_t k = first; k < end; ++k) rows += (*segments)[k].rows.rows();
      const uint64_t bytes = (*segments)[end - 1].rows.end - (*segments)[first].rows.begin;
      if (rows > 0 && bytes > 0) {
        const int64_t size = file->Size();
        double expected = static_cast<double>(fill);
        if (sink->whole_file && size > 0 && options.max_rows < 0) {
          expected = std::max(expected, static_cast<double>(size - consumed_bytes));
        }
        const double scale = std::max(1.0, expected / static_cast<double>(bytes) * 1.02);
        for (size_t column = 0; column < columns; ++column) {
          size_t chars = 0;
          for (size_t k = first; k < end; ++k) {
            chars += (*segments)[k].columns[column].string_bytes();
          }
          sink->columns[column].Reserve(static_cast<int64_t>(static_cast<double>(rows) * scale),
                                        static_cast<size_t>(static_cast<double>(chars) * scale));
        }
        sink->reserved = true;
      }
    }
    ParallelTasks(columns, [&](size_t column) {
      for (size_t k = first; k < end; ++k) {
        sink->columns[column].AppendColumn((*segments)[k].columns[column]);
      }
    });
    for (size_t k = first; k < end; ++k) std::vector<Column>().swap((*segments)[k].columns);
  }

  // Gives the sink one empty builder per output column, of the columns' types.
  void StartSink(Sink* sink) const {
    if (!sink->columns.empty()) return;
    for (DataType type : types) sink->columns.emplace_back(type);
  }

  std::vector<csv::ConvertSpec> ConvertSpecs() const {
    std::vector<csv::ConvertSpec> specs;
    for (size_t column = 0; column < out_names.size(); ++column) {
      specs.push_back({selected[column], out_names[column], types[column],
                       inferred[column] && types[column] == DataType::kInt64, TypeHint(column)});
    }
    return specs;
  }

  // Rows of the first block that decide the types.
  int64_t InferenceRows() const { return options.infer_rows > 0 ? options.infer_rows : INT64_MAX; }

  // Guesses the inferred types from the rows in the first kGuessBytes of the first block, so that
  // the block is tokenized and converted in one pass. The guess is exact when those rows are
  // all the inference looks at. Otherwise a guessed bool, int64, float64 or date type equals the
  // type inferred from all the inference's rows exactly when all of their values convert to it
  // (the types are tried in a fixed order, and each rules out the ones before it), which
  // GuessHolds checks after the conversion; a text column stays text whatever follows once one
  // of its values fits no other type. Returns false when some column cannot be guessed (no value
  // yet, or text that a later value could still change): then the types are inferred first.
  bool GuessTypes(std::vector<uint8_t>* to_check) {
    constexpr size_t kGuessBytes = 1 << 20;
    TokenizedRows prefix;
    csv::Tokenize(data, fill, 0, std::min(fill, kGuessBytes), eof, num_fields, dialect, &prefix);
    const bool exact =
        prefix.rows() >= InferenceRows() || (prefix.end == fill && !prefix.incomplete);
    to_check->assign(out_names.size(), 0);
    for (size_t column = 0; column < out_names.size(); ++column) {
      if (!inferred[column]) continue;
      csv::TypeEvidence evidence = csv::InferFieldType(data, prefix, num_fields, selected[column],
                                                       nulls, dialect.quote, InferenceRows());
      types[column] = evidence.Decide();
      if (exact) continue;
      if (!evidence.any_value) return false;
      if (types[column] != DataType::kString) {
        (*to_check)[column] = 1;
      } else if (evidence.can_bool || evidence.can_int || evidence.can_float || evidence.can_date) {
        return false;
      }
    }
    return true;
  }

  // Whether every value of the columns in `to_check` within the inference's rows converted to its
  // guessed type.
  bool GuessHolds(const std::vector<Segment>& segments, const std::vector<uint8_t>& to_check) {
    const int64_t limit = InferenceRows();
    int64_t row_offset = 0;
    for (const auto& segment : segments) {
      if (row_offset >= limit) break;
      for (size_t column = 0; column < to_check.size(); ++column) {
        if (!to_check[column]) continue;
        int64_t first_float = segment.first_float[column];
        if (first_float >= 0 && row_offset + first_float < limit) return false;
      }
      for (const auto& problem : segment.value_problems) {
        if (row_offset + problem.row >= limit) break;  // problems come in row order
        for (size_t column = 0; column < to_check.size(); ++column) {
          if (to_check[column] && selected[column] == problem.field_index - 1) return false;
        }
      }
      row_offset += segment.rows.rows();
    }
    return true;
  }

  // Parses the next block and appends its good rows to `sink` (maybe none). Returns false, with
  // nothing appended, at the end.
  bool NextBlock(Sink* sink) {
    if (finished) return false;
    Fill();
    if (fill == 0) {
      Finish();
      return false;
    }
    const int64_t block_start = sink->rows();
    size_t consumed = 0;
    std::vector<Segment> parts;
    std::vector<csv::ConvertSpec> specs;
    while (true) {
      std::vector<uint8_t> to_check;
      const bool guessed = types_known || GuessTypes(&to_check);
      if (guessed) {
        specs = ConvertSpecs();
        StartSink(sink);
        parts = ParseBlock(&specs, &consumed, sink);
        if (consumed == 0 && !eof) {  // one row longer than the block: nothing was appended
          Grow();
          Fill();
          continue;
        }
        if (types_known || GuessHolds(parts, to_check)) break;
        *sink = Sink{{}, sink->whole_file, false};  // the first block: the sink held nothing else
      }
      // Infer the types from the tokenized rows, then convert.
      parts = ParseBlock(nullptr, &consumed, nullptr);
      if (consumed == 0 && !eof) {
        Grow();
        Fill();
        continue;
      }
      InferTypes(parts);
      specs = ConvertSpecs();
      StartSink(sink);
      parts = ParseBlock(&specs, &consumed, sink);
      break;
    }
    types_known = true;

    const size_t columns = out_names.size();
    // Convert again, as float64, any inferred int64 column that met a float value.
    std::vector<size_t> widen;
    for (size_t column = 0; column < columns; ++column) {
      bool any = false;
      for (const auto& part : parts) any |= part.first_float[column] >= 0;
      if (!any) continue;
      types[column] = DataType::kFloat64;
      specs[column].type = DataType::kFloat64;
      specs[column].may_widen = false;
      widen.push_back(column);
      report.widened_columns.push_back(out_names[column]);
    }
    if (!widen.empty()) {
      // The spans are gone: each segment is tokenized again, for all the widened columns at once.
      std::vector<csv::ConvertSpec> widened;
      for (size_t column : widen) widened.push_back(specs[column]);
      std::vector<std::vector<Column>> converted(parts.size());
      std::vector<std::vector<csv::ValueProblem>> widened_problems(parts.size());
      ParallelTasks(parts.size(), [&](size_t k) {
        TokenizedRows rows;
        csv::Tokenize(data, fill, parts[k].rows.begin, parts[k].rows.end, eof, num_fields, dialect,
                      &rows);
        std::vector<int64_t> no_float;  // float64 columns do not widen
        csv::ConvertRows(data, rows, num_fields, widened, nulls, dialect.quote,
                         options.validate_utf8, &converted[k], &widened_problems[k], &no_float);
      });
      for (size_t w = 0; w < widen.size(); ++w) {
        ColumnBuilder& builder = sink->columns[widen[w]];
        builder.Truncate(block_start);
        builder.WidenToFloat64();
        for (size_t k = 0; k < parts.size(); ++k) builder.AppendColumn(converted[k][w]);
      }
      for (size_t k = 0; k < parts.size(); ++k) {
        auto& problems = parts[k].value_problems;
        std::erase_if(problems, [&](const csv::ValueProblem& p) {
          return std::any_of(widen.begin(), widen.end(),
                             [&](size_t column) { return selected[column] == p.field_index - 1; });
        });
        problems.insert(problems.end(), widened_problems[k].begin(), widened_problems[k].end());
      }
    }

    // Gather the problems of the block in file order and drop the rows they belong to.
    std::vector<BlockProblem> problems;
    std::vector<uint8_t> keep;  // over the block's rows, once a value could not be converted
    int64_t row_offset = 0;
    for (const auto& part : parts) {
      const TokenizedRows& rows = part.rows;
      for (const auto& p : rows.problems) {
        problems.push_back({p.at, p.row_begin, p.row_end, p.field_index, p.message});
      }
      for (const auto& p : part.value_problems) {
        if (keep.empty()) keep.assign(static_cast<size_t>(sink->rows() - block_start), 1);
        keep[static_cast<size_t>(row_offset + p.row)] = 0;
        problems.push_back(
            {p.at, rows.row_begins[p.row], rows.row_ends[p.row], p.field_index, p.message});
      }
      row_offset += rows.rows();
    }
    if (!problems.empty()) HandleProblems(problems);
    if (!keep.empty()) {
      std::vector<Column> block(columns);
      ParallelTasks(columns, [&](size_t column) {
        block[column] = sink->columns[column].SplitOff(block_start);
      });
      const Table kept = Table(out_names, std::move(block)).Filter(keep);
      ParallelTasks(columns, [&](size_t column) {
        sink->columns[column].AppendColumn(kept.column(static_cast<int>(column)));
      });
    }
    int64_t newlines = 0;
    for (const auto& part : parts) newlines += part.rows.newlines;
    parts.clear();
    Consume(consumed, newlines);

    const int64_t rows = sink->rows() - block_start;
    if (options.max_rows >= 0 && report.rows + rows >= options.max_rows) {
      const int64_t cut = block_start + (options.max_rows - report.rows);
      for (auto& builder : sink->columns) builder.Truncate(cut);
      report.rows = options.max_rows;
      Finish();
      return true;
    }
    report.rows += rows;
    if (eof && fill == 0) Finish();
    return true;
  }

  void InferTypes(const std::vector<Segment>& parts) {
    ParallelTasks(out_names.size(), [&](size_t column) {
      if (!inferred[column]) return;
      csv::TypeEvidence evidence;
      int64_t budget = InferenceRows();
      for (const auto& part : parts) {
        if (budget <= 0) break;
        evidence.Merge(csv::InferFieldType(data, part.rows, num_fields, selected[column], nulls,
                                           dialect.quote, budget));
        budget -= part.rows.rows();
      }
      types[column] = evidence.Decide();
    });
  }

  void HandleProblems(std::vector<BlockProblem>& problems) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const BlockProblem& a, const BlockProblem& b) { return a.at < b.at; });
    if (options.bad_rows == BadRowPolicy::kStrict) {
      DataIssue issue = Locate(problems.front());
      throw InvalidInput(issue.ToString() +
                         "\n(stopped at the first bad row; --bad-rows skip drops bad rows, "
                         "--bad-rows reject also writes them to a file)");
    }
    // Locate all problems with one sweep over the block.
    uint64_t scanned = 0;
    int64_t line = lines_before_buffer + 1;
    uint64_t line_start = 0;
    uint64_t last_row = UINT64_MAX;
    for (const auto& problem : problems) {
      for (; scanned < problem.at; ++scanned) {
        if (data[scanned] == '\n') {
          ++line;
          line_start = scanned + 1;
        }
      }
      ++report.issue_count;
      if (problem.row_begin != last_row) ++report.bad_rows;
      DataIssue issue;
      issue.file = name;
      issue.line = line;
      issue.column = static_cast<int64_t>(problem.at - line_start) + 1;
      issue.field_index = problem.field_index;
      if (options.has_header && problem.field_index > 0) {
        issue.field = header[problem.field_index - 1];
      }
      issue.message = problem.message;
      if (reject) {
        reject->Write(
            fmt::format("{},{},{},{},{},{}\n", QuoteCsvField(name), issue.line, issue.column,
                        QuoteCsvField(issue.field), QuoteCsvField(issue.message),
                        QuoteCsvField(TrimLineEnd(std::string_view(
                            data + problem.row_begin, problem.row_end - problem.row_begin)))));
      }
      last_row = problem.row_begin;
      if (report.issues.size() < options.max_issues_kept) report.issues.push_back(std::move(issue));
    }
  }

  void Finish() {
    if (finished) return;
    finished = true;
    if (reject) reject->Commit();
    if (progress) progress->Finish();
  }
};

CsvReader::CsvReader(const std::string& path, CsvReadOptions options, FileSystem& fs)
    : impl_(std::make_unique<Impl>(fs.OpenForRead(path), path, std::move(options))) {}

CsvReader::CsvReader(std::unique_ptr<ReadableFile> file, std::string name, CsvReadOptions options)
    : impl_(std::make_unique<Impl>(std::move(file), std::move(name), std::move(options))) {}

CsvReader::~CsvReader() = default;

const std::vector<std::string>& CsvReader::column_names() const {
  return impl_->out_names;
}

std::optional<Table> CsvReader::ReadBatch() {
  Impl::Sink sink;
  while (impl_->NextBlock(&sink) && sink.rows() == 0 && !impl_->finished) {
  }
  if (sink.rows() == 0) return std::nullopt;
  std::vector<Column> columns;
  for (auto& builder : sink.columns) columns.push_back(builder.Finish());
  return Table(impl_->out_names, std::move(columns));
}

Table CsvReader::ReadAll() {
  // Every block goes into one builder per column, reserved for the rows the file's size
  // suggests, so the data is copied once and the columns rarely grow.
  Impl::Sink sink;
  sink.whole_file = true;
  while (impl_->NextBlock(&sink)) {
  }
  if (sink.rows() == 0) {
    if (!impl_->options.allow_empty) {
      throw InvalidInput(fmt::format("'{}' has a header but no data rows{}", impl_->name,
                                     impl_->report.bad_rows > 0 ? " that could be read" : ""));
    }
    sink = Impl::Sink();
    impl_->StartSink(&sink);
  }
  std::vector<Column> columns;
  for (auto& builder : sink.columns) columns.push_back(builder.Finish());
  return Table(impl_->out_names, std::move(columns));
}

const CsvReadReport& CsvReader::report() const {
  return impl_->report;
}

Table ReadCsv(const std::string& path, const CsvReadOptions& options, CsvReadReport* report) {
  CsvReader reader(path, options);
  Table table = reader.ReadAll();
  if (report) *report = reader.report();
  return table;
}

namespace {

class StringFile final : public ReadableFile {
 public:
  explicit StringFile(const std::string& text) : text_(text) {}
  size_t Read(char* dst, size_t n) override {
    size_t take = std::min(n, text_.size() - pos_);
    std::memcpy(dst, text_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  int64_t Size() const override { return static_cast<int64_t>(text_.size()); }

 private:
  const std::string& text_;
  size_t pos_ = 0;
};

}  // namespace

Table ReadCsvString(const std::string& text, const std::string& name, const CsvReadOptions& options,
                    CsvReadReport* report) {
  CsvReader reader(std::make_unique<StringFile>(text), name, options);
  Table table = reader.ReadAll();
  if (report) *report = reader.report();
  return table;
}

}  // namespace hitscope
