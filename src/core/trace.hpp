// core/trace.hpp: stage timings on stderr when the environment sets HITSCOPE_TRACE=1, for
// finding where time goes without a profiler.
#pragma once

#include <chrono>
#include <string>

namespace hitscope {

bool TraceEnabled();

// Prints "[trace] <what>: <seconds> s" when it goes out of scope (if tracing is on).
class TraceScope {
 public:
  explicit TraceScope(std::string what);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  std::string what_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace hitscope
