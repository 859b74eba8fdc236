#pragma once
// File-system helpers for exports: temporary folders next to the target, copies that report
// errno as Status, renames into place, and the "never over the source" check.
//
//   TFS_ASSIGN_OR_RETURN(std::string tmp, makeTempDir("/out", "model"));  // /out/model.tmp-Ab12Cd
//   TFS_RETURN_IF_ERROR(copyTree(src + "/assets", tmp + "/assets", &progress));
//   TFS_RETURN_IF_ERROR(renamePath(tmp, "/out/model"));
//
// Every error is IOError (or Cancelled) and names the path: "Could not write '/out/x': No space
// left on device."

#include <string>

#include "model/status.h"

namespace tfscope {

class Progress;

// Creates `<parent>/<base>.tmp-XXXXXX` (mode 0700) and returns its path.
Result<std::string> makeTempDir(const std::string& parent, const std::string& base);
// Removes a file or folder tree; errors are ignored (best-effort cleanup).
void removeTree(const std::string& path);
// Copies one regular file (contents only), flushing it to disk.
Status copyFile(const std::string& from, const std::string& to, Progress* progress = nullptr);
// Copies a folder tree (regular files and folders; symlinks are copied as their targets).
Status copyTree(const std::string& from, const std::string& to, Progress* progress = nullptr);
Status renamePath(const std::string& from, const std::string& to);
// fsync on a folder so renames inside it are durable (errors ignored where unsupported).
void syncDir(const std::string& dir);
// Absolute, normalised form of a possibly not yet existing path (symlinks in existing parts resolved).
std::string canonicalPath(const std::string& path);
// True if `path` equals `root` or lies below it (both canonical).
bool isInside(const std::string& path, const std::string& root);
// "Could not <verb> '<path>': <strerror(err)>."
Status ioErrorFor(const std::string& verb, const std::string& path, int err);

}  // namespace tfscope
