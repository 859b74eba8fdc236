#include "model/checkpoint/v1_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>
#include <regex>

#include "model/checkpoint/slice_copy.h"
#include "model/checkpoint/slice_key.h"
#include "model/checkpoint/sstable.h"
#include "model/half.h"
#include "model/progress.h"
#include "model/util/file_kind.h"
#include "saved_tensor_slice.pb.h"

namespace tfscope {

namespace {

// Fills `count` elements of T from `values` (size k): k == 0 → zeros, k < count → repeat last.
template <typename T, typename Field, typename Convert>
Status fill(Tensor& t, const Field& values, Convert convert) {
    const int64_t n = t.numElements();
    if (int64_t(values.size()) > n)
        return Status::corruption("Tensor holds " + std::to_string(values.size()) + " values for " + std::to_string(n) +
                                  " elements.");
    if (values.empty() || n == 0) return Status::OK();
    T* out = t.mutableData<T>();
    for (int64_t i = 0; i < n; ++i) out[i] = convert(values[int(std::min<int64_t>(i, values.size() - 1))]);
    return Status::OK();
}

}  // namespace

Result<Tensor> tensorFromTypedProto(const std::string& bytes, DType dtype, const Shape& shape) {
    tensorflow::TensorProto p;
    if (!p.ParseFromString(bytes)) return Status::corruption("Invalid TensorProto.");
    const int64_t n = shapeNumElements(shape);
    if (n < 0) return Status::corruption("Invalid shape '" + shapeToString(shape) + "'.");
    // Bound the allocation by what the proto can describe: a typed list repeats its last value,
    // so only tensor_content (exact) or at least one value per element is accepted for large sizes.
    const uint64_t available = p.ByteSizeLong() + 1;
    if (dtype == DType::String) {
        if (p.string_val_size() > n || (p.string_val_size() == 0 && uint64_t(n) > available * 64))
            return Status::corruption("String tensor of shape '" + shapeToString(shape) + "' has " +
                                      std::to_string(p.string_val_size()) + " values.");
        std::vector<std::string> v(static_cast<size_t>(n));
        for (int64_t i = 0; i < n && p.string_val_size() > 0; ++i) v[size_t(i)] = p.string_val(int(std::min<int64_t>(i, p.string_val_size() - 1)));
        return Tensor::fromStrings(shape, std::move(v));
    }
    if (!isPod(dtype)) return Status::unimplemented("Reading dtype '" + dtypeEnumName(dtype) + "' is not supported.");
    TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(dtype, shape, std::max<uint64_t>(available * 64, 1 << 20)));
    if (!p.tensor_content().empty()) {
        if (p.tensor_content().size() != t.byteSize())
            return Status::corruption("tensor_content has " + std::to_string(p.tensor_content().size()) +
                                      " bytes but shape '" + shapeToString(shape) + "' needs " + std::to_string(t.byteSize()) + ".");
        std::memcpy(t.mutableRawData(), p.tensor_content().data(), t.byteSize());
        return t;
    }
    auto same = [](auto v) { return v; };
    switch (dtype) {
    case DType::Float: TFS_RETURN_IF_ERROR(fill<float>(t, p.float_val(), same)); break;
    case DType::Double: TFS_RETURN_IF_ERROR(fill<double>(t, p.double_val(), same)); break;
    case DType::Int32: case DType::QInt32:
        TFS_RETURN_IF_ERROR(fill<int32_t>(t, p.int_val(), same)); break;
    case DType::Int16: case DType::QInt16:
        TFS_RETURN_IF_ERROR(fill<int16_t>(t, p.int_val(), [](int32_t v) { return int16_t(v); })); break;
    case DType::UInt16: case DType::QUInt16:
        TFS_RETURN_IF_ERROR(fill<uint16_t>(t, p.int_val(), [](int32_t v) { return uint16_t(v); })); break;
    case DType::Int8: case DType::QInt8:
        TFS_RETURN_IF_ERROR(fill<int8_t>(t, p.int_val(), [](int32_t v) { return int8_t(v); })); break;
    case DType::UInt8: case DType::QUInt8:
        TFS_RETURN_IF_ERROR(fill<uint8_t>(t, p.int_val(), [](int32_t v) { return uint8_t(v); })); break;
    case DType::Int64: TFS_RETURN_IF_ERROR(fill<int64_t>(t, p.int64_val(), same)); break;
    case DType::UInt32: TFS_RETURN_IF_ERROR(fill<uint32_t>(t, p.uint32_val(), same)); break;
    case DType::UInt64: TFS_RETURN_IF_ERROR(fill<uint64_t>(t, p.uint64_val(), same)); break;
    case DType::Bool: TFS_RETURN_IF_ERROR(fill<bool>(t, p.bool_val(), same)); break;
    case DType::Half: case DType::BFloat16:
        TFS_RETURN_IF_ERROR(fill<uint16_t>(t, p.half_val(), [](int32_t v) { return uint16_t(v); })); break;
    case DType::Complex64: {
        if (p.scomplex_val_size() > 2 * n) return Status::corruption("Too many complex values.");
        float* out = t.mutableData<float>();
        for (int i = 0; i + 1 < p.scomplex_val_size(); ++i) out[i] = p.scomplex_val(i);
        break;
    }
    case DType::Complex128: {
        if (p.dcomplex_val_size() > 2 * n) return Status::corruption("Too many complex values.");
        double* out = t.mutableData<double>();
        for (int i = 0; i < p.dcomplex_val_size(); ++i) out[i] = p.dcomplex_val(i);
        break;
    }
    default:
        return Status::unimplemented("Reading dtype '" + dtypeEnumName(dtype) + "' from typed values is not supported.");
    }
    return t;
}

