// CheckpointReader on real TensorFlow files: the shared test models (MANIFEST.md values) and the
// fixtures made by tests/data/ckpt/make_fixtures.py (TF 2.15).
#include <QTemporaryDir>
#include <QtTest>

#include <cctype>
#include <complex>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/checkpoint/bundle_reader.h"
#include "model/checkpoint/bundle_writer.h"
#include "model/checkpoint/checkpoint_path.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/checkpoint/slice_key.h"
#include "model/half.h"
#include "shared_models.h"

using namespace tfscope;

namespace {

const std::string kModels = TFSCOPE_SHARED_MODELS;
const std::string kData = std::string(TFSCOPE_TEST_DATA) + "/ckpt";
const std::string kSource = TFSCOPE_SOURCE_DIR;

std::unique_ptr<CheckpointReader> openOk(const std::string& path) {
    auto r = CheckpointReader::open(path);
    if (!r.ok()) qFatal("open %s: %s", path.c_str(), r.status().toString().c_str());
    return std::move(r).value();
}

Tensor readOk(const CheckpointReader& r, const std::string& key) {
    auto t = r.read(key);
    if (!t.ok()) qFatal("read %s: %s", key.c_str(), t.status().toString().c_str());
    return std::move(t).value();
}

template <typename T>
std::vector<T> values(const Tensor& t) {
    return std::vector<T>(t.data<T>(), t.data<T>() + t.numElements());
}

// Resident kB of this process's mappings of `path` (the Rss lines of /proc/self/smaps), -1 when
// the file is not mapped.
long residentKbOf(const std::string& path) {
    std::ifstream smaps("/proc/self/smaps");
    long total = -1;
    bool inFile = false;
    for (std::string line; std::getline(smaps, line);) {
        if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) && line.find('-') != std::string::npos &&
            line.find(' ') > line.find('-')) {
            inFile = line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0;
            if (inFile && total < 0) total = 0;
        } else if (inFile && line.rfind("Rss:", 0) == 0) {
            long kb = 0;
            std::istringstream(line.substr(4)) >> kb;
            total += kb;
        }
    }
    return total;
}

}  // namespace

