#!/usr/bin/env python3
"""Records TensorFlow's outputs for a table of kernel cases into tests/data/kernels/cases.json.

Each case runs one raw op in a TF1 graph with placeholders fed from fixed inputs, so the NodeDef
(attrs filled in by TF, defaults included) and the outputs (or the error) are TF's own. The C++
test tests/model/tst_kernels_oracle.cpp replays every case through our kernels.

  ~/.cache/tfscope/venv/bin/python tests/oracle/make_kernel_cases.py   # rewrites cases.json

JSON per case: {"name", "op", "node_def" (text format), "inputs": [tensor...],
                "outputs": [tensor...] or "error": message}
tensor: {"dtype": "float32", "shape": [...], "values": [...]}; floats may be "nan"/"inf"/"-inf",
complex values are [re, im], strings are UTF-8.
"check_outputs": n: only the first n outputs are specified by TF; the others (FusedBatchNorm's
reserve spaces, scratch memory) are recorded as {"dtype", "shape", "scratch": true}, without values.
"k": the reduction length behind each output element (tolerance.reduction_length; absent = 1),
which scales the float tolerance of tests/oracle/tolerance.py and tests/float_compare.h.
"""
import inspect
import json
import math
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TF's portable (Eigen) kernels: oneDNN is switched on only on some CPUs and changes which cases
# TF accepts (unequal depthwise strides) as well as the values.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import tensorflow as tf  # noqa: E402
from google.protobuf import text_format  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tolerance import reduction_length  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "kernels", "cases.json")

# Graph mode only inside each case's own tf.Graph(): importing this module leaves eager execution on.


def enc_scalar(v, dtype):
    if dtype.is_complex:
        return [enc_scalar(float(v.real), tf.float64), enc_scalar(float(v.imag), tf.float64)]
    if dtype.is_floating:
        f = float(v)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f
    if dtype == tf.bool:
        return bool(v)
    if dtype == tf.string:
        return v.decode("utf-8") if isinstance(v, bytes) else str(v)
    return int(v)


def enc(arr, dtype):
    arr = np.asarray(arr)
    flat = arr.reshape(-1)
    if dtype in (tf.bfloat16, tf.float16):
        flat = flat.astype(np.float32)
    return {"dtype": dtype.name, "shape": list(arr.shape), "values": [enc_scalar(v, dtype) for v in flat]}


QUANT_BASE = {tf.qint8: np.int8, tf.quint8: np.uint8, tf.qint16: np.int16, tf.quint16: np.uint16, tf.qint32: np.int32}


def build(op, args, attrs, known_shapes):
    """A graph with one node 'n' of `op` fed by placeholders; (graph, feeds, encoded inputs)."""
    g = tf.Graph()
    feeds, flat_inputs = {}, []
    with g.as_default():
        kwargs = {}
        fn = getattr(tf.raw_ops, op)
        params = list(inspect.signature(fn).parameters)  # raw_ops names inputs in OpDef order
        for param, arg in zip(params, args):
            items = arg if isinstance(arg, list) else [arg]
            phs = []
            for value, dtype in items:
                if dtype.is_quantized:  # fed and recorded as the plain integers of the same width
                    value = np.asarray(value, dtype=QUANT_BASE[dtype])
                elif dtype != tf.string:
                    value = np.asarray(value, dtype=dtype.as_numpy_dtype)
                else:
                    value = np.asarray(value, dtype=object)
                ph = tf.compat.v1.placeholder(dtype, shape=value.shape if known_shapes else None)
                feeds[ph] = value
                flat_inputs.append(enc(value, dtype))
                phs.append(ph)
            kwargs[param] = phs if isinstance(arg, list) else phs[0]
        kwargs.update(attrs)
        fn(**kwargs, name="n")
    return g, feeds, flat_inputs


def run_case(name, op, args, attrs=None, check_outputs=None):
    """args: one entry per OpDef input_arg, each (array, dtype) or a list of them.
    check_outputs: compare only the first n outputs (the rest are unspecified in TF)."""
    attrs = attrs or {}
    case = {"name": name, "op": op}
    if check_outputs is not None:
        case["check_outputs"] = check_outputs
    try:
        g, feeds, flat_inputs = build(op, args, attrs, True)
    except (ValueError, TypeError, tf.errors.OpError):
        try:  # shape inference rejected it: build with unknown shapes so the kernel reports it
            g, feeds, flat_inputs = build(op, args, attrs, False)
        except (ValueError, TypeError, tf.errors.OpError) as e:
            case["node_def"] = ""
            case["inputs"] = []
            case["error"] = str(e).split("\n")[0][:200]
            return case
    node = g.get_operation_by_name("n")
    nd = tf.compat.v1.NodeDef()
    nd.CopyFrom(node.node_def)
    del nd.input[:]
    nd.device = ""
    case["node_def"] = text_format.MessageToString(nd, as_one_line=True)
    case["inputs"] = flat_inputs
    try:
        with tf.compat.v1.Session(graph=g) as sess:
            outs = sess.run(list(node.outputs), feed_dict=feeds)
        case["outputs"] = [enc(v, t.dtype) for v, t in zip(outs, node.outputs)]
        for o in case["outputs"][check_outputs if check_outputs is not None else len(outs):]:
            del o["values"]  # unspecified memory: recording it would make the file differ run to run
            o["scratch"] = True
        k = case_reduction_length(node, args)
        if k > 1:
            case["k"] = k
    except tf.errors.OpError as e:
        lines = [ln for ln in e.message.split("\n") if ln.strip() and not ln[0].isspace()
                 and not any(k in ln for k in ("Graph execution error", "Detected at node", "Traceback"))]
        case["error"] = (lines[0] if lines else e.message)[:200]
        # No CPU kernel for this dtype in TF: our kernels may support it (a superset).
        case["tf_unsupported"] = isinstance(e, tf.errors.NotFoundError) or "No OpKernel" in e.message
    return case


