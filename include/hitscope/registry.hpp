// hitscope/registry.hpp: a model registry in one SQLite file: every registered model file with
// its training data hash, configuration, metrics and time, numbered versions per name, and the
// promoted version of each name (the one `hitscope serve --registry` serves).
//
// A registry holds the model files' bytes (BLOBs), so an entry cannot lose its model when a file
// is moved or deleted; `Export` writes one back (atomically). Versions of a name count 1, 2, 3,
// ... and are never reused, even after a removal. Each change is one SQLite transaction, so a
// reader (the server) sees either the old or the new state, never a half-written one; SQLite's
// own journal makes the file crash-safe (this is the one output of hitscope that does not go
// through AtomicOutput: the database does the same job itself).
//
// Recorded per version:
//   data_sha256   SHA-256 of the training table's bytes (--data FILE), or as given
//                 (--data-sha256 HEX): which data the model was fitted on.
//   config        JSON: the pipeline's parameters and description, target, features (in model
//                 order), classes (names, edges, how they were made), column roles, hitscope
//                 version.
//   metrics       JSON: {"source": ..., "protocol": ..., "scores": {metric: {"mean", "std",
//                 "ci95"}}}: an evaluation given with --metrics (`hitscope evaluate --json`), else
//                 the cross-validated scores stored in the model file's summary (`hitscope train
//                 --cv`), else {"source": "none", "scores": {}}. Leaky scores are refused.
//   created_at    UTC time of registration, ISO 8601 ("2025-05-01T12:00:00Z").
//
// Names: 1-128 characters of [A-Za-z0-9._-], starting with a letter or digit (the same rule as
// `hitscope serve` model names, so a name can never be a path).
//
// Errors: Error(kIo) when the file cannot be opened or created (with SQLite's reason);
// Error(kInvalidInput) for a file that is not a hitscope registry (or from a newer hitscope), a
// model file that does not decode, a data file without the model's features, leaky metrics;
// Error(kInvalidArgument) for a bad name, an unknown name or version (listing the known ones),
// removing the promoted version without `force`.
// Thread-safety: one ModelRegistry is one SQLite connection: use it from one thread at a time.
// Several processes may open the same file (SQLite locks it; a writer waits up to 5 s).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hitscope/file.hpp>
#include <hitscope/model_file.hpp>

namespace hitscope {

// One registered version of a model.
struct RegistryEntry {
  std::string name;
  int64_t version = 0;
  std::string created_at;    // ISO 8601 UTC
  std::string model_sha256;  // of the model file's bytes
  int64_t model_bytes = 0;
  std::string data_sha256;  // of the training table's bytes
  std::string data_source;  // the training table's file name as given to Add ("" if unknown)
  std::string config;       // JSON object, see above
  std::string metrics;      // JSON object, see above
  std::string summary;      // the model file's training summary (text)
  std::string note;         // free text given at registration
  bool promoted = false;    // the version the server serves for this name
  std::string promoted_at;  // when it was promoted (ISO 8601 UTC), if promoted

  // {"name": ..., "version": ..., ..., "config": {...}, "metrics": {...}} (summary included).
  std::string ToJson() const;
};

struct RegistryAddOptions {
  std::string name;  // the model's name, e.g. "popularity"
  // The training table: hashed (SHA-256) and checked to hold the model's feature columns.
  std::string data_path;
  // Instead of data_path: the SHA-256 of the training table (64 hex digits).
  std::string data_sha256;
  // An evaluation written by `hitscope evaluate --json` (its honest part); empty: the scores in
  // the model file's summary.
  std::string metrics_path;
  std::string note;
  bool promote = false;  // promote the new version at once
};

enum class RegistryOpenMode {
  kReadWrite,      // create the file and its tables when missing
  kReadWriteOnly,  // the file must exist
  kReadOnly,       // the file must exist; never writes (the server)
};

class ModelRegistry {
 public:
  // Opens `path`. Throws Error(kIo) when it cannot, Error(kInvalidInput) when the file is not a
  // hitscope registry.
  explicit ModelRegistry(const std::string& path,
                         RegistryOpenMode mode = RegistryOpenMode::kReadWrite);
  ~ModelRegistry();
  ModelRegistry(ModelRegistry&&) noexcept;
  ModelRegistry& operator=(ModelRegistry&&) noexcept;

  // Registers the model file at `model_path` as the next version of options.name and returns
  // the new entry. The file must decode (LoadModel's checks).
  RegistryEntry Add(const std::string& model_path, const RegistryAddOptions& options,
                    FileSystem& fs = FileSystem::Default());
  // Every version, by name then version; only `name`'s when not empty (an unknown name gives an
  // empty list).
  std::vector<RegistryEntry> List(const std::string& name = "") const;
  // One version (summary included). Throws Error(kInvalidArgument) for an unknown one.
  RegistryEntry Get(const std::string& name, int64_t version) const;
  // Makes `version` the one served for `name`.
  void Promote(const std::string& name, int64_t version);
  // Deletes a version. The promoted version is kept unless `force` (then `name` has no promoted
  // version and the server stops serving it).
  void Remove(const std::string& name, int64_t version, bool force = false);
  // The model file's bytes of a version (DecodeModel reads them).
  std::string ModelBytes(const std::string& name, int64_t version) const;
  // Writes a version's model file to `path` (atomically).
  void Export(const std::string& name, int64_t version, const std::string& path,
              FileSystem& fs = FileSystem::Default()) const;
  // name -> promoted version, for every name that has one.
  std::map<std::string, int64_t> Promoted() const;
  // A number that changes whenever another connection (another process) commits a change: poll
  // it cheaply to notice promotions (SQLite's PRAGMA data_version).
  int64_t DataVersion() const;

  const std::string& path() const { return path_; }

  // For tests: the clock that stamps created_at / promoted_at (default: the system clock, UTC).
  void SetClockForTesting(std::function<std::string()> now);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

// Throws Error(kInvalidArgument) unless `name` follows the rule above; `what` names the value in
// the message ("model name").
void CheckModelName(std::string_view name, std::string_view what = "model name");
bool IsValidModelName(std::string_view name);

// The metrics JSON (see above) of a model: its summary's cross-validated scores, or none.
std::string MetricsFromSummary(const std::string& summary);
// The metrics JSON of an evaluation written by `hitscope evaluate --json` (the honest part of a
// --leaky run). Throws Error(kInvalidInput) for leaky-only or malformed JSON. `name` is used in
// messages.
std::string MetricsFromEvaluationJson(const std::string& json, const std::string& name);
// The config JSON (see above) of a model.
std::string ModelConfigJson(const TrainedModel& model);

// SHA-256 of bytes and of a file (streamed), as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);
std::string Sha256OfFile(const std::string& path, FileSystem& fs = FileSystem::Default());

// The current UTC time as ISO 8601 with seconds ("2025-05-01T12:00:00Z").
std::string UtcNowIso8601();

}  // namespace hitscope
