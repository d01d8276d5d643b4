#include "io/csv_convert.hpp"

#include <algorithm>
#include <array>
#include <type_traits>

#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "core/text.hpp"
#include "io/value_parse.hpp"

namespace hitscope::csv {

NullMatcher::NullMatcher(const std::vector<std::string>& tokens) {
  for (const auto& token : tokens) {
    if (token.empty()) continue;  // an empty field is always null
    if (token.size() >= kMaxLength) {
      throw InvalidArgument(
          fmt::format("null token '{}' is longer than {} bytes", token, kMaxLength - 1));
    }
    tokens_.push_back(token);
    candidate_[token.size()][static_cast<unsigned char>(token[0])] = true;
    int64_t as_int;
    double as_decimal;
    has_int_token_ |= detail::ParsePlainInt64(token, &as_int);
    has_plain_decimal_token_ |= detail::ParsePlainDecimal(token, &as_decimal);
  }
}

namespace {

// Character classes: one pass over a value tells which parsers could possibly accept it, so
// inference calls at most the one or two that can (it runs on every value of the first rows).
enum CharBits : uint8_t {
  kDigit = 1,
  kSign = 2,  // + or -
  kDot = 4,
  kExponent = 8,  // e or E
  kLetter = 16,   // other letters
  kSpace = 32,
  kOther = 64,
};

constexpr auto kCharBits = [] {
  std::array<uint8_t, 256> table{};
  for (auto& bits : table) bits = kOther;
  for (int c = '0'; c <= '9'; ++c) table[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = kLetter;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = kLetter;
  table['e'] = table['E'] = kExponent;
  table['+'] = table['-'] = kSign;
  table['.'] = kDot;
  table[' '] = kSpace;
  return table;
}();

}  // namespace

void TypeEvidence::Observe(std::string_view text) {
  any_value = true;
  uint8_t bits = 0;
  for (char c : text) bits |= kCharBits[static_cast<unsigned char>(c)];
  const bool only_number_chars = (bits & ~(kDigit | kSign | kDot | kExponent | kSpace)) == 0;
  if (can_bool) {
    bool b;
    can_bool = (bits & ~(kLetter | kExponent | kSpace)) == 0 && ParseBool(text, &b);
  }
  if (can_int) {
    int64_t i;
    can_int = (bits & ~(kDigit | kSign | kSpace)) == 0 && ParseInt64(text, &i);
  }
  if (can_float && !can_int) {
    // Letters are allowed only for inf / infinity / nan.
    bool possible = only_number_chars || ((bits & kOther) == 0 && text.size() <= 9);
    double d;
    can_float = possible && ParseFloat64(text, &d);
  }
  if (can_date) {
    Date date;
    can_date = (bits & ~(kDigit | kSign | kSpace)) == 0 && ParseDate(text, &date);
    if (can_date && date.precision != DatePrecision::kYear) has_month = true;
  }
}

void TypeEvidence::Merge(const TypeEvidence& other) {
  any_value |= other.any_value;
  can_bool &= other.can_bool;
  can_int &= other.can_int;
  can_float &= other.can_float;
  can_date &= other.can_date;
  has_month |= other.has_month;
}

DataType TypeEvidence::Decide() const {
  if (!any_value) return DataType::kString;
  if (can_bool) return DataType::kBool;
  if (can_int) return DataType::kInt64;
  if (can_float) return DataType::kFloat64;
  if (can_date && has_month) return DataType::kDate;
  return DataType::kString;
}

TypeEvidence InferFieldType(const char* buffer, const TokenizedRows& rows, int num_fields,
                            int field, const NullMatcher& nulls, char quote, int64_t max_rows) {
  TypeEvidence evidence;
  std::string scratch;
  const int64_t n = std::min(rows.rows(), max_rows);
  for (int64_t row = 0; row < n; ++row) {
    FieldSpan span = rows.fields[static_cast<size_t>(row * num_fields + field)];
    std::string_view text = FieldText(buffer, span, quote, &scratch);
    if (nulls.IsNull(text)) continue;
    evidence.Observe(text);
    if (!evidence.can_bool && !evidence.can_int && !evidence.can_float && !evidence.can_date) {
      break;  // a string whatever follows
    }
  }
  return evidence;
}

namespace {

std::string CannotRead(std::string_view text, DataType type, const std::string& hint) {
  return fmt::format("cannot read \"{}\" as {}{}", Printable(text), DataTypeName(type), hint);
}

// Rows converted a block at a time, column by column: few enough that their spans and bytes stay
// in cache, and that a block's values fit in arrays on the stack.
constexpr int64_t kRowsPerBlock = 1024;

// Converts field spec.field of rows [row_begin, row_end) (at most kRowsPerBlock) of an int64 or
// float64 column into `builder`: the values go to an array first and then to the builder at
// once, so that the loop keeps no builder state in memory.
template <DataType kType>
void ConvertNumbers(const char* buffer, const FieldSpan* spans, int num_fields, int64_t row_begin,
                    int64_t row_end, const ConvertSpec& spec, const NullMatcher& nulls, char quote,
                    ColumnBuilder* builder, std::vector<ValueProblem>* problems,
                    int64_t* first_float, std::string* scratch) {
  using Value = std::conditional_t<kType == DataType::kInt64, int64_t, double>;
  Value values[kRowsPerBlock];
  uint8_t valid[kRowsPerBlock];
  bool any_null = false;
  // Where no null token is a plain number, a plain number is read before the null tokens are
  // looked at (almost every field of a numeric column is one).
  const bool number_first =
      kType == DataType::kInt64 ? !nulls.has_int_token() : !nulls.has_plain_decimal_token();
  int64_t widen = *first_float;
  const int64_t n = row_end - row_begin;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t row = row_begin + i;
    const FieldSpan span = spans[row * num_fields + spec.field];
    const std::string_view text = FieldText(buffer, span, quote, scratch);
    valid[i] = 1;
    if (number_first && widen < 0) {
      // The short-number readers load the 16 bytes before the field's end: in the buffer from
      // offset 16 on (not so for an unescaped copy in scratch).
      const bool short_ok = span.begin + span.length() >= 16 && !span.escaped();
      if constexpr (kType == DataType::kInt64) {
        if (short_ok ? detail::ParseShortInt64(text, &values[i])
                     : detail::ParsePlainInt64(text, &values[i])) {
          continue;
        }
      } else {
        if (short_ok ? detail::ParseShortDecimal(text, &values[i])
                     : detail::ParsePlainDecimal(text, &values[i])) {
          continue;
        }
      }
    }
    values[i] = 0;
    if (widen < 0 && !nulls.IsNull(text)) {
      bool ok;
      if constexpr (kType == DataType::kInt64) {
        ok = ParseInt64(text, &values[i]);
        if (double ignored; !ok && spec.may_widen && ParseFloat64(text, &ignored)) {
          widen = row;  // the rest of the column stays null until it is converted again
          ok = true;
          values[i] = 0;
          valid[i] = 0;
          any_null = true;
        }
      } else {
        ok = ParseFloat64(text, &values[i]);
      }
      if (ok) continue;
      problems->push_back(
          {row, span.begin, spec.field + 1, CannotRead(text, spec.type, spec.type_hint)});
    }
    valid[i] = 0;
    any_null = true;
  }
  *first_float = widen;
  if constexpr (kType == DataType::kInt64) {
    builder->AppendInts(values, n, any_null ? valid : nullptr);
  } else {
    builder->AppendFloats(values, n, any_null ? valid : nullptr);
  }
}

// The same for a string column. The values are copied from the buffer, which has
// ColumnBuilder::kStringPadding readable bytes past its end; a value with doubled quotes goes to
// `escaped` first, with the same padding.
void ConvertStrings(const char* buffer, const FieldSpan* spans, int num_fields, int64_t row_begin,
                    int64_t row_end, const ConvertSpec& spec, const NullMatcher& nulls, char quote,
                    bool validate_utf8, ColumnBuilder* builder, std::vector<ValueProblem>* problems,
                    std::string* scratch, std::string* escaped) {
  std::string_view values[kRowsPerBlock];
  uint8_t valid[kRowsPerBlock];
  bool any_null = false;
  std::vector<std::pair<int64_t, size_t>> escaped_rows;  // (i, offset in *escaped)
  escaped->clear();
  const int64_t n = row_end - row_begin;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t row = row_begin + i;
    const FieldSpan span = spans[row * num_fields + spec.field];
    const std::string_view text = FieldText(buffer, span, quote, scratch);
    values[i] = text;
    valid[i] = 1;
    size_t bad_utf8 = 0;
    if (nulls.IsNull(text)) {
      valid[i] = 0;
      any_null = true;
    } else if (validate_utf8 && !IsValidUtf8(text, &bad_utf8)) {
      problems->push_back(
          {row, span.begin + bad_utf8, spec.field + 1,
           fmt::format("invalid UTF-8 (byte 0x{:02x} at byte {} of the field); re-encode the "
                       "file as UTF-8",
                       static_cast<unsigned char>(text[bad_utf8]), bad_utf8 + 1)});
      valid[i] = 0;
      any_null = true;
    } else if (span.escaped()) {
      escaped_rows.emplace_back(i, escaped->size());
      escaped->append(text);
    }
  }
  if (!escaped_rows.empty()) {
    escaped->append(ColumnBuilder::kStringPadding, '\0');
    for (const auto& [i, offset] : escaped_rows) {
      values[i] = std::string_view(escaped->data() + offset, values[i].size());
    }
  }
  builder->AppendPaddedStrings(values, n, any_null ? valid : nullptr);
}

// Converts field spec.field of rows [row_begin, row_end) of a bool or date column into
// `builder`, value by value.
template <DataType kType>
void ConvertRange(const char* buffer, const FieldSpan* spans, int num_fields, int64_t row_begin,
                  int64_t row_end, const ConvertSpec& spec, const NullMatcher& nulls, char quote,
                  ColumnBuilder* builder, std::vector<ValueProblem>* problems,
                  std::string* scratch) {
  for (int64_t row = row_begin; row < row_end; ++row) {
    FieldSpan span = spans[row * num_fields + spec.field];
    std::string_view text = FieldText(buffer, span, quote, scratch);
    if (nulls.IsNull(text)) {
      builder->AppendNull();
      continue;
    }
    bool ok;
    if constexpr (kType == DataType::kBool) {
      bool value;
      ok = ParseBool(text, &value);
      if (ok) builder->AppendBool(value);
    } else {
      Date value;
      ok = ParseDate(text, &value);
      if (ok) builder->AppendDate(value);
    }
    if (!ok) {
      builder->AppendNull();
      problems->push_back(
          {row, span.begin, spec.field + 1, CannotRead(text, spec.type, spec.type_hint)});
    }
  }
}

}  // namespace

