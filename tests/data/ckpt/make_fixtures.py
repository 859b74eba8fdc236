"""Makes the small checkpoint fixtures under tests/data/ckpt with TensorFlow (2.15).

Run: ~/.cache/tfscope/venv/bin/python tests/data/ckpt/make_fixtures.py
Writes, next to this script:
  dtypes/ckpt.*        one tensor per dtype TF can store in a bundle (SaveV2)
  partitioned/ckpt.*   a variable saved as two slices (AddSlice path) plus a plain one
  partitioned/strings.*  a string variable saved as two slices
  sharded/ckpt.*       two SaveV2 bundles merged with MergeV2Checkpoints (2 data shards)
  tf1_saver/           a tf.compat.v1 Saver checkpoint folder with a `checkpoint` state file
  *.expected.txt       inspect_checkpoint's output for each, as reference for `tfscope ckpt`
"""
import contextlib
import io
import os
import shutil
import sys

import numpy as np
import tensorflow as tf
from tensorflow.python.tools import inspect_checkpoint

HERE = os.path.dirname(os.path.abspath(__file__))


def fresh(name):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def save(prefix, named, slices=None):
    names = [n for n, _ in named]
    specs = slices or [""] * len(named)
    tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=specs,
                      tensors=[t for _, t in named])


def inspect(prefix, out, **kw):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        inspect_checkpoint.print_tensors_in_checkpoint_file(prefix, kw.get("tensor_name", ""),
                                                            kw.get("all_tensors", False),
                                                            kw.get("all_tensor_names", False))
    with open(out, "w") as f:
        f.write(buf.getvalue())


def main():
    d = fresh("dtypes")
    q = tf.quantization.quantize(tf.constant([-1.0, 0.0, 0.5, 1.0]), -1.0, 1.0, tf.qint8).output
    qu = tf.quantization.quantize(tf.constant([0.0, 0.5, 1.0]), 0.0, 1.0, tf.quint8).output
    q32 = tf.quantization.quantize(tf.constant([-1.0, 1.0]), -1.0, 1.0, tf.qint32).output
    named = [
        ("float32", tf.constant([[0.5, 2.0, -3.25], [1e-3, 100.0, 7.0]], tf.float32)),
        ("float64", tf.constant([0.1, 1.0 / 3.0, 2.5e10], tf.float64)),
        ("float16", tf.constant([0.1, -2.0, 65504.0], tf.float16)),
        ("bfloat16", tf.constant([0.1, 1.5, -256.0], tf.bfloat16)),
        ("int8", tf.constant([-128, 0, 127], tf.int8)),
        ("int16", tf.constant([-300, 7], tf.int16)),
        ("int32", tf.constant([[1, 10], [-100, 1000]], tf.int32)),
        ("int64", tf.constant(1234567890123, tf.int64)),
        ("uint8", tf.constant([0, 255], tf.uint8)),
        ("uint16", tf.constant([65535], tf.uint16)),
        ("uint32", tf.constant([4000000000], tf.uint32)),
        ("uint64", tf.constant([18446744073709551615], tf.uint64)),
        ("bool", tf.constant([True, False, True], tf.bool)),
        ("complex64", tf.constant([1 + 2j, -0.5 - 1j], tf.complex64)),
        ("complex128", tf.constant([3 - 4j], tf.complex128)),
        ("string_scalar", tf.constant(b"hello", tf.string)),
        ("string_vec", tf.constant([b"", b"a", b"\xff\x00bin", b"x" * 200], tf.string)),
        ("string_empty", tf.constant([], tf.string)),
        ("qint8", q), ("quint8", qu), ("qint32", q32),
        ("empty_float", tf.zeros([0, 3], tf.float32)),
        ("big", tf.reshape(tf.range(2000, dtype=tf.float32) / 8.0, [40, 50])),
        ("cube", tf.reshape(tf.range(24, dtype=tf.int32), [2, 3, 4])),
        ("scalar_float", tf.constant(2.0, tf.float32)),
    ]
    save(os.path.join(d, "ckpt"), named)
    inspect(os.path.join(d, "ckpt"), os.path.join(HERE, "dtypes.all_tensors.expected.txt"), all_tensors=True)
    inspect(os.path.join(d, "ckpt"), os.path.join(HERE, "dtypes.list.expected.txt"))

    d = fresh("partitioned")
    full = tf.reshape(tf.range(12, dtype=tf.float32), [4, 3])
    save(os.path.join(d, "ckpt"),
         [("part", full[0:2]), ("part", full[2:4]), ("plain", tf.constant([1, 2], tf.int64))],
         ["4 3 0,2:-", "4 3 2,2:-", ""])
    # TF's own reader cannot assemble partitioned strings ("Dtype string not supported."); we can.
    save(os.path.join(d, "strings"), [("strpart", tf.constant([b"a", b"b"])), ("strpart", tf.constant([b"c"]))],
         ["3 0,2", "3 2,1"])
    inspect(os.path.join(d, "ckpt"), os.path.join(HERE, "partitioned.all_tensors.expected.txt"), all_tensors=True)
    inspect(os.path.join(d, "ckpt"), os.path.join(HERE, "partitioned.list.expected.txt"))

    d = fresh("sharded")
    save(os.path.join(d, "tmp0"), [("x", tf.constant([1.0, 2.0])), ("z", tf.constant(b"obj"))])
    save(os.path.join(d, "tmp1"), [("y", tf.constant([[3, 4]], tf.int32))])
    tf.raw_ops.MergeV2Checkpoints(checkpoint_prefixes=[os.path.join(d, "tmp0"), os.path.join(d, "tmp1")],
                                  destination_prefix=os.path.join(d, "ckpt"), delete_old_dirs=False)
    inspect(os.path.join(d, "ckpt"), os.path.join(HERE, "sharded.all_tensors.expected.txt"), all_tensors=True)

    d = fresh("tf1_saver")
    g = tf.Graph()
    with g.as_default():
        tf.compat.v1.Variable([[1.0, 2.0], [3.0, 4.0]], name="w")
        tf.compat.v1.Variable(7, dtype=tf.int64, name="global_step")
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as s:
            s.run(tf.compat.v1.global_variables_initializer())
            saver.save(s, os.path.join(d, "model.ckpt"), global_step=3, write_meta_graph=False)
    for f in os.listdir(d):
        if f == "checkpoint":  # relative paths so the folder can move
            p = os.path.join(d, f)
            txt = open(p).read().replace(d + "/", "")
            open(p, "w").write(txt)
    inspect(os.path.join(d, "model.ckpt-3"), os.path.join(HERE, "tf1_saver.all_tensors.expected.txt"), all_tensors=True)

    for name, path in [("half_plus_two_v1", "serving_session_bundle_half_plus_two/00000123/export-00000-of-00001"),
                       ("kotlindl", "kotlindl_mnist1_saved_model/variables/variables")]:
        p = os.path.join(os.environ.get("TFSCOPE_SHARED_MODELS") or os.path.join(HERE, "..", "..", "..", "..", "shared", "testdata", "models"), path)
        inspect(p, os.path.join(HERE, name + ".all_tensors.expected.txt"), all_tensors=True)
        inspect(p, os.path.join(HERE, name + ".list.expected.txt"))


if __name__ == "__main__":
    main()
