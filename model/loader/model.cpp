#include "model/loader/model.h"

#include <algorithm>
#include <set>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/graph/graph_index.h"
#include "saved_model.pb.h"
#include "trackable_object_graph.pb.h"

namespace tfscope {

Model::Model() : m_savedModel(std::make_shared<tensorflow::SavedModel>()) {}
Model::~Model() = default;

int Model::metaGraphCount() const { return m_savedModel->meta_graphs_size(); }

const tensorflow::MetaGraphDef& Model::metaGraph(int i) const { return m_savedModel->meta_graphs(i); }

int Model::findMetaGraph(const std::vector<std::string>& tags) const {
    const std::set<std::string> want(tags.begin(), tags.end());
    for (int i = 0; i < metaGraphCount(); ++i) {
        const auto& t = metaGraph(i).meta_info_def().tags();
        if (std::set<std::string>(t.begin(), t.end()) == want) return i;
    }
    return -1;
}

std::shared_ptr<const GraphIndex> Model::graphIndex(int metaGraph) const {
    if (metaGraph < 0 || metaGraph >= static_cast<int>(m_graphIndexes.size())) return nullptr;
    return m_graphIndexes[metaGraph];
}

uint64_t Model::totalBytes() const {
    uint64_t total = 0;
    for (const FileEntry& f : m_files) total += f.size;
    return total;
}

}  // namespace tfscope