Result<std::vector<std::string>> v1ShardFiles(const std::string& path) {
    namespace fs = std::filesystem;
    static const std::regex kShard(R"((.*)-(\d{5})-of-(\d{5}))");
    static const std::regex kPattern(R"((.*)-\?{5}-of-(\d{5}))");  // what V1 Savers put in `checkpoint`
    std::smatch m;
    std::string prefix = path;
    if (std::regex_match(path, m, kShard) || std::regex_match(path, m, kPattern)) prefix = m[1].str();
    const fs::path dir = fs::path(prefix).parent_path().empty() ? fs::path(".") : fs::path(prefix).parent_path();
    const std::string base = fs::path(prefix).filename().string();
    int64_t total = -1;
    std::vector<std::string> found;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with(base) || !std::regex_match(name, m, kShard) || m[1].str() != base) continue;
        const int64_t n = std::stoll(m[3].str());
        if (total >= 0 && n != total) continue;  // another shard count: not this set
        total = n;
        found.push_back((fs::path(prefix).parent_path() / name).string());
    }
    std::sort(found.begin(), found.end());
    if (total > 0 && int64_t(found.size()) != total) {
        for (int64_t i = 0; i < total; ++i) {
            char suffix[32];
            std::snprintf(suffix, sizeof suffix, "-%05lld-of-%05lld", static_cast<long long>(i), static_cast<long long>(total));
            const std::string want = prefix + suffix;
            if (!std::binary_search(found.begin(), found.end(), want))
                return Status::notFound("Missing checkpoint shard '" + want + "'.");
        }
    }
    return found;
}

Result<std::unique_ptr<V1Reader>> V1Reader::open(const std::string& path) {
    if (isFile(path)) {
        // One shard of several opens the whole set; any other file opens alone.
        TFS_ASSIGN_OR_RETURN(auto shards, v1ShardFiles(path));
        if (shards.size() > 1 && std::find(shards.begin(), shards.end(), path) != shards.end()) return openFiles(shards);
        return openFiles({path});
    }
    TFS_ASSIGN_OR_RETURN(auto shards, v1ShardFiles(path));
    if (shards.empty()) return Status::notFound("No checkpoint file or shards '" + path + "-NNNNN-of-MMMMM'.");
    auto r = openFiles(shards);
    if (r.ok()) (*r)->m_path = path;
    return r;
}

Result<std::unique_ptr<V1Reader>> V1Reader::openFiles(const std::vector<std::string>& files) {
    if (files.empty()) return Status::invalidArgument("No checkpoint files given.");
    std::unique_ptr<V1Reader> r(new V1Reader());
    r->m_path = files.front();
    std::map<std::string, std::pair<CheckpointEntry, Stored>> items;
    for (const std::string& path : files) {
        TFS_ASSIGN_OR_RETURN(auto table, SSTable::open(path));
        TFS_ASSIGN_OR_RETURN(auto metaBytes, table->get(""));
        tensorflow::SavedTensorSlices meta;
        if (!metaBytes || !meta.ParseFromString(*metaBytes) || !meta.has_meta())
            return Status::corruption(path + ": Not a checkpoint (the table has no tensor slice meta entry).");
        if (meta.meta().versions().min_consumer() > 1)
            return Status::unimplemented(path + ": Checkpoint needs reader version '" +
                                         std::to_string(meta.meta().versions().min_consumer()) + "'.");
        const size_t tableIndex = r->m_tables.size();
        r->m_tables.push_back(std::move(table));
        for (const auto& t : meta.meta().tensor()) {
            CheckpointEntry e;
            e.key = t.name();
            e.dtype = baseType(t.type());
            for (const auto& d : t.shape().dim()) e.shape.push_back(d.size());
            auto [it, inserted] = items.try_emplace(e.key);
            auto& [entry, stored] = it->second;
            if (inserted) {
                entry = e;
                r->m_metaOrder.push_back(e.key);
            } else if (entry.dtype != e.dtype || entry.shape != e.shape) {
                return Status::corruption(path + ": Tensor '" + e.key + "' has dtype '" + dtypeEnumName(e.dtype) +
                                          "' and shape '" + shapeToString(e.shape) + "' but another shard says '" +
                                          dtypeEnumName(entry.dtype) + "' and '" + shapeToString(entry.shape) + "'.");
            }
            for (const auto& sl : t.slice()) {
                stored.slices.push_back(sliceFromProto(sl));
                stored.table.push_back(tableIndex);
            }
        }
    }
    for (auto& [key, item] : items) {
        auto& [e, s] = item;
        if (!(s.slices.size() == 1 && sliceIsFull(s.slices[0], e.shape))) e.slices = s.slices;
        r->m_entries.push_back(std::move(e));
        r->m_stored.push_back(std::move(s));
    }
    return r;
}

