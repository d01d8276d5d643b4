// explore/stats/bounded_tasks.hpp: ParallelTasks with a memory budget. Per-column work that
// needs O(rows) scratch (sorting, ranking) runs on every worker, but never more tasks at once
// than the budget allows, so peak memory does not grow with the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <semaphore>

#include <hitscope/runtime.hpp>

#include "core/parallel.hpp"

namespace hitscope::stats_kernel {

// Scratch memory all concurrent tasks may hold together.
constexpr int64_t kScratchBudgetBytes = int64_t{768} << 20;

// Runs fn(task) for task in [0, tasks) in parallel, at most as many at once as
// kScratchBudgetBytes / bytes_per_task (at least one).
inline void BoundedParallelTasks(size_t tasks, int64_t bytes_per_task,
                                 const std::function<void(size_t)>& fn) {
  int64_t fit = std::max<int64_t>(1, kScratchBudgetBytes / std::max<int64_t>(1, bytes_per_task));
  int64_t slots = std::min<int64_t>({fit, ThreadCount(), static_cast<int64_t>(tasks)});
  if (slots <= 1) {
    for (size_t task = 0; task < tasks; ++task) fn(task);
    return;
  }
  std::counting_semaphore<> free_slots(static_cast<std::ptrdiff_t>(slots));
  ParallelTasks(tasks, [&](size_t task) {
    free_slots.acquire();
    struct Release {
      std::counting_semaphore<>& semaphore;
      ~Release() { semaphore.release(); }
    } release{free_slots};
    fn(task);
  });
}

}  // namespace hitscope::stats_kernel
