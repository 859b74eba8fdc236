#pragma once
// Byte storage behind a Tensor: either owned heap memory (HeapBuffer) or a read-only view of a
// memory-mapped file (MappedFile), so that opening a checkpoint reads no tensor bytes until asked.
//
//   TFS_ASSIGN_OR_RETURN(auto file, MappedFile::open("/m/variables/variables.data-00000-of-00001"));
//   Tensor t = Tensor::view(DType::Float, {2, 3}, file, entryOffset);
//
// Thread safety: buffers are immutable once shared (Tensor copies on write), so concurrent reads are safe.

#include <cstddef>
#include <memory>
#include <string>

#include "model/status.h"

namespace tfscope {

class Buffer {
public:
    virtual ~Buffer() = default;
    virtual const std::byte* data() const = 0;
    virtual size_t size() const = 0;
    // Non-null only for writable (owned) storage.
    virtual std::byte* mutableData() { return nullptr; }
    // A hint that bytes [offset, offset + size) will not be read soon (a checkpoint tensor once
    // checked, a weight once packed): a file mapping gives the whole pages inside back to the
    // kernel, so they stop counting in the process's resident set, and reads them from the file
    // again if they are read. The contents never change; heap storage ignores it.
    virtual void dropResidentPages(size_t offset, size_t size) const {
        (void)offset;
        (void)size;
    }
    // Storage whose bytes are computed from other tensors when first read (a folded filter):
    // data() computes them and keeps them from then on; until then this is true. A reader that
    // needs the bytes once (packing a weight) calls computeInto() instead, and no copy is kept.
    virtual bool computedOnRead() const { return false; }
    // Writes the size() bytes to `dst` without keeping them: false (nothing written) for storage
    // that is not computed.
    virtual bool computeInto(std::byte* dst) const {
        (void)dst;
        return false;
    }
};

// 64-byte aligned heap storage, zero-initialised unless the owner writes every byte itself.
class HeapBuffer final : public Buffer {
public:
    explicit HeapBuffer(size_t size, bool zeroFill = true);
    ~HeapBuffer() override;
    HeapBuffer(const HeapBuffer&) = delete;
    HeapBuffer& operator=(const HeapBuffer&) = delete;
    const std::byte* data() const override { return m_data; }
    size_t size() const override { return m_size; }
    std::byte* mutableData() override { return m_data; }
    // Frees the storage kept from freed buffers for reuse (buffer.cpp): when the last session closes.
    static void releaseCachedBuffers();

private:
    std::byte* m_data = nullptr;
    size_t m_size = 0;
};

// A whole file mapped read-only (MAP_PRIVATE). Empty files map to a valid zero-size buffer.
class MappedFile final : public Buffer {
public:
    static Result<std::shared_ptr<MappedFile>> open(const std::string& path);
    ~MappedFile() override;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const std::byte* data() const override { return m_data; }
    size_t size() const override { return m_size; }
    const std::string& path() const { return m_path; }
    void dropResidentPages(size_t offset, size_t size) const override;

private:
    MappedFile() = default;
    std::string m_path;
    const std::byte* m_data = nullptr;
    size_t m_size = 0;
};

}  // namespace tfscope
