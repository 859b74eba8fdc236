#include "model/graph/model_view.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "graph.pb.h"
#include "model/dtype.h"
#include "model/graph/attr_format.h"

namespace tfscope {

namespace {

// One node of the graph with every inlined call replaced by its body. Function arguments and
// returns, and the inlined calls themselves, are aliases that resolve to a real producer.
struct Rec {
    enum class Kind : unsigned char { Node,
                                      Arg,
                                      Retval,
                                      Call };
    Kind kind = Kind::Node;
    std::string name;
    std::string_view op;
    const tensorflow::NodeDef* def = nullptr;
    std::vector<std::pair<int, int>> data;  // producer rec, output index (unresolved)
    std::vector<int> control;
    std::vector<int> retvals;  // Call: the body's Retval recs by output index
    CollapsedCall collapsed = CollapsedCall::None;  // a call op left as is, and why
    std::string callee;
    int calleeNodes = 0;
};

bool isCallOp(std::string_view op) { return op == "StatefulPartitionedCall" || op == "PartitionedCall"; }

// The ops an input pipeline hands its batches to the network with.
bool feedsNetwork(std::string_view op) {
    return op == "IteratorGetNext" || op == "IteratorGetNextSync" || op.substr(0, 12) == "QueueDequeue";
}

std::string scopeOfName(std::string_view name) {
    size_t slash = name.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(name.substr(0, slash));
}

class Builder {
public:
    Builder(const ModelViewOptions& o) : m_opt(o) {}

    // Adds graph `g` (kept alive in m_keep by the caller); returns rec ids by NodeId.
    // `inlining`: the functions whose bodies enclose this one (recursion stops at them).
    std::vector<int> addGraph(const GraphIndex& g, const std::string& prefix, int depth,
                              const std::vector<std::pair<int, int>>& args, std::vector<std::string>& inlining) {
        std::vector<int> ids(size_t(g.nodeCount()));
        int argNo = 0;
        for (NodeId n = 0; n < g.nodeCount(); ++n) {
            Rec r;
            r.op = g.op(n);
            r.def = g.nodeDef(n);
            r.name = prefix.empty() ? std::string(g.name(n)) : prefix + "/" + std::string(g.name(n));
            if (g.isFunctionBody() && r.op == "_Arg") {
                r.kind = Rec::Kind::Arg;
                if (size_t(argNo) < args.size()) r.data.push_back(args[size_t(argNo)]);
                ++argNo;
            } else if (g.isFunctionBody() && r.op == "_Retval") {
                r.kind = Rec::Kind::Retval;
            }
            ids[size_t(n)] = int(m_recs.size());
            m_recs.push_back(std::move(r));
        }
        for (NodeId n = 0; n < g.nodeCount(); ++n) {
            Rec& r = m_recs[size_t(ids[size_t(n)])];
            if (r.kind == Rec::Kind::Arg) continue;
            for (const InputRef& in : g.inputs(n)) {
                if (in.node == kNoNode) continue;
                if (in.control) r.control.push_back(ids[size_t(in.node)]);
                else r.data.emplace_back(ids[size_t(in.node)], in.outputIndex);
            }
        }
        if (!m_opt.inlineFunctions || depth >= m_opt.maxInlineDepth) return ids;
        for (NodeId n = 0; n < g.nodeCount(); ++n) {
            if (!isCallOp(g.op(n)) || !g.nodeDef(n)) continue;
            auto f = g.nodeDef(n)->attr().find("f");
            if (f == g.nodeDef(n)->attr().end() || !f->second.has_func()) continue;
            const std::string& fname = f->second.func().name();
            auto body = g.functionBody(fname);
            if (!body.ok()) continue;
            auto bodyIndex = body.value();
            const int call = ids[size_t(n)];
            Rec& callRec = m_recs[size_t(call)];
            callRec.callee = fname;
            callRec.calleeNodes = bodyIndex->nodeCount();
            if (std::find(inlining.begin(), inlining.end(), fname) != inlining.end()) {
                callRec.collapsed = CollapsedCall::Recursive;
                continue;
            }
            const bool opened = std::find(m_opt.openFunctions.begin(), m_opt.openFunctions.end(), fname) != m_opt.openFunctions.end();
            if ((!opened && bodyIndex->nodeCount() > m_opt.maxBodyNodes) || m_inlined + bodyIndex->nodeCount() > m_opt.maxInlinedNodes) {
                callRec.collapsed = CollapsedCall::Large;
                continue;
            }
            m_inlined += bodyIndex->nodeCount();
            m_keep.push_back(bodyIndex);
            const std::vector<std::pair<int, int>> callArgs = callRec.data;
            inlining.push_back(fname);
            std::vector<int> bodyIds = addGraph(*bodyIndex, scopeOfName(m_recs[size_t(call)].name), depth + 1, callArgs, inlining);
            inlining.pop_back();
            Rec& c = m_recs[size_t(call)];
            c.kind = Rec::Kind::Call;
            for (NodeId b = 0; b < bodyIndex->nodeCount(); ++b)
                if (bodyIndex->op(b) == "_Retval") c.retvals.push_back(bodyIds[size_t(b)]);
            ++m_calls;
        }
        return ids;
    }

