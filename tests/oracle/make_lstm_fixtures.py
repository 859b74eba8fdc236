"""Makes tests/data/keras3_lstm: a tiny recurrent model (LSTM(5, return_sequences=True) -> LSTM(4)
-> Dense(2), 6 steps of 3 features; outputs the Dense result and the first layer's sequence)
exported by Keras 3 (`model.export`). Its TF2 While loops are what tfscope runs as fused LSTM
layers (model/exec/lstm_loop.h); the Keras 2 export of the same model (1.2 MB, with its GPU and
gradient functions) is left to the oracle (test_run_recurrent.py). Needs the oracle venv:

    TF_ENABLE_ONEDNN_OPTS=0 ~/.cache/tfscope/venv/bin/python tests/oracle/make_lstm_fixtures.py

expected_outputs.json holds the input (batch 16) and TensorFlow's serving_default outputs
(row-major lists), checked by tests/model/tst_lstm_loop.cpp with and without the loop fusion.
"""
import json
import os
import shutil
import sys

import numpy as np
import tensorflow as tf

STEPS, FEATURES, BATCH = 6, 3, 16


def build(keras):
    keras.utils.set_random_seed(11)
    inp = keras.Input((STEPS, FEATURES), name="x")
    seq = keras.layers.LSTM(5, return_sequences=True, name="lstm_a")(inp)
    last = keras.layers.LSTM(4, name="lstm_b")(seq)
    return keras.Model(inp, [keras.layers.Dense(2, name="logits")(last), seq])


def main(data_dir):
    import keras
    x = (np.sin(np.arange(BATCH * STEPS * FEATURES) * 0.41) * 1.7).reshape(BATCH, STEPS, FEATURES).astype("float32")
    for name, kmod in (("keras3_lstm", keras),):
        out = os.path.join(data_dir, name)
        if os.path.exists(out):
            shutil.rmtree(out)
        model = build(kmod)
        model.export(out)
        sig = tf.saved_model.load(out).signatures["serving_default"]
        (in_key,) = sig.structured_input_signature[1].keys()
        outs = sig(**{in_key: tf.constant(x)})
        with open(os.path.join(out, "expected_outputs.json"), "w") as f:
            json.dump({"tensorflow": tf.__version__, "keras": kmod.__version__, "signature": "serving_default",
                       "input_key": in_key, "input_shape": list(x.shape), "input": x.ravel().tolist(),
                       "outputs": {k: {"shape": list(v.shape), "values": v.numpy().ravel().tolist()} for k, v in outs.items()}}, f)
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data"))
