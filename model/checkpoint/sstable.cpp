#include "model/checkpoint/sstable.h"

#include <leveldb/env.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/table.h>
#include <leveldb/table_builder.h>

#include <cstring>

#include "model/buffer.h"
#include "model/util/varint.h"

namespace tfscope {

namespace {

Status fromLevelDb(const leveldb::Status& s, const std::string& path) {
    if (s.ok()) return Status::OK();
    std::string text = s.ToString();
    // leveldb prefixes the kind ("Corruption: ", "IO error: "); keep only the detail.
    size_t colon = text.find(": ");
    std::string detail = colon == std::string::npos ? text : text.substr(colon + 2);
    if (s.IsNotFound()) return Status::notFound(path + ": File not found.");
    if (s.IsIOError()) return Status::ioError(path + ": Cannot read file ('" + detail + "').");
    return Status::corruption(path + ": Invalid table file ('" + detail + "').");
}

}  // namespace

Result<std::unique_ptr<SSTable>> SSTable::open(const std::string& path) {
    leveldb::Env* env = leveldb::Env::Default();
    std::unique_ptr<SSTable> t(new SSTable());
    t->m_path = path;
    leveldb::Status s = env->GetFileSize(path, &t->m_size);
    if (!s.ok()) {
        if (!env->FileExists(path)) return Status::notFound(path + ": File not found.");
        return fromLevelDb(s, path);
    }
    s = env->NewRandomAccessFile(path, &t->m_file);
    if (!s.ok()) return fromLevelDb(s, path);
    // leveldb allocates a block's size before reading it: check the footer's two handles against
    // the file size first, so a corrupt footer cannot ask for gigabytes (found by fuzz_bundle).
    if (t->m_size >= 48) {
        char scratch[48];
        leveldb::Slice footer;
        s = t->m_file->Read(t->m_size - 48, 48, &footer, scratch);
        if (!s.ok()) return fromLevelDb(s, path);
        const auto* p = reinterpret_cast<const unsigned char*>(footer.data());
        const unsigned char* end = p + footer.size();
        for (int i = 0; i < 2; ++i) {
            uint64_t off = 0, size = 0;
            const uint64_t room = t->m_size - 48;
            if (!getVarint64(p, end, off) || !getVarint64(p, end, size) || off > room || size > room - off)
                return Status::corruption(path + ": Invalid table file ('block handle past the end of the file').");
        }
    }
    leveldb::Options options;
    options.paranoid_checks = true;  // verify the index block's checksum too
    s = leveldb::Table::Open(options, t->m_file, t->m_size, &t->m_table);
    if (!s.ok()) return fromLevelDb(s, path);
    return t;
}

SSTable::~SSTable() {
    delete m_table;
    delete m_file;
}

Status SSTable::forEach(const std::function<Status(std::string_view, std::string_view)>& fn) const {
    leveldb::ReadOptions ro;
    ro.verify_checksums = true;
    ro.fill_cache = false;
    std::unique_ptr<leveldb::Iterator> it(m_table->NewIterator(ro));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        leveldb::Slice k = it->key(), v = it->value();
        TFS_RETURN_IF_ERROR(fn(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size())));
    }
    return fromLevelDb(it->status(), m_path);
}

Result<std::optional<std::string>> SSTable::get(std::string_view key) const {
    leveldb::ReadOptions ro;
    ro.verify_checksums = true;
    ro.fill_cache = false;
    std::unique_ptr<leveldb::Iterator> it(m_table->NewIterator(ro));
    it->Seek(leveldb::Slice(key.data(), key.size()));
    if (!it->status().ok()) return fromLevelDb(it->status(), m_path);
    if (it->Valid() && it->key() == leveldb::Slice(key.data(), key.size()))
        return std::optional<std::string>(it->value().ToString());
    return std::optional<std::string>();
}

Status writeSSTable(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
    leveldb::Env* env = leveldb::Env::Default();
    leveldb::WritableFile* raw = nullptr;
    leveldb::Status ls = env->NewWritableFile(path, &raw);
    if (!ls.ok()) return fromLevelDb(ls, path);
    std::unique_ptr<leveldb::WritableFile> file(raw);
    leveldb::Options options;
    options.compression = leveldb::kNoCompression;
    options.block_size = 262144;
    options.block_restart_interval = 16;
    options.filter_policy = nullptr;
    {
        leveldb::TableBuilder builder(options, file.get());
        for (const auto& [k, v] : entries) builder.Add(k, v);
        ls = builder.Finish();
    }
    if (ls.ok()) ls = file->Sync();
    if (ls.ok()) ls = file->Close();
    return fromLevelDb(ls, path);
}

Result<std::vector<int>> sstableDataBlockTypes(const std::string& path) {
    TFS_ASSIGN_OR_RETURN(auto file, MappedFile::open(path));
    const auto* base = reinterpret_cast<const unsigned char*>(file->data());
    const size_t n = file->size();
    auto bad = [&] { return Status::corruption(path + ": Invalid table file ('bad block handle')."); };
    if (n < 48) return bad();
    const unsigned char* p = base + n - 48;
    uint64_t metaOff, metaSize, indexOff, indexSize;
    if (!getVarint64(p, base + n, metaOff) || !getVarint64(p, base + n, metaSize) ||
        !getVarint64(p, base + n, indexOff) || !getVarint64(p, base + n, indexSize))
        return bad();
    if (indexOff > n || indexSize > n - indexOff || indexSize < 4) return bad();
    const unsigned char* block = base + indexOff;
    uint32_t numRestarts;
    std::memcpy(&numRestarts, block + indexSize - 4, 4);
    if (uint64_t(numRestarts) * 4 + 4 > indexSize) return bad();
    const unsigned char* end = block + indexSize - 4 - size_t(numRestarts) * 4;
    std::vector<int> types;
    for (p = block; p < end;) {
        uint64_t shared, nonShared, valueLen;
        if (!getVarint64(p, end, shared) || !getVarint64(p, end, nonShared) || !getVarint64(p, end, valueLen))
            return bad();
        if (nonShared > size_t(end - p)) return bad();
        p += nonShared;
        if (valueLen > size_t(end - p)) return bad();
        const unsigned char* v = p;
        p += valueLen;
        uint64_t off, size;
        if (!getVarint64(v, p, off) || !getVarint64(v, p, size) || off > n || size >= n - off) return bad();
        types.push_back(base[off + size]);
    }
    return types;
}

}  // namespace tfscope