    // The real producer behind an alias (argument, return, inlined call); -1 if none.
    std::pair<int, int> resolve(std::pair<int, int> t) const {
        for (int guard = 0; guard < 64 && t.first >= 0; ++guard) {
            const Rec& r = m_recs[size_t(t.first)];
            switch (r.kind) {
            case Rec::Kind::Node: return t;
            case Rec::Kind::Arg:
            case Rec::Kind::Retval:
                if (r.data.empty()) return {-1, 0};
                t = r.data.front();
                break;
            case Rec::Kind::Call:
                if (t.second < 0 || size_t(t.second) >= r.retvals.size()) return {-1, 0};
                t = {r.retvals[size_t(t.second)], 0};
                break;
            }
        }
        return {-1, 0};
    }

    Result<std::shared_ptr<const ModelView>> build(const GraphIndex& raw);

private:
    FoldedWeight weightRow(int s) const;

    const ModelViewOptions& m_opt;
    std::vector<Rec> m_recs;
    std::vector<std::shared_ptr<const GraphIndex>> m_keep;
    int m_inlined = 0;
    int m_calls = 0;
};

FoldedWeight Builder::weightRow(int s) const {
    const Rec& r = m_recs[size_t(s)];
    FoldedWeight w;
    w.name = r.name;
    w.def = r.def;
    if (!r.def) return w;
    const auto& attr = r.def->attr();
    if (auto d = attr.find("dtype"); d != attr.end() && d->second.value_case() == tensorflow::AttrValue::kType)
        w.dtype = std::string(dtypeShortName(baseType(int(d->second.type()))));
    if (auto sh = attr.find("shape"); sh != attr.end() && sh->second.has_shape()) w.shape = shapeProtoToString(sh->second.shape());
    if (auto v = attr.find("value"); v != attr.end() && v->second.has_tensor()) {
        w.shape = shapeProtoToString(v->second.tensor().tensor_shape());
        if (w.dtype.empty()) w.dtype = std::string(dtypeShortName(baseType(int(v->second.tensor().dtype()))));
    }
    return w;
}

Result<std::shared_ptr<const ModelView>> Builder::build(const GraphIndex& raw) {
    std::vector<std::string> inlining;
    const std::vector<int> top = addGraph(raw, std::string(), 0, {}, inlining);
    const size_t n = m_recs.size();
    auto real = [&](int r) { return r >= 0 && m_recs[size_t(r)].kind == Rec::Kind::Node; };

    // Resolved data inputs and control inputs of real recs; consumers.
    std::vector<std::vector<std::pair<int, int>>> in(n);
    std::vector<std::vector<int>> ctl(n), consumers(n);
    for (size_t r = 0; r < n; ++r) {
        if (!real(int(r))) continue;
        for (auto t : m_recs[r].data)
            if (auto p = resolve(t); real(p.first)) {
                in[r].push_back(p);
                consumers[size_t(p.first)].push_back(int(r));
            }
        for (int c : m_recs[r].control)
            if (auto p = resolve({c, 0}); real(p.first)) {
                ctl[r].push_back(p.first);
                consumers[size_t(p.first)].push_back(int(r));
            }
    }

    // Topological order (Kahn) over data + control edges; cycles (TF1 loops) appended last.
    std::vector<int> order;
    order.reserve(n);
    {
        std::vector<int> pending(n, 0);
        for (size_t r = 0; r < n; ++r) pending[r] = int(in[r].size() + ctl[r].size());
        for (size_t r = 0; r < n; ++r)
            if (real(int(r)) && pending[r] == 0) order.push_back(int(r));
        for (size_t i = 0; i < order.size(); ++i)
            for (int c : consumers[size_t(order[i])])
                if (--pending[size_t(c)] == 0) order.push_back(c);
        std::vector<char> placed(n, 0);
        for (int r : order) placed[size_t(r)] = 1;
        for (size_t r = 0; r < n; ++r)
            if (real(int(r)) && !placed[r]) order.push_back(int(r));
    }

    // Weights: constants, variables and reads of them.
    std::vector<int> weightSource(n, -1);
    for (int r : order) {
        const Rec& rec = m_recs[size_t(r)];
        if (isWeightSourceOp(rec.op) && in[size_t(r)].empty()) weightSource[size_t(r)] = r;
        else if ((rec.op == "ReadVariableOp" || rec.op == "Identity" || rec.op == "Snapshot") && in[size_t(r)].size() == 1 &&
                 weightSource[size_t(in[size_t(r)][0].first)] >= 0)
            weightSource[size_t(r)] = weightSource[size_t(in[size_t(r)][0].first)];
    }

    // Signature tensors.
    auto findTop = [&](const std::string& tensor) -> std::pair<int, int> {
        auto [name, index] = GraphIndex::parseTensorName(tensor);
        NodeId id = raw.find(name);
        if (id == kNoNode) return {-1, 0};
        return resolve({top[size_t(id)], std::max(0, index)});
    };
    std::vector<char> isInput(n, 0), isOutput(n, 0), visible(n, 0);
    for (const auto& t : m_opt.inputs)
        if (auto p = findTop(t); p.first >= 0) isInput[size_t(p.first)] = 1;
    std::vector<int> stack;
    for (const auto& t : m_opt.outputs)
        if (auto p = findTop(t); p.first >= 0) {
            isOutput[size_t(p.first)] = 1;
            stack.push_back(p.first);
        }
    if (m_opt.outputs.empty() || stack.empty()) {
        for (int r : order) visible[size_t(r)] = 1;
    } else {
        for (int r : stack) visible[size_t(r)] = 1;
        while (!stack.empty()) {
            int r = stack.back();
            stack.pop_back();
            if (isInput[size_t(r)]) continue;
            for (auto [p, o] : in[size_t(r)])
                if (!visible[size_t(p)]) {
                    visible[size_t(p)] = 1;
                    stack.push_back(p);
                }
        }
    }

    // Plumbing: by op, then structure, repeated until nothing changes. Forward: a node fed only by
    // plumbing (constants aside), or fed by training, is plumbing too. Backward: a node that feeds
    // only plumbing and is not part of the network (an initial value, a file name, the labels'
    // one_hot) belongs to what it feeds.
    std::vector<Plumbing> cat(n, Plumbing::None);
    // A node of the network both depends on the graph's inputs and computes with its variables;
    // label handling (one_hot of the labels) and file names for a saver do not. A node computed
    // from constants alone (a shape, a mask's size) goes with what it is combined with.
    std::vector<char> dependsOnInput(n, 0), usesVariables(n, 0);
    for (int r : order) {
        const Rec& rec = m_recs[size_t(r)];
        bool dep = rec.op == "Placeholder" || isInput[size_t(r)] || feedsNetwork(rec.op);
        bool vars = rec.op == "VarHandleOp" || rec.op == "VariableV2" || rec.op == "Variable";
        for (auto [p, o] : in[size_t(r)]) {
            dep = dep || dependsOnInput[size_t(p)];
            vars = vars || usesVariables[size_t(p)];
        }
        dependsOnInput[size_t(r)] = dep;
        usesVariables[size_t(r)] = vars;
        Plumbing c = rec.op == "NoOp" ? Plumbing::None : plumbingForOp(rec.op);
        const bool gradientScope = rec.name.rfind("gradients", 0) == 0 || rec.name.find("/gradients") != std::string::npos;
        if (c == Plumbing::None && gradientScope) c = Plumbing::Training;
        if (isOutput[size_t(r)] || isInput[size_t(r)]) c = Plumbing::None;
        cat[size_t(r)] = c;
    }
    auto constantOnly = [&](int r) { return !dependsOnInput[size_t(r)] && !usesVariables[size_t(r)]; };
    auto pinned = [&](int r) { return isOutput[size_t(r)] || isInput[size_t(r)] || weightSource[size_t(r)] >= 0; };
    for (int round = 0; round < 4; ++round) {
        bool changed = false;
        // Forward: fed only by plumbing (constants aside), or by training.
        for (int r : order) {
            if (cat[size_t(r)] != Plumbing::None || pinned(r)) continue;
            Plumbing first = Plumbing::None;
            bool all = true, training = false;
            auto look = [&](int p) {
                if (weightSource[size_t(p)] >= 0) return;
                if (feedsNetwork(m_recs[size_t(p)].op)) {  // an input pipeline's output is the network's input
                    all = false;
                    return;
                }
                if (cat[size_t(p)] == Plumbing::None) {
                    if (!constantOnly(p)) all = false;
                    return;
                }
                if (first == Plumbing::None) first = cat[size_t(p)];
                if (cat[size_t(p)] == Plumbing::Training) training = true;
            };
            for (auto [p, o] : in[size_t(r)]) look(p);
            for (int p : ctl[size_t(r)]) look(p);
            Plumbing c = training ? Plumbing::Training : all ? first
                                                             : Plumbing::None;
            if (c != Plumbing::None) {
                cat[size_t(r)] = c;
                changed = true;
            }
        }
        // Backward: feeds only plumbing and is not part of the network.
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            const int r = *it;
            if (cat[size_t(r)] != Plumbing::None || pinned(r) || (dependsOnInput[size_t(r)] && usesVariables[size_t(r)]) ||
                consumers[size_t(r)].empty())
                continue;
            Plumbing first = cat[size_t(consumers[size_t(r)].front())];
            bool all = first != Plumbing::None;
            for (int c : consumers[size_t(r)]) all = all && cat[size_t(c)] != Plumbing::None;
            if (all) {
                cat[size_t(r)] = first;
                changed = true;
            }
        }
        if (!changed) break;
    }
    // A NoOp left over groups plumbing (init, group_deps).
    for (int r : order)
        if (cat[size_t(r)] == Plumbing::None && m_recs[size_t(r)].op == "NoOp") cat[size_t(r)] = Plumbing::Initialization;

