"""What TensorFlow itself reports about checkpoints and SavedModels, as JSON-ready dicts.

Shared by make_fixtures.py (which writes the committed expected.json files) and the oracle
tests (which recompute the same facts live and compare them with tfscope's --json output).
Value encoding follows docs/cli-json.md: nested lists following the shape, non-finite floats
as "nan"/"inf"/"-inf", complex as [re, im], strings as UTF-8 text or {"base64": ...}.
"""

import base64
import glob
import math
import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")  # TF1 loader deprecation notices are noise here
from google.protobuf import text_format  # noqa: E402
from tensorflow.core.framework import types_pb2  # noqa: E402
from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2  # noqa: E402

FLOAT_DTYPES = {"DT_HALF", "DT_BFLOAT16", "DT_FLOAT", "DT_DOUBLE"}
COMPLEX_DTYPES = {"DT_COMPLEX64", "DT_COMPLEX128"}
INT_DTYPES = {"DT_INT8", "DT_INT16", "DT_INT32", "DT_INT64",
              "DT_UINT8", "DT_UINT16", "DT_UINT32", "DT_UINT64",
              "DT_QINT8", "DT_QUINT8", "DT_QINT16", "DT_QUINT16", "DT_QINT32"}


def dtype_name(enum_value):
    """TF DataType enum number -> 'DT_*' name (unknown numbers as 'DT_<n>')."""
    try:
        return types_pb2.DataType.Name(int(enum_value))
    except ValueError:
        return "DT_%d" % int(enum_value)


def tf_dtype_name(dtype):
    return dtype_name(tf.as_dtype(dtype).as_datatype_enum)


def encode_float(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def encode_bytes(b):
    b = bytes(b)
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(b).decode("ascii")}


def encode_scalar(x, dt):
    if dt in FLOAT_DTYPES:
        return encode_float(np.asarray(x).astype(np.float64))
    if dt in COMPLEX_DTYPES:
        c = complex(x)
        return [encode_float(c.real), encode_float(c.imag)]
    if dt in INT_DTYPES:
        return int(x)
    if dt == "DT_BOOL":
        return bool(x)
    if dt == "DT_STRING":
        return encode_bytes(x)
    raise ValueError("no JSON encoding for %s" % dt)


def encode_value(array, dt):
    """Numpy array (or scalar / bytes) of TF dtype name `dt` -> nested JSON lists."""
    a = np.asarray(array, dtype=object if dt == "DT_STRING" else None)
    if a.dtype.fields:  # quantized types come back as one-field structured arrays
        a = a[next(iter(a.dtype.fields))]

    if dt in INT_DTYPES or dt == "DT_BOOL":
        return a.tolist()
    if dt in FLOAT_DTYPES or dt in COMPLEX_DTYPES:
        wide = a.astype(np.complex128 if dt in COMPLEX_DTYPES else np.float64)
        if dt in COMPLEX_DTYPES:
            wide = np.stack([wide.real, wide.imag], axis=-1)
        if np.all(np.isfinite(wide)):
            return wide.tolist()
        return _map_floats(wide.tolist())

    def rec(x):
        x = np.asarray(x, dtype=object)
        if x.ndim == 0:
            return encode_scalar(x.item(), dt)
        return [rec(x[i]) for i in range(x.shape[0])]

    return rec(a)


def _map_floats(v):
    return [_map_floats(x) for x in v] if isinstance(v, list) else encode_float(v)


