// Hash-table kernels for vocabulary lookups: HashTableV2 (+ HashTable), LookupTableImportV2,
// InitializeTableV2, InitializeTableFromTextFileV2, LookupTableFindV2, LookupTableSizeV2.
// A table without shared_name is private to its node, kept for the Session's life (so an init op
// run at load fills the table later lookups read).
#include <charconv>
#include <climits>
#include <cstdint>
#include <fstream>

#include "model/exec/builtin_kernels.h"
#include "model/exec/node_context.h"
#include "model/exec/resource_manager.h"

namespace tfscope::exec {
namespace {

Result<std::shared_ptr<LookupTableResource>> tableArg(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* h, ctx.input(0));
    auto t = resourceFromHandle<LookupTableResource>(*h);
    if (!t.ok()) return ctx.error(t.status().message());
    return t;
}

bool isIntKey(DType d) { return d == DType::Int64 || d == DType::Int32; }

// The key text of element i of a key tensor.
Result<std::string> keyAt(KernelContext& ctx, const Tensor& keys, int64_t i) {
    if (keys.dtype() == DType::String) return keys.strings()[size_t(i)];
    if (keys.dtype() == DType::Int64) return std::to_string(keys.data<int64_t>()[i]);
    if (keys.dtype() == DType::Int32) return std::to_string(keys.data<int32_t>()[i]);
    return ctx.error("Unsupported table key dtype '" + dtypeEnumName(keys.dtype()) + "'.");
}

Status insertValue(KernelContext& ctx, LookupTableResource& table, const std::string& key, const Tensor& values, int64_t i) {
    size_t slot;
    auto it = table.index.find(key);
    if (it != table.index.end()) {
        slot = it->second;
    } else {
        slot = table.index.size();
        table.index.emplace(key, slot);
        table.stringValues.resize(slot + 1);
        table.intValues.resize(slot + 1);
        table.floatValues.resize(slot + 1);
    }
    switch (values.dtype()) {
    case DType::String: table.stringValues[slot] = values.strings()[size_t(i)]; break;
    case DType::Int64: case DType::Int32: table.intValues[slot] = int64_t(values.elementAsDouble(i)); break;
    case DType::Float: case DType::Double: table.floatValues[slot] = values.elementAsDouble(i); break;
    default: return ctx.error("Unsupported table value dtype '" + dtypeEnumName(values.dtype()) + "'.");
    }
    if (values.dtype() == DType::Int64) table.intValues[slot] = values.data<int64_t>()[i];
    return Status::OK();
}

Status computeHashTable(KernelContext& ctx) {
    std::string name = ctx.attrString("shared_name", "");
    if (name.empty()) name = "_node:" + static_cast<NodeContext&>(ctx).nodeKey();
    DType keyType = ctx.attrType("key_dtype", DType::String);
    DType valueType = ctx.attrType("value_dtype", DType::Int64);
    auto table = ctx.resources().lookupOrCreate<LookupTableResource>(ctx.attrString("container", ""), name, [&] {
        auto t = std::make_shared<LookupTableResource>();
        t->keyType = keyType;
        t->valueType = valueType;
        return t;
    });
    if (!table.ok()) return ctx.error(table.status().message());
    return ctx.setOutput(0, makeResourceHandle(std::move(table).value()));
}

Status computeImport(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto table, tableArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* keys, ctx.input(1));
    TFS_ASSIGN_OR_RETURN(const Tensor* values, ctx.input(2));
    if (keys->numElements() != values->numElements())
        return ctx.error("Got " + std::to_string(keys->numElements()) + " keys and " + std::to_string(values->numElements()) + " values.");
    std::lock_guard<std::mutex> lock(table->mutex);
    if (ctx.op() == "InitializeTableV2" && table->initialized) return Status::OK();
    if (ctx.op() == "LookupTableImportV2") table->index.clear();
    for (int64_t i = 0; i < keys->numElements(); ++i) {
        TFS_ASSIGN_OR_RETURN(std::string key, keyAt(ctx, *keys, i));
        TFS_RETURN_IF_ERROR(insertValue(ctx, *table, key, *values, i));
    }
    table->initialized = true;
    return Status::OK();
}

