// Corrupt checkpoints (copies of TF-written files from tests/data damaged in a QTemporaryDir): every case must fail
// with the right Status code, a message naming the problem and the file, and no crash or
// absurd allocation.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/checkpoint/sstable.h"
#include "tensor_bundle.pb.h"

using namespace tfscope;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(TFSCOPE_TEST_DATA) + "/ckpt";
// A Keras SavedModel's bundle written by TensorFlow 2.15 (uncompressed index, 17 tensors).
const std::string kKeras = std::string(TFSCOPE_TEST_DATA) + "/keras_mlp/variables/variables";
const std::string kKernel = "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE";

void copyBundle(const std::string& from, const std::string& to) {
    for (const auto& f : fs::directory_iterator(fs::path(from).parent_path())) {
        std::string name = f.path().filename().string();
        std::string stem = fs::path(from).filename().string();
        if (name.starts_with(stem + "."))
            fs::copy_file(f.path(), fs::path(to).parent_path() / (fs::path(to).filename().string() + name.substr(stem.size())));
    }
}

std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
void spit(const std::string& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }
void flipByte(const std::string& p, size_t offset, unsigned char mask = 0x01) {
    std::string b = slurp(p);
    b[offset] = char(uint8_t(b[offset]) ^ mask);
    spit(p, b);
}

std::string entryBytes(int dtype, const std::vector<int64_t>& shape, int64_t offset, int64_t size) {
    tensorflow::BundleEntryProto e;
    e.set_dtype(tensorflow::DataType(dtype));
    for (int64_t d : shape) e.mutable_shape()->add_dim()->set_size(d);
    e.set_offset(offset);
    e.set_size(size);
    return e.SerializeAsString();
}

// Writes PREFIX.index with a header and the given entries, and a 64-byte data file.
void craftBundle(const std::string& prefix, int numShards, int minConsumer,
                 std::vector<std::pair<std::string, std::string>> entries) {
    tensorflow::BundleHeaderProto h;
    h.set_num_shards(numShards);
    h.mutable_version()->set_producer(1);
    h.mutable_version()->set_min_consumer(minConsumer);
    entries.insert(entries.begin(), {"", h.SerializeAsString()});
    QVERIFY(writeSSTable(prefix + ".index", entries).ok());
    spit(prefix + ".data-00000-of-00001", std::string(64, '\0'));
}

// Opens `path` and reads every tensor; the first error (or OK).
Status firstError(const std::string& path) {
    auto r = CheckpointReader::open(path);
    if (!r.ok()) return r.status();
    for (const CheckpointEntry& e : (*r)->entries()) {
        auto t = (*r)->read(e.key);
        if (!t.ok()) return t.status();
    }
    std::vector<Status> bad = (*r)->verifyAll();
    return bad.empty() ? Status::OK() : bad[0];
}

}  // namespace

