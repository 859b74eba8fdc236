"""Loopback load test of `tfscope serve`: REST and gRPC Predict with 1, 8 and 32 concurrent clients.

Starts `tfscope serve` on free 127.0.0.1 ports for each model, then for each API and client count
runs that many client threads, each sending Predict requests one after another (REST: one
keep-alive http.client connection per client; gRPC: TF Serving's own PredictionServiceStub over one
channel per client) until `--requests` requests per setting are done or `--seconds` have passed,
whichever is first. Prints throughput and p50/p99 latency as seen by the clients, and `bench_run`'s
in-process median for the same model and batch (the server's overhead is the difference).

Models: half_plus_two (the shared 2-version base) and, with --resnet, a ResNet-50 built by Keras
with random weights (fixed seed, nothing downloaded) saved as base/1.
Needs the oracle venv and tensorflow-serving-api (scripts/setup.sh --oracle):
    ~/.cache/tfscope/venv/bin/python bench/serve_load.py --tfscope build/app/tfscope \
        --bench_run build/bench/bench_run [--resnet [--workdir D]] [--clients 1,8,32] [--requests 2000] [--seconds 20]
Loopback only; every loop is bounded in count and time."""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "..", "shared", "testdata", "models")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, name, base, threads):
    gport, rport = free_port(), free_port()
    log = tempfile.NamedTemporaryFile(prefix="serve_load_", suffix=".log", delete=False)
    proc = subprocess.Popen([binary, "serve", "--model_name", name, "--model_base_path", base, "--port", str(gport),
                             "--rest_api_port", str(rport), "--file_system_poll_wait_seconds", "0",
                             "--tensorflow_intra_op_parallelism", str(threads)],
                            stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 300
    while time.time() < deadline:
        with open(log.name) as f:
            if "tfscope serve: ready" in f.read():
                return proc, gport, rport, log.name
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    with open(log.name) as f:
        sys.exit("tfscope serve did not start:\n" + f.read())


def run_clients(n_clients, total, seconds, make_client):
    """Each client thread: call() until the shared budget or the deadline runs out."""
    lat, lock = [], threading.Lock()
    budget = [total]
    errors = [0]
    deadline = time.time() + seconds

    def worker():
        call = make_client()
        while time.time() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            t0 = time.perf_counter()
            ok = call()
            dt = time.perf_counter() - t0
            with lock:
                if ok:
                    lat.append(dt)
                else:
                    errors[0] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    lat_ms = np.array(lat) * 1000.0
    return {"requests": len(lat), "errors": errors[0], "rps": len(lat) / wall,
            "p50": float(np.percentile(lat_ms, 50)) if len(lat) else float("nan"),
            "p99": float(np.percentile(lat_ms, 99)) if len(lat) else float("nan")}


def rest_client(port, path, body, want_key):
    def make():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

        def call():
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            return r.status == 200 and want_key in json.loads(data)
        return call
    return make


def grpc_client(port, request):
    import grpc
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    def make():
        stub = prediction_service_pb2_grpc.PredictionServiceStub(grpc.insecure_channel("127.0.0.1:%d" % port))

        def call():
            try:
                stub.Predict(request, timeout=120)
                return True
            except grpc.RpcError:
                return False
        return call
    return make


def bench_run_median(bench_run, model_dir, key, array, threads):
    if not bench_run:
        return float("nan")
    with tempfile.TemporaryDirectory() as d:
        np.save(os.path.join(d, "in.npy"), array)
        out = subprocess.run([bench_run, "--model", model_dir, "--inputs", "%s=%s" % (key, os.path.join(d, "in.npy")),
                              "--iterations", "20", "--warmup", "3", "--threads", str(threads)],
                             capture_output=True, text=True, timeout=900)
        m = re.search(r"median_ms ([0-9.]+)", out.stdout)
        return float(m.group(1)) if m else float("nan")


def make_resnet(base):
    import tensorflow as tf
    tf.keras.utils.set_random_seed(1)
    model = tf.keras.applications.ResNet50(weights=None)
    tf.saved_model.save(model, os.path.join(base, "1"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tfscope", required=True)
    ap.add_argument("--bench_run", default="")
    ap.add_argument("--clients", default="1,8,32")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads of the server and of bench_run")
    ap.add_argument("--resnet", action="store_true")
    ap.add_argument("--workdir", default="", help="keep the ResNet-50 base here (made once, reused)")
    args = ap.parse_args()
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2

    cases = [("half_plus_two", os.path.join(MODELS, "serving_saved_model_half_plus_two_2_versions"), "x",
              np.array([[1.0], [2.0], [5.0]], np.float32), args.requests)]
    tmp = args.workdir or tempfile.mkdtemp(prefix="serve_load_")
    if args.resnet:
        if not os.path.isdir(os.path.join(tmp, "resnet50", "1")):
            make_resnet(os.path.join(tmp, "resnet50"))
        img = np.random.default_rng(1).random([1, 224, 224, 3], dtype=np.float32)
        cases.append(("resnet50", os.path.join(tmp, "resnet50"), None, img, max(args.requests // 20, 10)))

    print("| model | api | clients | requests | errors | req/s | p50 ms | p99 ms | bench_run ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, base, key, array, total in cases:
        proc, gport, rport, log = start_server(args.tfscope, name, base, args.threads)
        try:
            if key is None:  # the Keras model's input name
                import urllib.request
                with urllib.request.urlopen("http://127.0.0.1:%d/v1/models/%s/metadata" % (rport, name), timeout=60) as r:
                    md = json.loads(r.read())
                key = list(md["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"])[0]
            versions = sorted(int(v) for v in os.listdir(base) if v.isdigit())
            in_process = bench_run_median(args.bench_run, os.path.join(base, [v for v in os.listdir(base) if v.isdigit() and int(v) == versions[-1]][0]),
                                          key, array, args.threads)
            body = json.dumps({"inputs": {key: array.tolist()}}).encode()
            req = predict_pb2.PredictRequest()
            req.model_spec.name = name
            req.inputs[key].CopyFrom(tf.make_tensor_proto(array))
            for api in ("REST", "gRPC"):
                for n in [int(c) for c in args.clients.split(",")]:
                    make = (rest_client(rport, "/v1/models/%s:predict" % name, body, "outputs") if api == "REST"
                            else grpc_client(gport, req))
                    r = run_clients(n, total, args.seconds, make)
                    print("| %s (batch %d) | %s | %d | %d | %d | %.1f | %.2f | %.2f | %.2f |" % (
                        name, array.shape[0], api, n, r["requests"], r["errors"], r["rps"], r["p50"], r["p99"], in_process),
                        flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
            os.unlink(log)


if __name__ == "__main__":
    main()
