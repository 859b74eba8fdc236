#pragma once
// The window's memory cap for runs (the CLI has --memory_limit): live tensor bytes per run, kept in
// QSettings under "runner/memoryLimitBytes". Unset (or 0): half of the machine's physical memory,
// so a model that would exhaust memory fails with a ResourceExhausted error shown in the runner
// instead of taking the machine down.
//
//   exec::SessionOptions options;
//   options.memoryLimitBytes = runnerMemoryLimit();

#include <cstdint>

namespace tfscope {

uint64_t physicalMemoryBytes();       // 0 if unknown
uint64_t defaultRunnerMemoryLimit();  // half of physicalMemoryBytes(); 4 GiB if unknown
uint64_t runnerMemoryLimit();         // the setting, else the default
void setRunnerMemoryLimit(uint64_t bytes);  // 0: back to the default

// The cap on values a run keeps with "Keep intermediate tensors" (exec::TensorKeeper), in QSettings
// under "runner/keptTensorsBytes"; unset (or 0): a quarter of runnerMemoryLimit().
uint64_t keptTensorsLimit();
void setKeptTensorsLimit(uint64_t bytes);  // 0: back to the default

}  // namespace tfscope