def case_reduction_length(node, args):
    """K of the case's node (attrs as TF filled them in, shapes and axes from the fed values)."""
    values = [np.asarray(v) for arg in args for v, _ in (arg if isinstance(arg, list) else [arg])]

    def attr(name, default):
        try:
            return node.get_attr(name)
        except ValueError:
            return default
    return reduction_length(node.type, attr, [list(v.shape) for v in values], lambda i: values[i])


F32, F64, F16, BF16 = tf.float32, tf.float64, tf.float16, tf.bfloat16
I32, I64, U8, I8, BOOL, STR = tf.int32, tf.int64, tf.uint8, tf.int8, tf.bool, tf.string


def rnd(shape, seed, lo=-3.0, hi=3.0):
    return np.random.RandomState(seed).uniform(lo, hi, size=shape)


def rint(shape, seed, lo=-9, hi=10):
    return np.random.RandomState(seed).randint(lo, hi, size=shape)


def cases():
    out = []
    add = lambda *a, **k: out.append(run_case(*a, **k))  # noqa: E731

    # Elementwise binary: dtypes, odd shapes, broadcasting, errors.
    binary = ["Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "DivNoNan", "FloorDiv", "FloorMod", "TruncateDiv",
              "TruncateMod", "Maximum", "Minimum", "Pow", "SquaredDifference", "Equal", "NotEqual", "Less",
              "LessEqual", "Greater", "GreaterEqual"]
    for op in binary:
        for dt in (F32, I32, F64, F16, I64):
            for (sx, sy) in [((2, 1, 3), (4, 1)), ((6,), ()), ((2, 3), (2, 3))]:
                if dt.is_floating:
                    x, y = rnd(sx, 1), rnd(sy, 2)
                    if op in ("Pow",):
                        x = np.abs(x) + 0.1
                    if op in ("DivNoNan",) and y.size > 1:
                        y.reshape(-1)[0] = 0
                else:
                    x, y = rint(sx, 3), rint(sy, 4)
                    if op in ("Div", "FloorDiv", "FloorMod", "TruncateDiv", "TruncateMod", "RealDiv", "DivNoNan"):
                        y[y == 0] = 3
                    if op == "Pow":
                        y = np.abs(y) % 5
                add(f"{op}_{dt.name}_{sx}_{sy}", op, [(x, dt), (y, dt)])
        add(f"{op}_bad_shapes", op, [(rnd((2, 3), 5), F32), (rnd((2,), 6), F32)])
    add("Add_string", "Add", [(np.array([b"ab", b"c"], dtype=object), STR), (np.array(b"!", dtype=object), STR)])
    add("Equal_string", "Equal", [(np.array([b"ab", b"c"], dtype=object), STR), (np.array(b"c", dtype=object), STR)])
    add("FloorDiv_int_zero", "FloorDiv", [(np.array([1, 2]), I32), (np.array([1, 0]), I32)])
    add("FloorMod_signs", "FloorMod", [(np.array([7, -7, 7, -7]), I32), (np.array([3, 3, -3, -3]), I32)])
    add("FloorMod_float_signs", "FloorMod", [(np.array([7.5, -7.5, 7.5, -7.5]), F32), (np.array([2, 2, -2, -2]), F32)])
    add("Maximum_nan", "Maximum", [(np.array([np.nan, 1, -1]), F32), (np.array([0, np.nan, 2]), F32)])
    add("Minimum_nan", "Minimum", [(np.array([np.nan, 1, -1]), F32), (np.array([0, np.nan, 2]), F32)])
    add("Equal_incompatible", "Equal", [(np.ones((2, 3)), F32), (np.ones((2,)), F32)], {"incompatible_shape_error": False})
    for op in ("LogicalAnd", "LogicalOr"):
        add(op, op, [(np.array([[True], [False]]), BOOL), (np.array([True, False, True]), BOOL)])
    add("AddN_3", "AddN", [[(rnd((2, 3), 7), F32), (rnd((2, 3), 8), F32), (rnd((2, 3), 9), F32)]])
    add("AddN_int", "AddN", [[(rint((4,), 7), I32), (rint((4,), 8), I32)]])
    add("AddN_bad", "AddN", [[(rnd((2, 3), 7), F32), (rnd((3, 2), 8), F32)]])

    # Unary math and activations.
    unary = ["Neg", "Abs", "Square", "Sqrt", "Rsqrt", "Exp", "Expm1", "Log", "Log1p", "Reciprocal", "Floor", "Ceil",
             "Round", "Rint", "Sign", "Sin", "Cos", "Tan", "Atan", "Sinh", "Cosh", "Tanh", "Sigmoid", "Erf", "Erfc",
             "IsNan", "IsFinite", "IsInf", "Relu", "Relu6", "Elu", "Selu", "Softplus", "Softsign", "LeakyRelu"]
    special = np.array([-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5, -30.0, 30.0, 7.0, -0.2, 1e-4])
    for op in unary:
        for dt in (F32, F64, F16):
            x = special.copy()
            if op in ("Sqrt", "Rsqrt", "Log", "Log1p"):
                x = np.abs(x) + 0.25
            if op in ("Sinh", "Cosh", "Exp", "Expm1") and dt == F16:
                x = np.clip(x, -8, 8)
            add(f"{op}_{dt.name}", op, [(x.reshape(3, 4), dt)])
        # No integer Round: TF 2.21's CPU kernel returns zeros for integer Round (tf.round itself
        # never calls it for integers, it returns x), so TF is no reference for it.
        if op in ("Neg", "Abs", "Square", "Sign", "Relu", "Relu6", "Reciprocal"):
            x = np.array([-7, -2, -1, 1, 2, 7])
            add(f"{op}_int32", op, [(x, I32)])
    add("IsNan_special", "IsNan", [(np.array([np.nan, np.inf, -np.inf, 0.0]), F32)])
    add("IsFinite_special", "IsFinite", [(np.array([np.nan, np.inf, -np.inf, 0.0]), F32)])
    add("LeakyRelu_alpha", "LeakyRelu", [(special, F32)], {"alpha": 0.5})
    add("LogicalNot", "LogicalNot", [(np.array([True, False]), BOOL)])
    add("Sqrt_int_unsupported", "Sqrt", [(np.array([4]), I32)])

    # Cast between dtype pairs.
    vals = np.array([-2.7, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5, 100.25])
    for src in (F32, F64, F16, BF16, I32, I64, U8, I8, BOOL):
        for dst in (F32, F64, F16, BF16, I32, I64, U8, I8, BOOL):
            if src == dst:
                continue
            if src == BOOL:
                x = np.array([True, False, True])
            elif src.is_integer:
                x = np.array([0, 1, 2, 100, 7]) if src == U8 else np.array([-3, -1, 0, 1, 100])
            else:
                x = vals if dst.is_floating or dst == BOOL else np.abs(vals) if dst == U8 else vals
            add(f"Cast_{src.name}_{dst.name}", "Cast", [(x, src)], {"DstT": dst})

    # NN.
    x4 = rnd((2, 5, 6, 3), 11)
    add("BiasAdd_nhwc", "BiasAdd", [(x4, F32), (rnd((3,), 12), F32)])
    add("BiasAdd_nchw", "BiasAdd", [(x4, F32), (rnd((5,), 12), F32)], {"data_format": "NCHW"})
    add("BiasAdd_2d_int", "BiasAdd", [(rint((2, 3), 1), I32), (rint((3,), 2), I32)])
    add("BiasAdd_bad", "BiasAdd", [(x4, F32), (rnd((4,), 12), F32)])
    for op in ("Softmax", "LogSoftmax"):
        add(f"{op}_2d", op, [(rnd((3, 5), 13, -10, 10), F32)])
        add(f"{op}_3d", op, [(rnd((2, 2, 4), 14), F64)])
        add(f"{op}_half", op, [(rnd((2, 4), 14), F16)])
    for ta in (False, True):
        for tb in (False, True):
            a = rnd((4, 3) if ta else (3, 4), 15)
            b = rnd((5, 4) if tb else (4, 5), 16)
            add(f"MatMul_{ta}_{tb}", "MatMul", [(a, F32), (b, F32)], {"transpose_a": ta, "transpose_b": tb})
    add("MatMul_int", "MatMul", [(rint((2, 3), 1), I32), (rint((3, 2), 2), I32)])
    add("MatMul_f64", "MatMul", [(rnd((2, 3), 1), F64), (rnd((3, 2), 2), F64)])
    add("MatMul_bad", "MatMul", [(rnd((2, 3), 1), F32), (rnd((2, 3), 2), F32)])
    add("BatchMatMulV2_bcast", "BatchMatMulV2", [(rnd((2, 1, 3, 4), 17), F32), (rnd((3, 4, 2), 18), F32)])
    add("BatchMatMulV2_adj", "BatchMatMulV2", [(rnd((2, 4, 3), 17), F32), (rnd((2, 2, 4), 18), F32)],
        {"adj_x": True, "adj_y": True})
    add("BatchMatMulV2_2d", "BatchMatMulV2", [(rnd((3, 4), 17), F32), (rnd((4, 2), 18), F32)])
    add("BatchMatMul_v1", "BatchMatMul", [(rnd((2, 3, 4), 17), F32), (rnd((2, 4, 2), 18), F32)])
    for eq, shapes in [("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
                       ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 4)]), ("ij->ji", [(2, 3)]), ("ij->i", [(2, 3)]),
                       ("bsh,hd->bsd", [(2, 3, 4), (4, 5)]), ("ij,ij->i", [(2, 3), (2, 3)]), ("i,j->ij", [(3,), (4,)]),
                       ("abc->cab", [(2, 3, 4)]), ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)])]:
        add(f"Einsum_{eq}", "Einsum", [[(rnd(s, 19 + i), F32) for i, s in enumerate(shapes)]], {"equation": eq})

    img = rnd((2, 7, 8, 3), 21)
    for pad in ("SAME", "VALID"):
        for strides in ([1, 1, 1, 1], [1, 2, 2, 1], [1, 2, 3, 1]):
            add(f"Conv2D_{pad}_{strides[1]}{strides[2]}", "Conv2D", [(img, F32), (rnd((3, 2, 3, 4), 22), F32)],
                {"strides": strides, "padding": pad})
            add(f"MaxPool_{pad}_{strides[1]}{strides[2]}", "MaxPool", [(img, F32)],
                {"ksize": [1, 3, 2, 1], "strides": strides, "padding": pad})
            add(f"AvgPool_{pad}_{strides[1]}{strides[2]}", "AvgPool", [(img, F32)],
                {"ksize": [1, 3, 2, 1], "strides": strides, "padding": pad})
            add(f"Depthwise_{pad}_{strides[1]}{strides[2]}", "DepthwiseConv2dNative",
                [(img, F32), (rnd((3, 3, 3, 2), 23), F32)], {"strides": strides, "padding": pad})
    add("Conv2D_dilated", "Conv2D", [(img, F32), (rnd((2, 2, 3, 2), 22), F32)],
        {"strides": [1, 1, 1, 1], "padding": "SAME", "dilations": [1, 2, 2, 1]})
    add("Conv2D_explicit", "Conv2D", [(img, F32), (rnd((3, 3, 3, 2), 22), F32)],
        {"strides": [1, 2, 1, 1], "padding": "EXPLICIT", "explicit_paddings": [0, 0, 1, 2, 0, 1, 0, 0]})
    add("Conv2D_1x1", "Conv2D", [(img, F32), (rnd((1, 1, 3, 5), 22), F32)], {"strides": [1, 1, 1, 1], "padding": "VALID"})
    add("Conv2D_bad_depth", "Conv2D", [(img, F32), (rnd((1, 1, 4, 5), 22), F32)], {"strides": [1, 1, 1, 1], "padding": "VALID"})
    add("Conv2D_f64", "Conv2D", [(img, F64), (rnd((2, 2, 3, 2), 22), F64)], {"strides": [1, 1, 1, 1], "padding": "SAME"})
    for op in ("FusedBatchNorm", "FusedBatchNormV3"):
        c = 3
        args = [(img, F32), (rnd((c,), 24), F32), (rnd((c,), 25), F32), (rnd((c,), 26), F32), (rnd((c,), 27, 0.5, 2), F32)]
        # reserve_space_* are uninitialised scratch in inference mode.
        add(f"{op}_inference", op, args, {"is_training": False, "epsilon": 0.001}, check_outputs=3)
    add("FusedBatchNormV3_half", "FusedBatchNormV3",
        [(img, F16), (rnd((3,), 24), F32), (rnd((3,), 25), F32), (rnd((3,), 26), F32), (rnd((3,), 27, 0.5, 2), F32)],
        {"is_training": False}, check_outputs=3)
    add("FusedBatchNorm_training", "FusedBatchNorm",
        [(img, F32), (rnd((3,), 24), F32), (rnd((3,), 25), F32), (np.zeros(0), F32), (np.zeros(0), F32)],
        {"is_training": True}, check_outputs=3)  # reserve_space_1/2: TF documents them as for the gradient only

    # Reductions.
    x = rnd((2, 3, 4), 31)
    xi = rint((2, 3, 4), 32)
    for op in ("Sum", "Mean", "Max", "Min", "Prod"):
        for axes in ([1], [-1], [0, 2], [], [0, 1, 2]):
            for keep in (False, True):
                add(f"{op}_{axes}_{keep}", op, [(x, F32), (np.array(axes, dtype=np.int32), I32)], {"keep_dims": keep})
        add(f"{op}_int", op, [(xi, I32), (np.array([0, 2]), I32)])
        add(f"{op}_scalar_axis", op, [(x, F32), (np.array(1), I64)])
        add(f"{op}_bad_axis", op, [(x, F32), (np.array([3]), I32)])
    add("Mean_int_trunc", "Mean", [(np.array([1, 2, 2, -5]), I32), (np.array([0]), I32)])
    for op in ("All", "Any"):
        add(op, op, [(np.array([[True, False], [True, True]]), BOOL), (np.array([1]), I32)])
    for op in ("ArgMax", "ArgMin"):
        add(f"{op}_0", op, [(x, F32), (np.array(0), I32)])
        add(f"{op}_neg", op, [(x, F32), (np.array(-1), I32)], {"output_type": I32})
        add(f"{op}_ties", op, [(np.array([[1, 3, 3], [2, 2, 1]]), I32), (np.array(1), I64)])

    # Shape ops.
    add("Reshape_infer", "Reshape", [(x, F32), (np.array([4, -1]), I32)])
    add("Reshape_bad", "Reshape", [(x, F32), (np.array([5, -1]), I32)])
    add("Reshape_scalar", "Reshape", [(np.array([7.0]), F32), (np.zeros(0, dtype=np.int32), I32)])
    add("Squeeze_all", "Squeeze", [(np.ones((1, 2, 1, 3)), F32)])
    add("Squeeze_axis", "Squeeze", [(np.ones((1, 2, 1, 3)), F32)], {"axis": [-2]})
    add("Squeeze_bad", "Squeeze", [(np.ones((1, 2, 1, 3)), F32)], {"axis": [1]})
    for d in (0, -1, 2):
        add(f"ExpandDims_{d}", "ExpandDims", [(np.ones((2, 3)), F32), (np.array(d), I32)])
    add("Shape", "Shape", [(x, F32)])
    add("Shape_i64", "Shape", [(x, F32)], {"out_type": I64})
    add("ShapeN", "ShapeN", [[(x, F32), (np.ones((5,)), F32)]])
    add("Size", "Size", [(x, F32)])
    add("Rank", "Rank", [(x, F32)])
    add("Transpose", "Transpose", [(x, F32), (np.array([2, 0, 1]), I32)])
    add("Transpose_str", "Transpose", [(np.array([[b"a", b"b"], [b"c", b"d"]], dtype=object), STR), (np.array([1, 0]), I64)])
    add("Transpose_bad", "Transpose", [(x, F32), (np.array([0, 0, 1]), I32)])
    add("ConcatV2_1", "ConcatV2", [[(x, F32), (rnd((2, 1, 4), 33), F32)], (np.array(1), I32)])
    add("ConcatV2_neg", "ConcatV2", [[(xi, I32), (xi, I32), (xi, I32)], (np.array(-1), I32)])
    add("ConcatV2_bad", "ConcatV2", [[(x, F32), (rnd((2, 1, 3), 33), F32)], (np.array(1), I32)])
    add("Pack_0", "Pack", [[(np.ones((2, 3)), F32), (np.zeros((2, 3)), F32)]])
    add("Pack_neg", "Pack", [[(rint((2, 3), 1), I32), (rint((2, 3), 2), I32)]], {"axis": -1})
    add("Pack_scalars", "Pack", [[(np.array(1), I64), (np.array(2), I64)]])
    add("Unpack_1", "Unpack", [(x, F32)], {"num": 3, "axis": 1})
    add("Split_2", "Split", [(np.array(2), I32), (x, F32)], {"num_split": 2})
    add("Split_bad", "Split", [(np.array(1), I32), (x, F32)], {"num_split": 2})
    add("SplitV", "SplitV", [(x, F32), (np.array([1, -1]), I32), (np.array(1), I32)], {"num_split": 2})
    add("Slice", "Slice", [(x, F32), (np.array([0, 1, 1]), I32), (np.array([-1, 2, 2]), I32)])
    add("Slice_bad", "Slice", [(x, F32), (np.array([0, 2, 1]), I32), (np.array([1, 2, 1]), I32)])
    ss = [
        ("basic", [0, 1, 0], [2, 3, 4], [1, 1, 2], {}),
        ("neg_stride", [-1, -1, -1], [-3, -4, -5], [-1, -1, -1], {}),
        ("masks", [1, 0, 0], [0, 2, 0], [1, 1, 1], {"begin_mask": 1, "end_mask": 5}),
        ("shrink", [1, 0, 0], [2, 0, 0], [1, 1, 1], {"shrink_axis_mask": 1, "begin_mask": 6, "end_mask": 6}),
        ("shrink_neg", [0, -1], [0, 0], [1, 1], {"shrink_axis_mask": 2, "begin_mask": 1, "end_mask": 1}),
        ("ellipsis", [0, 1], [0, 3], [1, 1], {"ellipsis_mask": 1}),
        ("ellipsis_mid", [1, 0, 1], [2, 0, 3], [1, 1, 1], {"ellipsis_mask": 2}),
        ("new_axis", [0, 0, 0], [0, 1, 0], [1, 1, 1], {"new_axis_mask": 1, "end_mask": 4, "begin_mask": 4}),
        ("new_axis_ellipsis", [0, 0], [0, 0], [1, 1], {"ellipsis_mask": 1, "new_axis_mask": 2}),
        ("clamp", [-10, 1, 0], [10, 100, 4], [1, 1, 3], {}),
        ("empty", [1, 2, 0], [1, 1, 4], [1, 1, 1], {}),
        ("rev_all", [0, 0, 0], [0, 0, 0], [-1, -1, -1], {"begin_mask": 7, "end_mask": 7}),
        ("shrink_oob", [5], [6], [1], {"shrink_axis_mask": 1}),
        ("zero_stride", [0], [1], [0], {}),
    ]
    for name, b, e, s, attrs in ss:
        add(f"StridedSlice_{name}", "StridedSlice",
            [(x, F32), (np.array(b), I32), (np.array(e), I32), (np.array(s), I32)], attrs)
    add("StridedSlice_1d_last", "StridedSlice",
        [(np.arange(5), I32), (np.array([-1]), I32), (np.array([0]), I32), (np.array([1]), I32)], {"shrink_axis_mask": 1})
    add("GatherV2_0", "GatherV2", [(x, F32), (np.array([[1, 0], [1, 1]]), I32), (np.array(0), I32)])
    add("GatherV2_axis2", "GatherV2", [(x, F32), (np.array([3, 0]), I64), (np.array(-1), I32)])
    add("GatherV2_batch", "GatherV2", [(x, F32), (np.array([[2, 0], [1, 1]]), I32), (np.array(1), I32)], {"batch_dims": 1})
    add("GatherV2_oob", "GatherV2", [(x, F32), (np.array([5]), I32), (np.array(1), I32)])
    add("GatherV2_str", "GatherV2", [(np.array([b"a", b"b", b"c"], dtype=object), STR), (np.array([2, 0]), I32), (np.array(0), I32)])
    add("GatherNd", "GatherNd", [(x, F32), (np.array([[0, 1], [1, 2]]), I32)])
    add("GatherNd_full", "GatherNd", [(x, F32), (np.array([[0, 1, 3], [1, 2, 0]]), I64)])
    add("GatherNd_oob", "GatherNd", [(x, F32), (np.array([[2, 1]]), I32)])
    add("Fill", "Fill", [(np.array([2, 3]), I32), (np.array(1.5), F32)])
    add("Fill_str", "Fill", [(np.array([2]), I64), (np.array(b"x", dtype=object), STR)])
    add("ZerosLike", "ZerosLike", [(xi, I32)])
    add("OnesLike", "OnesLike", [(x, F32)])
    add("Range_int", "Range", [(np.array(3), I32), (np.array(18), I32), (np.array(4), I32)])
    add("Range_neg", "Range", [(np.array(5), I64), (np.array(-4), I64), (np.array(-3), I64)])
    add("Range_float", "Range", [(np.array(0.0), F32), (np.array(1.0), F32), (np.array(0.1), F32)])
    add("Range_bad", "Range", [(np.array(5), I32), (np.array(1), I32), (np.array(1), I32)])
    add("Tile", "Tile", [(rnd((2, 3), 34), F32), (np.array([2, 3]), I32)])
    add("Tile_zero", "Tile", [(rnd((2, 3), 34), F32), (np.array([0, 1]), I32)])
    add("Pad", "Pad", [(rnd((2, 3), 35), F32), (np.array([[1, 0], [2, 1]]), I32)])
    add("PadV2", "PadV2", [(rint((2, 3), 35), I32), (np.array([[0, 1], [1, 1]]), I64), (np.array(-1), I32)])
    add("MirrorPad_reflect", "MirrorPad", [(rnd((3, 4), 36), F32), (np.array([[2, 1], [3, 2]]), I32)], {"mode": "REFLECT"})
    add("MirrorPad_symmetric", "MirrorPad", [(rnd((3, 4), 36), F32), (np.array([[3, 1], [4, 2]]), I32)], {"mode": "SYMMETRIC"})
    add("MirrorPad_bad", "MirrorPad", [(rnd((3, 4), 36), F32), (np.array([[3, 1], [4, 2]]), I32)], {"mode": "REFLECT"})
    cond = np.array([True, False])
    add("Select_vec", "Select", [(cond, BOOL), (rnd((2, 3), 37), F32), (rnd((2, 3), 38), F32)])
    add("Select_same", "Select", [(np.array([[True, False, True], [False, True, False]]), BOOL), (rint((2, 3), 37), I32), (rint((2, 3), 38), I32)])
    add("SelectV2_bcast", "SelectV2", [(np.array([[True], [False]]), BOOL), (rnd((2, 3), 37), F32), (np.array(0.5), F32)])
    add("Where_2d", "Where", [(np.array([[True, False, True], [False, True, False]]), BOOL)])
    add("Where_float", "Where", [(np.array([0.0, 1.5, 0.0, -2.0]), F32)])
    add("BroadcastTo", "BroadcastTo", [(rnd((3, 1), 39), F32), (np.array([2, 3, 4]), I32)])
    add("BroadcastTo_bad", "BroadcastTo", [(rnd((3, 2), 39), F32), (np.array([2, 3, 4]), I32)])
    add("BroadcastArgs", "BroadcastArgs", [(np.array([2, 1, 3]), I32), (np.array([4, 1]), I32)])
    add("OneHot", "OneHot", [(np.array([0, 2, -1, 5]), I32), (np.array(3), I32), (np.array(1.0), F32), (np.array(0.0), F32)])
    add("OneHot_axis0", "OneHot", [(np.array([[0, 2], [1, 1]]), I64), (np.array(3), I32), (np.array(5), I32), (np.array(-1), I32)], {"axis": 0})
    for excl in (False, True):
        for rev in (False, True):
            add(f"Cumsum_{excl}_{rev}", "Cumsum", [(rnd((2, 3), 40), F32), (np.array(1), I32)], {"exclusive": excl, "reverse": rev})
    add("Cumprod", "Cumprod", [(rint((2, 3), 41, 1, 4), I32), (np.array(0), I32)])
    add("ReverseV2", "ReverseV2", [(x, F32), (np.array([0, -1]), I32)])
    add("InvertPermutation", "InvertPermutation", [(np.array([3, 0, 2, 1]), I32)])
    add("TopKV2", "TopKV2", [(np.array([[1, 5, 3, 5, 2], [0, -1, 7, 7, 7]]), F32), (np.array(3), I32)])
    add("UnsortedSegmentSum", "UnsortedSegmentSum", [(rnd((5, 2), 42), F32), (np.array([0, 2, 0, -1, 2]), I32), (np.array(4), I32)])
    add("UnsortedSegmentMax", "UnsortedSegmentMax", [(rint((5, 2), 42), I32), (np.array([0, 2, 0, 1, 2]), I32), (np.array(3), I32)])
    add("DynamicStitch", "DynamicStitch", [[(np.array([0, 2]), I32), (np.array([[1], [3]]), I32)],
                                           [(rnd((2, 2), 43), F32), (rnd((2, 1, 2), 44), F32)]])
    add("Unique", "Unique", [(np.array([3, 1, 3, 2, 1, 7]), I32)])
    add("Unique_i64idx", "Unique", [(np.array([b"b", b"a", b"b"], dtype=object), STR)], {"out_idx": I64})
    add("L2Loss", "L2Loss", [(rnd((3, 4), 45), F32)])

    # Strings.
    add("AsString_int", "AsString", [(np.array([-3, 0, 12]), I32)])
    add("AsString_float", "AsString", [(np.array([1.5, -0.25, 3.0]), F32)])
    add("AsString_float_prec", "AsString", [(np.array([1.5, -0.25, 3.0]), F32)], {"precision": 2})
    add("AsString_bool", "AsString", [(np.array([True, False]), BOOL)])
    add("AsString_width", "AsString", [(np.array([7, 42]), I64)], {"width": 4, "fill": "0"})
    strs = np.array([[b"a", b"bc"], [b"d", b"ef"]], dtype=object)
    add("ReduceJoin_0", "ReduceJoin", [(strs, STR), (np.array([0]), I32)], {"separator": "-"})
    add("ReduceJoin_all", "ReduceJoin", [(strs, STR), (np.array([0, 1]), I32)], {"keep_dims": True})
    add("ReduceJoin_neg", "ReduceJoin", [(strs, STR), (np.array(-1), I32)])
    add("StringLength", "StringLength", [(np.array([b"", b"abc", "h\u00e9llo".encode()], dtype=object), STR)])
    add("StringLength_utf8", "StringLength", [(np.array([b"", b"abc", "h\u00e9llo".encode()], dtype=object), STR)], {"unit": "UTF8_CHAR"})
    add("StaticRegexReplace", "StaticRegexReplace", [(np.array([b"a.b.c", b"xyz"], dtype=object), STR)],
        {"pattern": r"\.", "rewrite": "_"})
    add("StaticRegexReplace_first", "StaticRegexReplace", [(np.array([b"a.b.c"], dtype=object), STR)],
        {"pattern": r"(\w)\.", "rewrite": r"<\1>", "replace_global": False})
    missing_op_cases(add)
    return out


