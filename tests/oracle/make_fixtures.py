#!/usr/bin/env python3
"""Generates the TensorFlow-written fixtures under tests/data/ (see tests/oracle/README.md).

Run with the oracle venv:  ~/.cache/tfscope/venv/bin/python tests/oracle/make_fixtures.py [name...]
Every fixture directory is deleted and rewritten. Seeds and values are fixed; the only
run-to-run differences are the timestamps CheckpointManager writes into tf2_ckpt/checkpoint.
Each fixture gets expected.json (what TensorFlow reports about it) and, for SavedModels,
expected_outputs.json (TensorFlow's outputs of each signature for fixed inputs).
"""

import contextlib
import json
import os
import shutil
import sys
import time
import types
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYTHONHASHSEED", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tf_facts  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
tf1 = tf.compat.v1


def dumps(obj, indent=0):
    """JSON with objects one key per line and arrays of plain values on one line."""
    pad = " " * indent
    if isinstance(obj, dict) and obj and not set(obj) <= {"base64"}:
        items = ["%s %s: %s" % (pad, json.dumps(k, ensure_ascii=False), dumps(v, indent + 1))
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, dict) and set(v) != {"base64"} for v in obj):
        items = ["%s %s" % (pad, dumps(v, indent + 1)) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False, allow_nan=False)


def write_json(path, obj):
    text = dumps(obj)
    assert json.loads(text) == obj
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def removed_dir(name):
    """DATA/name with nothing there (TF's SavedModel writers want to create the folder)."""
    d = DATA / name
    if d.exists():
        shutil.rmtree(d)
    return d


def fresh_dir(name):
    d = removed_dir(name)
    d.mkdir(parents=True)
    return d


def tensor_json(value, dtype=None):
    t = tf.convert_to_tensor(value, dtype=dtype)
    dt = tf_facts.tf_dtype_name(t.dtype)
    return {"dtype": dt, "shape": t.shape.as_list(), "value": tf_facts.encode_value(t.numpy(), dt)}


def array_json(array, dt):
    array = np.asarray(array)
    return {"dtype": dt, "shape": list(array.shape), "value": tf_facts.encode_value(array, dt)}


def write_checkpoint_expected(d, prefixes):
    """expected.json for checkpoint fixtures: {relative prefix: checkpoint_facts}."""
    out = {}
    for p in prefixes:
        out[os.path.relpath(p, d)] = tf_facts.checkpoint_facts(str(p))
    write_json(d / "expected.json", {"checkpoints": out})


# ------------------------------------------------------------------ tutorial

def make_tutorial():
    d = fresh_dir("tutorial")
    d1 = fresh_dir("tutorial_v1only")
    g = tf.Graph()
    with g.as_default():
        v1 = tf1.get_variable("v1", shape=[3], initializer=tf1.zeros_initializer)
        v2 = tf1.get_variable("v2", shape=[5], initializer=tf1.zeros_initializer)
        inc_v1 = v1.assign(v1 + 1)
        dec_v2 = v2.assign(v2 - 1)
        init = tf1.global_variables_initializer()
        saver = tf1.train.Saver(save_relative_paths=True)
        saver_v1 = tf1.train.Saver({"v1": v1}, save_relative_paths=True)
        with tf1.Session(graph=g) as sess:
            sess.run(init)
            sess.run([inc_v1, dec_v2])
            saver.save(sess, str(d / "model.ckpt"))
            saver_v1.save(sess, str(d1 / "model.ckpt"))
    write_checkpoint_expected(d, [d / "model.ckpt"])
    write_checkpoint_expected(d1, [d1 / "model.ckpt"])


# ------------------------------------------------------------------ builder_multi

