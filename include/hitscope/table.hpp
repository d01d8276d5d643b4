// hitscope/table.hpp: the typed columnar Table every stage passes along.
//
// A Table is an ordered set of named, equally long, immutable Columns. Each Column has one
// DataType and a null mask. Columns are shared between tables (Select and AddColumn copy no
// data), so a Table is cheap to copy. Tables and Columns are immutable once built and safe to
// read from many threads; build new ones with ColumnBuilder.
//
// Row and column indices are 0-based; `int64_t` counts rows, `int` counts columns.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hitscope {

namespace detail {

// Memory for large arrays (columns, CSV buffers): a block of 2 MB or more starts on a 2 MB
// boundary and its whole 2 MB pages are advised to be transparent huge pages, so that filling a
// column of millions of rows costs one page fault per 2 MB instead of one per 4 kB. Smaller
// blocks come from operator new as usual.
void* AllocateLarge(size_t bytes);
void FreeLarge(void* pointer, size_t bytes) noexcept;

template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) noexcept {}
  T* allocate(size_t n) { return static_cast<T*>(AllocateLarge(n * sizeof(T))); }
  void deallocate(T* pointer, size_t n) noexcept { FreeLarge(pointer, n * sizeof(T)); }
  template <typename U>
  bool operator==(const LargeAllocator<U>&) const noexcept {
    return true;
  }
};

// LargeAllocator, except that growing a vector with resize() leaves the new elements
// uninitialised: string bytes are written right after (no zeroing pass first).
template <typename T>
struct UninitializedAllocator : LargeAllocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <typename T>
using LargeVector = std::vector<T, LargeAllocator<T>>;

}  // namespace detail

enum class DataType : uint8_t { kInt64, kFloat64, kBool, kDate, kString };

// "int64", "float64", "bool", "date", "string".
std::string_view DataTypeName(DataType type);
// Parses the names above; nullopt if unknown.
std::optional<DataType> ParseDataType(std::string_view name);
inline bool IsNumeric(DataType type) {
  return type == DataType::kInt64 || type == DataType::kFloat64 || type == DataType::kBool;
}

// How much of a date is known. Release dates in music catalogues are often only a year
// ("2012") or a year and a month ("2012-11"); the rest must stay unknown, not be invented.
enum class DatePrecision : uint8_t { kDay = 0, kMonth = 1, kYear = 2 };

// A calendar date (proleptic Gregorian) with its precision. An imprecise date is stored as its
// first day (2012 -> 2012-01-01) and compares by that day.
struct Date {
  int32_t days = 0;  // days since 1970-01-01
  DatePrecision precision = DatePrecision::kDay;

  static Date FromYmd(int year, int month, int day, DatePrecision precision = DatePrecision::kDay);
  // Parses "YYYY-MM-DD", "YYYY-MM" or "YYYY" (years 1000..9999); nullopt if not a valid date.
  static std::optional<Date> Parse(std::string_view text);

  int year() const;
  // 1..12, or 0 when the precision is a year.
  int month() const;
  // 1..31, or 0 when the precision is coarser than a day.
  int day() const;
  // Back in the form it was parsed from: "2012", "2012-11" or "2012-11-05".
  std::string ToString() const;
  bool operator==(const Date&) const = default;
};

// One typed column with a null mask. Immutable; see ColumnBuilder.
class Column {
 public:
  Column() = default;

  DataType type() const { return type_; }
  int64_t size() const { return size_; }
  bool IsNull(int64_t row) const { return !validity_.empty() && validity_[row] == 0; }
  bool has_nulls() const { return null_count_ > 0; }
  int64_t null_count() const { return null_count_; }
  // One byte per row, 1 = valid; empty when no value is null.
  std::span<const uint8_t> validity() const { return validity_; }

