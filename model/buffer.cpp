#include "model/buffer.h"

#include "model/util/sanitizer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace tfscope {
namespace {

constexpr bool kRecycle = !kAddressSanitizer;  // AddressSanitizer must see every buffer freed

// Freed heap storage kept for the next buffer of the same size: a graph allocates the same tensor
// sizes in the same order on every run. A small block taken from here costs a lock and a pop,
// where malloc and free cost several times that (bins, consolidation); a large one (above glibc's
// mmap threshold, or a heap block glibc would split and merge) would otherwise come back as fresh
// pages that the kernel faults in and clears on every run: a tenth of a ResNet-50 batch-32 run.
// With glibc's own reuse that run's peak RSS went anywhere from 630 to 1080 MB; with exact sizes
// kept here it is 700-710 MB every time. The cap matters: at 128 or 256 MiB, blocks that overflow
// it go back to glibc and the peak swings up by 150 MB in some runs; 512 MiB holds a ResNet-50
// batch-32 run's worth. releaseCachedBuffers() empties it (when the last session closes).
class Recycler {
public:
    static constexpr size_t kMaxBytes = size_t(512) << 20;

    std::byte* take(size_t rounded) {
        if (!kRecycle) return nullptr;
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_free.find(rounded);
        if (it == m_free.end() || it->second.empty()) return nullptr;
        std::byte* p = it->second.back();
        it->second.pop_back();
        m_bytes -= rounded;
        return p;
    }
    // True when `p` is kept (the caller must not free it).
    bool give(std::byte* p, size_t rounded) {
        if (!kRecycle) return false;
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_bytes + rounded > kMaxBytes) return false;
        m_free[rounded].push_back(p);
        m_bytes += rounded;
        return true;
    }
    void clear() {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (auto& [size, blocks] : m_free)
            for (std::byte* p : blocks) std::free(p);
        m_free.clear();
        m_bytes = 0;
    }

private:
    std::mutex m_mutex;
    std::unordered_map<size_t, std::vector<std::byte*>> m_free;
    size_t m_bytes = 0;
};

Recycler& recycler() {
    static Recycler* r = new Recycler();  // never destroyed: buffers may be freed during static destruction
    return *r;
}

size_t roundedSize(size_t size) { return size == 0 ? 64 : (size + 63) / 64 * 64; }

}  // namespace

HeapBuffer::HeapBuffer(size_t size, bool zeroFill) : m_size(size) {
    const size_t rounded = roundedSize(size);
    m_data = recycler().take(rounded);
    if (!m_data) m_data = static_cast<std::byte*>(std::aligned_alloc(64, rounded));
    if (!m_data) throw std::bad_alloc();
    if (zeroFill) std::memset(m_data, 0, rounded);
}

void HeapBuffer::releaseCachedBuffers() { recycler().clear(); }

HeapBuffer::~HeapBuffer() {
    if (!recycler().give(m_data, roundedSize(m_size))) std::free(m_data);
}

Result<std::shared_ptr<MappedFile>> MappedFile::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT) return Status::notFound(path + ": File not found.");
        return Status::ioError(path + ": Cannot open file (" + std::strerror(err) + ").");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Status::ioError(path + ": Not a regular file.");
    }
    std::shared_ptr<MappedFile> file(new MappedFile());
    file->m_path = path;
    file->m_size = static_cast<size_t>(st.st_size);
    if (file->m_size > 0) {
        void* p = ::mmap(nullptr, file->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int err = errno;
            ::close(fd);
            return Status::ioError(path + ": Cannot map file (" + std::strerror(err) + ").");
        }
        file->m_data = static_cast<const std::byte*>(p);
    }
    ::close(fd);
    return file;
}

void MappedFile::dropResidentPages(size_t offset, size_t size) const {
    if (!m_data || offset >= m_size) return;
    size = std::min(size, m_size - offset);
    static const size_t page = size_t(::sysconf(_SC_PAGESIZE));
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(m_data) + offset + page - 1) / page * page;  // whole pages only:
    const uintptr_t end = (reinterpret_cast<uintptr_t>(m_data) + offset + size) / page * page;        // the neighbours' stay
    // The mapping is read-only and private, so it holds no changed pages: dropped ones are read
    // from the file again on the next access, with the same bytes.
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
    if (m_data) ::munmap(const_cast<std::byte*>(m_data), m_size);
}

}  // namespace tfscope
