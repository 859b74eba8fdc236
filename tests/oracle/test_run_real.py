"""Oracle: `tfscope run --json` against TensorFlow itself on the shared real models.

For each runnable model + signature below, TF loads the SavedModel with the TF1 loader (what
saved_model_cli run does, for TF1 and TF2 models alike) and runs the signature on the same inputs
that tfscope gets on its command line. Floats must agree by tolerance.py's rule (K summed over the
ops behind each output); ints, strings and bools exactly. Needs TFSCOPE_BIN (tests/oracle/run.sh sets it)."""
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import types_pb2
from tensorflow.core.protobuf import meta_graph_pb2

import tolerance

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
        return dict(zip(keys, outs)), tolerance.signature_reduction_lengths(sess.graph, sig)


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


# tf.Transform's transform_fn (tag `transform`): 18 COO sparse [-1, -1] inputs. Rows are TAXI_EX plus
# a tip; a feature missing from a row has no entry there. The graph has no init op: tf.Transform runs
# its `table_initializer` collection after loading, and so does tfscope.
TFT = "tfx_transform_graph/transform_fn"
TFT_DTYPES = {"company": str, "payment_type": str, "fare": float, "tips": float, "trip_miles": float,
              "dropoff_latitude": float, "dropoff_longitude": float, "pickup_latitude": float, "pickup_longitude": float}
TFT_ROWS = [dict(r) for r in TAXI_EX]
TFT_ROWS[0]["tips"] = [2.5]
TFT_ROWS[1]["trip_seconds"] = [0]


def tft_sparse_inputs(rows, features):
    """{feature: (indices, values, dense_shape)} with one entry per row that has the feature."""
    out = {}
    for f in features:
        idx, vals = [], []
        for r, row in enumerate(rows):
            if f in row:
                idx.append([r, 0])
                vals.append(TFT_DTYPES.get(f, int)(row[f][0]))
        out[f] = (idx, vals, [len(rows), 1])
    return out


def tft_expr(parts, dense_key=None):
    items = []
    for k, (idx, vals, shape) in sorted(parts.items()):
        if k == dense_key:  # every row has it: give it as a dense literal (each element an entry)
            items.append("%s=%r" % (k, [[v] for v in vals]))
        else:
            items.append("%s=sparse(indices=%r, values=%r, dense_shape=%r)" % (k, idx, vals, shape))
    return ";".join(items)


def run_tf_transform(path, parts):
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:
        mg = tf.compat.v1.saved_model.loader.load(sess, ["transform"], path)
        assets = {}
        for any_value in mg.collection_def["saved_model_assets"].any_list.value:
            a = meta_graph_pb2.AssetFileDef()
            any_value.Unpack(a)
            assets[a.tensor_info.name] = os.path.join(path, "assets", a.filename)
        sess.run(tf.compat.v1.tables_initializer(), feed_dict=assets)
        sig = mg.signature_def["transform_signature"]
        feed = {}
        for k, (idx, vals, shape) in parts.items():
            c = sig.inputs[k].coo_sparse
            dt = tf.as_dtype(sig.inputs[k].dtype)
            feed[c.indices_tensor_name] = np.array(idx, np.int64).reshape(-1, 2)
            feed[c.values_tensor_name] = np.array(vals, dtype=object if dt == tf.string else dt.as_numpy_dtype)
            feed[c.dense_shape_tensor_name] = np.array(shape, np.int64)
        keys = sorted(sig.outputs)
        return (dict(zip(keys, sess.run([sig.outputs[k].name for k in keys], feed_dict=feed))),
                tolerance.signature_reduction_lengths(sess.graph, sig))


# TFMA's EvalSavedModel (tag `eval`): only `inputs/examples` is a placeholder; the features, labels
# and refs are computed inside, so tfscope (as TF) takes just the examples. TF fetches metric
# `value` and `update_op` tensors of one run in no fixed order, so those are compared in
# tst_real_models_run (update, then read, in one session) and left out here.
TFMA = "tfx_trainer_current_Format-TFMA/1646034758"
TFMA_EX = [dict(TAXI_EX[0], tips=[5.0]), dict(TAXI_EX[1], tips=[0.0]), TAXI_EX[2]]


