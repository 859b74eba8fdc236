"""Oracle: `tfscope lint` against TensorFlow's own restore.

A TF1 graph (x @ dense/kernel + dense/bias, saved by tf.compat.v1.train.Saver with its .meta) and
the "same" model as TF2 Keras (Dense(2) on 3 inputs, other values), saved by tf.train.Checkpoint:
- TensorFlow's Saver.restore of the Keras checkpoint into the TF1 graph fails with NotFoundError;
  lint exits 1 and reports the same keys as missing;
- lint --write-script suggests renames; `tfscope export CKPT --script FIX.json` applies them; lint
  then exits 0, and TensorFlow restores the result into the TF1 graph and computes the Keras
  model's outputs;
- a checkpoint with dense/bias of another shape: TensorFlow fails (shape mismatch), lint reports
  the mismatch; a checkpoint without dense/bias (Saver({"dense/kernel": k})): TensorFlow's
  NotFoundError names it, lint reports it missing.
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("TFSCOPE_BIN", str(ROOT / "build" / "app" / "tfscope"))
tf1 = tf.compat.v1


def tfscope(*args):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True)


def tf1_graph(prefix, kernel, bias, save_vars=None):
    """Saves a TF1 checkpoint (+ .meta) of y = x @ kernel + bias; returns the prefix written."""
    g = tf.Graph()
    with g.as_default():
        x = tf1.placeholder(tf.float32, [None, 3], name="x")
        # Reference variables, as TF1 made them: Assign checks shapes on restore.
        k = tf1.get_variable("dense/kernel", initializer=tf.constant(kernel), use_resource=False)
        b = tf1.get_variable("dense/bias", initializer=tf.constant(bias), use_resource=False)
        tf.identity(tf.matmul(x, k) + b, name="y")
        saver = tf1.train.Saver(save_vars(k, b) if save_vars else None)
        with tf1.Session(graph=g) as s:
            s.run(tf1.global_variables_initializer())
            return saver.save(s, str(prefix))


def restore_tf1(meta_prefix, ckpt, x):
    """Restores `ckpt` into the graph of `meta_prefix`.meta and computes y; raises TF's error."""
    g = tf.Graph()
    with g.as_default(), tf1.Session(graph=g) as s:
        saver = tf1.train.import_meta_graph(str(meta_prefix) + ".meta")
        saver.restore(s, str(ckpt))
        return s.run("y:0", {"x:0": x})