std::vector<std::string> V1Reader::files() const {
    std::vector<std::string> out;
    for (const auto& t : m_tables) out.push_back(t->path());
    return out;
}

V1Reader::~V1Reader() = default;

const CheckpointEntry* V1Reader::find(std::string_view key) const {
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                               [](const CheckpointEntry& e, std::string_view k) { return e.key < k; });
    return (it != m_entries.end() && it->key == key) ? &*it : nullptr;
}

Result<Tensor> V1Reader::readSlice(std::string_view key, const TensorSliceSpec& want) const {
    const CheckpointEntry* e = find(key);
    if (!e) return Status::notFound("Tensor '" + std::string(key) + "' not found in checkpoint '" + m_path + "'.");
    const Stored& stored = m_stored[size_t(e - m_entries.data())];
    auto fail = [&](const std::string& what) {
        return Status::corruption(what + " for tensor '" + e->key + "' in '" + m_path + "'.");
    };
    if (shapeNumElements(e->shape) < 0) return fail("Invalid shape '" + shapeToString(e->shape) + "'");
    TFS_RETURN_IF_ERROR(checkSliceInShape(want, e->shape));
    const Shape outShape = sliceShape(want, e->shape);
    std::vector<Tensor> parts;
    uint64_t storedBytes = 0;
    for (size_t i = 0; i < stored.slices.size(); ++i) {
        const TensorSliceSpec& s = stored.slices[i];
        if (!checkSliceInShape(s, e->shape).ok()) return fail("Invalid slice '" + formatSliceSpec(s) + "'");
        auto value = m_tables[stored.table[i]]->get(encodeSliceKey(e->key, s));
        if (!value.ok()) return value.status();
        if (!*value) return fail("Missing data of slice '" + formatSliceSpec(s) + "'");
        tensorflow::SavedTensorSlices saved;
        if (!saved.ParseFromString(**value) || !saved.has_data()) return fail("Invalid slice data");
        storedBytes += (*value)->size();
        auto part = tensorFromTypedProto(saved.data().data().SerializeAsString(), e->dtype, sliceShape(s, e->shape));
        if (!part.ok()) return fail(part.status().message().substr(0, part.status().message().size() - 1));
        parts.push_back(std::move(part).value());
    }
    (void)storedBytes;
    int64_t available = 0;
    for (const Tensor& t : parts) available += t.numElements();
    if (shapeNumElements(outShape) > available) return fail("Stored slices do not cover shape '" + shapeToString(e->shape) + "'");
    TFS_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(e->dtype, outShape));
    int64_t copied = 0;
    for (size_t i = 0; i < parts.size(); ++i) copied += copySliceOverlap(parts[i], stored.slices[i], out, want, e->shape);
    if (copied != out.numElements()) return fail("Stored slices do not cover shape '" + shapeToString(e->shape) + "'");
    return out;
}

Result<Tensor> V1Reader::read(std::string_view key, bool /*verifyCrc*/) const {
    const CheckpointEntry* e = find(key);
    if (!e) return Status::notFound("Tensor '" + std::string(key) + "' not found in checkpoint '" + m_path + "'.");
    return readSlice(key, TensorSliceSpec(e->shape.size(), SliceExtent{}));
}

std::vector<Status> V1Reader::verifyAll(Progress* progress) const {
    std::vector<Status> bad;
    int64_t done = 0;
    for (const CheckpointEntry& e : m_entries) {
        if (progress) {
            if (progress->isCancelled()) return {Status::cancelled()};
            progress->report(done++, int64_t(m_entries.size()));
        }
        auto t = read(e.key);
        if (!t.ok()) bad.push_back(t.status());
    }
    return bad;
}

}  // namespace tfscope
