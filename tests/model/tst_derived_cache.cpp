// DerivedCache (what kernels keep between runs, e.g. a packed convolution filter): a hit only for
// the same storage, never a stale value after the source changed, intermediates dropped once
// nothing else holds them, and the size cap. Conv2D and MatMul through the cache give the values
// they give without it. Lookups read no bytes, and a packed weight that views a mapped file leaves
// the resident set.
#include "tests/model/kernel_test_util.h"  // Eigen's ThreadPool before Qt's `signals` macro

#include <QtTest>

#include <QTemporaryDir>

#include <atomic>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <vector>

#include "model/exec/derived_cache.h"
#include "model/kernels/lstm_sequence.h"
#include "model/kernels/sgemm.h"

using namespace tfscope;
using namespace tfscope::exec;

namespace {

Tensor randomTensor(Shape shape, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> v(size_t(shapeNumElements(shape)));
    for (float& x : v) x = dist(rng);
    return Tensor::fromVector<float>(std::move(shape), v);
}

tensorflow::NodeDef conv2d() {
    return testing::NodeBuilder("Conv2D")
        .type("T", DType::Float)
        .attr("strides", std::vector<int64_t>{1, 1, 1, 1})
        .attr("padding", "SAME")
        .build();
}

// Storage that counts its reads (data()): a lookup must find it without reading it.
class CountingBuffer final : public Buffer {
public:
    explicit CountingBuffer(size_t size) : m_bytes(size) {}
    const std::byte* data() const override {
        ++reads;
        return m_bytes.data();
    }
    size_t size() const override { return m_bytes.size(); }
    mutable std::atomic<int> reads{0};

private:
    std::vector<std::byte> m_bytes;
};

// Resident kB of this process's mappings of `path` (the Rss lines of /proc/self/smaps).
long residentKbOf(const std::string& path) {
    std::ifstream smaps("/proc/self/smaps");
    long total = 0;
    bool inFile = false;
    for (std::string line; std::getline(smaps, line);) {
        if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) && line.find('-') != std::string::npos &&
            line.find(' ') > line.find('-')) {
            inFile = line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0;
        } else if (inFile && line.rfind("Rss:", 0) == 0) {
            long kb = 0;
            std::istringstream(line.substr(4)) >> kb;
            total += kb;
        }
    }
    return total;
}

}  // namespace

class TestDerivedCache : public QObject {
    Q_OBJECT
private slots:
    void testHitOnlyForSameStorage();
    void testIntermediatesAreDropped();
    void testCap();
    void testConvReusesPackedFilter();
    void testConvSeesChangedFilter();
    void testMatMulThroughCache();
    void testLookupReadsNoBytes();
    void testEraseKind();
    void testPackedMappedWeightLeavesResidentSet();
    void testLstmStackedWeightsFollowRecurrent();
    void testLstmStackedDeepProduct();
    void testMisalignedGemvWeightsCopiedOnce();
};

void TestDerivedCache::testHitOnlyForSameStorage() {
    DerivedCache cache;
    Tensor a = randomTensor({4, 4}, 1);
    auto value = std::make_shared<int>(7);
    cache.insert(a, "k", value, 64);
    QCOMPARE(cache.size(), size_t(1));
    QCOMPARE(cache.bytes(), size_t(64));
    Tensor sameStorage = a;
    QCOMPARE(cache.find(sameStorage, "k"), std::shared_ptr<const void>(value));
    QVERIFY(!cache.find(a, "other kind"));
    QVERIFY(!cache.find(a.reshaped({16}), "k"));                  // same storage, another shape
    QVERIFY(!cache.find(randomTensor({4, 4}, 1), "k"));            // same values, other storage
    // Writing to a tensor whose storage the cache shares copies it first: the copy is a miss,
    // and the original keeps its values and its entry.
    const float before = a.data<float>()[0];
    sameStorage.mutableData<float>()[0] = 42.0f;
    QVERIFY(!cache.find(sameStorage, "k"));
    QCOMPARE(a.data<float>()[0], before);
    QVERIFY(cache.find(a, "k"));
}

void TestDerivedCache::testIntermediatesAreDropped() {
    DerivedCache cache;
    Tensor weights = randomTensor({8}, 2);
    cache.insert(weights, "k", std::make_shared<int>(1), 100);
    {
        Tensor intermediate = randomTensor({8}, 3);
        cache.insert(intermediate, "k", std::make_shared<int>(2), 1000);
        QCOMPARE(cache.size(), size_t(2));
    }
    // Only the cache holds the intermediate now: the next insert drops it, not the weights.
    Tensor other = randomTensor({8}, 4);
    cache.insert(other, "k", std::make_shared<int>(3), 10);
    QCOMPARE(cache.size(), size_t(2));
    QCOMPARE(cache.bytes(), size_t(110));
    QVERIFY(cache.find(weights, "k"));
    QVERIFY(cache.find(other, "k"));
}

