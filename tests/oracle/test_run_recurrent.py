"""Oracle: Keras recurrent layers (LSTM and GRU, two stacked layers then Dense) saved by Keras 2
(`tf_keras`, tf.saved_model.save) and by Keras 3 (`model.export`) run in tfscope as in TensorFlow.

Their SavedModels hold a TF2 `While` loop whose body runs the cell once per time step; tfscope runs
the body with a prepared plan and fuses an LSTM cell's gate arithmetic at load
(model/exec/fusion_lstm.cpp), and runs a whole Keras LSTM loop as one fused layer
(model/exec/lstm_loop.cpp), so this checks all of them against live TensorFlow, each LSTM case also
with TFSCOPE_FUSE_LSTM_LOOP=0 (the loop step by step). Variants: batch 1, 3 and 16 (whose rows the
fused layer shares among threads), go_backwards, return_state (the loop's last h and c are
outputs), and loops that must run step by step: a masked LSTM (Masking) and an LSTM with ReLU
activation. Floats compare by tolerance.py's rule with K = the products summed into each output
over all time steps.
"""

import os
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_run as tr  # noqa: E402
import tensorflow as tf  # noqa: E402

STEPS, FEATURES, UNITS1, UNITS2, OUT = 7, 3, 5, 4, 2


def build(keras, cell, variant=""):
    layer = getattr(keras.layers, cell)
    inp = keras.Input((STEPS, FEATURES), name="x")
    h = inp
    if variant == "masked":
        h = keras.layers.Masking(mask_value=0.0)(h)
    opts = {"activation": "relu"} if variant == "relu" else {}
    h = layer(UNITS1, return_sequences=True, go_backwards=variant == "backwards", **opts)(h)
    if variant == "state":
        h, state_h, state_c = layer(UNITS2, return_state=True)(h)
        return keras.Model(inp, [keras.layers.Dense(OUT)(h), state_h, state_c])
    h = layer(UNITS2, go_backwards=variant == "backwards", **opts)(h)
    return keras.Model(inp, keras.layers.Dense(OUT)(h))


def inputs(batch, variant=""):
    x = np.sin(np.arange(batch * STEPS * FEATURES, dtype=np.float32) * 0.37).reshape(batch, STEPS, FEATURES) * 1.5
    if variant == "masked":
        x[0, 2:4, :] = 0.0  # two masked steps in the first sequence
    return x.astype(np.float32)


class TestRecurrentKerasModels(unittest.TestCase):

    def check(self, keras_major, cell, batch, variant=""):
        with tempfile.TemporaryDirectory() as tmp:
            export_dir = os.path.join(tmp, "model")
            if keras_major == 2:
                keras = tf.keras  # tf_keras: run.sh sets TF_USE_LEGACY_KERAS=1
                keras.utils.set_random_seed(5)
                model = build(keras, cell, variant)
                tf.saved_model.save(model, export_dir)
            else:
                import keras
                if not keras.__version__.startswith("3"):
                    self.skipTest("Keras 3 is not installed")
                keras.utils.set_random_seed(5)
                model = build(keras, cell, variant)
                model.export(export_dir)
            sig = tf.saved_model.load(export_dir).signatures["serving_default"]
            (in_key,) = sig.structured_input_signature[1].keys()
            x = inputs(batch, variant)
            expected = {k: v.numpy() for k, v in sig(**{in_key: tf.constant(x)}).items()}
            self.assertGreater(float(np.abs(list(expected.values())[0]).max()), 0.0)
            k = STEPS * (FEATURES + UNITS1) + STEPS * (UNITS1 + UNITS2) + UNITS2
            ks = {name: k for name in expected}
            tr.TestRunMatchesTensorFlow.run_and_compare(self, export_dir, ["serve"], "serving_default", {in_key: x}, expected, ks)
            if cell == "LSTM":
                os.environ["TFSCOPE_FUSE_LSTM_LOOP"] = "0"
                try:
                    tr.TestRunMatchesTensorFlow.run_and_compare(self, export_dir, ["serve"], "serving_default", {in_key: x}, expected,
                                                                ks)
                finally:
                    del os.environ["TFSCOPE_FUSE_LSTM_LOOP"]


for _major in (2, 3):
    for _cell in ("LSTM", "GRU"):
        for _batch in (1, 3):
            setattr(TestRecurrentKerasModels, "test_keras%d_%s_batch%d" % (_major, _cell.lower(), _batch),
                    (lambda m, c, b: lambda self: self.check(m, c, b))(_major, _cell, _batch))
    setattr(TestRecurrentKerasModels, "test_keras%d_lstm_batch16" % _major, (lambda m: lambda self: self.check(m, "LSTM", 16))(_major))
    for _variant in ("backwards", "state", "masked", "relu"):
        setattr(TestRecurrentKerasModels, "test_keras%d_lstm_%s" % (_major, _variant),
                (lambda m, v: lambda self: self.check(m, "LSTM", 3, v))(_major, _variant))

if __name__ == "__main__":
    unittest.main()