class TestCheckpointReader : public QObject {
    Q_OBJECT
private slots:
    void testHalfPlusTwoSnappyIndex() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto r = openOk(kModels + "/serving_saved_model_half_plus_two_cpu/00000123/variables/variables");
        QCOMPARE(r->format(), CheckpointFormat::V2Bundle);
        QCOMPARE(int(r->entries().size()), 5);
        const std::pair<const char*, float> expected[] = {{"a", 0.5f}, {"a2", 0.5f}, {"b", 2.f}, {"c", 3.f}, {"c2", 3.f}};
        for (auto [k, v] : expected) {
            Tensor t = readOk(*r, k);
            QCOMPARE(t.dtype(), DType::Float);
            QCOMPARE(t.shape(), Shape{});
            QCOMPARE(t.data<float>()[0], v);
            QVERIFY(t.isView());  // zero-copy view of the mapped data file
        }
        QVERIFY(r->find("zz") == nullptr);
        auto missing = r->read("zz");
        QCOMPARE(missing.status().code(), Status::Code::NotFound);
        QVERIFY(missing.status().message().find("'zz'") != std::string::npos);
    }

    void testPathForms_data() {
        QTest::addColumn<QString>("path");
        const std::string base = kModels + "/serving_saved_model_half_plus_two_cpu/00000123";
        QTest::addRow("prefix") << QString::fromStdString(base + "/variables/variables");
        QTest::addRow("index") << QString::fromStdString(base + "/variables/variables.index");
        QTest::addRow("data") << QString::fromStdString(base + "/variables/variables.data-00000-of-00001");
        QTest::addRow("saved model dir") << QString::fromStdString(base);
    }
    void testPathForms() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        QFETCH(QString, path);
        auto r = openOk(path.toStdString());
        QCOMPARE(r->prefix(), kModels + "/serving_saved_model_half_plus_two_cpu/00000123/variables/variables");
        QCOMPARE(readOk(*r, "b").data<float>()[0], 2.f);
    }

    void testCheckpointStateFolderEstimator() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        // Estimator model_dir: `checkpoint` names model.ckpt-1000; global_step there is 1000.
        auto r = openOk(kModels + "/tfx_trainer_current_Format-Serving");
        QCOMPARE(r->prefix(), kModels + "/tfx_trainer_current_Format-Serving/model.ckpt-1000");
        QCOMPARE(int(r->entries().size()), 60);
        QCOMPARE(readOk(*r, "global_step").data<int64_t>()[0], int64_t(1000));
    }

    void testCheckpointStateFolder() {
        auto saver = openOk(kData + "/tf1_saver");
        QCOMPARE(values<float>(readOk(*saver, "w")), (std::vector<float>{1, 2, 3, 4}));
        QCOMPARE(readOk(*saver, "global_step").data<int64_t>()[0], int64_t(7));
        QCOMPARE(parseCheckpointStateModelPath("model_checkpoint_path: \"a\\\"b\"\nall_model_checkpoint_paths: \"x\""),
                 std::string("a\"b"));
    }

    void testKerasOptimizerAndObjectGraph() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto r = openOk(kModels + "/kotlindl_mnist1_saved_model/variables/variables");
        QCOMPARE(readOk(*r, "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE").data<int64_t>()[0], int64_t(9375));
        QCOMPARE(readOk(*r, "keras_api/metrics/0/count/.ATTRIBUTES/VARIABLE_VALUE").data<float>()[0], 10000.f);
        QCOMPARE(readOk(*r, "keras_api/metrics/0/total/.ATTRIBUTES/VARIABLE_VALUE").data<float>()[0], 9751.f);
        Tensor k = readOk(*r, "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
        QCOMPARE(k.shape(), (Shape{784, 128}));
        Tensor g = readOk(*r, "_CHECKPOINTABLE_OBJECT_GRAPH");
        QCOMPARE(g.dtype(), DType::String);
        QVERIFY(g.strings()[0].find("layer_with_weights-0") != std::string::npos);
    }

    void testEveryRealBundleVerifies() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        int count = 0;
        for (const auto& f : std::filesystem::recursive_directory_iterator(kModels)) {
            if (f.path().extension() != ".index") continue;
            std::string prefix = f.path().string();
            prefix.resize(prefix.size() - 6);
            auto r = openOk(prefix);
            std::vector<Status> bad = r->verifyAll();
            QVERIFY2(bad.empty(), (prefix + ": " + (bad.empty() ? "" : bad[0].toString())).c_str());
            for (const CheckpointEntry& e : r->entries()) QVERIFY(r->read(e.key).ok());
            ++count;
        }
        QCOMPARE(count, 38);
    }

    void testV1Checkpoints_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addRow("session bundle") << QString::fromStdString(kModels + "/serving_session_bundle_half_plus_two/00000123/export-00000-of-00001") << "a" << "b";
        // The "bad" model's graph is broken on purpose; its V1 variables are named Variable / Variable_1.
        QTest::addRow("bad half plus two") << QString::fromStdString(kModels + "/serving_bad_half_plus_two/00000123/export") << "Variable" << "Variable_1";
        // The same, found from the folders a user points at: the session bundle folder (export.meta +
        // one shard, no state file) and a folder whose state file names a stale absolute path.
        QTest::addRow("session bundle folder") << QString::fromStdString(kModels + "/serving_session_bundle_half_plus_two/00000123") << "a" << "b";
        QTest::addRow("session bundle .meta") << QString::fromStdString(kModels + "/serving_session_bundle_half_plus_two/00000123/export.meta") << "a" << "b";
        QTest::addRow("stale absolute state") << QString::fromStdString(kModels + "/serving_bad_half_plus_two/00000123") << "Variable" << "Variable_1";
    }
    void testV1Checkpoints() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        QFETCH(QString, path);
        QFETCH(QString, a);
        QFETCH(QString, b);
        auto r = openOk(path.toStdString());
        QCOMPARE(r->format(), CheckpointFormat::V1TensorSlices);
        QCOMPARE(int(r->entries().size()), 2);
        QCOMPARE(r->entries()[0].key, a.toStdString());
        QCOMPARE(readOk(*r, a.toStdString()).data<float>()[0], 0.5f);
        QCOMPARE(readOk(*r, b.toStdString()).data<float>()[0], 2.f);
        QVERIFY(r->verifyAll().empty());
    }

    // A 2-shard V1 checkpoint (tests/oracle/make_fixtures.py v1_sharded): `emb` is saved as two row
    // slices, one in each shard. Values are TensorFlow's (tests/data/v1_sharded/expected.json).
    void testV1Sharded_data() {
        QTest::addColumn<QString>("path");
        const std::string d = kSource + "/tests/data/v1_sharded";
        QTest::addRow("folder (state file with a pattern)") << QString::fromStdString(d);
        QTest::addRow("prefix") << QString::fromStdString(d + "/model.ckpt");
        QTest::addRow("one shard of two") << QString::fromStdString(d + "/model.ckpt-00001-of-00002");
        QTest::addRow("pattern") << QString::fromStdString(d + "/model.ckpt-\?\?\?\?\?-of-00002");
    }
    void testV1Sharded() {
        QFETCH(QString, path);
        auto r = openOk(path.toStdString());
        QCOMPARE(r->format(), CheckpointFormat::V1TensorSlices);
        QCOMPARE(r->numShards(), 2);
        std::vector<std::string> keys;
        for (const CheckpointEntry& e : r->entries()) keys.push_back(e.key);
        QCOMPARE(keys, (std::vector<std::string>{"emb", "name", "step", "w"}));
        QCOMPARE(values<float>(readOk(*r, "emb")), (std::vector<float>{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15}));
        QCOMPARE(values<float>(readOk(*r, "w")), (std::vector<float>{1, 2, 3, 4}));
        QCOMPARE(readOk(*r, "step").data<int64_t>()[0], int64_t(11));
        QCOMPARE(readOk(*r, "name").strings(), (std::vector<std::string>{"v1 shard"}));
        // A slice that crosses the shard boundary: rows 2..3.
        auto part = r->readSlice("emb", TensorSliceSpec{{2, 2}, {0, -1}});
        QVERIFY2(part.ok(), part.status().toString().c_str());
        QCOMPARE(values<float>(*part), (std::vector<float>{4, 5, 10, 11}));
    }

    void testV1MissingShard() {
        QTemporaryDir tmp;
        const std::string d = tmp.path().toStdString();
        std::filesystem::copy_file(kSource + "/tests/data/v1_sharded/model.ckpt-00000-of-00002", d + "/m-00000-of-00002");
        auto r = CheckpointReader::open(d + "/m");
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.status().message()),
                 QString::fromStdString(d + "/m: Missing checkpoint shard '" + d + "/m-00001-of-00002'."));
    }

    void testAllDtypes() {
        auto r = openOk(kData + "/dtypes/ckpt");
        QCOMPARE(values<float>(readOk(*r, "float32")), (std::vector<float>{0.5f, 2.f, -3.25f, 1e-3f, 100.f, 7.f}));
        QCOMPARE(values<double>(readOk(*r, "float64")), (std::vector<double>{0.1, 1.0 / 3.0, 2.5e10}));
        Tensor h = readOk(*r, "float16");
        QCOMPARE(halfToFloat(h.data<uint16_t>()[1]), -2.f);
        QCOMPARE(halfToFloat(h.data<uint16_t>()[2]), 65504.f);
        QCOMPARE(bfloat16ToFloat(readOk(*r, "bfloat16").data<uint16_t>()[2]), -256.f);
        QCOMPARE(values<int8_t>(readOk(*r, "int8")), (std::vector<int8_t>{-128, 0, 127}));
        QCOMPARE(values<int16_t>(readOk(*r, "int16")), (std::vector<int16_t>{-300, 7}));
        QCOMPARE(values<int32_t>(readOk(*r, "int32")), (std::vector<int32_t>{1, 10, -100, 1000}));
        QCOMPARE(readOk(*r, "int64").data<int64_t>()[0], int64_t(1234567890123));
        QCOMPARE(values<uint8_t>(readOk(*r, "uint8")), (std::vector<uint8_t>{0, 255}));
        QCOMPARE(readOk(*r, "uint16").data<uint16_t>()[0], uint16_t(65535));
        QCOMPARE(readOk(*r, "uint32").data<uint32_t>()[0], uint32_t(4000000000u));
        QCOMPARE(readOk(*r, "uint64").data<uint64_t>()[0], UINT64_MAX);
        QCOMPARE(values<bool>(readOk(*r, "bool")), (std::vector<bool>{true, false, true}));
        Tensor c = readOk(*r, "complex64");
        QCOMPARE(c.data<std::complex<float>>()[1], std::complex<float>(-0.5f, -1.f));
        QCOMPARE(readOk(*r, "complex128").data<std::complex<double>>()[0], std::complex<double>(3, -4));
        QCOMPARE(values<int8_t>(readOk(*r, "qint8")), (std::vector<int8_t>{-128, -1, 63, 127}));
        QCOMPARE(values<uint8_t>(readOk(*r, "quint8")), (std::vector<uint8_t>{0, 128, 255}));
        QCOMPARE(readOk(*r, "string_scalar").strings(), (std::vector<std::string>{"hello"}));
        QCOMPARE(readOk(*r, "string_vec").strings(),
                 (std::vector<std::string>{"", "a", std::string("\xff\0bin", 5), std::string(200, 'x')}));
        QCOMPARE(readOk(*r, "string_empty").numElements(), int64_t(0));
        QCOMPARE(readOk(*r, "empty_float").shape(), (Shape{0, 3}));
        Tensor big = readOk(*r, "big");
        QCOMPARE(big.data<float>()[1999], 1999.f / 8);
    }

    void testPartitioned() {
        auto r = openOk(kData + "/partitioned/ckpt");
        // Slice sub-entries are not listed; the full entry carries the slices.
        QCOMPARE(int(r->entries().size()), 2);
        const CheckpointEntry* e = r->find("part");
        QVERIFY(e);
        QCOMPARE(e->shape, (Shape{4, 3}));
        QCOMPARE(int(e->slices.size()), 2);
        std::vector<float> all(12);
        for (int i = 0; i < 12; ++i) all[size_t(i)] = float(i);
        QCOMPARE(values<float>(readOk(*r, "part")), all);
        auto s = r->readSlice("part", {{1, 2}, {0, 2}});
        QVERIFY(s.ok());
        QCOMPARE(s->shape(), (Shape{2, 2}));
        QCOMPARE(values<float>(*s), (std::vector<float>{3, 4, 6, 7}));
        QCOMPARE(readOk(*openOk(kData + "/partitioned/strings"), "strpart").strings(), (std::vector<std::string>{"a", "b", "c"}));
        auto plain = r->readSlice("plain", {{1, 1}});
        QVERIFY(plain.ok());
        QCOMPARE(plain->data<int64_t>()[0], int64_t(2));
        QCOMPARE(r->readSlice("part", {{3, 2}, {0, -1}}).status().code(), Status::Code::InvalidArgument);
        QVERIFY(r->verifyAll().empty());
    }

    // Reading a tensor checks its checksum over the mapped data file; the pages it touched leave
    // the resident set again (a checkpoint may hold tensors no kernel reads: a Keras 3 export
    // saves every variable twice), and reading the values maps them back with the same bytes.
    void testReadLeavesDataPagesNonResident() {
        QTemporaryDir tmp;
        const std::string prefix = tmp.path().toStdString() + "/ckpt";
        Tensor big(DType::Float, {1 << 20});  // 4 MiB
        float* p = big.mutableData<float>();
        for (int i = 0; i < (1 << 20); ++i) p[i] = float(i % 1000) * 0.5f;
        {
            auto w = BundleWriter::create(prefix);
            QVERIFY(w.ok());
            QVERIFY(w.value()->add("big", big).ok());
            QVERIFY(w.value()->finish().ok());
        }
        auto r = openOk(prefix);
        Tensor t = readOk(*r, "big");
        QVERIFY(t.isView());
        const std::string data = std::filesystem::canonical(prefix + ".data-00000-of-00001").string();
        const long afterRead = residentKbOf(data);
        QVERIFY2(afterRead >= 0, "the data file is not mapped");
        QVERIFY2(afterRead < 256, qPrintable(QString("%1 kB of the 4 MiB tensor stayed resident").arg(afterRead)));
        double sum = 0;
        for (int i = 0; i < (1 << 20); ++i) {
            QCOMPARE(t.data<float>()[i], float(i % 1000) * 0.5f);
            sum += t.data<float>()[i];
        }
        QVERIFY(sum > 0);
        QVERIFY(residentKbOf(data) >= 4000);  // read back from the file
        t.dropResidentPages();                // the hint again, on the tensor: values unchanged
        QVERIFY(residentKbOf(data) < 256);
        QCOMPARE(t.data<float>()[999], 499.5f);
        QCOMPARE(t.data<float>()[(1 << 20) - 1], float(((1 << 20) - 1) % 1000) * 0.5f);
        big.dropResidentPages();  // heap storage ignores it
        QCOMPARE(big.data<float>()[1001], 0.5f);
    }

    void testMultiShard() {
        auto r = openOk(kData + "/sharded/ckpt.data-00001-of-00002");
        QCOMPARE(r->numShards(), 2);
        QCOMPARE(int(r->files().size()), 3);
        QCOMPARE(values<float>(readOk(*r, "x")), (std::vector<float>{1, 2}));
        QCOMPARE(values<int32_t>(readOk(*r, "y")), (std::vector<int32_t>{3, 4}));
        QCOMPARE(readOk(*r, "z").strings()[0], std::string("obj"));
        QCOMPARE(r->find("y")->shardId, 1);
    }
};

QTEST_GUILESS_MAIN(TestCheckpointReader)
#include "tst_checkpoint_reader.moc"
