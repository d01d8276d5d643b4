// Opens the LibTorch plugin (libhitscope_torch.so) the first time a network is needed; see
// network.hpp for why LibTorch is not linked into the executable.
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include <dlfcn.h>
#include <fmt/format.h>

#include <hitscope/error.hpp>

#include "cnn/network.hpp"

namespace hitscope::cnn {
namespace {

struct Loaded {
  const TorchBackend* backend = nullptr;
  std::string problem;  // why there is no backend
};

// Where the plugin may be: $HITSCOPE_TORCH_PLUGIN, beside the executable, and where this build
// wrote it (HITSCOPE_TORCH_PLUGIN, empty when LibTorch was not found at configure time).
std::vector<std::string> Candidates() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("HITSCOPE_TORCH_PLUGIN"); env != nullptr && *env != '\0') {
    paths.push_back(env);
  }
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) paths.push_back((exe.parent_path() / "libhitscope_torch.so").string());
  if (std::string(HITSCOPE_TORCH_PLUGIN).size() > 0) paths.push_back(HITSCOPE_TORCH_PLUGIN);
  return paths;
}

const Loaded& Load() {
  static Loaded loaded;
  static std::once_flag once;
  std::call_once(once, [] {
    if (std::string(HITSCOPE_TORCH_PLUGIN).empty()) {
      loaded.problem =
          "this hitscope was built without LibTorch, so the CNN cannot run: install "
          "libtorch-dev (scripts/bootstrap does) and rebuild";
      return;
    }
    std::string tried;
    for (const std::string& path : Candidates()) {
      std::error_code error;
      if (!std::filesystem::exists(path, error)) {
        tried += fmt::format("\n  {} (missing)", path);
        continue;
      }
      // Never closed: LibTorch does not support being unloaded.
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        tried += fmt::format("\n  {} ({})", path, dlerror());
        continue;
      }
      using Entry = const TorchBackend* (*)();
      auto entry = reinterpret_cast<Entry>(dlsym(handle, "hitscope_torch_backend_v1"));
      const TorchBackend* backend = entry != nullptr ? entry() : nullptr;
      if (backend == nullptr || backend->version != 1) {
        tried += fmt::format("\n  {} (not a hitscope LibTorch plugin of version 1)", path);
        continue;
      }
      loaded.backend = backend;
      return;
    }
    loaded.problem =
        "the CNN's LibTorch plugin libhitscope_torch.so could not be loaded; tried:" + tried +
        "\nrebuild hitscope, or point HITSCOPE_TORCH_PLUGIN at the plugin";
  });
  return loaded;
}

}  // namespace

std::unique_ptr<Network> MakeNetwork(const NetworkShape& shape, double learning_rate,
                                     double epsilon, uint64_t seed, const std::string& device,
                                     int threads) {
  const Loaded& loaded = Load();
  if (loaded.backend == nullptr) throw InvalidArgument(loaded.problem);
  return loaded.backend->make(shape, learning_rate, epsilon, seed, device, threads);
}

std::string BackendName() {
  const Loaded& loaded = Load();
  return loaded.backend == nullptr ? "" : loaded.backend->name();
}

}  // namespace hitscope::cnn
