// hitscope/error.hpp: the one exception type of the public API and the record of a data problem.
//
// hitscope reports three kinds of trouble (see docs/architecture.md):
//  - data problems in an input (a bad CSV row) are `DataIssue`s, handed to a policy (stop, skip,
//    set aside) by the reader that found them;
//  - user errors (a missing file, a bad option, an input that cannot be used) throw
//    `hitscope::Error`, whose message says what is wrong, where, and how to fix it;
//  - bugs trip an assertion or surface as `ErrorKind::kInternal`.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace hitscope {

// What went wrong, which decides the CLI exit code and the HTTP status.
enum class ErrorKind {
  kInvalidInput,  // the data cannot be used: malformed file, wrong types, missing column (exit 1)
  kIo,            // the file system refused: cannot open, read, write or rename (exit 1)
  kInvalidArgument,  // an option or argument is out of its domain, e.g. k < 1 (exit 2)
  kInternal,         // a broken invariant inside hitscope: please report it (exit 3)
};

// The exception thrown by every public hitscope function. Thread-safe to copy and read.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

// Shorthands that build an Error of each kind.
inline Error InvalidInput(const std::string& message) {
  return Error(ErrorKind::kInvalidInput, message);
}
inline Error InvalidArgument(const std::string& message) {
  return Error(ErrorKind::kInvalidArgument, message);
}
inline Error IoError(const std::string& message) {
  return Error(ErrorKind::kIo, message);
}
inline Error InternalError(const std::string& message) {
  return Error(ErrorKind::kInternal, message);
}

// One problem found in an input file, located as precisely as the reader can.
struct DataIssue {
  std::string file;     // path as the user gave it
  int64_t line = 0;     // 1-based physical line where the problem starts (0: whole file)
  int64_t column = 0;   // 1-based byte position in that line (0: whole line)
  int field_index = 0;  // 1-based field number in the row (0: the row as a whole)
  std::string field;    // column name of that field, if known
  std::string message;  // what is wrong and, where it helps, how to fix it

  // "file:line:column: field 3 'tempo': message", omitting the parts that are unknown.
  std::string ToString() const;
};

}  // namespace hitscope
