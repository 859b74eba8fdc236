"""Oracle: `tfscope run PATH --fetches ... --json` against TensorFlow's own sess.run on graphs
without signatures (frozen GraphDefs, .meta + checkpoint) and on intermediates of SavedModels.

TF imports the same file (tf.import_graph_def, or import_meta_graph + Saver.restore, or the TF1
SavedModel loader) and runs the same fetches with the same feeds. Floats must agree within
rtol * max|ref| * sqrt(K) (K: the longest reduction in the small graphs here, 784 at most);
ints exactly. Shared-model cases skip when ../shared is absent. Needs TFSCOPE_BIN.

The comparison is a minimal local one: the shared comparison helper was not on main yet."""
import json
import math
import os
import subprocess
import tempfile
import unittest

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "fetch")
MODELS = os.environ.get("TFSCOPE_SHARED_MODELS", os.path.join(HERE, "..", "..", "..", "shared", "testdata", "models"))
BIN = os.environ.get("TFSCOPE_BIN", "")
v1 = tf.compat.v1


def assert_close(test, got, ref, name, reduction=64, rtol=1e-6):
    got = np.asarray(got)
    ref = np.asarray(ref)
    test.assertEqual(list(got.shape), list(ref.shape), name)
    if ref.dtype.kind == "f":
        scale = float(np.max(np.abs(ref))) if ref.size else 0.0
        tol = rtol * max(scale, 1e-30) * math.sqrt(reduction) + 1e-12
        err = float(np.max(np.abs(got.astype(np.float64) - ref.astype(np.float64)))) if ref.size else 0.0
        test.assertLessEqual(err, tol, f"{name}: max error {err} > {tol}")
    else:
        test.assertEqual(got.tolist(), ref.tolist(), name)


def tfscope(path, fetches, feeds, tmp, extra=()):
    args = [BIN, "run", path, "--fetches", ",".join(fetches), "--json"]
    items = []
    for i, (name, value) in enumerate(feeds.items()):
        f = os.path.join(tmp, f"in{i}.npy")
        np.save(f, value)
        items.append(f"{name}={f}")
    if items:
        args += ["--inputs", ";".join(items)]
    args += list(extra)
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"tfscope failed ({p.returncode}): {p.stderr}")
    doc = json.loads(p.stdout)
    return {r.get("tensor", r.get("output_key")): np.asarray(r["value"], dtype=tf.as_dtype(r["dtype"].replace("DT_", "").lower()).as_numpy_dtype)
            .reshape(r["shape"]) for r in doc["results"]}


def tf_graph_def(path, feeds, fetches):
    gd = tf.compat.v1.GraphDef()
    with open(path, "rb") as f:
        gd.ParseFromString(f.read())
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(gd, name="")
    with v1.Session(graph=g) as s:
        return dict(zip(fetches, s.run(fetches, feeds)))


def tf_meta(meta, prefix, feeds, fetches):
    g = tf.Graph()
    with g.as_default(), v1.Session(graph=g) as s:
        saver = v1.train.import_meta_graph(meta, clear_devices=True)
        saver.restore(s, prefix)
        return dict(zip(fetches, s.run(fetches, feeds)))


def tf_saved_model(d, tags, feeds, fetches):
    g = tf.Graph()
    with g.as_default(), v1.Session(graph=g) as s:
        v1.saved_model.loader.load(s, tags, d)
        return dict(zip(fetches, s.run(fetches, feeds)))


@unittest.skipUnless(BIN, "TFSCOPE_BIN not set")
class FetchFixtures(unittest.TestCase):
    def check(self, path, feeds, fetches, ref_fn, reduction=64, extra=()):
        ref = ref_fn(feeds, fetches)
        with tempfile.TemporaryDirectory() as tmp:
            got = tfscope(path, fetches, feeds, tmp, extra)
        for f in fetches:
            assert_close(self, got[f], ref[f], f"{path} {f}", reduction)

    def test_recorded_values_are_tensorflows(self):
        # The expected_fetches.json the C++ tests read are what TF computes now.
        for name in ("frozen", "saver", "quantized"):
            with open(os.path.join(DATA, name, "expected_fetches.json")) as f:
                cases = json.load(f)["cases"]
            for c in cases:
                path = os.path.join(DATA, name, c["path"])
                feeds = {k: np.asarray(v["values"], np.float32).reshape(v["shape"]) for k, v in c["feeds"].items()}
                fetches = list(c["fetches"])
                if path.endswith(".meta"):
                    ref = lambda fd, ft: tf_meta(path, path[:-5], fd, ft)  # noqa: E731
                else:
                    ref = lambda fd, ft: tf_graph_def(path, fd, ft)  # noqa: E731
                self.check(path, feeds, fetches, ref)
                for k, v in c["fetches"].items():
                    rec = np.asarray(v["values"], np.float32).reshape(v["shape"])
                    assert_close(self, rec, ref(feeds, fetches)[k], f"{path} recorded {k}")

    def test_frozen_hidden_feed_cuts_graph(self):
        path = os.path.join(DATA, "frozen", "frozen.pb")
        with open(os.path.join(DATA, "frozen", "expected_fetches.json")) as f:
            c = json.load(f)["cases"][1]
        feeds = {k: np.asarray(v["values"], np.float32).reshape(v["shape"]) for k, v in c["feeds"].items()}
        self.check(path, feeds, list(c["fetches"]), lambda fd, ft: tf_graph_def(path, fd, ft))


@unittest.skipUnless(BIN, "TFSCOPE_BIN not set")
@unittest.skipUnless(os.path.isdir(MODELS), "shared models are absent")
class FetchSharedModels(unittest.TestCase):
    def check(self, rel, feeds, fetches, ref_fn, reduction=64, extra=()):
        path = os.path.join(MODELS, rel)
        ref = ref_fn(path, feeds, fetches)
        with tempfile.TemporaryDirectory() as tmp:
            got = tfscope(path, fetches, feeds, tmp, extra)
        for f in fetches:
            assert_close(self, got[f], ref[f], f"{rel} {f}", reduction)

    def test_cppflow_frozen(self):
        self.check("cppflow_load_frozen_graph/model.pb", {"x:0": np.ones((1, 5), np.float32)}, ["Identity:0"],
                   tf_graph_def)

    def test_onnx_frozen_mlps(self):
        rng = np.random.default_rng(1)
        x = rng.random((2, 784)).astype(np.float32)
        for rel in ("onnx_ae0/frozen.pb", "onnx_fc-layers/frozen.pb"):
            self.check(rel, {"X:0": x}, ["output:0"], tf_graph_def, reduction=784)

    def test_onnx_regression_frozen_and_meta(self):
        x = np.array([0.0, 1.0, 2.0], np.float32)
        self.check("onnx_regression/graphdef/frozen.pb", {"X:0": x}, ["pred:0"], tf_graph_def)
        self.check("onnx_regression/checkpoint/model.meta", {"X:0": x}, ["pred:0"],
                   lambda p, fd, ft: tf_meta(p, p[:-5], fd, ft))

    def test_saved_model_intermediates(self):
        d = "serving_saved_model_half_plus_two_cpu/00000123"
        x = np.array([[1.0], [2.0], [5.0]], np.float32)
        self.check(d, {"x:0": x}, ["y:0", "Mul:0"], lambda p, fd, ft: tf_saved_model(p, ["serve"], fd, ft))


if __name__ == "__main__":
    unittest.main()
