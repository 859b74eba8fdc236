#include "model/buffer.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

MappedFile::~MappedFile() {
    if (m_data) ::munmap(const_cast<std::byte*>(m_data), m_size);
}

}  // namespace tfscope
