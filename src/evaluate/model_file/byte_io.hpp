// evaluate/model_file/byte_io.hpp: little-endian binary writing and bounds-checked reading for
// model files, and their CRC-32.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace hitscope::model_file {

// CRC-32 (IEEE 802.3, the polynomial of zip and PNG) of `bytes`.
uint32_t Crc32(std::string_view bytes);

class ByteWriter {
 public:
  void U8(uint8_t value) { bytes_.push_back(static_cast<char>(value)); }
  void U32(uint32_t value) { Raw(&value, sizeof value); }
  void U64(uint64_t value) { Raw(&value, sizeof value); }
  void F64(double value) { Raw(&value, sizeof value); }
  void String(std::string_view text) {
    U64(text.size());
    bytes_.append(text);
  }
  void Doubles(const std::vector<double>& values) {
    U64(values.size());
    Raw(values.data(), values.size() * sizeof(double));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  void Raw(const void* data, size_t size) { bytes_.append(static_cast<const char*>(data), size); }
  std::string bytes_;
};

// Reads what ByteWriter wrote; every read past the end throws Error(kInvalidInput) naming the
// file as damaged.
class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {}
  uint8_t U8();
  uint32_t U32();
  uint64_t U64();
  double F64();
  std::string String();
  std::vector<double> Doubles();
  bool done() const { return position_ == bytes_.size(); }
  // Throws the damaged-file error with `what`.
  [[noreturn]] void Fail(const std::string& what) const;

 private:
  void Raw(void* out, size_t size);
  std::string_view bytes_;
  std::string name_;
  size_t position_ = 0;
};

}  // namespace hitscope::model_file
