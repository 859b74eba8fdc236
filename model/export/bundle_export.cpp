#include "model/export/bundle_export.h"

#include <algorithm>
#include <map>
#include <optional>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/checkpoint/bundle_writer.h"
#include "model/export/object_graph_rewrite.h"
#include "model/progress.h"

namespace tfscope {
namespace {

struct Job {
    const EditItem* item = nullptr;  // null: the object graph
    std::pair<int, uint64_t> rank;
    uint64_t bytes = 0;
};

}  // namespace

Result<BundleExportResult> writeEditSetBundle(const EditSet& set, const std::string& prefix, Progress* progress) {
    const CheckpointReader& reader = *set.reader();
    std::vector<Job> jobs;
    std::map<std::string, std::string> kept;
    for (const EditItem* item : set.exportItems()) {
        Job job;
        job.item = item;
        const CheckpointEntry* e = item->added() ? nullptr : reader.find(item->sourceKey);
        job.rank = e ? std::pair<int, uint64_t>{e->shardId, e->slices.empty() ? e->offset : 0}
                     : std::pair<int, uint64_t>{1 << 30, 0};
        job.bytes = item->value ? item->value->byteSize() : (e ? e->size : 0);
        if (e) kept[item->sourceKey] = item->name;
        jobs.push_back(job);
    }
    std::optional<std::string> objectGraph;
    std::map<std::string, std::string> rekeyed;  // source key -> key written, where not the item's name
    if (set.hasObjectGraph()) {
        const CheckpointEntry* e = reader.find(kObjectGraphKey);
        TFS_ASSIGN_OR_RETURN(Tensor g, reader.read(kObjectGraphKey));
        if (g.dtype() != DType::String || g.numElements() != 1)
            return Status::corruption("'" + std::string(kObjectGraphKey) + "' is not a string scalar.");
        // Every key kept under its own name: the graph stays byte for byte as it was.
        bool identity = kept.size() + 1 == reader.entries().size();
        for (const auto& [from, to] : kept) identity = identity && from == to;
        if (identity) {
            objectGraph = g.strings()[0];
        } else {
            TFS_ASSIGN_OR_RETURN(ObjectGraphRewrite rewritten, rewriteObjectGraph(g.strings()[0], kept));
            objectGraph = std::move(rewritten.serialized);
            for (const auto& [from, to] : rewritten.keys)
                if (kept[from] != to) rekeyed[from] = to;
        }
        Job job;
        job.rank = {e->shardId, e->offset};
        job.bytes = objectGraph->size();
        jobs.push_back(job);
    }
    std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.rank < b.rank; });
    auto keyOf = [&](const EditItem& item) -> const std::string& {
        auto it = item.added() ? rekeyed.end() : rekeyed.find(item.sourceKey);
        return it == rekeyed.end() ? item.name : it->second;
    };
    std::map<std::string, std::string> owner;  // key written -> item name
    for (const Job& job : jobs) {
        if (!job.item) continue;
        auto [it, fresh] = owner.emplace(keyOf(*job.item), job.item->name);
        if (!fresh)
            return Status::invalidArgument("'" + job.item->name + "' and '" + it->second + "' would both be written as '" +
                                           it->first + "'.");
    }
    int64_t total = 0;
    for (const Job& j : jobs) total += int64_t(j.bytes);

    BundleWriter::Options options;
    options.progress = progress;  // bytes written of `total`; its cancel stops the writer
    options.expectedBytes = total;
    TFS_ASSIGN_OR_RETURN(auto writer, BundleWriter::create(prefix, options));
    for (const Job& job : jobs) {
        if (progress && progress->isCancelled()) return Status::cancelled();
        if (!job.item) {
            TFS_RETURN_IF_ERROR(writer->add(kObjectGraphKey, Tensor::stringScalar(*objectGraph)));
        } else if (job.item->value) {
            TFS_RETURN_IF_ERROR(writer->add(keyOf(*job.item), *job.item->value));
        } else {
            const CheckpointEntry* e = reader.find(job.item->sourceKey);
            // A plain POD entry is streamed from the mapping unchecked and its stored crc must come
            // out of the writer again; others (strings, partitioned) are read with the check on.
            bool streamed = e && isPod(e->dtype) && e->slices.empty() && reader.format() == CheckpointFormat::V2Bundle;
            TFS_ASSIGN_OR_RETURN(Tensor t, reader.read(job.item->sourceKey, /*verifyCrc=*/!streamed));
            std::optional<uint32_t> expected;
            if (streamed && t.isView()) expected = e->maskedCrc32c;
            // Not a view (unaligned or big-endian bytes were copied): verify the source the usual way.
            else if (streamed) {
                TFS_ASSIGN_OR_RETURN(t, reader.read(job.item->sourceKey, /*verifyCrc=*/true));
            }
            TFS_RETURN_IF_ERROR(writer->add(keyOf(*job.item), t, expected));
        }
    }
    TFS_RETURN_IF_ERROR(writer->finish());
    BundleExportResult r;
    r.tensors = int(jobs.size());
    r.dataBytes = uint64_t(writer->bytesWritten());
    r.rekeyed = std::move(rekeyed);
    r.indexPath = prefix + ".index";
    r.dataPath = prefix + ".data-00000-of-00001";
    return r;
}

}  // namespace tfscope