class LintOracle(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="tfscope_lint_oracle_"))
        rng = np.random.RandomState(3)
        self.kernel = rng.randn(3, 2).astype(np.float32)
        self.bias = rng.randn(2).astype(np.float32)
        self.model = tf1_graph(self.tmp / "tf1" / "model.ckpt", np.zeros((3, 2), np.float32), np.zeros(2, np.float32))
        self.x = rng.randn(4, 3).astype(np.float32)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def keras_checkpoint(self):
        keras = tf.keras
        # A layer named otherwise than the TF1 scope: Saver.restore's fallback to the object
        # graph's full names ("head/kernel") cannot find dense/kernel.
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="head")])
        m.set_weights([self.kernel, self.bias])
        path = tf.train.Checkpoint(model=m).write(str(self.tmp / "tf2" / "ckpt"))
        return path, m(self.x).numpy()

    def lint(self, ckpt, *extra):
        r = tfscope("lint", self.model, "--checkpoint", ckpt, "--json", *extra)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return r.returncode, json.loads(r.stdout)

    def test_keras_checkpoint_into_tf1_graph(self):
        ckpt, want = self.keras_checkpoint()
        with self.assertRaises(tf.errors.NotFoundError) as err:
            restore_tf1(self.model, ckpt, self.x)
        code, report = self.lint(ckpt, "--write-script", self.tmp / "fix.json")
        self.assertEqual(code, 1)
        self.assertFalse(report["restores"])
        self.assertEqual(report["restore_path"], "saver_def")
        self.assertEqual(set(report["missing"]), {"dense/kernel", "dense/bias"})
        self.assertTrue(any(k in str(err.exception) for k in report["missing"]), str(err.exception)[:300])
        self.assertTrue(report["fix_complete"])
        self.assertEqual({r["to"] for r in report["renames"]}, {"dense/kernel", "dense/bias"})
        fixed = self.tmp / "fixed" / "model.ckpt"
        r = tfscope("export", ckpt, "--script", self.tmp / "fix.json", "--out", fixed)
        self.assertEqual(r.returncode, 0, r.stderr)
        code, report = self.lint(fixed)
        self.assertEqual(code, 0, report)
        self.assertTrue(report["restores"])
        got = restore_tf1(self.model, fixed, self.x)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6 * np.abs(want).max())

    def test_same_names_restore_through_full_names(self):
        """Keras 2 names its Dense 'dense': TF's Saver finds dense/kernel by full name; so does lint."""
        if not getattr(tf.keras, "__version__", "2").startswith("2"):
            self.skipTest("needs Keras 2 (variable full names 'dense/kernel')")
        keras = tf.keras
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="dense")])
        m.set_weights([self.kernel, self.bias])
        ckpt = tf.train.Checkpoint(model=m).write(str(self.tmp / "named" / "ckpt"))
        got = restore_tf1(self.model, ckpt, self.x)
        np.testing.assert_allclose(got, m(self.x).numpy(), rtol=1e-6, atol=1e-6)
        code, report = self.lint(ckpt)
        self.assertEqual(code, 0, report)
        self.assertEqual({e["key"] for e in report["restored_by_full_name"]}, {"dense/kernel", "dense/bias"})

    def test_shape_changed(self):
        other = tf1_graph(self.tmp / "bad" / "model.ckpt", np.zeros((3, 5), np.float32), np.zeros(5, np.float32))
        with self.assertRaises(tf.errors.InvalidArgumentError):
            restore_tf1(self.model, other, self.x)
        code, report = self.lint(other)
        self.assertEqual(code, 1)
        shapes = {m["key"]: (m["shape_expected"], m["shape_checkpoint"]) for m in report["mismatches"]}
        self.assertEqual(shapes, {"dense/bias": ([2], [5]), "dense/kernel": ([3, 2], [3, 5])})

    def test_missing_variable(self):
        subset = tf1_graph(self.tmp / "subset" / "model.ckpt", self.kernel, self.bias,
                           save_vars=lambda k, b: {"dense/kernel": k})
        with self.assertRaises(tf.errors.NotFoundError) as err:
            restore_tf1(self.model, subset, self.x)
        self.assertIn("dense/bias", str(err.exception))
        code, report = self.lint(subset)
        self.assertEqual(code, 1)
        self.assertEqual(report["missing"], ["dense/bias"])
        self.assertEqual(report["mismatches"], [])



def partitioned_graph(prefix, value, parts, name="w"):
    """Saves a TF1 checkpoint (+ .meta) of y = W @ x.T, W a (10, 3)-like variable `name` split by
    fixed_size_partitioner(parts) into `name`/part_0.. (parts=0: one unpartitioned variable); the
    Saver stores one key `name` with a slice per part."""
    g = tf.Graph()
    with g.as_default():
        x = tf1.placeholder(tf.float32, [None, 3], name="x")
        init = tf.constant(value)
        if parts:
            w = tf1.get_variable(name, initializer=init, partitioner=tf1.fixed_size_partitioner(parts), use_resource=False)
            full = tf.concat(list(w), 0)
        else:
            full = tf1.get_variable(name, initializer=init, use_resource=False)
        tf.identity(tf.matmul(full, tf.transpose(x)), name="y")
        saver = tf1.train.Saver()
        with tf1.Session(graph=g) as s:
            s.run(tf1.global_variables_initializer())
            return saver.save(s, str(prefix))