def make_builder_multi():
    d = removed_dir("builder_multi")
    src_dir = Path("/tmp/tfscope_fixture_src")  # a fixed path: it is recorded in the graph
    src_dir.mkdir(exist_ok=True)
    vocab_src = src_dir / "vocab.txt"
    vocab_src.write_text("negative\npositive\n", encoding="utf-8")
    sig_utils = tf1.saved_model.signature_def_utils
    build_info = tf1.saved_model.utils.build_tensor_info
    g = tf.Graph()
    with g.as_default():
        w = tf1.get_variable("w", initializer=tf.constant([[1.0, -1.0], [0.5, 0.25], [-2.0, 3.0]]))
        b = tf1.get_variable("b", initializer=tf.constant([0.1, -0.2]))
        step = tf1.train.get_or_create_global_step()
        asset_path = tf.constant(str(vocab_src), name="vocab_path")
        tf1.add_to_collection(tf1.GraphKeys.ASSET_FILEPATHS, asset_path)
        table = tf1.lookup.StaticHashTable(
            tf1.lookup.TextFileInitializer(asset_path, tf.int64, tf1.lookup.TextFileIndex.LINE_NUMBER,
                                           tf.string, tf1.lookup.TextFileIndex.WHOLE_LINE),
            default_value="UNK", name="class_names")
        vocab_file_var = tf1.get_variable("vocab_file", initializer="", dtype=tf.string,
                                          trainable=False)
        main_op = tf.group(tf1.tables_initializer(), tf1.assign(vocab_file_var, asset_path),
                           name="main_op")

        x = tf1.placeholder(tf.float32, [None, 3], name="x")
        logits = tf.add(tf.matmul(x, w), b, name="logits")
        probs = tf.nn.softmax(logits, name="probabilities")
        serialized = tf1.placeholder(tf.string, [None], name="tf_example")
        parsed = tf1.io.parse_example(serialized, {"x": tf1.io.FixedLenFeature([3], tf.float32)})
        ex_logits = tf.matmul(parsed["x"], w) + b
        scores = tf.nn.softmax(ex_logits, name="scores")
        batch = tf.shape(serialized)[0]
        classes = tf.tile(tf.expand_dims(table.lookup(tf.constant([0, 1], tf.int64)), 0),
                          tf.stack([batch, 1]), name="classes")
        regress_out = tf.identity(ex_logits[:, 1:2], name="regress_outputs")
        labels = tf1.placeholder(tf.float32, [None, 2], name="labels")
        loss = tf1.losses.mean_squared_error(labels, logits)
        train_op = tf1.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        tf1.add_to_collection(tf1.GraphKeys.TRAIN_OP, train_op)

        predict = sig_utils.predict_signature_def({"x": x}, {"logits": logits, "probabilities": probs})
        classify = sig_utils.classification_signature_def(serialized, classes, scores)
        regress = sig_utils.regression_signature_def(serialized, regress_out)
        train_sig = sig_utils.build_signature_def(
            {"x": build_info(x), "labels": build_info(labels)}, {"loss": build_info(loss)},
            "tensorflow/supervised/training")

        builder = tf1.saved_model.Builder(str(d))
        with tf1.Session(graph=g) as sess:
            sess.run(tf1.global_variables_initializer())
            sess.run(main_op)
            builder.add_meta_graph_and_variables(
                sess, ["serve"],
                signature_def_map={"serving_default": predict, "predict": predict,
                                   "classify": classify, "regress": regress},
                assets_collection=tf1.get_collection(tf1.GraphKeys.ASSET_FILEPATHS),
                main_op=main_op, strip_default_attrs=True)
            # The main op and asset collections are already in the graph; they carry over.
            builder.add_meta_graph(["train"], signature_def_map={"train": train_sig})
            builder.add_meta_graph(["serve", "gpu"], signature_def_map={"serving_default": predict})
            builder.save()
    vocab_src.unlink()
    write_json(d / "expected.json", tf_facts.saved_model_facts(str(d)))

    x_val = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]], np.float32)
    examples = [tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=list(row)))})).SerializeToString()
        for row in x_val]
    cases = [
        (["serve"], "serving_default", {"x": x_val}),
        (["serve"], "predict", {"x": x_val}),
        (["serve"], "classify", {"inputs": np.array(examples, dtype=object)}),
        (["serve"], "regress", {"inputs": np.array(examples, dtype=object)}),
        (["serve", "gpu"], "serving_default", {"x": x_val}),
    ]
    write_json(d / "expected_outputs.json", {"cases": run_tf1_cases(d, cases)})


