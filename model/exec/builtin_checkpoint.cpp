// Checkpoint kernels: RestoreV2 (V2 bundles, with shape_and_slices), Restore/RestoreSlice (V1
// TensorSlice files, file patterns globbed), ShardedFilename, ShardedFilespec. SaveV2, Save,
// SaveSlices and MergeV2Checkpoints are listed but refuse to run: tfscope never writes from a graph.
#include <glob.h>

#include <charconv>
#include <cstdio>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/exec/builtin_kernels.h"
#include "model/exec/resource_manager.h"

namespace tfscope::exec {
namespace {

Result<std::string> stringScalar(KernelContext& ctx, int i) {
    TFS_ASSIGN_OR_RETURN(const Tensor* t, ctx.input(i));
    if (t->dtype() != DType::String || t->numElements() != 1)
        return ctx.error("Input " + std::to_string(i) + " must be a string scalar, got '" + dtypeEnumName(t->dtype()) + "' " +
                         shapeToString(t->shape()) + ".");
    return t->strings()[0];
}

bool parseInt64(std::string_view s, int64_t* out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size();
}

// "" -> whole tensor; "d0 d1 ... s0,l0:s1,l1" (a slice per dim, "-" = whole dim) -> slice (§2.7).
Result<bool> parseShapeAndSlice(std::string_view spec, TensorSliceSpec* slice) {
    if (spec.empty()) return false;
    size_t lastSpace = spec.rfind(' ');
    if (lastSpace == std::string_view::npos) return Status::invalidArgument("Invalid shape_and_slice '" + std::string(spec) + "'.");
    std::string_view slices = spec.substr(lastSpace + 1);
    slice->clear();
    while (true) {
        size_t colon = slices.find(':');
        std::string_view part = slices.substr(0, colon);
        SliceExtent ext;
        if (part != "-") {
            size_t comma = part.find(',');
            if (comma == std::string_view::npos || !parseInt64(part.substr(0, comma), &ext.start) ||
                !parseInt64(part.substr(comma + 1), &ext.length))
                return Status::invalidArgument("Invalid slice '" + std::string(part) + "' in '" + std::string(spec) + "'.");
        }
        slice->push_back(ext);
        if (colon == std::string_view::npos) break;
        slices = slices.substr(colon + 1);
    }
    return true;
}

Status readInto(KernelContext& ctx, const CheckpointReader& reader, const std::string& name, const std::string& spec,
                DType want, int output) {
    TensorSliceSpec slice;
    auto sliced = parseShapeAndSlice(spec, &slice);
    if (!sliced.ok()) return ctx.error(sliced.status().message());
    if (!reader.find(name))
        return Status::notFound("Key '" + name + "' not found in checkpoint '" + reader.prefix() + "'.");
    Result<Tensor> t = sliced.value() ? reader.readSlice(name, slice) : reader.read(name);
    if (!t.ok()) return t.status();
    if (t.value().dtype() != want)
        return ctx.error("Checkpoint tensor '" + name + "' is '" + dtypeEnumName(t.value().dtype()) + "'; the graph expects '" +
                         dtypeEnumName(want) + "'.");
    return ctx.setOutput(output, std::move(t).value());
}

Status computeRestoreV2(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(std::string prefix, stringScalar(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* names, ctx.input(1));
    TFS_ASSIGN_OR_RETURN(const Tensor* specs, ctx.input(2));
    std::vector<DType> dtypes = ctx.attrTypeList("dtypes");
    if (names->dtype() != DType::String || specs->dtype() != DType::String || names->numElements() != specs->numElements() ||
        names->numElements() != int64_t(dtypes.size()))
        return ctx.error("RestoreV2 needs " + std::to_string(dtypes.size()) + " tensor names and slices, got " +
                         shapeToString(names->shape()) + " and " + shapeToString(specs->shape()) + ".");
    auto reader = ctx.resources().checkpoint(prefix);
    if (!reader.ok()) return reader.status();
    for (size_t i = 0; i < dtypes.size(); ++i)
        TFS_RETURN_IF_ERROR(readInto(ctx, *reader.value(), names->strings()[i], specs->strings()[i], dtypes[i], int(i)));
    return Status::OK();
}

Result<std::string> firstMatch(KernelContext& ctx, const std::string& pattern) {
    glob_t g{};
    int rc = glob(pattern.c_str(), 0, nullptr, &g);
    std::string path;
    if (rc == 0 && g.gl_pathc > 0) path = g.gl_pathv[0];
    globfree(&g);
    if (path.empty()) return ctx.error("No checkpoint file matches '" + pattern + "'.");
    return path;
}

Status computeRestoreSlice(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(std::string pattern, stringScalar(ctx, 0));
    TFS_ASSIGN_OR_RETURN(std::string name, stringScalar(ctx, 1));
    std::string spec;
    if (ctx.op() == "RestoreSlice") { TFS_ASSIGN_OR_RETURN(spec, stringScalar(ctx, 2)); }
    TFS_ASSIGN_OR_RETURN(std::string path, firstMatch(ctx, pattern));
    auto reader = ctx.resources().checkpoint(path);
    if (!reader.ok()) return reader.status();
    return readInto(ctx, *reader.value(), name, spec, ctx.attrType("dt", DType::Float), 0);
}

Status computeShardedFilename(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(std::string base, stringScalar(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* shard, ctx.input(1));
    TFS_ASSIGN_OR_RETURN(const Tensor* num, ctx.input(2));
    if (shard->numElements() != 1 || num->numElements() != 1) return ctx.error("shard and num_shards must be scalars.");
    char buf[64];
    std::snprintf(buf, sizeof buf, "-%05d-of-%05d", int(shard->elementAsDouble(0)), int(num->elementAsDouble(0)));
    return ctx.setOutput(0, Tensor::stringScalar(base + buf));
}

Status computeShardedFilespec(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(std::string base, stringScalar(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* num, ctx.input(1));
    if (num->numElements() != 1) return ctx.error("num_shards must be a scalar.");
    char buf[64];
    std::snprintf(buf, sizeof buf, "-\?\?\?\?\?-of-%05d", int(num->elementAsDouble(0)));
    return ctx.setOutput(0, Tensor::stringScalar(base + buf));
}

Status computeSave(KernelContext& ctx) {
    return Status::unimplemented("Node '" + ctx.nodeName() + "' (" + ctx.op() + "): tfscope does not save checkpoints from a graph.");
}

const KernelDef kRestoreV2{"RestoreV2", computeRestoreV2, true};
const KernelDef kRestoreSlice{"RestoreSlice", computeRestoreSlice, true};
const KernelDef kRestore{"Restore", computeRestoreSlice, true};
const KernelDef kShardedFilename{"ShardedFilename", computeShardedFilename};
const KernelDef kShardedFilespec{"ShardedFilespec", computeShardedFilespec};
const KernelDef kSaveV2{"SaveV2", computeSave, true};
const KernelDef kSave{"Save", computeSave, true};
const KernelDef kSaveSlices{"SaveSlices", computeSave, true};
const KernelDef kMergeV2Checkpoints{"MergeV2Checkpoints", computeSave, true};

}  // namespace

void appendCheckpointKernels(std::vector<const KernelDef*>& out) {
    for (const KernelDef* k : {&kRestoreV2, &kRestoreSlice, &kRestore, &kShardedFilename, &kShardedFilespec, &kSaveV2, &kSave,
                               &kSaveSlices, &kMergeV2Checkpoints})
        out.push_back(k);
}

}  // namespace tfscope::exec