def decode_value(value, shape, dt):
    """Inverse of encode_value into a flat Python list; raises ValueError on any layout or type
    mismatch (strict: valid UTF-8 must be a plain string, integers must be JSON integers...)."""
    out = []

    def elem(v, where):
        if dt in FLOAT_DTYPES:
            if isinstance(v, str) and v in ("nan", "inf", "-inf"):
                return float(v)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError("%s: expected a number, got %r" % (where, v))
            return float(v)
        if dt in COMPLEX_DTYPES:
            if not isinstance(v, list) or len(v) != 2:
                raise ValueError("%s: expected [re, im], got %r" % (where, v))
            return complex(elem_float(v[0], where), elem_float(v[1], where))
        if dt in INT_DTYPES:
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError("%s: expected a JSON integer, got %r" % (where, v))
            return v
        if dt == "DT_BOOL":
            if not isinstance(v, bool):
                raise ValueError("%s: expected true/false, got %r" % (where, v))
            return v
        if dt == "DT_STRING":
            if isinstance(v, str):
                return v.encode("utf-8")
            if isinstance(v, dict) and set(v) == {"base64"}:
                b = base64.b64decode(v["base64"], validate=True)
                try:
                    b.decode("utf-8")
                except UnicodeDecodeError:
                    return b
                raise ValueError("%s: valid UTF-8 %r was base64-encoded" % (where, b))
            raise ValueError("%s: expected a string or {base64}, got %r" % (where, v))
        raise ValueError("no JSON decoding for %s" % dt)

    def elem_float(v, where):
        if isinstance(v, str) and v in ("nan", "inf", "-inf"):
            return float(v)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError("%s: expected a number, got %r" % (where, v))
        return float(v)

    def rec(v, dims, where):
        if not dims:
            out.append(elem(v, where))
            return
        if not isinstance(v, list) or len(v) != dims[0]:
            raise ValueError("%s: expected a list of %d, got %r" % (where, dims[0], _short(v)))
        for i, item in enumerate(v):
            rec(item, dims[1:], "%s[%d]" % (where, i))

    rec(value, list(shape), "value")
    return out


def _short(v):
    s = repr(v)
    return s if len(s) < 80 else s[:77] + "..."


NUMPY_FLOAT_TYPES = {"DT_HALF": np.float16, "DT_BFLOAT16": tf.bfloat16.as_numpy_dtype,
                     "DT_FLOAT": np.float32, "DT_DOUBLE": np.float64,
                     "DT_COMPLEX64": np.complex64, "DT_COMPLEX128": np.complex128}


def first_mismatch(expected, actual, dt):
    """Index of the first element where the flat lists differ, or None. Floating values are
    compared exactly after rounding both to the tensor's dtype; NaN equals NaN."""
    if len(expected) != len(actual):
        return min(len(expected), len(actual))
    if dt in NUMPY_FLOAT_TYPES:
        wide = np.complex128 if dt in COMPLEX_DTYPES else np.float64
        e = np.asarray(expected, dtype=wide).astype(NUMPY_FLOAT_TYPES[dt]).astype(np.complex128)
        a = np.asarray(actual, dtype=wide).astype(NUMPY_FLOAT_TYPES[dt]).astype(np.complex128)
        same = np.ones(len(e), dtype=bool)
        for x, y in ((e.real, a.real), (e.imag, a.imag)):
            same &= (x == y) | (np.isnan(x) & np.isnan(y))
        bad = np.flatnonzero(~same)
        return int(bad[0]) if len(bad) else None
    for i, (x, y) in enumerate(zip(expected, actual)):
        if x != y:
            return i
    return None


# ---------------------------------------------------------------- checkpoints

def checkpoint_format(prefix):
    return "V2" if os.path.exists(prefix + ".index") else "V1"


def checkpoint_num_shards(prefix):
    """Number of data shards from the file names TF wrote (prefix.data-NNNNN-of-MMMMM)."""
    if checkpoint_format(prefix) == "V1":
        m = re.search(r"-of-(\d{5})$", prefix)
        return int(m.group(1)) if m else 1
    counts = set()
    for path in glob.glob(glob.escape(prefix) + ".data-*-of-*"):
        m = re.search(r"\.data-\d{5}-of-(\d{5})$", path)
        if m:
            counts.add(int(m.group(1)))
    return counts.pop() if len(counts) == 1 else None


def restore_whole_tf1(prefix, name, dtype, shape):
    """A tensor TF's Python reader refuses (V1 slices): restored whole by a TF1 Saver instead."""
    g = tf.Graph()
    with g.as_default():
        v = tf.compat.v1.get_variable("v", shape=shape, dtype=dtype, initializer=tf.compat.v1.zeros_initializer())
        saver = tf.compat.v1.train.Saver({name: v})
        with tf.compat.v1.Session(graph=g) as sess:
            saver.restore(sess, prefix)
            return sess.run(v)


