#pragma once
// Tensor bytes in a bundle data shard <-> Tensor: the per-dtype layout of
// docs/formats.md#tensor-data-layout
// (raw little/big-endian POD bytes; DT_STRING as varint lengths + masked length checksum +
// bytes), with size, range and masked crc32c checks. Used by BundleReader and BundleWriter.
//
//   TFS_ASSIGN_OR_RETURN(Tensor t, decodeBundleTensor(entry, shard, false, true, "dense/kernel"));
//
// Upstream: tensorflow/core/util/tensor_bundle/tensor_bundle.cc (WriteStringTensor,
// ReadStringTensor, GetValue).

#include <cstdint>
#include <memory>
#include <string>

#include "model/buffer.h"
#include "model/checkpoint/checkpoint_reader.h"

namespace tfscope {

// Decodes the tensor `entry` describes from `shard` (the mapped data file). `bigEndian`: the
// bundle header said BIG (the CRC is checked on the stored bytes, then elements are swapped).
// POD little-endian tensors are zero-copy views of the mapping. Errors are Corruption (or
// Unimplemented for DT_VARIANT / DT_RESOURCE) and name the tensor `name` and the shard's path.
Result<Tensor> decodeBundleTensor(const CheckpointEntry& entry, const std::shared_ptr<const MappedFile>& shard,
                                  bool bigEndian, bool verifyCrc, const std::string& name);

// Swaps the bytes of every element in place (complex: each component).
void byteSwapElements(DType dtype, std::byte* data, size_t numElements);

// The on-disk bytes of a DT_STRING tensor and the masked crc32c of those bytes.
struct EncodedStrings {
    std::string bytes;
    uint32_t maskedCrc = 0;
};
EncodedStrings encodeBundleStrings(const std::vector<std::string>& values, bool bigEndian);

}  // namespace tfscope