def run_tf1_cases(d, cases):
    out = []
    for tags, key, inputs in cases:
        g = tf.Graph()
        with tf1.Session(graph=g) as sess:
            mg = tf1.saved_model.loader.load(sess, tags, str(d))
            sig = mg.signature_def[key]
            feeds = {sig.inputs[k].name: v for k, v in inputs.items()}
            names = sorted(sig.outputs)
            values = sess.run([sig.outputs[k].name for k in names], feed_dict=feeds)
            in_json = {k: array_json(v, tf_facts.dtype_name(sig.inputs[k].dtype)) for k, v in inputs.items()}
            out_json = {k: array_json(v, tf_facts.dtype_name(sig.outputs[k].dtype))
                        for k, v in zip(names, values)}
        out.append({"tags": tags, "signature": key, "inputs": in_json, "outputs": out_json})
    return out


# ------------------------------------------------------------------ tf2_module

class Child(tf.Module):
    def __init__(self):
        super().__init__(name="child")
        self.bias = tf.Variable([0.5, -0.5, 1.0], name="bias")


class Scaler(tf.Module):
    def __init__(self):
        super().__init__(name="scaler")
        self.weight = tf.Variable([2.0, 3.0, 4.0], name="weight")
        self.child = Child()
        self.calls = tf.Variable(0, dtype=tf.int64, name="calls")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def serve(self, x):
        return {"y": x * self.weight + self.child.bias}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="x"),
                                  tf.TensorSpec([], tf.float32, name="factor")])
    def scale(self, x, factor):
        return {"scaled": x * factor, "total": tf.reduce_sum(x * factor)}


def make_tf2_module():
    d = removed_dir("tf2_module")
    m = Scaler()
    tf.saved_model.save(m, str(d), signatures={"serving_default": m.serve, "scale": m.scale})
    write_json(d / "expected.json", tf_facts.saved_model_facts(str(d)))
    cases = [
        (["serve"], "serving_default", {"x": tf.constant([[1.0, 2.0, 3.0]])}),
        (["serve"], "scale", {"x": tf.constant([1.0, 2.0, 3.0]), "factor": tf.constant(2.5)}),
    ]
    write_json(d / "expected_outputs.json", {"cases": run_tf2_cases(d, cases)})


def run_tf2_cases(d, cases):
    loaded = tf.saved_model.load(str(d))
    out = []
    for tags, key, inputs in cases:
        result = loaded.signatures[key](**inputs)
        out.append({"tags": tags, "signature": key,
                    "inputs": {k: tensor_json(v) for k, v in inputs.items()},
                    "outputs": {k: tensor_json(v) for k, v in sorted(result.items())}})
    return out


# ------------------------------------------------------------------ keras_mlp

def make_keras_mlp():
    d = removed_dir("keras_mlp")
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(7)
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(8, activation="relu", input_shape=(4,), name="hidden"),
        tf.keras.layers.Dense(3, activation="softmax", name="probs"),
    ], name="mlp")
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(7)
    xs = rng.normal(size=(16, 4)).astype(np.float32)
    ys = rng.integers(0, 3, size=(16,)).astype(np.int64)
    model.train_on_batch(xs, ys)
    model.save(str(d), save_format="tf")
    write_json(d / "expected.json", tf_facts.saved_model_facts(str(d)))
    sig_input = tf.saved_model.load(str(d)).signatures["serving_default"].structured_input_signature[1]
    in_key = next(iter(sig_input))
    cases = [(["serve"], "serving_default", {in_key: tf.constant(xs[:2])})]
    write_json(d / "expected_outputs.json", {"cases": run_tf2_cases(d, cases)})


