"""The one rule for comparing a floating-point result with a reference (TensorFlow's output, live or
recorded), used by every oracle test; tests/float_compare.h is the same rule in C++.

    |got - ref| <= ULPS * eps(dtype) * sqrt(K) * max|ref|   (+ the dtype's smallest normal number)

- max|ref| is the largest finite magnitude in the whole reference tensor: rounding errors of a sum
  scale with the magnitude of its terms, not with the (possibly cancelled, near-zero) result, so a
  per-element relative tolerance fails on elements near zero whenever the summation order changes
  (TensorFlow picks other kernels on another CPU, e.g. AVX-512 ones; our kernels block sums their
  own way).
- K is the length of the reduction behind each element (MatMul: the contracted dimension; Conv2D:
  kh*kw*cin; depthwise: kh*kw; batch norm in training: N*H*W; elementwise ops: 1). Rounding errors
  of a K-term sum in another order grow like sqrt(K) (random-walk), the figure numerical libraries
  use for cross-hardware tolerances; `reduction_length` derives it from an op and its input shapes,
  `graph_reduction_length` sums it over every op a graph output depends on.
- ULPS = 8 units of eps (eps = 2^-23 for float32). Measured: TensorFlow against its own recording
  from another CPU differs by at most 1.1 eps * sqrt(K) * max|ref| over the 780 kernel cases; our
  kernels against TF by at most 1.3 (Rsqrt, batch norm) and whole `tfscope run` outputs against TF
  by at most 0.22 (6.2 without the sqrt(K)). 8 leaves a margin of 6 for other CPUs and compilers,
  while a real bug (a wrong index, a missed term of a sum, a float16 rounding slip) is off by far
  more: test_tolerance.py checks both directions.
- The absolute floor (the smallest normal number of the dtype) only matters when the reference is
  all zeros.
- NaN matches NaN only, an infinity only the same infinity. Integers, bools and strings compare
  exactly.
"""

import math

import numpy as np

ULPS = 8
EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23, "float64": 2.0 ** -52}
TINY = {"float16": 2.0 ** -14, "bfloat16": 2.0 ** -126, "float32": 2.0 ** -126, "float64": 2.0 ** -1022}
# Complex dtypes use their component's precision.
COMPONENT = {"complex64": "float32", "complex128": "float64"}
# Aliases: TF's DataType enum names and numpy's.
ALIASES = {"DT_HALF": "float16", "DT_BFLOAT16": "bfloat16", "DT_FLOAT": "float32", "DT_DOUBLE": "float64",
           "DT_COMPLEX64": "complex64", "DT_COMPLEX128": "complex128", "half": "float16", "float": "float32",
           "double": "float64"}


def float_kind(dtype):
    """'float32', 'complex64', ... for a floating dtype name (TF, numpy or DT_ enum), else None."""
    name = ALIASES.get(str(dtype), str(dtype))
    if name in EPS or name in COMPONENT:
        return name
    return None


def tolerance(dtype, k, scale):
    """The allowed |got - ref| for an element behind a K-term reduction, max|ref| = scale."""
    name = COMPONENT.get(float_kind(dtype), float_kind(dtype))
    return ULPS * EPS[name] * math.sqrt(max(1, k)) * scale + TINY[name]


def compare(got, ref, dtype, k=1):
    """None when `got` matches the reference `ref` (arrays or nested lists of the same shape),
    else a message naming the first element that does not. Exact for non-float dtypes."""
    kind = float_kind(dtype)
    g, r = np.asarray(got), np.asarray(ref)
    if g.shape != r.shape:
        return "shape %s != reference %s" % (list(g.shape), list(r.shape))
    if kind is None:
        gl, rl = g.reshape(-1).tolist(), r.reshape(-1).tolist()
        for i, (a, b) in enumerate(zip(gl, rl)):
            if a != b:
                return "element %d: %r != reference %r (exact dtype %s)" % (i, a, b, dtype)
        return None
    if kind in COMPONENT:  # complex: real and imaginary parts interleaved, as separate values
        g = np.stack([g.real, g.imag], axis=-1)
        r = np.stack([r.real, r.imag], axis=-1)
    a = g.astype(np.float64).reshape(-1)
    b = r.astype(np.float64).reshape(-1)
    finite = np.isfinite(b)
    scale = float(np.max(np.abs(b[finite]))) if finite.any() else 0.0
    tol = tolerance(kind, k, scale)
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - b)
        ok = np.where(np.isnan(b), np.isnan(a), np.where(np.isinf(b), a == b, diff <= tol))
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        return ("element %d: %r != reference %r (|diff| %.3g > tolerance %.3g = %d eps * sqrt(K=%d) * max|ref| %.6g)"
                % (i, a[i], b[i], diff[i], tol, ULPS, max(1, k), scale))
    return None


