// bench_gui: the graph canvas timings the desktop issue asks for, measured offscreen:
//   InceptionV3.meta open → first painted canvas; expanding one group; a synthetic 100,000-node
//   GraphDef in nested scopes open → first paint; a flat 100,000-node level; pan and zoom frame
//   times; peak RSS. Run: QT_QPA_PLATFORM=offscreen build/bench/bench_gui [InceptionV3.meta [inception|nested|flat]]
//   (the second argument runs one case only, for profiling).
#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "graph.pb.h"
#include "model/graph/graph_index.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_scene.h"
#include "views/graph/graph_view.h"

using namespace tfscope;

namespace {

double peakRssMb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

bool waitLayout(GraphCanvas& canvas, QSignalSpy& spy, int timeoutMs = 60000) {
    QElapsedTimer t;
    t.start();
    while (spy.isEmpty() && t.elapsed() < timeoutMs) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    if (spy.isEmpty()) return false;
    spy.clear();
    canvas.view()->viewport()->repaint();
    return true;
}

// 10 blocks × 10 units × 10 layers × 100 ops, or one flat level when `flat`.
std::string writeSynthetic(int nodes, bool flat) {
    tensorflow::GraphDef g;
    std::string prev;
    for (int i = 0; i < nodes; ++i) {
        auto* n = g.add_node();
        std::string name = flat ? "op_" + std::to_string(i)
                                : "block_" + std::to_string(i / 10000) + "/unit_" + std::to_string(i / 1000 % 10) +
                                      "/layer_" + std::to_string(i / 100 % 10) + "/op_" + std::to_string(i % 100);
        n->set_name(name);
        n->set_op(i % 100 == 0 ? "Const" : i % 3 ? "MatMul" : "Relu");
        if (!prev.empty() && i % 100 != 0) n->add_input(prev);
        if (i >= 100 && i % 7 == 0) n->add_input(g.node(i - 100).name());
        prev = name;
    }
    std::string path = "/tmp/tfscope_bench_" + std::to_string(nodes) + (flat ? "_flat" : "") + ".pb";
    std::ofstream(path, std::ios::binary) << g.SerializeAsString();
    return path;
}

void openAndPaint(const char* what, const std::string& path, GraphCanvas& canvas) {
    QSignalSpy spy(&canvas, &GraphCanvas::layoutReady);
    QElapsedTimer t;
    t.start();
    auto model = ModelLoader::load(path);
    if (!model.ok()) {
        std::printf("%s: %s\n", what, model.status().message().c_str());
        return;
    }
    qint64 loaded = t.elapsed();
    canvas.setGraph(model.value()->graphIndex(0));
    if (!waitLayout(canvas, spy)) std::printf("%s: layout timed out\n", what);
    std::printf("%-34s %6lld ms to first paint (load %lld ms, %d nodes, %d items)\n", what, t.elapsed(), loaded,
                model.value()->graphIndex(0)->nodeCount(), canvas.scene()->itemCountBuilt());
}

void expandLargest(const char* what, GraphCanvas& canvas) {
    const CanvasLayout& c = canvas.layout();
    int best = -1;
    int64_t bestCount = 0;
    for (const auto& [g, level] : c.levels)
        for (const ElementRef& e : level->elements)
            if (e.isGroup() && !c.isExpanded(e.id) && c.tree->group(e.id).totalNodes > bestCount) {
                best = e.id;
                bestCount = c.tree->group(e.id).totalNodes;
            }
    if (best < 0) return;
    QSignalSpy spy(&canvas, &GraphCanvas::layoutReady);
    QElapsedTimer t;
    t.start();
    canvas.setExpanded(best, true);
    waitLayout(canvas, spy);
    std::printf("%-34s %6lld ms ('%s', %lld nodes inside, %d items)\n", what, t.elapsed(), c.tree->group(best).path.c_str(),
                (long long)bestCount, canvas.scene()->itemCountBuilt());
}

// Centres the view at `zoom`, then times `frames` calls of `step` (each followed by a full repaint).
template <typename Step>
void timeFrames(const char* what, GraphCanvas& canvas, qreal zoom, int frames, Step step, const std::string& detail) {
    GraphView* v = canvas.view();
    v->resetTransform();
    v->scale(zoom, zoom);
    v->centerOn(canvas.scene()->itemsBoundingRect().center());
    v->viewport()->repaint();
    QElapsedTimer t;
    qint64 worst = 0, total = 0;
    for (int i = 0; i < frames; ++i) {
        t.start();
        step(v, i);
        v->viewport()->repaint();
        qint64 ns = t.nsecsElapsed();
        total += ns;
        worst = std::max(worst, ns);
    }
    std::printf("%-34s %6.2f ms mean, %.2f ms worst (%s)\n", what, double(total) / frames / 1e6, double(worst) / 1e6, detail.c_str());
}

void panFrames(const char* what, GraphCanvas& canvas, qreal zoom) {
    timeFrames(what, canvas, zoom, 30, [](GraphView* v, int i) {
        v->horizontalScrollBar()->setValue(v->horizontalScrollBar()->value() + (i % 2 ? -60 : 80));
    }, "zoom " + std::to_string(zoom).substr(0, 4));
    GraphView* v = canvas.view();
    if (const char* shot = std::getenv("BENCH_GUI_SHOT")) v->viewport()->grab().save(QString::fromUtf8(shot) + QString::number(zoom) + QStringLiteral(".png"));
    std::printf("%-34s %lld items in view\n", "", (long long)v->items(v->viewport()->rect()).size());
}

// Wheel-like zoom steps (×1.1, ÷1.1) around `zoom`: every frame re-renders what is in view (the
// cached pixmaps of edge layers and flat levels are per transform), unlike a pan frame.
void zoomFrames(const char* what, GraphCanvas& canvas, qreal zoom) {
    timeFrames(what, canvas, zoom, 20, [](GraphView* v, int i) {
        const qreal f = i % 2 ? 1 / 1.1 : 1.1;
        v->scale(f, f);
    }, "zoom " + std::to_string(zoom).substr(0, 4) + " <-> x1.1");
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const std::string inception = argc > 1 ? argv[1] : std::string(TFSCOPE_SHARED_MODELS) + "/tfnet_graph_meta/InceptionV3.meta";
    const std::string only = argc > 2 ? argv[2] : std::string();
    GraphCanvas canvas;
    canvas.resize(1280, 800);
    canvas.show();
    if (only.empty() || only == "inception") {
        openAndPaint("InceptionV3 open → first paint", inception, canvas);
        expandLargest("InceptionV3 expand one group", canvas);
        expandLargest("InceptionV3 expand another group", canvas);
        panFrames("InceptionV3 pan frame", canvas, 1.0);
        panFrames("InceptionV3 pan frame", canvas, 0.3);
        zoomFrames("InceptionV3 zoom frame", canvas, 1.0);
    }
    if (only.empty() || only == "nested") {
        openAndPaint("synthetic 100k nested → first paint", writeSynthetic(100000, false), canvas);
        expandLargest("synthetic 100k expand one group", canvas);
        panFrames("synthetic 100k pan frame", canvas, 1.0);
        zoomFrames("synthetic 100k zoom frame", canvas, 1.0);
        zoomFrames("synthetic 100k zoom frame", canvas, 0.2);
    }
    if (only.empty() || only == "flat") {
        openAndPaint("synthetic 100k flat → first paint", writeSynthetic(100000, true), canvas);
        panFrames("synthetic 100k flat pan frame", canvas, 1.0);
        panFrames("synthetic 100k flat pan frame", canvas, 0.1);
        zoomFrames("synthetic 100k flat zoom frame", canvas, 0.1);
    }
    std::printf("%-34s %6.0f MB\n", "peak RSS", peakRssMb());
    return 0;
}
