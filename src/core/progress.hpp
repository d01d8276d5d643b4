// core/progress.hpp: a progress bar on standard error for long work.
//
// Drawn only when progress is enabled (hitscope::SetProgressEnabled) and stderr is a terminal,
// at most ten times a second; otherwise every call is a cheap no-op. Add() may be called from
// several threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace hitscope {

class Progress {
 public:
  // `total` is the amount of work in `unit`s (0 when unknown). Unit "B" prints bytes as MB.
  Progress(std::string label, uint64_t total, std::string unit = "");
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Add(uint64_t delta);
  void Set(uint64_t done);
  void SetTotal(uint64_t total);
  // Draws the final state and ends the line. Called by the destructor if not before.
  void Finish();

  // The line the bar would draw now (for tests).
  std::string Render() const;

 private:
  void MaybeDraw(bool force);

  std::string label_;
  std::atomic<uint64_t> total_;
  std::string unit_;
  std::atomic<uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  std::atomic<int64_t> last_draw_ns_{0};
  std::mutex draw_mutex_;
  bool active_;
  bool finished_ = false;
};

}  // namespace hitscope