void TestDerivedCache::testCap() {
    DerivedCache cache(100);
    Tensor a = randomTensor({2}, 5), b = randomTensor({2}, 6);
    cache.insert(a, "k", std::make_shared<int>(1), 60);
    cache.insert(b, "k", std::make_shared<int>(2), 60);  // would pass the cap: not kept
    QVERIFY(cache.find(a, "k"));
    QVERIFY(!cache.find(b, "k"));
    QCOMPARE(cache.bytes(), size_t(60));
    cache.setMaxBytes(200);  // room again
    cache.insert(b, "k", std::make_shared<int>(2), 60);
    QVERIFY(cache.find(b, "k"));
    cache.setMaxBytes(50);  // below what is kept: nothing more, nothing dropped
    Tensor c = randomTensor({2}, 13);
    cache.insert(c, "k", std::make_shared<int>(3), 1);
    QVERIFY(!cache.find(c, "k"));
    QCOMPARE(cache.bytes(), size_t(120));
    cache.clear();
    QCOMPARE(cache.size(), size_t(0));
    QCOMPARE(cache.bytes(), size_t(0));
}

void TestDerivedCache::testConvReusesPackedFilter() {
    if (!kernels::packedSgemmAvailable()) QSKIP("This CPU has no AVX2/FMA: filters are not packed here.");
    const Tensor x = randomTensor({2, 7, 7, 5}, 7), filter = randomTensor({3, 3, 5, 20}, 8);
    auto uncached = testing::runKernel(conv2d(), {x, filter});
    QVERIFY(uncached.ok());
    DerivedCache cache;
    for (int run = 0; run < 2; ++run) {
        auto cached = testing::runKernel(conv2d(), {x, filter}, 1, &cache);
        QVERIFY2(cached.ok(), cached.status().message().c_str());
        QVERIFY(cached.value()[0].sameContent(uncached.value()[0]));
        QCOMPARE(cache.size(), size_t(1));  // the second run found the first run's packing
    }
    QVERIFY(cache.bytes() >= size_t(3 * 3 * 5 * 32 * 4));  // 20 columns padded to two 16-column panels
}

void TestDerivedCache::testConvSeesChangedFilter() {
    if (!kernels::packedSgemmAvailable()) QSKIP("This CPU has no AVX2/FMA: filters are not packed here.");
    const Tensor x = randomTensor({1, 6, 6, 3}, 9);
    Tensor filter = randomTensor({3, 3, 3, 16}, 10);
    DerivedCache cache;
    QVERIFY(testing::runKernel(conv2d(), {x, filter}, 1, &cache).ok());
    // An assignment that writes the variable's tensor in place (AssignAddVariableOp does).
    for (int64_t i = 0; i < filter.numElements(); ++i) filter.mutableData<float>()[i] *= 2.0f;
    auto cached = testing::runKernel(conv2d(), {x, filter}, 1, &cache);
    auto fresh = testing::runKernel(conv2d(), {x, filter});
    QVERIFY(cached.ok() && fresh.ok());
    QVERIFY(cached.value()[0].sameContent(fresh.value()[0]));
}

void TestDerivedCache::testMatMulThroughCache() {
    const Tensor a = randomTensor({9, 30}, 11), b = randomTensor({30, 21}, 12);
    const auto node = testing::NodeBuilder("MatMul").type("T", DType::Float).build();
    auto plain = testing::runKernel(node, {a, b});
    DerivedCache cache;
    auto first = testing::runKernel(node, {a, b}, 1, &cache);
    auto second = testing::runKernel(node, {a, b}, 1, &cache);
    QVERIFY(plain.ok() && first.ok() && second.ok());
    QVERIFY(first.value()[0].sameContent(plain.value()[0]));
    QVERIFY(second.value()[0].sameContent(plain.value()[0]));
    // Element [2, 5] against a double-precision dot product.
    double want = 0;
    for (int64_t q = 0; q < 30; ++q) want += double(a.data<float>()[2 * 30 + q]) * double(b.data<float>()[q * 21 + 5]);
    QVERIFY(std::abs(double(first.value()[0].data<float>()[2 * 21 + 5]) - want) < 1e-5);
    QCOMPARE(cache.size(), size_t(kernels::packedSgemmAvailable() ? 1 : 0));
}

