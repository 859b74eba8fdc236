#include "model/graph/view_choice.h"

#include <algorithm>
#include <set>

namespace tfscope {

namespace {

std::set<std::string> splitTags(std::string_view text) {
    std::set<std::string> tags;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        std::string_view t = text.substr(start, comma - start);
        while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
        while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
        if (!t.empty()) tags.emplace(t);
        start = comma + 1;
    }
    return tags;
}

void addTensors(const TensorInfoSummary& t, std::vector<std::string>& out) {
    if (!t.name.empty()) out.push_back(t.name);
    for (const std::string* s : {&t.valuesTensor, &t.indicesTensor, &t.denseShapeTensor})
        if (!s->empty()) out.push_back(*s);
    for (const auto& c : t.components) addTensors(c, out);
}

}  // namespace

std::string tagSetText(const MetaGraphSummary& mg) {
    std::string s;
    for (const auto& t : mg.tags) s += (s.empty() ? "" : ",") + t;
    return s;
}

Result<ViewChoice> chooseView(const ModelSummary& summary, std::string_view tagSet, std::string_view signature) {
    ViewChoice c;
    if (!tagSet.empty()) {
        const auto wanted = splitTags(tagSet);
        c.metaGraph = -1;
        std::string known;
        for (size_t i = 0; i < summary.metaGraphs.size(); ++i) {
            const auto& tags = summary.metaGraphs[i].tags;
            if (std::set<std::string>(tags.begin(), tags.end()) == wanted && c.metaGraph < 0) c.metaGraph = int(i);
            known += (known.empty() ? "'" : ", '") + tagSetText(summary.metaGraphs[i]) + "'";
        }
        if (c.metaGraph < 0)
            return Status::invalidArgument("No meta graph with tag set '" + std::string(tagSet) + "'" +
                                           (known.empty() ? std::string(" (the model has none).") : "; there are " + known + "."));
    }
    if (summary.metaGraphs.empty()) {
        if (!signature.empty()) return Status::invalidArgument("No signature '" + std::string(signature) + "': the model has no meta graph.");
        return c;
    }
    const auto& sigs = summary.metaGraphs[size_t(c.metaGraph)].signatures;
    if (!signature.empty()) {
        auto it = std::find_if(sigs.begin(), sigs.end(), [&](const SignatureSummary& s) { return s.key == signature; });
        if (it == sigs.end()) {
            std::string known;
            for (const auto& s : sigs) known += (known.empty() ? "'" : ", '") + s.key + "'";
            return Status::invalidArgument("No signature '" + std::string(signature) + "' in meta graph '" +
                                           tagSetText(summary.metaGraphs[size_t(c.metaGraph)]) + "'" +
                                           (known.empty() ? std::string(" (it has none).") : "; there are " + known + "."));
        }
        c.signature = std::string(signature);
        return c;
    }
    auto def = std::find_if(sigs.begin(), sigs.end(), [](const SignatureSummary& s) { return s.key == "serving_default"; });
    if (def != sigs.end()) c.signature = def->key;
    else if (!sigs.empty()) c.signature = sigs.front().key;
    return c;
}

ModelViewOptions modelViewOptions(const ModelSummary& summary, const ViewChoice& choice) {
    ModelViewOptions o;
    if (choice.signature.empty() || size_t(choice.metaGraph) >= summary.metaGraphs.size()) return o;
    for (const auto& s : summary.metaGraphs[size_t(choice.metaGraph)].signatures) {
        if (s.key != choice.signature) continue;
        for (const auto& t : s.inputs) addTensors(t, o.inputs);
        for (const auto& t : s.outputs) addTensors(t, o.outputs);
    }
    return o;
}

}  // namespace tfscope
