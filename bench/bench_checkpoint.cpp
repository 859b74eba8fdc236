// bench_checkpoint [DIR]: writes a synthetic checkpoint of 20,000 float tensors (~2 GB) with
// BundleWriter, then measures opening + listing it (time and peak RSS, in a fresh process),
// crc32c verification throughput (hardware and portable paths), the memory-read bandwidth of this
// machine (sum over the mapped data), full verifyAll(), and write speed vs a plain file copy.
// Deletes everything it wrote. Prints a small table.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

#include "model/buffer.h"
#include "model/checkpoint/bundle_writer.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/util/crc32c.h"

using namespace tfscope;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr int kTensors = 20000;
constexpr size_t kSourceBytes = size_t(4) << 20;  // random bytes the tensors are views of

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

long peakRssKb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

// Child mode: open + list, print "seconds rssKb tensors params".
int openAndList(const std::string& prefix) {
    auto t0 = Clock::now();
    auto r = CheckpointReader::open(prefix);
    if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.status().toString().c_str());
        return 1;
    }
    int64_t params = 0;
    size_t n = 0;
    for (const CheckpointEntry& e : (*r)->entries()) {
        params += shapeNumElements(e.shape);
        n += e.key.size() > 0;
    }
    auto t1 = Clock::now();
    std::printf("%.4f %ld %zu %" PRId64 "\n", seconds(t0, t1), peakRssKb(), n, params);
    return 0;
}

Status plainCopy(const std::string& from, const std::string& to) {
    int in = ::open(from.c_str(), O_RDONLY), out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) return Status::ioError("Cannot open '" + from + "' or '" + to + "'.");
    std::vector<char> buf(size_t(8) << 20);
    ssize_t n;
    while ((n = ::read(in, buf.data(), buf.size())) > 0)
        if (::write(out, buf.data(), size_t(n)) != n) return Status::ioError("Short write to '" + to + "'.");
    ::fsync(out);
    ::close(in);
    ::close(out);
    return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--open-list") == 0) return openAndList(argv[2]);

    std::string dir;
    if (argc > 1) {
        dir = argv[1];
    } else {
        char templ[] = "/tmp/bench_checkpoint.XXXXXX";
        if (!::mkdtemp(templ)) return 1;
        dir = templ;
    }
    const std::string prefix = dir + "/bench";
    std::printf("bench_checkpoint: %d tensors into %s\n", kTensors, prefix.c_str());

    auto source = std::make_shared<HeapBuffer>(kSourceBytes);
    std::mt19937_64 rng(42);
    for (size_t i = 0; i + 8 <= kSourceBytes; i += 8) {
        uint64_t v = rng();
        std::memcpy(source->mutableData() + i, &v, 8);
    }
    // Sizes 4 KB .. 196 KB (mean ~100 KB): ~2 GB in total.
    auto t0 = Clock::now();
    auto writer = BundleWriter::create(prefix);
    if (!writer.ok()) return std::fprintf(stderr, "%s\n", writer.status().toString().c_str()), 1;
    for (int i = 0; i < kTensors; ++i) {
        int64_t n = 1024 + int64_t(rng() % 48128);
        size_t offset = size_t(rng() % (kSourceBytes / 4 - size_t(n))) * 4;
        char name[64];
        std::snprintf(name, sizeof name, "model/layer_%05d/kernel/.ATTRIBUTES/VARIABLE_VALUE", i);
        Status s = (*writer)->add(name, Tensor::view(DType::Float, {n}, source, offset));
        if (!s.ok()) return std::fprintf(stderr, "%s\n", s.toString().c_str()), 1;
    }
    Status s = (*writer)->finish();
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.toString().c_str()), 1;
    auto t1 = Clock::now();
    const std::string data = prefix + ".data-00000-of-00001";
    const double gb = double(fs::file_size(data)) / 1e9;
    const double writeS = seconds(t0, t1);

    t0 = Clock::now();
    s = plainCopy(data, dir + "/copy.bin");
    t1 = Clock::now();
    const double copyS = seconds(t0, t1);
    fs::remove(dir + "/copy.bin");

    // Open + list in a fresh process, so its peak RSS is the reader's alone.
    std::string cmd = fs::read_symlink("/proc/self/exe").string() + " --open-list " + prefix;
    double openS = -1;
    long openRss = -1;
    size_t listed = 0;
    long long params = 0;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        if (std::fscanf(p, "%lf %ld %zu %lld", &openS, &openRss, &listed, &params) != 4) openS = -1;
        ::pclose(p);
    }

    auto file = MappedFile::open(data);
    if (!file.ok()) return 1;
    const auto* bytes = reinterpret_cast<const uint64_t*>((*file)->data());
    const size_t words = (*file)->size() / 8;
    uint64_t sum = 0;
    for (size_t i = 0; i < words; ++i) sum += bytes[i];  // fault the pages in
    t0 = Clock::now();
    for (size_t i = 0; i < words; ++i) sum += bytes[i];
    t1 = Clock::now();
    const double memS = seconds(t0, t1);
    t0 = Clock::now();
    uint32_t hw = crc32c::value((*file)->data(), (*file)->size());
    t1 = Clock::now();
    const double hwS = seconds(t0, t1);
    t0 = Clock::now();
    uint32_t sw = crc32c::extendPortable(0, (*file)->data(), (*file)->size());
    t1 = Clock::now();
    const double swS = seconds(t0, t1);

    auto reader = CheckpointReader::open(prefix);
    t0 = Clock::now();
    size_t bad = reader.ok() ? (*reader)->verifyAll().size() : 1;
    t1 = Clock::now();
    const double verifyS = seconds(t0, t1);

    std::printf("\n%-44s %12s\n", "measure", "value");
    std::printf("%-44s %12.2f GB\n", "data file size", gb);
    std::printf("%-44s %12.3f s  (%zu tensors, %lld params)\n", "open + list (fresh process)", openS, listed, params);
    std::printf("%-44s %12.1f MB\n", "peak RSS of open + list (VmHWM)", double(openRss) / 1024);
    std::printf("%-44s %12.2f GB/s\n", "crc32c, hardware (SSE4.2) path", gb / hwS);
    std::printf("%-44s %12.2f GB/s\n", "crc32c, portable (slicing-by-8) path", gb / swS);
    std::printf("%-44s %12.2f GB/s\n", "memory read bandwidth (sum of uint64)", gb / memS);
    std::printf("%-44s %12.2f GB/s  (%zu bad)\n", "verifyAll() over every tensor", gb / verifyS, bad);
    std::printf("%-44s %12.2f GB/s  (%.2f s)\n", "BundleWriter write (incl. crc, fsync, index)", gb / writeS, writeS);
    std::printf("%-44s %12.2f GB/s  (%.2f s)\n", "plain copy of the data file (8 MB, fsync)", gb / copyS, copyS);
    std::printf("%-44s %12s\n", "crc paths agree", hw == sw ? "yes" : "NO");
    std::printf("(checksum sum %" PRIu64 ")\n", sum & 0xff);

    fs::remove(data);
    fs::remove(prefix + ".index");
    if (argc <= 1) fs::remove(dir);
    return (hw == sw && bad == 0) ? 0 : 1;
}
