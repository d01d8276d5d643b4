// hitscope/runtime.hpp: process-wide settings: worker threads and terminal progress.
#pragma once

namespace hitscope {

// Sets how many worker threads parallel work may use (0 = one per hardware core, the default).
// Call before starting work; not thread-safe against concurrent parallel work.
void SetThreadCount(int threads);

// The number of worker threads parallel work uses now (>= 1).
int ThreadCount();

// Enables or disables progress bars. Progress is drawn only when enabled (the default) and
// standard error is a terminal; `--quiet` disables it.
void SetProgressEnabled(bool enabled);
bool ProgressEnabled();

}  // namespace hitscope
