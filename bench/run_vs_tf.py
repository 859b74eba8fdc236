"""Latency of tfscope's native run against TensorFlow's on the same machine, in one run.

Builds three Keras models with fixed seeds and random weights (nothing is downloaded): an MLP
(784-512-256-10), a small CNN (32x32x3, two conv+pool blocks, two dense) and ResNet-50
(tf.keras.applications.ResNet50(weights=None), 224x224x3). Each is saved as a SavedModel in a temp
folder. For every model and batch size:
  * TensorFlow: tf.saved_model.load, the serving_default signature called on a tf.constant,
    warm-up runs, then the median of N calls (load not timed);
  * tfscope: build-*/bench/bench_run --model DIR --inputs 'key=x.npy' (same warm-up and N; load not
    timed), which also writes its outputs as .npy;
  * the outputs must agree: |ours - tf| <= 1e-4 * max(|tf|) element-wise.
Both sides use the same number of intra-op threads (--threads); TensorFlow's inter-op pool gets 1
thread because tfscope runs one node at a time. Not a test; prints a table:

  ~/.cache/tfscope/venv/bin/python bench/run_vs_tf.py --bench_run build/bench/bench_run \
      [--threads 2] [--models mlp,cnn,resnet50] [--batches 1,32] [--iterations N] [--warmup W]
"""
import argparse
import os
import sys
import tempfile

import numpy as np

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--bench_run", default=os.path.join(os.path.dirname(__file__), "..", "build", "bench", "bench_run"))
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--models", default="mlp,cnn,resnet50")
ap.add_argument("--batches", default="1,32")
ap.add_argument("--iterations", type=int, default=0, help="timed runs per side (0 = per model default)")
ap.add_argument("--warmup", type=int, default=2)
ap.add_argument("--rtol", type=float, default=1e-4)
ap.add_argument("--keep", help="save the models and inputs here instead of a temp folder (a model already there is reused)")
ap.add_argument("--prepare_only", action="store_true", help="only build and save the models (with --keep)")
args = ap.parse_args()

# Keras 2 SavedModels, as this script always measured: on TensorFlow >= 2.16 that is tf_keras.
# (bench/run_vs_peers.py measures Keras 3's model.export as well.)
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import tensorflow as tf  # noqa: E402  (after argparse: --help stays fast)

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(1)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_models import DEFAULT_N, build, make_input  # noqa: E402
from bench_timing import bench_run_time, load_average, max_rel_error, tf_time  # noqa: E402


def main():
    work = args.keep or tempfile.mkdtemp(prefix="tfscope_bench_")
    rows = []
    print("threads %d, load average %s" % (args.threads, load_average()), flush=True)
    for name in args.models.split(","):
        model_dir = os.path.join(work, name)
        if not os.path.exists(os.path.join(model_dir, "saved_model.pb")):
            model = build(name, tf.keras)
            tf.saved_model.save(model, model_dir)
            del model
        if args.prepare_only:
            continue
        loaded = tf.saved_model.load(model_dir)
        fn = loaded.signatures["serving_default"]
        key = sorted(fn.structured_input_signature[1].keys())[0]
        n = args.iterations or DEFAULT_N[name]
        for batch in [int(b) for b in args.batches.split(",")]:
            x = make_input(name, batch)
            x_path = os.path.join(work, "%s_b%d_x.npy" % (name, batch))
            np.save(x_path, x)
            tf_ms, ref = tf_time(fn, key, x, args.warmup, n)
            outdir = os.path.join(work, "%s_b%d_out" % (name, batch))
            try:
                our_ms, got = bench_run_time(args.bench_run, model_dir, key, x_path, outdir, args.warmup, n, args.threads)
            except RuntimeError as e:
                print("%s batch %d: bench_run failed: %s" % (name, batch, e), flush=True)
                continue
            try:
                worst = max_rel_error(ref, got)
            except ValueError as e:
                raise SystemExit("%s batch %d: %s" % (name, batch, e))
            ok = worst <= args.rtol
            rows.append((name, batch, tf_ms, our_ms, our_ms / tf_ms, worst, ok, n))
            print("  %-9s b%-3d TF %9.2f ms  tfscope %9.2f ms  ratio %5.2f  max rel err %.1e %s  (N=%d, load %s)" % (
                name, batch, tf_ms, our_ms, our_ms / tf_ms, worst, "ok" if ok else "MISMATCH", n,
                load_average()), flush=True)
    print()
    print("| model | batch | TF ms | tfscope ms | ratio | max rel err |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, batch, tf_ms, our_ms, ratio, worst, ok, n in rows:
        print("| %s | %d | %.2f | %.2f | %.2f | %.1e%s |" % (name, batch, tf_ms, our_ms, ratio, worst, "" if ok else " MISMATCH"))
    print("load average after: %s" % load_average())
    return 0 if all(r[6] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
