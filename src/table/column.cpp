#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/table.hpp>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace hitscope {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

constexpr uint64_t RoundUp(uint64_t value, uint64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

}  // namespace

namespace detail {

#if defined(__linux__) && defined(MADV_HUGEPAGE)
// The bytes mapped for a block of `bytes`: whole 4 kB pages, and a last 2 MB page made whole
// when the block fills at least half of it, so that it too can be a huge page. A smaller last
// part stays in 4 kB pages: a column's unused reserve is then never touched, and at most 1 MB
// of a huge page is held but unused.
size_t MappedBytes(size_t bytes) {
  static const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t tail = bytes % kHugePage;
  return tail >= kHugePage / 2 ? RoundUp(bytes, kHugePage) : RoundUp(bytes, page);
}
#endif

void* AllocateLarge(size_t bytes) {
  if (bytes < kHugePage) return ::operator new(bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Mapped here rather than by malloc: aligning a block inside malloc's heap leaves the padding
  // as free chunks that small allocations then touch (integrating 1 M tracks peaked at 185 MB
  // instead of 133 MB), and freed memory goes straight back to the system.
  const size_t length = MappedBytes(bytes);
  const size_t mapped = length + kHugePage;
  void* region = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(region);
  const uintptr_t aligned = RoundUp(start, kHugePage);
  const uintptr_t end = aligned + length;
  if (aligned > start) munmap(region, aligned - start);
  if (start + mapped > end) munmap(reinterpret_cast<void*>(end), start + mapped - end);
  // Only advice: where transparent huge pages are off, nothing changes.
  madvise(reinterpret_cast<void*>(aligned), length & ~(kHugePage - 1), MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
#else
  return ::operator new(bytes);
#endif
}

void FreeLarge(void* pointer, size_t bytes) noexcept {
  if (bytes < kHugePage) {
    ::operator delete(pointer);
    return;
  }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  munmap(pointer, MappedBytes(bytes));
#else
  ::operator delete(pointer);
#endif
}

}  // namespace detail

std::string_view DataTypeName(DataType type) {
  switch (type) {
    case DataType::kInt64:
      return "int64";
    case DataType::kFloat64:
      return "float64";
    case DataType::kBool:
      return "bool";
    case DataType::kDate:
      return "date";
    case DataType::kString:
      return "string";
  }
  return "unknown";
}

std::optional<DataType> ParseDataType(std::string_view name) {
  for (DataType type : {DataType::kInt64, DataType::kFloat64, DataType::kBool, DataType::kDate,
                        DataType::kString}) {
    if (name == DataTypeName(type)) return type;
  }
  if (name == "int") return DataType::kInt64;
  if (name == "float" || name == "double") return DataType::kFloat64;
  if (name == "str" || name == "text") return DataType::kString;
  return std::nullopt;
}

double Column::NumericAt(int64_t row) const {
  if (IsNull(row)) return std::numeric_limits<double>::quiet_NaN();
  switch (type_) {
    case DataType::kInt64:
      return static_cast<double>(ints_[row]);
    case DataType::kFloat64:
      return floats_[row];
    case DataType::kBool:
      return bytes_[row];
    case DataType::kDate:
      return days_[row];
    case DataType::kString:
      break;
  }
  throw InternalError("NumericAt called on a string column");
}

std::string Column::ToString(int64_t row) const {
  if (IsNull(row)) return {};
  switch (type_) {
    case DataType::kInt64:
      return std::to_string(ints_[row]);
    case DataType::kFloat64: {
      char buffer[32];
      auto result = std::to_chars(buffer, buffer + sizeof buffer, floats_[row]);
      return std::string(buffer, result.ptr);
    }
    case DataType::kBool:
      return bytes_[row] ? "true" : "false";
    case DataType::kDate:
      return DateAt(row).ToString();
    case DataType::kString:
      return std::string(StringAt(row));
  }
  return {};
}

size_t Column::MemoryBytes() const {
  return validity_.capacity() + ints_.capacity() * sizeof(int64_t) +
         floats_.capacity() * sizeof(double) + bytes_.capacity() +
         days_.capacity() * sizeof(int32_t) + offsets_.capacity() * sizeof(uint64_t) +
         chars_.capacity();
}

Column Column::Take(std::span<const int64_t> rows) const {
  ColumnBuilder builder(type_);
  size_t bytes = 0;
  if (type_ == DataType::kString && size_ > 0) {
    bytes = static_cast<size_t>(static_cast<double>(chars_.size()) / static_cast<double>(size_) *
                                static_cast<double>(rows.size()));
  }
  builder.Reserve(static_cast<int64_t>(rows.size()), bytes);
  for (int64_t row : rows) {
    if (row < 0) {
      builder.AppendNull();
    } else {
      builder.AppendFrom(*this, row);
    }
  }
  return builder.Finish();
}

Column Column::Slice(int64_t offset, int64_t length) const {
  if (offset < 0 || length < 0 || offset + length > size_) {
    throw InvalidArgument(fmt::format("slice [{}, {}) is outside a column of {} rows", offset,
                                      offset + length, size_));
  }
  std::vector<int64_t> rows(static_cast<size_t>(length));
  for (int64_t i = 0; i < length; ++i) rows[i] = offset + i;
  return Take(rows);
}

Column Column::CastToFloat64() const {
  if (type_ == DataType::kFloat64) return *this;
  if (type_ == DataType::kString || type_ == DataType::kDate) {
    throw InvalidArgument(fmt::format("cannot cast a {} column to float64", DataTypeName(type_)));
  }
  ColumnBuilder builder(DataType::kFloat64);
  builder.Reserve(size_);
  for (int64_t row = 0; row < size_; ++row) {
    if (IsNull(row)) {
      builder.AppendNull();
    } else {
      builder.AppendFloat(NumericAt(row));
    }
  }
  return builder.Finish();
}

namespace {

// int64 and float64 stack into float64.
bool IsNumericPair(DataType a, DataType b) {
  auto numeric = [](DataType t) { return t == DataType::kInt64 || t == DataType::kFloat64; };
  return numeric(a) && numeric(b);
}

}  // namespace

Column Column::Concat(std::span<const Column* const> parts) {
  if (parts.empty()) return Column();
  DataType type = parts[0]->type();
  int64_t rows = 0;
  size_t chars = 0;
  for (const Column* part : parts) {
    if (part->type() != type && IsNumericPair(part->type(), type)) type = DataType::kFloat64;
    rows += part->size();
    chars += part->chars_.size();
  }
  ColumnBuilder builder(type);
  builder.Reserve(rows, chars);
  for (const Column* part : parts) builder.AppendColumn(*part);
  return builder.Finish();
}

ColumnBuilder::ColumnBuilder(DataType type) {
  column_.type_ = type;
  if (type == DataType::kString) column_.offsets_.push_back(0);
}

void ColumnBuilder::Reserve(int64_t rows, size_t string_bytes) {
  switch (column_.type_) {
    case DataType::kInt64:
      column_.ints_.reserve(rows);
      break;
    case DataType::kFloat64:
      column_.floats_.reserve(rows);
      break;
    case DataType::kBool:
      column_.bytes_.reserve(rows);
      break;
    case DataType::kDate:
      column_.bytes_.reserve(rows);
      column_.days_.reserve(rows);
      break;
    case DataType::kString:
      column_.offsets_.reserve(rows + 1);
      column_.chars_.reserve(string_bytes);
      break;
  }
}

void ColumnBuilder::StartValidity() {
  column_.validity_.reserve(column_.ints_.capacity() + column_.floats_.capacity() +
                            column_.bytes_.capacity() + column_.offsets_.capacity());
  column_.validity_.assign(column_.size_, 1);
}

void ColumnBuilder::AddValidity(int64_t n, const uint8_t* valid, int64_t nulls) {
  // An empty mask means no nulls so far (StartValidity leaves it empty before the first row).
  if (nulls > 0) {
    if (column_.validity_.empty()) StartValidity();
    column_.validity_.insert(column_.validity_.end(), valid, valid + n);
  } else if (!column_.validity_.empty()) {
    column_.validity_.insert(column_.validity_.end(), static_cast<size_t>(n), 1);
  }
  column_.null_count_ += nulls;
  column_.size_ += n;
}

namespace {

// Appends values[0, n) to `column`, the value of a null row (valid[row] == 0) replaced by
// `null_value`, as AppendNull stores it.
template <typename T>
void AppendValues(detail::LargeVector<T>* column, const T* values, int64_t n, const uint8_t* valid,
                  T null_value) {
  const size_t first = column->size();
  column->insert(column->end(), values, values + n);
  if (valid == nullptr) return;
  for (int64_t row = 0; row < n; ++row) {
    if (valid[row] == 0) (*column)[first + static_cast<size_t>(row)] = null_value;
  }
}

// The zeros of a 0/1 mask (none without a mask).
int64_t NullsIn(const uint8_t* valid, int64_t n) {
  if (valid == nullptr) return 0;
  int64_t set = 0;
  for (int64_t row = 0; row < n; ++row) set += valid[row];
  return n - set;
}

}  // namespace

void ColumnBuilder::AppendInts(const int64_t* values, int64_t n, const uint8_t* valid) {
  AppendValues(&column_.ints_, values, n, valid, int64_t{0});
  AddValidity(n, valid, NullsIn(valid, n));
}

void ColumnBuilder::AppendFloats(const double* values, int64_t n, const uint8_t* valid) {
  AppendValues(&column_.floats_, values, n, valid, std::numeric_limits<double>::quiet_NaN());
  AddValidity(n, valid, NullsIn(valid, n));
}

void ColumnBuilder::AppendPaddedStrings(const std::string_view* values, int64_t n,
                                        const uint8_t* valid) {
  auto& chars = column_.chars_;
  auto& offsets = column_.offsets_;
  size_t bytes = 0;
  for (int64_t row = 0; row < n; ++row) {
    bytes += valid == nullptr || valid[row] != 0 ? values[row].size() : 0;
  }
  const size_t base = chars.size();
  // Room for the last copy's overrun (the allocator leaves new bytes unwritten).
  chars.resize(base + bytes + kStringPadding);
  char* out = chars.data() + base;
  const size_t first = offsets.size();
  offsets.resize(first + static_cast<size_t>(n));
  uint64_t* ends = offsets.data() + first;
  size_t at = 0;
  for (int64_t row = 0; row < n; ++row) {
    if (valid == nullptr || valid[row] != 0) {
      const std::string_view value = values[row];
      // Whole 16-byte pieces, the last one past the value's end: no call and no branch on
      // the length of a short value.
      for (size_t done = 0; done < value.size(); done += kStringPadding) {
        std::memcpy(out + at + done, value.data() + done, kStringPadding);
      }
      at += value.size();
    }
    ends[row] = base + at;
  }
  chars.resize(base + bytes);
  AddValidity(n, valid, NullsIn(valid, n));
}

void ColumnBuilder::AppendNull() {
  if (column_.validity_.empty()) StartValidity();
  column_.validity_.push_back(0);
  ++column_.null_count_;
  ++column_.size_;
  switch (column_.type_) {
    case DataType::kInt64:
      column_.ints_.push_back(0);
      break;
    case DataType::kFloat64:
      column_.floats_.push_back(std::numeric_limits<double>::quiet_NaN());
      break;
    case DataType::kBool:
      column_.bytes_.push_back(0);
      break;
    case DataType::kDate:
      column_.bytes_.push_back(0);
      column_.days_.push_back(0);
      break;
    case DataType::kString:
      column_.offsets_.push_back(column_.chars_.size());
      break;
  }
}

void ColumnBuilder::AppendFrom(const Column& source, int64_t row) {
  if (source.IsNull(row)) {
    AppendNull();
    return;
  }
  switch (column_.type_) {
    case DataType::kInt64:
      AppendInt(source.ints_[row]);
      break;
    case DataType::kFloat64:
      AppendFloat(source.floats_[row]);
      break;
    case DataType::kBool:
      AppendBool(source.bytes_[row] != 0);
      break;
    case DataType::kDate:
      AppendDate(source.DateAt(row));
      break;
    case DataType::kString:
      AppendString(source.StringAt(row));
      break;
  }
}

void ColumnBuilder::AppendColumn(const Column& part) {
  DataType type = column_.type_;
  if (part.type() != type) {
    if (!IsNumericPair(part.type(), type)) {
      throw InvalidInput(fmt::format("cannot stack a {} column onto a {} column",
                                     DataTypeName(part.type()), DataTypeName(type)));
    }
    if (type == DataType::kInt64) WidenToFloat64();
  }
  const int64_t rows = part.size();
  AddValidity(rows, part.has_nulls() ? part.validity_.data() : nullptr, part.null_count_);
  switch (column_.type_) {
    case DataType::kInt64:
      column_.ints_.insert(column_.ints_.end(), part.ints_.begin(), part.ints_.end());
      break;
    case DataType::kFloat64:
      if (part.type() == DataType::kInt64) {
        for (int64_t row = 0; row < rows; ++row) {
          column_.floats_.push_back(part.IsNull(row) ? std::numeric_limits<double>::quiet_NaN()
                                                     : static_cast<double>(part.ints_[row]));
        }
      } else {
        column_.floats_.insert(column_.floats_.end(), part.floats_.begin(), part.floats_.end());
      }
      break;
    case DataType::kBool:
      column_.bytes_.insert(column_.bytes_.end(), part.bytes_.begin(), part.bytes_.end());
      break;
    case DataType::kDate:
      column_.bytes_.insert(column_.bytes_.end(), part.bytes_.begin(), part.bytes_.end());
      column_.days_.insert(column_.days_.end(), part.days_.begin(), part.days_.end());
      break;
    case DataType::kString: {
      const uint64_t base = column_.chars_.size();
      column_.chars_.resize(base + part.chars_.size());
      if (!part.chars_.empty()) {
        std::memcpy(column_.chars_.data() + base, part.chars_.data(), part.chars_.size());
      }
      const size_t first = column_.offsets_.size();
      column_.offsets_.resize(first + static_cast<size_t>(rows));
      for (int64_t row = 0; row < rows; ++row) {
        column_.offsets_[first + static_cast<size_t>(row)] = base + part.offsets_[row + 1];
      }
      break;
    }
  }
}

void ColumnBuilder::WidenToFloat64() {
  if (column_.type_ == DataType::kFloat64) return;
  detail::LargeVector<double> floats(column_.ints_.size());
  for (size_t row = 0; row < floats.size(); ++row) {
    floats[row] = column_.IsNull(static_cast<int64_t>(row))
                      ? std::numeric_limits<double>::quiet_NaN()
                      : static_cast<double>(column_.ints_[row]);
  }
  detail::LargeVector<int64_t>().swap(column_.ints_);
  column_.floats_ = std::move(floats);
  column_.type_ = DataType::kFloat64;
}

Column ColumnBuilder::SplitOff(int64_t from) {
  Column tail = column_.Slice(from, column_.size_ - from);
  Truncate(from);
  return tail;
}

void ColumnBuilder::Truncate(int64_t rows) {
  if (rows >= column_.size_) return;
  const auto kept = static_cast<size_t>(rows);
  if (!column_.validity_.empty()) {
    for (size_t row = kept; row < column_.validity_.size(); ++row) {
      column_.null_count_ -= column_.validity_[row] == 0 ? 1 : 0;
    }
  }
  column_.size_ = rows;
  if (column_.null_count_ == 0) {
    column_.validity_.clear();
  } else {
    column_.validity_.resize(kept);
  }
  switch (column_.type_) {
    case DataType::kInt64:
      column_.ints_.resize(kept);
      break;
    case DataType::kFloat64:
      column_.floats_.resize(kept);
      break;
    case DataType::kBool:
      column_.bytes_.resize(kept);
      break;
    case DataType::kDate:
      column_.bytes_.resize(kept);
      column_.days_.resize(kept);
      break;
    case DataType::kString:
      column_.chars_.resize(column_.offsets_[kept]);
      column_.offsets_.resize(kept + 1);
      break;
  }
}

Column ColumnBuilder::Finish() {
  Column out = std::move(column_);
  column_ = Column();
  column_.type_ = out.type_;
  if (out.type_ == DataType::kString) column_.offsets_.push_back(0);
  return out;
}

Column MakeInt64Column(const std::vector<std::optional<int64_t>>& values) {
  ColumnBuilder builder(DataType::kInt64);
  for (const auto& v : values) v ? builder.AppendInt(*v) : builder.AppendNull();
  return builder.Finish();
}

Column MakeFloat64Column(const std::vector<std::optional<double>>& values) {
  ColumnBuilder builder(DataType::kFloat64);
  for (const auto& v : values) v ? builder.AppendFloat(*v) : builder.AppendNull();
  return builder.Finish();
}

Column DenseFloat64Column(std::vector<double> values) {
  ColumnBuilder builder(DataType::kFloat64);
  builder.Reserve(static_cast<int64_t>(values.size()));
  for (double v : values) builder.AppendFloat(v);
  return builder.Finish();
}

Column MakeStringColumn(const std::vector<std::optional<std::string>>& values) {
  ColumnBuilder builder(DataType::kString);
  for (const auto& v : values) v ? builder.AppendString(*v) : builder.AppendNull();
  return builder.Finish();
}

Column MakeBoolColumn(const std::vector<std::optional<bool>>& values) {
  ColumnBuilder builder(DataType::kBool);
  for (const auto& v : values) v ? builder.AppendBool(*v) : builder.AppendNull();
  return builder.Finish();
}

Column MakeDateColumn(const std::vector<std::optional<std::string>>& iso_dates) {
  ColumnBuilder builder(DataType::kDate);
  for (const auto& v : iso_dates) {
    if (!v) {
      builder.AppendNull();
      continue;
    }
    auto date = Date::Parse(*v);
    if (!date) throw InvalidArgument(fmt::format("'{}' is not a date (YYYY[-MM[-DD]])", *v));
    builder.AppendDate(*date);
  }
  return builder.Finish();
}

}  // namespace hitscope
