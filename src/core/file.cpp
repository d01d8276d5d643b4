#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hitscope/error.hpp>
#include <hitscope/file.hpp>

namespace hitscope {
namespace {

std::string Reason() {
  return std::strerror(errno);
}

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(std::string path, int fd, int64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixReadableFile() override {
    if (mapped_ != nullptr) ::munmap(mapped_, mapped_bytes_);
    ::close(fd_);
  }

  std::string_view Map() override {
    if (size_ <= 0) return {};
    if (mapped_ == nullptr) {
      // Anonymous zero pages first, the file mapped over their start: the padding after the
      // file's last byte is readable even when the file ends on a page boundary.
      const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
      const auto bytes = static_cast<size_t>(size_);
      const size_t total =
          (bytes + page - 1) / page * page + (kMapPadding + page - 1) / page * page;
      void* region = ::mmap(nullptr, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (region == MAP_FAILED) return {};
      if (::mmap(region, bytes, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd_, 0) == MAP_FAILED) {
        ::munmap(region, total);
        return {};
      }
      mapped_ = region;
      mapped_bytes_ = total;
      page_ = page;
    }
    return {static_cast<const char*>(mapped_), static_cast<size_t>(size_)};
  }

  void ReleaseMappedBefore(uint64_t offset) override {
    if (mapped_ == nullptr) return;
    const uint64_t end = std::min<uint64_t>(offset, static_cast<uint64_t>(size_)) / page_ * page_;
    if (end <= released_) return;
    ::madvise(static_cast<char*>(mapped_) + released_, end - released_, MADV_DONTNEED);
    released_ = end;
  }

  size_t Read(char* dst, size_t n) override {
    size_t total = 0;
    while (total < n) {
      ssize_t got = ::read(fd_, dst + total, n - total);
      if (got < 0) {
        if (errno == EINTR) continue;
        throw IoError(fmt::format("cannot read '{}': {}", path_, Reason()));
      }
      if (got == 0) break;
      total += static_cast<size_t>(got);
    }
    return total;
  }
  int64_t Size() const override { return size_; }

 private:
  std::string path_;
  int fd_;
  int64_t size_;
  void* mapped_ = nullptr;  // Map's region
  size_t mapped_bytes_ = 0;
  size_t page_ = 4096;
  uint64_t released_ = 0;  // bytes of the mapping handed back with ReleaseMappedBefore
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  void Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t put = ::write(fd_, data.data(), data.size());
      if (put < 0) {
        if (errno == EINTR) continue;
        throw IoError(fmt::format("cannot write '{}': {}", path_, Reason()));
      }
      data.remove_prefix(static_cast<size_t>(put));
    }
  }
  void Sync() override {
    if (::fsync(fd_) != 0) throw IoError(fmt::format("cannot sync '{}': {}", path_, Reason()));
  }
  void Close() override {
    if (fd_ < 0) return;
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw IoError(fmt::format("cannot close '{}': {}", path_, Reason()));
  }

 private:
  std::string path_;
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  std::unique_ptr<ReadableFile> OpenForRead(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError(fmt::format("cannot open '{}' for reading: {}", path, Reason()));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      throw IoError(fmt::format("cannot stat '{}': {}", path, Reason()));
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      throw IoError(fmt::format("'{}' is a directory, expected a file", path));
    }
    int64_t size = S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : -1;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return std::make_unique<PosixReadableFile>(path, fd, size);
  }
  std::unique_ptr<WritableFile> OpenForWrite(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError(fmt::format("cannot create '{}': {}", path, Reason()));
    return std::make_unique<PosixWritableFile>(path, fd);
  }
  void Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      throw IoError(fmt::format("cannot rename '{}' to '{}': {}", from, to, Reason()));
    }
  }
  void Remove(const std::string& path) noexcept override { ::unlink(path.c_str()); }
  bool Exists(const std::string& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }
};

constexpr size_t kOutputBufferBytes = 1 << 20;
// Writes at least this large go straight to the file (after what is buffered): copying them
// into the buffer first costs a copy and, for a fresh buffer, its page faults.
constexpr size_t kDirectWriteBytes = 64 << 10;

}  // namespace

FileSystem& FileSystem::Default() {
  static PosixFileSystem fs;
  return fs;
}

AtomicOutput::AtomicOutput(std::string path, FileSystem& fs) : path_(std::move(path)), fs_(fs) {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path target(path_);
  if (&fs_ == &FileSystem::Default() && target.has_parent_path() &&
      !std::filesystem::is_directory(target.parent_path())) {
    throw IoError(fmt::format("cannot write '{}': folder '{}' does not exist", path_,
                              target.parent_path().string()));
  }
  // The temporary lives beside the target so that the final rename stays on one file system.
  temp_path_ = fmt::format("{}.tmp.{}.{}", path_, ::getpid(), counter.fetch_add(1));
  file_ = fs_.OpenForWrite(temp_path_);
}

AtomicOutput::~AtomicOutput() {
  if (committed_) return;
  try {
    if (file_) file_->Close();
  } catch (...) {
    // The temporary is discarded anyway.
  }
  fs_.Remove(temp_path_);
}

void AtomicOutput::Write(std::string_view data) {
  bytes_written_ += static_cast<int64_t>(data.size());
  if (data.size() >= kDirectWriteBytes) {
    Flush();
    file_->Append(data);
    return;
  }
  if (buffer_.size() + data.size() > kOutputBufferBytes) Flush();
  buffer_.append(data);  // grows to at most kOutputBufferBytes, kept from flush to flush
}

void AtomicOutput::Flush() {
  if (buffer_.empty()) return;
  file_->Append(buffer_);
  buffer_.clear();
}

void AtomicOutput::Commit() {
  if (committed_) throw InternalError(fmt::format("'{}' was committed twice", path_));
  Flush();
  file_->Sync();
  file_->Close();
  fs_.Rename(temp_path_, path_);
  committed_ = true;
}

void WriteFileAtomically(const std::string& path, std::string_view content, FileSystem& fs) {
  AtomicOutput out(path, fs);
  out.Write(content);
  out.Commit();
}

std::string ReadFileToString(const std::string& path, FileSystem& fs) {
  auto file = fs.OpenForRead(path);
  std::string out;
  if (file->Size() > 0) out.reserve(static_cast<size_t>(file->Size()));
  char buffer[1 << 16];
  while (size_t got = file->Read(buffer, sizeof buffer)) out.append(buffer, got);
  return out;
}

}  // namespace hitscope
