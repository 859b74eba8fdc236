"""Timing one model on TensorFlow, ONNX Runtime and tfscope's bench_run (for bench/run_vs_*.py).

Each timer runs `warmup` untimed calls, then `n` timed ones, and returns the median in ms with the
outputs of the last call (a dict key -> numpy array). Model loading is never timed.
"""
import os
import shutil
import subprocess
import time

import numpy as np


def load_average():
    return " ".join("%.2f" % v for v in os.getloadavg())


def first_line(text, limit=200):
    lines = [l.strip() for l in str(text).strip().splitlines() if l.strip()]
    line = lines[0] if lines else "(no message)"
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _median_ms(call, warmup, n, warmup_s=0.0):
    """Median ms of n calls after `warmup` calls, and after `warmup_s` seconds of them at least."""
    out = None
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < warmup_s:
        out = call()
        done += 1
    ms = []
    for _ in range(n):
        a = time.perf_counter()
        out = call()
        ms.append((time.perf_counter() - a) * 1000)
    return float(np.median(ms)), out


def tf_time(fn, key, x, warmup, n, warmup_s=0.0):
    """`fn` is a loaded SavedModel's concrete signature function; `key` its input's name."""
    import tensorflow as tf

    feed = {key: tf.constant(x)}
    ms, out = _median_ms(lambda: fn(**feed), warmup, n, warmup_s)
    return ms, {k: v.numpy() for k, v in out.items()}


def ort_session(onnx_path, threads):
    """ONNX Runtime on the CPU with `threads` intra-op threads, executing one node at a time."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(onnx_path, sess_options=so, providers=["CPUExecutionProvider"])


def ort_time(session, x, warmup, n, warmup_s=0.0):
    feed = {session.get_inputs()[0].name: x}
    names = [o.name for o in session.get_outputs()]
    ms, out = _median_ms(lambda: session.run(names, feed), warmup, n, warmup_s)
    return ms, dict(zip(names, out))


def bench_run_time(bench_run, model_dir, key, x_path, outdir, warmup, n, threads, warmup_s=0.0):
    """tfscope's bench_run in its own process; raises RuntimeError with its message when it fails."""
    cmd = [bench_run, "--model", model_dir, "--inputs", "%s=%s" % (key, x_path), "--iterations", str(n),
           "--warmup", str(warmup), "--warmup_ms", str(int(warmup_s * 1000)), "--threads", str(threads), "--outdir", outdir]
    shutil.rmtree(outdir, ignore_errors=True)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip() or r.stdout.strip() or "bench_run exited with %d" % r.returncode)
    f = r.stdout.split()
    outs = {}
    for entry in sorted(os.listdir(outdir)):
        if entry.endswith(".npy"):
            outs[entry[:-4]] = np.load(os.path.join(outdir, entry))
    return float(f[f.index("median_ms") + 1]), outs


def match_outputs(ref, got):
    """Pairs `got`'s outputs with TensorFlow's `ref` by name, or by position when names differ
    (tf2onnx may rename them); returns [(key, want, have)] or raises ValueError."""
    if set(got) >= set(ref):
        return [(k, ref[k], got[k]) for k in sorted(ref)]
    if len(got) == len(ref) == 1:
        (k, want), (have,) = next(iter(ref.items())), got.values()
        return [(k, want, have)]
    raise ValueError("outputs %s, TensorFlow's %s" % (sorted(got), sorted(ref)))


def max_rel_error(ref, got):
    """max |got - ref| / max |ref| over every output (shapes must agree)."""
    worst = 0.0
    for k, want, have in match_outputs(ref, got):
        have = np.asarray(have)
        if have.shape != want.shape:
            raise ValueError("output '%s': shape %s, TensorFlow %s" % (k, have.shape, want.shape))
        scale = max(float(np.max(np.abs(want))), 1e-30)
        worst = max(worst, float(np.max(np.abs(have.astype(np.float64) - want))) / scale)
    return worst