class TestCheckpointBadInput : public QObject {
    Q_OBJECT
private slots:
    void testRejects_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("namedFile");  // relative to the temp dir
        const int corruption = int(Status::Code::Corruption);
        QTest::addRow("truncated index") << "truncated index" << corruption << "Invalid table file ('" << "ckpt.index";
        QTest::addRow("index shorter than a footer") << "tiny index" << corruption << "too short to be an sstable" << "ckpt.index";
        QTest::addRow("bad magic") << "bad magic" << corruption << "bad magic number" << "ckpt.index";
        QTest::addRow("bad block crc") << "bad block crc" << corruption << "block checksum mismatch" << "ckpt.index";
        // Found by fuzz_bundle: leveldb would allocate the handle's 5.8 GB before reading.
        QTest::addRow("huge index handle") << "huge handle" << corruption << "block handle past the end of the file" << "ckpt.index";
        QTest::addRow("flipped bit in data file")
            << "flipped data" << corruption << QString::fromStdString("Checksum mismatch for tensor '" + kKernel + "'")
            << "ckpt.data-00000-of-00001";
        QTest::addRow("missing shard") << "missing shard" << int(Status::Code::NotFound) << "of tensor 'y' is missing"
                                       << "ckpt.data-00001-of-00002";
        QTest::addRow("entry past end of data file")
            << "truncated data" << corruption << "lies past the end of the data file" << "ckpt.data-00000-of-00001";
        QTest::addRow("absurd shape") << "absurd shape" << corruption << "does not match dtype 'float32' and shape '[1073741824,1073741824]'"
                                      << "ckpt.data-00000-of-00001";
        QTest::addRow("absurd string shape") << "absurd string" << corruption << "cannot fit in 8 bytes" << "ckpt.data-00000-of-00001";
        QTest::addRow("negative dim") << "negative dim" << corruption << "Invalid shape '[-5]' for tensor 'neg'" << "ckpt.data-00000-of-00001";
        QTest::addRow("zero shards") << "zero shards" << corruption << "Invalid number of shards '0'" << "ckpt.index";
        QTest::addRow("needs newer reader") << "min consumer" << int(Status::Code::Unimplemented) << "needs reader version 7" << "ckpt.index";
        QTest::addRow("no header entry") << "no header" << corruption << "no bundle header entry" << "ckpt.index";
        QTest::addRow("non-checkpoint file") << "not a checkpoint" << corruption << "not an sstable (bad magic number)" << "saved_model.pb";
        QTest::addRow("missing prefix") << "missing" << int(Status::Code::NotFound) << "No checkpoint found" << "nothing";
    }
    void testRejects() {
        QFETCH(QString, kind);
        QFETCH(int, code);
        QFETCH(QString, message);
        QFETCH(QString, namedFile);
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        const std::string prefix = dir + "/ckpt";
        std::string open = prefix;
        const std::string k = kind.toStdString();
        if (k == "missing shard") {
            copyBundle(kData + "/sharded/ckpt", prefix);
            fs::remove(prefix + ".data-00001-of-00002");
        } else if (k == "absurd shape") {
            craftBundle(prefix, 1, 0, {{"huge", entryBytes(1, {int64_t(1) << 30, int64_t(1) << 30}, 0, 4)}});
        } else if (k == "absurd string") {
            craftBundle(prefix, 1, 0, {{"s", entryBytes(7, {int64_t(1) << 40}, 0, 8)}});
        } else if (k == "negative dim") {
            craftBundle(prefix, 1, 0, {{"neg", entryBytes(1, {-5}, 0, 4)}});
        } else if (k == "zero shards") {
            craftBundle(prefix, 0, 0, {});
        } else if (k == "min consumer") {
            craftBundle(prefix, 1, 7, {});
        } else if (k == "no header") {
            QVERIFY(writeSSTable(prefix + ".index", {{"a", entryBytes(1, {}, 0, 4)}}).ok());
        } else if (k == "not a checkpoint") {
            fs::copy_file(std::string(TFSCOPE_TEST_DATA) + "/keras_mlp/saved_model.pb", dir + "/saved_model.pb");
            open = dir + "/saved_model.pb";
        } else if (k == "missing") {
            open = dir + "/nothing";
        } else {
            copyBundle(kKeras, prefix);
            const std::string index = prefix + ".index", data = prefix + ".data-00000-of-00001";
            if (k == "truncated index") spit(index, slurp(index).substr(0, fs::file_size(index) / 2));
            if (k == "tiny index") spit(index, slurp(index).substr(0, 40));
            if (k == "bad magic") flipByte(index, fs::file_size(index) - 1);
            if (k == "bad block crc") flipByte(index, 100);
            if (k == "huge handle") {
                // Footer: metaindex handle (0, 0), index handle (0, 5777697652) as varints, zero
                // padding to 40 bytes, then the original magic.
                std::string bytes = slurp(index);
                std::string footer = {0, 0, 0, char(0xf4), char(0xd6), char(0x82), char(0xc3), 0x15};
                footer.resize(40, '\0');
                bytes.replace(bytes.size() - 48, 40, footer);
                spit(index, bytes);
            }
            if (k == "flipped data" || k == "truncated data") {
                auto r = CheckpointReader::open(prefix);
                QVERIFY(r.ok());
                const CheckpointEntry* e = (*r)->find(kKernel);
                if (k == "flipped data") flipByte(data, e->offset + e->size / 2, 0x10);
                else spit(data, slurp(data).substr(0, e->offset + 100));
            }
        }
        Status s = firstError(open);
        QVERIFY2(!s.ok(), k.c_str());
        QCOMPARE(int(s.code()), code);
        QVERIFY2(s.message().find(message.toStdString()) != std::string::npos, s.message().c_str());
        QVERIFY2(s.message().find(dir + "/" + namedFile.toStdString()) != std::string::npos, s.message().c_str());
    }

    void testVerifyAllNamesEveryBadTensor() {
        QTemporaryDir tmp;
        const std::string prefix = tmp.path().toStdString() + "/ckpt";
        copyBundle(kKeras, prefix);
        auto r0 = CheckpointReader::open(prefix);
        QVERIFY(r0.ok());
        std::vector<std::string> victims = {kKernel, "layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE"};
        for (const std::string& v : victims) {
            const CheckpointEntry* e = (*r0)->find(v);
            flipByte(prefix + ".data-00000-of-00001", e->offset);
        }
        auto r = CheckpointReader::open(prefix);
        std::vector<Status> bad = (*r)->verifyAll();
        QCOMPARE(int(bad.size()), 2);
        for (size_t i = 0; i < 2; ++i)
            QVERIFY2(bad[i].message().find("'" + victims[i] + "'") != std::string::npos, bad[i].message().c_str());
        // Reading without verification still works (the bytes are just different).
        QVERIFY((*r)->read(kKernel, false).ok());
    }
};

QTEST_GUILESS_MAIN(TestCheckpointBadInput)
#include "tst_checkpoint_bad_input.moc"
