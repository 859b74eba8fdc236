#include "model/edit/edit_set.h"

#include <algorithm>
#include <map>
#include <regex>
#include <unordered_map>

#include "model/edit/optimizer_state.h"
#include "model/edit/value_ops.h"
#include "model/edit/variable_paths.h"
#include "model/io/npy.h"
#include "model/loader/model.h"

namespace tfscope {
namespace {

std::string_view lastComponent(std::string_view key) {
    size_t slash = key.rfind('/');
    return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

bool heuristicTrainable(const std::string& key, bool slot) {
    if (slot) return false;
    if (key == "global_step" || key.starts_with("save_counter")) return false;
    if (key.ends_with("/.ATTRIBUTES/OBJECT_CONFIG_JSON")) return false;
    return true;
}

Result<std::regex> compileRegex(const std::string& pattern) {
    try {
        return std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
        return Status::invalidArgument("Invalid regular expression '" + pattern + "'.");
    }
}

std::string dtypeText(DType d) { return std::string(dtypeShortName(d)); }

}  // namespace

bool looksLikeOptimizerSlot(std::string_view key) {
    if (key.find("/.OPTIMIZER_SLOT/") != std::string_view::npos) return true;
    static const std::regex kTf1Slot(
        "(Adagrad|AdagradDA|Adam|Adadelta|Ftrl|Momentum|RMSProp|ProximalAdagrad|Nadam|Adamax)(_[0-9]+)?");
    std::string last(lastComponent(key));
    if (std::regex_match(last, kTf1Slot)) return true;
    if (key == "beta1_power" || key == "beta2_power") return true;
    return false;
}

bool inScope(std::string_view name, std::string_view scope) {
    if (scope.empty()) return true;
    if (scope.back() == '/') return name.starts_with(scope);
    return name == scope || (name.starts_with(scope) && name.size() > scope.size() && name[scope.size()] == '/');
}

Result<EditSet> EditSet::fromModel(std::shared_ptr<const Model> model) {
    if (!model) return Status::invalidArgument("No model.");
    if (!model->checkpoint()) return Status::failedPrecondition("The model has no variables to edit.");
    return build(model, model->checkpoint());
}

Result<EditSet> EditSet::fromCheckpoint(std::shared_ptr<const CheckpointReader> reader) {
    if (!reader) return Status::invalidArgument("No checkpoint.");
    return build(nullptr, std::move(reader));
}

Result<EditSet> EditSet::build(std::shared_ptr<const Model> model, std::shared_ptr<const CheckpointReader> reader) {
    EditSet set;
    set.m_model = std::move(model);
    set.m_reader = std::move(reader);
    std::unordered_map<std::string, const VariableSummary*> byKey;
    std::unordered_map<std::string, std::string> pathByKey;
    bool haveTrainable = false;
    if (set.m_model) {
        const auto& vars = set.m_model->summary().variables;
        const std::vector<std::string> paths = variableTreePaths(set.m_model->summary());
        for (size_t i = 0; i < vars.size(); ++i) {
            const VariableSummary& v = vars[i];
            if (!v.checkpointKey.empty()) {
                byKey[v.checkpointKey] = &v;
                pathByKey[v.checkpointKey] = paths[i];
                // Other names show and the window give the variable (display name, object path, tree path).
                for (const std::string* alias : {&v.name, &v.objectPath, &paths[i]}) {
                    if (alias->empty() || *alias == v.checkpointKey) continue;
                    bool seen = false;
                    auto [lo, hi] = set.m_aliases.equal_range(*alias);
                    for (auto it = lo; it != hi; ++it) seen = seen || it->second == v.checkpointKey;
                    if (!seen) {
                        set.m_aliases.emplace(*alias, v.checkpointKey);
                        set.m_aliasesByKey[v.checkpointKey].push_back(*alias);
                    }
                }
            }
            haveTrainable = haveTrainable || v.trainable;
        }
    }
    // TF2: optimizer state comes from the object graph (optimizer_state.h), not from key names.
    std::optional<OptimizerState> optimizerState;
    if (set.m_reader->find(kObjectGraphKey)) {
        TFS_ASSIGN_OR_RETURN(Tensor g, set.m_reader->read(kObjectGraphKey));
        if (g.dtype() != DType::String || g.numElements() != 1)
            return Status::corruption("'" + std::string(kObjectGraphKey) + "' is not a string scalar.");
        TFS_ASSIGN_OR_RETURN(OptimizerState st, findOptimizerState(g.strings()[0]));
        optimizerState = std::move(st);
    }
    for (const CheckpointEntry& e : set.m_reader->entries()) {
        if (e.key == kObjectGraphKey) {
            set.m_hasObjectGraph = true;
            continue;
        }
        EditItem item;
        item.name = e.key;
        item.sourceKey = e.key;
        auto path = pathByKey.find(e.key);
        item.treePath = path == pathByKey.end() ? e.key : path->second;
        item.dtype = e.dtype;
        item.shape = e.shape;
        auto it = byKey.find(e.key);
        const VariableSummary* v = it == byKey.end() ? nullptr : it->second;
        item.optimizerSlot = optimizerState ? optimizerState->stateKeys.count(e.key) > 0
                                            : looksLikeOptimizerSlot(e.key) || (v && v->isOptimizerSlot);
        item.trainable = haveTrainable ? (v && v->trainable) : heuristicTrainable(e.key, item.optimizerSlot);
        set.m_items.push_back(std::move(item));
    }
    return set;
}

const EditItem* EditSet::find(std::string_view name) const {
    for (const EditItem& i : m_items)
        if (i.name == name) return &i;
    return nullptr;
}

EditItem* EditSet::findMutable(std::string_view name) {
    for (EditItem& i : m_items)
        if (i.name == name) return &i;
    return nullptr;
}

std::vector<EditItem*> EditSet::matching(std::string_view name) {
    if (EditItem* exact = findMutable(name)) return {exact};
    std::vector<EditItem*> out;
    auto [lo, hi] = m_aliases.equal_range(std::string(name));
    for (auto it = lo; it != hi; ++it)
        for (EditItem& i : m_items)
            if (i.sourceKey == it->second && std::find(out.begin(), out.end(), &i) == out.end()) out.push_back(&i);
    return out;
}

Status EditSet::ambiguous(std::string_view name, const std::vector<EditItem*>& items) {
    std::string list;
    for (const EditItem* i : items) list += (list.empty() ? "'" : ", '") + i->name + "'";
    return Status::invalidArgument("The name '" + std::string(name) + "' is ambiguous: it matches " +
                                   std::to_string(items.size()) + " variables: " + list + ".");
}

Result<EditItem*> EditSet::require(std::string_view name) {
    std::vector<EditItem*> items = matching(name);
    if (items.empty()) return Status::notFound("Variable '" + std::string(name) + "' does not exist.");
    if (items.size() > 1) return ambiguous(name, items);
    return items.front();
}

Result<const EditItem*> EditSet::resolve(std::string_view name) const {
    TFS_ASSIGN_OR_RETURN(EditItem * item, const_cast<EditSet*>(this)->require(name));
    return item;
}

const std::vector<std::string>& EditSet::aliases(const EditItem& item) const {
    static const std::vector<std::string> kNone;
    auto it = item.added() ? m_aliasesByKey.end() : m_aliasesByKey.find(item.sourceKey);
    return it == m_aliasesByKey.end() ? kNone : it->second;
}

int EditSet::selectedCount() const {
    return int(std::count_if(m_items.begin(), m_items.end(), [](const EditItem& i) { return i.selected; }));
}

Status EditSet::apply(EditOp op) {
    std::vector<EditItem> before = m_items;
    Status s = applyOne(op);
    if (!s.ok()) {
        m_items = std::move(before);
        return s;
    }
    m_history.push_back(std::move(before));
    m_edits.push_back(std::move(op));
    return Status::OK();
}

Status EditSet::applyAll(const std::vector<EditOp>& ops) {
    int n = 0;
    for (const EditOp& op : ops) {
        ++n;
        Status s = apply(op);
        if (!s.ok()) return Status(s.code(), "Edit " + std::to_string(n) + ": " + s.message());
    }
    return Status::OK();
}

void EditSet::undo() {
    if (m_history.empty()) return;
    m_items = std::move(m_history.back());
    m_history.pop_back();
    m_edits.pop_back();
}

Result<Tensor> EditSet::value(const EditItem& item) const {
    if (item.value) return *item.value;
    if (item.added()) return Status::internal("Added variable '" + item.name + "' has no value.");
    TFS_ASSIGN_OR_RETURN(Tensor t, m_reader->read(item.sourceKey));
    return t;
}

Result<Tensor> EditSet::editableValue(const EditItem& item) const {
    TFS_RETURN_IF_ERROR(value_ops::checkEditable(item.dtype).withContext(item.name));
    return value(item);
}

std::vector<const EditItem*> EditSet::exportItems() const {
    std::vector<const EditItem*> out;
    for (const EditItem& i : m_items)
        if (i.selected) out.push_back(&i);
    auto rank = [this](const EditItem* i) -> std::pair<int, uint64_t> {
        if (i->added()) return {1 << 30, 0};
        const CheckpointEntry* e = m_reader->find(i->sourceKey);
        if (!e) return {1 << 30, 0};
        return {e->shardId, e->slices.empty() ? e->offset : 0};
    };
    std::stable_sort(out.begin(), out.end(), [&](const EditItem* a, const EditItem* b) { return rank(a) < rank(b); });
    return out;
}

Status EditSet::applyRenames(const std::vector<std::pair<EditItem*, std::string>>& renames) {
    std::map<std::string, std::vector<std::string>> owners;  // new name -> old names
    std::map<EditItem*, std::string> target;
    for (const auto& [item, to] : renames) target[item] = to;
    for (EditItem& i : m_items) {
        auto it = target.find(&i);
        owners[it == target.end() ? i.name : it->second].push_back(i.name);
    }
    for (const auto& [item, to] : renames) {
        if (to.empty()) return Status::invalidArgument("Cannot rename '" + item->name + "' to an empty name.");
        if (to == kObjectGraphKey) return Status::invalidArgument("The name '" + to + "' is reserved.");
        const std::vector<std::string>& names = owners[to];
        if (names.size() < 2) continue;
        if (renames.size() == 1) {
            return Status::invalidArgument("Cannot rename '" + item->name + "' to '" + to +
                                           "': a variable named '" + to + "' already exists.");
        }
        std::string list;
        for (const std::string& n : names) list += (list.empty() ? "'" : ", '") + n + "'";
        return Status::invalidArgument("Renaming would give " + std::to_string(names.size()) +
                                       " variables the name '" + to + "': " + list + ".");
    }
    for (const auto& [item, to] : renames) item->name = to;
    return Status::OK();
}

Status EditSet::select(const Selector& s, bool on) {
    std::regex re;
    if (s.kind == Selector::Kind::Regex) { TFS_ASSIGN_OR_RETURN(re, compileRegex(s.pattern)); }
    std::vector<EditItem*> named;
    if (s.kind == Selector::Kind::Name) {
        named = matching(s.pattern);
        if (named.size() > 1) return ambiguous(s.pattern, named);
    }
    int matched = 0;
    for (EditItem& i : m_items) {
        bool hit = false;
        switch (s.kind) {
        case Selector::Kind::All: hit = true; break;
        case Selector::Kind::Name: hit = !named.empty() && named.front() == &i; break;
        case Selector::Kind::Scope: hit = inScope(i.name, s.pattern); break;
        case Selector::Kind::Regex: {
            hit = std::regex_search(i.name, re);
            if (!hit && !i.renamed())
                for (const std::string& alias : aliases(i)) hit = hit || std::regex_search(alias, re);
            break;
        }
        case Selector::Kind::Trainable: hit = i.trainable; break;
        case Selector::Kind::NonTrainable: hit = !i.trainable; break;
        case Selector::Kind::OptimizerSlots: hit = i.optimizerSlot; break;
        case Selector::Kind::VariableScope: hit = !i.added() && inScope(i.treePath, s.pattern); break;
        }
        if (!hit) continue;
        ++matched;
        i.selected = on;
    }
    if (s.kind == Selector::Kind::Name && matched == 0) return Status::notFound("Variable '" + s.pattern + "' does not exist.");
    if (s.kind == Selector::Kind::VariableScope && matched == 0)
        return Status::notFound("No variable is in variable scope '" + s.pattern + "'.");
    return Status::OK();
}

// A value edit on one variable: `change` gets its current value, editable.
template <typename Change>
Status EditSet::editValue(const std::string& name, Change change) {
    TFS_ASSIGN_OR_RETURN(EditItem * item, require(name));
    TFS_ASSIGN_OR_RETURN(Tensor t, editableValue(*item));
    TFS_RETURN_IF_ERROR(change(t).withContext(item->name));
    item->value = std::move(t);
    return Status::OK();
}

Status EditSet::applyOne(const EditOp& op) {
    return std::visit([this](const auto& o) { return applyKind(o); }, op.op());
}

Status EditSet::applyKind(const edits::Select& o) { return select(o.selector, true); }
Status EditSet::applyKind(const edits::Deselect& o) { return select(o.selector, false); }

Status EditSet::applyKind(const edits::Rename& o) {
    TFS_ASSIGN_OR_RETURN(EditItem * item, require(o.from));
    if (o.to == item->name) return Status::OK();
    return applyRenames({{item, o.to}});
}

Status EditSet::applyKind(const edits::RenameRegex& o) {
    TFS_ASSIGN_OR_RETURN(std::regex re, compileRegex(o.pattern));
    std::vector<std::pair<EditItem*, std::string>> renames;
    for (EditItem& i : m_items) {
        if (!std::regex_search(i.name, re)) continue;
        std::string to = std::regex_replace(i.name, re, o.replacement, std::regex_constants::format_first_only);
        if (to != i.name) renames.emplace_back(&i, to);
    }
    if (renames.empty()) return Status::notFound("No variable matches '" + o.pattern + "'.");
    return applyRenames(renames);
}

Status EditSet::applyKind(const edits::RenameScope& o) {
    std::vector<std::pair<EditItem*, std::string>> renames;
    for (EditItem& i : m_items) {
        if (!inScope(i.name, o.from)) continue;
        // "dnn/" -> "model/dnn/" and "dnn" -> "model/dnn" both move "dnn/w" to "model/dnn/w".
        std::string to = o.to;
        if (!o.from.ends_with('/') && to.ends_with('/')) to.pop_back();
        if (o.from.ends_with('/') && !to.empty() && !to.ends_with('/')) to += '/';
        std::string renamed = to + i.name.substr(o.from.size());
        if (renamed != i.name) renames.emplace_back(&i, renamed);
    }
    if (renames.empty()) return Status::notFound("No variable is in scope '" + o.from + "'.");
    return applyRenames(renames);
}

Status EditSet::applyKind(const edits::SetCell& o) {
    return editValue(o.name, [&](Tensor& t) { return value_ops::setCell(t, o.index, o.value); });
}
Status EditSet::applyKind(const edits::Fill& o) {
    return editValue(o.name, [&](Tensor& t) { return value_ops::fill(t, o.value); });
}
Status EditSet::applyKind(const edits::Scale& o) {
    return editValue(o.name, [&](Tensor& t) { return value_ops::scale(t, o.factor); });
}
Status EditSet::applyKind(const edits::Add& o) {
    return editValue(o.name, [&](Tensor& t) { return value_ops::addScalar(t, o.value); });
}

Status EditSet::applyKind(const edits::FromNpy& o) {
    TFS_ASSIGN_OR_RETURN(EditItem * item, require(o.name));
    TFS_ASSIGN_OR_RETURN(Tensor t, io::readNpy(o.path));
    if (t.shape() != item->shape) {
        return Status::invalidArgument("Shape mismatch for '" + item->name + "': the variable has shape '" +
                                       shapeToString(item->shape) + "' but '" + o.path + "' holds '" +
                                       shapeToString(t.shape()) + "'.");
    }
    if (t.dtype() != item->dtype) {
        return Status::invalidArgument("Dtype mismatch for '" + item->name + "': the variable is '" + dtypeText(item->dtype) +
                                       "' but '" + o.path + "' holds '" + dtypeText(t.dtype()) + "'.");
    }
    item->value = std::move(t);
    return Status::OK();
}

Status EditSet::applyKind(const edits::Cast& o) {
    TFS_ASSIGN_OR_RETURN(EditItem * item, require(o.name));
    if (o.dtype == item->dtype) return Status::OK();
    TFS_ASSIGN_OR_RETURN(Tensor t, editableValue(*item));
    TFS_ASSIGN_OR_RETURN(Tensor c, value_ops::cast(t, o.dtype));
    item->dtype = o.dtype;
    item->value = std::move(c);
    return Status::OK();
}

Status EditSet::applyKind(const edits::AddVariable& o) {
    if (o.name.empty()) return Status::invalidArgument("A new variable needs a name.");
    if (o.name == kObjectGraphKey) return Status::invalidArgument("The name '" + o.name + "' is reserved.");
    if (find(o.name)) return Status::invalidArgument("A variable named '" + o.name + "' already exists.");
    Tensor t;
    if (o.init == EditOp::Init::Npy) {
        TFS_ASSIGN_OR_RETURN(t, io::readNpy(o.path));
    } else {
        TFS_RETURN_IF_ERROR(value_ops::checkEditable(o.dtype));
        for (int64_t d : o.shape)
            if (d < 0) return Status::invalidArgument("Invalid shape '" + shapeToString(o.shape) + "'.");
        TFS_ASSIGN_OR_RETURN(t, Tensor::allocate(o.dtype, o.shape, size_t(1) << 34));
        if (o.init != EditOp::Init::Zeros) {
            TFS_RETURN_IF_ERROR(value_ops::fill(t, o.init == EditOp::Init::Ones ? 1.0 : o.value));
        }
    }
    EditItem item;
    item.name = o.name;
    item.dtype = t.dtype();
    item.shape = t.shape();
    item.trainable = true;
    item.value = std::move(t);
    m_items.push_back(std::move(item));
    return Status::OK();
}

Status EditSet::applyKind(const edits::Delete& o) {
    TFS_ASSIGN_OR_RETURN(EditItem * item, require(o.name));
    m_items.erase(m_items.begin() + (item - m_items.data()));
    return Status::OK();
}

}  // namespace tfscope
