// BundleWriter: byte-identical round trips of every real TF bundle, and the writer's contract
// (temp files, duplicates, abort, endianness, alignment).
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "model/checkpoint/bundle_reader.h"
#include "model/checkpoint/bundle_writer.h"
#include "model/checkpoint/slice_key.h"
#include "model/checkpoint/sstable.h"
#include "model/progress.h"
#include "shared_models.h"

using namespace tfscope;
namespace fs = std::filesystem;

namespace {

const std::string kModels = TFSCOPE_SHARED_MODELS;
const std::string kData = std::string(TFSCOPE_TEST_DATA) + "/ckpt";

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> dirFiles(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& f : fs::directory_iterator(dir)) out.push_back(f.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// Rewrites `prefix` into `outPrefix` in the original data order (by offset).
Status rewrite(const BundleReader& r, const std::string& outPrefix) {
    struct Item {
        const CheckpointEntry* e;
        std::string name;
        TensorSliceSpec slice;
        bool isSlice;
    };
    std::vector<Item> items;
    for (const auto& e : r.entries())
        if (e.slices.empty()) items.push_back({&e, e.key, {}, false});
    for (const auto& [key, e] : r.sliceEntries()) {
        TFS_ASSIGN_OR_RETURN(SliceKey k, decodeSliceKey(key));
        items.push_back({&e, k.name, k.slice, true});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
        return std::tie(a.e->shardId, a.e->offset) < std::tie(b.e->shardId, b.e->offset);
    });
    TFS_ASSIGN_OR_RETURN(auto w, BundleWriter::create(outPrefix));
    for (const Item& it : items) {
        TFS_ASSIGN_OR_RETURN(Tensor t, r.readEntry(*it.e, it.name, true));
        if (it.isSlice)
            TFS_RETURN_IF_ERROR(w->addSlice(it.name, r.find(it.name)->shape, it.slice, t));
        else
            TFS_RETURN_IF_ERROR(w->add(it.name, t));
    }
    return w->finish();
}

// Rewrites each bundle and compares: data files always byte-identical; the index too unless the
// source index has Snappy blocks (our writer, like TF's, never compresses).
void roundTrip(std::vector<std::string> prefixes, int& identicalIndex, int& compressed) {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    std::sort(prefixes.begin(), prefixes.end());
    int n = 0;
    for (const std::string& prefix : prefixes) {
        auto r = BundleReader::open(prefix);
        QVERIFY2(r.ok(), r.status().toString().c_str());
        const std::string out = tmp.path().toStdString() + "/rt" + std::to_string(n++);
        Status s = rewrite(**r, out);
        QVERIFY2(s.ok(), (prefix + ": " + s.toString()).c_str());
        QVERIFY2(slurp(out + ".data-00000-of-00001") == slurp(prefix + ".data-00000-of-00001"), prefix.c_str());
        auto types = sstableDataBlockTypes(prefix + ".index");
        QVERIFY(types.ok());
        bool snappy = std::any_of(types->begin(), types->end(), [](int t) { return t != 0; });
        if (snappy) {
            ++compressed;
            qInfo("compressed index (Snappy blocks), data identical: %s", prefix.c_str());
            continue;
        }
        QVERIFY2(slurp(out + ".index") == slurp(prefix + ".index"), (prefix + ".index differs").c_str());
        ++identicalIndex;
    }
}

}  // namespace

class TestBundleWriter : public QObject {
    Q_OBJECT
private slots:
    // The in-repo fixtures (written by TensorFlow 2.15, tests/data/ckpt): index and data identical.
    void testRoundTripFixtureBundles() {
        std::vector<std::string> prefixes;
        for (const char* fixture : {"/dtypes/ckpt", "/partitioned/ckpt", "/partitioned/strings", "/tf1_saver/model.ckpt-3"})
            prefixes.push_back(kData + fixture);
        int identicalIndex = 0, compressed = 0;
        roundTrip(prefixes, identicalIndex, compressed);
        QCOMPARE(compressed, 0);
        QCOMPARE(identicalIndex, 4);
    }

