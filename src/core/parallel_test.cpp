#include "core/parallel.hpp"

#include <atomic>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <hitscope/runtime.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(ParallelForTest, CoversEveryIndexOnceAtAwkwardSizes) {
  for (size_t n : {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000}) {
    for (size_t grain : {1, 2, 7, 64}) {
      std::vector<std::atomic<int>> hits(n);
      ParallelFor(n, grain, [&](size_t begin, size_t end) {
        EXPECT_LE(end - begin, grain);
        for (size_t i = begin; i < end; ++i) hits[i]++;
      });
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
    }
  }
}

TEST(ParallelForTest, WorkerExceptionIsRethrownOnce) {
  std::atomic<int> calls{0};
  EXPECT_THROW(ParallelFor(1000, 1,
                           [&](size_t begin, size_t) {
                             calls++;
                             if (begin == 500) throw std::runtime_error("boom");
                           }),
               std::runtime_error);
  EXPECT_GE(calls.load(), 1);
}

TEST(ParallelForTest, ThreadCountIsSettable) {
  SetThreadCount(1);
  EXPECT_EQ(ThreadCount(), 1);
  SetThreadCount(0);
  EXPECT_GE(ThreadCount(), 1);
  EXPECT_THROW(SetThreadCount(-1), Error);
}

TEST(ParallelInvokeTest, RunsBoth) {
  int a = 0, b = 0;
  ParallelInvoke([&] { a = 1; }, [&] { b = 2; });
  EXPECT_EQ(a + b, 3);
}

}  // namespace
}  // namespace hitscope
