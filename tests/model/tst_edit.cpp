// EditSet: selection, renames (with clash messages), value edits, undo and the JSON edit script,
// on the TF-made fixtures tests/data/tutorial (v1 = [1,1,1], v2 = [-1]*5) and tests/data/tf2_ckpt.
#include <QtTest>

#include <filesystem>

#include "load_model.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/edit/edit_set.h"
#include "model/edit/value_ops.h"
#include "model/edit/variable_paths.h"
#include "model/io/npy.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

using namespace tfscope;

namespace {

QStringList names(const EditSet& set, bool selectedOnly = true) {
    QStringList out;
    for (const EditItem& i : set.items())
        if (!selectedOnly || i.selected) out << QString::fromStdString(i.name);
    return out;
}

std::vector<double> values(const EditSet& set, const std::string& name) {
    const EditItem* item = set.find(name);
    if (!item) return {};
    auto t = set.value(*item);
    if (!t.ok()) return {};
    std::vector<double> v;
    for (int64_t i = 0; i < t->numElements(); ++i) v.push_back(t->elementAsDouble(i));
    return v;
}

const std::string kTutorial = TFSCOPE_TEST_DATA "/tutorial/model.ckpt";
const std::string kTf2 = TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-2";

}  // namespace

class TestEdit : public QObject {
    Q_OBJECT
private slots:
    void testItemsOfTutorial() {
        EditSet set = openEditSet(kTutorial);
        QCOMPARE(names(set), (QStringList{"v1", "v2"}));
        QCOMPARE(values(set, "v1"), (std::vector<double>{1, 1, 1}));
        QVERIFY(!set.find("v1")->modified());
        // Unchanged tensors are views of the mapped source, never copies.
        QVERIFY(set.value(*set.find("v2"))->isView());
    }

