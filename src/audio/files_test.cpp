// .npy tensors and PNG images: round trips, the exact bytes numpy expects, the grey mapping,
// and readers that refuse what is not theirs.
#include <csetjmp>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <png.h>

#include <hitscope/audio.hpp>

#include "audio/audio_fixtures.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::ExpectError;

Spectrogram Ramp(int64_t bands, int64_t frames) {
  Spectrogram s{bands, frames, std::vector<float>(static_cast<size_t>(bands * frames))};
  for (size_t i = 0; i < s.values.size(); ++i) s.values[i] = -80.0f + static_cast<float>(i % 81);
  return s;
}

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> grey;
  std::map<std::string, std::string> text;
};

Image ReadPng(const std::string& path) {
  Image image;
  FILE* file = std::fopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr);
  if (file == nullptr) return image;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, file);
  png_read_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  image.width = static_cast<int>(png_get_image_width(png, info));
  image.height = static_cast<int>(png_get_image_height(png, info));
  EXPECT_EQ(png_get_bit_depth(png, info), 8);
  EXPECT_EQ(png_get_color_type(png, info), PNG_COLOR_TYPE_GRAY);
  png_bytepp rows = png_get_rows(png, info);
  for (int y = 0; y < image.height; ++y) {
    image.grey.insert(image.grey.end(), rows[y], rows[y] + image.width);
  }
  png_textp text = nullptr;
  const int count = png_get_text(png, info, &text, nullptr);
  for (int i = 0; i < count; ++i) image.text[text[i].key] = text[i].text;
  png_destroy_read_struct(&png, &info, nullptr);
  std::fclose(file);
  return image;
}

TEST(NpyTest, RoundTripAndNumpyLayout) {
  testing::TempDir dir;
  for (auto [bands, frames] : {std::pair<int64_t, int64_t>{1, 1}, {3, 7}, {128, 1292}}) {
    const Spectrogram s = Ramp(bands, frames);
    WriteNpy(dir.File("s.npy"), s);
    const Spectrogram back = ReadNpySpectrogram(dir.File("s.npy"));
    EXPECT_EQ(back.bands, bands);
    EXPECT_EQ(back.frames, frames);
    EXPECT_EQ(back.values, s.values);
    const std::string bytes = testing::ReadText(dir.File("s.npy"));
    // Magic, version 1.0, a header padded so that the data starts on a 64-byte boundary.
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const size_t header = static_cast<unsigned char>(bytes[8]) | bytes[9] << 8;
    EXPECT_EQ((10 + header) % 64, 0u);
    EXPECT_EQ(bytes[10 + header - 1], '\n');
    EXPECT_NE(bytes.find(fmt::format("'shape': ({}, {})", bands, frames)), std::string::npos);
    EXPECT_EQ(bytes.size(), 10 + header + s.values.size() * 4);
  }
  const std::vector<float> samples = {0.5f, -0.25f, 1.0f};
  WriteNpy(dir.File("x.npy"), samples);
  EXPECT_NE(testing::ReadText(dir.File("x.npy")).find("'shape': (3,)"), std::string::npos);
}

TEST(NpyTest, ReaderRefusesWhatIsNotASpectrogram) {
  testing::TempDir dir;
  testing::WriteText(dir.File("text.npy"), "hello world, not numpy");
  ExpectError([&] { ReadNpySpectrogram(dir.File("text.npy")); }, ErrorKind::kInvalidInput,
              {"text.npy", "no .npy magic"});
  const std::vector<float> samples = {0.5f, -0.25f, 1.0f};
  WriteNpy(dir.File("one_d.npy"), samples);
  ExpectError([&] { ReadNpySpectrogram(dir.File("one_d.npy")); }, ErrorKind::kInvalidInput,
              {"not 2-d"});
  WriteNpy(dir.File("short.npy"), Ramp(4, 5));
  testing::TruncateFile(
      dir.File("short.npy"),
      static_cast<int64_t>(std::filesystem::file_size(dir.File("short.npy"))) - 8);
  ExpectError([&] { ReadNpySpectrogram(dir.File("short.npy")); }, ErrorKind::kInvalidInput,
              {"data bytes"});
  std::string f8 = testing::ReadText(dir.File("one_d.npy"));
  f8.replace(f8.find("<f4"), 3, "<f8");
  testing::WriteText(dir.File("f8.npy"), f8);
  ExpectError([&] { ReadNpySpectrogram(dir.File("f8.npy")); }, ErrorKind::kInvalidInput,
              {"'<f8' is not float32"});
  WriteNpy(dir.File("fortran.npy"), Ramp(4, 5));
  std::string fortran = testing::ReadText(dir.File("fortran.npy"));
  fortran.replace(fortran.find("False"), 5, "True ");
  testing::WriteText(dir.File("fortran.npy"), fortran);
  ExpectError([&] { ReadNpySpectrogram(dir.File("fortran.npy")); }, ErrorKind::kInvalidInput,
              {"Fortran order"});
  ExpectError([&] { ReadNpySpectrogram(dir.File("none.npy")); }, ErrorKind::kIo, {"none.npy"});
}

TEST(PngTest, GreyMappingOrientationAndRecordedRange) {
  testing::TempDir dir;
  // Band 0 (lowest) at -80 dB, band 1 at -40, band 2 at 0, band 3 above the range.
  Spectrogram s{4, 3, {-80, -80, -90, -40, -40, -40, 0, 0, 0, 10, 10, 10}};
  WriteSpectrogramPng(dir.File("s.png"), s, {-80, 0});
  const Image image = ReadPng(dir.File("s.png"));
  ASSERT_EQ(image.width, 3);
  ASSERT_EQ(image.height, 4);
  // Top row is the highest band.
  EXPECT_EQ(image.grey[0 * 3 + 0], 255);  // band 3: clamped
  EXPECT_EQ(image.grey[1 * 3 + 0], 255);  // band 2: 0 dB
  EXPECT_EQ(image.grey[2 * 3 + 0], 128);  // band 1: -40 dB -> 127.5 rounds to 128
  EXPECT_EQ(image.grey[3 * 3 + 0], 0);    // band 0: -80 dB
  EXPECT_EQ(image.grey[3 * 3 + 2], 0);    // -90 dB: clamped
  EXPECT_EQ(image.text.at("hitscope:db_low"), "-80");
  EXPECT_EQ(image.text.at("hitscope:db_high"), "0");
  EXPECT_EQ(image.text.at("Software"), "hitscope");
  ExpectError(
      [&] {
        WriteSpectrogramPng(dir.File("bad.png"), s, {0, 0});
      },
      ErrorKind::kInvalidArgument, {"db_low < db_high"});
}

TEST(FilesTest, OutputsIntoMissingFolderFailAndLeaveNothing) {
  testing::TempDir dir;
  const Spectrogram s = Ramp(2, 2);
  ExpectError([&] { WriteNpy(dir.File("no/such/a.npy"), s); }, ErrorKind::kIo, {"no/such"});
  ExpectError([&] { WriteSpectrogramPng(dir.File("no/such/a.png"), s, {}); }, ErrorKind::kIo,
              {"no/such"});
  EXPECT_TRUE(testing::ListDir(dir.path()).empty());
}

}  // namespace
}  // namespace hitscope