  // Typed access. REQUIRES: the column has that type. Null slots hold 0 (NaN for float64).
  std::span<const int64_t> ints() const { return ints_; }
  std::span<const double> floats() const { return floats_; }
  std::span<const uint8_t> bools() const { return bytes_; }
  std::span<const int32_t> date_days() const { return days_; }
  std::span<const uint8_t> date_precisions() const { return bytes_; }
  Date DateAt(int64_t row) const {
    return Date{days_[row], static_cast<DatePrecision>(bytes_[row])};
  }
  std::string_view StringAt(int64_t row) const {
    return std::string_view(chars_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  // Total bytes of string data (string columns).
  size_t string_bytes() const { return chars_.size(); }

  // The value as a double: int64, float64, bool (0/1) and date (days since epoch); NaN for a
  // null. REQUIRES: the type is not string.
  double NumericAt(int64_t row) const;
  // The value as text, as a CSV writer prints it; empty for a null.
  std::string ToString(int64_t row) const;
  // Bytes held in memory.
  size_t MemoryBytes() const;

  // Gathers rows; an index of -1 gives a null. Indices must be < size().
  Column Take(std::span<const int64_t> rows) const;
  Column Slice(int64_t offset, int64_t length) const;
  // The same values as float64 (int64, bool, float64 only).
  Column CastToFloat64() const;
  // Concatenates columns of one type; int64 with float64 gives float64.
  static Column Concat(std::span<const Column* const> parts);

 private:
  friend class ColumnBuilder;

  DataType type_ = DataType::kFloat64;
  int64_t size_ = 0;
  int64_t null_count_ = 0;
  detail::LargeVector<uint8_t> validity_;
  detail::LargeVector<int64_t> ints_;
  detail::LargeVector<double> floats_;
  detail::LargeVector<uint8_t> bytes_;     // bool values, or date precisions
  detail::LargeVector<int32_t> days_;      // date values
  detail::LargeVector<uint64_t> offsets_;  // string values: size()+1 offsets into chars_
  std::vector<char, detail::UninitializedAllocator<char>> chars_;
};

// Appends values to a new column of one type. Not thread-safe.
class ColumnBuilder {
 public:
  explicit ColumnBuilder(DataType type);
  DataType type() const { return column_.type_; }
  int64_t size() const { return column_.size_; }
  void Reserve(int64_t rows, size_t string_bytes = 0);

  void AppendNull();
  void AppendInt(int64_t value) {
    column_.ints_.push_back(value);
    MarkValid();
  }
  void AppendFloat(double value) {
    column_.floats_.push_back(value);
    MarkValid();
  }
  void AppendBool(bool value) {
    column_.bytes_.push_back(value ? 1 : 0);
    MarkValid();
  }
  void AppendDate(Date value) {
    column_.days_.push_back(value.days);
    column_.bytes_.push_back(static_cast<uint8_t>(value.precision));
    MarkValid();
  }
  void AppendString(std::string_view value) {
    auto& chars = column_.chars_;
    const size_t size = chars.size();
    chars.resize(size + value.size());
    if (!value.empty()) std::memcpy(chars.data() + size, value.data(), value.size());
    column_.offsets_.push_back(chars.size());
    MarkValid();
  }
  // Appends n values at once (the bulk forms of AppendInt and AppendFloat, for readers). Where
  // `valid` is given, a row with valid[i] == 0 is a null and its value is ignored; valid[i] is
  // 0 or 1.
  void AppendInts(const int64_t* values, int64_t n, const uint8_t* valid = nullptr);
  void AppendFloats(const double* values, int64_t n, const uint8_t* valid = nullptr);
  // Bytes that AppendPaddedStrings may read past the end of each value.
  static constexpr size_t kStringPadding = 16;
  // The bulk form of AppendString, with nulls as above. It copies 16 bytes at a time (no
  // memcpy call per value), so it may read up to kStringPadding bytes past the end of each
  // value: REQUIRES that they are readable (a CSV buffer with padding after its end).
  void AppendPaddedStrings(const std::string_view* values, int64_t n,
                           const uint8_t* valid = nullptr);
  // Appends row `row` of `source`, which must have this builder's type.
  void AppendFrom(const Column& source, int64_t row);
  // Appends every row of `part`, which must have this builder's type, except that int64 and
  // float64 stack into float64 (the builder widens when a float64 part comes).
  void AppendColumn(const Column& part);
  // Turns an int64 builder into a float64 one (nulls stay nulls).
  void WidenToFloat64();
  // Removes rows [from, size()) and hands them back as a column of the builder's type.
  Column SplitOff(int64_t from);
  // Removes rows [rows, size()), like SplitOff without the copy.
  void Truncate(int64_t rows);

  // Hands over the column; the builder is empty afterwards.
  Column Finish();

 private:
  // The null mask of the rows so far (all valid), with room for the reserved rows.
  void StartValidity();
  // The null mask and counts for n rows just appended (before size_ counts them), `nulls` of
  // them null as the 0/1 mask `valid` says (which may be null when there are none).
  void AddValidity(int64_t n, const uint8_t* valid, int64_t nulls);
  void MarkValid() {
    if (!column_.validity_.empty()) column_.validity_.push_back(1);
    ++column_.size_;
  }
  Column column_;
};

// Convenience constructors (tests, generators). nullopt elements become nulls.
Column MakeInt64Column(const std::vector<std::optional<int64_t>>& values);
Column MakeFloat64Column(const std::vector<std::optional<double>>& values);
Column DenseFloat64Column(std::vector<double> values);
Column MakeStringColumn(const std::vector<std::optional<std::string>>& values);
Column MakeBoolColumn(const std::vector<std::optional<bool>>& values);
Column MakeDateColumn(const std::vector<std::optional<std::string>>& iso_dates);

class Table {
 public:
  Table() = default;
  // Throws Error(kInvalidArgument) if the columns differ in length or two names repeat.
  Table(std::vector<std::string> names, std::vector<std::shared_ptr<const Column>> columns);
  Table(std::vector<std::string> names, std::vector<Column> columns);

  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const std::vector<std::string>& names() const { return names_; }

  const Column& column(int index) const { return *columns_[index]; }
  // Throws Error(kInvalidInput) naming the column and the ones that exist, with the closest
  // name as a suggestion.
  const Column& column(std::string_view name) const { return *columns_[ColumnIndex(name)]; }
  std::shared_ptr<const Column> column_ptr(int index) const { return columns_[index]; }
  int ColumnIndex(std::string_view name) const;
  std::optional<int> FindColumn(std::string_view name) const;
  bool HasColumn(std::string_view name) const { return FindColumn(name).has_value(); }

  // Columns by name, in the order given. Throws like column(name).
  Table Select(std::span<const std::string> names) const;
  Table Select(std::initializer_list<std::string> names) const;
  // Adds or replaces a column. Throws if its length differs.
  Table SetColumn(const std::string& name, Column column) const;
  Table SetColumn(const std::string& name, std::shared_ptr<const Column> column) const;
  Table DropColumn(std::string_view name) const;
  Table RenameColumn(std::string_view from, const std::string& to) const;

  // Gathers rows (-1 gives a row of nulls), in parallel over columns.
  Table Take(std::span<const int64_t> rows) const;
  // Keeps the rows whose mask byte is non-zero. REQUIRES: keep.size() == num_rows().
  Table Filter(std::span<const uint8_t> keep) const;
  Table Slice(int64_t offset, int64_t length) const;
  // Stacks tables with the same column names; int64 with float64 widens to float64.
  static Table Concat(std::span<const Table> parts);

  // Bytes held by the columns.
  size_t MemoryBytes() const;

 private:
  std::vector<std::string> names_;
  std::vector<std::shared_ptr<const Column>> columns_;
  int64_t num_rows_ = 0;
};

}  // namespace hitscope
