// Spectrogram images: 8-bit greyscale PNG through libpng, encoded in memory and written with
// WriteFileAtomically so that no half-written image is ever visible.
#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <png.h>

#include <hitscope/audio.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>

namespace hitscope {
namespace {

void AppendBytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}

void NoFlush(png_structp) {}

// libpng reports errors by longjmp; this only records the message for the throw below.
void OnError(png_structp png, png_const_charp message) {
  auto* text = static_cast<std::string*>(png_get_error_ptr(png));
  if (text != nullptr) *text = message;
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {}

std::string EncodePng(int width, int height, const std::vector<png_byte>& grey,
                      const PngMapping& mapping) {
  std::string out, error;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, OnError, OnWarning);
  if (png == nullptr) throw InternalError("libpng could not start");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    throw InternalError("libpng could not start");
  }
  // Everything between setjmp and the end must be plain C: no objects with destructors are
  // created here, so a longjmp leaves nothing behind.
  std::vector<png_bytep> rows(height);
  for (int y = 0; y < height; ++y) {
    rows[y] = const_cast<png_bytep>(grey.data() + static_cast<size_t>(y) * width);
  }
  const std::string low = fmt::format("{}", mapping.db_low);
  const std::string high = fmt::format("{}", mapping.db_high);
  png_text text[4] = {};
  text[0].compression = PNG_TEXT_COMPRESSION_NONE;
  text[0].key = const_cast<png_charp>("Software");
  text[0].text = const_cast<png_charp>("hitscope");
  text[1].compression = PNG_TEXT_COMPRESSION_NONE;
  text[1].key = const_cast<png_charp>("Description");
  text[1].text = const_cast<png_charp>(
      "mel spectrogram: one row per mel band (highest at the top), one column per frame; "
      "grey = round(255 * (dB - db_low) / (db_high - db_low)), clamped to 0..255");
  text[2].compression = PNG_TEXT_COMPRESSION_NONE;
  text[2].key = const_cast<png_charp>("hitscope:db_low");
  text[2].text = const_cast<png_charp>(low.c_str());
  text[3].compression = PNG_TEXT_COMPRESSION_NONE;
  text[3].key = const_cast<png_charp>("hitscope:db_high");
  text[3].text = const_cast<png_charp>(high.c_str());
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_write_struct(&png, &info);
    throw InternalError("libpng failed to encode a spectrogram: " + error);
  }
  png_set_write_fn(png, &out, AppendBytes, NoFlush);
  png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 3);  // images are small; speed matters more than bytes
  png_set_text(png, info, text, 4);
  png_write_info(png, info);
  png_write_image(png, rows.data());
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace

void WriteSpectrogramPng(const std::string& path, const Spectrogram& db,
                         const PngMapping& mapping) {
  if (!(mapping.db_high > mapping.db_low) || !std::isfinite(mapping.db_low) ||
      !std::isfinite(mapping.db_high)) {
    throw InvalidArgument(fmt::format("PNG mapping: need db_low < db_high, got {} and {}",
                                      mapping.db_low, mapping.db_high));
  }
  if (db.bands < 1 || db.frames < 1 || db.bands > (1 << 20) || db.frames > (1 << 24)) {
    throw InvalidArgument(
        fmt::format("PNG: cannot draw a {} x {} spectrogram", db.bands, db.frames));
  }
  const int width = static_cast<int>(db.frames);
  const int height = static_cast<int>(db.bands);
  const double scale = 255.0 / (mapping.db_high - mapping.db_low);
  std::vector<png_byte> grey(static_cast<size_t>(width) * height);
  for (int y = 0; y < height; ++y) {
    const int64_t band = height - 1 - y;  // highest band on the top row
    for (int x = 0; x < width; ++x) {
      const double level = std::round((db.at(band, x) - mapping.db_low) * scale);
      grey[static_cast<size_t>(y) * width + x] =
          static_cast<png_byte>(std::clamp(level, 0.0, 255.0));
    }
  }
  WriteFileAtomically(path, EncodePng(width, height, grey, mapping));
}

}  // namespace hitscope
