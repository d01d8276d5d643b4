#include "io/csv_convert.hpp"

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
  }
}

void TypeEvidence::Observe(std::string_view text) {
  any_value = true;
  if (can_bool) {
    bool b;
    can_bool = ParseBool(text, &b);
  }
  if (can_int) {
    int64_t i;
    can_int = ParseInt64(text, &i);
  }
  if (can_float && !can_int) {
    double d;
    can_float = ParseFloat64(text, &d);
  }
  if (can_date) {
    Date date;
    can_date = ParseDate(text, &date);
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

}  // namespace

namespace {

enum class ValueResult { kOk, kFailed, kNeedsFloat };

// Converts one non-null value into `builder`; on failure appends nothing.
inline ValueResult AppendValue(std::string_view text, const ConvertSpec& spec, bool validate_utf8,
                               ColumnBuilder* builder, size_t* bad_utf8) {
  switch (spec.type) {
    case DataType::kInt64: {
      int64_t value;
      if (ParseInt64(text, &value)) {
        builder->AppendInt(value);
        return ValueResult::kOk;
      }
      double ignored;
      if (spec.may_widen && ParseFloat64(text, &ignored)) return ValueResult::kNeedsFloat;
      return ValueResult::kFailed;
    }
    case DataType::kFloat64: {
      double value;
      if (!ParseFloat64(text, &value)) return ValueResult::kFailed;
      builder->AppendFloat(value);
      return ValueResult::kOk;
    }
    case DataType::kBool: {
      bool value;
      if (!ParseBool(text, &value)) return ValueResult::kFailed;
      builder->AppendBool(value);
      return ValueResult::kOk;
    }
    case DataType::kDate: {
      Date value;
      if (!ParseDate(text, &value)) return ValueResult::kFailed;
      builder->AppendDate(value);
      return ValueResult::kOk;
    }
    case DataType::kString:
      if (validate_utf8 && !IsValidUtf8(text, bad_utf8)) return ValueResult::kFailed;
      builder->AppendString(text);
      return ValueResult::kOk;
  }
  return ValueResult::kFailed;
}

ValueProblem MakeProblem(int64_t row, FieldSpan span, std::string_view text,
                         const ConvertSpec& spec, size_t bad_utf8) {
  if (spec.type == DataType::kString) {
    return {row, span.begin + bad_utf8, spec.field + 1,
            fmt::format("invalid UTF-8 (byte 0x{:02x} at byte {} of the field); re-encode the "
                        "file as UTF-8",
                        static_cast<unsigned char>(text[bad_utf8]), bad_utf8 + 1)};
  }
  return {row, span.begin, spec.field + 1, CannotRead(text, spec.type, spec.type_hint)};
}

}  // namespace

void ConvertRows(const char* buffer, const TokenizedRows& rows, int num_fields,
                 const std::vector<ConvertSpec>& specs, const NullMatcher& nulls, char quote,
                 bool validate_utf8, std::vector<Column>* out, std::vector<ValueProblem>* problems,
                 std::vector<uint8_t>* needs_float) {
  const int64_t n = rows.rows();
  const size_t columns = specs.size();
  std::vector<ColumnBuilder> builders;
  builders.reserve(columns);
  for (const auto& spec : specs) {
    builders.emplace_back(spec.type);
    builders.back().Reserve(n, spec.type == DataType::kString ? static_cast<size_t>(n) * 16 : 0);
  }
  needs_float->assign(columns, 0);
  std::string scratch;
  const FieldSpan* spans = rows.fields.data();
  for (int64_t row = 0; row < n; ++row) {
    const FieldSpan* row_spans = spans + row * num_fields;
    for (size_t column = 0; column < columns; ++column) {
      const ConvertSpec& spec = specs[column];
      ColumnBuilder& builder = builders[column];
      FieldSpan span = row_spans[spec.field];
      std::string_view text = FieldText(buffer, span, quote, &scratch);
      if ((*needs_float)[column] || nulls.IsNull(text)) {
        builder.AppendNull();
        continue;
      }
      size_t bad_utf8 = 0;
      ValueResult result = AppendValue(text, spec, validate_utf8, &builder, &bad_utf8);
      if (result == ValueResult::kOk) continue;
      builder.AppendNull();
      if (result == ValueResult::kNeedsFloat) {
        (*needs_float)[column] = 1;
      } else {
        problems->push_back(MakeProblem(row, span, text, spec, bad_utf8));
      }
    }
  }
  out->clear();
  for (auto& builder : builders) out->push_back(builder.Finish());
}

ConvertStatus ConvertField(const char* buffer, const TokenizedRows& rows, int num_fields,
                           const ConvertSpec& spec, const NullMatcher& nulls, char quote,
                           bool validate_utf8, Column* out, std::vector<ValueProblem>* problems) {
  ColumnBuilder builder(spec.type);
  const int64_t n = rows.rows();
  const FieldSpan* spans = rows.fields.data();
  auto span_of = [&](int64_t row) { return spans[row * num_fields + spec.field]; };
  if (spec.type == DataType::kString) {
    size_t bytes = 0;
    for (int64_t row = 0; row < n; ++row) bytes += span_of(row).length();
    builder.Reserve(n, bytes);
  } else {
    builder.Reserve(n);
  }
  std::string scratch;
  for (int64_t row = 0; row < n; ++row) {
    FieldSpan span = span_of(row);
    std::string_view text = FieldText(buffer, span, quote, &scratch);
    if (nulls.IsNull(text)) {
      builder.AppendNull();
      continue;
    }
    size_t bad_utf8 = 0;
    ValueResult result = AppendValue(text, spec, validate_utf8, &builder, &bad_utf8);
    if (result == ValueResult::kOk) continue;
    if (result == ValueResult::kNeedsFloat) return ConvertStatus::kNeedsFloat;
    problems->push_back(MakeProblem(row, span, text, spec, bad_utf8));
    builder.AppendNull();
  }
  *out = builder.Finish();
  return ConvertStatus::kOk;
}

}  // namespace hitscope::csv
