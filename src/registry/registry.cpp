// ModelRegistry: versions of named model files in one SQLite database.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/registry.hpp>

#include "core/text.hpp"
#include "registry/sqlite.hpp"

namespace hitscope {

namespace {

using registry::Database;
using registry::Statement;
using registry::Transaction;

// PRAGMA user_version of the layout below; a file with a larger one comes from a newer hitscope.
constexpr int64_t kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS model_names (
  name TEXT PRIMARY KEY,
  next_version INTEGER NOT NULL,
  promoted_version INTEGER,
  promoted_at TEXT
);
CREATE TABLE IF NOT EXISTS model_versions (
  name TEXT NOT NULL REFERENCES model_names(name),
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  model BLOB NOT NULL,
  model_sha256 TEXT NOT NULL,
  data_sha256 TEXT NOT NULL,
  data_source TEXT NOT NULL,
  config TEXT NOT NULL,
  metrics TEXT NOT NULL,
  summary TEXT NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE IF NOT EXISTS registry_events (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  detail TEXT NOT NULL
);
)sql";

// The columns every listing reads, in the order ReadEntry expects.
constexpr const char* kEntryColumns =
    "v.name, v.version, v.created_at, v.model_sha256, length(v.model), v.data_sha256, "
    "v.data_source, v.config, v.metrics, v.note, n.promoted_version, n.promoted_at";

RegistryEntry ReadEntry(const Statement& row) {
  RegistryEntry entry;
  entry.name = row.Text(0);
  entry.version = row.Int(1);
  entry.created_at = row.Text(2);
  entry.model_sha256 = row.Text(3);
  entry.model_bytes = row.Int(4);
  entry.data_sha256 = row.Text(5);
  entry.data_source = row.Text(6);
  entry.config = row.Text(7);
  entry.metrics = row.Text(8);
  entry.note = row.Text(9);
  entry.promoted = !row.IsNull(10) && row.Int(10) == entry.version;
  if (entry.promoted) entry.promoted_at = row.Text(11);
  return entry;
}

bool IsHex64(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

struct ModelRegistry::Impl {
  Impl(const std::string& path, int flags) : db(path, flags) {}
  Database db;
  std::function<std::string()> now = UtcNowIso8601;

  std::vector<std::string> Names() {
    std::vector<std::string> names;
    Statement query = db.Prepare("SELECT name FROM model_names ORDER BY name");
    while (query.Step()) names.push_back(query.Text(0));
    return names;
  }

  std::vector<int64_t> Versions(const std::string& name) {
    std::vector<int64_t> versions;
    Statement query =
        db.Prepare("SELECT version FROM model_versions WHERE name = ? ORDER BY version");
    query.Bind(1, name);
    while (query.Step()) versions.push_back(query.Int(0));
    return versions;
  }

  // Throws Error(kInvalidArgument) naming what exists when (name, version) does not.
  [[noreturn]] void Unknown(const std::string& name, int64_t version) {
    std::vector<int64_t> versions = Versions(name);
    if (versions.empty()) {
      std::vector<std::string> names = Names();
      throw InvalidArgument(fmt::format(
          "the registry '{}' has no model named '{}'{}; its models: {}", db.path(), name,
          DidYouMean(name, names), names.empty() ? "(none yet)" : QuoteList(names)));
    }
    throw InvalidArgument(
        fmt::format("model '{}' has no version {} in the registry '{}'; its "
                    "versions: {}",
                    name, version, db.path(), fmt::join(versions, ", ")));
  }

  void Event(const std::string& action, const std::string& name, int64_t version,
             const std::string& detail) {
    db.Prepare(
          "INSERT INTO registry_events (at, action, name, version, detail) VALUES (?, ?, ?, ?, ?)")
        .Bind(1, now())
        .Bind(2, action)
        .Bind(3, name)
        .Bind(4, version)
        .Bind(5, detail)
        .Run();
  }
};

ModelRegistry::ModelRegistry(const std::string& path, RegistryOpenMode mode) : path_(path) {
  int flags = mode == RegistryOpenMode::kReadOnly    ? SQLITE_OPEN_READONLY
              : mode == RegistryOpenMode::kReadWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                                     : SQLITE_OPEN_READWRITE;
  impl_ = std::make_unique<Impl>(path, flags | SQLITE_OPEN_NOMUTEX);
  Database& db = impl_->db;
  Statement version_query = db.Prepare("PRAGMA user_version");
  version_query.Step();
  int64_t version = version_query.Int(0);
  if (version > kSchemaVersion) {
    throw InvalidInput(fmt::format(
        "the model registry '{}' was written by a newer hitscope (layout {}, this one reads {}); "
        "use that hitscope",
        path, version, kSchemaVersion));
  }
  if (version == 0) {
    // A new file, or an SQLite file that is not a registry.
    Statement tables = db.Prepare(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT IN "
        "('model_names', 'model_versions', 'registry_events')");
    tables.Step();
    if (tables.Int(0) > 0) {
      throw InvalidInput(fmt::format(
          "'{}' is an SQLite database but not a hitscope model registry (it has other tables); "
          "give another file",
          path));
    }
    if (mode == RegistryOpenMode::kReadOnly) {
      throw InvalidInput(fmt::format(
          "'{}' is not a hitscope model registry (empty); create one with 'hitscope registry "
          "add MODEL --name NAME --registry {}'",
          path, path));
    }
    Transaction transaction(db);
    db.Exec(kSchema);
    db.Exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion));
    transaction.Commit();
  }
  if (mode != RegistryOpenMode::kReadOnly) db.Exec("PRAGMA foreign_keys = ON");
}

ModelRegistry::~ModelRegistry() = default;
ModelRegistry::ModelRegistry(ModelRegistry&&) noexcept = default;
ModelRegistry& ModelRegistry::operator=(ModelRegistry&&) noexcept = default;

void ModelRegistry::SetClockForTesting(std::function<std::string()> now) {
  impl_->now = std::move(now);
}

RegistryEntry ModelRegistry::Add(const std::string& model_path, const RegistryAddOptions& options,
                                 FileSystem& fs) {
  CheckModelName(options.name);
  std::string bytes = ReadFileToString(model_path, fs);
  TrainedModel model = DecodeModel(bytes, model_path);

  std::string data_sha256;
  if (!options.data_path.empty() && !options.data_sha256.empty()) {
    throw InvalidArgument(
        "give the training data as a file (--data) or as its hash "
        "(--data-sha256), not both");
  }
  if (!options.data_path.empty()) {
    // The table must be the model's kind of table: it holds every feature column.
    CsvReadOptions header_only;
    header_only.max_rows = 0;
    header_only.allow_empty = true;
    CsvReader reader(options.data_path, header_only, fs);
    std::vector<std::string> missing;
    for (const auto& feature : model.roles.features) {
      const auto& names = reader.column_names();
      if (std::find(names.begin(), names.end(), feature) == names.end()) {
        missing.push_back(feature);
      }
    }
    if (!missing.empty()) {
      throw InvalidInput(fmt::format(
          "the data file '{}' lacks the model's feature columns {}; give the table the model "
          "'{}' was trained on",
          options.data_path, QuoteList(missing), model_path));
    }
    data_sha256 = Sha256OfFile(options.data_path, fs);
  } else if (!options.data_sha256.empty()) {
    if (!IsHex64(options.data_sha256)) {
      throw InvalidArgument(
          fmt::format("--data-sha256 takes 64 lowercase hex digits (sha256sum's output), got '{}'",
                      options.data_sha256));
    }
    data_sha256 = options.data_sha256;
  } else {
    throw InvalidArgument(
        "the registry records which data a model was trained on: give the training table with "
        "--data FILE (it is hashed), or its SHA-256 with --data-sha256 HEX");
  }
  std::string metrics = options.metrics_path.empty()
                            ? MetricsFromSummary(model.summary)
                            : MetricsFromEvaluationJson(ReadFileToString(options.metrics_path, fs),
                                                        options.metrics_path);

  Database& db = impl_->db;
  Transaction transaction(db);
  int64_t version = 1;
  {
    Statement next = db.Prepare("SELECT next_version FROM model_names WHERE name = ?");
    next.Bind(1, options.name);
    if (next.Step()) {
      version = next.Int(0);
    } else {
      db.Prepare("INSERT INTO model_names (name, next_version) VALUES (?, 1)")
          .Bind(1, options.name)
          .Run();
    }
  }
  db.Prepare("UPDATE model_names SET next_version = ? WHERE name = ?")
      .Bind(1, version + 1)
      .Bind(2, options.name)
      .Run();
  const std::string created = impl_->now();
  db.Prepare(
        "INSERT INTO model_versions (name, version, created_at, model, model_sha256, "
        "data_sha256, data_source, config, metrics, summary, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)")
      .Bind(1, options.name)
      .Bind(2, version)
      .Bind(3, created)
      .BindBlob(4, bytes)
      .Bind(5, Sha256Hex(bytes))
      .Bind(6, data_sha256)
      .Bind(7, options.data_path)
      .Bind(8, ModelConfigJson(model))
      .Bind(9, metrics)
      .Bind(10, model.summary)
      .Bind(11, options.note)
      .Run();
  impl_->Event("add", options.name, version, model_path);
  if (options.promote) {
    db.Prepare("UPDATE model_names SET promoted_version = ?, promoted_at = ? WHERE name = ?")
        .Bind(1, version)
        .Bind(2, created)
        .Bind(3, options.name)
        .Run();
    impl_->Event("promote", options.name, version, "");
  }
  transaction.Commit();
  return Get(options.name, version);
}

std::vector<RegistryEntry> ModelRegistry::List(const std::string& name) const {
  std::string sql = fmt::format(
      "SELECT {} FROM model_versions v JOIN model_names n ON n.name = v.name {} ORDER BY v.name, "
      "v.version",
      kEntryColumns, name.empty() ? "" : "WHERE v.name = ?");
  Statement query = impl_->db.Prepare(sql);
  if (!name.empty()) query.Bind(1, name);
  std::vector<RegistryEntry> entries;
  while (query.Step()) entries.push_back(ReadEntry(query));
  return entries;
}

RegistryEntry ModelRegistry::Get(const std::string& name, int64_t version) const {
  Statement query = impl_->db.Prepare(fmt::format(
      "SELECT {}, v.summary FROM model_versions v JOIN model_names n ON n.name = v.name WHERE "
      "v.name = ? AND v.version = ?",
      kEntryColumns));
  query.Bind(1, name).Bind(2, version);
  if (!query.Step()) impl_->Unknown(name, version);
  RegistryEntry entry = ReadEntry(query);
  entry.summary = query.Text(12);
  return entry;
}

void ModelRegistry::Promote(const std::string& name, int64_t version) {
  Database& db = impl_->db;
  Transaction transaction(db);
  Statement exists = db.Prepare("SELECT 1 FROM model_versions WHERE name = ? AND version = ?");
  exists.Bind(1, name).Bind(2, version);
  if (!exists.Step()) impl_->Unknown(name, version);
  db.Prepare("UPDATE model_names SET promoted_version = ?, promoted_at = ? WHERE name = ?")
      .Bind(1, version)
      .Bind(2, impl_->now())
      .Bind(3, name)
      .Run();
  impl_->Event("promote", name, version, "");
  transaction.Commit();
}

void ModelRegistry::Remove(const std::string& name, int64_t version, bool force) {
  Database& db = impl_->db;
  Transaction transaction(db);
  Statement exists = db.Prepare(
      "SELECT n.promoted_version FROM model_versions v JOIN model_names n ON n.name = v.name "
      "WHERE v.name = ? AND v.version = ?");
  exists.Bind(1, name).Bind(2, version);
  if (!exists.Step()) impl_->Unknown(name, version);
  const bool promoted = !exists.IsNull(0) && exists.Int(0) == version;
  if (promoted && !force) {
    throw InvalidArgument(fmt::format(
        "version {} of '{}' is the promoted one (the server serves it); promote another "
        "version first, or give --force to remove it and stop serving '{}'",
        version, name, name));
  }
  if (promoted) {
    db.Prepare("UPDATE model_names SET promoted_version = NULL, promoted_at = NULL WHERE name = ?")
        .Bind(1, name)
        .Run();
  }
  db.Prepare("DELETE FROM model_versions WHERE name = ? AND version = ?")
      .Bind(1, name)
      .Bind(2, version)
      .Run();
  impl_->Event("remove", name, version, promoted ? "was promoted (forced)" : "");
  transaction.Commit();
}

std::string ModelRegistry::ModelBytes(const std::string& name, int64_t version) const {
  Statement query =
      impl_->db.Prepare("SELECT model FROM model_versions WHERE name = ? AND version = ?");
  query.Bind(1, name).Bind(2, version);
  if (!query.Step()) impl_->Unknown(name, version);
  return query.Blob(0);
}

void ModelRegistry::Export(const std::string& name, int64_t version, const std::string& path,
                           FileSystem& fs) const {
  WriteFileAtomically(path, ModelBytes(name, version), fs);
}

std::map<std::string, int64_t> ModelRegistry::Promoted() const {
  std::map<std::string, int64_t> promoted;
  Statement query = impl_->db.Prepare(
      "SELECT name, promoted_version FROM model_names WHERE promoted_version IS NOT NULL");
  while (query.Step()) promoted[query.Text(0)] = query.Int(1);
  return promoted;
}

int64_t ModelRegistry::DataVersion() const {
  Statement query = impl_->db.Prepare("PRAGMA data_version");
  query.Step();
  return query.Int(0);
}

std::string RegistryEntry::ToJson() const {
  using nlohmann::json;
  auto parsed = [](const std::string& text) {
    return text.empty() ? json::object() : json::parse(text, nullptr, false);
  };
  json out = {{"name", name},
              {"version", version},
              {"created_at", created_at},
              {"promoted", promoted},
              {"model_sha256", model_sha256},
              {"model_bytes", model_bytes},
              {"data_sha256", data_sha256},
              {"data_source", data_source},
              {"config", parsed(config)},
              {"metrics", parsed(metrics)},
              {"note", note}};
  if (promoted) out["promoted_at"] = promoted_at;
  if (!summary.empty()) out["summary"] = summary;
  return out.dump(2);
}

}  // namespace hitscope
