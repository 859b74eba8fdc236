// bench_diff: `tfscope diff` of two large synthetic checkpoints that differ in a few tensors
// (default 2 GiB each, 20,000 float tensors, 10 differ). Equal tensors are decided from the
// stored crc32c, so the time should be close to reading the 10 changed pairs and the peak RSS
// well under 100 MB. The diff runs in a child process so that its peak RSS is its own.
//
//   build/bench/bench_diff [DIR] [GiB] [TENSORS] [CHANGED]   (default /tmp 2 20000 10; files deleted)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/checkpoint/bundle_writer.h"
#include "model/diff/model_diff.h"
#include "model/export/export_files.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

using namespace tfscope;

namespace {

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Writes `count` tensors of `elements` floats; tensors in [0, changed) get other values when `variant`.
Status writeCheckpoint(const std::string& prefix, int count, int64_t elements, int changed, bool variant) {
    TFS_ASSIGN_OR_RETURN(auto w, BundleWriter::create(prefix));
    Tensor t(DType::Float, {elements});
    for (int i = 0; i < count; ++i) {
        float* f = t.mutableData<float>();
        const bool differs = variant && i % (count / changed) == 0;
        for (int64_t k = 0; k < elements; ++k) f[k] = float(i) * 0.001f + float(k & 1023) * (differs ? 0.51f : 0.5f);
        char name[64];
        std::snprintf(name, sizeof name, "block%03d/layer%05d/kernel", i / 100, i);
        TFS_RETURN_IF_ERROR(w->add(name, t));
    }
    return w->finish();
}

}  // namespace

int main(int argc, char** argv) {
    const std::string base = argc > 1 ? argv[1] : "/tmp";
    const double gib = argc > 2 ? std::stod(argv[2]) : 2.0;
    const int count = argc > 3 ? std::stoi(argv[3]) : 20000;
    const int changed = argc > 4 ? std::stoi(argv[4]) : 10;
    const int64_t elements = std::max<int64_t>(1, int64_t(gib * double(int64_t(1) << 30) / 4.0 / count));
    struct statvfs vfs {};
    const double need = 2.1 * double(count) * double(elements) * 4.0;
    if (::statvfs(base.c_str(), &vfs) == 0 && double(vfs.f_bavail) * double(vfs.f_frsize) < need) {
        std::fprintf(stderr, "bench_diff: not enough free space in %s for 2 x %.0f MB\n", base.c_str(), need / 2.1 / 1e6);
        return 1;
    }
    auto dir = makeTempDir(base, "bench_diff");
    if (!dir.ok()) { std::fprintf(stderr, "%s\n", dir.status().toString().c_str()); return 1; }
    const std::string a = *dir + "/a", b = *dir + "/b";
    auto t0 = std::chrono::steady_clock::now();
    for (auto [prefix, variant] : {std::pair{a, false}, std::pair{b, true}}) {
        Status s = writeCheckpoint(prefix, count, elements, changed, variant);
        if (!s.ok()) { std::fprintf(stderr, "%s\n", s.toString().c_str()); removeTree(*dir); return 1; }
    }
    std::printf("wrote 2 x %d tensors of %lld floats (%.0f MB each) in %.1f s\n", count, (long long)elements,
                double(count) * double(elements) * 4.0 / 1e6, seconds(t0));
    std::fflush(stdout);
    pid_t pid = ::fork();
    if (pid == 0) {
        auto t1 = std::chrono::steady_clock::now();
        auto ma = ModelLoader::load(a), mb = ModelLoader::load(b);
        if (!ma.ok() || !mb.ok()) ::_exit(2);
        auto d = diffModels(**ma, **mb);
        if (!d.ok()) ::_exit(3);
        std::printf("diff: %.3f s, %d changed, %d equal by crc32c, %.1f MB of tensors read\n", seconds(t1),
                    d->count(VariableDiff::Kind::ValuesChanged), d->equalByCrc, double(d->bytesRead) / 1e6);
        std::fflush(stdout);
        ::_exit(d->count(VariableDiff::Kind::ValuesChanged) == changed ? 0 : 4);
    }
    int status = 0;
    rusage ru {};
    ::wait4(pid, &status, 0, &ru);
    std::printf("diff peak RSS: %.1f MB (exit %d)\n", double(ru.ru_maxrss) / 1024.0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    removeTree(*dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