# ------------------------------------------------------------------ tf2_ckpt

def make_tf2_ckpt():
    d = fresh_dir("tf2_ckpt")
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(11)
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,), name="dense")], name="net")
    opt = tf.keras.optimizers.legacy.Adam(0.05)  # legacy: slots as .OPTIMIZER_SLOT keys
    ckpt = tf.train.Checkpoint(model=model, optimizer=opt)
    # CheckpointManager stamps the state file with time.time(); a fake clock keeps the file
    # reproducible (1700000000.0 at creation, then +1.5 s per save).
    from tensorflow.python.checkpoint import checkpoint_management as cm
    clock = iter([1700000000.0 + 1.5 * i for i in range(100)])
    cm.time = types.SimpleNamespace(time=lambda: next(clock))
    manager = tf.train.CheckpointManager(ckpt, str(d), max_to_keep=3)
    x = tf.constant([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
    y = tf.constant([[1.0, 0.0], [0.0, 1.0]])
    for _ in range(2):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        manager.save()
    cm.time = time
    write_checkpoint_expected(d, [d / "ckpt-1", d / "ckpt-2"])


# ------------------------------------------------------------------ sharded

def make_sharded():
    d = fresh_dir("sharded")
    g = tf.Graph()
    with g.as_default():
        with tf.device("/cpu:0"):
            a = tf1.get_variable("a", initializer=tf.constant([1.0, 2.0, 3.0]))
            c = tf1.get_variable("c", initializer=tf.constant(7, tf.int64))
        with tf.device("/cpu:1"):
            b = tf1.get_variable("b", initializer=tf.constant([[4.0, 5.0], [6.0, 7.0]]))
            s = tf1.get_variable("s", initializer=tf.constant("shard one"))
        del a, b, c, s
        saver = tf1.train.Saver(sharded=True, save_relative_paths=True)
        config = tf1.ConfigProto(device_count={"CPU": 2})
        with tf1.Session(graph=g, config=config) as sess:
            sess.run(tf1.global_variables_initializer())
            saver.save(sess, str(d / "model.ckpt"), write_meta_graph=False)
    write_checkpoint_expected(d, [d / "model.ckpt"])


# ------------------------------------------------------------------ v1_sharded

def make_v1_sharded():
    """A legacy V1 (SavedTensorSlices) checkpoint in 2 shards, as TF1 Savers wrote before 2017:
    model.ckpt-00000-of-00002 and -00001-of-00002, one partitioned variable split over both."""
    d = fresh_dir("v1_sharded")
    g = tf.Graph()
    with g.as_default():
        with tf.device("/cpu:0"):
            tf1.get_variable("w", initializer=tf.constant([[1.0, 2.0], [3.0, 4.0]]))
            tf1.get_variable("step", initializer=tf.constant(11, tf.int64))
        with tf.device("/cpu:1"):
            tf1.get_variable("name", initializer=tf.constant("v1 shard"))
        parts = []
        for i in range(2):
            with tf.device("/cpu:%d" % i):
                parts.append(tf1.get_variable(
                    "emb/part_%d" % i, initializer=tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2) + 10 * i)))
        for i, v in enumerate(parts):  # a 6x2 variable saved as two row slices on two devices
            v._set_save_slice_info(tf1.Variable.SaveSliceInfo("emb", [6, 2], [3 * i, 0], [3, 2]))
        saver = tf1.train.Saver(sharded=True, save_relative_paths=True,
                                write_version=tf1.train.SaverDef.V1)
        config = tf1.ConfigProto(device_count={"CPU": 2})
        with tf1.Session(graph=g, config=config) as sess:
            sess.run(tf1.global_variables_initializer())
            saver.save(sess, str(d / "model.ckpt"))
    write_checkpoint_expected(d, [d / "model.ckpt-?????-of-00002"])


