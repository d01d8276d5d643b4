// io/csv_convert.hpp: phase 2 of the CSV reader: field spans to typed columns, and the type
// inference that precedes it on the first block.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <hitscope/table.hpp>

#include "io/csv_tokenizer.hpp"

namespace hitscope::csv {

// Decides whether a field's text is a null token. Most fields are rejected by one table look-up
// on (length, first byte) before any comparison.
class NullMatcher {
 public:
  explicit NullMatcher(const std::vector<std::string>& tokens);
  bool IsNull(std::string_view text) const {
    if (text.empty()) return true;
    if (text.size() >= kMaxLength) return false;
    if (!candidate_[text.size()][static_cast<unsigned char>(text[0])]) return false;
    for (const auto& token : tokens_) {
      if (token == text) return true;
    }
    return false;
  }
  // Whether some token is a plain integer ("-1") or a plain decimal ("0.0"): only then may a
  // number be a null.
  bool has_int_token() const { return has_int_token_; }
  bool has_plain_decimal_token() const { return has_plain_decimal_token_; }

 private:
  static constexpr size_t kMaxLength = 32;
  bool has_int_token_ = false;
  bool has_plain_decimal_token_ = false;
  std::vector<std::string> tokens_;
  bool candidate_[kMaxLength][256] = {};
};

// What the non-null values of one column could all be read as.
struct TypeEvidence {
  bool any_value = false;
  bool can_bool = true;
  bool can_int = true;
  bool can_float = true;
  bool can_date = true;
  bool has_month = false;  // some date value is more precise than a year

  void Observe(std::string_view text);
  void Merge(const TypeEvidence& other);
  DataType Decide() const;
};

// Gathers the evidence for field `field` (0-based) over the first `max_rows` good rows of `rows`.
TypeEvidence InferFieldType(const char* buffer, const TokenizedRows& rows, int num_fields,
                            int field, const NullMatcher& nulls, char quote, int64_t max_rows);

// A value that could not be converted; `row` indexes the good rows of the TokenizedRows.
struct ValueProblem {
  int64_t row;
  uint64_t at;      // buffer offset of the field
  int field_index;  // 1-based
  std::string message;
};

struct ConvertSpec {
  int field = 0;     // 0-based field in the row
  std::string name;  // column name, for messages
  DataType type = DataType::kString;
  bool may_widen = false;  // int64 inferred: a float value widens instead of failing
  std::string type_hint;   // appended to a conversion failure message
};

// Converts every column of `specs` for every good row, in blocks of rows small enough to stay in
// cache. A column whose spec.may_widen and that meets a float value is left unfinished (all
// nulls from there) and (*first_float)[column] is the row of that value (-1 for the columns
// that met none); convert it again as float64. `out` receives one column per
// spec. `buffer` must have ColumnBuilder::kStringPadding readable bytes past the rows.
void ConvertRows(const char* buffer, const TokenizedRows& rows, int num_fields,
                 const std::vector<ConvertSpec>& specs, const NullMatcher& nulls, char quote,
                 bool validate_utf8, std::vector<Column>* out, std::vector<ValueProblem>* problems,
                 std::vector<int64_t>* first_float);

// The same, appending to `builders` (one per spec, of its type) instead of new columns.
void AppendRows(const char* buffer, const TokenizedRows& rows, int num_fields,
                const std::vector<ConvertSpec>& specs, const NullMatcher& nulls, char quote,
                bool validate_utf8, std::vector<ColumnBuilder>* builders,
                std::vector<ValueProblem>* problems, std::vector<int64_t>* first_float);

}  // namespace hitscope::csv