void ConvertRows(const char* buffer, const TokenizedRows& rows, int num_fields,
                 const std::vector<ConvertSpec>& specs, const NullMatcher& nulls, char quote,
                 bool validate_utf8, std::vector<Column>* out, std::vector<ValueProblem>* problems,
                 std::vector<int64_t>* first_float) {
  const int64_t n = rows.rows();
  const size_t columns = specs.size();
  const FieldSpan* spans = rows.fields.data();
  std::vector<ColumnBuilder> builders;
  builders.reserve(columns);
  for (size_t column = 0; column < columns; ++column) {
    // Exact text sizes, so that string columns never grow (and copy) while converting.
    size_t text_bytes = 0;
    if (specs[column].type == DataType::kString) {
      const int field = specs[column].field;
      for (int64_t row = 0; row < n; ++row) text_bytes += spans[row * num_fields + field].length();
    }
    builders.emplace_back(specs[column].type);
    builders.back().Reserve(n, text_bytes);
  }
  AppendRows(buffer, rows, num_fields, specs, nulls, quote, validate_utf8, &builders, problems,
             first_float);
  out->clear();
  for (auto& builder : builders) out->push_back(builder.Finish());
}

void AppendRows(const char* buffer, const TokenizedRows& rows, int num_fields,
                const std::vector<ConvertSpec>& specs, const NullMatcher& nulls, char quote,
                bool validate_utf8, std::vector<ColumnBuilder>* builders,
                std::vector<ValueProblem>* problems, std::vector<int64_t>* first_float) {
  const int64_t n = rows.rows();
  const size_t columns = specs.size();
  const FieldSpan* spans = rows.fields.data();
  // Text that is all ASCII (as a catalogue's almost always is) is valid UTF-8 field by field:
  // one pass over the rows' bytes replaces a check of every text value.
  if (validate_utf8 && n > 0 &&
      IsAscii(std::string_view(buffer + rows.row_begins.front(),
                               rows.row_ends.back() - rows.row_begins.front()))) {
    validate_utf8 = false;
  }
  first_float->assign(columns, -1);
  std::string scratch;
  std::string escaped;
  // Column by column within blocks of rows: each column gets a tight loop for its one type
  // instead of a switch per field.
  for (int64_t block = 0; block < n; block += kRowsPerBlock) {
    const int64_t block_end = std::min(n, block + kRowsPerBlock);
    for (size_t column = 0; column < columns; ++column) {
      const ConvertSpec& spec = specs[column];
      ColumnBuilder* builder = &(*builders)[column];
      switch (spec.type) {
        case DataType::kInt64:
          ConvertNumbers<DataType::kInt64>(buffer, spans, num_fields, block, block_end, spec, nulls,
                                           quote, builder, problems, &(*first_float)[column],
                                           &scratch);
          break;
        case DataType::kFloat64:
          ConvertNumbers<DataType::kFloat64>(buffer, spans, num_fields, block, block_end, spec,
                                             nulls, quote, builder, problems,
                                             &(*first_float)[column], &scratch);
          break;
        case DataType::kBool:
          ConvertRange<DataType::kBool>(buffer, spans, num_fields, block, block_end, spec, nulls,
                                        quote, builder, problems, &scratch);
          break;
        case DataType::kDate:
          ConvertRange<DataType::kDate>(buffer, spans, num_fields, block, block_end, spec, nulls,
                                        quote, builder, problems, &scratch);
          break;
        case DataType::kString:
          ConvertStrings(buffer, spans, num_fields, block, block_end, spec, nulls, quote,
                         validate_utf8, builder, problems, &scratch, &escaped);
          break;
      }
    }
  }
  // Problems were found column by column: put them back in row order.
  std::stable_sort(problems->begin(), problems->end(),
                   [](const ValueProblem& a, const ValueProblem& b) { return a.row < b.row; });
}

}  // namespace hitscope::csv
