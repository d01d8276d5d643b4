// registry/sqlite.hpp: a thin RAII layer over SQLite's C API (connections and prepared
// statements) that turns every failure into a hitscope::Error naming the file and SQLite's
// reason. Internal to the registry stage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace hitscope::registry {

class Statement;

// One connection. Not thread-safe (use from one thread at a time).
class Database {
 public:
  // Opens `path` (flags: SQLITE_OPEN_*). Throws Error(kIo) naming the path and the reason.
  Database(const std::string& path, int flags);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs SQL without results (several statements allowed). Throws Error(kIo), or
  // Error(kInvalidInput) when the file is not a database.
  void Exec(const std::string& sql);
  Statement Prepare(std::string_view sql);
  // Throws the Error for SQLite result code `code` with `what` as context.
  [[noreturn]] void Fail(int code, std::string_view what) const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// One prepared statement. Bind parameters are 1-based; columns 0-based.
class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // Advances; true while a row is available. Throws on errors (busy after the timeout, ...).
  bool Step();
  // Runs a statement without results to completion.
  void Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;  // "" for NULL
  std::string Blob(int column) const;
  bool IsNull(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless Commit() is reached.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void Commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace hitscope::registry
