"""Oracle: what `tfscope export` writes, loaded back by real TensorFlow.

- tutorial checkpoint, only v1 (as tf.train.Saver({"v1": v1}) saves it): load_checkpoint sees exactly
  v1, and the data/index files equal TensorFlow's own tests/data/tutorial_v1only; a renamed and
  edited export restores into a fresh graph with tf.compat.v1.train.Saver.
- builder_multi (TF1 SavedModelBuilder): w scaled by 2; tf.saved_model.load's serving_default
  computes x.(2w)+b.
- keras_mlp (TF2 Keras SavedModel): a bias filled; outputs equal the original model with the same
  assignment made in TensorFlow.
- tf2_ckpt (tf.train.Checkpoint): export without optimizer state; Checkpoint(model=...).restore()
  .assert_existing_objects_matched() passes and the values are the source's.
- tf2_ckpt with an edit script `deselect variable_scope dense/kernel` (what the GUI's scope
  checkbox writes): TensorFlow sees every key but the kernel and its two Adam slots, and a
  Checkpoint(model=...) restore fills the bias with the source's value.
- half_plus_two (shared, TF1): a set to 3 computes 3x+2 through tf.compat.v1.saved_model.load.
- disk full: a 64 KiB tmpfs (only where mount is permitted) -> exit 1, nothing left behind.
"""

import hashlib
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

import tolerance  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SHARED = Path(os.environ.get("TFSCOPE_SHARED_MODELS") or ROOT.parent / "shared" / "testdata" / "models")
BIN = os.environ.get("TFSCOPE_BIN", str(ROOT / "build" / "app" / "tfscope"))
tf1 = tf.compat.v1
OG = "_CHECKPOINTABLE_OBJECT_GRAPH"