# ------------------------------------------------------------------ partitioned

def make_partitioned():
    d = fresh_dir("partitioned")
    g = tf.Graph()
    with g.as_default():
        init = tf.constant(np.arange(40, dtype=np.float32).reshape(10, 4))
        tf1.get_variable("embedding", initializer=init,
                         partitioner=tf1.fixed_size_partitioner(3))
        tf1.get_variable("plain", initializer=tf.constant([1, 2], tf.int32))
        saver = tf1.train.Saver(save_relative_paths=True)
        with tf1.Session(graph=g) as sess:
            sess.run(tf1.global_variables_initializer())
            saver.save(sess, str(d / "model.ckpt"), write_meta_graph=False)
    write_checkpoint_expected(d, [d / "model.ckpt"])


# ------------------------------------------------------------------ dtypes

def dtype_tensors():
    nan, inf = float("nan"), float("inf")
    return {
        "string_vec": tf.constant([b"hello", b"", b"\xff\xfe\x00bin", "caf\u00e9".encode("utf-8")]),
        "string_scalar": tf.constant(b"x" * 200),
        "string_empty": tf.constant([], dtype=tf.string),
        "int8": tf.constant([-128, -1, 0, 127], tf.int8),
        "int16": tf.constant([[-32768, 1], [2, 32767]], tf.int16),
        "int32": tf.constant([-2147483648, 0, 2147483647], tf.int32),
        "int64": tf.constant([-9223372036854775808, 0, 9223372036854775807], tf.int64),
        "uint8": tf.constant([0, 1, 255], tf.uint8),
        "uint16": tf.constant([0, 65535], tf.uint16),
        "uint32": tf.constant([0, 4294967295], tf.uint32),
        "uint64": tf.constant([0, 18446744073709551615], tf.uint64),
        "bool": tf.constant([[True, False, True]]),
        "half": tf.constant([0.5, -2.0, 65504.0, inf, nan, 6e-8], tf.float16),
        "bfloat16": tf.constant([1.0, -0.15625, 3.0e38, -inf], tf.bfloat16),
        "float": tf.constant([[0.1, -0.0], [inf, nan], [1e-45, 3.4028235e38]], tf.float32),
        "double": tf.constant([0.1, -1e300, 5e-324, nan, -inf], tf.float64),
        "complex64": tf.constant([1 + 2j, -0.5 - 0.25j], tf.complex64),
        "complex128": tf.constant([[complex(1e-300, -1e300)], [complex(nan, inf)]], tf.complex128),
        "empty_float_0x3": tf.zeros([0, 3], tf.float32),
        "scalar_float": tf.constant(3.25, tf.float32),
        "scalar_int64": tf.constant(-42, tf.int64),
        "nested/scope/name": tf.constant([1.5], tf.float32),
    }


def make_dtypes():
    d = fresh_dir("dtypes")
    tensors = dtype_tensors()
    names = list(tensors)  # not sorted: data-file order then differs from key order
    tf.raw_ops.SaveV2(prefix=str(d / "all_dtypes"), tensor_names=names,
                      shape_and_slices=[""] * len(names), tensors=[tensors[n] for n in names])
    write_checkpoint_expected(d, [d / "all_dtypes"])


def save_tf1_graph(d, g, signatures):
    """Saves graph `g` (variables initialized) as a `serve` SavedModel in d, plus its expected.json."""
    builder = tf1.saved_model.Builder(str(d))
    with tf1.Session(graph=g) as sess:
        sess.run(tf1.global_variables_initializer())
        builder.add_meta_graph_and_variables(sess, ["serve"], signature_def_map=signatures, strip_default_attrs=True)
        builder.save()
    write_json(d / "expected.json", tf_facts.saved_model_facts(str(d)))


