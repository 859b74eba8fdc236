"""The Keras models that bench/run_vs_tf.py and bench/run_vs_peers.py time, and their inputs.

Fixed seeds, random weights, nothing downloaded. `build(name, keras)` takes the Keras module in use
(`tf.keras`: Keras 3, or Keras 2 from tf_keras when TF_USE_LEGACY_KERAS=1), so one builder serves
both export styles.

Run as a program it builds one model and saves it as a SavedModel, in its own process so the Keras
version can be chosen by the environment:

  TF_USE_LEGACY_KERAS=1 python bench/bench_models.py keras2 bert DIR   # tf.saved_model.save
  python bench/bench_models.py keras3 bert DIR                         # Keras 3 model.export
"""
import os
import sys

import numpy as np

MODELS = ("mlp", "cnn", "resnet50", "bert", "lstm")

# Per-example input shape and dtype (the batch dimension is prepended).
INPUT_SHAPES = {"mlp": (784,), "cnn": (32, 32, 3), "resnet50": (224, 224, 3), "bert": (64,), "lstm": (50, 32)}
INPUT_DTYPES = {"bert": np.int32}
# Runs per engine and case: enough for a steady median (the sub-millisecond models vary by 10-30 %
# between runs of 30; ResNet-50's medians of 5 by 5-10 % on a busy machine), fewer for ResNet-50
# (a batch-32 run of TensorFlow takes over a second).
DEFAULT_N = {"mlp": 500, "cnn": 300, "resnet50": 20, "bert": 100, "lstm": 100}
DESCRIPTIONS = {
    "mlp": "Dense 784→512→256→10 (relu, softmax)",
    "cnn": "32×32×3, Conv 32 + pool, Conv 64 + pool, Dense 128, Dense 10",
    "resnet50": "`ResNet50(weights=None)`, 224×224×3",
    "bert": "token ids [64] (vocab 1000) → Embedding 128 + learned positions, 2 × (MultiHeadAttention "
            "4×32, Add + LayerNormalization, Dense 512 + GELU (erf form), Dense 128, Add + LayerNormalization), "
            "mean over tokens, Dense 10",
    "lstm": "[50, 32] → LSTM 128 (sequences) → LSTM 128 → Dense 10",
}
BERT_VOCAB = 1000


def make_input(name, batch):
    """The benchmark input of `name` at `batch`, the same for every engine and export style."""
    rng = np.random.default_rng(batch)
    shape = (batch,) + INPUT_SHAPES[name]
    if name == "bert":
        return rng.integers(0, BERT_VOCAB, size=shape, dtype=np.int32)
    return rng.standard_normal(shape).astype(np.float32)


def _bert(keras):
    import tensorflow as tf

    L = keras.layers

    def gelu(x):
        # Exact GELU in its erf form. Keras's "gelu" computes the same through TensorFlow's Erfc op,
        # which tf2onnx 1.17 passes through unconverted (ONNX has no Erfc): ORT then refuses the model.
        return 0.5 * x * (1.0 + tf.math.erf(x * 0.7071067811865476))

    class AddPositions(L.Layer):
        """Adds a learned [seq, width] position embedding (as BERT does) to every example."""

        def build(self, input_shape):
            self.table = self.add_weight(name="positions", shape=(int(input_shape[1]), int(input_shape[2])),
                                         initializer="random_normal")

        def call(self, x):
            return x + self.table

    width, heads, ff = 128, 4, 512
    ids = L.Input(INPUT_SHAPES["bert"], dtype="int32", name="x")
    h = AddPositions()(L.Embedding(BERT_VOCAB, width)(ids))
    h = L.LayerNormalization(epsilon=1e-12)(h)
    for _ in range(2):
        a = L.MultiHeadAttention(num_heads=heads, key_dim=width // heads)(h, h)
        h = L.LayerNormalization(epsilon=1e-12)(L.Add()([h, a]))
        f = L.Dense(ff, activation=gelu)(h)
        f = L.Dense(width)(f)
        h = L.LayerNormalization(epsilon=1e-12)(L.Add()([h, f]))
    h = L.GlobalAveragePooling1D()(h)
    return keras.Model(ids, L.Dense(10)(h), name="bert")


def build(name, keras):
    """A fresh `name` model with seeded random weights, built with the given Keras module."""
    keras.utils.set_random_seed(1234)
    L = keras.layers
    if name == "mlp":
        x = L.Input(INPUT_SHAPES[name], name="x")
        h = L.Dense(512, activation="relu")(x)
        h = L.Dense(256, activation="relu")(h)
        return keras.Model(x, L.Dense(10, activation="softmax")(h), name="mlp")
    if name == "cnn":
        x = L.Input(INPUT_SHAPES[name], name="x")
        h = L.Conv2D(32, 3, padding="same", activation="relu")(x)
        h = L.MaxPooling2D()(h)
        h = L.Conv2D(64, 3, padding="same", activation="relu")(h)
        h = L.MaxPooling2D()(h)
        h = L.Flatten()(h)
        h = L.Dense(128, activation="relu")(h)
        return keras.Model(x, L.Dense(10, activation="softmax")(h), name="cnn")
    if name == "resnet50":
        return keras.applications.ResNet50(weights=None)
    if name == "bert":
        return _bert(keras)
    if name == "lstm":
        x = L.Input(INPUT_SHAPES[name], name="x")
        h = L.LSTM(128, return_sequences=True)(x)
        h = L.LSTM(128)(h)
        return keras.Model(x, L.Dense(10)(h), name="lstm")
    raise SystemExit("unknown model '%s' (known: %s)" % (name, ", ".join(MODELS)))


def export(style, name, model_dir):
    """Builds `name` and saves it to `model_dir`: Keras 3 `model.export` or Keras 2 `tf.saved_model.save`."""
    import tensorflow as tf

    legacy = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
    if (style == "keras2") != legacy:
        raise SystemExit("export %s needs TF_USE_LEGACY_KERAS=%s" % (style, "1" if style == "keras2" else "0"))
    model = build(name, tf.keras)
    if style == "keras3":
        model.export(model_dir)
    else:
        tf.saved_model.save(model, model_dir)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("keras2", "keras3"):
        raise SystemExit("usage: bench_models.py keras2|keras3 MODEL DIR")
    export(*sys.argv[1:])