def checkpoint_facts(prefix, with_values=True):
    """tf.train.load_checkpoint(prefix): every key with dtype, shape and (optionally) value."""
    reader = tf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    shapes = reader.get_variable_to_shape_map()
    tensors = []
    total = 0
    for name in sorted(dtypes, key=lambda k: k.encode("utf-8")):
        dt = tf_dtype_name(dtypes[name])
        shape = [int(d) for d in shapes[name]]
        entry = {"name": name, "dtype": dt, "shape": shape}
        if with_values:
            try:
                value = reader.get_tensor(name)
            except tf.errors.UnimplementedError:  # "Sliced checkpoints are not supported" (V1 slices)
                value = restore_whole_tf1(prefix, name, dtypes[name], shape)
            entry["value"] = encode_value(value, dt)
        tensors.append(entry)
        total += int(np.prod(shape, dtype=np.int64))
    return {"format": checkpoint_format(prefix), "num_shards": checkpoint_num_shards(prefix),
            "tensors": tensors, "total_params": total}


# ---------------------------------------------------------------- SavedModels

def read_saved_model_proto(export_dir):
    sm = saved_model_pb2.SavedModel()
    pb = os.path.join(export_dir, "saved_model.pb")
    if os.path.exists(pb):
        with open(pb, "rb") as f:
            sm.ParseFromString(f.read())
    else:
        with open(os.path.join(export_dir, "saved_model.pbtxt"), "r", encoding="utf-8") as f:
            text_format.Parse(f.read(), sm, allow_unknown_field=True)
    return sm


def shape_facts(ti):
    if not ti.HasField("tensor_shape"):
        return None
    if ti.tensor_shape.unknown_rank:
        return None
    return [int(d.size) for d in ti.tensor_shape.dim]


def tensor_info_facts(ti):
    out = {}
    kind = ti.WhichOneof("encoding")
    if kind == "name":
        out["name"] = ti.name
    elif kind == "coo_sparse":
        out["coo_sparse"] = {"values": ti.coo_sparse.values_tensor_name,
                             "indices": ti.coo_sparse.indices_tensor_name,
                             "dense_shape": ti.coo_sparse.dense_shape_tensor_name}
    elif kind == "composite_tensor":
        out["composite"] = [tensor_info_facts(c) for c in ti.composite_tensor.components]
    out["dtype"] = dtype_name(ti.dtype)
    out["shape"] = shape_facts(ti)
    return out


def asset_filenames(mg):
    """Asset file names a MetaGraphDef declares (asset_file_def, else the saved_model_assets
    collection), in declaration order."""
    names = [a.filename for a in mg.asset_file_def]
    if not names and "saved_model_assets" in mg.collection_def:
        for any_msg in mg.collection_def["saved_model_assets"].any_list.value:
            afd = meta_graph_pb2.AssetFileDef()
            any_msg.Unpack(afd)
            names.append(afd.filename)
    return names


def saved_model_facts(export_dir, with_values=True):
    sm = read_saved_model_proto(export_dir)
    metas = []
    assets = []
    for mg in sm.meta_graphs:
        sigs = {}
        for key, sig in mg.signature_def.items():
            sigs[key] = {"method_name": sig.method_name,
                         "inputs": {k: tensor_info_facts(v) for k, v in sig.inputs.items()},
                         "outputs": {k: tensor_info_facts(v) for k, v in sig.outputs.items()}}
        metas.append({"tags": list(mg.meta_info_def.tags),
                      "signatures": dict(sorted(sigs.items()))})
        for name in asset_filenames(mg):
            if name not in assets:
                assets.append(name)
    prefix = os.path.join(export_dir, "variables", "variables")
    variables = None
    if os.path.exists(prefix + ".index"):
        variables = checkpoint_facts(prefix, with_values=with_values)
    return {"format": "saved_model", "meta_graphs": metas, "assets": assets,
            "variables": variables}
