// HeapBuffer: 64-byte aligned, zero-filled on request, and storage freed by one buffer and handed
// to the next of the same size (buffer.cpp keeps small freed blocks for reuse) comes back zeroed
// when asked for and is never shared by two live buffers.
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/buffer.h"

using namespace tfscope;

class TestBuffer : public QObject {
    Q_OBJECT
private slots:
    void testAlignedAndZeroFilled() {
        for (size_t size : {size_t(0), size_t(1), size_t(63), size_t(1000), size_t(300) << 10, size_t(3) << 20}) {
            HeapBuffer b(size);
            QCOMPARE(b.size(), size);
            QCOMPARE(reinterpret_cast<uintptr_t>(b.data()) % 64, uintptr_t(0));
            QVERIFY(std::all_of(b.data(), b.data() + size, [](std::byte x) { return x == std::byte{0}; }));
        }
    }
    void testReusedStorageIsZeroedAndNotShared() {
        for (size_t size : {size_t(1000), size_t(64) << 10, size_t(2) << 20}) {
            std::vector<std::unique_ptr<HeapBuffer>> live;
            for (int round = 0; round < 3; ++round) {
                auto dirty = std::make_unique<HeapBuffer>(size, false);
                std::fill(dirty->mutableData(), dirty->mutableData() + size, std::byte{0xAB});
                dirty.reset();  // its block may now be handed out again
                live.push_back(std::make_unique<HeapBuffer>(size));
                QVERIFY(std::all_of(live.back()->data(), live.back()->data() + size, [](std::byte x) { return x == std::byte{0}; }));
                std::fill(live.back()->mutableData(), live.back()->mutableData() + size, std::byte(round + 1));
            }
            for (size_t i = 0; i < live.size(); ++i) {  // each kept its own bytes
                QVERIFY(live[i]->data() != live[(i + 1) % live.size()]->data());
                QVERIFY(std::all_of(live[i]->data(), live[i]->data() + size, [&](std::byte x) { return x == std::byte(i + 1); }));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestBuffer)
#include "tst_buffer.moc"
