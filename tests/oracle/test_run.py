"""Oracle: `tfscope run DIR --json --tag_set T --signature_def K --inputs ...` computes what
TensorFlow computes.

- Fixtures and the demo: every case of the committed expected_outputs.json (which
  test_expected_outputs.py keeps equal to live TensorFlow).
- Shared real SavedModels: every signature whose inputs are all numeric is fed deterministic
  inputs (from the placeholders' static shapes, unknown dims = 2) and compared with TensorFlow run live on the same inputs. Signatures
  TensorFlow itself cannot run (custom op libraries, bad declared dtypes) are skipped with its error.
Floats compare by tolerance.py's rule (K summed over the ops behind each output), everything else
exactly.
"""

import json
import os
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import oracle_cases as oc  # noqa: E402
import test_expected_outputs as teo  # noqa: E402
import tf_facts  # noqa: E402
import tolerance  # noqa: E402
import tensorflow as tf  # noqa: E402

NUMERIC = {"DT_FLOAT": np.float32, "DT_DOUBLE": np.float64, "DT_INT32": np.int32,
           "DT_INT64": np.int64, "DT_UINT8": np.uint8, "DT_INT8": np.int8, "DT_INT16": np.int16,
           "DT_BOOL": np.bool_, "DT_HALF": np.float16}


def example_features(serialized):
    """A serialized tf.Example -> {"feature": [values]} for --input_examples, or None."""
    try:
        ex = tf.train.Example.FromString(serialized)
    except Exception:  # noqa: BLE001
        return None
    out = {}
    for name, feat in ex.features.feature.items():
        kind = feat.WhichOneof("kind")
        values = list(getattr(feat, kind).value) if kind else []
        if kind == "bytes_list":
            values = [v.decode("utf-8") for v in values]
        out[name] = values
    return out


def tfscope_run_args(export_dir, tags, key, inputs, tmp):
    """Command line for `tfscope run` feeding `inputs` ({key: numpy array})."""
    files, examples = [], []
    for name, value in sorted(inputs.items()):
        if value.dtype == object:
            feats = [example_features(v) for v in value.reshape(-1)]
            if any(f is None for f in feats):
                return None
            examples.append("%s=%s" % (name, json.dumps(feats)))
        else:
            path = os.path.join(tmp, "%s.npy" % name.replace("/", "_"))
            np.save(path, value)
            files.append("%s=%s" % (name, path))
    args = ["run", export_dir, "--json", "--tag_set", ",".join(tags), "--signature_def", key]
    if files:
        args += ["--inputs", ";".join(files)]
    if examples:
        args += ["--input_examples", ";".join(examples)]
    return args


class TestRunMatchesTensorFlow(unittest.TestCase):
    def run_and_compare(self, export_dir, tags, key, inputs, expected, ks):
        """expected: {output key: numpy array} from TensorFlow; ks: {output key: K}."""
        with tempfile.TemporaryDirectory() as tmp:
            args = tfscope_run_args(export_dir, tags, key, inputs, tmp)
            if args is None:
                self.skipTest("string inputs that are not tf.Examples cannot be passed on the command line")
            got = oc.run_tfscope_json(self, args)
        outputs = got.get("outputs", {})
        self.assertEqual(sorted(outputs), sorted(expected), "output keys of '%s'" % key)
        for name, want in expected.items():
            t = outputs[name]
            where = "%s signature '%s' output '%s'" % (export_dir, key, name)
            want_dt = tf_facts.tf_dtype_name(tf.as_dtype(want.dtype)) if want.dtype != object else "DT_STRING"
            self.assertEqual(t.get("dtype"), want_dt, where + ": dtype")
            self.assertEqual(t.get("shape"), list(want.shape), where + ": shape")
            try:
                flat = tf_facts.decode_value(t["value"], t["shape"], t["dtype"])
            except ValueError as e:
                self.fail("%s: %s" % (where, e))
            ref = want.reshape(-1).tolist()
            if want_dt in tf_facts.FLOAT_DTYPES or want_dt in tf_facts.COMPLEX_DTYPES:
                tolerance.assert_close(self, np.asarray(flat, dtype=np.complex128), np.asarray(ref, dtype=np.complex128),
                                       want_dt, ks.get(name, 1), where + " (tfscope vs TF)")
            else:
                self.assertEqual(flat, ref, where)

    def check_fixture_case(self, export_dir, case):
        inputs = {k: teo.to_numpy(v) for k, v in case["inputs"].items()}
        expected = {k: teo.to_numpy(v) for k, v in case["outputs"].items()}
        ks = signature_ks(export_dir, case["tags"], case["signature"])
        self.run_and_compare(export_dir, case["tags"], case["signature"], inputs, expected, ks)

    def check_shared_signature(self, export_dir, tags, key):
        try:
            inputs, expected, ks = run_tf_on_generated_inputs(export_dir, tags, key)
        except Exception as e:  # noqa: BLE001
            self.skipTest("TensorFlow itself cannot run it (%s: %s)"
                          % (type(e).__name__, str(e).strip().splitlines()[0][:200]))
        self.run_and_compare(export_dir, tags, key, inputs, expected, ks)


def signature_ks(export_dir, tags, key):
    """{output key: K} of a signature (its graph loaded with TensorFlow's TF1 loader)."""
    g = tf.Graph()
    with tf.compat.v1.Session(graph=g) as sess:
        mg = tf.compat.v1.saved_model.loader.load(sess, tags, export_dir, clear_devices=True)
        return tolerance.signature_reduction_lengths(g, mg.signature_def[key])