def tfscope(*args, check=True):
    r = subprocess.run([BIN, "export", *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError("tfscope export failed (%d): %s" % (r.returncode, r.stderr))
    return r


def sha256_tree(path):
    h = hashlib.sha256()
    for p in sorted(Path(path).rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(path)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def keys_of(prefix):
    r = tf.train.load_checkpoint(str(prefix))
    return r, r.get_variable_to_dtype_map(), r.get_variable_to_shape_map()


class ExportOracle(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="tfscope_export_oracle_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_tutorial_v1_only_equals_saver(self):
        src = DATA / "tutorial" / "model.ckpt"
        before = sha256_tree(DATA / "tutorial")
        out = self.tmp / "model.ckpt"
        tfscope(src, "--select", "^v1$", "--out", out, "--state-file")
        reader, dtypes, shapes = keys_of(out)
        self.assertEqual(set(dtypes), {"v1"})
        self.assertEqual(dtypes["v1"], tf.float32)
        self.assertEqual(shapes["v1"], [3])
        np.testing.assert_array_equal(reader.get_tensor("v1"), np.ones(3, np.float32))
        ref = DATA / "tutorial_v1only" / "model.ckpt"
        for suffix in (".data-00000-of-00001", ".index"):
            self.assertEqual(Path(str(out) + suffix).read_bytes(), Path(str(ref) + suffix).read_bytes(), suffix)
        self.assertEqual(tf.train.latest_checkpoint(str(self.tmp)), str(out))
        self.assertEqual(sha256_tree(DATA / "tutorial"), before)

    def test_tutorial_renamed_restores_with_saver(self):
        out = self.tmp / "renamed"
        tfscope(DATA / "tutorial" / "model.ckpt", "--rename", "v1=>net/v1", "--set", "v2=4",
                "--set", "v1[2]=-7.5", "--out", out)
        _, dtypes, _ = keys_of(out)
        self.assertEqual(set(dtypes), {"net/v1", "v2"})
        with tf.Graph().as_default():
            a = tf1.get_variable("a", shape=[3])
            b = tf1.get_variable("b", shape=[5])
            saver = tf1.train.Saver({"net/v1": a, "v2": b})
            with tf1.Session() as sess:
                saver.restore(sess, str(out))
                np.testing.assert_array_equal(sess.run(a), [1, 1, -7.5])
                np.testing.assert_array_equal(sess.run(b), [4] * 5)

    def test_builder_multi_savedmodel_scaled(self):
        src = DATA / "builder_multi"
        out = self.tmp / "sm"
        tfscope(src, "--scale", "w=2", "--out", out, "--format", "savedmodel")
        reader, dtypes, _ = keys_of(out / "variables" / "variables")
        src_reader, src_dtypes, _ = keys_of(src / "variables" / "variables")
        self.assertEqual(set(dtypes), set(src_dtypes))
        w = src_reader.get_tensor("w")
        b = src_reader.get_tensor("b")
        np.testing.assert_array_equal(reader.get_tensor("w"), 2 * w)
        self.assertEqual(reader.get_tensor("vocab_file"), src_reader.get_tensor("vocab_file"))
        self.assertTrue((out / "assets").is_dir())
        loaded = tf.saved_model.load(str(out), tags=["serve"])
        x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]], np.float32)
        got = loaded.signatures["serving_default"](x=tf.constant(x))["logits"].numpy()
        tolerance.assert_close(self, got, x @ (2 * w) + b, "float32", k=w.shape[0], what="x.(2w)+b")

    def test_keras_mlp_savedmodel_bias_filled(self):
        src = DATA / "keras_mlp"
        key = "layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE"
        out = self.tmp / "keras"
        tfscope(src, "--set", key + "=0.75", "--out", out)
        reader, _, _ = keys_of(out / "variables" / "variables")
        np.testing.assert_array_equal(reader.get_tensor(key), np.full(3, 0.75, np.float32))
        cases = json.loads((src / "expected_outputs.json").read_text())["cases"][0]
        in_key, spec = next(iter(cases["inputs"].items()))
        x = tf.constant(np.array(spec["value"], np.float32))
        edited = tf.saved_model.load(str(out)).signatures["serving_default"](**{in_key: x})
        original = tf.saved_model.load(str(src))
        bias = [v for v in original.variables if v.shape == (3,) and "bias" in v.name]
        self.assertEqual(len(bias), 1)
        bias[0].assign(np.full(3, 0.75, np.float32))
        expected = original.signatures["serving_default"](**{in_key: x})
        for k in expected:
            # Dense(4 -> 8), Dense(8 -> 3), softmax over 3: reductions of 4, 8 and 3 terms.
            tolerance.assert_close(self, edited[k].numpy(), expected[k].numpy(), "float32", k=4 + 8 + 3, what=k)

    def test_tf2_checkpoint_subset_restores(self):
        src = DATA / "tf2_ckpt" / "ckpt-2"
        out = self.tmp / "subset"
        tfscope(src, "--no-optimizer-slots", "--out", out)
        reader, dtypes, _ = keys_of(out)
        self.assertEqual(set(dtypes), {
            OG, "model/layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE",
            "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
            "save_counter/.ATTRIBUTES/VARIABLE_VALUE"})
        model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,), name="dense")], name="net")
        ckpt = tf.train.Checkpoint(model=model)
        ckpt.restore(str(out)).assert_existing_objects_matched()
        src_reader = tf.train.load_checkpoint(str(src))
        np.testing.assert_array_equal(
            model.layers[0].kernel.numpy(),
            src_reader.get_tensor("model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"))
        # The kept optimizer-free graph also restores into a model + optimizer without complaint
        # about missing keys for the objects that exist in it.
        self.assertEqual(int(ckpt.save_counter.numpy()), 2)

    def test_tf2_checkpoint_variable_scope_script(self):
        src = DATA / "tf2_ckpt" / "ckpt-2"
        script = self.tmp / "edits.json"
        script.write_text(json.dumps({"format": "tfscope-edit-script", "version": 1,
                                      "edits": [{"op": "deselect", "variable_scope": "dense/kernel"}]}))
        out = self.tmp / "no_kernel"
        tfscope(src, "--script", script, "--out", out)
        _, src_dtypes, _ = keys_of(src)
        reader, dtypes, _ = keys_of(out)
        kernel = "model/layer_with_weights-0/kernel/"
        dropped = {kernel + ".ATTRIBUTES/VARIABLE_VALUE",
                   kernel + ".OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE",
                   kernel + ".OPTIMIZER_SLOT/optimizer/v/.ATTRIBUTES/VARIABLE_VALUE"}
        self.assertTrue(dropped <= set(src_dtypes))
        self.assertEqual(set(dtypes), set(src_dtypes) - dropped)
        model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,), name="dense")], name="net")
        initial_kernel = model.layers[0].kernel.numpy()
        tf.train.Checkpoint(model=model).restore(str(out)).expect_partial()
        np.testing.assert_array_equal(
            model.layers[0].bias.numpy(),
            tf.train.load_checkpoint(str(src)).get_tensor("model/layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE"))
        np.testing.assert_array_equal(model.layers[0].kernel.numpy(), initial_kernel)

    def test_half_plus_two_a_set_to_3(self):
        src = SHARED / "serving_saved_model_half_plus_two_cpu" / "00000123"
        if not src.is_dir():
            self.skipTest("The shared real models are missing: %s does not exist" % SHARED)
        out = self.tmp / "hp2"
        tfscope(src, "--set", "a=3", "--out", out, "--format", "savedmodel")
        with tf.Graph().as_default(), tf1.Session() as sess:
            tf1.saved_model.load(sess, ["serve"], str(out))
            y = sess.run("y:0", feed_dict={"x:0": np.array([[1.0], [2.0], [5.0]], np.float32)})
        tolerance.assert_close(self, y, [[5.0], [8.0], [17.0]], "float32", what="3x+2")

    def test_tf1_savedmodel_rename_rewrites_restore_op(self):
        src = SHARED / "serving_saved_model_half_plus_two_cpu" / "00000123"
        if not src.is_dir():
            self.skipTest("The shared real models are missing: %s does not exist" % SHARED)
        out = self.tmp / "renamed_sm"
        tfscope(src, "--rename", "a=>alpha", "--scale", "b=2", "--out", out)
        _, dtypes, _ = keys_of(out / "variables" / "variables")
        self.assertIn("alpha", dtypes)
        self.assertNotIn("a", dtypes)
        with tf.Graph().as_default(), tf1.Session() as sess:
            tf1.saved_model.load(sess, ["serve"], str(out))
            y = sess.run("y:0", feed_dict={"x:0": np.array([[2.0]], np.float32)})
        tolerance.assert_close(self, y, [[5.0]], "float32", what="0.5x+4")  # 0.5 * 2 + 4

    def test_savedmodel_drop_refused(self):
        src = SHARED / "serving_saved_model_half_plus_two_cpu" / "00000123"
        if not src.is_dir():
            self.skipTest("The shared real models are missing: %s does not exist" % SHARED)
        r = tfscope(src, "--exclude", "^b$", "--out", self.tmp / "x", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("The SavedModel restores variable 'b'; it cannot be left out", r.stderr)
        self.assertEqual(list(self.tmp.iterdir()), [])

    def test_disk_full_leaves_nothing(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs needs root")
        mnt = self.tmp / "mnt"
        mnt.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                          capture_output=True).returncode != 0:
            self.skipTest("mount -t tmpfs is not permitted here")
        try:
            src = self.tmp / "big"
            with tf.Graph().as_default():
                v = tf1.get_variable("v", initializer=tf.ones([64, 1024]))
                with tf1.Session() as sess:
                    sess.run(tf1.global_variables_initializer())
                    tf1.train.Saver([v]).save(sess, str(src), write_meta_graph=False)
            r = tfscope(src, "--out", mnt / "model.ckpt", check=False)
            self.assertEqual(r.returncode, 1)
            self.assertIn("No space left on device", r.stderr)
            self.assertEqual(list(mnt.iterdir()), [])
        finally:
            subprocess.run(["umount", str(mnt)])


if __name__ == "__main__":
    unittest.main()
