#include "model/export/export_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/progress.h"

namespace tfscope {

namespace fs = std::filesystem;

Status ioErrorFor(const std::string& verb, const std::string& path, int err) {
    return Status::ioError("Could not " + verb + " '" + path + "': " + std::strerror(err) + ".");
}

// The process's umask, read without changing it (Linux reports it in /proc/self/status); where that
// is not available, set and restored at once.
mode_t currentUmask() {
    if (FILE* f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        unsigned mask = 0;
        bool found = false;
        while (!found && std::fgets(line, sizeof line, f)) found = std::sscanf(line, "Umask: %o", &mask) == 1;
        std::fclose(f);
        if (found) return mode_t(mask);
    }
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

Result<std::string> makeTempDir(const std::string& parent, const std::string& base) {
    std::string templ = (parent.empty() ? std::string(".") : parent) + "/" + base + ".tmp-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) return ioErrorFor("create a folder in", parent.empty() ? "." : parent, errno);
    // mkdtemp makes the folder 0700; the exported folder gets the mode any new folder would (as
    // TensorFlow's writers do): 0777 less the umask.
    if (::chmod(buf.data(), 0777 & ~currentUmask()) != 0) {
        const int err = errno;
        ::rmdir(buf.data());
        return ioErrorFor("set the permissions of", buf.data(), err);
    }
    return std::string(buf.data());
}

void removeTree(const std::string& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
}

Status copyFile(const std::string& from, const std::string& to, Progress* progress) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return ioErrorFor("read", from, errno);
    int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int err = errno;
        ::close(in);
        return ioErrorFor("write", to, err);
    }
    std::vector<char> buf(size_t(1) << 20);
    Status status;
    for (;;) {
        if (progress && progress->isCancelled()) { status = Status::cancelled(); break; }
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            status = ioErrorFor("read", from, errno);
            break;
        }
        if (n == 0) break;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(out, buf.data() + done, size_t(n - done));
            if (w < 0) {
                if (errno == EINTR) continue;
                status = ioErrorFor("write", to, errno);
                break;
            }
            done += w;
        }
        if (!status.ok()) break;
    }
    if (status.ok() && ::fsync(out) != 0 && errno != EINVAL) status = ioErrorFor("write", to, errno);
    if (::close(out) != 0 && status.ok()) status = ioErrorFor("write", to, errno);
    ::close(in);
    return status;
}

Status copyTree(const std::string& from, const std::string& to, Progress* progress) {
    std::error_code ec;
    fs::create_directories(to, ec);
    if (ec) return ioErrorFor("create", to, ec.value());
    fs::directory_iterator it(from, ec);
    if (ec) return ioErrorFor("read", from, ec.value());
    for (const fs::directory_entry& e : it) {
        std::string dst = to + "/" + e.path().filename().string();
        if (e.is_directory(ec)) {
            TFS_RETURN_IF_ERROR(copyTree(e.path().string(), dst, progress));
        } else {
            TFS_RETURN_IF_ERROR(copyFile(e.path().string(), dst, progress));
        }
    }
    return Status::OK();
}

Status renamePath(const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) return ioErrorFor("rename into", to, errno);
    return Status::OK();
}

void syncDir(const std::string& dir) {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

std::string canonicalPath(const std::string& path) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

bool isInside(const std::string& path, const std::string& root) {
    if (path == root) return true;
    return path.size() > root.size() && path.starts_with(root) && (root == "/" || path[root.size()] == '/');
}

}  // namespace tfscope