// TextFileIndex values of key_index / value_index: the whole line, or the line number (+ offset).
constexpr int64_t kWholeLine = -2, kLineNumber = -1;

// One column of a text line: the whole line, the line number plus offset, or the delimited field.
Result<std::string> column(KernelContext& ctx, const std::string& path, const std::string& line, int64_t lineNo,
                           int64_t offset, int64_t index, const std::string& delim) {
    if (index == kWholeLine) return line;
    if (index == kLineNumber) return std::to_string(lineNo + offset);
    size_t start = 0;
    int64_t count = 0;
    for (int64_t c = 0;; ++c) {
        size_t end = delim.empty() ? std::string::npos : line.find(delim, start);
        if (c == index) return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
        count = c + 1;
        if (end == std::string::npos) break;
        start = end + delim.size();
    }
    return ctx.error("Line " + std::to_string(lineNo) + " of '" + path + "' has " + std::to_string(count) +
                     " columns; column '" + std::to_string(index) + "' was asked for.");
}

// Whether a column of this index can fill a table side of this dtype (TF's own restriction).
Status checkIndexType(KernelContext& ctx, const char* side, int64_t index, DType type) {
    if (index == kLineNumber && type != DType::Int64)
        return ctx.error(std::string(side) + " index for line number needs table dtype 'DT_INT64', not '" + dtypeEnumName(type) + "'.");
    if (index == kWholeLine && type != DType::String && !isIntKey(type) && type != DType::Float && type != DType::Double)
        return ctx.error(std::string(side) + " index for the whole line cannot fill table dtype '" + dtypeEnumName(type) + "'.");
    if (index < kWholeLine) return ctx.error(std::string(side) + " index '" + std::to_string(index) + "' is invalid.");
    return Status::OK();
}

// Converts one column text to a scalar of the table's dtype.
Result<Tensor> parseColumn(KernelContext& ctx, const std::string& path, const char* side, const std::string& text, DType type) {
    if (type == DType::String) return Tensor::stringScalar(text);
    if (isIntKey(type)) {
        int64_t x = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
        if (ec != std::errc() || p != text.data() + text.size() || text.empty())
            return ctx.error(std::string(side) + " '" + text + "' in '" + path + "' is not an integer.");
        if (type == DType::Int32 && (x < INT32_MIN || x > INT32_MAX))
            return ctx.error(std::string(side) + " '" + text + "' in '" + path + "' does not fit 'DT_INT32'.");
        return Tensor::scalar<int64_t>(x);
    }
    if (type == DType::Float || type == DType::Double) {
        char* end = nullptr;
        double x = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size())
            return ctx.error(std::string(side) + " '" + text + "' in '" + path + "' is not a number.");
        return Tensor::scalar<double>(x);
    }
    return ctx.error("Unsupported table dtype '" + dtypeEnumName(type) + "'.");
}

Status computeInitFromTextFile(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto table, tableArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* fileT, ctx.input(1));
    if (fileT->dtype() != DType::String || fileT->numElements() != 1) return ctx.error("filename must be a string scalar.");
    const std::string& path = fileT->strings()[0];
    int64_t keyIndex = ctx.attrInt("key_index", kWholeLine), valueIndex = ctx.attrInt("value_index", kLineNumber);
    int64_t vocabSize = ctx.attrInt("vocab_size", -1), offset = ctx.attrInt("offset", 0);
    std::string delim = ctx.attrString("delimiter", "\t");
    TFS_RETURN_IF_ERROR(checkIndexType(ctx, "Key", keyIndex, table->keyType));
    TFS_RETURN_IF_ERROR(checkIndexType(ctx, "Value", valueIndex, table->valueType));
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::notFound("Cannot open vocabulary file '" + path + "'.");
    std::lock_guard<std::mutex> lock(table->mutex);
    if (table->initialized) return Status::OK();
    std::string line;
    int64_t lineNo = 0;
    while ((vocabSize < 0 || lineNo < vocabSize) && std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) return ctx.error("Vocabulary file '" + path + "' has an empty line at line " + std::to_string(lineNo) + ".");
        TFS_ASSIGN_OR_RETURN(std::string keyText, column(ctx, path, line, lineNo, offset, keyIndex, delim));
        TFS_ASSIGN_OR_RETURN(std::string valueText, column(ctx, path, line, lineNo, offset, valueIndex, delim));
        TFS_ASSIGN_OR_RETURN(Tensor k, parseColumn(ctx, path, "Key", keyText, table->keyType));
        TFS_ASSIGN_OR_RETURN(Tensor v, parseColumn(ctx, path, "Value", valueText, table->valueType));
        TFS_ASSIGN_OR_RETURN(std::string key, keyAt(ctx, k, 0));
        TFS_RETURN_IF_ERROR(insertValue(ctx, *table, key, v, 0));
        ++lineNo;
    }
    if (vocabSize > 0 && lineNo < vocabSize)
        return ctx.error("Vocabulary file '" + path + "' has " + std::to_string(lineNo) + " lines; expected " + std::to_string(vocabSize) + ".");
    table->initialized = true;
    return Status::OK();
}

