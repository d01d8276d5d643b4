#include "io/csv_convert.hpp"

#include "core/text.hpp"
#include "io/value_parse.hpp"

#include <fmt/format.h>

namespace hitscope::csv {

NullMatcher::NullMatcher(const std::vector<std::string>& tokens) : tokens_(tokens) {
  for (const auto& token : tokens_) max_length_ = std::max(max_length_, token.size());
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
                            int field, const NullMatcher& nulls, char quote) {
  TypeEvidence evidence;
  std::string scratch;
  for (int64_t row = 0; row < rows.rows(); ++row) {
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
  auto fail = [&](int64_t row, std::string_view text) {
    problems->push_back(
        {row, span_of(row).begin, spec.field + 1, CannotRead(text, spec.type, spec.type_hint)});
    builder.AppendNull();
  };

  std::string scratch;
  for (int64_t row = 0; row < n; ++row) {
    FieldSpan span = span_of(row);
    std::string_view text = FieldText(buffer, span, quote, &scratch);
    if (nulls.IsNull(text)) {
      builder.AppendNull();
      continue;
    }
    switch (spec.type) {
      case DataType::kInt64: {
        int64_t value;
        if (ParseInt64(text, &value)) {
          builder.AppendInt(value);
        } else {
          double ignored;
          if (spec.may_widen && ParseFloat64(text, &ignored)) return ConvertStatus::kNeedsFloat;
          fail(row, text);
        }
        break;
      }
      case DataType::kFloat64: {
        double value;
        if (ParseFloat64(text, &value)) {
          builder.AppendFloat(value);
        } else {
          fail(row, text);
        }
        break;
      }
      case DataType::kBool: {
        bool value;
        if (ParseBool(text, &value)) {
          builder.AppendBool(value);
        } else {
          fail(row, text);
        }
        break;
      }
      case DataType::kDate: {
        Date value;
        if (ParseDate(text, &value)) {
          builder.AppendDate(value);
        } else {
          fail(row, text);
        }
        break;
      }
      case DataType::kString: {
        size_t bad = 0;
        if (validate_utf8 && !IsValidUtf8(text, &bad)) {
          problems->push_back(
              {row, span.begin + bad, spec.field + 1,
               fmt::format("invalid UTF-8 (byte 0x{:02x} at byte {} of the field); re-encode "
                           "the file as UTF-8",
                           static_cast<unsigned char>(text[bad]), bad + 1)});
          builder.AppendNull();
        } else {
          builder.AppendString(text);
        }
        break;
      }
    }
  }
  *out = builder.Finish();
  return ConvertStatus::kOk;
}

}  // namespace hitscope::csv
