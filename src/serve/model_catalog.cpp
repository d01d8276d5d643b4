// Model sources (a folder, a registry) and the catalog that reloads them without a restart.
#include "serve/model_catalog.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <sys/stat.h>

#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/registry.hpp>

namespace hitscope::serve {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kModelExtension = ".hsm";

std::string IsoTime(int64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

// What a model file looked like when it was loaded: a change in any part means reload.
struct FileStamp {
  int64_t size = -1;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> Stamp(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return FileStamp{static_cast<int64_t>(info.st_size),
                   static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec,
                   static_cast<uint64_t>(info.st_ino)};
}

class FolderSource final : public ModelSource {
 public:
  explicit FolderSource(const std::string& folder) : folder_(folder) {
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
      throw IoError(fmt::format(
          "the models folder '{}' does not exist or is not a folder; give a folder of model "
          "files (hitscope train ... --out {}/popularity.hsm)",
          folder, folder));
    }
    canonical_ = fs::canonical(folder, error);
  }

  std::string Describe() const override { return fmt::format("folder {}", folder_); }

  bool MaybeChanged() override {
    std::map<std::string, FileStamp> now = Scan(nullptr);
    bool changed = now != seen_;
    seen_ = std::move(now);
    return changed;
  }

  Snapshot Load(const Snapshot& current, std::vector<std::string>* errors) override {
    Snapshot out;
    for (const auto& [path, stamp] : Scan(errors)) {
      std::string name = fs::path(path).stem().string();
      auto old = current.find(name);
      auto loaded = stamps_.find(name);
      if (old != current.end() && loaded != stamps_.end() && loaded->second == stamp) {
        out[name] = old->second;
        continue;
      }
      try {
        std::string bytes = ReadFileToString(path);
        std::string sha = Sha256Hex(bytes);
        if (old != current.end() && old->second->info().model_sha256 == sha) {
          out[name] = old->second;
        } else {
          TrainedModel model = DecodeModel(bytes, path);
          ModelInfo info{name,
                         sha.substr(0, 12),
                         IsoTime(stamp.mtime_ns / 1000000000),
                         path,
                         MetricsFromSummary(model.summary),
                         sha};
          out[name] = std::make_shared<const ServedModel>(std::move(info), std::move(model));
        }
        stamps_[name] = stamp;
      } catch (const Error& e) {
        errors->push_back(e.what());
        if (old != current.end()) out[name] = old->second;
      }
    }
    return out;
  }

 private:
  // The model files in the folder: path -> stamp. Files with names that are not model names, or
  // links that lead out of the folder, are left out (reported to `errors` when given).
  std::map<std::string, FileStamp> Scan(std::vector<std::string>* errors) const {
    std::map<std::string, FileStamp> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder_, error)) {
      const fs::path& path = entry.path();
      if (path.extension() != kModelExtension) continue;
      std::string name = path.stem().string();
      if (!IsValidModelName(name)) {
        if (errors != nullptr) {
          errors->push_back(fmt::format(
              "'{}' is not served: '{}' is not a model name (letters, digits, '.', '_', '-'); "
              "rename the file",
              path.string(), name));
        }
        continue;
      }
      std::error_code link_error;
      fs::path target = fs::canonical(path, link_error);
      if (link_error || target.parent_path() != canonical_) {
        if (errors != nullptr) {
          errors->push_back(fmt::format(
              "'{}' is not served: it is a link to a file outside the models folder ('{}'); "
              "copy the model into the folder instead",
              path.string(), link_error ? link_error.message() : target.string()));
        }
        continue;
      }
      if (std::optional<FileStamp> stamp = Stamp(path.string())) files[path.string()] = *stamp;
    }
    if (error && errors != nullptr) {
      errors->push_back(
          fmt::format("cannot list the models folder '{}': {}", folder_, error.message()));
    }
    return files;
  }

  std::string folder_;
  fs::path canonical_;
  std::map<std::string, FileStamp> seen_;    // what MaybeChanged saw last
  std::map<std::string, FileStamp> stamps_;  // name -> the file as last loaded
};

class RegistrySource final : public ModelSource {
 public:
  explicit RegistrySource(const std::string& path)
      : path_(path),
        registry_(std::make_unique<ModelRegistry>(path, RegistryOpenMode::kReadOnly)) {}

  std::string Describe() const override { return fmt::format("registry {}", path_); }

  bool MaybeChanged() override {
    int64_t version = registry_->DataVersion();
    bool changed = version != data_version_;
    data_version_ = version;
    return changed;
  }