Status computeFind(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto table, tableArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* keys, ctx.input(1));
    TFS_ASSIGN_OR_RETURN(const Tensor* dflt, ctx.input(2));
    DType vt = table->valueType;
    if (dflt->dtype() != vt) return ctx.error("Default value is '" + dtypeEnumName(dflt->dtype()) + "'; the table holds '" + dtypeEnumName(vt) + "'.");
    if (dflt->numElements() != 1 && dflt->numElements() != keys->numElements())
        return ctx.error("Default value shape " + shapeToString(dflt->shape()) + " does not fit keys " + shapeToString(keys->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, vt, keys->shape()));
    std::lock_guard<std::mutex> lock(table->mutex);
    for (int64_t i = 0; i < keys->numElements(); ++i) {
        TFS_ASSIGN_OR_RETURN(std::string key, keyAt(ctx, *keys, i));
        auto it = table->index.find(key);
        int64_t d = dflt->numElements() == 1 ? 0 : i;
        switch (vt) {
        case DType::String: out->mutableStrings()[size_t(i)] = it != table->index.end() ? table->stringValues[it->second] : dflt->strings()[size_t(d)]; break;
        case DType::Int64: out->mutableData<int64_t>()[i] = it != table->index.end() ? table->intValues[it->second] : dflt->data<int64_t>()[d]; break;
        case DType::Int32: out->mutableData<int32_t>()[i] = it != table->index.end() ? int32_t(table->intValues[it->second]) : dflt->data<int32_t>()[d]; break;
        case DType::Float: out->mutableData<float>()[i] = it != table->index.end() ? float(table->floatValues[it->second]) : dflt->data<float>()[d]; break;
        case DType::Double: out->mutableData<double>()[i] = it != table->index.end() ? table->floatValues[it->second] : dflt->data<double>()[d]; break;
        default: return ctx.error("Unsupported table value dtype '" + dtypeEnumName(vt) + "'.");
        }
    }
    return Status::OK();
}

Status computeSize(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto table, tableArg(ctx));
    std::lock_guard<std::mutex> lock(table->mutex);
    return ctx.setOutput(0, Tensor::scalar<int64_t>(int64_t(table->index.size())));
}

const KernelDef kHashTableV2{"HashTableV2", computeHashTable, true};
const KernelDef kImport{"LookupTableImportV2", computeImport, true};
const KernelDef kInitTable{"InitializeTableV2", computeImport, true};
const KernelDef kInitFromText{"InitializeTableFromTextFileV2", computeInitFromTextFile, true};
const KernelDef kFind{"LookupTableFindV2", computeFind, true};
const KernelDef kSize{"LookupTableSizeV2", computeSize, true};

}  // namespace

void appendTableKernels(std::vector<const KernelDef*>& out) {
    for (const KernelDef* k : {&kHashTableV2, &kImport, &kInitTable, &kInitFromText, &kFind, &kSize}) out.push_back(k);
}

}  // namespace tfscope::exec