@contextlib.contextmanager
def control_flow_v1():
    """TF1 loops and conditionals as Enter/Exit/Switch/Merge (what old .meta files hold), restored after."""
    tf1.disable_control_flow_v2()
    try:
        yield
    finally:
        tf1.enable_control_flow_v2()


def make_v1_loops():
    """TF1 control flow v1 loops (Enter/Exit/NextIteration/LoopCond) and TensorArrayV3 in one signature."""
    d = removed_dir("v1_loops")
    sig_utils = tf1.saved_model.signature_def_utils
    with control_flow_v1():
        g = tf.Graph()
        with g.as_default():
            n = tf1.placeholder(tf.int32, [], name="n")
            x = tf1.placeholder(tf.float32, [None], name="x")
            w = tf1.get_variable("w", initializer=tf.constant(0.5))
            _, count_sum = tf1.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), [tf.constant(0), tf.constant(0)])
            cumprod = tf1.scan(lambda a, v: a * v + w, x, initializer=tf.constant(1.0))

            def outer(i, acc):
                _, inner = tf1.while_loop(lambda j, t: j < i, lambda j, t: (j + 1, t + i * j), [tf.constant(0), tf.constant(0)])
                return i + 1, acc + inner

            _, nested = tf1.while_loop(lambda i, acc: i < n, outer, [tf.constant(0), tf.constant(0)])
            # A loop inside a conditional: with the branch untaken its frame only sees dead values.
            cond_loop = tf1.cond(n > 2, lambda: tf1.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i * i),
                                                               [tf.constant(0), tf.constant(0)])[1],
                                 lambda: tf.constant(-1))
            with tf1.variable_scope("rnn_fixed", initializer=tf1.constant_initializer([[0.5, -0.25], [0.75, 0.1], [-0.3, 0.2]])):
                cell = tf1.nn.rnn_cell.BasicRNNCell(2)
                rnn_out, rnn_state = tf1.nn.dynamic_rnn(cell, tf.reshape(x, [1, -1, 1]), dtype=tf.float32)
            ta = tf1.TensorArray(tf.float32, size=tf.size(x), element_shape=[])
            ta = ta.unstack(x * 2.0)
            total = tf.identity(tf.reduce_sum(ta.stack()) + tf.cast(ta.size(), tf.float32), name="ta_total")
            ops = {nd.op for nd in g.as_graph_def().node}
            assert {"Enter", "Exit", "NextIteration", "LoopCond", "TensorArrayV3"} <= ops, ops
            sig = sig_utils.predict_signature_def(
                {"n": n, "x": x},
                {"count_sum": tf.identity(count_sum, name="count_sum"), "cumprod": tf.identity(cumprod, name="cumprod"),
                 "nested": tf.identity(nested, name="nested"), "ta_total": total,
                 "cond_loop": tf.identity(cond_loop, name="cond_loop"), "rnn_out": tf.identity(rnn_out, name="rnn_out"),
                 "rnn_state": tf.identity(rnn_state, name="rnn_state")})
            save_tf1_graph(d, g, {"serving_default": sig})
        cases = [
            (["serve"], "serving_default", {"n": np.array(5, np.int32), "x": np.array([1.0, 2.0, -0.5, 3.0], np.float32)}),
            (["serve"], "serving_default", {"n": np.array(0, np.int32), "x": np.array([0.25], np.float32)}),
        ]
        write_json(d / "expected_outputs.json", {"cases": run_tf1_cases(d, cases)})


