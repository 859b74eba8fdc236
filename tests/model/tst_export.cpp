// Exports: every V2 checkpoint of tests/data and of the shared real models round-trips value by value (and byte for byte for
// densely packed single-shard data files); the tutorial's v1-only export equals TF's
// Saver({"v1": v1}) output; SavedModel exports; refusals; and fault tests (ENOTDIR, a file-size
// limit, cancel, SIGKILL mid-export) that leave no partial output and an unchanged source.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include "load_model.h"
#include "model/checkpoint/bundle_writer.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/edit/edit_set.h"
#include "model/export/exporter.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "model/loader/model_protos.h"
#include "model/progress.h"
#include "shared_models.h"
#include "trackable_object_graph.pb.h"

using namespace tfscope;
namespace fs = std::filesystem;

namespace {

QByteArray fileBytes(const std::string& path) {
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

QByteArray sha256(const std::string& path) {
    return QCryptographicHash::hash(fileBytes(path), QCryptographicHash::Sha256).toHex();
}

QStringList dirEntries(const std::string& dir) {
    QStringList out;
    for (const auto& e : fs::directory_iterator(dir)) out << QString::fromStdString(e.path().filename().string());
    out.sort();
    return out;
}

// Prefixes of every V2 checkpoint below `root`.
std::vector<std::string> findCheckpoints(const std::string& root) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        std::string p = e.path().string();
        if (p.ends_with(".index") && p.find(".tmp-") == std::string::npos) out.push_back(p.substr(0, p.size() - 6));
    }
    std::sort(out.begin(), out.end());
    return out;
}

class SlowProgress : public Progress {
public:
    void report(int64_t, int64_t) override { ::usleep(40000); }
};

class CancelAfterFirst : public Progress {
public:
    void report(int64_t, int64_t) override { cancel(); }
};

// A synthetic source: `count` float tensors of `mb` MiB each.
void writeSynthetic(const std::string& prefix, int count, int mb) {
    auto w = BundleWriter::create(prefix);
    QVERIFY(w.ok());
    for (int i = 0; i < count; ++i) {
        Tensor t(DType::Float, {int64_t(mb) << 18});
        float* f = t.mutableData<float>();
        for (int64_t k = 0; k < t.numElements(); k += 1024) f[k] = float(i + k);
        QVERIFY((*w)->add("layer" + std::to_string(i) + "/w", t).ok());
    }
    QVERIFY((*w)->finish().ok());
}

// Exports every V2 checkpoint among `prefixes` unchanged and compares it with its source: same
// entries and values; the data file byte-identical when the source is one densely packed shard.
void roundTrip(const std::vector<std::string>& prefixes, int& compared, int& byteIdentical) {
    QTemporaryDir dir;
    for (const std::string& prefix : prefixes) {
        auto reader = CheckpointReader::open(prefix);
        if (!reader.ok() || (*reader)->format() != CheckpointFormat::V2Bundle) continue;
        std::shared_ptr<const CheckpointReader> src = std::move(reader).value();
        auto set = EditSet::fromCheckpoint(src);
        QVERIFY(set.ok());
        ExportOptions o;
        o.out = dir.filePath(QString::number(compared++) + "/model").toStdString();
        fs::create_directories(fs::path(o.out).parent_path());
        auto r = exportCheckpoint(*set, o);
        QVERIFY2(r.ok(), (prefix + ": " + r.status().toString()).c_str());
        auto back = CheckpointReader::open(o.out);
        QVERIFY2(back.ok(), back.status().toString().c_str());
        QCOMPARE((*back)->entries().size(), src->entries().size());
        bool packed = src->numShards() == 1;
        uint64_t total = 0;
        for (const CheckpointEntry& e : src->entries()) {
            const CheckpointEntry* b = (*back)->find(e.key);
            QVERIFY2(b, e.key.c_str());
            QCOMPARE(b->dtype, e.dtype);
            QCOMPARE(b->shape, e.shape);
            auto x = src->read(e.key);
            auto y = (*back)->read(e.key);
            QVERIFY2(x.ok() && y.ok(), (prefix + " " + e.key).c_str());
            QVERIFY2(x->sameContent(*y), (prefix + " " + e.key).c_str());
            packed = packed && e.slices.empty();
            total += e.size;
        }
        std::string srcData = prefix + ".data-00000-of-00001";
        if (packed && fs::exists(srcData) && fs::file_size(srcData) == total) {
            QVERIFY2(fileBytes(srcData) == fileBytes(o.out + ".data-00000-of-00001"), prefix.c_str());
            ++byteIdentical;
        } else {
            qInfo("values only (sharded, partitioned or padded source): %s", prefix.c_str());
        }
    }
}

}  // namespace