    // Identity chains fold into their producer.
    std::vector<int> bypass(n, -1);
    std::vector<int> bypassOut(n, 0);
    for (int r : order) {
        const Rec& rec = m_recs[size_t(r)];
        if ((rec.op == "Identity" || rec.op == "Snapshot") && in[size_t(r)].size() == 1 && weightSource[size_t(r)] < 0 &&
            !isOutput[size_t(r)] && !isInput[size_t(r)] && cat[size_t(r)] == cat[size_t(in[size_t(r)][0].first)]) {
            auto [p, o] = in[size_t(r)][0];
            bypass[size_t(r)] = bypass[size_t(p)] >= 0 ? bypass[size_t(p)] : p;
            bypassOut[size_t(r)] = bypass[size_t(p)] >= 0 ? bypassOut[size_t(p)] : o;
        }
    }

    // A placeholder nothing reads (TF Hub leaves one per variable) is not drawn.
    auto unused = [&](int r) { return m_recs[size_t(r)].op == "Placeholder" && consumers[size_t(r)].empty() && !isInput[size_t(r)]; };
    auto shown = [&](int r) { return visible[size_t(r)] && weightSource[size_t(r)] < 0 && bypass[size_t(r)] < 0 && !unused(r); };
    auto view = std::make_shared<ModelView>();
    view->inlinedCalls = m_calls;
    view->bodies = m_keep;
    std::vector<int> viewId(n, -1);
    std::vector<int> shownOrder;
    for (int r : order)
        if (shown(r)) {
            viewId[size_t(r)] = int(shownOrder.size());
            shownOrder.push_back(r);
        } else if (visible[size_t(r)]) {
            ++view->foldedNodes;
        }
    if (shownOrder.empty()) return Status::notFound("The model view has nothing to show.");

