"""Oracle: `tfscope run --json` against TensorFlow itself on the shared real models.

For each runnable model + signature below, TF loads the SavedModel with the TF1 loader (what
saved_model_cli run does, for TF1 and TF2 models alike) and runs the signature on the same inputs
that tfscope gets on its command line. Floats must agree within 1e-5 relative; ints, strings and
bools exactly. Needs TFSCOPE_BIN (tests/oracle/run.sh sets it)."""
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import types_pb2

MODELS = os.environ.get("TFSCOPE_SHARED_MODELS",
                        os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "testdata", "models"))
BIN = os.environ.get("TFSCOPE_BIN", "")

HP2 = ["serving_saved_model_half_plus_two_cpu/00000123", "serving_saved_model_half_plus_two_2_versions/00000123",
       "serving_saved_model_half_plus_two_gpu/00000123", "serving_saved_model_half_plus_two_gpu_trt/00000123",
       "serving_saved_model_half_plus_two_mlmd/00000123", "serving_saved_model_half_plus_two_mkl/00000123",
       "serving_saved_model_half_plus_two_cpu_with_saved_model_config/00000123"]
EX = [{"x": [1.0], "x2": [4.0]}, {"x": [2.0]}, {"x": [5.0], "x2": [-2.5]}]

TAXI = "tfx_trainer_current_Format-Serving/export/chicago-taxi/1646034756"
TAXI_EX = [
    {"company": ["Taxi Affiliation Services"], "dropoff_census_tract": [17031081500], "dropoff_community_area": [8],
     "dropoff_latitude": [41.89], "dropoff_longitude": [-87.63], "fare": [12.5], "payment_type": ["Credit Card"],
     "pickup_census_tract": [17031839100], "pickup_community_area": [32], "pickup_latitude": [41.88],
     "pickup_longitude": [-87.62], "trip_miles": [2.3], "trip_seconds": [720], "trip_start_day": [3],
     "trip_start_hour": [14], "trip_start_month": [6], "trip_start_timestamp": [1400269500]},
    {"company": ["Flash Cab"], "fare": [40.0], "payment_type": ["Cash"], "trip_miles": [15.0], "trip_start_hour": [2],
     "trip_start_day": [7], "trip_start_month": [12], "pickup_latitude": [41.97], "pickup_longitude": [-87.9]},
    {},
]
# (model dir, signature, {key: python literal} exprs, {key: list of example dicts}, {key: npy array})
CASES = []
for d in HP2:
    CASES.append((d, "serving_default", {"x": [[1.0], [2.0], [5.0]]}, {}, {}))
    CASES.append((d, "regress_x_to_y", {}, {"inputs": EX}, {}))
    CASES.append((d, "classify_x_to_y", {}, {"inputs": EX}, {}))
    if "mkl" in d:
        continue  # TF itself fails on mkl's y2/y3 signatures (their conv output shapes do not broadcast)
    CASES.append((d, "regress_x_to_y2", {}, {"inputs": EX}, {}))
    CASES.append((d, "regress_x2_to_y3", {"inputs": [[1.0], [3.0]]}, {}, {}))
TF2 = "serving_saved_model_half_plus_two_tf2_cpu/00000123"
CASES += [
    (TF2, "serving_default", {"x": [3.0]}, {}, {}),
    (TF2, "regress_x_to_y", {}, {"inputs": EX}, {}),
    (TF2, "regress_x_to_y2", {}, {"inputs": EX}, {}),
    (TF2, "classify_x_to_y", {}, {"inputs": EX}, {}),
    (TF2, "regress_x2_to_y3", {"inputs": [7.0]}, {}, {}),
    ("serving_saved_model_half_plus_three/00000123", "serving_default", {"x": [[1.0], [2.0]]}, {}, {}),
    ("serving_saved_model_half_plus_three/00000123", "tensorflow/serving/regress", {}, {"inputs": EX}, {}),
    ("serving_batching_matrix_half_plus_two/1", "serving_default", {"x": [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]}, {}, {}),
    ("tfjs_node_times_three_float", "serving_default", {"x": 2.5}, {}, {}),
    ("tfjs_node_times_two_int", "serving_default", {"x": 7}, {}, {}),
    ("tfjs_node_module_with_multiple_signatures", "serving_default", {"x": 2}, {}, {}),
    ("tfjs_node_module_with_multiple_signatures", "timestwo", {"x": 2}, {}, {}),
    ("tfjs_node_model_single_input_multi_output", "serving_default", {"x": 5}, {}, {}),
    ("tfjs_node_model_multi_output", "serving_default", {"x": 3, "y": 9}, {}, {}),
    ("tfjs_node_uint8_multiply", "serving_default", {"x": [3]}, {}, {}),
    ("tfjs_node_int64_multiply", "serving_default", {"x": [3, 4]}, {}, {}),
    ("onnx_regression/saved_model", "serving_default", {"X": [1.0, 2.0, 0.0]}, {}, {}),
    ("onnx_saved_model_with_redundant_inputs", "serving_default", {"x": [[float(i) for i in range(10)]], "y": [[0.0] * 10]}, {}, {}),
    ("cppflow_load_model/model", "serving_default", {"input_1": [[1.0] * 5, [0.5, -1.0, 2.0, 0.0, 3.0]]}, {}, {}),
    ("kotlindl_mnist1_saved_model", "serving_default", {}, {},
     {"flatten_2_input": np.random.RandomState(7).rand(3, 28, 28).astype(np.float32)}),
    ("tfnet_keras_python_func_model", "serving_default", {}, {},
     {"input_1": np.random.RandomState(3).rand(2, 784).astype(np.float32)}),
    ("rust_regression_savedmodel", "w", {}, {}, {}),
    ("rust_regression_savedmodel", "b", {}, {}, {}),
    ("rust_regression_savedmodel", "train", {"x": [1.0, 2.0, 3.0], "y": [3.0, 5.0, 7.5]}, {}, {}),
    (TAXI, "regression", {}, {"inputs": TAXI_EX}, {}),
    (TAXI, "classification", {}, {"inputs": TAXI_EX}, {}),
    (TAXI, "predict", {}, {"examples": TAXI_EX}, {}),
    ("tfnet_keras_lstm_from_sequential", "serving_default", {}, {},
     {"input_1": np.random.RandomState(5).randn(4, 5, 3).astype(np.float32)}),
]


