// ModelLoader over the shared real models (MANIFEST.md): SavedModels TF1/TF2, TF Serving bases,
// checkpoint folders with state files, bare .meta, frozen/text GraphDefs, and error cases.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/graph/graph_index.h"
#include "model/loader/format_detect.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"

using namespace tfscope;
namespace fs = std::filesystem;

namespace {

const std::string kModels = TFSCOPE_SHARED_MODELS;

std::shared_ptr<const Model> mustLoad(const std::string& rel) {
    auto r = ModelLoader::load(kModels + "/" + rel);
    if (!r.ok()) qWarning("%s", r.status().toString().c_str());
    return r.ok() ? r.value() : nullptr;
}

const SignatureSummary* findSig(const MetaGraphSummary& mg, const std::string& key) {
    for (const auto& s : mg.signatures)
        if (s.key == key) return &s;
    return nullptr;
}

const VariableSummary* findVar(const Model& m, const std::string& name) {
    for (const auto& v : m.summary().variables)
        if (v.name == name) return &v;
    return nullptr;
}

double scalarValue(const Model& m, const std::string& key) {
    auto t = m.checkpoint()->read(key);
    if (!t.ok()) return -12345;
    return t->elementAsDouble(0);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string writeTemp(const fs::path& dir, const std::string& name, const std::string& bytes) {
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return (dir / name).string();
}

}  // namespace

class TestLoader : public QObject {
    Q_OBJECT
private:
    fs::path m_tmp;

private slots:
    void initTestCase() {
        m_tmp = fs::temp_directory_path() / ("tfscope_tst_loader_" + std::to_string(::getpid()));
        fs::create_directories(m_tmp);
    }
    void cleanupTestCase() { fs::remove_all(m_tmp); }