  Snapshot Load(const Snapshot& current, std::vector<std::string>* errors) override {
    Snapshot out;
    for (const auto& [name, version] : registry_->Promoted()) {
      const std::string version_text = std::to_string(version);
      auto old = current.find(name);
      if (old != current.end() && old->second->info().version == version_text) {
        out[name] = old->second;
        continue;
      }
      try {
        RegistryEntry entry = registry_->Get(name, version);
        std::string source = fmt::format("{}: {} version {}", path_, name, version);
        TrainedModel model = DecodeModel(registry_->ModelBytes(name, version), source);
        ModelInfo info{name,   version_text,  entry.created_at,
                       source, entry.metrics, entry.model_sha256};
        out[name] = std::make_shared<const ServedModel>(std::move(info), std::move(model));
      } catch (const Error& e) {
        errors->push_back(e.what());
        if (old != current.end()) out[name] = old->second;
      }
    }
    return out;
  }

 private:
  std::string path_;
  std::unique_ptr<ModelRegistry> registry_;
  int64_t data_version_ = -1;
};

}  // namespace

std::unique_ptr<ModelSource> MakeFolderSource(const std::string& folder) {
  return std::make_unique<FolderSource>(folder);
}

std::unique_ptr<ModelSource> MakeRegistrySource(const std::string& path) {
  return std::make_unique<RegistrySource>(path);
}

ModelCatalog::ModelCatalog(std::unique_ptr<ModelSource> source, std::chrono::milliseconds interval,
                           std::function<void(std::string_view)> log)
    : source_(std::move(source)), interval_(interval), log_(std::move(log)) {
  source_->MaybeChanged();
  std::vector<std::string> errors;
  Snapshot models = source_->Load({}, &errors);
  if (!errors.empty()) {
    throw InvalidInput(
        fmt::format("cannot serve from {}: {}", source_->Describe(), fmt::join(errors, "; ")));
  }
  if (models.empty()) {
    throw InvalidInput(fmt::format(
        "{} holds no model to serve; add one (hitscope train ... --out DIR/NAME.hsm, or "
        "hitscope registry add MODEL --name NAME --promote)",
        source_->Describe()));
  }
  LogChanges({}, models);
  snapshot_ = std::make_shared<const Snapshot>(std::move(models));
  next_check_ns_ = (std::chrono::steady_clock::now() + interval_).time_since_epoch().count();
}

void ModelCatalog::LogChanges(const Snapshot& before, const Snapshot& after) {
  for (const auto& [name, model] : after) {
    auto old = before.find(name);
    if (old != before.end() && old->second == model) continue;
    log_(fmt::format("serving model {}@{} ({}) from {}", name, model->info().version,
                     model->Describe(), model->info().source));
  }
  for (const auto& [name, model] : before) {
    if (after.count(name) == 0) {
      log_(fmt::format("no longer serving model {}@{}", name, model->info().version));
    }
  }
}

void ModelCatalog::MaybeRefresh() {
  const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  if (now < next_check_ns_.load(std::memory_order_relaxed)) return;
  std::unique_lock<std::mutex> refresh(refresh_mutex_, std::try_to_lock);
  if (!refresh.owns_lock()) return;  // another request is refreshing; use the current models
  next_check_ns_ = now + std::chrono::nanoseconds(interval_).count();
  std::vector<std::string> errors;
  try {
    if (!source_->MaybeChanged()) return;
    std::shared_ptr<const Snapshot> current;
    {
      std::lock_guard<std::mutex> lock(snapshot_mutex_);
      current = snapshot_;
    }
    auto fresh = std::make_shared<const Snapshot>(source_->Load(*current, &errors));
    LogChanges(*current, *fresh);
    ++reloads_;
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    snapshot_ = std::move(fresh);
    errors_ = errors;
  } catch (const std::exception& e) {
    errors.push_back(fmt::format("reloading from {} failed: {}", source_->Describe(), e.what()));
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    errors_ = errors;
  }
  for (const auto& error : errors) log_("model reload error: " + error);
}

std::shared_ptr<const ServedModel> ModelCatalog::Find(const std::string& name) {
  std::shared_ptr<const Snapshot> models = Models();
  auto it = models->find(name);
  return it == models->end() ? nullptr : it->second;
}

std::shared_ptr<const Snapshot> ModelCatalog::Models() {
  MaybeRefresh();
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  return snapshot_;
}

std::vector<std::string> ModelCatalog::errors() const {
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  return errors_;
}

}  // namespace hitscope::serve
