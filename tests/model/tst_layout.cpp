// Tests for model/layout: both engines put every edge downward (DAG input), never overlap nodes
// within a layer, survive cycles, report bad input and honour cancellation.
#include <QElapsedTimer>
#include <QTest>

#include <cmath>
#include <random>

#include "model/layout/graphviz_layout.h"
#include "model/layout/layered_layout.h"
#include "model/progress.h"
#include "model/util/sanitizer.h"

using namespace tfscope;

constexpr bool kUnderAsan = kAddressSanitizer;

namespace {

// A random DAG: node i gets up to `fanIn` inputs from earlier nodes within `window`.
LayoutInput randomDag(int n, int fanIn, int window, unsigned seed) {
    std::mt19937 rng(seed);
    LayoutInput in;
    for (int i = 0; i < n; ++i) in.nodes.push_back({i, double(40 + rng() % 80), double(20 + rng() % 20)});
    for (int i = 1; i < n; ++i) {
        int k = 1 + int(rng() % unsigned(fanIn));
        for (int j = 0; j < k; ++j) {
            int lo = std::max(0, i - window);
            in.edges.push_back({lo + int(rng() % unsigned(i - lo)), i});
        }
    }
    return in;
}

void checkDownward(const LayoutInput& in, const LayoutResult& r) {
    QCOMPARE(r.positions.size(), in.nodes.size());
    QCOMPARE(r.edgePaths.size(), in.edges.size());
    for (const LayoutEdge& e : in.edges) QVERIFY(r.positions[size_t(e.src)].y < r.positions[size_t(e.dst)].y);
}

void checkNoOverlap(const LayoutInput& in, const LayoutResult& r) {
    std::vector<size_t> idx(in.nodes.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
        return r.positions[a].y != r.positions[b].y ? r.positions[a].y < r.positions[b].y : r.positions[a].x < r.positions[b].x;
    });
    for (size_t k = 1; k < idx.size(); ++k) {
        size_t a = idx[k - 1], b = idx[k];
        if (r.positions[a].y != r.positions[b].y) continue;
        double need = (in.nodes[a].w + in.nodes[b].w) / 2;
        QVERIFY2(r.positions[b].x - r.positions[a].x >= need - 1e-6, "nodes overlap within a layer");
    }
}

}  // namespace

class TestLayout : public QObject {
    Q_OBJECT
private slots:
    void testChainLayered() {
        LayoutInput in;
        in.nodes = {{0, 80, 30}, {1, 60, 30}, {2, 80, 30}};
        in.edges = {{0, 1}, {1, 2}};
        auto r = LayeredLayout().layout(in, nullptr);
        QVERIFY(r.ok());
        checkDownward(in, *r);
        QCOMPARE(r->positions[1].y - r->positions[0].y, 30 + in.rankSep);
        QCOMPARE(r->engine, std::string("layered"));
        QCOMPARE(r->edgePaths[0].front().y, r->positions[0].y + 15);
        QCOMPARE(r->edgePaths[0].back().y, r->positions[1].y - 15);
    }
    void testRandomDagLayered() {
        LayoutInput in = randomDag(3000, 3, 50, 1);
        auto r = LayeredLayout().layout(in, nullptr);
        QVERIFY(r.ok());
        checkDownward(in, *r);
        checkNoOverlap(in, *r);
        for (const auto& p : r->positions) QVERIFY(p.x >= -1e-6 && p.x <= r->width + 1e-6);
    }
    void testRandomDagGraphviz() {
        LayoutInput in = randomDag(120, 2, 10, 2);
        auto r = GraphvizLayout().layout(in, nullptr);
        QVERIFY2(r.ok(), r.status().message().c_str());
        QCOMPARE(r->engine, std::string("dot"));
        checkDownward(in, *r);
        checkNoOverlap(in, *r);
        for (const auto& path : r->edgePaths) QVERIFY(path.size() >= 2);
    }
    void testChooseBySize() {
        QCOMPARE(layoutGraph(randomDag(50, 2, 5, 3))->engine, std::string("dot"));
        QCOMPARE(layoutGraph(randomDag(int(kGraphvizMaxNodes) + 1, 2, 5, 3))->engine, std::string("layered"));
    }
    void testCycleAndSelfLoop() {
        LayoutInput in;
        for (int i = 0; i < 4; ++i) in.nodes.push_back({i, 50, 20});
        in.edges = {{0, 1}, {1, 2}, {2, 1}, {2, 3}, {3, 3}};
        auto r = LayeredLayout().layout(in, nullptr);
        QVERIFY(r.ok());
        QVERIFY(r->positions[0].y < r->positions[1].y);
        QVERIFY(r->positions[1].y < r->positions[2].y);
        QVERIFY(r->positions[2].y < r->positions[3].y);
        // The back edge 2 → 1 is drawn from 2 to 1.
        QVERIFY(r->edgePaths[2].front().y > r->edgePaths[2].back().y);
        for (const auto& p : r->positions) QVERIFY(std::isfinite(p.x) && std::isfinite(p.y));
    }
    void testBadEdge() {
        LayoutInput in;
        in.nodes = {{0, 10, 10}};
        in.edges = {{0, 3}};
        auto r = LayeredLayout().layout(in, nullptr);
        QVERIFY(!r.ok());
        QCOMPARE(r.status().message(), std::string("Layout edge refers to a missing node."));
        QCOMPARE(GraphvizLayout().layout(in, nullptr).status().code(), Status::Code::InvalidArgument);
    }
    void testCancel() {
        Progress p;
        p.cancel();
        QCOMPARE(LayeredLayout().layout(randomDag(100, 2, 5, 4), &p).status().code(), Status::Code::Cancelled);
        QCOMPARE(layoutGraph(randomDag(10, 2, 5, 4), &p).status().code(), Status::Code::Cancelled);
    }
    void testHundredThousandNodes() {
        LayoutInput in = randomDag(100000, 2, 30, 5);
        QElapsedTimer t;
        t.start();
        auto r = LayeredLayout().layout(in, nullptr);
        qint64 ms = t.elapsed();
        QVERIFY(r.ok());
        checkDownward(in, *r);
        qInfo("100,000 nodes laid out in %lld ms", ms);
        // A model suite now, so the sanitizer build runs it too: ASan slows it several times.
        QVERIFY(ms < (kUnderAsan ? 15000 : 3000));
    }
};

QTEST_GUILESS_MAIN(TestLayout)
#include "tst_layout.moc"