    void testDetectFormat_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("pathSuffix");
        auto row = [](const char* name, const char* rel, ModelFormat f, const char* suffix) {
            QTest::addRow("%s", name) << QString::fromUtf8(rel) << int(f) << QString::fromUtf8(suffix);
        };
        row("saved model dir", "serving_saved_model_half_plus_two_cpu/00000123", ModelFormat::SavedModelDir, "00000123");
        row("saved_model.pb file", "serving_saved_model_half_plus_two_cpu/00000123/saved_model.pb", ModelFormat::SavedModelDir, "00000123");
        row("pbtxt saved model", "tf_cc_half_plus_two_pbtxt/00000123", ModelFormat::SavedModelDir, "00000123");
        row("serving base", "serving_saved_model_half_plus_two_2_versions", ModelFormat::ServingBaseDir, "2_versions");
        row("checkpoint dir", "onnx_regression/checkpoint", ModelFormat::CheckpointDir, "checkpoint");
        row("checkpoint state file", "onnx_regression/checkpoint/checkpoint", ModelFormat::CheckpointDir, "checkpoint");
        row("index file", "onnx_regression/checkpoint/model.index", ModelFormat::CheckpointPrefix, "checkpoint/model");
        row("data file", "onnx_regression/checkpoint/model.data-00000-of-00001", ModelFormat::CheckpointPrefix, "checkpoint/model");
        row("prefix", "onnx_regression/checkpoint/model", ModelFormat::CheckpointPrefix, "checkpoint/model");
        row("variables prefix", "kotlindl_mnist1_saved_model/variables/variables", ModelFormat::CheckpointPrefix, "variables/variables");
        row("v1 checkpoint file", "serving_session_bundle_half_plus_two/00000123/export-00000-of-00001", ModelFormat::CheckpointPrefix, "export-00000-of-00001");
        row("meta", "tfnet_graph_meta/xor.meta", ModelFormat::MetaGraph, "xor.meta");
        row("frozen pb", "onnx_regression/graphdef/frozen.pb", ModelFormat::GraphDefBinary, "frozen.pb");
        row("tiny pb", "rust_multiplication/multiplication.pb", ModelFormat::GraphDefBinary, "multiplication.pb");
        row("graph pbtxt", "tfx_trainer_current_Format-Serving/graph.pbtxt", ModelFormat::GraphDefText, "graph.pbtxt");
    }
    void testDetectFormat() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        QFETCH(QString, rel);
        QFETCH(int, format);
        QFETCH(QString, pathSuffix);
        auto r = detectFormat(kModels + "/" + rel.toStdString());
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(int(r->format), format);
        QVERIFY2(r->path.ends_with(pathSuffix.toStdString()), r->path.c_str());
    }

    void testHalfPlusTwoCpu() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("serving_saved_model_half_plus_two_cpu/00000123");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::SavedModelDir);
        QCOMPARE(m->metaGraphCount(), 1);
        QCOMPARE(m->tensorflowVersion(), std::string("1.14.0"));
        const auto& mg = m->summary().metaGraphs.at(0);
        QCOMPARE(mg.tags, std::vector<std::string>{"serve"});
        QCOMPARE(mg.signatures.size(), size_t(5));
        const SignatureSummary* sig = findSig(mg, "serving_default");
        QVERIFY(sig);
        QCOMPARE(sig->methodName, std::string("tensorflow/serving/predict"));
        QCOMPARE(sig->inputs.at(0).key, std::string("x"));
        QCOMPARE(sig->inputs.at(0).name, std::string("x:0"));
        QCOMPARE(sig->inputs.at(0).dtypeName, std::string("DT_FLOAT"));
        QCOMPARE(*sig->inputs.at(0).shape, (std::vector<int64_t>{-1, 1}));
        QCOMPARE(sig->outputs.at(0).name, std::string("y:0"));
        QVERIFY(findSig(mg, "classify_x_to_y"));
        QCOMPARE(findSig(mg, "regress_x_to_y")->inputs.at(0).dtypeName, std::string("DT_STRING"));
        // Weights via the checkpoint reader; variables matched to keys by name.
        QVERIFY(m->checkpoint());
        QCOMPARE(scalarValue(*m, "a"), 0.5);
        QCOMPARE(scalarValue(*m, "b"), 2.0);
        QCOMPARE(scalarValue(*m, "c"), 3.0);
        QCOMPARE(m->summary().variables.size(), size_t(6));  // a, a2, b, c, c2 and the string filename_tensor
        const VariableSummary* a = findVar(*m, "a");
        QVERIFY(a);
        QCOMPARE(a->checkpointKey, std::string("a"));
        QVERIFY(a->inCheckpoint);
        QCOMPARE(a->dtypeName, std::string("DT_FLOAT"));
        QCOMPARE(a->graphNode, std::string("a"));
        QCOMPARE(a->paramCount, int64_t(1));
        QCOMPARE(m->assets(), std::vector<std::string>{"foo.txt"});
        QCOMPARE(mg.assetFiles.size(), size_t(1));
        QCOMPARE(mg.assetFiles[0].filename, std::string("foo.txt"));
        QVERIFY(mg.assetFiles[0].exists);
        QCOMPARE(mg.assetFiles[0].size, uint64_t(19));
        QVERIFY(mg.saver.present);
        QCOMPARE(mg.saver.versionName, std::string("V2"));
        QVERIFY(m->warnings().empty());
        auto idx = m->graphIndex(0);
        QVERIFY(idx);
        QVERIFY(idx->find("y") != kNoNode);
    }

    void testTwoVersions() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("serving_saved_model_half_plus_two_2_versions");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::ServingBaseDir);
        QCOMPARE(m->openedFormat(), ModelFormat::SavedModelDir);
        QCOMPARE(m->versions().size(), size_t(2));
        QCOMPARE(m->versions()[0].version, int64_t(123));
        QCOMPARE(m->versions()[1].version, int64_t(124));
        QVERIFY(!m->versions()[0].served);
        QVERIFY(m->versions()[1].served);
        QVERIFY(m->openedPath().ends_with("00000124"));
        QCOMPARE(m->summary().metaGraphs.at(0).signatures.size(), size_t(6));
        QCOMPARE(scalarValue(*m, "b"), 2.0);
    }

    void testServingIgnoresNonNumeric() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        fs::path base = m_tmp / "base";
        fs::create_directories(base / "tmp");
        fs::copy(kModels + "/serving_batching_matrix_half_plus_two/1", base / "7", fs::copy_options::recursive);
        writeTemp(base, "README", "x");
        auto r = ModelLoader::load(base.string());
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE((*r)->versions().size(), size_t(1));
        QCOMPARE((*r)->versions()[0].version, int64_t(7));
        QCOMPARE((*r)->ignoredEntries(), (std::vector<std::string>{"README", "tmp"}));
    }

    void testTf2ObjectGraphLinked() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("serving_saved_model_half_plus_two_tf2_cpu/00000123");
        QVERIFY(m);
        QVERIFY(m->trackableObjectGraph());
        QVERIFY(m->fingerprint().has_value());
        QCOMPARE(m->fingerprint()->savedModelChecksum, uint64_t(3202314178945370836ull));
        const auto& og = m->summary().metaGraphs.at(0).objectGraph;
        QVERIFY(og.present && og.fromSavedModel);
        QCOMPARE(og.nodes.size(), size_t(24));
        QCOMPARE(og.concreteFunctionCount, 12);
        // Root child 'a' is the SavedVariable linked to checkpoint key a/.ATTRIBUTES/VARIABLE_VALUE.
        int aId = -1;
        for (const auto& c : og.nodes[0].children)
            if (c.localName == "a") aId = c.nodeId;
        QVERIFY(aId > 0);
        const ObjectGraphNode& a = og.nodes[aId];
        QCOMPARE(a.kind, std::string("variable"));
        QCOMPARE(a.path, std::string("a"));
        QVERIFY(a.trackableId > 0);
        QCOMPARE(a.attributes.size(), size_t(1));
        QCOMPARE(a.attributes[0].checkpointKey, std::string("a/.ATTRIBUTES/VARIABLE_VALUE"));
        const VariableSummary* v = nullptr;
        for (const auto& x : m->summary().variables)
            if (x.objectPath == "a") v = &x;
        QVERIFY(v);
        QCOMPARE(v->checkpointKey, std::string("a/.ATTRIBUTES/VARIABLE_VALUE"));
        QCOMPARE(v->objectNodeId, aId);
        QVERIFY(v->inCheckpoint);
        QCOMPARE(scalarValue(*m, v->checkpointKey), 0.5);
        QCOMPARE(scalarValue(*m, "c/.ATTRIBUTES/VARIABLE_VALUE"), 3.0);
        QCOMPARE(m->summary().variables.size(), size_t(3));
        QVERIFY(!v->graphNode.empty());
        QCOMPARE(findSig(m->summary().metaGraphs[0], "serving_default")->defaults.size(), size_t(1));
    }

    void testKotlindlOptimizerSlots() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("kotlindl_mnist1_saved_model");
        QVERIFY(m);
        const auto& vars = m->summary().variables;
        int slotCount = 0;
        for (size_t i = 0; i < vars.size(); ++i) {
            if (!vars[i].isOptimizerSlot) continue;
            ++slotCount;
            QVERIFY2(!vars[i].slotOf.empty(), vars[i].name.c_str());
            QVERIFY(vars[i].slotName == "m" || vars[i].slotName == "v");
            QVERIFY(vars[i].objectPath.find("/.OPTIMIZER_SLOT/optimizer/") != std::string::npos);
            QVERIFY(vars[i].inCheckpoint);
            // Sorted right after their variable (or after a sibling slot).
            QVERIFY(i > 0 && (vars[i - 1].name == vars[i].slotOf || vars[i - 1].slotOf == vars[i].slotOf));
        }
        QCOMPARE(slotCount, 8);  // m and v for two kernels and two biases
        const VariableSummary* kernel = nullptr;
        for (const auto& v : vars)
            if (v.objectPath == "layer_with_weights-0/kernel") kernel = &v;
        QVERIFY(kernel);
        QCOMPARE(*kernel->shape, (std::vector<int64_t>{784, 128}));
        QCOMPARE(kernel->paramCount, int64_t(784 * 128));
        QCOMPARE(kernel->bytes, uint64_t(784 * 128 * 4));
        QVERIFY(kernel->trainable);
    }

    void testCheckpointDirOnnx() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("onnx_regression/checkpoint");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::CheckpointDir);
        QCOMPARE(m->openedFormat(), ModelFormat::CheckpointPrefix);
        QCOMPARE(m->checkpoints().size(), size_t(1));
        QVERIFY(m->checkpoints()[0].latest && m->checkpoints()[0].exists);
        QVERIFY(m->openedPath().ends_with("checkpoint/model"));
        QCOMPARE(m->metaGraphCount(), 1);  // model.meta attached
        QVERIFY(m->checkpoint());
        QVERIFY(std::abs(scalarValue(*m, "W") - 0.21396178) < 1e-7);
        QVERIFY(std::abs(scalarValue(*m, "b") - 1.0495254) < 1e-7);
        QVERIFY(findVar(*m, "W") && findVar(*m, "W")->inCheckpoint);
    }

    void testCheckpointDirTfx() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("tfx_trainer_current_Format-Serving");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::CheckpointDir);
        QCOMPARE(m->checkpoints().size(), size_t(3));
        QVERIFY(m->checkpoints()[0].prefix.ends_with("model.ckpt-0"));
        QVERIFY(m->checkpoints()[2].prefix.ends_with("model.ckpt-1000"));
        QVERIFY(m->checkpoints()[2].latest);
        QVERIFY(!m->checkpoints()[0].latest);
        QVERIFY(m->openedPath().ends_with("model.ckpt-1000"));
        QCOMPARE(m->metaGraphCount(), 1);
        QCOMPARE(m->checkpoint()->entries().size(), size_t(60));
        QCOMPARE(scalarValue(*m, "global_step"), 1000.0);
        const VariableSummary* gs = findVar(*m, "global_step");
        QVERIFY(gs);
        QCOMPARE(gs->dtypeName, std::string("DT_INT64"));
        // Keras-style optimizer slots in a TF1 graph: training/<Optimizer>/<variable>/<slot>.
        int slotCount = 0;
        for (const auto& v : m->summary().variables)
            if (v.isOptimizerSlot) ++slotCount;
        QCOMPARE(slotCount, 10 + 2 * 10);  // Adagrad accumulators (dnn) + Ftrl accumulator/linear (linear)
        const VariableSummary* acc = findVar(*m, "training/Adagrad/dnn/logits/kernel/accumulator");
        QVERIFY(acc && acc->isOptimizerSlot);
        QCOMPARE(acc->slotOf, std::string("dnn/logits/kernel"));
        QCOMPARE(acc->slotName, std::string("accumulator"));
    }

    void testCheckpointPrefixListsSiblings() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("tfx_trainer_current_Format-Serving/model.ckpt-999.index");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::CheckpointPrefix);
        QVERIFY(m->openedPath().ends_with("model.ckpt-999"));
        QCOMPARE(m->checkpoints().size(), size_t(3));
        QCOMPARE(m->metaGraphCount(), 1);
    }

    void testInceptionMeta() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("tfnet_graph_meta/InceptionV3.meta");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::MetaGraph);
        QVERIFY(!m->checkpoint());
        auto idx = m->graphIndex(0);
        QVERIFY(idx);
        QCOMPARE(idx->nodeCount(), 11040);
        QCOMPARE(m->summary().metaGraphs[0].nodeCount, 11040);
        int conv = 0;
        for (NodeId i = 0; i < idx->nodeCount(); ++i)
            if (idx->op(i) == "Conv2D") ++conv;
        QCOMPARE(conv, 188);
    }

    void testFrozenGraphDef() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("onnx_regression/graphdef/frozen.pb");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::GraphDefBinary);
        auto idx = m->graphIndex(0);
        NodeId pred = idx->find("pred");
        QVERIFY(pred != kNoNode);
        QVERIFY(idx->find("X") != kNoNode);
        std::vector<std::string> out{"pred:0"};
        auto sub = idx->subgraphFor(out);
        QVERIFY(std::find(sub.begin(), sub.end(), idx->find("X")) != sub.end());
        QVERIFY(m->summary().variables.empty());
    }

    void testGraphPbtxt() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("tfx_trainer_current_Format-Serving/graph.pbtxt");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::GraphDefText);
        QCOMPARE(m->graphIndex(0)->nodeCount(), 2502);
    }

    void testPbtxtSavedModel() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("tf_cc_half_plus_two_pbtxt/00000123");
        QVERIFY(m);
        const auto& mg = m->summary().metaGraphs.at(0);
        const SignatureSummary* sig = findSig(mg, "serving_default");
        QVERIFY(sig);
        QCOMPARE(sig->inputs.at(0).dtype, 0);
        QVERIFY(!sig->inputs.at(0).hasShape);
        QVERIFY(contains(m->warnings(), "No 'variables' folder; the model has no saved weights."));
    }

    void testMissingVariablesDegrades() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("onnx_saved_model_with_redundant_inputs");
        QVERIFY(m);
        QVERIFY(!m->checkpoint());
        QCOMPARE(m->warnings().size(), size_t(1));
        QCOMPARE(m->warnings()[0], std::string("No 'variables' folder; the model has no saved weights."));
    }

    void testV1SessionBundle() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto m = mustLoad("serving_session_bundle_half_plus_two/00000123");
        QVERIFY(m);
        QCOMPARE(m->format(), ModelFormat::MetaGraph);
        QVERIFY(m->checkpoint());
        QCOMPARE(scalarValue(*m, "a"), 0.5);
    }

    void testErrors_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        fs::path bad = m_tmp / "bad_pb";
        writeTemp(bad, "saved_model.pb", "<html><body>Not a model</body></html>");
        fs::path badTxt = m_tmp / "bad_txt";
        writeTemp(badTxt, "saved_model.pbtxt", "saved_model_schema_version: 1\nmeta_graphs {\n  meta_info_def {\n    tags: \"serve\"\n  }\n  signature_def { key: }\n}\n");
        fs::path empty = m_tmp / "empty";
        fs::create_directories(empty);
        fs::path loop = m_tmp / "loop";
        fs::create_directories(loop);
        std::error_code ec;
        fs::create_symlink(loop / "b", loop / "a", ec);
        fs::create_symlink(loop / "a", loop / "b", ec);
        QTest::addRow("not protobuf") << QString::fromStdString(bad.string()) << int(Status::Code::Corruption)
                                      << QString::fromStdString((bad / "saved_model.pb").string() + ": Not a valid tensorflow.SavedModel protobuf.");
        QTest::addRow("pbtxt syntax") << QString::fromStdString(badTxt.string()) << int(Status::Code::Corruption)
                                      << QString::fromStdString((badTxt / "saved_model.pbtxt").string() + ":6:24: Expected string, got: }.");
        QTest::addRow("empty folder") << QString::fromStdString(empty.string()) << int(Status::Code::InvalidArgument)
                                      << QString::fromStdString(empty.string() + ": The folder is empty.");
        QTest::addRow("symlink loop") << QString::fromStdString((loop / "a").string()) << int(Status::Code::InvalidArgument)
                                      << QString::fromStdString("Symbolic link loop at '" + (loop / "a").string() + "'.");
        QTest::addRow("missing") << QString::fromStdString((m_tmp / "nope").string()) << int(Status::Code::NotFound)
                                 << QString::fromStdString("No such file or folder '" + (m_tmp / "nope").string() + "'.");
        QTest::addRow("not a model") << QString::fromStdString(writeTemp(m_tmp, "notes.txt", "hello world\n"))
                                     << int(Status::Code::InvalidArgument)
                                     << QString::fromStdString((m_tmp / "notes.txt").string() + ": Text file whose first field is 'hello' is not a SavedModel, MetaGraphDef or GraphDef.");
    }
    void testErrors() {
        QFETCH(QString, path);
        QFETCH(int, code);
        QFETCH(QString, message);
        auto r = ModelLoader::load(path.toStdString());
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.status().message()), message);
        QCOMPARE(int(r.status().code()), code);
    }
};

QTEST_GUILESS_MAIN(TestLoader)
#include "tst_loader.moc"