def make_v1_tensor_arrays():
    """TF1 TensorArray split/concat/size and the stack ops (StackV2/StackPushV2/StackPopV2), plus a
    loop that writes one [m] float row per iteration into a dynamic TensorArray (for the memory cap)."""
    d = removed_dir("v1_tensor_arrays")
    sig_utils = tf1.saved_model.signature_def_utils
    with control_flow_v1():
        g = tf.Graph()
        with g.as_default():
            x = tf1.placeholder(tf.float32, [None, 2], name="x")
            lengths = tf1.placeholder(tf.int64, [None], name="lengths")
            n = tf1.placeholder(tf.int32, [], name="n")
            m = tf1.placeholder(tf.int32, [], name="m")
            # Split x into pieces of `lengths` rows, read one back, concatenate all with a scale.
            ta = tf1.TensorArray(tf.float32, size=tf.size(lengths), infer_shape=False, clear_after_read=False)
            ta = ta.split(x, lengths)
            piece1 = tf.identity(ta.read(1), name="piece1")
            concat = tf.identity(ta.concat() * 10.0, name="concat")
            ta_size = tf.identity(ta.size(), name="ta_size")
            # A stack: push x's row sums in order, pop twice (last in, first out).
            sums = tf.reduce_sum(x, axis=1)
            h = tf.raw_ops.StackV2(max_size=-1, elem_type=tf.float32, stack_name="sums")
            p0 = tf.raw_ops.StackPushV2(handle=h, elem=sums[0])
            with tf.control_dependencies([p0]):
                p1 = tf.raw_ops.StackPushV2(handle=h, elem=sums[1] * 3.0)
            with tf.control_dependencies([p1]):
                pop_a = tf.raw_ops.StackPopV2(handle=h, elem_type=tf.float32)
            with tf.control_dependencies([pop_a]):
                pop_b = tf.raw_ops.StackPopV2(handle=h, elem_type=tf.float32)
            popped = tf.identity(tf.stack([pop_a, pop_b]), name="popped")
            # A loop writing row i (value i, length m) for i < n into a dynamic TensorArray.
            rows = tf1.TensorArray(tf.float32, size=0, dynamic_size=True)
            _, rows = tf1.while_loop(lambda i, r: i < n, lambda i, r: (i + 1, r.write(i, tf.fill([m], tf.cast(i, tf.float32)))),
                                     [tf.constant(0), rows])
            rows_sum = tf.identity(tf.reduce_sum(rows.stack(), axis=1), name="rows_sum")
            ops = {nd.op for nd in g.as_graph_def().node}
            want = {"TensorArraySplitV3", "TensorArrayConcatV3", "TensorArraySizeV3", "StackV2", "StackPushV2", "StackPopV2",
                    "Enter", "TensorArrayWriteV3"}
            assert want <= ops, want - ops
            sig = sig_utils.predict_signature_def(
                {"x": x, "lengths": lengths},
                {"piece1": piece1, "concat": concat, "ta_size": ta_size, "popped": popped})
            loop_sig = sig_utils.predict_signature_def({"n": n, "m": m}, {"rows_sum": rows_sum})
            save_tf1_graph(d, g, {"serving_default": sig, "loop_rows": loop_sig})
        xs = np.array([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]], np.float32)
        cases = [
            (["serve"], "serving_default", {"x": xs, "lengths": np.array([2, 1, 2], np.int64)}),
            (["serve"], "serving_default", {"x": xs[:3] * -0.5, "lengths": np.array([0, 3], np.int64)}),
            (["serve"], "loop_rows", {"n": np.array(4, np.int32), "m": np.array(3, np.int32)}),
        ]
        write_json(d / "expected_outputs.json", {"cases": run_tf1_cases(d, cases)})


MAKERS = {
    "tutorial": make_tutorial,
    "builder_multi": make_builder_multi,
    "tf2_module": make_tf2_module,
    "keras_mlp": make_keras_mlp,
    "tf2_ckpt": make_tf2_ckpt,
    "sharded": make_sharded,
    "partitioned": make_partitioned,
    "v1_sharded": make_v1_sharded,
    "dtypes": make_dtypes,
    "v1_loops": make_v1_loops,
    "v1_tensor_arrays": make_v1_tensor_arrays,
}


def main(argv):
    names = argv[1:] or list(MAKERS)
    for name in names:
        tf.keras.utils.set_random_seed(1234)
        MAKERS[name]()
        print("made", name)


if __name__ == "__main__":
    main(sys.argv)
