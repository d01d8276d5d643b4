// hitscope/file.hpp: the file-system interface all hitscope I/O goes through, and atomic outputs.
//
// Every file hitscope writes goes through `AtomicOutput`: bytes go to a temporary file beside the
// target, which is flushed, fsynced and renamed over the target on Commit(). If Commit() is never
// reached (an error, an exception, a crash) the temporary file is deleted and the target is left
// as it was, so no reader ever sees a half-written output.
//
// Tests swap in another FileSystem (in memory, or one that fails on purpose) to check error paths.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace hitscope {

// A file open for sequential reading. Not thread-safe.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to `n` bytes into `dst`; returns the count read, 0 at end of file.
  // Throws Error(kIo) on a read failure.
  virtual size_t Read(char* dst, size_t n) = 0;
  // Total size in bytes if known, else -1 (e.g. a pipe).
  virtual int64_t Size() const = 0;

  // Readable bytes that Map guarantees after the file's end (zeros).
  static constexpr size_t kMapPadding = 64;
  // The whole file mapped read-only into memory, followed by at least kMapPadding readable
  // bytes; empty when it cannot be mapped (not a regular file, an empty one, or a stand-in
  // without a file): then read it with Read. A mapped file is read without a copy into a
  // buffer. Valid while this object lives. As with any mapping, a file cut shorter by another
  // process while it is mapped ends the process (SIGBUS) when the lost bytes are read.
  virtual std::string_view Map() { return {}; }
  // Says that the mapped bytes before `offset` will not be read again: the system may drop
  // them from this process's memory (they stay in the page cache).
  virtual void ReleaseMappedBefore(uint64_t offset) { (void)offset; }
};

// A file open for appending. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of `data`; throws Error(kIo) on failure (e.g. the disk is full).
  virtual void Append(std::string_view data) = 0;
  // Flushes to stable storage.
  virtual void Sync() = 0;
  // Closes; throws Error(kIo) if the close reports a failure. Idempotent.
  virtual void Close() = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The process-wide POSIX file system.
  static FileSystem& Default();

  // Throws Error(kIo) naming the path and the reason when the file cannot be opened.
  virtual std::unique_ptr<ReadableFile> OpenForRead(const std::string& path) = 0;
  // Creates or truncates `path`. Throws Error(kIo) on failure.
  virtual std::unique_ptr<WritableFile> OpenForWrite(const std::string& path) = 0;
  // Atomically replaces `to` with `from`. Throws Error(kIo) on failure.
  virtual void Rename(const std::string& from, const std::string& to) = 0;
  // Deletes `path` if it exists; never throws.
  virtual void Remove(const std::string& path) noexcept = 0;
  virtual bool Exists(const std::string& path) = 0;
};

// A buffered writer to `path` that becomes visible only on Commit(). Not thread-safe.
class AtomicOutput {
 public:
  // Opens a temporary file in the directory of `path`. Throws Error(kIo) if it cannot.
  explicit AtomicOutput(std::string path, FileSystem& fs = FileSystem::Default());
  // Deletes the temporary file unless Commit() succeeded.
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  void Write(std::string_view data);
  // Flushes, fsyncs, closes and renames over the target. Throws Error(kIo) on failure, in which
  // case the temporary file is removed and the target untouched.
  void Commit();
  const std::string& path() const { return path_; }
  int64_t bytes_written() const { return bytes_written_; }

 private:
  void Flush();

  std::string path_;
  std::string temp_path_;
  FileSystem& fs_;
  std::unique_ptr<WritableFile> file_;
  std::string buffer_;
  int64_t bytes_written_ = 0;
  bool committed_ = false;
};

// Writes `content` to `path` atomically.
void WriteFileAtomically(const std::string& path, std::string_view content,
                         FileSystem& fs = FileSystem::Default());

// Reads a whole file. Throws Error(kIo) naming the path on failure.
std::string ReadFileToString(const std::string& path, FileSystem& fs = FileSystem::Default());

}  // namespace hitscope
