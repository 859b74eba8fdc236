#include "views/runner/run_memory.h"

#include <QSettings>
#include <unistd.h>

namespace tfscope {

namespace {
const char* kKey = "runner/memoryLimitBytes";
const char* kKeptKey = "runner/keptTensorsBytes";
}

uint64_t physicalMemoryBytes() {
    const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? uint64_t(pages) * uint64_t(size) : 0;
}

uint64_t defaultRunnerMemoryLimit() {
    const uint64_t phys = physicalMemoryBytes();
    return phys > 0 ? phys / 2 : uint64_t(4) << 30;
}

uint64_t runnerMemoryLimit() {
    const qulonglong v = QSettings().value(kKey, 0).toULongLong();
    return v > 0 ? uint64_t(v) : defaultRunnerMemoryLimit();
}

void setRunnerMemoryLimit(uint64_t bytes) {
    if (bytes == 0) QSettings().remove(kKey);
    else QSettings().setValue(kKey, qulonglong(bytes));
}

uint64_t keptTensorsLimit() {
    const qulonglong v = QSettings().value(kKeptKey, 0).toULongLong();
    return v > 0 ? uint64_t(v) : runnerMemoryLimit() / 4;
}

void setKeptTensorsLimit(uint64_t bytes) {
    if (bytes == 0) QSettings().remove(kKeptKey);
    else QSettings().setValue(kKeptKey, qulonglong(bytes));
}

}  // namespace tfscope
