"""Oracle: `tfscope export CKPT --no-optimizer-slots` on Keras training checkpoints
(tests/data/optimizer_ckpts, made by make_keras3_fixtures.py with TF 2.21, Keras 2 and 3; SGD with
momentum, Adam, AdamW), loaded back by whatever TensorFlow runs this test:
- always: tf.train.load_checkpoint sees exactly the keys TensorFlow writes for the model without
  its optimizer, each with the trained value; no optimizer state is left;
- when this TensorFlow has the case's Keras major version: a freshly built model restores through
  tf.train.Checkpoint(step=..., model=m).read(out) with assert_consumed() (every object matched,
  every value used: no optimizer state found) and gets the trained weights exactly.
"""

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import keras_cases  # noqa: E402

ROOT = HERE.parents[1]
DATA = ROOT / "tests" / "data" / "optimizer_ckpts"
BIN = os.environ.get("TFSCOPE_BIN", str(ROOT / "build" / "app" / "tfscope"))


def keras_of_major(major):
    """The Keras module of this major version that this process can use, or None."""
    if major == 3:
        try:
            keras = importlib.import_module("keras")
        except ImportError:
            return None
        return keras if getattr(keras, "__version__", "").startswith("3.") else None
    keras = tf.keras
    version = getattr(keras, "__version__", "")
    if version.startswith("2.") or not version:
        return keras
    try:
        return importlib.import_module("tf_keras")  # TF >= 2.16 with tf-keras, Keras 3 as tf.keras
    except ImportError:
        return None


class ExportWithoutOptimizer(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="tfscope_export_opt_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def export(self, case):
        out = self.tmp / case / "model"
        r = subprocess.run([BIN, "export", str(DATA / case / "ckpt-1"), "--no-optimizer-slots", "--out", str(out)],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def check_case(self, case):
        expected = json.loads((DATA / case / "expected.json").read_text())
        out = self.export(case)
        reader = tf.train.load_checkpoint(str(out))
        keys = set(reader.get_variable_to_shape_map()) - {"_CHECKPOINTABLE_OBJECT_GRAPH"}
        self.assertEqual(keys, set(expected["export"]))
        for key, e in expected["export"].items():
            np.testing.assert_array_equal(np.asarray(reader.get_tensor(key)).ravel(), np.asarray(e["value"]), key)
        self.assertFalse(keys & set(expected["optimizer_state"]))
        self.assertTrue(expected["optimizer_state"])  # the source had some

        keras = keras_of_major(expected["keras_major"])
        if keras is None:
            print("  %s: Keras %d restore skipped: TensorFlow %s has no Keras %d" %
                  (case, expected["keras_major"], tf.__version__, expected["keras_major"]), file=sys.stderr)
            return
        model = keras_cases.build_model(keras)
        before = [w.numpy().copy() for w in model.weights]
        step = tf.Variable(0, dtype=tf.int64)
        ckpt = tf.train.Checkpoint(step=step, model=model)
        status = ckpt.restore(str(out))  # restore() makes save_counter to match the file's
        status.assert_consumed()  # every value used: nothing of the optimizer is in the file
        status.assert_existing_objects_matched()
        self.assertEqual(int(step.numpy()), 3)
        keys_by_id = variable_keys(ckpt)
        for w, b in zip(model.weights, before):
            key = next(keys_by_id[id(c)] for c in (w, getattr(w, "value", None)) if c is not None and id(c) in keys_by_id)
            np.testing.assert_array_equal(w.numpy().ravel(), np.asarray(expected["export"][key]["value"], w.numpy().dtype), key)
            self.assertFalse(np.array_equal(b, w.numpy()) and "moving" not in key, key + " kept its initial value")


def variable_keys(checkpoint):
    """{id(object): checkpoint key} by TensorFlow's own walk (first breadth-first path)."""
    from tensorflow.python.checkpoint import graph_view
    from tensorflow.python.trackable import trackable_utils
    _, paths = graph_view.ObjectGraphView(checkpoint).breadth_first_traversal()
    return {id(obj): trackable_utils.object_path_to_string(path) + "/.ATTRIBUTES/VARIABLE_VALUE"
            for obj, path in paths.items()}

for _case in keras_cases.CASES:
    setattr(ExportWithoutOptimizer, "test_" + _case, lambda self, c=_case: self.check_case(c))


if __name__ == "__main__":
    unittest.main()
