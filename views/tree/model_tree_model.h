#pragma once
// ModelTreeModel: the left-dock tree over a loaded Model: Model facts, each MetaGraph (signatures
// with inputs/outputs, collections, SaverDef, functions, assets, object graph), the variables or
// checkpoint tensors grouped by name scope (optimizer slots under their variable, hideable), the
// checkpoint list and warnings. Items are a table of small index records pointing into the
// Model's ModelSummary (never copies of it), with the list they are in typed (Side, Part); display
// text is made in data() (docs/architecture.md#item-models).
//
//   auto* m = new ModelTreeModel(this);
//   m->setModel(model);             // std::shared_ptr<const Model>
//   view->setModel(m);
//
// Thread safety: GUI thread only.

#include <QAbstractItemModel>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tfscope {

class EditSession;
struct EditItem;
struct ModelDiff;
struct TensorInfoSummary;
class Model;

class ModelTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { ColName, ColType, ColShape, ColInfo, ColumnCount };
    enum Roles {
        KindRole = Qt::UserRole,  // ModelTreeModel::Kind as int
        NodeNameRole,             // graph node to select ("" if none)
        VariableRole,             // index into summary().variables, -1 if none
        CheckpointKeyRole,        // tensor to show in the tensor viewer ("" if none)
        FunctionRole,             // function name
        AssetPathRole,            // absolute path of an asset file
        SignatureRole,            // "metaGraph/signatureKey"
        MetaGraphRole,            // meta graph index, -1 if none
        ModifiedRole,             // variables/scopes with an edit session: renamed, value edited, deleted or added
        EditNameRole,             // with an edit session: the variable's current name ("" if none or deleted)
        CheckpointPrefixRole,     // a checkpoint of a checkpoint folder: its absolute prefix
        CompareKindRole,          // with a comparison: the variable's VariableDiff::Kind as int, -1 if none
        CompareIndexRole,         // with a comparison: index into ModelDiff::variables, -1 if none
    };
    // clang-format off
    enum class Kind {
        Section, Info, MetaGraph, Signature, SignatureSide, SignatureTensor, Collection, CollectionValue,
        SaverField, Function, Asset, AssetExtra, ObjectNode, Scope, Variable, CheckpointListing, Warning,
        AddedVariable,  // a variable the edits added (last rows of Variables; a = its rank among added ones)
        // With a comparison: the section of variables only in the other model, and one of them (a =
        // index into ModelDiff::variables).
        CompareSection, ComparedOnly,
    };
    // clang-format on

    explicit ModelTreeModel(QObject* parent = nullptr);
    ~ModelTreeModel() override;

    void setModel(std::shared_ptr<const Model> model);
    std::shared_ptr<const Model> model() const { return m_model; }
    // Optimizer slot variables shown (default) or hidden.
    void setShowSlots(bool show);
    bool showSlots() const { return m_showSlots; }
    // Variables get export checkboxes (scopes: tri-state) and modified marks from `session`; toggling
    // a box pushes a select/deselect edit. Not owned; must outlive this. nullptr = no checkboxes.
    void setEditSession(EditSession* session);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    // Marks from a comparison of this model (A) with another (B), e.g. diffModels(A, B): each
    // variable's kind (equal, values changed with max |Δ|, dtype/shape changed, removed = only in
    // A) in the Details column and as a background tint, scopes count their changed variables, and
    // the variables only in B are rows of a last section "Only in OTHERNAME". nullptr clears.
    // setModel() clears it too.
    void setComparison(std::shared_ptr<const ModelDiff> diff, const QString& otherName);
    const ModelDiff* comparison() const { return m_diff.get(); }
    const QString& comparisonName() const { return m_otherName; }

    // The item showing variable `v` (summary index), or invalid.
    QModelIndex indexForVariable(int v) const;
    // Printed tree (name column, two spaces per level), for tests.
    QString dump(int maxDepth = 99) const;

private:
    // Which list of a signature / collection an item is in (typed, not encoded in an index).
    enum class Side : uint8_t { None,
                                Inputs,
                                Outputs };  // SignatureSide, SignatureTensor
    enum class Part : uint8_t { Values,
                                VariableDefs,
                                AssetFiles };  // CollectionValue
    struct Item {
        Kind kind = Kind::Section;
        int parent = -1;
        int row = 0;
        // Indices into the ModelSummary, by kind: a = meta graph (or section id, info row, variable,
        // checkpoint, warning, assets.extra file), b = signature / collection / saver field /
        // function / asset / object node (Section: its meta graph), c = entry in that list (a
        // signature's inputs or outputs by `side`, a collection's `part`, an object's child; a
        // scope's depth).
        int a = -1, b = -1, c = -1;
        Side side = Side::None;
        Part part = Part::Values;
        std::vector<int> children;
    };
    int add(int parent, Kind kind, int a = -1, int b = -1, int c = -1);
    // The signature input/output a SignatureTensor item shows.
    const TensorInfoSummary& signatureTensor(const Item& it) const;
    void rebuild();
    void buildMetaGraph(int parent, int mg);
    void buildObjectGraph(int parent, int mg);
    void buildVariables(int parent);
    QVariant display(const Item& it, int column) const;
    QVariant userRole(const Item& it, int role) const;
    QVariant decoration(const Item& it) const;  // the kind's icon (views/window/icons.h)
    // model_tree_edits.cpp: checkboxes and modified marks.
    struct EditMark {
        int editItem = -1;      // index into EditSet::items(), -1 if none (deleted, not in checkpoint)
        bool deleted = false;   // a checkpoint variable the edits removed
        bool modified = false;  // this item or (scopes) a descendant
        uint8_t subtree = 0;    // bit 0: some selected, bit 1: some unselected (self and descendants)
    };
    void computeMarks();
    void refreshMarks();
    // Rows for the added variables; `notify`: inside begin/endInsert/RemoveRows (else in a reset).
    void syncAddedRows(bool notify);
    const EditItem* addedItem(const Item& it) const;
    QVariant addedDisplay(const Item& it, int column) const;
    QVariant editData(const Item& it, int id, int column, int role) const;
    bool toggleCheck(int id, bool checked);
    std::string scopePath(const Item& it) const;
    // model_tree_compare.cpp: comparison marks.
    void buildComparison();
    QVariant compareData(const Item& it, int id, int column, int role) const;

    std::shared_ptr<const Model> m_model;
    std::vector<Item> m_items;   // [0] is the invisible root
    std::vector<int> m_variableItem;
    std::vector<std::string> m_treePaths;  // per variable (model/edit/variable_paths.h)
    bool m_showSlots = true;
    EditSession* m_edits = nullptr;   // Not owned.
    std::vector<EditMark> m_marks;    // per item, when m_edits is active
    int m_variablesSection = -1;
    std::vector<int> m_added;          // EditSet item index of each added variable, in order
    int m_firstAddedItem = -1;         // m_items index of the first added row (they are the last items)
    std::shared_ptr<const ModelDiff> m_diff;
    QString m_otherName;
    std::vector<int> m_diffOfVariable;  // per variable: index into m_diff->variables, -1 if none
    struct CompareCount {
        int changed = 0;    // descendants not equal (values, dtype, shape, removed)
        double maxAbs = 0;  // their largest max |Δ|
    };
    std::vector<CompareCount> m_compareCounts;  // per item (scopes, the Variables section)
};

}  // namespace tfscope
