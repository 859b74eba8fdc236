#!/usr/bin/env python3
"""Writes tests/data/optimizer_ckpts/: Keras training checkpoints whose optimizer state is not
recognisable from key prefixes (issue: Keras 3 keys the model's weights under the optimizer).

Needs TensorFlow 2.21 with Keras 3 and tf-keras 2.21, as the oracle venv has them
(scripts/setup.sh --oracle):
    ~/.cache/tfscope/venv/bin/python tests/oracle/make_keras3_fixtures.py
The Keras 2 cases run in a child process with TF_USE_LEGACY_KERAS=1 (the Keras version is fixed
at import). Seeds, data and training are fixed.

Per case (tests/oracle/keras_cases.py), CASE/ holds the checkpoint `ckpt-1` that
`tf.train.Checkpoint(step=..., model=m, optimizer=opt).save()` writes after a short fit, and
expected.json:
- source_keys: every key of ckpt-1;
- optimizer_state: the keys holding optimizer state (every key but the model's weights, `step`
  and `save_counter`, found by object identity, not by name);
- export: what TensorFlow itself writes for the same weights without the optimizer
  (`tf.train.Checkpoint(step=..., model=fresh model with the trained weights).save()`): each key
  with the source key holding the same variable, dtype, shape and value.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYTHONHASHSEED", "0")

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[0] / "data" / "optimizer_ckpts"
sys.path.insert(0, str(HERE))


def keras_module(major):
    import tensorflow as tf
    if major == 3:
        import keras
        assert keras.__version__.startswith("3."), keras.__version__
        return keras
    keras = tf.keras
    assert not hasattr(keras, "__version__") or keras.__version__.startswith("2."), keras.__version__
    return keras


def variable_keys(checkpoint):
    """{id(variable): checkpoint key} as TensorFlow keys them (first BFS path from the root)."""
    from tensorflow.python.checkpoint import graph_view
    from tensorflow.python.trackable import trackable_utils
    _, paths = graph_view.ObjectGraphView(checkpoint).breadth_first_traversal()
    out = {}
    for obj, path in paths.items():
        out[id(obj)] = trackable_utils.object_path_to_string(path) + "/.ATTRIBUTES/VARIABLE_VALUE"
    return out


def key_of(keys, variable):
    for candidate in (variable, getattr(variable, "value", None), getattr(variable, "_value", None)):
        if candidate is not None and id(candidate) in keys:
            return keys[id(candidate)]
    raise KeyError("no checkpoint key for %r" % (variable,))


def dtype_name(dtype):
    from tensorflow.core.framework import types_pb2
    return types_pb2.DataType.Name(dtype.as_datatype_enum)


def make_case(name, major, kind):
    import numpy as np
    import tensorflow as tf
    import keras_cases
    keras = keras_module(major)
    keras.utils.set_random_seed(7)
    model = keras_cases.build_model(keras)
    opt = keras_cases.make_optimizer(keras, kind)
    model.compile(optimizer=opt, loss="mse")
    rng = np.random.RandomState(0)
    x = rng.randn(16, 3).astype(np.float32)
    y = rng.randn(16, 2).astype(np.float32)
    model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    step = tf.Variable(3, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(step=step, model=model, optimizer=opt)
    case_dir = OUT / name
    if case_dir.exists():
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    prefix = ckpt.save(str(case_dir / "ckpt"))
    assert Path(prefix).name == "ckpt-1", prefix
    (case_dir / "checkpoint").unlink()  # the state file holds an absolute path
    source_keys = sorted(k for k, _ in tf.train.list_variables(prefix))
    src_vars = variable_keys(ckpt)

    # TensorFlow's own checkpoint of the same weights without the optimizer.
    fresh = keras_cases.build_model(keras)
    fresh.set_weights(model.get_weights())
    ref_step = tf.Variable(3, dtype=tf.int64)
    ref = tf.train.Checkpoint(step=ref_step, model=fresh)
    with tempfile.TemporaryDirectory() as tmp:
        ref_prefix = ref.save(tmp + "/ref")
        ref_vars = variable_keys(ref)
        reader = tf.train.load_checkpoint(ref_prefix)
        dtypes = reader.get_variable_to_dtype_map()
        shapes = reader.get_variable_to_shape_map()
        source_of = {key_of(ref_vars, ref_step): key_of(src_vars, step),
                     "save_counter/.ATTRIBUTES/VARIABLE_VALUE": "save_counter/.ATTRIBUTES/VARIABLE_VALUE"}
        for w_src, w_ref in zip(model.weights, fresh.weights):
            source_of[key_of(ref_vars, w_ref)] = key_of(src_vars, w_src)
        export = {}
        for key in sorted(dtypes):
            if key == "_CHECKPOINTABLE_OBJECT_GRAPH":
                continue
            value = reader.get_tensor(key)
            export[key] = {"source": source_of[key], "dtype": dtype_name(dtypes[key]),
                           "shape": list(shapes[key]), "value": np.asarray(value).ravel().tolist()}
    src_reader = tf.train.load_checkpoint(prefix)
    for key, e in export.items():  # the source holds the same bytes under its own key
        assert np.array_equal(np.asarray(src_reader.get_tensor(e["source"])).ravel(), np.asarray(e["value"])), key
    kept = {e["source"] for e in export.values()}
    state = sorted(k for k in source_keys if k not in kept and k != "_CHECKPOINTABLE_OBJECT_GRAPH")
    expected = {
        "tensorflow": tf.__version__,
        "keras": getattr(keras, "__version__", "2"),
        "keras_major": major,
        "optimizer": kind,
        "prefix": "ckpt-1",
        "source_keys": source_keys,
        "optimizer_state": state,
        "export": export,
    }
    with open(case_dir / "expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print("%s: %d keys, %d optimizer state, %d exported" % (name, len(source_keys), len(state), len(export)))


def main():
    import keras_cases
    keras2 = "--keras2" in sys.argv
    for name, (major, kind) in keras_cases.CASES.items():
        if (major == 2) == keras2:
            make_case(name, major, kind)
    if not keras2:
        env = dict(os.environ, TF_USE_LEGACY_KERAS="1")
        subprocess.run([sys.executable, __file__, "--keras2"], env=env, check=True)


if __name__ == "__main__":
    main()
