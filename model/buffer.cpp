#include "model/buffer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace tfscope {

HeapBuffer::HeapBuffer(size_t size, bool zeroFill) : m_size(size) {
    size_t rounded = (size + 63) / 64 * 64;
    if (rounded == 0) rounded = 64;
    m_data = static_cast<std::byte*>(std::aligned_alloc(64, rounded));
    if (!m_data) throw std::bad_alloc();
    if (zeroFill) std::memset(m_data, 0, rounded);
}

HeapBuffer::~HeapBuffer() { std::free(m_data); }

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