def generated_input(shape, dt, salt):
    """Deterministic small values: 1, 2, 3, ... (+salt); bool alternates."""
    n = int(np.prod(shape, dtype=np.int64))
    base = np.arange(1, n + 1) + salt
    if dt == "DT_BOOL":
        base = base % 2 == 0
    return base.astype(NUMERIC[dt]).reshape(shape)


def run_tf_on_generated_inputs(export_dir, tags, key):
    """Loads the SavedModel with TensorFlow's TF1 loader, makes inputs from the placeholders'
    static shapes (unknown dims = 2, unknown rank = a scalar) and runs the signature.
    Returns (inputs, outputs, {output key: K})."""
    tf1 = tf.compat.v1
    g = tf.Graph()
    with tf1.Session(graph=g) as sess:
        # clear_devices: ops pinned to /device:GPU:0 (half_plus_two_gpu, gpu_trt) run on the CPU, as tfscope does.
        mg = tf1.saved_model.loader.load(sess, tags, export_dir, clear_devices=True)
        sig = mg.signature_def[key]
        inputs, feeds = {}, {}
        for i, (name, ti) in enumerate(sorted(sig.inputs.items())):
            tensor = g.get_tensor_by_name(ti.name)
            dims = tensor.shape.as_list() if tensor.shape.rank is not None else []
            dt = tf_facts.tf_dtype_name(tensor.dtype)
            inputs[name] = generated_input([2 if d is None else d for d in dims], dt, i)
            feeds[ti.name] = inputs[name]
        keys = sorted(sig.outputs)
        values = sess.run([sig.outputs[k].name for k in keys], feed_dict=feeds)
        ks = tolerance.signature_reduction_lengths(g, sig)
    return inputs, {k: np.asarray(v) for k, v in zip(keys, values)}, ks


def fixture_cases():
    cases = []
    for d in oc.fixture_dirs():
        path = d / "expected_outputs.json"
        if path.exists():
            with open(path, encoding="utf-8") as f:
                for i, case in enumerate(json.load(f)["cases"]):
                    # The index keeps two cases of one signature apart (one name would drop the first).
                    name = oc.safe_name("fixture_%s_%s_%s_%d" % (d.name, "_".join(case["tags"]), case["signature"], i))
                    cases.append((name, (str(d), case)))
    return cases


def shared_cases():
    cases = []
    for name, d in oc.saved_model_cases():
        if not name.startswith("shared_"):
            continue
        try:
            facts = tf_facts.saved_model_facts(d, with_values=False)
        except Exception:  # noqa: BLE001 (test_readers reports models TF cannot parse)
            continue
        for mg in facts["meta_graphs"]:
            for key, sig in mg["signatures"].items():
                infos = list(sig["inputs"].values())
                if key.startswith("__") or not infos or any(
                        "name" not in ti or ti["dtype"] not in NUMERIC for ti in infos):
                    continue
                cases.append((oc.safe_name("%s__%s__%s" % (name, "_".join(mg["tags"]), key)),
                              (d, mg["tags"], key)))
    return cases


class TestKeras3SavedWithTfSaveModel(unittest.TestCase):
    """A Keras 3 model written by tf.saved_model.save (not model.export): its graph's saver
    restores handles named `Variable`, `Variable_1` ..., while the signature reads the layers'
    `dense/kernel` ... handles; TensorFlow 2 loads it through the object graph. tfscope must run it
    with the saved weights and give TensorFlow 2's outputs (TensorFlow's v1 loader cannot)."""

    def test_dense_and_conv_model(self):
        import keras
        keras.utils.set_random_seed(11)
        inp = keras.Input((5, 5, 2), name="image")
        h = keras.layers.Conv2D(3, 3, activation="relu")(inp)
        h = keras.layers.Flatten()(h)
        out = keras.layers.Dense(4)(h)
        model = keras.Model(inp, out)
        x = (np.arange(2 * 5 * 5 * 2, dtype=np.float32).reshape(2, 5, 5, 2) / 50.0) - 0.5
        with tempfile.TemporaryDirectory() as tmp:
            export_dir = os.path.join(tmp, "k3_tfsave")
            tf.saved_model.save(model, export_dir)
            loaded = tf.saved_model.load(export_dir)
            sig = loaded.signatures["serving_default"]
            (in_key,) = sig.structured_input_signature[1].keys()
            expected = {k: v.numpy() for k, v in sig(**{in_key: tf.constant(x)}).items()}
            self.assertGreater(float(np.abs(list(expected.values())[0]).max()), 0.0)
            ks = {k: 3 * 3 * 2 + 27 for k in expected}  # the conv's window, then the dense layer's inputs
            TestRunMatchesTensorFlow.run_and_compare(self, export_dir, ["serve"], "serving_default", {in_key: x}, expected, ks)


oc.add_cases(TestRunMatchesTensorFlow, "run_matches_tf_expected_outputs", fixture_cases(),
             lambda a: lambda self: self.check_fixture_case(*a))
oc.add_shared_models_check(TestRunMatchesTensorFlow)
oc.add_cases(TestRunMatchesTensorFlow, "run_matches_tf_live", shared_cases(),
             lambda a: lambda self: self.check_shared_signature(*a))

if __name__ == "__main__":
    unittest.main()
