#pragma once
// .npz files (a zip of .npy members, as np.savez writes them) to and from named Tensors.
//
//   TFS_ASSIGN_OR_RETURN(auto arrays, io::readNpz("/tmp/in.npz"));   // {"x": Tensor, ...}
//   TFS_RETURN_IF_ERROR(io::writeNpz("/tmp/out.npz", {{"y", y}}));
//
// Zip layout (PKWARE APPNOTE): local headers (0x04034b50) + data, a central directory (0x02014b50)
// and the end record (0x06054b50); zip64 extra fields are read for sizes/offsets. Only stored
// (uncompressed) members are supported, which is what np.savez writes; np.savez_compressed
// (deflate) is refused with a clear message. Member "x.npy" is array "x".

#include <map>
#include <string>
#include <string_view>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::io {

Result<std::map<std::string, Tensor>> parseNpz(std::string_view bytes);
Result<std::map<std::string, Tensor>> readNpz(const std::string& path);
Result<std::string> encodeNpz(const std::map<std::string, Tensor>& arrays);
Status writeNpz(const std::string& path, const std::map<std::string, Tensor>& arrays);

}  // namespace tfscope::io
