#include "evaluate/model_file/byte_io.hpp"

#include <array>

#include <fmt/format.h>

#include <hitscope/error.hpp>

namespace hitscope::model_file {

uint32_t Crc32(std::string_view bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xffffffffu;
  for (char byte : bytes) crc = table[(crc ^ static_cast<uint8_t>(byte)) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

void ByteReader::Fail(const std::string& what) const {
  throw InvalidInput(fmt::format(
      "model file '{}' is damaged ({} at byte {}); retrain the model or restore the file", name_,
      what, position_));
}

void ByteReader::Raw(void* out, size_t size) {
  if (size > bytes_.size() - position_) Fail("it ends early");
  if (size == 0) return;  // `out` may be an empty vector's null data()
  std::memcpy(out, bytes_.data() + position_, size);
  position_ += size;
}

uint8_t ByteReader::U8() {
  uint8_t value;
  Raw(&value, sizeof value);
  return value;
}

uint32_t ByteReader::U32() {
  uint32_t value;
  Raw(&value, sizeof value);
  return value;
}

uint64_t ByteReader::U64() {
  uint64_t value;
  Raw(&value, sizeof value);
  return value;
}

double ByteReader::F64() {
  double value;
  Raw(&value, sizeof value);
  return value;
}

std::string ByteReader::String() {
  uint64_t size = U64();
  if (size > bytes_.size() - position_) Fail("a text runs past the end");
  std::string text(bytes_.substr(position_, size));
  position_ += size;
  return text;
}

std::vector<double> ByteReader::Doubles() {
  uint64_t count = U64();
  if (count > (bytes_.size() - position_) / sizeof(double)) Fail("a number list runs past the end");
  std::vector<double> values(count);
  Raw(values.data(), count * sizeof(double));
  return values;
}

}  // namespace hitscope::model_file