class PartitionedLintOracle(unittest.TestCase):
    """A partitioned variable (tf.compat.v1.get_variable with fixed_size_partitioner, saved by a
    Saver: graph variables w/part_0.., one checkpoint key `w` with slice specs). TensorFlow restores
    it into any partitioning of the same full shape, or into an unpartitioned `w`; a different full
    shape fails; another name is NotFoundError. lint must say the same."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="tfscope_lint_part_"))
        self.value = np.arange(30, dtype=np.float32).reshape(10, 3) / 7
        self.x = np.eye(3, dtype=np.float32)
        self.ckpt = partitioned_graph(self.tmp / "p3" / "model.ckpt", self.value, 3)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def lint(self, model, ckpt, *extra):
        r = tfscope("lint", model, "--checkpoint", ckpt, "--json", *extra)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return r.returncode, json.loads(r.stdout)

    def assert_restores(self, model):
        got = restore_tf1(model, self.ckpt, self.x)  # TensorFlow restores it ...
        np.testing.assert_array_equal(got, self.value)
        code, report = self.lint(model, self.ckpt)  # ... and lint agrees
        self.assertEqual(code, 0, report)
        self.assertTrue(report["restores"])
        self.assertEqual(report["expected"], 1)
        self.assertEqual((report["missing"], report["mismatches"], report["unexpected"]), ([], [], []))

    def test_same_graph(self):
        self.assert_restores(self.ckpt)

    def test_other_partitioning(self):
        self.assert_restores(partitioned_graph(self.tmp / "p2" / "model.ckpt", np.zeros((10, 3), np.float32), 2))

    def test_unpartitioned_variable(self):
        self.assert_restores(partitioned_graph(self.tmp / "u" / "model.ckpt", np.zeros((10, 3), np.float32), 0))

    def test_unpartitioned_checkpoint_into_partitioned_graph(self):
        flat = partitioned_graph(self.tmp / "flat" / "model.ckpt", self.value, 0)
        np.testing.assert_array_equal(restore_tf1(self.ckpt, flat, self.x), self.value)
        code, report = self.lint(self.ckpt, flat)
        self.assertEqual(code, 0, report)

    def test_other_full_shape(self):
        for parts in (3, 0):
            model = partitioned_graph(self.tmp / f"big{parts}" / "model.ckpt", np.zeros((12, 3), np.float32), parts)
            with self.assertRaises(tf.errors.InvalidArgumentError):
                restore_tf1(model, self.ckpt, self.x)
            code, report = self.lint(model, self.ckpt)
            self.assertEqual(code, 1)
            shapes = {m["key"]: (m["shape_expected"], m["shape_checkpoint"]) for m in report["mismatches"]}
            self.assertEqual(shapes, {"w": ([12, 3], [10, 3])})
            self.assertEqual(report["renames"], [])
            self.assertFalse(report["fix_complete"])

    def test_renamed_scope(self):
        model = partitioned_graph(self.tmp / "ren" / "model.ckpt", np.zeros((10, 3), np.float32), 4, name="scope/v")
        with self.assertRaises(tf.errors.NotFoundError) as err:
            restore_tf1(model, self.ckpt, self.x)
        self.assertIn("scope/v", str(err.exception))
        code, report = self.lint(model, self.ckpt, "--write-script", self.tmp / "fix.json")
        self.assertEqual(code, 1)
        self.assertEqual((report["missing"], report["unexpected"]), (["scope/v"], ["w"]))
        self.assertEqual([(r["from"], r["to"]) for r in report["renames"]], [("w", "scope/v")])
        fixed = self.tmp / "fixed" / "model.ckpt"
        r = tfscope("export", self.ckpt, "--script", self.tmp / "fix.json", "--out", fixed)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.lint(model, fixed)[0], 0)
        np.testing.assert_array_equal(restore_tf1(model, fixed, self.x), self.value)


if __name__ == "__main__":
    unittest.main()
