#!/usr/bin/env python3
"""Debug aid: prints every entry of a checkpoint .index (key, BundleEntryProto fields) using
TensorFlow's own tensor_bundle proto, so fixture layouts (shards, slices, offsets) can be seen.

    ~/.cache/tfscope/venv/bin/python tests/oracle/dump_index.py tests/data/sharded/model.ckpt.index

Only uncompressed index blocks are supported (what TensorFlow writes itself).
"""

import struct
import sys

from tensorflow.core.protobuf import tensor_bundle_pb2
from tensorflow.core.framework import types_pb2


def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def block_entries(data, offset, size):
    block = data[offset:offset + size]
    if data[offset + size] != 0:
        raise SystemExit("compressed block (type %d) not supported" % data[offset + size])
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end = len(block) - 4 - 4 * num_restarts
    pos, key = 0, b""
    while pos < end:
        shared, pos = varint(block, pos)
        unshared, pos = varint(block, pos)
        vlen, pos = varint(block, pos)
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        yield key, block[pos:pos + vlen]
        pos += vlen


def main(path):
    data = open(path, "rb").read()
    footer = data[-48:]
    pos = 0
    _, pos = varint(footer, pos)  # metaindex offset
    _, pos = varint(footer, pos)  # metaindex size
    idx_off, pos = varint(footer, pos)
    idx_size, pos = varint(footer, pos)
    for _, handle in block_entries(data, idx_off, idx_size):
        off, p = varint(handle, 0)
        size, _ = varint(handle, p)
        for key, value in block_entries(data, off, size):
            if key == b"":
                h = tensor_bundle_pb2.BundleHeaderProto.FromString(value)
                print("HEADER num_shards=%d endianness=%d version=%s"
                      % (h.num_shards, h.endianness, str(h.version).replace("\n", " ")))
                continue
            e = tensor_bundle_pb2.BundleEntryProto.FromString(value)
            shape = [d.size for d in e.shape.dim]
            slices = ["%s" % [(x.start, x.length) if x.HasField("length") else "full"
                              for x in s.extent] for s in e.slices]
            print("%r %s %s shard=%d offset=%d size=%d%s" % (
                key, types_pb2.DataType.Name(e.dtype), shape, e.shard_id, e.offset, e.size,
                " slices=" + ",".join(slices) if slices else ""))


if __name__ == "__main__":
    main(sys.argv[1])
