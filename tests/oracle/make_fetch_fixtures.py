#!/usr/bin/env python3
"""Writes the signature-less fixtures of `tfscope run --fetches` into tests/data/fetch/, each with
expected_fetches.json: TensorFlow's own sess.run values for fixed feeds and fetches.

  frozen/frozen.pb          a TF2 function frozen with convert_variables_to_constants_v2
  saver/model.ckpt.*        a TF1 tf.train.Saver graph + checkpoint that also holds the training ops
                            (Adam, gradients, a scalar summary) and a tf.data input pipeline; the
                            variables were trained, so their values differ from the initializers
  quantized/quantized.pb    a frozen graph whose weights are quint8 constants turned back into
                            floats by Dequantize (MIN_COMBINED, MIN_FIRST and SCALED)

  ~/.cache/tfscope/venv/bin/python tests/oracle/make_fetch_fixtures.py

expected_fetches.json: {"cases": [{"path": file relative to the fixture folder, "feeds": {tensor:
{"dtype", "shape", "values"}}, "fetches": {tensor: {"dtype", "shape", "values"}}}]}
"""
import json
import os
import shutil
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "data" / "fetch"
v1 = tf.compat.v1


def tensor_json(value):
    a = np.asarray(value)
    dt = tf.as_dtype(a.dtype).name
    vals = a.reshape(-1).tolist()
    return {"dtype": dt, "shape": list(a.shape), "values": vals}


def fresh(name):
    d = OUT / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d


def run_graph_def(graph_def, feeds, fetches):
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(graph_def, name="")
    with v1.Session(graph=g) as s:
        vals = s.run(fetches, {k: v for k, v in feeds.items()})
    return dict(zip(fetches, vals))


def case(path, feeds, results):
    return {"path": path, "feeds": {k: tensor_json(v) for k, v in feeds.items()},
            "fetches": {k: tensor_json(v) for k, v in results.items()}}


def write(d, cases):
    with open(d / "expected_fetches.json", "w") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")


def make_frozen():
    d = fresh("frozen")
    rng = np.random.default_rng(7)
    w1 = tf.Variable(rng.normal(size=(4, 8)).astype(np.float32), name="w1")
    b1 = tf.Variable(rng.normal(size=(8,)).astype(np.float32), name="b1")
    w2 = tf.Variable(rng.normal(size=(8, 3)).astype(np.float32), name="w2")

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
    def model(x):
        with tf.name_scope("dense1"):
            h = tf.nn.relu(tf.matmul(x, w1) + b1)
        with tf.name_scope("dense2"):
            logits = tf.matmul(h, w2)
        return tf.nn.softmax(logits, name="probs")

    frozen = convert_variables_to_constants_v2(model.get_concrete_function())
    gd = frozen.graph.as_graph_def()
    with open(d / "frozen.pb", "wb") as f:
        f.write(gd.SerializeToString())
    names = [n.name for n in gd.node]
    relu = next(n for n in names if n.endswith("Relu"))
    logits = next(n for n in names if n.startswith("dense2") and n.endswith("MatMul"))
    out = frozen.outputs[0].name
    x = rng.normal(size=(2, 4)).astype(np.float32)
    fetches = [out, relu + ":0", logits + ":0"]
    cases = [case("frozen.pb", {"x:0": x}, run_graph_def(gd, {"x:0": x}, fetches))]
    # Feeding the hidden layer cuts the graph there: x is not needed.
    h = np.abs(rng.normal(size=(3, 8))).astype(np.float32)
    cases.append(case("frozen.pb", {relu + ":0": h}, run_graph_def(gd, {relu + ":0": h}, [out])))
    write(d, cases)


def make_saver():
    d = fresh("saver")
    rng = np.random.default_rng(11)
    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(3)
        data = tf.data.Dataset.from_tensor_slices(rng.normal(size=(16, 3)).astype(np.float32)).batch(4).repeat()
        batch = v1.data.make_one_shot_iterator(data).get_next(name="batch")
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        y = v1.placeholder(tf.float32, [None, 1], name="y")
        w = v1.get_variable("w", [3, 1], initializer=v1.truncated_normal_initializer(seed=1), use_resource=False)
        b = v1.get_variable("b", [1], initializer=v1.zeros_initializer(), use_resource=True)
        hidden = tf.nn.tanh(tf.matmul(x, w) + b, name="hidden")
        pred = tf.multiply(hidden, 2.0, name="pred")
        loss = tf.reduce_mean(tf.square(pred - y), name="loss")
        v1.summary.scalar("loss", loss)
        train = v1.train.AdamOptimizer(0.05).minimize(loss, name="train")
        pred_batch = tf.identity(tf.matmul(batch, w) + b, name="pred_batch")  # the input pipeline's branch
        del pred_batch
        saver = v1.train.Saver()
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            xs = rng.normal(size=(32, 3)).astype(np.float32)
            ys = (np.tanh(xs @ np.array([[0.3], [-0.2], [0.5]], np.float32) + 0.1) * 2).astype(np.float32)
            for _ in range(20):
                s.run(train, {x: xs, y: ys})
            saver.save(s, str(d / "model.ckpt"))
    g2 = tf.Graph()
    with g2.as_default(), v1.Session() as s:
        saver = v1.train.import_meta_graph(str(d / "model.ckpt.meta"))
        saver.restore(s, str(d / "model.ckpt"))
        xv = rng.normal(size=(3, 3)).astype(np.float32)
        fetches = ["pred:0", "hidden:0", "w:0", "b/Read/ReadVariableOp:0"]
        vals = s.run(fetches, {"x:0": xv})
    (d / "checkpoint").unlink(missing_ok=True)
    write(d, [case("model.ckpt.meta", {"x:0": xv}, dict(zip(fetches, vals)))])


def make_quantized():
    d = fresh("quantized")
    rng = np.random.default_rng(5)
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 4], name="x")
        q1 = tf.constant(rng.integers(0, 256, size=(4, 6)).astype(np.uint8), dtype=tf.quint8, name="w1_quint8")
        w1 = tf.quantization.dequantize(q1, -1.5, 2.5, mode="MIN_COMBINED", name="w1")
        q2 = tf.constant(rng.integers(0, 256, size=(6, 2)).astype(np.uint8), dtype=tf.quint8, name="w2_quint8")
        w2 = tf.quantization.dequantize(q2, -0.75, 0.5, mode="MIN_FIRST", name="w2")
        q3 = tf.constant(rng.integers(-128, 128, size=(2,)).astype(np.int8), dtype=tf.qint8, name="b_qint8")
        bias = tf.quantization.dequantize(q3, -0.5, 0.5, mode="SCALED", name="bias")
        h = tf.nn.relu(tf.matmul(x, w1), name="h")
        tf.add(tf.matmul(h, w2), bias, name="out")
    gd = g.as_graph_def()
    with open(d / "quantized.pb", "wb") as f:
        f.write(gd.SerializeToString())
    xv = rng.normal(size=(3, 4)).astype(np.float32)
    fetches = ["out:0", "h:0", "w1:0", "w2:0", "bias:0"]
    write(d, [case("quantized.pb", {"x:0": xv}, run_graph_def(gd, {"x:0": xv}, fetches))])


if __name__ == "__main__":
    make_frozen()
    make_saver()
    make_quantized()
    print("wrote", OUT)
