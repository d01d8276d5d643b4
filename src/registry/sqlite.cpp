// The SQLite layer: every error becomes a hitscope::Error naming the registry file.
#include "registry/sqlite.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <hitscope/error.hpp>

namespace hitscope::registry {

namespace {

// How long a connection waits for another process's lock before giving up.
constexpr int kBusyTimeoutMs = 5000;

}  // namespace

Database::Database(const std::string& path, int flags) : path_(path) {
  int code = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (code != SQLITE_OK) {
    std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError(fmt::format(
        "cannot open the model registry '{}': {}; check the path (create a registry with "
        "'hitscope registry add MODEL --name NAME --registry {}')",
        path, reason, path));
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  sqlite3_close(db_);
}

void Database::Fail(int code, std::string_view what) const {
  const int primary = code & 0xff;
  std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
    throw InvalidInput(
        fmt::format("'{}' is not a hitscope model registry (SQLite: {}); give the file that "
                    "'hitscope registry add' created",
                    path_, reason));
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw IoError(fmt::format(
        "the model registry '{}' stayed locked by another process for {} s while {}; retry "
        "when the other command has finished",
        path_, kBusyTimeoutMs / 1000, what));
  }
  if (primary == SQLITE_READONLY) {
    throw IoError(
        fmt::format("the model registry '{}' is read-only here while {} ({}); check "
                    "the file's permissions",
                    path_, what, reason));
  }
  throw IoError(fmt::format("model registry '{}': {} failed: {}", path_, what, reason));
}

void Database::Exec(const std::string& sql) {
  char* message = nullptr;
  int code = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (code != SQLITE_OK) Fail(code, "running '" + sql.substr(0, 40) + "...'");
}

Statement Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int code = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (code != SQLITE_OK) Fail(code, "preparing a query");
  return Statement(*this, stmt);
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int index, std::string_view text) {
  int code =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (code != SQLITE_OK) db_->Fail(code, "binding a value");
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  int code = sqlite3_bind_int64(stmt_, index, value);
  if (code != SQLITE_OK) db_->Fail(code, "binding a value");
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  int code = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (code != SQLITE_OK) db_->Fail(code, "binding a model");
  return *this;
}

Statement& Statement::BindNull(int index) {
  int code = sqlite3_bind_null(stmt_, index);
  if (code != SQLITE_OK) db_->Fail(code, "binding a value");
  return *this;
}

bool Statement::Step() {
  int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  db_->Fail(code, "reading or writing");
}

void Statement::Run() {
  while (Step()) {
  }
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return "";
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Blob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (bytes == nullptr) return "";
  return std::string(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Transaction::Transaction(Database& db) : db_(db) {
  db_.Exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::Commit() {
  db_.Exec("COMMIT");
  done_ = true;
}

}  // namespace hitscope::registry
