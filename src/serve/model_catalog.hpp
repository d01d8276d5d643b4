// serve/model_catalog.hpp: the models being served, where they come from (a folder of model files
// or a registry), and their hot reloading.
//
// A Snapshot maps names to immutable ServedModels held by shared_ptr: a request takes the
// snapshot's model once and keeps it, so a reload that swaps in a new snapshot never changes a
// request halfway. Refresh() asks the source whether anything changed (the registry's
// data_version, the folder's file sizes and times) and loads only what did; a model that fails to
// load keeps its previous version and is reported in errors().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "serve/served_model.hpp"

namespace hitscope {
class ModelRegistry;
}

namespace hitscope::serve {

using Snapshot = std::map<std::string, std::shared_ptr<const ServedModel>>;

// Where models come from. Not thread-safe: the catalog calls it under its refresh lock.
class ModelSource {
 public:
  virtual ~ModelSource() = default;
  // "folder models/" or "registry models.db", for messages.
  virtual std::string Describe() const = 0;
  // The models now, reusing the ones in `current` that did not change. Problems with single
  // models go to `errors` (their previous version, if any, is kept); a source that cannot be
  // read at all throws.
  virtual Snapshot Load(const Snapshot& current, std::vector<std::string>* errors) = 0;
  // Whether Load could give something new (cheap).
  virtual bool MaybeChanged() = 0;
};

// Every NAME.hsm directly in a folder; versions are the files' SHA-256 prefixes. Symbolic links
// whose target lies outside the folder are refused, so a model name can never reach another file.
std::unique_ptr<ModelSource> MakeFolderSource(const std::string& folder);
// The promoted version of every name in a registry (opened read-only).
std::unique_ptr<ModelSource> MakeRegistrySource(const std::string& path);

class ModelCatalog {
 public:
  // Loads every model now. Throws what the source throws, and Error(kInvalidInput) when a model
  // fails to load or there is none.
  // `log` receives one line per model loaded or failing to load.
  ModelCatalog(std::unique_ptr<ModelSource> source, std::chrono::milliseconds interval,
               std::function<void(std::string_view)> log);

  // The model named `name` now (nullptr if none), refreshing first when the interval has passed.
  std::shared_ptr<const ServedModel> Find(const std::string& name);
  // Every model now (refreshing as Find).
  std::shared_ptr<const Snapshot> Models();
  // Reload problems since the last successful load of each model, for /health.
  std::vector<std::string> errors() const;
  int64_t reloads() const { return reloads_.load(); }
  std::string Describe() const { return source_->Describe(); }

 private:
  void MaybeRefresh();
  void LogChanges(const Snapshot& before, const Snapshot& after);

  std::unique_ptr<ModelSource> source_;
  std::chrono::milliseconds interval_;
  std::function<void(std::string_view)> log_;
  mutable std::mutex snapshot_mutex_;  // guards snapshot_ and errors_ (copied out, never held)
  std::shared_ptr<const Snapshot> snapshot_;
  std::vector<std::string> errors_;
  std::mutex refresh_mutex_;  // one refresh at a time; others go on with the old snapshot
  std::atomic<int64_t> next_check_ns_{0};
  std::atomic<int64_t> reloads_{0};
};

}  // namespace hitscope::serve
