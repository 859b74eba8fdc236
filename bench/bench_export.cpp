// bench_export: export throughput of a large synthetic checkpoint against a plain file copy of the
// same data file on the same disk (read + write + fsync both ways). Target: export >= 0.7 x copy.
//
//   build-x/bench/bench_export [DIR] [GiB]     (default DIR = /tmp, 2 GiB; the files are deleted)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <sys/statvfs.h>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/edit/edit_set.h"
#include "model/checkpoint/bundle_writer.h"
#include "model/export/export_files.h"
#include "model/export/exporter.h"

using namespace tfscope;
namespace fs = std::filesystem;

namespace {

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    const std::string base = argc > 1 ? argv[1] : "/tmp";
    const double gib = argc > 2 ? std::stod(argv[2]) : 2.0;
    const int64_t tensorBytes = int64_t(256) << 20;
    const int count = std::max(1, int(gib * 4));
    struct statvfs vfs {};
    if (::statvfs(base.c_str(), &vfs) == 0 &&
        double(vfs.f_bavail) * double(vfs.f_frsize) < 3.2 * double(count) * double(tensorBytes)) {
        std::fprintf(stderr, "bench_export: not enough free space in %s for 3 copies of %d x 256 MiB\n", base.c_str(), count);
        return 1;
    }
    auto dir = makeTempDir(base, "bench_export");
    if (!dir.ok()) { std::fprintf(stderr, "%s\n", dir.status().toString().c_str()); return 1; }
    const std::string src = *dir + "/src";
    int rc = 0;
    {
        auto w = BundleWriter::create(src);
        if (!w.ok()) { std::fprintf(stderr, "%s\n", w.status().toString().c_str()); removeTree(*dir); return 1; }
        Tensor t(DType::Float, {tensorBytes / 4});
        for (int i = 0; i < count; ++i) {
            float* f = t.mutableData<float>();
            for (int64_t k = 0; k < t.numElements(); ++k) f[k] = float(i) + float(k & 1023) * 0.5f;
            Status s = (*w)->add("layer" + std::to_string(i) + "/kernel", t);
            if (!s.ok()) { std::fprintf(stderr, "%s\n", s.toString().c_str()); removeTree(*dir); return 1; }
        }
        (void)(*w)->finish();
    }
    const std::string data = src + ".data-00000-of-00001";
    const double mb = double(fs::file_size(data)) / 1e6;
    std::printf("source: %d tensors, %.0f MB in %s\n", count, mb, base.c_str());
    std::shared_ptr<const CheckpointReader> reader = std::move(CheckpointReader::open(src)).value();
    auto set = EditSet::fromCheckpoint(reader);
    double bestCopy = 0, bestExport = 0;
    for (int round = 0; round < 3 && rc == 0; ++round) {
        auto t0 = std::chrono::steady_clock::now();
        Status c = copyFile(data, *dir + "/copy.data");
        double copyS = seconds(t0);
        fs::remove(*dir + "/copy.data");
        t0 = std::chrono::steady_clock::now();
        ExportOptions o;
        o.out = *dir + "/out";
        auto r = exportCheckpoint(*set, o);
        double exportS = seconds(t0);
        if (!c.ok() || !r.ok()) {
            std::fprintf(stderr, "%s %s\n", c.toString().c_str(), r.ok() ? "" : r.status().toString().c_str());
            rc = 1;
            break;
        }
        fs::remove(o.out + ".index");
        fs::remove(o.out + ".data-00000-of-00001");
        std::printf("round %d: copy %.0f MB/s, export %.0f MB/s\n", round + 1, mb / copyS, mb / exportS);
        bestCopy = std::max(bestCopy, mb / copyS);
        bestExport = std::max(bestExport, mb / exportS);
    }
    if (rc == 0)
        std::printf("best: copy %.0f MB/s, export %.0f MB/s, ratio %.2f (target >= 0.70)\n", bestCopy, bestExport,
                    bestExport / bestCopy);
    removeTree(*dir);
    return rc;
}
