"""Latency of tfscope's native run against TensorFlow and ONNX Runtime on the same models, in one run.

Builds five Keras models with fixed seeds and random weights (bench/bench_models.py; nothing is
downloaded): an MLP, a small CNN, ResNet-50, a small BERT-style encoder (Embedding, MultiHeadAttention,
LayerNormalization, GELU; 2 layers, 64 tokens) and a two-layer LSTM. Each is saved both ways
(--styles): Keras 3 `model.export(DIR)` and Keras 2 (tf_keras, TF_USE_LEGACY_KERAS=1)
`tf.saved_model.save`, each in a process of its own, then converted to ONNX with tf2onnx
(`python -m tf2onnx.convert --saved-model DIR`). For every model, style and batch size:
  * TensorFlow: tf.saved_model.load, the serving_default signature called on a tf.constant;
  * ONNX Runtime: CPU provider, intra_op_num_threads = --threads, sequential execution;
  * tfscope: bench_run --model DIR --inputs 'key=x.npy' (writes its outputs as .npy);
each with the same warm-up and N (load not timed), on the same input. Prints the medians, the ratios
tfscope/TF and tfscope/ORT, and the max relative error of ORT's and tfscope's outputs against
TensorFlow's (max |out - tf| / max |tf|). TensorFlow's inter-op pool gets 1 thread, as ORT's and
ours run one node at a time. A step that fails (export, conversion, an engine that cannot run the
model) is reported in the table with the first line of its error; the script goes on.

Needs TensorFlow, tf_keras, onnxruntime and tf2onnx: the bench venv of `scripts/setup.sh --bench`.
Without onnxruntime / tf2onnx the ORT columns say so. Not a test.

  ~/.cache/tfscope/bench-venv/bin/python bench/run_vs_peers.py --bench_run build/bench/bench_run \
      [--threads 2] [--models mlp,cnn,resnet50,bert,lstm] [--batches 1,32] [--styles keras3,keras2] \
      [--iterations N | --iterations mlp=50,resnet50=3] [--warmup W] [--warmup_s S] [--keep DIR]
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_models import DEFAULT_N, MODELS, make_input  # noqa: E402
from bench_timing import (bench_run_time, first_line, load_average, max_rel_error, ort_session,  # noqa: E402
                          ort_time, tf_time)

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--bench_run", default=os.path.join(HERE, "..", "build", "bench", "bench_run"))
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--models", default=",".join(MODELS))
ap.add_argument("--batches", default="1,32")
ap.add_argument("--styles", default="keras3,keras2", help="export styles: keras3 (model.export), keras2 (tf_keras)")
ap.add_argument("--iterations", default="0",
                help="timed runs per engine: N for every model, or name=N,... (0 or absent = per model default)")
ap.add_argument("--warmup", type=int, default=2)
ap.add_argument("--warmup_s", type=float, default=0.2, help="warm up for at least this many seconds too")
ap.add_argument("--opset", type=int, default=17, help="ONNX opset for tf2onnx")
ap.add_argument("--rtol", type=float, default=1e-4, help="an error above this is marked MISMATCH")
ap.add_argument("--keep", help="save models, ONNX files and inputs here instead of a temp folder (what is there is reused)")
ap.add_argument("--prepare_only", action="store_true", help="only export and convert (with --keep)")
args = ap.parse_args()


def parse_iterations(text):
    every, per = 0, {}
    for item in filter(None, text.split(",")):
        try:
            if "=" in item:
                k, v = item.split("=", 1)
                per[k.strip()] = int(v)
            else:
                every = int(item)
        except ValueError:
            ap.error("--iterations: '%s' is neither N nor name=N" % item)
    return lambda name: per.get(name) or every or DEFAULT_N[name]


iterations = parse_iterations(args.iterations)
models = [m for m in args.models.split(",") if m]
styles = [s for s in args.styles.split(",") if s]
batches = [int(b) for b in args.batches.split(",") if b]
for m in models:
    if m not in MODELS:
        ap.error("unknown model '%s' (known: %s)" % (m, ",".join(MODELS)))
for s in styles:
    if s not in ("keras3", "keras2"):
        ap.error("unknown style '%s' (known: keras3,keras2)" % s)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402  (after argparse: --help stays fast)

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(1)

try:
    import onnxruntime
except ImportError:
    onnxruntime = None


def run_quietly(cmd, env=None):
    """Runs a child process; returns None on success or the most telling line of its error output."""
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode == 0:
        return None
    lines = [l for l in (r.stderr + r.stdout).splitlines() if l.strip()]
    # The last "SomethingError: ..." line says what went wrong; the first lines are usually log noise.
    errors = [l for l in lines if "Error" in l.split(":")[0] or l.startswith("ERROR")]
    return first_line(errors[-1] if errors else lines[-1] if lines else "exit code %d" % r.returncode)


def export(style, name, model_dir):
    """Exports in a child process (the Keras version is chosen by its environment); to a temp name first."""
    if os.path.exists(os.path.join(model_dir, "saved_model.pb")):
        return None
    tmp = model_dir + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1" if style == "keras2" else "0", TF_CPP_MIN_LOG_LEVEL="2")
    err = run_quietly([sys.executable, os.path.join(HERE, "bench_models.py"), style, name, tmp], env)
    if err is None:
        os.rename(tmp, model_dir)
    return err


def convert(model_dir, onnx_path):
    if os.path.exists(onnx_path):
        return None
    tmp = onnx_path + ".partial"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    err = run_quietly([sys.executable, "-m", "tf2onnx.convert", "--saved-model", model_dir, "--output", tmp,
                       "--opset", str(args.opset)], env)
    if err is None:
        os.rename(tmp, onnx_path)
    return err


def versions():
    out = ["Python %s" % platform.python_version(), "TensorFlow %s" % tf.__version__]
    for mod in ("keras", "tf_keras", "onnxruntime", "onnx", "tf2onnx"):
        try:
            out.append("%s %s" % (mod, __import__(mod).__version__))
        except Exception:
            out.append("%s (not installed)" % mod)
    return ", ".join(out)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


class Row:
    def __init__(self, name, style, batch, n):
        self.name, self.style, self.batch, self.n = name, style, batch, n
        self.tf_ms = self.ort_ms = self.our_ms = None
        self.ort_err = self.our_err = None
        self.notes = []

    def cells(self):
        def ms(v):
            return "—" if v is None else ("%.0f" % v if v >= 1000 else "%.2f" % v)

        def ratio(a, b):
            return "—" if a is None or b is None else "%.2f" % (a / b)

        def err(v):
            return "—" if v is None else "%.1e%s" % (v, " MISMATCH" if v > args.rtol else "")

        return [self.name, self.style, str(self.batch), ms(self.tf_ms), ms(self.ort_ms), ms(self.our_ms),
                ratio(self.our_ms, self.tf_ms), ratio(self.our_ms, self.ort_ms), err(self.ort_err), err(self.our_err),
                str(self.n), "; ".join(self.notes).replace("|", "\\|")]


HEADER = ["model", "export", "batch", "TF ms", "ORT ms", "tfscope ms", "tfscope/TF", "tfscope/ORT", "ORT err",
          "tfscope err", "N", "note"]


# TensorFlow's and ONNX Runtime's pool threads keep spinning for a while after a run returns, on
# the cores the next engine needs: a 6 ms batch of MLP runs timed right after ONNX Runtime's took
# twice as long as alone (one of its two threads never got a core). Each engine starts after a
# pause, and warms up for --warmup runs and --warmup_s seconds at least (from idle, a few runs do
# not wake every thread and core: TensorFlow's and ONNX Runtime's batch-1 medians doubled too).
SETTLE_S = 0.3


def run_case(row, fn, key, session, model_dir, work, x):
    tag = "%s_%s_b%d" % (row.style, row.name, row.batch)
    x_path = os.path.join(work, tag + "_x.npy")
    np.save(x_path, x)
    time.sleep(SETTLE_S)
    try:
        row.tf_ms, ref = tf_time(fn, key, x, args.warmup, row.n, args.warmup_s)
    except Exception as e:  # noqa: BLE001  (report, go on)
        row.notes.append("TF run failed: " + first_line(e))
        return
    if session is not None:
        time.sleep(SETTLE_S)
        try:
            row.ort_ms, got = ort_time(session, x, args.warmup, row.n, args.warmup_s)
            row.ort_err = max_rel_error(ref, got)
        except Exception as e:  # noqa: BLE001
            row.notes.append("ORT: " + first_line(e))
    time.sleep(SETTLE_S)
    try:
        row.our_ms, got = bench_run_time(args.bench_run, model_dir, key, x_path, os.path.join(work, tag + "_out"),
                                         args.warmup, row.n, args.threads, args.warmup_s)
        row.our_err = max_rel_error(ref, got)
    except Exception as e:  # noqa: BLE001
        row.notes.append("tfscope cannot run it: " + first_line(e))


def main():
    if not os.access(args.bench_run, os.X_OK):
        ap.error("no bench_run at '%s' (build the target bench_run, or pass --bench_run)" % args.bench_run)
    work = args.keep or tempfile.mkdtemp(prefix="tfscope_peers_")
    os.makedirs(work, exist_ok=True)
    have_tf2onnx = subprocess.run([sys.executable, "-c", "import tf2onnx"], capture_output=True).returncode == 0
    print("%s; %s; threads %d; load average %s" % (cpu_model(), versions(), args.threads, load_average()), flush=True)
    rows = []
    for name in models:
        for style in styles:
            model_dir = os.path.join(work, style, name)
            os.makedirs(os.path.dirname(model_dir), exist_ok=True)
            n = iterations(name)
            err = export(style, name, model_dir)
            if err:
                for b in batches:
                    rows.append(Row(name, style, b, n))
                    rows[-1].notes.append("export failed: " + err)
                print("  %-8s %-6s export failed: %s" % (name, style, err), flush=True)
                continue
            onnx_path = os.path.join(work, style, name + ".onnx")
            ort_note = None
            if onnxruntime is None or not have_tf2onnx:
                ort_note = "ORT: onnxruntime / tf2onnx not installed (scripts/setup.sh --bench)"
            else:
                err = convert(model_dir, onnx_path)
                if err:
                    ort_note = "tf2onnx failed: " + err
            if args.prepare_only:
                continue
            session = None
            if ort_note is None:
                try:
                    session = ort_session(onnx_path, args.threads)
                except Exception as e:  # noqa: BLE001
                    ort_note = "ORT cannot load it: " + first_line(e)
            try:
                loaded = tf.saved_model.load(model_dir)
                fn = loaded.signatures["serving_default"]
                key = sorted(fn.structured_input_signature[1].keys())[0]
            except Exception as e:  # noqa: BLE001
                for b in batches:
                    rows.append(Row(name, style, b, n))
                    rows[-1].notes += [m for m in (ort_note, "TensorFlow cannot load it: " + first_line(e)) if m]
                continue
            for batch in batches:
                row = Row(name, style, batch, n)
                if ort_note:
                    row.notes.append(ort_note)
                run_case(row, fn, key, session, model_dir, work, make_input(name, batch))
                rows.append(row)
                print("  " + " | ".join(row.cells()) + "  (load %s)" % load_average(), flush=True)
            del loaded, fn, session
    if args.prepare_only:
        return 0
    print()
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "|".join(["---"] * 2 + ["---:"] * 9 + ["---"]) + "|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    print("load average after: %s" % load_average())
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    bad = [r for r in rows if any(e is not None and e > args.rtol for e in (r.ort_err, r.our_err))]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
