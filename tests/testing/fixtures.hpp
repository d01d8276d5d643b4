// testing/fixtures.hpp: test fixtures that speak the domain, so each test is a few lines.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include <hitscope/error.hpp>
#include <hitscope/file.hpp>

namespace hitscope::testing {

// A fresh folder under the build tree, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

// Writes `content` to `path` as is (no atomic rename: tests need odd files, not safe ones).
void WriteText(const std::string& path, const std::string& content);
std::string ReadText(const std::string& path);

// Lists the names in a folder (sorted), to check that no temporary files are left behind.
std::vector<std::string> ListDir(const std::string& path);

// Source-tree and build-tree paths of the test run.
std::string SourcePath(const std::string& relative);
std::string BinaryPath(const std::string& relative);

// What one command line gave: its exit code (-1 when a signal ended it), stdout and stderr.
struct CliRun {
  int code = -1;
  std::string out, err;
};

// Runs `command_line` through the shell with stdin from /dev/null, capturing both streams in
// files under `dir` (removed afterwards). The CLI tests wrap it as Hitscope(args, dir).
CliRun RunCommand(const std::string& command_line, const TempDir& dir);

// Runs `fn`, expects a hitscope::Error of `kind` whose message contains every one of `parts`.
void ExpectError(const std::function<void()>& fn, ErrorKind kind,
                 const std::vector<std::string>& parts);

// A file system kept in memory that can fail on purpose: after `fail_after_bytes` bytes written
// (a full disk), or on rename.
class FaultyFileSystem final : public FileSystem {
 public:
  int64_t fail_after_bytes = -1;  // -1: never
  bool fail_rename = false;
  std::map<std::string, std::string> files;

  std::unique_ptr<ReadableFile> OpenForRead(const std::string& path) override;
  std::unique_ptr<WritableFile> OpenForWrite(const std::string& path) override;
  void Rename(const std::string& from, const std::string& to) override;
  void Remove(const std::string& path) noexcept override;
  bool Exists(const std::string& path) override;

  int64_t bytes_written = 0;
};

}  // namespace hitscope::testing
