#include "core/progress.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

#include <hitscope/runtime.hpp>

namespace hitscope {
namespace {

std::atomic<bool> progress_enabled{true};
constexpr int64_t kDrawIntervalNs = 100'000'000;

std::string FormatAmount(double value, const std::string& unit) {
  if (unit == "B") {
    if (value >= 1e9) return fmt::format("{:.2f} GB", value / 1e9);
    return fmt::format("{:.1f} MB", value / 1e6);
  }
  if (value >= 1e6) return fmt::format("{:.2f} M{}", value / 1e6, unit.empty() ? "" : " " + unit);
  return fmt::format("{:.0f}{}", value, unit.empty() ? "" : " " + unit);
}

}  // namespace

void SetProgressEnabled(bool enabled) {
  progress_enabled = enabled;
}
bool ProgressEnabled() {
  return progress_enabled;
}

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()),
      active_(progress_enabled && ::isatty(STDERR_FILENO)) {}

Progress::~Progress() {
  Finish();
}

void Progress::Add(uint64_t delta) {
  done_.fetch_add(delta, std::memory_order_relaxed);
  MaybeDraw(false);
}

void Progress::Set(uint64_t done) {
  done_.store(done, std::memory_order_relaxed);
  MaybeDraw(false);
}

void Progress::SetTotal(uint64_t total) {
  total_ = total;
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!active_) return;
  MaybeDraw(true);
  std::lock_guard lock(draw_mutex_);
  std::fputs("\n", stderr);
}

std::string Progress::Render() const {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double done = static_cast<double>(done_.load(std::memory_order_relaxed));
  double total = static_cast<double>(total_.load());
  double rate = seconds > 0 ? done / seconds : 0;
  std::string line = label_ + " ";
  if (total > 0) {
    double fraction = std::min(1.0, done / total);
    constexpr int kWidth = 24;
    int filled = static_cast<int>(fraction * kWidth);
    line += "[" + std::string(filled, '#') + std::string(kWidth - filled, ' ') + "] ";
    line += fmt::format("{:3.0f}% ", fraction * 100);
    line += FormatAmount(done, unit_) + " / " + FormatAmount(total, unit_);
    if (rate > 0 && done < total) line += fmt::format(", {:.0f} s left", (total - done) / rate);
  } else {
    line += FormatAmount(done, unit_);
  }
  line += fmt::format(" ({}/s, {:.1f} s)", FormatAmount(rate, unit_), seconds);
  return line;
}

void Progress::MaybeDraw(bool force) {
  if (!active_) return;
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - start_)
                    .count();
  int64_t last = last_draw_ns_.load(std::memory_order_relaxed);
  if (!force && now - last < kDrawIntervalNs) return;
  if (!force && !last_draw_ns_.compare_exchange_strong(last, now)) return;
  std::lock_guard lock(draw_mutex_);
  std::fprintf(stderr, "\r\033[K%s", Render().c_str());
  std::fflush(stderr);
}

}  // namespace hitscope