def assert_close(test, got, ref, dtype, k=1, what=""):
    """unittest assertion form of `compare`."""
    msg = compare(got, ref, dtype, k)
    if msg is not None:
        test.fail("%s: %s" % (what, msg) if what else msg)


# --- K, the reduction length behind an op's outputs ------------------------------------------------

def _prod(dims):
    out = 1
    for d in dims:
        out *= int(d)
    return out


def _known(shape):
    return shape is not None and all(d is not None and d >= 0 for d in shape)


def _einsum_contracted(equation, shapes):
    lhs, _, out = equation.replace(" ", "").partition("->")
    sizes = {}
    for term, shape in zip(lhs.split(","), shapes):
        if shape is None:
            continue
        pre, dots, post = term.partition("...")
        pairs = list(zip(pre, shape[:len(pre)]))
        if dots:
            pairs += list(zip(post, shape[len(shape) - len(post):])) if post else []
        else:
            pairs = list(zip(term, shape))
        for label, d in pairs:
            if d is not None:
                sizes[label] = max(sizes.get(label, 1), int(d))
    return _prod(d for label, d in sizes.items() if label not in out)


def reduction_length(op, attr, shapes, value=lambda i: None):
    """K for an op's outputs. attr(name, default) reads an attribute, shapes are the input shapes
    (lists, None entries for unknown dims or None for an unknown rank), value(i) the constant value
    of input i when known (reduction axes). Unknown sizes count as 1."""
    get = attr

    def attr(name, default):  # noqa: F811 (string attributes as str, whichever way they were read)
        v = get(name, default)
        return v.decode() if isinstance(v, bytes) else v

    def dim(i, axis):
        s = shapes[i] if i < len(shapes) else None
        if s is None or not s or s[axis] is None:
            return 1
        return int(s[axis])

    def axes_size(i_data, i_axes):
        s, axes = shapes[i_data], value(i_axes)
        if not s or axes is None:
            return 1
        return _prod(s[a % len(s)] or 1 for a in set(np.asarray(axes).reshape(-1).tolist()))

    if op == "MatMul":  # from either operand, whichever shape is known
        return max(dim(0, 0 if attr("transpose_a", False) else 1), dim(1, 1 if attr("transpose_b", False) else 0))
    if op in ("BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"):
        return max(dim(0, -2 if attr("adj_x", False) else -1), dim(1, -1 if attr("adj_y", False) else -2))
    if op == "Einsum":
        return _einsum_contracted(attr("equation", ""), shapes)
    if op in ("Conv2D", "Conv3D", "_FusedConv2D"):
        s = shapes[1]
        return _prod(d or 1 for d in s[:-1]) if s else 1
    if op == "DepthwiseConv2dNative":
        s = shapes[1]
        return _prod(d or 1 for d in s[:2]) if s else 1
    if op in ("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"):
        s = shapes[0]
        if not attr("is_training", True) or not _known(s) or not s:
            return 1
        channels = s[1] if attr("data_format", "NHWC") == "NCHW" else s[-1]
        return _prod(s) // max(1, channels)
    if op in ("Sum", "Mean", "Prod", "EuclideanNorm"):
        return axes_size(0, 1)
    if op in ("Softmax", "LogSoftmax"):
        return dim(0, -1)
    if op in ("Cumsum", "Cumprod"):
        s, axis = shapes[0], value(1)
        return int(s[int(axis) % len(s)]) if axis is not None and _known(s) and s else 1
    if op == "AvgPool":
        return _prod(attr("ksize", [1]))
    if op == "AddN":
        return len(shapes)
    if op == "L2Loss":
        return _prod(shapes[0]) if _known(shapes[0]) else 1
    if op in ("UnsortedSegmentSum", "SegmentSum", "SegmentMean"):
        return dim(0, 0)
    return 1