// Entries are keyed on the storage's identity (buffer and offset): inserting and finding never
// read the bytes (a folded filter computes them on read; its packing stands in for it).
void TestDerivedCache::testLookupReadsNoBytes() {
    auto buffer = std::make_shared<CountingBuffer>(64 * sizeof(float));
    const Tensor t = Tensor::view(DType::Float, {8, 8}, buffer, 0);
    DerivedCache cache;
    auto value = std::make_shared<int>(3);
    cache.insert(t, "k", value, 10);
    QCOMPARE(cache.find(t, "k"), std::shared_ptr<const void>(value));
    QCOMPARE(cache.find(Tensor::view(DType::Float, {8, 8}, buffer, 0), "k"), std::shared_ptr<const void>(value));  // same storage
    QVERIFY(!cache.find(Tensor::view(DType::Float, {8, 4}, buffer, 128), "k"));                                    // same buffer, other offset
    QCOMPARE(buffer->reads.load(), 0);
}

void TestDerivedCache::testEraseKind() {
    DerivedCache cache;
    const Tensor a = randomTensor({4}, 31), b = randomTensor({4}, 32);
    cache.insert(a, "fold:n", std::make_shared<int>(1), 10);
    cache.insert(b, "fold:n", std::make_shared<int>(2), 20);
    cache.insert(a, "packed", std::make_shared<int>(3), 40);
    cache.eraseKind("fold:n");
    QCOMPARE(cache.size(), size_t(1));
    QCOMPARE(cache.bytes(), size_t(40));
    QVERIFY(!cache.find(a, "fold:n") && !cache.find(b, "fold:n"));
    QVERIFY(cache.find(a, "packed"));
}

// A weight that views a mapped checkpoint leaves the resident set once packed (the products read
// the packing from then on), and the products keep their values.
void TestDerivedCache::testPackedMappedWeightLeavesResidentSet() {
    if (!kernels::packedSgemmAvailable()) QSKIP("The packed GEMM is not in use on this CPU.");
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/weights.bin";
    const Tensor heapB = randomTensor({512, 256}, 21);  // 512 KiB
    {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(heapB.rawData()), std::streamsize(heapB.byteSize()));
    }
    auto file = MappedFile::open(path);
    QVERIFY(file.ok());
    const Tensor b = Tensor::view(DType::Float, {512, 256}, file.value(), 0);
    QVERIFY(b.sameContent(heapB));  // every page read
    const std::string mapped = std::filesystem::canonical(path).string();
    QVERIFY(residentKbOf(mapped) >= 500);
    const Tensor a = randomTensor({16, 512}, 22);
    const auto node = testing::NodeBuilder("MatMul").type("T", DType::Float).build();
    auto plain = testing::runKernel(node, {a, heapB});
    DerivedCache cache;
    auto first = testing::runKernel(node, {a, b}, 1, &cache);
    QVERIFY(plain.ok() && first.ok());
    QVERIFY(first.value()[0].sameContent(plain.value()[0]));
    QVERIFY2(residentKbOf(mapped) < 64, qPrintable(QString("%1 kB still resident").arg(residentKbOf(mapped))));
    auto second = testing::runKernel(node, {a, b}, 1, &cache);  // the packing: the file is not read again
    QVERIFY(second.ok() && second.value()[0].sameContent(plain.value()[0]));
    QVERIFY(residentKbOf(mapped) < 64);
    QVERIFY(b.sameContent(heapB));  // read back from the file, unchanged
}

namespace {

// h of every step of an LSTM layer (lstm_sequence.h) with random x, W, b, h0, c0 (seeded) and the
// given U; empty on an error.
std::vector<float> lstmSteps(int64_t steps, int64_t batch, int64_t input, int64_t units, const Tensor& u, DerivedCache* cache) {
    const Tensor x = randomTensor({steps, batch, input}, 21), w = randomTensor({input, 4 * units}, 22);
    const Tensor b = randomTensor({4 * units}, 23), h0 = randomTensor({batch, units}, 24), c0 = randomTensor({batch, units}, 25);
    std::vector<float> h(size_t(steps * batch * units)), c(size_t(batch * units));
    kernels::LstmSequenceArgs a;
    a.steps = steps;
    a.batch = batch;
    a.input = input;
    a.units = units;
    a.x = [&](int64_t t) { return x.data<float>() + t * batch * input; };
    a.kernel = &w;
    a.recurrent = &u;
    a.bias = b.data<float>();
    a.h0 = h0.data<float>();
    a.c0 = c0.data<float>();
    for (int k = 0; k < 4; ++k) a.gateOffset[k] = k * units;
    a.h = [&](int64_t t) { return h.data() + t * batch * units; };
    a.cLast = c.data();
    testing::TestKernelContext ctx(tensorflow::NodeDef(), {});
    ctx.setDerivedCache(cache);
    return kernels::runLstmSequence(ctx, a).ok() ? h : std::vector<float>();
}

}  // namespace

