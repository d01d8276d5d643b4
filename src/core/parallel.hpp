// core/parallel.hpp: the one worker pool of hitscope (oneTBB underneath, hidden here).
//
// Exceptions thrown by a worker are captured; the first one is re-thrown by the calling thread
// after the parallel region ends, and the remaining work is cancelled (oneTBB's semantics).
#pragma once

#include <cstddef>
#include <functional>

namespace hitscope {

// Calls fn(begin, end) on disjoint ranges that together cover [0, n), in parallel, each range
// at most `grain` long (grain >= 1). Blocks until all calls return.
void ParallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);

// Calls fn(task) for task in [0, tasks), each on its own, in parallel.
void ParallelTasks(size_t tasks, const std::function<void(size_t)>& fn);

// Runs a() and b() in parallel and returns when both have finished.
void ParallelInvoke(const std::function<void()>& a, const std::function<void()>& b);

}  // namespace hitscope

#include <algorithm>
#include <iterator>

namespace hitscope {

// A stable sort that sorts halves on separate workers and merges them.
template <class It, class Less>
void ParallelStableSort(It first, It last, Less less, int depth = 3) {
  auto n = std::distance(first, last);
  if (depth == 0 || n < (1 << 15)) {
    std::stable_sort(first, last, less);
    return;
  }
  It middle = first + n / 2;
  ParallelInvoke([&] { ParallelStableSort(first, middle, less, depth - 1); },
                 [&] { ParallelStableSort(middle, last, less, depth - 1); });
  std::inplace_merge(first, middle, last, less);
}

}  // namespace hitscope
