#include "core/parallel.hpp"

#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <hitscope/error.hpp>
#include <hitscope/runtime.hpp>

namespace hitscope {
namespace {

std::mutex control_mutex;
std::unique_ptr<tbb::global_control> control;
int thread_count = 0;

int HardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

void SetThreadCount(int threads) {
  if (threads < 0) throw InvalidArgument(fmt::format("thread count must be >= 0, got {}", threads));
  std::lock_guard lock(control_mutex);
  thread_count = threads == 0 ? HardwareThreads() : threads;
  control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<size_t>(thread_count));
}

int ThreadCount() {
  std::lock_guard lock(control_mutex);
  return thread_count == 0 ? HardwareThreads() : thread_count;
}

void ParallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  if (n <= grain) {
    fn(0, n);
    return;
  }
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, n, grain),
      [&](const tbb::blocked_range<size_t>& r) { fn(r.begin(), r.end()); },
      tbb::simple_partitioner());
}

void ParallelTasks(size_t tasks, const std::function<void(size_t)>& fn) {
  ParallelFor(tasks, 1, [&](size_t begin, size_t end) {
    for (size_t task = begin; task < end; ++task) fn(task);
  });
}

void ParallelInvoke(const std::function<void()>& a, const std::function<void()>& b) {
  tbb::parallel_invoke(a, b);
}

}  // namespace hitscope
