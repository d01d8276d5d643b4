#include <filesystem>

#include <hitscope/file.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using testing::FaultyFileSystem;
using testing::ListDir;
using testing::TempDir;

TEST(AtomicOutputTest, CommitMakesTheFileVisible) {
  TempDir dir;
  std::string path = dir.File("out.txt");
  {
    AtomicOutput out(path);
    out.Write("hello ");
    out.Write(std::string(3 << 20, 'x'));  // larger than the buffer
    EXPECT_FALSE(std::filesystem::exists(path)) << "visible before Commit";
    out.Commit();
  }
  EXPECT_EQ(testing::ReadText(path).size(), 6u + (3u << 20));
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"out.txt"});
}

TEST(AtomicOutputTest, AbandonedOutputLeavesTargetUntouched) {
  TempDir dir;
  std::string path = dir.File("out.txt");
  testing::WriteText(path, "old");
  {
    AtomicOutput out(path);
    out.Write("new content that never lands");
  }
  EXPECT_EQ(testing::ReadText(path), "old");
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"out.txt"}) << "temporary left behind";
}

TEST(AtomicOutputTest, FullDiskRemovesTheTemporary) {
  FaultyFileSystem fs;
  fs.fail_after_bytes = 10;
  testing::ExpectError(
      [&] {
        AtomicOutput out("/mem/out.csv", fs);
        out.Write(std::string(2 << 20, 'a'));
        out.Commit();
      },
      ErrorKind::kIo, {"No space left"});
  EXPECT_TRUE(fs.files.empty()) << "temporary or partial output left behind";
}

TEST(AtomicOutputTest, FailedRenameKeepsOldTarget) {
  FaultyFileSystem fs;
  fs.files["/mem/out.csv"] = "old";
  fs.fail_rename = true;
  testing::ExpectError([&] { WriteFileAtomically("/mem/out.csv", "new", fs); }, ErrorKind::kIo,
                       {"cannot rename"});
  EXPECT_EQ(fs.files.size(), 1u);
  EXPECT_EQ(fs.files["/mem/out.csv"], "old");
}

TEST(AtomicOutputTest, MissingFolderIsAClearError) {
  testing::ExpectError([] { WriteFileAtomically("/nonexistent-dir/x/out.csv", "x"); },
                       ErrorKind::kIo, {"/nonexistent-dir/x", "does not exist"});
}

TEST(ReadFileTest, MissingFileNamesThePath) {
  testing::ExpectError([] { ReadFileToString("/no/such/file.csv"); }, ErrorKind::kIo,
                       {"/no/such/file.csv", "No such file"});
}

TEST(ReadFileTest, DirectoryIsRefused) {
  TempDir dir;
  testing::ExpectError([&] { ReadFileToString(dir.path()); }, ErrorKind::kIo, {"is a directory"});
}

TEST(ReadFileTest, MapShowsTheBytesThenZeroPadding) {
  testing::TempDir dir;
  // One file ends inside a page, the other exactly on a page boundary.
  for (const size_t size : {size_t{10000}, size_t{8192}}) {
    std::string text(size, 'a');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + i % 26);
    const std::string path = dir.File("m" + std::to_string(size));
    testing::WriteText(path, text);
    auto file = FileSystem::Default().OpenForRead(path);
    const std::string_view mapped = file->Map();
    ASSERT_EQ(mapped, text);
    EXPECT_EQ(file->Map().data(), mapped.data()) << "mapped once";
    for (size_t i = 0; i < ReadableFile::kMapPadding; ++i) EXPECT_EQ(mapped.data()[size + i], 0);
    // Released pages read again from the file.
    file->ReleaseMappedBefore(6000);
    file->ReleaseMappedBefore(size + 100);
    EXPECT_EQ(mapped, text);
  }
  const std::string empty = dir.File("empty");
  testing::WriteText(empty, "");
  EXPECT_TRUE(FileSystem::Default().OpenForRead(empty)->Map().empty());
}

}  // namespace
}  // namespace hitscope