def run_tf_eval(path, examples):
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:
        mg = tf.compat.v1.saved_model.loader.load(sess, ["eval"], path)
        sig = mg.signature_def["eval"]
        feed = {sig.inputs["inputs/examples"].name: np.array([example_bytes(d) for d in examples], dtype=object)}
        keys = sorted(k for k in sig.outputs if not k.startswith("metrics/"))
        return (dict(zip(keys, sess.run([sig.outputs[k].name for k in keys], feed_dict=feed))),
                tolerance.signature_reduction_lengths(sess.graph, sig))


def run_tfscope_raw(path, tags, sig_key, args):
    p = subprocess.run([BIN, "run", path, "--tag_set", tags, "--signature_def", sig_key, "--json"] + args,
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("tfscope failed (%d): %s" % (p.returncode, p.stderr.strip()))
    return json.loads(p.stdout)["outputs"]


@unittest.skipUnless(os.path.isdir(MODELS), "The shared real models are missing: %s (../shared/testdata/models "
                     "beside the checkout) does not exist" % os.path.abspath(MODELS))
@unittest.skipUnless(BIN and os.path.exists(BIN), "TFSCOPE_BIN is not set")
class TestRunReal(unittest.TestCase):
    def assert_outputs_match(self, want, got, what, ks, keys=None):
        """want: TF's outputs, ks: their reduction lengths K, got: tfscope's JSON outputs."""
        for k, w in want.items():
            if keys is not None and k not in keys:
                continue
            w = np.asarray(w)
            g = got[k]
            want_dtype = "DT_STRING" if w.dtype == object else types_pb2.DataType.Name(tf.as_dtype(w.dtype).as_datatype_enum)
            self.assertEqual(g["dtype"], want_dtype, k)
            self.assertEqual(list(g["shape"]), list(w.shape), k)
            gv = np.array(decode(g["value"]))
            if w.dtype.kind == "f":
                tolerance.assert_close(self, gv.astype(np.float64), w, w.dtype.name, ks.get(k, 1),
                                       "%s %s (tfscope vs TF)" % (what, k))
            elif w.dtype == object:
                self.assertEqual([x.decode() if isinstance(x, bytes) else x for x in w.ravel()], list(gv.ravel()), k)
            else:
                np.testing.assert_array_equal(gv, w, err_msg="%s %s" % (what, k))

    def test_sparse_inputs_transform_graph(self):
        path = os.path.join(MODELS, TFT)
        features = sorted(TFT_DTYPES) + ["dropoff_census_tract", "dropoff_community_area", "pickup_census_tract",
                                         "pickup_community_area", "trip_seconds", "trip_start_day", "trip_start_hour",
                                         "trip_start_month", "trip_start_timestamp"]
        for rows, dense_key in ((TFT_ROWS, None), (TFT_ROWS[:2], "fare")):
            with self.subTest(rows=len(rows), dense=dense_key):
                parts = tft_sparse_inputs(rows, features)
                want, ks = run_tf_transform(path, parts)
                got = run_tfscope_raw(path, "transform", "transform_signature", ["--input_exprs", tft_expr(parts, dense_key)])
                self.assertEqual(sorted(got), sorted(want))
                self.assert_outputs_match(want, got, TFT, ks)

    def test_tfma_eval_graph(self):
        path = os.path.join(MODELS, TFMA)
        want, ks = run_tf_eval(path, TFMA_EX)
        got = run_tfscope_raw(path, "eval", "eval", ["--input_examples", "inputs/examples=" + json.dumps(TFMA_EX)])
        self.assertTrue(any(k.startswith("metrics/") for k in got))
        self.assert_outputs_match(want, got, TFMA, ks)

    def test_signatures_match_tensorflow(self):
        with tempfile.TemporaryDirectory() as tmp:
            for d, sig, exprs, examples, arrays in CASES:
                with self.subTest(model=d, signature=sig):
                    path = os.path.join(MODELS, d)
                    want, ks = run_tf(path, sig, exprs, examples, arrays)
                    got = run_tfscope(path, sig, exprs, examples, arrays, tmp)
                    self.assertEqual(sorted(got.keys()), sorted(want.keys()))
                    self.assert_outputs_match(want, got, "%s %s" % (d, sig), ks)


if __name__ == "__main__":
    unittest.main()
