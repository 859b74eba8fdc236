#pragma once
// SSTable: read-only access to a LevelDB-format table file (a checkpoint `.index`, a V1
// checkpoint), via LevelDB's public leveldb::Table with block checksums always verified.
//
//   TFS_ASSIGN_OR_RETURN(auto table, SSTable::open("/m/variables/variables.index"));
//   TFS_RETURN_IF_ERROR(table->forEach([](std::string_view k, std::string_view v) { ...; return Status::OK(); }));
//
// Layout: docs/formats.md#sstable (upstream xla/tsl/lib/io/table.cc, format.cc). Snappy blocks are
// handled by libleveldb. Thread safety: const methods may be called concurrently.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace leveldb {
class Table;
class RandomAccessFile;
}  // namespace leveldb

namespace tfscope {

class SSTable {
public:
    // Errors (NotFound, IOError, Corruption) start with the path.
    static Result<std::unique_ptr<SSTable>> open(const std::string& path);
    ~SSTable();
    SSTable(const SSTable&) = delete;
    SSTable& operator=(const SSTable&) = delete;

    const std::string& path() const { return m_path; }
    uint64_t fileSize() const { return m_size; }
    // Calls fn for every entry in key order; stops at and returns the first non-OK status.
    // Table errors start with the path.
    Status forEach(const std::function<Status(std::string_view key, std::string_view value)>& fn) const;
    // The value stored under `key`, nullopt if absent.
    Result<std::optional<std::string>> get(std::string_view key) const;

private:
    SSTable() = default;
    std::string m_path;
    uint64_t m_size = 0;
    leveldb::RandomAccessFile* m_file = nullptr;  // owned
    leveldb::Table* m_table = nullptr;            // owned
};

// Writes a table with TF's bundle settings (kNoCompression, block_size 262144, restart interval
// 16, no filter) to `path`, synced and closed. REQUIRES: keys strictly increasing bytewise.
Status writeSSTable(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries);

// The compression type byte of every data block (0 = none, 1 = Snappy), read from the index
// block without decompressing anything. For reports and tests.
Result<std::vector<int>> sstableDataBlockTypes(const std::string& path);

}  // namespace tfscope
