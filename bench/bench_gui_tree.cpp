// bench_gui_tree [DIR]: the checkpoint target of the desktop issue, offscreen. Writes a checkpoint of
// 20,000 float tensors (4,096 floats each, 320 MB of data) in 200 name scopes to DIR (default: a
// temporary folder), opens it as the window does (ModelLoader), and times the variables tree: the
// left dock's TreePanel getting the model, every row expanded and painted; then scroll frames
// through all of it. Tensor data is mapped, not read, so the process's resident file pages
// (RssFile) before and after scrolling show whether scrolling touched any tensor. Deletes what it
// wrote.
//
//   QT_QPA_PLATFORM=offscreen build/bench/bench_gui_tree
#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTreeView>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "model/checkpoint/bundle_writer.h"
#include "model/loader/model_loader.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"

using namespace tfscope;

namespace {

constexpr int kTensors = 20000;
constexpr int64_t kElements = 4096;

// The "RssFile:" line of /proc/self/status, in kB (file-backed pages this process has touched).
long rssFileKb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
    return -1;
}

bool writeCheckpoint(const std::string& prefix) {
    auto writer = BundleWriter::create(prefix);
    if (!writer.ok()) return false;
    Tensor t(DType::Float, {kElements});
    for (int64_t i = 0; i < kElements; ++i) t.mutableData<float>()[i] = float(i) * 0.5f;
    char name[64];
    for (int i = 0; i < kTensors; ++i) {
        std::snprintf(name, sizeof name, "scope_%03d/layer_%03d/kernel", i / 100, i % 100);
        if (!writer.value()->add(name, t).ok()) return false;
    }
    return writer.value()->finish().ok();
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    namespace fs = std::filesystem;
    const fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "tfscope_bench_tree";
    fs::create_directories(dir);
    const std::string prefix = (dir / "model.ckpt").string();
    QElapsedTimer t;
    t.start();
    if (!writeCheckpoint(prefix)) {
        std::printf("cannot write the checkpoint under %s\n", dir.c_str());
        return 1;
    }
    std::printf("%-40s %7lld ms (%d tensors, %lld MB of data)\n", "write checkpoint", t.elapsed(), kTensors,
                (long long)(kTensors * kElements * 4 / 1000000));
    {
        TreePanel panel;
        panel.resize(420, 900);
        panel.show();
        QCoreApplication::processEvents();
        t.start();
        auto model = ModelLoader::load(prefix);
        if (!model.ok()) {
            std::printf("open: %s\n", model.status().message().c_str());
            return 1;
        }
        const qint64 opened = t.elapsed();
        panel.treeModel()->setModel(model.value());
        QTreeView* view = panel.view();
        const qint64 modelSet = t.elapsed();
        view->viewport()->repaint();
        const qint64 firstPaint = t.elapsed();
        view->expandAll();
        view->viewport()->repaint();
        QCoreApplication::processEvents();
        std::printf("%-40s %7lld ms (open %lld ms, tree model %lld ms, first paint %lld ms)\n", "open → tree expanded to 20,000 rows",
                    t.elapsed(), opened, modelSet - opened, firstPaint - modelSet);
        const long before = rssFileKb();
        QScrollBar* bar = view->verticalScrollBar();
        const int frames = 200;
        const int step = std::max(1, bar->maximum() / frames);
        qint64 worst = 0, total = 0;
        for (int i = 0; i < frames; ++i) {
            t.start();
            bar->setValue(std::min(bar->maximum(), bar->value() + step));
            view->viewport()->repaint();
            const qint64 ns = t.nsecsElapsed();
            total += ns;
            worst = std::max(worst, ns);
        }
        std::printf("%-40s %7.2f ms mean, %.2f ms worst (%d frames of %d px to the end)\n", "scroll frame", double(total) / frames / 1e6,
                    double(worst) / 1e6, frames, step);
        std::printf("%-40s %7ld kB before scrolling, %ld kB after (tensor data: %lld kB)\n", "resident file pages (RssFile)", before,
                    rssFileKb(), (long long)(kTensors * kElements * 4 / 1024));
    }
    fs::remove_all(dir);
    return 0;
}
