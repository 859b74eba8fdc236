"""Writes numpy_print_cases.json: arrays and what print(array) shows with numpy 1.26 defaults
(and ml_dtypes for bfloat16), the reference for tests/model/tst_tensor_format.cpp.

Run: ~/.cache/tfscope/venv/bin/python tests/data/ckpt/make_numpy_cases.py
"""
import base64
import json
import os

import ml_dtypes
import numpy as np

CASES = [
    ("float32", [], 0.5), ("float32", [], 2.0), ("float32", [], 0.1), ("float32", [], 1e-5),
    ("float32", [], 1.5e16), ("float32", [], -0.0), ("float32", [], float("nan")), ("float32", [], float("-inf")),
    ("float64", [], 123456789012.5), ("float64", [], 1.0 / 3.0), ("float16", [], 0.1), ("bfloat16", [], 2.0),
    ("float32", [3], [1, 2, 3]), ("float32", [2], [0.5, 2.0]), ("float32", [2], [0.1, 0.123456789]),
    ("float32", [3], [0.5, 2.25, -3]), ("float32", [2], [1e-5, 2]), ("float32", [2], [1e8, 1]),
    ("float32", [3], [float("nan"), 1.5, -2]), ("float32", [3], [float("inf"), float("-inf"), 1e-7]),
    ("float32", [2], [float("nan"), float("inf")]), ("float32", [3], [0, 0, 0]), ("float32", [2], [-0.0, 1]),
    ("float64", [3], [0.1, 1.0 / 3.0, 2.5e10]), ("float64", [2], [1234.5678, 0.001]),
    ("float64", [2], [123456.789, 1]), ("float16", [3], [0.1, -2.0, 65504.0]), ("float16", [2], [0.5, 1.5]),
    ("bfloat16", [3], [0.1, 1.5, -256.0]), ("float32", [2, 3], [0.5, 2, -3.25, 1e-3, 100, 7]),
    ("float32", [2, 2], [1, 2, 3, 4]), ("float32", [20], [i / 7 for i in range(20)]),
    ("float32", [2, 2, 2], list(range(8))), ("float32", [40, 50], [i / 8 for i in range(2000)]),
    ("float32", [1001], [i * 1.5 for i in range(1001)]), ("float32", [10, 10, 11], [float(i) for i in range(1100)]),
    ("int32", [2, 2], [1, 10, -100, 1000]), ("int64", [], 1234567890123), ("int8", [3], [-128, 0, 127]),
    ("uint64", [1], [18446744073709551615]), ("int32", [30], list(range(-15, 15))), ("int64", [2000], list(range(2000))),
    ("int32", [0, 3], []), ("bool", [3], [True, False, True]), ("bool", [1], [True]), ("bool", [], False),
    ("complex64", [2], [[1, 2], [-0.5, -1]]), ("complex128", [1], [[3, -4]]), ("complex64", [], [1, 2]),
    ("complex128", [], [-1, -0.5]), ("complex64", [], [0, 2]),
    ("float32", [4], [1.61687983e-03, -6.20669e-04, 1.13732937e-37, 0.1]), ("float16", [2], [0.1, 1e-5]),
    ("string", [], b"hello"), ("string", [3], [b"it's", b'"q"', b"\t\\\xff"]),
    ("string", [4], [b"", b"a", b"\xff\x00bin", b"x" * 100]), ("string", [2, 2], [b"a", b"bb", b"ccc", b"d"]),
]


def make(dtype, shape, values):
    if dtype == "string":
        if shape == []:
            return np.array(values, dtype=object).reshape(())
        return np.array(values, dtype=object).reshape(shape)
    if dtype.startswith("complex"):
        if shape == []:
            return np.array(complex(*values), dtype=dtype)
        return np.array([complex(*v) for v in values], dtype=dtype).reshape(shape)
    dt = ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype
    return np.array(values, dtype=dt).reshape(shape)


def jsonable(dtype, values):
    if dtype == "string":
        vals = values if isinstance(values, list) else [values]
        return [base64.b64encode(v).decode() for v in vals]
    def conv(v):
        if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            return repr(v)
        return v
    if isinstance(values, list):
        return [conv(v) if not isinstance(v, list) else v for v in values]
    return conv(values)


out = []
for dtype, shape, values in CASES:
    arr = make(dtype, shape, values)
    text = str(arr) if arr.shape != () else str(arr[()])
    out.append({"dtype": dtype, "shape": shape, "values": jsonable(dtype, values), "expected": text})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy_print_cases.json"), "w") as f:
    json.dump(out, f, indent=1)
print(len(out), "cases")
