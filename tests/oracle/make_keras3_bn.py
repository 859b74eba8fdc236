"""Makes tests/data/keras3_bn: a tiny Keras 3 model (Conv2D -> BatchNormalization -> ReLU ->
Conv2D -> BatchNormalization -> GlobalAveragePooling2D -> Dense) exported with `model.export`,
whose BatchNormalization is written as Rsqrt/Mul/Sub/AddV2 on variables, not FusedBatchNormV3.
Needs TensorFlow >= 2.16 (Keras 3), which the oracle venv has (2.21, made by scripts/setup.sh --oracle):

    TF_ENABLE_ONEDNN_OPTS=0 ~/.cache/tfscope/venv/bin/python tests/oracle/make_keras3_bn.py tests/data/keras3_bn

expected_outputs.json holds the input and TensorFlow's serving_default output (row-major lists),
checked by tests/model/tst_optimize.cpp (with and without the graph optimizer).
"""
import json
import os
import shutil
import sys

import numpy as np
import tensorflow as tf
import keras


def main(out):
    keras.utils.set_random_seed(7)
    inp = keras.Input((6, 6, 3), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", use_bias=False)(inp)
    x = keras.layers.BatchNormalization(epsilon=1e-3)(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2D(5, 3, padding="same", use_bias=True)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    y = keras.layers.Dense(3, name="logits")(x)
    model = keras.Model(inp, y)
    rng = np.random.default_rng(3)
    # Non-trivial moving statistics and affine parameters, so the fold is visible in the values.
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.gamma.assign(rng.uniform(0.5, 1.5, c).astype("float32"))
            layer.beta.assign(rng.uniform(-0.5, 0.5, c).astype("float32"))
            layer.moving_mean.assign(rng.uniform(-0.3, 0.3, c).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.2, 2.0, c).astype("float32"))
    if os.path.exists(out):
        shutil.rmtree(out)
    model.export(out)
    x = rng.standard_normal((2, 6, 6, 3)).astype("float32")
    loaded = tf.saved_model.load(out)
    sig = loaded.signatures["serving_default"]
    outs = sig(tf.constant(x))
    assert len(outs) == 1
    key, val = next(iter(outs.items()))
    with open(os.path.join(out, "expected_outputs.json"), "w") as f:
        json.dump({"tensorflow": tf.__version__, "keras": keras.__version__, "signature": "serving_default",
                   "input_key": list(sig.structured_input_signature[1].keys())[0],
                   "input_shape": list(x.shape), "input": x.ravel().tolist(),
                   "output_key": key, "output_shape": list(val.shape), "output": val.numpy().ravel().tolist()}, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data", "keras3_bn"))