// The fused LSTM layer keeps [W; U] packed under W: a run with the same W and another U (a
// variable assigned since) must not take the old packing. Its h then equals a run without cache.
void TestDerivedCache::testLstmStackedWeightsFollowRecurrent() {
    if (!kernels::packedSgemmAvailable()) QSKIP("The fused LSTM layer needs the AVX2 packed GEMM.");
    const int64_t units = 8;
    const Tensor u1 = randomTensor({units, 4 * units}, 26), u2 = randomTensor({units, 4 * units}, 27);
    DerivedCache cache;
    const std::vector<float> first = lstmSteps(3, 8, 4, units, u1, &cache);
    QVERIFY(!first.empty());
    QCOMPARE(cache.size(), size_t(1));
    QVERIFY(lstmSteps(3, 8, 4, units, u1, &cache) == first);  // the cached packing: the same bits
    const std::vector<float> second = lstmSteps(3, 8, 4, units, u2, &cache);
    QVERIFY(second == lstmSteps(3, 8, 4, units, u2, nullptr));
    QVERIFY(second != first);
}

// A stacked product deeper than one depth block (300 inputs + 40 units: two blocks of 170, x and h
// meeting inside the second) gives the projection-first path's values within rounding.
void TestDerivedCache::testLstmStackedDeepProduct() {
    if (!kernels::packedSgemmAvailable()) QSKIP("The fused LSTM layer needs the AVX2 packed GEMM.");
    const int64_t units = 40;
    const Tensor u = randomTensor({units, 4 * units}, 28);
    const std::vector<float> stacked = lstmSteps(4, 16, 300, units, u, nullptr);
    kernels::setLstmStackedMaxBytes(0);
    const std::vector<float> projected = lstmSteps(4, 16, 300, units, u, nullptr);
    kernels::setLstmStackedMaxBytes(uint64_t(1) << 20);
    QVERIFY(!stacked.empty() && stacked.size() == projected.size());
    double worst = 0;
    for (size_t i = 0; i < stacked.size(); ++i) worst = std::max(worst, std::abs(double(stacked[i]) - double(projected[i])));
    QVERIFY2(worst < 1e-5, std::to_string(worst).c_str());
    QVERIFY(worst > 0);  // two summation orders: the paths really differ
}

// A one-row MatMul whose weights do not start on a 64-byte boundary (a view into a checkpoint
// that packs tensors back to back) reads an aligned copy, made once and kept in the cache; the
// values are the same bits. Aligned or small weights, and weights the cache has no room for, are
// read where they are.
void TestDerivedCache::testMisalignedGemvWeightsCopiedOnce() {
    if (!kernels::packedSgemmAvailable()) QSKIP("This CPU has no AVX2/FMA: no GEMV path.");
    const int64_t k = 256, n = 128;
    const Tensor source = randomTensor({k * n + 16}, 31);
    auto storage = std::make_shared<HeapBuffer>(source.byteSize());
    std::memcpy(storage->mutableData(), source.rawData(), source.byteSize());
    const Tensor misaligned = Tensor::view(DType::Float, {k, n}, storage, 4 * sizeof(float));
    QVERIFY(reinterpret_cast<uintptr_t>(misaligned.rawData()) % 64 != 0);
    const Tensor aligned = misaligned.deepCopy();
    const Tensor a = randomTensor({1, k}, 32);
    const auto node = testing::NodeBuilder("MatMul").type("T", DType::Float).build();
    auto want = testing::runKernel(node, {a, aligned});
    QVERIFY(want.ok());
    DerivedCache cache;
    for (int run = 0; run < 2; ++run) {
        auto got = testing::runKernel(node, {a, misaligned}, 1, &cache);
        QVERIFY(got.ok());
        QVERIFY(got.value()[0].sameContent(want.value()[0]));
        QCOMPARE(cache.size(), size_t(1));
        QCOMPARE(cache.bytes(), size_t(k * n * sizeof(float)));
    }
    // A cache without room for the copy: B is read where it is, the same values.
    DerivedCache full(size_t(k * n * sizeof(float)) - 1);
    auto unkept = testing::runKernel(node, {a, misaligned}, 1, &full);
    QVERIFY(unkept.ok() && unkept.value()[0].sameContent(want.value()[0]));
    QCOMPARE(full.size(), size_t(0));
    QVERIFY(!full.hasRoomFor(size_t(k * n * sizeof(float))));
    QVERIFY(full.hasRoomFor(size_t(k * n * sizeof(float)) - 1));
    DerivedCache untouched;
    QVERIFY(testing::runKernel(node, {a, aligned}, 1, &untouched).ok());
    const Tensor small = Tensor::view(DType::Float, {16, 8}, storage, 4 * sizeof(float));
    QVERIFY(testing::runKernel(node, {randomTensor({1, 16}, 33), small}, 1, &untouched).ok());
    QCOMPARE(untouched.size(), size_t(0));
}

QTEST_APPLESS_MAIN(TestDerivedCache)
#include "tst_derived_cache.moc"
