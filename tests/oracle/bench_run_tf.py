"""TensorFlow's side of bench/bench_run.cpp: the same models, inputs and timing (median/p90 of N
session runs after loading with the TF1 loader, as saved_model_cli does). Not a test.
   ~/.cache/tfscope/venv/bin/python tests/oracle/bench_run_tf.py [models_dir] [iterations]"""
import os
import sys
import time

import numpy as np
import tensorflow as tf

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "testdata", "models")
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
cases = [
    ("serving_saved_model_half_plus_two_cpu/00000123", "serving_default", "x", (64, 1)),
    ("serving_saved_model_half_plus_two_tf2_cpu/00000123", "serving_default", "x", (1,)),
    ("cppflow_load_model/model", "serving_default", "input_1", (1, 5)),
    ("kotlindl_mnist1_saved_model", "serving_default", "flatten_2_input", (1, 28, 28)),
    ("kotlindl_mnist1_saved_model", "serving_default", "flatten_2_input", (256, 28, 28)),
    ("tfnet_keras_python_func_model", "serving_default", "input_1", (64, 784)),
]
print("%-52s %-14s %10s %10s %10s" % ("model", "input", "load ms", "median ms", "p90 ms"))
for d, sig, key, shape in cases:
    t0 = time.perf_counter()
    with tf.compat.v1.Session(graph=tf.Graph()) as s:
        mg = tf.compat.v1.saved_model.loader.load(s, ["serve"], os.path.join(root, d))
        load_ms = (time.perf_counter() - t0) * 1000
        sd = mg.signature_def[sig]
        x = (np.arange(int(np.prod(shape))) % 97 / 97.0).astype(np.float32).reshape(shape)
        fetches = [sd.outputs[k].name for k in sorted(sd.outputs)]
        feed = {sd.inputs[key].name: x}
        ms = []
        for _ in range(n):
            a = time.perf_counter()
            s.run(fetches, feed)
            ms.append((time.perf_counter() - a) * 1000)
        ms.sort()
        print("%-52s %-14s %10.2f %10.3f %10.3f" % (d, str(list(shape)).replace(" ", ""), load_ms, ms[len(ms) // 2], ms[len(ms) * 9 // 10]))