def example_bytes(d):
    feats = {}
    for k, v in d.items():
        if any(isinstance(x, float) for x in v):
            feats[k] = tf.train.Feature(float_list=tf.train.FloatList(value=v))
        elif any(isinstance(x, str) for x in v):
            feats[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=[x.encode() for x in v]))
        else:
            feats[k] = tf.train.Feature(int64_list=tf.train.Int64List(value=v))
    return tf.train.Example(features=tf.train.Features(feature=feats)).SerializeToString()


def run_tf(path, sig_key, exprs, examples, arrays):
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:
        # clear_devices: ops pinned to /device:GPU:0 (half_plus_two_gpu, gpu_trt) run on the CPU, as tfscope does.
        mg = tf.compat.v1.saved_model.loader.load(sess, ["serve"], path, clear_devices=True)
        sig = mg.signature_def[sig_key]
        feed = {}
        for k, v in exprs.items():
            info = sig.inputs[k]
            dtype = tf.as_dtype(sess.graph.get_tensor_by_name(info.name).dtype).as_numpy_dtype
            feed[info.name] = np.array(v, dtype=dtype)
        for k, v in examples.items():
            feed[sig.inputs[k].name] = np.array([example_bytes(d) for d in v], dtype=object)
        for k, v in arrays.items():
            feed[sig.inputs[k].name] = v
        keys = sorted(sig.outputs.keys())
        outs = sess.run([sig.outputs[k].name for k in keys], feed_dict=feed)
        return dict(zip(keys, outs))


def run_tfscope(path, sig_key, exprs, examples, arrays, tmp):
    args = [BIN, "run", path, "--tag_set", "serve", "--signature_def", sig_key, "--json"]
    if exprs:
        args += ["--input_exprs", ";".join("%s=%r" % (k, v) for k, v in exprs.items())]
    if examples:
        args += ["--input_examples", ";".join("%s=%s" % (k, json.dumps(v)) for k, v in examples.items())]
    if arrays:
        files = []
        for k, v in arrays.items():
            f = os.path.join(tmp, k + ".npy")
            np.save(f, v)
            files.append("%s=%s" % (k, f))
        args += ["--inputs", ";".join(files)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("tfscope failed (%d): %s" % (p.returncode, p.stderr.strip()))
    return json.loads(p.stdout)["outputs"]


def decode(v):
    if v == "nan":
        return float("nan")
    if v == "inf":
        return float("inf")
    if v == "-inf":
        return float("-inf")
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


@unittest.skipUnless(BIN and os.path.exists(BIN), "TFSCOPE_BIN is not set")
class TestRunReal(unittest.TestCase):
    def test_signatures_match_tensorflow(self):
        with tempfile.TemporaryDirectory() as tmp:
            for d, sig, exprs, examples, arrays in CASES:
                with self.subTest(model=d, signature=sig):
                    path = os.path.join(MODELS, d)
                    want = run_tf(path, sig, exprs, examples, arrays)
                    got = run_tfscope(path, sig, exprs, examples, arrays, tmp)
                    self.assertEqual(sorted(got.keys()), sorted(want.keys()))
                    for k, w in want.items():
                        w = np.asarray(w)
                        g = got[k]
                        want_dtype = "DT_STRING" if w.dtype == object else types_pb2.DataType.Name(tf.as_dtype(w.dtype).as_datatype_enum)
                        self.assertEqual(g["dtype"], want_dtype, k)
                        self.assertEqual(list(g["shape"]), list(w.shape), k)
                        gv = np.array(decode(g["value"]))
                        if w.dtype.kind == "f":
                            np.testing.assert_allclose(gv.astype(np.float64), w.astype(np.float64), rtol=1e-5, atol=1e-6,
                                                       err_msg="%s %s %s" % (d, sig, k))
                        elif w.dtype == object:
                            self.assertEqual([x.decode() if isinstance(x, bytes) else x for x in w.ravel()], list(gv.ravel()))
                        else:
                            np.testing.assert_array_equal(gv, w, err_msg="%s %s %s" % (d, sig, k))


if __name__ == "__main__":
    unittest.main()