def missing_op_cases(add):
    """Ops that real files used and tfscope lacked (issue 12)."""
    words = np.array([b"Hello World", b"", b"MiXeD 123_x", "\u00e9t\u00e9 \u00c0 stra\u00dfe".encode()], dtype=object)
    add("StringUpper", "StringUpper", [(words, STR)])
    add("StringLower", "StringLower", [(words, STR)])
    add("StringUpper_utf8", "StringUpper", [(words, STR)], {"encoding": "utf-8"})
    add("StringLower_utf8", "StringLower", [(words, STR)], {"encoding": "utf-8"})
    lines = np.array([b"a b  c", b"", b"x,y,,z", b" lead trail "], dtype=object)
    add("StringSplit_space", "StringSplit", [(lines, STR), (np.array(b" ", dtype=object), STR)])
    add("StringSplit_keep_empty", "StringSplit", [(lines, STR), (np.array(b", ", dtype=object), STR)], {"skip_empty": False})
    add("StringSplit_chars", "StringSplit", [(np.array([b"abc", b"d"], dtype=object), STR), (np.array(b"", dtype=object), STR)])
    add("StringSplitV2_sep", "StringSplitV2", [(lines, STR), (np.array(b",", dtype=object), STR)])
    add("StringSplitV2_ws", "StringSplitV2", [(lines, STR), (np.array(b"", dtype=object), STR)])
    add("StringSplitV2_max", "StringSplitV2", [(lines, STR), (np.array(b" ", dtype=object), STR)], {"maxsplit": 1})
    add("StringSplitV2_ws_max", "StringSplitV2", [(lines, STR), (np.array(b"", dtype=object), STR)], {"maxsplit": 1})
    add("StringSplit_bad_rank", "StringSplit", [(np.array([[b"a"]], dtype=object), STR), (np.array(b" ", dtype=object), STR)])
    toks = np.array([b"a", b"b", b"c", b"d", b"e", b"f"], dtype=object)
    splits = np.array([0, 3, 3, 4, 6])
    ng = {"separator": " ", "left_pad": "", "right_pad": "", "pad_width": 0, "preserve_short_sequences": False}
    add("StringNGrams_bi", "StringNGrams", [(toks, STR), (splits, I64)], dict(ng, ngram_widths=[2]))
    add("StringNGrams_1_3", "StringNGrams", [(toks, STR), (splits, I32)], dict(ng, ngram_widths=[1, 3], separator="|"))
    add("StringNGrams_pad", "StringNGrams", [(toks, STR), (splits, I64)],
        dict(ng, ngram_widths=[3], left_pad="<s>", right_pad="</s>", pad_width=-1))
    add("StringNGrams_pad1", "StringNGrams", [(toks, STR), (splits, I64)],
        dict(ng, ngram_widths=[2, 4], left_pad="L", right_pad="R", pad_width=1))
    add("StringNGrams_short", "StringNGrams", [(toks, STR), (splits, I64)], dict(ng, ngram_widths=[3], preserve_short_sequences=True))
    add("StringNGrams_short_pad", "StringNGrams", [(toks, STR), (splits, I64)],
        dict(ng, ngram_widths=[4], left_pad="L", right_pad="R", pad_width=1, preserve_short_sequences=True))
    add("StringNGrams_bad_splits", "StringNGrams", [(toks, STR), (np.array([0, 2, 5]), I64)], dict(ng, ngram_widths=[2]))
    arr = np.array([1, 1, 0, 3, 7, 2, 1])
    add("Bincount", "Bincount", [(arr, I32), (np.array(5), I32), (np.array([], np.float32), F32)])
    add("Bincount_weights", "Bincount", [(arr, I32), (np.array(4), I32), (rnd([7], 40), F32)])
    add("Bincount_int_weights", "Bincount", [(arr, I32), (np.array(8), I32), (rint([7], 41), I64)])
    add("Bincount_negative", "Bincount", [(np.array([1, -1]), I32), (np.array(3), I32), (np.array([], np.float32), F32)])
    add("DenseBincount", "DenseBincount", [(arr, I32), (np.array(5), I32), (np.array([], np.float32), F32)])
    add("DenseBincount_2d", "DenseBincount", [(rint([3, 4], 42, 0, 6), I64), (np.array(6), I64), (rnd([3, 4], 43), F64)])
    add("DenseBincount_binary", "DenseBincount", [(rint([2, 5], 44, 0, 4), I32), (np.array(4), I32), (np.array([], np.int32), I32)],
        {"binary_output": True})
    for mode in ("MIN_COMBINED", "MIN_FIRST", "SCALED"):
        add(f"Dequantize_quint8_{mode}", "Dequantize",
            [(rint([2, 5], 45, 0, 256), tf.quint8), (np.array(-1.5), F32), (np.array(2.5), F32)], {"mode": mode})
        add(f"Dequantize_qint8_{mode}", "Dequantize",
            [(rint([7], 46, -128, 128), tf.qint8), (np.array(-0.75), F32), (np.array(0.5), F32)], {"mode": mode})
    add("Dequantize_qint32_scaled", "Dequantize", [(rint([4], 47, -1000, 1000), tf.qint32), (np.array(-2.0), F32), (np.array(2.0), F32)],
        {"mode": "SCALED"})
    add("Dequantize_narrow", "Dequantize", [(rint([6], 48, -127, 128), tf.qint8), (np.array(-1.0), F32), (np.array(1.0), F32)],
        {"mode": "SCALED", "narrow_range": True})
    add("Dequantize_axis", "Dequantize", [(rint([2, 3], 49, -128, 128), tf.qint8), (np.array([-1.0, -2.0, -0.5], np.float32), F32),
                                          (np.array([1.0, 2.0, 0.5], np.float32), F32)], {"mode": "SCALED", "axis": 1})
    add("Dequantize_bad_range", "Dequantize", [(np.array([1, 2]), tf.quint8), (np.array([0.0, 1.0], np.float32), F32), (np.array(1.0), F32)])
    # BoostedTreesBucketize: TF 2.15 has no kernel for it (tf.raw_ops fails), so no case here;
    # tests/model/tst_kernels_missing_ops.cpp checks it.
    seq = rnd([3, 4, 2], 50)
    add("ReverseSequence", "ReverseSequence", [(seq, F32), (np.array([4, 0, 2]), I64)], {"seq_dim": 1})
    add("ReverseSequence_batch1", "ReverseSequence", [(rint([4, 3], 51), I32), (np.array([1, 3, 2]), I32)], {"seq_dim": 0, "batch_dim": 1})
    add("ReverseSequence_too_long", "ReverseSequence", [(seq, F32), (np.array([5, 0, 2]), I64)], {"seq_dim": 1})
    add("ScatterNd", "ScatterNd", [(np.array([[4], [3], [1], [7], [1]]), I32), (rnd([5], 52), F32), (np.array([8]), I32)])
    add("ScatterNd_slices", "ScatterNd", [(np.array([[0], [2]]), I64), (rint([2, 3], 53), I32), (np.array([4, 3]), I64)])
    add("ScatterNd_2d_index", "ScatterNd", [(np.array([[0, 1], [2, 2], [0, 1]]), I32), (rnd([3], 54), F64), (np.array([3, 3]), I32)])
    add("ScatterNd_out_of_range", "ScatterNd", [(np.array([[0], [9]]), I32), (rnd([2], 55), F32), (np.array([4]), I32)])
    add("ConcatOffset", "ConcatOffset", [(np.array(1), I32), [(np.array([2, 3, 5]), I32), (np.array([2, 7, 5]), I32), (np.array([2, 1, 5]), I32)]])
    add("ConcatOffset_neg", "ConcatOffset", [(np.array(-1), I32), [(np.array([2, 3]), I32), (np.array([2, 4]), I32)]])
    add("ConcatOffset_mismatch", "ConcatOffset", [(np.array(1), I32), [(np.array([2, 3]), I32), (np.array([3, 4]), I32)]])


def main():
    result = cases()
    with open(OUT, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    errors = sum(1 for c in result if "error" in c)
    print(f"{len(result)} cases ({errors} expected errors) -> {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