    // Every bundle of the shared real models, some written by old TF versions with Snappy index blocks.
    void testRoundTripRealBundles() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        std::vector<std::string> prefixes;
        for (const auto& f : fs::recursive_directory_iterator(kModels))
            if (f.path().extension() == ".index") prefixes.push_back(f.path().string().substr(0, f.path().string().size() - 6));
        int identicalIndex = 0, compressed = 0;
        roundTrip(prefixes, identicalIndex, compressed);
        if (QTest::currentTestFailed()) return;
        qInfo("%d bundles: data identical for all, index identical for %d, %d have Snappy index blocks",
              int(prefixes.size()), identicalIndex, compressed);
        QCOMPARE(identicalIndex + compressed, int(prefixes.size()));
        QVERIFY(identicalIndex >= 32);
    }

    void testHeaderBytesAndSortedIndex() {
        QTemporaryDir tmp;
        const std::string prefix = tmp.path().toStdString() + "/ckpt";
        auto w = BundleWriter::create(prefix);
        QVERIFY(w.ok());
        QVERIFY((*w)->add("zeta", Tensor::scalar<float>(1.f)).ok());
        QVERIFY((*w)->add("alpha", Tensor::fromVector<int32_t>({2}, {1, 2})).ok());
        QVERIFY((*w)->finish().ok());
        auto table = SSTable::open(prefix + ".index");
        QVERIFY(table.ok());
        auto header = (*table)->get("");
        QVERIFY(header.ok() && header->has_value());
        QCOMPARE(QByteArray::fromStdString(**header).toHex(' '), QByteArray("08 01 1a 02 08 01"));
        std::vector<std::string> keys;
        QVERIFY((*table)->forEach([&](std::string_view k, std::string_view) { keys.emplace_back(k); return Status::OK(); }).ok());
        QCOMPARE(keys, (std::vector<std::string>{"", "alpha", "zeta"}));
        auto r = BundleReader::open(prefix);
        QVERIFY(r.ok());
        QCOMPARE((*r)->find("zeta")->offset, uint64_t(0));  // data order = call order
        QCOMPARE((*r)->find("alpha")->offset, uint64_t(4));
        QCOMPARE(dirFiles(tmp.path().toStdString()), (std::vector<std::string>{"ckpt.data-00000-of-00001", "ckpt.index"}));
        // After finish() every call fails.
        QCOMPARE((*w)->add("late", Tensor::scalar<float>(0)).code(), Status::Code::FailedPrecondition);
    }

    void testDuplicateKey() {
        QTemporaryDir tmp;
        auto w = BundleWriter::create(tmp.path().toStdString() + "/ckpt");
        QVERIFY((*w)->add("a/b", Tensor::scalar<float>(1)).ok());
        Status s = (*w)->add("a/b", Tensor::scalar<float>(2));
        QCOMPARE(s.code(), Status::Code::InvalidArgument);
        QCOMPARE(s.message(), std::string("Duplicate tensor key 'a/b'."));
        QCOMPARE((*w)->add("", Tensor::scalar<float>(2)).code(), Status::Code::InvalidArgument);
    }

    void testAbortAndDestructionLeaveNothing() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        // An existing checkpoint at the final names must survive an aborted rewrite.
        {
            std::ofstream(dir + "/ckpt.index") << "old index";
            std::ofstream(dir + "/ckpt.data-00000-of-00001") << "old data";
        }
        {
            auto w = BundleWriter::create(dir + "/ckpt");
            QVERIFY((*w)->add("a", Tensor::scalar<float>(1)).ok());
            QCOMPARE(int(dirFiles(dir).size()), 3);  // + the temp data file
            QVERIFY(dirFiles(dir)[1].find(".tempstate") != std::string::npos);
        }  // destroyed before finish()
        QCOMPARE(dirFiles(dir), (std::vector<std::string>{"ckpt.data-00000-of-00001", "ckpt.index"}));
        QCOMPARE(slurp(dir + "/ckpt.index"), std::string("old index"));
        auto w = BundleWriter::create(dir + "/ckpt");
        QVERIFY((*w)->add("a", Tensor::scalar<float>(1)).ok());
        (*w)->abort();
        QCOMPARE(int(dirFiles(dir).size()), 2);
        QCOMPARE((*w)->finish().code(), Status::Code::FailedPrecondition);
        QCOMPARE(slurp(dir + "/ckpt.data-00000-of-00001"), std::string("old data"));
    }

    void testCancelAborts() {
        QTemporaryDir tmp;
        Progress progress;
        progress.cancel();
        BundleWriter::Options o;
        o.progress = &progress;
        auto w = BundleWriter::create(tmp.path().toStdString() + "/ckpt", o);
        QCOMPARE((*w)->add("a", Tensor::scalar<float>(1)).code(), Status::Code::Cancelled);
        QVERIFY(dirFiles(tmp.path().toStdString()).empty());
    }

    void testUnwritableFolder() {
        auto w = BundleWriter::create("/nonexistent-dir/sub/ckpt");
        QVERIFY(!w.ok());
        QCOMPARE(w.status().code(), Status::Code::IOError);
        QVERIFY(w.status().message().starts_with("/nonexistent-dir/sub/ckpt.data-00000-of-00001.tempstate"));
    }

    void testBigEndianAndAlignment() {
        QTemporaryDir tmp;
        const std::string prefix = tmp.path().toStdString() + "/be";
        BundleWriter::Options o;
        o.endianness = BundleWriter::Endianness::Big;
        o.dataAlignment = 64;
        auto w = BundleWriter::create(prefix, o);
        Tensor f = Tensor::fromVector<float>({3}, {1.5f, -2.f, 1e30f});
        Tensor c(DType::Complex64, {1});
        c.mutableData<float>()[0] = 1.f;
        c.mutableData<float>()[1] = -3.f;
        QVERIFY((*w)->add("f", f).ok());
        QVERIFY((*w)->add("c", c).ok());
        QVERIFY((*w)->add("s", Tensor::fromStrings({2}, {"ab", std::string(300, 'z')})).ok());
        QVERIFY((*w)->addSlice("p", {4}, {{0, 2}}, Tensor::fromVector<int64_t>({2}, {7, 8})).ok());
        QVERIFY((*w)->addSlice("p", {4}, {{2, 2}}, Tensor::fromVector<int64_t>({2}, {9, 10})).ok());
        QCOMPARE((*w)->addSlice("p", {4}, {{2, 2}}, Tensor::fromVector<int64_t>({2}, {9, 10})).code(),
                 Status::Code::InvalidArgument);
        QVERIFY((*w)->finish().ok());
        auto r = BundleReader::open(prefix);
        QVERIFY(r.ok());
        QVERIFY((*r)->bigEndian());
        for (const auto& e : (*r)->entries()) QCOMPARE(e.offset % 64, uint64_t(0));
        const std::string data = slurp(prefix + ".data-00000-of-00001");
        QCOMPARE(QByteArray::fromStdString(data.substr(0, 4)).toHex(), QByteArray("3fc00000"));  // 1.5f big-endian
        QVERIFY((*r)->read("f")->sameContent(f));
        QVERIFY((*r)->read("c")->sameContent(c));
        QCOMPARE((*r)->read("s")->strings()[1], std::string(300, 'z'));
        QCOMPARE((*r)->read("p")->data<int64_t>()[3], int64_t(10));
        QVERIFY((*r)->verifyAll().empty());
    }

    void testVariantUnimplemented() {
        QTemporaryDir tmp;
        auto w = BundleWriter::create(tmp.path().toStdString() + "/ckpt");
        Tensor v(DType::Variant, {1});
        Status s = (*w)->add("v", v);
        QCOMPARE(s.code(), Status::Code::Unimplemented);
        QVERIFY(s.message().find("'DT_VARIANT'") != std::string::npos);
        QVERIFY((*w)->finish().ok());  // the writer is still usable
    }
};

QTEST_GUILESS_MAIN(TestBundleWriter)
#include "tst_bundle_writer.moc"