    // Edges (data only, same side of the plumbing line), folded weights, fan-out counts.
    std::vector<std::vector<std::pair<int, int>>> edges(shownOrder.size());
    std::vector<std::vector<FoldedWeight>> folded(shownOrder.size());
    std::vector<std::vector<int>> fanOut(shownOrder.size());
    for (size_t v = 0; v < shownOrder.size(); ++v) {
        const int r = shownOrder[v];
        std::unordered_set<int> seenWeights;
        for (auto [p, o] : in[size_t(r)]) {
            if (int s = weightSource[size_t(p)]; s >= 0) {
                if (seenWeights.insert(s).second) folded[v].push_back(weightRow(s));
                continue;
            }
            if (bypass[size_t(p)] >= 0) {
                o = bypassOut[size_t(p)];
                p = bypass[size_t(p)];
            }
            const int pv = viewId[size_t(p)];
            if (pv < 0 || cat[size_t(p)] != cat[size_t(r)]) continue;
            edges[v].emplace_back(pv, o);
            fanOut[size_t(pv)].push_back(int(v));
        }
    }
    std::vector<int> fanCount(shownOrder.size(), 0);
    for (size_t v = 0; v < shownOrder.size(); ++v) {
        auto& f = fanOut[v];
        std::sort(f.begin(), f.end());
        f.erase(std::unique(f.begin(), f.end()), f.end());
        if (int(f.size()) > m_opt.fanOutLimit) fanCount[v] = int(f.size());
    }

