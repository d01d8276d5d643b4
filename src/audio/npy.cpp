// NumPy's .npy format (version 1.0): the magic "\x93NUMPY", two version bytes, a little-endian
// uint16 header length, then a Python dict literal padded with spaces to a multiple of 64 bytes
// and ended by '\n', then the raw data. Only what spectrograms need: float32, C order.
#include <bit>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include <hitscope/audio.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>

#include "audio/mel_internal.hpp"

namespace hitscope {
namespace {

static_assert(std::endian::native == std::endian::little, ".npy files are written as '<f4'");

constexpr char kMagic[] = "\x93NUMPY";

// Header and data are written separately: the data goes from the array to the file without a
// copy into a string (AtomicOutput passes large writes straight through).
void WriteNpyFile(const std::string& path, const std::string& shape,
                  std::span<const float> values) {
  AtomicOutput out(path);
  out.Write(audio::NpyHeader(shape));
  out.Write(std::string_view(reinterpret_cast<const char*>(values.data()), values.size_bytes()));
  out.Commit();
}

// The value of `key` in the header dict, as text up to the next top-level ',' or '}'.
std::string HeaderField(const std::string& header, const std::string& key,
                        const std::string& path) {
  const size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) {
    throw InvalidInput(
        fmt::format("'{}' is not a valid .npy file: its header has no '{}'", path, key));
  }
  size_t begin = header.find(':', at);
  if (begin == std::string::npos) throw InvalidInput(fmt::format("'{}': bad .npy header", path));
  ++begin;
  int depth = 0;
  size_t end = begin;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  std::string value = header.substr(begin, end - begin);
  const auto first = value.find_first_not_of(' ');
  const auto last = value.find_last_not_of(' ');
  return first == std::string::npos ? "" : value.substr(first, last - first + 1);
}

}  // namespace

std::string audio::NpyHeader(const std::string& shape) {
  std::string header =
      fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': {}, }}", shape);
  const size_t unpadded = 6 + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string out(kMagic, 6);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xFF));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  return out;
}

void WriteNpy(const std::string& path, const Spectrogram& spectrogram) {
  WriteNpyFile(path, fmt::format("({}, {})", spectrogram.bands, spectrogram.frames),
               spectrogram.values);
}

void WriteNpy(const std::string& path, std::span<const float> values) {
  WriteNpyFile(path, fmt::format("({},)", values.size()), values);
}

Spectrogram ReadNpySpectrogram(const std::string& path) {
  const std::string bytes = ReadFileToString(path);
  auto fail = [&](const std::string& what) {
    return InvalidInput(fmt::format(
        "'{}' is not a spectrogram tensor: {}; make it with hitscope spectrogram --format npy "
        "(or numpy.save of a 2-d float32 array)",
        path, what));
  };
  if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0) throw fail("no .npy magic");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) |
                 static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8;
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw fail("a short header");
    header_len = 0;
    for (int i = 3; i >= 0; --i) {
      header_len = header_len << 8 | static_cast<unsigned char>(bytes[8 + i]);
    }
    header_start = 12;
  } else {
    throw fail(fmt::format(".npy version {} is unknown", major));
  }
  if (header_start + header_len > bytes.size()) throw fail("the header runs past the end");
  const std::string header = bytes.substr(header_start, header_len);
  const std::string descr = HeaderField(header, "descr", path);
  if (descr != "'<f4'") throw fail("dtype " + descr + " is not float32 ('<f4')");
  if (HeaderField(header, "fortran_order", path) != "False") throw fail("it is in Fortran order");
  const std::string shape = HeaderField(header, "shape", path);
  long long rows = -1, cols = -1;
  char close = 0;
  if (std::sscanf(shape.c_str(), "(%lld, %lld%c", &rows, &cols, &close) != 3 || close != ')' ||
      rows < 1 || cols < 1) {
    throw fail("shape " + shape + " is not 2-d (bands, frames)");
  }
  const size_t data_start = header_start + header_len;
  const size_t need = static_cast<size_t>(rows) * static_cast<size_t>(cols) * sizeof(float);
  if (static_cast<unsigned long long>(rows) > (1ULL << 31) ||
      static_cast<unsigned long long>(cols) > (1ULL << 31) || bytes.size() - data_start != need) {
    throw fail(fmt::format("it holds {} data bytes, not the {} its shape {} needs",
                           bytes.size() - data_start, need, shape));
  }
  Spectrogram out;
  out.bands = rows;
  out.frames = cols;
  out.values.resize(static_cast<size_t>(rows) * cols);
  std::memcpy(out.values.data(), bytes.data() + data_start, need);
  return out;
}

}  // namespace hitscope