def tf_op_reduction_length(op):
    """reduction_length for a tf.Operation (shapes from TensorFlow's static shape inference)."""
    import tensorflow as tf

    def attr(name, default):
        try:
            return op.get_attr(name)
        except ValueError:
            return default

    def shape(t):
        return t.shape.as_list() if t.shape.rank is not None else None

    def value(i):
        return tf.get_static_value(op.inputs[i]) if i < len(op.inputs) else None

    try:
        return reduction_length(op.type, attr, [shape(t) for t in op.inputs], value)
    except (TypeError, ValueError, IndexError):
        return 1


# Attributes naming functions that an op runs (calls, functional control flow).
FUNCTION_ATTRS = ("f", "body", "cond", "then_branch", "else_branch")


def _attr_value(av, default):
    """A NodeDef AttrValue as a plain Python value (list attrs: their ints or strings)."""
    kind = av.WhichOneof("value")
    if kind is None:
        return default
    if kind == "list":
        return list(av.list.i) or [x.decode() for x in av.list.s]
    if kind == "func":
        return av.func.name
    return getattr(av, kind)


def _shape_list(shape_proto):
    return None if shape_proto.unknown_rank else [d.size if d.size >= 0 else None for d in shape_proto.dim]


def function_reduction_length(library, name, cache=None):
    """The sum of reduction_length over every node of function `name` (a FunctionDef in `library`,
    {name: FunctionDef}) and of the functions it calls. Shapes come from the `_output_shapes`
    attributes that SavedModels record on function nodes; unknown ones count as 1."""
    cache = {} if cache is None else cache
    if name in cache:
        return cache[name]
    cache[name] = 1  # a recursive function counts once
    fdef = library.get(name)
    if fdef is None:
        return 1
    outputs = {n.name: [_shape_list(s) for s in n.attr["_output_shapes"].list.shape] for n in fdef.node_def}
    args = {}
    for i, arg in enumerate(fdef.signature.input_arg):
        known = fdef.arg_attr[i].attr["_output_shapes"].list.shape if i in fdef.arg_attr else []
        args[arg.name] = _shape_list(known[0]) if known else None

    def shape(inp):
        parts = inp.split(":")
        if len(parts) == 1:
            return args.get(inp)
        shapes = outputs.get(parts[0], [])
        idx = int(parts[-1]) if len(parts) == 3 else 0
        return shapes[idx] if idx < len(shapes) else None

    k = 0
    for n in fdef.node_def:
        attr = lambda key, default, n=n: _attr_value(n.attr[key], default) if key in n.attr else default  # noqa: E731
        k += reduction_length(n.op, attr, [shape(i) for i in n.input if not i.startswith("^")])
        for key in FUNCTION_ATTRS:
            if key in n.attr and n.attr[key].WhichOneof("value") == "func":
                k += function_reduction_length(library, n.attr[key].func.name, cache)
    cache[name] = max(1, k)
    return cache[name]


def graph_reduction_length(graph, tensor_names):
    """{tensor name: K} for outputs of a whole graph: the sum of reduction_length over every op the
    tensor depends on (rounding errors of successive reductions add up), function bodies included
    (a call counts its whole body). Each op counts at least 1; loop bodies count once."""
    library = {f.signature.name: f for f in graph.as_graph_def().library.function}
    cache, out = {}, {}
    for name in tensor_names:
        first = graph.get_tensor_by_name(name).op if ":" in name else graph.get_operation_by_name(name)
        seen, stack, k = set(), [first], 0
        while stack:
            op = stack.pop()
            if op.name in seen:
                continue
            seen.add(op.name)
            k += tf_op_reduction_length(op)
            for key in FUNCTION_ATTRS:
                if key in op.node_def.attr and op.node_def.attr[key].WhichOneof("value") == "func":
                    k += function_reduction_length(library, op.node_def.attr[key].func.name, cache)
            stack.extend(t.op for t in op.inputs)
        out[name] = max(1, k)
    return out


def signature_reduction_lengths(graph, signature_def):
    """{output key: K} for a SignatureDef's outputs in `graph` (sparse/composite outputs: 1)."""
    names = {k: v.name for k, v in signature_def.outputs.items() if v.WhichOneof("encoding") == "name"}
    ks = graph_reduction_length(graph, list(set(names.values())))
    return {k: ks[n] for k, n in names.items()}
