#include "core/trace.hpp"

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace hitscope {

bool TraceEnabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("HITSCOPE_TRACE");
    return value != nullptr && std::strcmp(value, "0") != 0 && value[0] != '\0';
  }();
  return enabled;
}

TraceScope::TraceScope(std::string what)
    : what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}

TraceScope::~TraceScope() {
  if (!TraceEnabled()) return;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(stderr, "[trace] {}: {:.3f} s\n", what_, seconds);
}

}  // namespace hitscope
