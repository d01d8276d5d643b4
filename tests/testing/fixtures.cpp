#include "testing/fixtures.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

namespace hitscope::testing {

#ifndef HITSCOPE_SOURCE_DIR
#define HITSCOPE_SOURCE_DIR "."
#endif
#ifndef HITSCOPE_BINARY_DIR
#define HITSCOPE_BINARY_DIR "."
#endif

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  auto base = std::filesystem::temp_directory_path() / "hitscope-tests";
  std::filesystem::create_directories(base);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "test";
  std::replace(name.begin(), name.end(), '/', '_');
  path_ =
      (base / (name + "." + std::to_string(::getpid()) + "." + std::to_string(counter++))).string();
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::File(const std::string& name) const {
  return path_ + "/" + name;
}

void WriteText(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

CliRun RunCommand(const std::string& command_line, const TempDir& dir) {
  const std::string out = dir.File("stdout.txt"), err = dir.File("stderr.txt");
  const std::string command = command_line + " >" + out + " 2>" + err + " </dev/null";
  const int status = std::system(command.c_str());
  CliRun run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadText(out), ReadText(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return run;
}

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string SourcePath(const std::string& relative) {
  return std::string(HITSCOPE_SOURCE_DIR) + "/" + relative;
}

std::string BinaryPath(const std::string& relative) {
  return std::string(HITSCOPE_BINARY_DIR) + "/" + relative;
}

void ExpectError(const std::function<void()>& fn, ErrorKind kind,
                 const std::vector<std::string>& parts) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.kind()), static_cast<int>(kind)) << e.what();
    for (const auto& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message lacks '" << part << "': " << e.what();
    }
    return;
  }
  ADD_FAILURE() << "expected a hitscope::Error, none thrown";
}

namespace {

class MemoryReadable final : public ReadableFile {
 public:
  explicit MemoryReadable(std::string data) : data_(std::move(data)) {}
  size_t Read(char* dst, size_t n) override {
    size_t take = std::min(n, data_.size() - pos_);
    std::memcpy(dst, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  int64_t Size() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string data_;
  size_t pos_ = 0;
};

class MemoryWritable final : public WritableFile {
 public:
  MemoryWritable(FaultyFileSystem& fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  void Append(std::string_view data) override {
    if (fs_.fail_after_bytes >= 0 &&
        fs_.bytes_written + static_cast<int64_t>(data.size()) > fs_.fail_after_bytes) {
      throw IoError("cannot write '" + path_ + "': No space left on device");
    }
    fs_.bytes_written += static_cast<int64_t>(data.size());
    fs_.files[path_].append(data);
  }
  void Sync() override {}
  void Close() override {}

 private:
  FaultyFileSystem& fs_;
  std::string path_;
};

}  // namespace

std::unique_ptr<ReadableFile> FaultyFileSystem::OpenForRead(const std::string& path) {
  auto it = files.find(path);
  if (it == files.end()) throw IoError("cannot open '" + path + "' for reading: not found");
  return std::make_unique<MemoryReadable>(it->second);
}

std::unique_ptr<WritableFile> FaultyFileSystem::OpenForWrite(const std::string& path) {
  files[path].clear();
  return std::make_unique<MemoryWritable>(*this, path);
}

void FaultyFileSystem::Rename(const std::string& from, const std::string& to) {
  if (fail_rename) throw IoError("cannot rename '" + from + "' to '" + to + "': refused");
  files[to] = files[from];
  files.erase(from);
}

void FaultyFileSystem::Remove(const std::string& path) noexcept {
  files.erase(path);
}

bool FaultyFileSystem::Exists(const std::string& path) {
  return files.count(path) > 0;
}

}  // namespace hitscope::testing
