#pragma once
// .npy files (numpy's array format) to and from Tensors, as `saved_model_cli run --inputs` reads and
// `--outdir` writes them.
//
//   TFS_ASSIGN_OR_RETURN(Tensor x, io::readNpy("/tmp/x.npy"));
//   TFS_RETURN_IF_ERROR(io::writeNpy("/tmp/y.npy", y));
//
// Layout (numpy lib/format.py, versions 1.0-3.0): "\x93NUMPY", major, minor, a little-endian header
// length (u16 for 1.0, u32 for 2.0/3.0), an ASCII Python dict {'descr': '<f4', 'fortran_order':
// False, 'shape': (2, 3), } padded with spaces and '\n' so the data starts 64-byte aligned, then the
// raw elements. Supported descr: b1 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16 (either byte order),
// S<n> (bytes) and U<n> (UTF-32, converted to UTF-8). Object arrays ('O', pickled) are refused.
// Strings are written as S<n>.

#include <string>
#include <string_view>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::io {

Result<Tensor> parseNpy(std::string_view bytes);
Result<Tensor> readNpy(const std::string& path);
Result<std::string> encodeNpy(const Tensor& t);
Status writeNpy(const std::string& path, const Tensor& t);

// Reads a whole file (IOError / NotFound name the path).
Result<std::string> readFileBytes(const std::string& path);
Status writeFileBytes(const std::string& path, std::string_view bytes);

}  // namespace tfscope::io