class TestExport : public QObject {
    Q_OBJECT
private slots:
    // The in-repo fixtures made by TensorFlow (tests/data): byte-identical where densely packed.
    void testFixtureCheckpointsRoundTrip() {
        std::vector<std::string> prefixes = findCheckpoints(TFSCOPE_TEST_DATA);
        QVERIFY(prefixes.size() >= 16);
        int compared = 0, byteIdentical = 0;
        roundTrip(prefixes, compared, byteIdentical);
        if (QTest::currentTestFailed()) return;
        qInfo("round-tripped %d checkpoints, %d data files byte-identical", compared, byteIdentical);
        QVERIFY(compared >= 16);
        QVERIFY(byteIdentical >= 11);
    }

    void testSharedCheckpointsRoundTrip() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        std::vector<std::string> prefixes = findCheckpoints(TFSCOPE_SHARED_MODELS);
        QVERIFY(prefixes.size() >= 38);
        int compared = 0, byteIdentical = 0;
        roundTrip(prefixes, compared, byteIdentical);
        if (QTest::currentTestFailed()) return;
        qInfo("round-tripped %d checkpoints, %d data files byte-identical", compared, byteIdentical);
        QVERIFY(compared >= 38);
        QVERIFY(byteIdentical >= 38);
    }

    void testTutorialV1OnlyMatchesTensorFlow() {
        EditSet set = openEditSet(TFSCOPE_TEST_DATA "/tutorial/model.ckpt");
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::All, {}})).ok());
        QVERIFY(set.apply(EditOp::select({Selector::Kind::Name, "v1"})).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.out = dir.filePath("model.ckpt").toStdString();
        o.writeStateFile = true;
        auto r = exportCheckpoint(set, o);
        QVERIFY2(r.ok(), r.status().toString().c_str());
        const std::string tf = TFSCOPE_TEST_DATA "/tutorial_v1only/model.ckpt";
        QCOMPARE(fileBytes(o.out + ".data-00000-of-00001"), fileBytes(tf + ".data-00000-of-00001"));
        QCOMPARE(fileBytes(o.out + ".index"), fileBytes(tf + ".index"));
        QCOMPARE(dirEntries(dir.path().toStdString()),
                 (QStringList{"checkpoint", "model.ckpt.data-00000-of-00001", "model.ckpt.index"}));
        QCOMPARE(fileBytes(dir.filePath("checkpoint").toStdString()),
                 QByteArray("model_checkpoint_path: \"model.ckpt\"\nall_model_checkpoint_paths: \"model.ckpt\"\n"));
    }

    void testExportedFolderFollowsUmask() {
        QTemporaryDir dir;
        EditSet sm = openEditSet(TFSCOPE_TEST_DATA "/tf2_module");
        ExportOptions o;
        o.format = ExportFormat::SavedModel;
        const mode_t old = ::umask(022);
        o.out = dir.filePath("saved022").toStdString();
        auto r = exportSavedModel(sm, o);
        ::umask(027);
        o.out = dir.filePath("saved027").toStdString();
        auto r2 = exportSavedModel(sm, o);
        ::umask(old);
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY2(r2.ok(), r2.status().toString().c_str());
        QCOMPARE(int(fs::status(dir.filePath("saved022").toStdString()).permissions() & fs::perms::all), 0755);
        QCOMPARE(int(fs::status(dir.filePath("saved027").toStdString()).permissions() & fs::perms::all), 0750);
    }

    void testTf2ObjectGraphRewritten() {
        EditSet set = openEditSet(TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-2");
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::OptimizerSlots, {}})).ok());
        QVERIFY(set.apply(EditOp::renameScope("model/layer_with_weights-0/bias", "model/layer_with_weights-0/b")).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.out = dir.filePath("ckpt").toStdString();
        QVERIFY(exportCheckpoint(set, o).ok());
        auto back = CheckpointReader::open(o.out);
        QVERIFY(back.ok());
        auto g = (*back)->read(kObjectGraphKey);
        QVERIFY(g.ok());
        tensorflow::TrackableObjectGraph graph;
        QVERIFY(graph.ParseFromString(g->strings()[0]));
        QStringList keys;
        for (const auto& node : graph.nodes())
            for (const auto& a : node.attributes()) {
                keys << QString::fromStdString(a.checkpoint_key());
                QVERIFY2((*back)->find(a.checkpoint_key()), a.checkpoint_key().c_str());
            }
        keys.sort();
        QCOMPARE(keys, (QStringList{"model/layer_with_weights-0/b/.ATTRIBUTES/VARIABLE_VALUE",
                                    "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
                                    "save_counter/.ATTRIBUTES/VARIABLE_VALUE"}));
        for (const auto& node : graph.nodes()) QCOMPARE(node.slot_variables_size(), 0);
    }

    void testSavedModelHalfPlusTwo() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const std::string src = TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123";
        EditSet set = openEditSet(src);
        QVERIFY(set.apply(EditOp::fill("a", 3)).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.format = ExportFormat::SavedModel;
        o.out = dir.filePath("out").toStdString();
        auto r = exportSavedModel(set, o);
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(fileBytes(o.out + "/saved_model.pb"), fileBytes(src + "/saved_model.pb"));
        QCOMPARE(fileBytes(o.out + "/assets/foo.txt"), fileBytes(src + "/assets/foo.txt"));
        QCOMPARE(dirEntries(dir.path().toStdString()), QStringList{"out"});
        EditSet back = openEditSet(o.out);
        QCOMPARE(back.value(*back.find("a"))->elementAsDouble(0), 3.0);
        QCOMPARE(back.value(*back.find("b"))->elementAsDouble(0), 2.0);
        QCOMPARE(int(back.items().size()), 5);
    }

    void testSavedModelRefusals_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("message");
        QTest::addRow("drop") << 1 << "The SavedModel restores variable 'b'; it cannot be left out of a SavedModel export.";
        QTest::addRow("delete") << 2 << "The SavedModel restores variable 'c'; it cannot be deleted in a SavedModel export.";
        QTest::addRow("cast") << 3 << "The SavedModel restores variable 'a'; it is restored as 'float32', so it cannot be cast to 'float64' in a SavedModel export.";
    }
    void testSavedModelRefusals() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        QFETCH(int, which);
        QFETCH(QString, message);
        EditSet set = openEditSet(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123");
        if (which == 1) QVERIFY(set.apply(EditOp::deselect({Selector::Kind::Name, "b"})).ok());
        if (which == 2) QVERIFY(set.apply(EditOp::remove("c")).ok());
        if (which == 3) QVERIFY(set.apply(EditOp::cast("a", DType::Double)).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.format = ExportFormat::SavedModel;
        o.out = dir.filePath("out").toStdString();
        auto r = exportSavedModel(set, o);
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.status().message()), message);
        QVERIFY(dirEntries(dir.path().toStdString()).isEmpty());
    }

    void testTf1SavedModelRenameRewritesSaver() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const std::string src = TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123";
        EditSet set = openEditSet(src);
        QVERIFY(set.apply(EditOp::rename("a", "alpha")).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.format = ExportFormat::SavedModel;
        o.out = dir.filePath("out").toStdString();
        auto r = exportSavedModel(set, o);
        QVERIFY2(r.ok(), r.status().toString().c_str());
        auto model = ModelLoader::load(o.out);
        QVERIFY(model.ok());
        tensorflow::SavedModel sm = (*model)->savedModel();
        int restoreLists = 0;
        for (const auto& n : sm.meta_graphs(0).graph_def().node()) {
            if (n.name() != "save/RestoreV2/tensor_names" && n.name() != "save/SaveV2/tensor_names") continue;
            QStringList names;
            for (const std::string& k : n.attr().at("value").tensor().string_val()) names << QString::fromStdString(k);
            QVERIFY2(names.contains("alpha") && !names.contains("a"), qPrintable(names.join(",")));
            ++restoreLists;
        }
        QCOMPARE(restoreLists, 2);
        EditSet back = EditSet::fromModel(*model).value();
        QVERIFY(back.find("alpha"));
        QVERIFY(!back.find("a"));
    }

    void testTf2SavedModelRenameAllowed() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        EditSet set = openEditSet(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_tf2_cpu/00000123");
        QVERIFY(set.apply(EditOp::scale("a/.ATTRIBUTES/VARIABLE_VALUE", 4)).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.format = ExportFormat::SavedModel;
        o.out = dir.filePath("out").toStdString();
        auto r = exportSavedModel(set, o);
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY(!fs::exists(o.out + "/fingerprint.pb"));
        EditSet back = openEditSet(o.out);
        QCOMPARE(back.value(*back.find("a/.ATTRIBUTES/VARIABLE_VALUE"))->elementAsDouble(0), 2.0);
    }

    void testRefusesOverSource() {
        QTemporaryDir dir;
        const std::string src = dir.filePath("src").toStdString();
        fs::copy(TFSCOPE_TEST_DATA "/tutorial", src);
        EditSet set = openEditSet(src + "/model.ckpt");
        ExportOptions o;
        o.out = src + "/model.ckpt";
        auto r = exportCheckpoint(set, o);
        QVERIFY(!r.ok());
        QCOMPARE(r.status().message(), "The output '" + o.out + "' is the opened model or lies inside it; choose another path.");
        o.out = src + "/other";
        o.writeStateFile = true;
        r = exportCheckpoint(set, o);
        QCOMPARE(r.status().message(), "Writing a 'checkpoint' state file into '" + src + "' would replace the opened model's one.");
        // A SavedModel export into its own folder is refused too.
        const std::string smSrc = dir.filePath("sm").toStdString();
        fs::copy(TFSCOPE_TEST_DATA "/keras_mlp", smSrc, fs::copy_options::recursive);
        EditSet sm = openEditSet(smSrc);
        o.format = ExportFormat::SavedModel;
        o.out = smSrc + "/copy";
        r = exportSavedModel(sm, o);
        QVERIFY(!r.ok());
        QVERIFY(r.status().message().find("is the opened model or lies inside it") != std::string::npos);
        QVERIFY(!fs::exists(o.out));
    }

    void testTargetNotADirectory() {
        QTemporaryDir dir;
        const std::string file = dir.filePath("plain").toStdString();
        std::ofstream(file) << "x";
        EditSet set = openEditSet(TFSCOPE_TEST_DATA "/tutorial/model.ckpt");
        ExportOptions o;
        o.out = file + "/model.ckpt";
        auto r = exportCheckpoint(set, o);
        QVERIFY(!r.ok());
        QCOMPARE(r.status().message(), "Could not write into '" + file + "': Not a directory.");
        QCOMPARE(dirEntries(dir.path().toStdString()), QStringList{"plain"});
    }

    // Missing parent folders are created, like Saver.save / Checkpoint.write; a failed export
    // removes the ones it created.
    void testCreatesMissingParents() {
        QTemporaryDir dir;
        EditSet set = openEditSet(TFSCOPE_TEST_DATA "/tutorial/model.ckpt");
        ExportOptions o;
        o.out = dir.filePath("new/dir/model.ckpt").toStdString();
        auto r = exportCheckpoint(set, o);
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(dirEntries(dir.filePath("new/dir").toStdString()),
                 (QStringList{"model.ckpt.data-00000-of-00001", "model.ckpt.index"}));
        QCOMPARE(fileBytes(o.out + ".data-00000-of-00001"), fileBytes(TFSCOPE_TEST_DATA "/tutorial/model.ckpt.data-00000-of-00001"));
        EditSet sm = openEditSet(TFSCOPE_TEST_DATA "/tf2_module");
        o.format = ExportFormat::SavedModel;
        o.out = dir.filePath("a/b/saved").toStdString();
        auto r2 = exportSavedModel(sm, o);
        QVERIFY2(r2.ok(), r2.status().toString().c_str());
        QVERIFY(fs::exists(o.out + "/saved_model.pb"));
        // Cancelled: nothing is left, not even the folders it made.
        const std::string src = dir.filePath("src").toStdString();
        writeSynthetic(src, 2, 16);
        auto big = EditSet::fromCheckpoint(std::move(CheckpointReader::open(src)).value());
        CancelAfterFirst cancel;
        o.format = ExportFormat::Checkpoint;
        o.out = dir.filePath("x/y/model").toStdString();
        o.progress = &cancel;
        auto r3 = exportCheckpoint(*big, o);
        QCOMPARE(r3.status().code(), Status::Code::Cancelled);
        QCOMPARE(dirEntries(dir.path().toStdString()), (QStringList{"a", "new", "src.data-00000-of-00001", "src.index"}));
    }

    void testCancelLeavesNothing() {
        QTemporaryDir dir;
        const std::string src = dir.filePath("src").toStdString();
        writeSynthetic(src, 2, 16);
        std::shared_ptr<const CheckpointReader> reader = std::move(CheckpointReader::open(src)).value();
        auto set = EditSet::fromCheckpoint(reader);
        CancelAfterFirst cancel;
        ExportOptions o;
        o.out = dir.filePath("out").toStdString();
        o.progress = &cancel;
        auto r = exportCheckpoint(*set, o);
        QCOMPARE(r.status().code(), Status::Code::Cancelled);
        QCOMPARE(dirEntries(dir.path().toStdString()), (QStringList{"src.data-00000-of-00001", "src.index"}));
    }

    void testFileSizeLimit() {
        QTemporaryDir dir;
        const std::string src = dir.filePath("src").toStdString();
        writeSynthetic(src, 2, 4);
        const QByteArray before = sha256(src + ".data-00000-of-00001");
        const std::string out = dir.filePath("out").toStdString();
        pid_t pid = ::fork();
        if (pid == 0) {
            ::signal(SIGXFSZ, SIG_IGN);
            rlimit lim{1 << 20, 1 << 20};
            ::setrlimit(RLIMIT_FSIZE, &lim);
            auto reader = CheckpointReader::open(src);
            auto set = EditSet::fromCheckpoint(std::move(reader).value());
            ExportOptions o;
            o.out = out;
            auto r = exportCheckpoint(*set, o);
            bool expected = !r.ok() && r.status().message().find("File too large") != std::string::npos;
            ::_exit(expected ? 0 : 3);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(dirEntries(dir.path().toStdString()), (QStringList{"src.data-00000-of-00001", "src.index"}));
        QCOMPARE(sha256(src + ".data-00000-of-00001"), before);
    }

    void testKilledMidExport() {
        QTemporaryDir dir;
        const std::string src = dir.filePath("src").toStdString();
        writeSynthetic(src, 4, 32);
        const QByteArray before = sha256(src + ".data-00000-of-00001");
        const QByteArray beforeIndex = sha256(src + ".index");
        const std::string outDir = dir.filePath("out").toStdString();
        fs::create_directory(outDir);
        pid_t pid = ::fork();
        if (pid == 0) {
            auto reader = CheckpointReader::open(src);
            auto set = EditSet::fromCheckpoint(std::move(reader).value());
            SlowProgress slow;
            ExportOptions o;
            o.out = outDir + "/model";
            o.progress = &slow;
            (void)exportCheckpoint(*set, o);
            ::_exit(0);
        }
        // Kill once the temporary data file holds some bytes.
        bool started = false;
        for (int i = 0; i < 2000 && !started; ++i) {
            ::usleep(5000);
            for (const auto& e : fs::recursive_directory_iterator(outDir)) {
                std::error_code ec;
                if (e.is_regular_file(ec) && fs::file_size(e.path(), ec) > (16u << 20)) started = true;
            }
        }
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        QVERIFY(started);
        QVERIFY(WIFSIGNALED(status));
        QVERIFY(!fs::exists(outDir + "/model.index"));
        QVERIFY(!fs::exists(outDir + "/model.data-00000-of-00001"));
        const QStringList left = dirEntries(outDir);
        QCOMPARE(left.size(), 1);
        QVERIFY(left[0].startsWith("model.tmp-"));
        QCOMPARE(sha256(src + ".data-00000-of-00001"), before);
        QCOMPARE(sha256(src + ".index"), beforeIndex);
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