    // Names: unique, plumbing under its side group's scope.
    auto graph = std::make_shared<tensorflow::GraphDef>();
    std::vector<std::string> names(shownOrder.size());
    std::unordered_set<std::string> used;
    for (size_t v = 0; v < shownOrder.size(); ++v) {
        const Rec& rec = m_recs[size_t(shownOrder[v])];
        const Plumbing c = cat[size_t(shownOrder[v])];
        std::string name = c == Plumbing::None ? rec.name : sideGroupScope(c) + "/" + rec.name;
        if (!used.insert(name).second) {
            for (int k = 1;; ++k)
                if (used.insert(name + "_" + std::to_string(k)).second) {
                    name += "_" + std::to_string(k);
                    break;
                }
        }
        names[v] = std::move(name);
    }
    for (size_t v = 0; v < shownOrder.size(); ++v) {
        const Rec& rec = m_recs[size_t(shownOrder[v])];
        tensorflow::NodeDef* nd = graph->add_node();
        if (rec.def) {
            nd->set_op(rec.def->op());
            nd->set_device(rec.def->device());
            *nd->mutable_attr() = rec.def->attr();
        } else {
            nd->set_op(std::string(rec.op));
        }
        nd->set_name(names[v]);
        for (auto [pv, o] : edges[v]) {
            if (fanCount[size_t(pv)]) continue;
            nd->add_input(o > 0 ? names[size_t(pv)] + ":" + std::to_string(o) : names[size_t(pv)]);
        }
    }
    TFS_ASSIGN_OR_RETURN(view->index, GraphIndex::build(std::shared_ptr<const tensorflow::GraphDef>(graph)));
    const GraphIndex& vi = *view->index;
    view->folded.resize(size_t(vi.nodeCount()));
    view->fanOut.assign(size_t(vi.nodeCount()), 0);
    view->plumbing.assign(size_t(vi.nodeCount()), Plumbing::None);
    view->collapsed.assign(size_t(vi.nodeCount()), CollapsedCall::None);
    view->callee.assign(size_t(vi.nodeCount()), std::string());
    view->calleeNodes.assign(size_t(vi.nodeCount()), 0);
    for (size_t v = 0; v < shownOrder.size(); ++v) {
        NodeId id = vi.find(names[v]);
        if (id == kNoNode) continue;
        view->folded[size_t(id)] = std::move(folded[v]);
        view->fanOut[size_t(id)] = fanCount[v];
        view->plumbing[size_t(id)] = cat[size_t(shownOrder[v])];
        if (const Rec& rec = m_recs[size_t(shownOrder[v])]; rec.collapsed != CollapsedCall::None) {
            view->collapsed[size_t(id)] = rec.collapsed;
            view->callee[size_t(id)] = rec.callee;
            view->calleeNodes[size_t(id)] = rec.calleeNodes;
        }
    }
    return std::shared_ptr<const ModelView>(std::move(view));
}

}  // namespace

std::vector<std::string> weightRowTexts(const std::vector<FoldedWeight>& weights) {
    std::vector<std::string> rows;
    for (size_t i = 0; i < weights.size() && i < kMaxWeightRows; ++i) {
        if (rowWeight(weights, i) < 0) {
            rows.push_back("+" + std::to_string(weights.size() - i) + " more");
            break;
        }
        const FoldedWeight& w = weights[i];
        const size_t slash = w.name.rfind('/');
        std::string text = slash == std::string::npos ? w.name : w.name.substr(slash + 1);
        if (!w.shape.empty()) {
            // "[3,3,1,8]" -> "⟨3×3×1×8⟩"; a scalar "[]" -> "⟨⟩".
            std::string dims = w.shape.front() == '[' && w.shape.back() == ']' ? w.shape.substr(1, w.shape.size() - 2) : w.shape;
            std::string shape;
            for (char c : dims) shape += c == ',' ? std::string("\u00d7") : std::string(1, c);
            text += " \u27e8" + shape + "\u27e9";
        }
        rows.push_back(std::move(text));
    }
    return rows;
}

size_t utf8Length(std::string_view text) {
    size_t n = 0;
    for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

std::string sideGroupScope(Plumbing p) { return "(" + std::string(plumbingLabel(p)) + ")"; }

bool isSideGroupScope(std::string_view path) {
    for (Plumbing p : {Plumbing::Initialization, Plumbing::SaveRestore, Plumbing::Training, Plumbing::Summaries,
                       Plumbing::InputPipeline})
        if (path == sideGroupScope(p)) return true;
    return false;
}

Result<std::shared_ptr<const ModelView>> buildModelView(const GraphIndex& raw, const ModelViewOptions& options) {
    Builder b(options);
    return b.build(raw);
}

}  // namespace tfscope