    void testSelectors() {
        EditSet set = openEditSet(kTf2);
        QVERIFY(set.hasObjectGraph());
        QVERIFY(!set.find(kObjectGraphKey));
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::OptimizerSlots, {}})).ok());
        QCOMPARE(names(set), (QStringList{"model/layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE",
                                          "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
                                          "save_counter/.ATTRIBUTES/VARIABLE_VALUE"}));
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::NonTrainable, {}})).ok());
        QCOMPARE(set.selectedCount(), 2);
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::All, {}})).ok());
        QVERIFY(set.apply(EditOp::select({Selector::Kind::Regex, "kernel/\\.ATTRIBUTES"})).ok());
        QCOMPARE(names(set), (QStringList{"model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"}));
        QVERIFY(set.apply(EditOp::select({Selector::Kind::Scope, "optimizer"})).ok());
        QCOMPARE(set.selectedCount(), 1 + 5);  // beta_1, beta_2, decay, iter, learning_rate
        Status bad = set.apply(EditOp::select({Selector::Kind::Regex, "("}));
        QCOMPARE(bad.message(), std::string("Invalid regular expression '('."));
        Status missing = set.apply(EditOp::select({Selector::Kind::Name, "nope"}));
        QCOMPARE(missing.message(), std::string("Variable 'nope' does not exist."));
    }

    // variable_scope matches the source variable's tree path (graph name; slots under their
    // variable), not the checkpoint key, and survives renames.
    void testVariableScope() {
        EditSet set = openEditSet(kTf2);
        const EditItem* kernelSlot = set.find("model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");
        QVERIFY(kernelSlot);
        QCOMPARE(kernelSlot->treePath, std::string("dense/kernel/m"));
        QCOMPARE(set.find("save_counter/.ATTRIBUTES/VARIABLE_VALUE")->treePath, std::string("save_counter"));
        QVERIFY(set.apply(EditOp::renameScope("model/", "net/")).ok());
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::VariableScope, "dense/"})).ok());
        QCOMPARE(names(set), (QStringList{"optimizer/beta_1/.ATTRIBUTES/VARIABLE_VALUE", "optimizer/beta_2/.ATTRIBUTES/VARIABLE_VALUE",
                                          "optimizer/decay/.ATTRIBUTES/VARIABLE_VALUE", "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE",
                                          "optimizer/learning_rate/.ATTRIBUTES/VARIABLE_VALUE", "save_counter/.ATTRIBUTES/VARIABLE_VALUE"}));
        QVERIFY(set.apply(EditOp::select({Selector::Kind::VariableScope, "dense/kernel"})).ok());
        QCOMPARE(set.selectedCount(), 6 + 3);  // the kernel and its m and v slots
        Status none = set.apply(EditOp::select({Selector::Kind::VariableScope, "Adam/dense"}));
        QCOMPARE(none.message(), std::string("No variable is in variable scope 'Adam/dense'."));
        auto ops = parseEditScript(set.editScript(), "");
        QVERIFY(ops.ok());
        QVERIFY(ops->at(1).get<edits::Deselect>());
        QCOMPARE(int(ops->at(1).get<edits::Deselect>()->selector.kind), int(Selector::Kind::VariableScope));
        QCOMPARE(ops->at(1).get<edits::Deselect>()->selector.pattern, std::string("dense/"));
        QCOMPARE(ops->at(1).describe(), std::string("Deselect variable scope 'dense/'"));
    }

    // Two Keras metrics each hold "count" and "total": their tree paths are their object paths.
    void testTreePathsDisambiguate() {
        auto model = ModelLoader::load(TFSCOPE_SOURCE_DIR "/resources/demo");
        QVERIFY(model.ok());
        const auto& vars = (*model)->summary().variables;
        const std::vector<std::string> paths = variableTreePaths((*model)->summary());
        QCOMPARE(paths.size(), vars.size());
        QStringList counts, convs;
        for (size_t i = 0; i < vars.size(); ++i) {
            if (vars[i].name == "count" || vars[i].name == "total") counts << QString::fromStdString(paths[i]);
            if (vars[i].name.starts_with("conv1/")) convs << QString::fromStdString(paths[i]);
        }
        counts.sort();
        QCOMPARE(counts, (QStringList{"keras_api/metrics/0/count", "keras_api/metrics/0/total",
                                      "keras_api/metrics/1/count", "keras_api/metrics/1/total"}));
        QCOMPARE(convs, (QStringList{"conv1/bias", "conv1/kernel"}));
    }

    // Every name show and the window give a variable works in an edit: display name (TF2
    // full_name), object path, checkpoint key; an ambiguous one lists what it matched.
    void testNamesAsShown() {
        EditSet module = openEditSet(TFSCOPE_TEST_DATA "/tf2_module");
        QVERIFY(module.apply(EditOp::fill("weight", 10)).ok());
        const EditItem* w = module.find("weight/.ATTRIBUTES/VARIABLE_VALUE");
        QVERIFY(w && w->valueEdited());
        QCOMPARE(values(module, w->name), (std::vector<double>{10, 10, 10}));
        QCOMPARE(module.resolve("weight").value(), w);
        QVERIFY(module.apply(EditOp::setCell("bias", {1}, 5)).ok());          // display name
        QVERIFY(module.apply(EditOp::setCell("child/bias", {2}, 6)).ok());    // object path
        const std::vector<double> biasValues = values(module, "child/bias/.ATTRIBUTES/VARIABLE_VALUE");
        QCOMPARE(biasValues.size(), size_t(3));
        QCOMPARE(biasValues[1], 5.0);
        QCOMPARE(biasValues[2], 6.0);

        EditSet ckpt = openEditSet(TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-2");
        const std::string kernel = "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE";
        const std::string bias = "model/layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE";
        const std::vector<double> k0 = values(ckpt, kernel), b0 = values(ckpt, bias);
        QVERIFY(ckpt.apply(EditOp::scale("dense/kernel", 2)).ok());                     // display name
        QVERIFY(ckpt.apply(EditOp::add("model/layer_with_weights-0/bias", 1)).ok());    // object path
        QCOMPARE(values(ckpt, kernel)[0], 2 * k0[0]);
        QCOMPARE(float(values(ckpt, bias)[1]), float(b0[1]) + 1.0f);
        QVERIFY(ckpt.apply(EditOp::deselect({Selector::Kind::All, {}})).ok());
        QVERIFY(ckpt.apply(EditOp::select({Selector::Kind::Name, "dense/bias"})).ok());
        QCOMPARE(names(ckpt), QStringList{QString::fromStdString(bias)});
        QVERIFY(ckpt.apply(EditOp::select({Selector::Kind::Regex, "^dense/kernel$"})).ok());
        QCOMPARE(names(ckpt).size(), 2);
        QVERIFY(ckpt.apply(EditOp::rename("dense/bias", "head/bias")).ok());
        QVERIFY(ckpt.find("head/bias"));
        Status missing = ckpt.apply(EditOp::fill("dense/nothing", 1));
        QCOMPARE(missing.message(), std::string("Variable 'dense/nothing' does not exist."));

        EditSet demo = openEditSet(TFSCOPE_SOURCE_DIR "/resources/demo");
        Status amb = demo.apply(EditOp::fill("count", 0));
        QVERIFY(!amb.ok());
        QVERIFY2(amb.message().starts_with("The name 'count' is ambiguous: it matches 2 variables: '"), amb.message().c_str());
        QVERIFY2(amb.message().find("keras_api/metrics/0/count/.ATTRIBUTES/VARIABLE_VALUE") != std::string::npos, amb.message().c_str());
        QVERIFY(demo.apply(EditOp::fill("keras_api/metrics/1/count", 0)).ok());  // its tree path picks one
    }

    void testSlotHeuristics() {
        QVERIFY(looksLikeOptimizerSlot("dnn/hiddenlayer_0/kernel/Adagrad"));
        QVERIFY(looksLikeOptimizerSlot("w/Adam_1"));
        QVERIFY(looksLikeOptimizerSlot("linear/x/weights/part_0/Ftrl_1"));
        QVERIFY(looksLikeOptimizerSlot("a/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"));
        // A key prefix says nothing (Keras 3 keys weights under optimizer/): TF2 decides from the object graph.
        QVERIFY(!looksLikeOptimizerSlot("optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE"));
        QVERIFY(!looksLikeOptimizerSlot("dnn/logits/kernel"));
        QVERIFY(!looksLikeOptimizerSlot("Adamant/kernel"));
        QVERIFY(inScope("dnn/w", "dnn"));
        QVERIFY(inScope("dnn/w", "dnn/"));
        QVERIFY(!inScope("dnnx/w", "dnn"));
    }

    void testRenames() {
        EditSet set = openEditSet(kTutorial);
        QVERIFY(set.apply(EditOp::rename("v1", "model/v1")).ok());
        QVERIFY(set.find("model/v1")->renamed());
        QCOMPARE(set.find("model/v1")->sourceKey, std::string("v1"));
        Status clash = set.apply(EditOp::rename("v2", "model/v1"));
        QCOMPARE(clash.message(), std::string("Cannot rename 'v2' to 'model/v1': a variable named 'model/v1' already exists."));
        Status many = set.apply(EditOp::renameRegex("^.*$", "same"));
        QCOMPARE(many.message(), std::string("Renaming would give 2 variables the name 'same': 'model/v1', 'v2'."));
        QVERIFY(set.apply(EditOp::renameScope("model/", "net/")).ok());
        QCOMPARE(names(set), (QStringList{"net/v1", "v2"}));
        QVERIFY(set.apply(EditOp::renameScope("net", "a/b")).ok());
        QCOMPARE(names(set), (QStringList{"a/b/v1", "v2"}));
        QVERIFY(set.apply(EditOp::renameRegex("^v(\\d)$", "w$1")).ok());
        QCOMPARE(names(set), (QStringList{"a/b/v1", "w2"}));
        Status reserved = set.apply(EditOp::rename("w2", kObjectGraphKey));
        QCOMPARE(reserved.message(), std::string("The name '_CHECKPOINTABLE_OBJECT_GRAPH' is reserved."));
        set.undo();
        set.undo();
        set.undo();
        QCOMPARE(names(set), (QStringList{"model/v1", "v2"}));
        QCOMPARE(int(set.edits().size()), 1);
    }

    void testValueEdits() {
        EditSet set = openEditSet(kTutorial);
        QVERIFY(set.apply(EditOp::setCell("v1", {1}, 7)).ok());
        QCOMPARE(values(set, "v1"), (std::vector<double>{1, 7, 1}));
        QVERIFY(set.apply(EditOp::scale("v1", 0.5)).ok());
        QCOMPARE(values(set, "v1"), (std::vector<double>{0.5, 3.5, 0.5}));
        QVERIFY(set.apply(EditOp::add("v2", 3)).ok());
        QCOMPARE(values(set, "v2"), (std::vector<double>{2, 2, 2, 2, 2}));
        QVERIFY(set.apply(EditOp::fill("v2", -2.25)).ok());
        QCOMPARE(values(set, "v2"), (std::vector<double>(5, -2.25)));
        QVERIFY(set.apply(EditOp::cast("v2", DType::Int32)).ok());
        QCOMPARE(set.find("v2")->dtype, DType::Int32);
        QCOMPARE(values(set, "v2"), (std::vector<double>(5, -2)));
        Status out = set.apply(EditOp::setCell("v1", {3}, 1));
        QCOMPARE(out.message(), std::string("v1: Index '[3]' does not fit shape '[3]'."));
        QVERIFY(set.apply(EditOp::addVariable("extra", DType::Float, {2, 2}, EditOp::Init::Constant, 4)).ok());
        QCOMPARE(values(set, "extra"), (std::vector<double>(4, 4)));
        Status dup = set.apply(EditOp::addVariable("v1", DType::Float, {1}, EditOp::Init::Ones));
        QCOMPARE(dup.message(), std::string("A variable named 'v1' already exists."));
        QVERIFY(set.apply(EditOp::remove("v1")).ok());
        QVERIFY(!set.find("v1"));
        // Undo everything: the source values come back, as views again.
        while (set.canUndo()) set.undo();
        QCOMPARE(values(set, "v1"), (std::vector<double>{1, 1, 1}));
        QCOMPARE(values(set, "v2"), (std::vector<double>(5, -1)));
        QVERIFY(!set.find("v2")->modified());
        QVERIFY(!set.find("extra"));
    }

    void testFromNpy() {
        QTemporaryDir dir;
        const std::string good = dir.filePath("good.npy").toStdString();
        const std::string wrongShape = dir.filePath("shape.npy").toStdString();
        const std::string wrongType = dir.filePath("type.npy").toStdString();
        QVERIFY(io::writeNpy(good, Tensor::fromVector<float>({3}, {4, 5, 6})).ok());
        QVERIFY(io::writeNpy(wrongShape, Tensor::fromVector<float>({1, 3}, {4, 5, 6})).ok());
        QVERIFY(io::writeNpy(wrongType, Tensor::fromVector<double>({3}, {4, 5, 6})).ok());
        EditSet set = openEditSet(kTutorial);
        QVERIFY(set.apply(EditOp::fromNpy("v1", good)).ok());
        QCOMPARE(values(set, "v1"), (std::vector<double>{4, 5, 6}));
        Status s = set.apply(EditOp::fromNpy("v1", wrongShape));
        QCOMPARE(s.message(), "Shape mismatch for 'v1': the variable has shape '[3]' but '" + wrongShape + "' holds '[1,3]'.");
        Status t = set.apply(EditOp::fromNpy("v1", wrongType));
        QCOMPARE(t.message(), "Dtype mismatch for 'v1': the variable is 'float32' but '" + wrongType + "' holds 'float64'.");
        QCOMPARE(values(set, "v1"), (std::vector<double>{4, 5, 6}));
        QCOMPARE(int(set.edits().size()), 1);
    }

    void testScriptRoundTrip() {
        EditSet set = openEditSet(kTutorial);
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::Name, "v2"})).ok());
        QVERIFY(set.apply(EditOp::rename("v1", "w")).ok());
        QVERIFY(set.apply(EditOp::setCell("w", {0}, 2.5)).ok());
        QVERIFY(set.apply(EditOp::cast("w", DType::Half)).ok());
        QVERIFY(set.apply(EditOp::addVariable("z", DType::Int64, {2}, EditOp::Init::Ones)).ok());
        std::string json = set.editScript();
        auto ops = parseEditScript(json, "");
        QVERIFY2(ops.ok(), ops.status().toString().c_str());
        QCOMPARE(editScriptToJson(*ops), json);
        EditSet replay = openEditSet(kTutorial);
        QVERIFY(replay.applyAll(*ops).ok());
        QCOMPARE(names(replay), (QStringList{"w", "z"}));
        QCOMPARE(values(replay, "w"), (std::vector<double>{2.5, 1, 1}));
        QCOMPARE(replay.find("w")->dtype, DType::Half);
        QCOMPARE(values(replay, "z"), (std::vector<double>{1, 1}));
    }

    // One schema per kind: a script with every kind (as docs/edit-script.md writes them, plus
    // fields older writers added, e.g. dtype/shape on an npy add_variable) reads, describes and
    // writes back to a script that reads the same.
    void testScriptEveryKind() {
        const std::string text = R"J({"format": "tfscope-edit-script", "version": 1, "edits": [
            {"op": "select", "all": true}, {"op": "deselect", "optimizer_slots": true},
            {"op": "select", "variable_scope": "conv1/"}, {"op": "deselect", "regex": "^x$"},
            {"op": "rename", "from": "a", "to": "b"}, {"op": "rename_regex", "pattern": "^(d)", "replacement": "e$1"},
            {"op": "rename_scope", "from": "dnn/", "to": "model/dnn/"},
            {"op": "set_cell", "name": "w", "index": [0, 2], "value": 0.25}, {"op": "fill", "name": "w", "value": -1},
            {"op": "scale", "name": "w", "factor": 0.5}, {"op": "add", "name": "w", "value": 3},
            {"op": "from_npy", "name": "w", "path": "w.npy"}, {"op": "cast", "name": "w", "dtype": "DT_HALF"},
            {"op": "add_variable", "name": "z", "init": "constant", "dtype": "int64", "shape": [2, 3], "value": 7},
            {"op": "add_variable", "name": "y", "init": "npy", "path": "/abs/y.npy", "dtype": "invalid", "shape": []},
            {"op": "delete", "name": "q"}]})J";
        const QStringList want{"Select all", "Deselect optimizer slots", "Select variable scope 'conv1/'", "Deselect /^x$/",
                               "Rename 'a' to 'b'", "Rename /^(d)/ to 'e$1'", "Rename scope 'dnn/' to 'model/dnn/'",
                               "Set a cell of 'w' to 0.25", "Set 'w' to -1", "Scale 'w' by 0.5", "Add 3 to 'w'",
                               "Replace 'w' from '/base/w.npy'", "Cast 'w' to float16", "Add variable 'z'",
                               "Add variable 'y'", "Delete 'q'"};
        auto ops = parseEditScript(text, "/base");
        QVERIFY2(ops.ok(), ops.status().toString().c_str());
        QStringList got;
        for (const EditOp& op : *ops) got << QString::fromStdString(op.describe());
        QCOMPARE(got, want);
        QCOMPARE(ops->at(7).get<edits::SetCell>()->index, (std::vector<int64_t>{0, 2}));
        const edits::AddVariable* z = ops->at(13).get<edits::AddVariable>();
        QVERIFY(z);
        QCOMPARE(z->dtype, DType::Int64);
        QCOMPARE(z->shape, (Shape{2, 3}));
        QCOMPARE(z->value, 7.0);
        QCOMPARE(int(ops->at(14).kind()), int(EditKind::AddVariable));
        const std::string written = editScriptToJson(*ops);
        auto again = parseEditScript(written, "/elsewhere");  // paths are absolute now
        QVERIFY2(again.ok(), again.status().toString().c_str());
        QCOMPARE(editScriptToJson(*again), written);
        QVERIFY(written.find("\"factor\": 0.5") != std::string::npos);
        QVERIFY(written.find("\"variable_scope\": \"conv1/\"") != std::string::npos);
    }

    void testScriptErrors_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::addRow("not json") << "{" << "Not a valid JSON edit script.";
        QTest::addRow("no edits") << "{\"version\": 1}" << "Edit script has no 'edits' list.";
        QTest::addRow("version") << "{\"version\": 2, \"edits\": []}" << "Unsupported edit script version '2'.";
        QTest::addRow("unknown op") << "[{\"op\": \"frobnicate\"}]" << "Edit 1: unknown op 'frobnicate'.";
        QTest::addRow("missing field") << "[{\"op\": \"select\", \"all\": true}, {\"op\": \"rename\", \"from\": \"a\"}]"
                                       << "Edit 2: missing string field 'to'.";
        QTest::addRow("no selector") << "[{\"op\": \"deselect\"}]"
                                     << "Edit 1: 'deselect' needs one of all, name, scope, variable_scope, regex, trainable, non_trainable, optimizer_slots.";
        QTest::addRow("bad init") << "[{\"op\": \"add_variable\", \"name\": \"z\", \"init\": \"random\"}]"
                                  << "Edit 1: unknown init 'random'.";
        QTest::addRow("bad index") << "[{\"op\": \"set_cell\", \"name\": \"w\", \"index\": [0.5], \"value\": 1}]"
                                   << "Edit 1: field 'index' must hold integers.";
        QTest::addRow("bad dtype") << "[{\"op\": \"cast\", \"name\": \"a\", \"dtype\": \"float33\"}]"
                                   << "Edit 1: unknown dtype 'float33'.";
    }
    void testScriptErrors() {
        QFETCH(QString, json);
        QFETCH(QString, message);
        auto ops = parseEditScript(json.toStdString(), "");
        QVERIFY(!ops.ok());
        QCOMPARE(QString::fromStdString(ops.status().message()), message);
    }

    void testScriptApplyErrorNamesEdit() {
        EditSet set = openEditSet(kTutorial);
        auto ops = parseEditScript(R"([{"op": "scale", "name": "v1", "factor": 2}, {"op": "delete", "name": "v9"}])", "");
        QVERIFY(ops.ok());
        Status s = set.applyAll(*ops);
        QCOMPARE(s.message(), std::string("Edit 2: Variable 'v9' does not exist."));
    }

    void testCastConversions() {
        Tensor t = Tensor::fromVector<float>({4}, {1.7f, -1.7f, 300.f, std::nanf("")});
        auto i8 = value_ops::cast(t, DType::Int8);
        QVERIFY(i8.ok());
        QCOMPARE(i8->data<int8_t>()[0], int8_t(1));
        QCOMPARE(i8->data<int8_t>()[1], int8_t(-1));
        QCOMPARE(i8->data<int8_t>()[2], int8_t(127));
        QCOMPARE(i8->data<int8_t>()[3], int8_t(0));
        auto b = value_ops::cast(t, DType::Bool);
        QCOMPARE(b->data<uint8_t>()[0], uint8_t(1));
        Status s = value_ops::checkEditable(DType::String);
        QCOMPARE(s.message(), std::string("Values of dtype 'string' cannot be edited."));
    }
};

QTEST_GUILESS_MAIN(TestEdit)
#include "tst_edit.moc"
