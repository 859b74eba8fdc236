#!/usr/bin/env python3
"""Builds tfscope's built-in demo model in resources/demo/ (a TF2 SavedModel).

    ~/.cache/tfscope/venv/bin/python tests/oracle/make_demo_model.py

A small Keras CNN for 28x28 grey digits: Conv2D(8) -> MaxPool -> Conv2D(16) -> Flatten ->
Dense(32) -> Dense(10, softmax). It is trained for a few hundred steps on synthetic
seven-segment digits (drawn here, nothing is downloaded) with fixed seeds, and saved without
optimizer state. Signatures:
  serving_default: image f32[-1,28,28,1] -> probabilities f32[-1,10]
  classify_top1:   image f32[-1,28,28,1] -> class i64[-1], score f32[-1]
resources/demo/expected_outputs.json holds TensorFlow's outputs for three fixed images.
"""

import json
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYTHONHASHSEED", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures  # noqa: E402
import tf_facts  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "resources" / "demo"

#      a
#    f   b
#      g
#    e   c
#      d
SEGMENTS = {0: "abcdef", 1: "bc", 2: "abged", 3: "abgcd", 4: "fgbc",
            5: "afgcd", 6: "afgedc", 7: "abc", 8: "abcdefg", 9: "abcdfg"}


def draw_digit(digit, dx=0, dy=0, thickness=2):
    """A 28x28 float image of a seven-segment digit (values 0 or 1) shifted by (dx, dy)."""
    img = np.zeros((28, 28), np.float32)
    left, right, top, mid, bottom = 9 + dx, 18 + dx, 4 + dy, 13 + dy, 22 + dy
    t = thickness

    def hline(y, x0, x1):
        img[max(y, 0):max(y + t, 0), max(x0, 0):max(x1 + t, 0)] = 1.0

    def vline(x, y0, y1):
        img[max(y0, 0):max(y1 + t, 0), max(x, 0):max(x + t, 0)] = 1.0

    strokes = {"a": lambda: hline(top, left, right), "g": lambda: hline(mid, left, right),
               "d": lambda: hline(bottom, left, right), "f": lambda: vline(left, top, mid),
               "b": lambda: vline(right, top, mid), "e": lambda: vline(left, mid, bottom),
               "c": lambda: vline(right, mid, bottom)}
    for s in SEGMENTS[digit]:
        strokes[s]()
    return img


def synthetic_batch(rng, n):
    labels = rng.integers(0, 10, size=n)
    images = np.empty((n, 28, 28, 1), np.float32)
    for i, d in enumerate(labels):
        img = draw_digit(int(d), int(rng.integers(-3, 4)), int(rng.integers(-2, 3)),
                         int(rng.integers(1, 4)))
        img = img * rng.uniform(0.6, 1.0) + rng.normal(0.0, 0.1, img.shape)
        images[i, :, :, 0] = np.clip(img, 0.0, 1.0)
    return images, labels.astype(np.int64)


def build_model():
    layers = tf.keras.layers
    return tf.keras.Sequential([
        layers.Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1), name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(16, 3, activation="relu", name="conv2"),
        layers.Flatten(name="flatten"),
        layers.Dense(32, activation="relu", name="dense1"),
        layers.Dense(10, activation="softmax", name="probabilities"),
    ], name="digits_cnn")


def main():
    tf.keras.utils.set_random_seed(2024)
    tf.config.experimental.enable_op_determinism()
    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(0.003),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(2024)
    for _ in range(300):
        x, y = synthetic_batch(rng, 32)
        model.train_on_batch(x, y)
    xt, yt = synthetic_batch(np.random.default_rng(99), 500)
    loss, acc = model.evaluate(xt, yt, verbose=0)
    print("held-out synthetic accuracy %.3f (loss %.3f)" % (acc, loss))

    spec = tf.TensorSpec([None, 28, 28, 1], tf.float32, name="image")

    @tf.function(input_signature=[spec])
    def serve(image):
        return {"probabilities": model(image, training=False)}

    @tf.function(input_signature=[spec])
    def classify_top1(image):
        probs = model(image, training=False)
        return {"class": tf.argmax(probs, axis=1), "score": tf.reduce_max(probs, axis=1)}

    if OUT.exists():
        shutil.rmtree(OUT)
    model.save(str(OUT), save_format="tf", include_optimizer=False,
               signatures={"serving_default": serve, "classify_top1": classify_top1})

    # A clean 3, a clean 7, and an ambiguous half-1/half-7 blend (values 0, 0.5, 1: exact).
    images = np.stack([draw_digit(3), draw_digit(7), 0.5 * draw_digit(1) + 0.5 * draw_digit(7)])[..., None]
    loaded = tf.saved_model.load(str(OUT))
    cases = []
    for key in ("serving_default", "classify_top1"):
        result = loaded.signatures[key](image=tf.constant(images))
        cases.append({"tags": ["serve"], "signature": key,
                      "inputs": {"image": make_fixtures.tensor_json(images)},
                      "outputs": {k: make_fixtures.tensor_json(v) for k, v in sorted(result.items())}})
    make_fixtures.write_json(OUT / "expected_outputs.json",
                             {"note": "inputs are seven-segment digits 3, 7 and a 1/7 blend (see make_demo_model.py)",
                              "cases": cases})
    make_fixtures.write_json(OUT / "expected.json", tf_facts.saved_model_facts(str(OUT), with_values=False))
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print("resources/demo: %d bytes" % total)
    print(json.dumps(cases[1]["outputs"]))


if __name__ == "__main__":
    main()
