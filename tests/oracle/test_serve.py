"""Oracle: `tfscope serve` against TensorFlow Serving's own Python client and plain HTTP.

Each test starts `tfscope serve` on free loopback ports and talks to it with the gRPC stubs and
messages of the `tensorflow-serving-api` package (PyPI; not written here) and with urllib for the
REST API. Every answer is compared with TensorFlow's own result for the same input (the TF1 loader,
as TF Serving loads SavedModels, or tf.saved_model.load for the TF2 model), REST bodies with the
JSON shapes of TF Serving's REST API documentation. Version tests copy a base folder to a scratch
dir and add, break and remove versions while the server runs. Loopback only; every wait is bounded.
Needs TFSCOPE_BIN; skips when tensorflow_serving is not importable (outside CI)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import numpy as np
import tensorflow as tf

import tolerance

try:
    import grpc
    from tensorflow_serving.apis import classification_pb2, get_model_metadata_pb2, get_model_status_pb2
    from tensorflow_serving.apis import inference_pb2, input_pb2, model_pb2, predict_pb2, regression_pb2
    from tensorflow_serving.apis import prediction_service_pb2_grpc
    SERVING_API = None
except ImportError as e:  # pragma: no cover - reported by the skip below
    SERVING_API = str(e)

MODELS = os.environ.get("TFSCOPE_SHARED_MODELS",
                        os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "testdata", "models"))
BIN = os.environ.get("TFSCOPE_BIN", "")
HP2 = os.path.join(MODELS, "serving_saved_model_half_plus_two_2_versions")
TF2 = os.path.join(MODELS, "serving_saved_model_half_plus_two_tf2_cpu")
TAXI = os.path.join(MODELS, "tfx_trainer_current_Format-Serving", "export", "chicago-taxi")
EX = [{"x": [1.0], "x2": [4.0]}, {"x": [2.0]}, {"x": [5.0], "x2": [-2.5]}]
TAXI_EX = [
    {"company": ["Taxi Affiliation Services"], "dropoff_census_tract": [17031081500], "dropoff_community_area": [8],
     "dropoff_latitude": [41.89], "dropoff_longitude": [-87.63], "fare": [12.5], "payment_type": ["Credit Card"],
     "pickup_census_tract": [17031839100], "pickup_community_area": [32], "pickup_latitude": [41.88],
     "pickup_longitude": [-87.62], "trip_miles": [2.3], "trip_seconds": [720], "trip_start_day": [3],
     "trip_start_hour": [14], "trip_start_month": [6], "trip_start_timestamp": [1400269500]},
    {"company": ["Flash Cab"], "fare": [40.0], "payment_type": ["Cash"], "trip_miles": [15.0], "trip_start_hour": [2],
     "trip_start_day": [7], "trip_start_month": [12], "pickup_latitude": [41.97], "pickup_longitude": [-87.9]},
]


def skip_reason():
    if not BIN:
        return "TFSCOPE_BIN is not set"
    if SERVING_API:
        if os.environ.get("CI"):
            raise RuntimeError("tensorflow-serving-api is missing from the oracle venv: " + SERVING_API)
        return "tensorflow-serving-api is not installed in the oracle venv (scripts/setup.sh --oracle): " + SERVING_API
    if not os.path.isdir(MODELS):
        return "the shared models are missing: " + MODELS
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def example(d):
    """A tf.train.Example from {"key": [values]} (floats, ints or strings, as the JSON form)."""
    ex = tf.train.Example()
    for k, vals in d.items():
        f = ex.features.feature[k]
        if isinstance(vals[0], str):
            f.bytes_list.value.extend(v.encode() for v in vals)
        elif any(isinstance(v, float) for v in vals):
            f.float_list.value.extend(vals)
        else:
            f.int64_list.value.extend(vals)
    return ex


class Server:
    """`tfscope serve` on free loopback ports; stops on exit (SIGTERM, then kill after 20 s)."""

    def __init__(self, *args, poll=1, extra=()):
        self.grpc_port, self.rest_port = free_port(), free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="tfscope_serve_", suffix=".log", delete=False)
        cmd = [BIN, "serve", "--port", str(self.grpc_port), "--rest_api_port", str(self.rest_port),
               "--file_system_poll_wait_seconds", str(poll), "--verbose", *args, *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 120
        while time.time() < deadline:
            if "tfscope serve: ready" in self.stderr():
                break
            if self.proc.poll() is not None:
                raise RuntimeError("tfscope serve exited with %d:\n%s" % (self.proc.returncode, self.stderr()))
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("tfscope serve did not get ready in 120 s:\n" + self.stderr())
        self.channel = grpc.insecure_channel("127.0.0.1:%d" % self.grpc_port)
        self.stub = prediction_service_pb2_grpc.PredictionServiceStub(self.channel)

    def stderr(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def model_status(self, request):
        """ModelService.GetModelStatus with TF Serving's messages (the package's model_service_pb2
        does not import under upb protobuf, so the method is called by its path)."""
        call = self.channel.unary_unary("/tensorflow.serving.ModelService/GetModelStatus",
                                        request_serializer=get_model_status_pb2.GetModelStatusRequest.SerializeToString,
                                        response_deserializer=get_model_status_pb2.GetModelStatusResponse.FromString)
        return call(request, timeout=30)

    def rest(self, method, path, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.rest_port, path), data=data, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if hasattr(self, "channel"):
            self.channel.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        os.unlink(self.log.name)


K = {}  # id(reference array) -> the reduction length behind it (tolerance.py)


def tf1_run(export_dir, signature, feeds):
    """Runs a signature with TensorFlow's TF1 loader (what TF Serving does); feeds by input key.
    Returns ({output key: value}, the MetaGraphDef); close() finds each value's reduction length."""
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:
        mg = tf.compat.v1.saved_model.load(sess, ["serve"], export_dir)
        sig = mg.signature_def[signature]
        keys = sorted(sig.outputs)
        vals = sess.run([sig.outputs[k].name for k in keys], {sig.inputs[k].name: v for k, v in feeds.items()})
        ks = tolerance.signature_reduction_lengths(sess.graph, sig)
        for k, v in zip(keys, vals):
            K[id(v)] = ks.get(k, 1)
        return dict(zip(keys, vals)), mg


def close(test, got, want, k=None):
    """The oracle's one float rule (tolerance.py), K from tf1_run when `want` came from it."""
    want_k = k if k is not None else K.get(id(want), 1)
    tolerance.assert_close(test, np.asarray(got, np.float32), np.asarray(want), "float32", want_k)


class ServeHalfPlusTwo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = skip_reason()
        if reason:
            raise unittest.SkipTest(reason)
        cls.server = Server("--model_name", "half_plus_two", "--model_base_path", HP2)
        cls.v124 = os.path.join(HP2, "00000124")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        os.unlink(cls.server.log.name)
        assert code == 0, "tfscope serve exited with %s on SIGTERM" % code

    def test_rest_predict_row_and_columnar(self):
        code, body = self.server.rest("POST", "/v1/models/half_plus_two:predict", {"instances": [1.0, 2.0, 5.0]})
        self.assertEqual(code, 200)
        self.assertEqual(body, {"predictions": [2.5, 3.0, 4.5]})  # TF Serving's documented example
        want, _ = tf1_run(self.v124, "serving_default", {"x": [[1.0], [2.0], [5.0]]})
        code, body = self.server.rest("POST", "/v1/models/half_plus_two/versions/124:predict",
                                      {"signature_name": "serving_default", "inputs": {"x": [[1.0], [2.0], [5.0]]}})
        self.assertEqual(code, 200)
        self.assertEqual(list(body), ["outputs"])
        close(self, body["outputs"], want["y"])
        code, body = self.server.rest("POST", "/v1/models/half_plus_two:predict",
                                      {"signature_name": "regress_x2_to_y3", "instances": [[1.0], [3.0]]})
        want, _ = tf1_run(self.v124, "regress_x2_to_y3", {"inputs": [[1.0], [3.0]]})
        close(self, body["predictions"], want["outputs"])

    def test_rest_classify_regress(self):
        ser = [example(e).SerializeToString() for e in EX]
        for sig, verb in (("classify_x_to_y", "classify"), ("regress_x_to_y", "regress"), ("regress_x_to_y2", "regress")):
            want, _ = tf1_run(self.v124, sig, {"inputs": ser})
            code, body = self.server.rest("POST", "/v1/models/half_plus_two:" + verb, {"signature_name": sig, "examples": EX})
            self.assertEqual(code, 200, body)
            if verb == "classify":
                # [[[label, score], ...] per example]; this signature has scores only, so labels are "".
                self.assertEqual([[c[0] for c in r] for r in body["result"]], [[""]] * 3)
                close(self, [[c[1] for c in r] for r in body["result"]], want["scores"])
            else:
                close(self, body["result"], np.reshape(want["outputs"], [-1]))
        # `context` features are merged into each example.
        code, body = self.server.rest("POST", "/v1/models/half_plus_two:regress",
                                      {"signature_name": "regress_x_to_y", "context": {"x": 7.0}, "examples": [{}, {"x": 1.0}]})
        self.assertEqual(body, {"result": [5.5, 2.5]})

    def test_grpc_predict_classify_regress_multi(self):
        req = predict_pb2.PredictRequest()
        req.model_spec.name = "half_plus_two"
        req.inputs["x"].CopyFrom(tf.make_tensor_proto(np.array([[1.0], [2.0], [5.0]], np.float32)))
        resp = self.server.stub.Predict(req, timeout=30)
        self.assertEqual(resp.model_spec.name, "half_plus_two")
        self.assertEqual(resp.model_spec.version.value, 124)
        self.assertEqual(resp.model_spec.signature_name, "serving_default")
        want, _ = tf1_run(self.v124, "serving_default", {"x": [[1.0], [2.0], [5.0]]})
        close(self, tf.make_ndarray(resp.outputs["y"]), want["y"])

        ser = [example(e).SerializeToString() for e in EX]
        creq = classification_pb2.ClassificationRequest()
        creq.model_spec.name = "half_plus_two"
        creq.model_spec.signature_name = "classify_x_to_y"
        creq.input.example_list.examples.extend(example(e) for e in EX)
        cresp = self.server.stub.Classify(creq, timeout=30)
        want, _ = tf1_run(self.v124, "classify_x_to_y", {"inputs": ser})
        close(self, [[c.score for c in r.classes] for r in cresp.result.classifications], want["scores"])

        rreq = regression_pb2.RegressionRequest()
        rreq.model_spec.name = "half_plus_two"
        rreq.model_spec.signature_name = "regress_x_to_y2"
        ctx = rreq.input.example_list_with_context
        ctx.context.CopyFrom(example({"x": [3.0]}))
        ctx.examples.extend([example({}), example({"x": [1.0]})])
        rresp = self.server.stub.Regress(rreq, timeout=30)
        want, _ = tf1_run(self.v124, "regress_x_to_y2", {"inputs": [ctx.context.SerializeToString() + e.SerializeToString()
                                                                     for e in ctx.examples]})
        close(self, [r.value for r in rresp.result.regressions], np.reshape(want["outputs"], [-1]))

        mreq = inference_pb2.MultiInferenceRequest()
        for sig, method in (("classify_x_to_y", "classify"), ("regress_x_to_y", "regress")):
            t = mreq.tasks.add()
            t.model_spec.name = "half_plus_two"
            t.model_spec.signature_name = sig
            t.method_name = "tensorflow/serving/" + method
        mreq.input.example_list.examples.extend(example(e) for e in EX)
        mresp = self.server.stub.MultiInference(mreq, timeout=30)
        self.assertEqual(len(mresp.results), 2)
        want, _ = tf1_run(self.v124, "regress_x_to_y", {"inputs": ser})
        close(self, [r.value for r in mresp.results[1].regression_result.regressions], np.reshape(want["outputs"], [-1]))

    def test_metadata_and_status(self):
        _, mg = tf1_run(self.v124, "serving_default", {"x": [[1.0]]})
        req = get_model_metadata_pb2.GetModelMetadataRequest()
        req.model_spec.name = "half_plus_two"
        req.metadata_field.append("signature_def")
        resp = self.server.stub.GetModelMetadata(req, timeout=30)
        self.assertEqual(resp.model_spec.version.value, 124)
        sigs = get_model_metadata_pb2.SignatureDefMap()
        self.assertTrue(resp.metadata["signature_def"].Unpack(sigs))
        self.assertEqual(dict(sigs.signature_def), dict(mg.signature_def))  # proto-equal to the SavedModel's

        code, body = self.server.rest("GET", "/v1/models/half_plus_two/metadata")
        self.assertEqual(code, 200)
        self.assertEqual(body["model_spec"], {"name": "half_plus_two", "signature_name": "", "version": "124"})
        sd = body["metadata"]["signature_def"]["signature_def"]
        self.assertEqual(sorted(sd), sorted(mg.signature_def))
        self.assertEqual(sd["serving_default"]["inputs"]["x"]["dtype"], "DT_FLOAT")
        self.assertEqual(sd["serving_default"]["inputs"]["x"]["name"], mg.signature_def["serving_default"].inputs["x"].name)

        sreq = get_model_status_pb2.GetModelStatusRequest()
        sreq.model_spec.name = "half_plus_two"
        sresp = self.server.model_status(sreq)
        self.assertEqual([(s.version, s.state, s.status.error_code) for s in sresp.model_version_status],
                         [(124, get_model_status_pb2.ModelVersionStatus.AVAILABLE, 0)])
        code, body = self.server.rest("GET", "/v1/models/half_plus_two")
        self.assertEqual(body, {"model_version_status": [
            {"version": "124", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]})

    def test_faults_keep_serving(self):
        s = self.server
        cases = [
            (b'{"instances": [1.0, 2.0', 400, "JSON Parse error"),
            (b'{"instances": ["a"]}', 400, "expects float32 values"),
            (b'{"signature_name": "nope", "instances": [1.0]}', 400, "Serving signature key 'nope' not found."),
            (b'{"instances": [[1.0], [2.0, 3.0]]}', 400, "not rectangular"),
            (b'[1.0]', 400, "must be a JSON object"),
        ]
        for raw, code, text in cases:
            got, body = s.rest("POST", "/v1/models/half_plus_two:predict", raw=raw)
            self.assertEqual(got, code, raw)
            self.assertIn(text, body["error"])
        got, body = s.rest("POST", "/v1/models/nope:predict", {"instances": [1.0]})
        self.assertEqual((got, body), (404, {"error": "Servable not found for request: Latest(nope)"}))
        got, body = s.rest("GET", "/v1/models/half_plus_two/versions/9")
        self.assertEqual(got, 404)
        got, body = s.rest("GET", "/v1/nothing")
        self.assertEqual(got, 404)
        # gRPC: unknown model, wrong dtype, unknown signature.
        req = predict_pb2.PredictRequest()
        req.model_spec.name = "nope"
        with self.assertRaises(grpc.RpcError) as e:
            s.stub.Predict(req, timeout=30)
        self.assertEqual(e.exception.code(), grpc.StatusCode.NOT_FOUND)
        req.model_spec.name = "half_plus_two"
        req.inputs["x"].CopyFrom(tf.make_tensor_proto(np.array([["a"]])))
        with self.assertRaises(grpc.RpcError) as e:
            s.stub.Predict(req, timeout=30)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        req.model_spec.signature_name = "nope"
        with self.assertRaises(grpc.RpcError) as e:
            s.stub.Predict(req, timeout=30)
        self.assertEqual(e.exception.code(), grpc.StatusCode.FAILED_PRECONDITION)
        # A client that sends half a request and goes away.
        with socket.create_connection(("127.0.0.1", s.rest_port), timeout=10) as c:
            c.sendall(b"POST /v1/models/half_plus_two:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"inst")
        # Still serving.
        self.assertEqual(s.rest("POST", "/v1/models/half_plus_two:predict", {"instances": [1.0]}), (200, {"predictions": [2.5]}))
        self.assertIsNone(s.proc.poll())


class ServeOtherModels(unittest.TestCase):
    def setUp(self):
        reason = skip_reason()
        if reason:
            self.skipTest(reason)

    def test_tf2_half_plus_two(self):
        loaded = tf.saved_model.load(os.path.join(TF2, "00000123"))
        want = loaded.signatures["serving_default"](x=tf.constant([1.0, 4.0]))
        with Server("--model_name", "tf2", "--model_base_path", TF2) as s:
            code, body = s.rest("POST", "/v1/models/tf2:predict", {"instances": [1.0, 4.0]})
            self.assertEqual(code, 200, body)
            (key, value), = want.items()
            close(self, body["predictions"], value.numpy())
            req = predict_pb2.PredictRequest()
            req.model_spec.name = "tf2"
            req.inputs["x"].CopyFrom(tf.make_tensor_proto(np.array([1.0, 4.0], np.float32)))
            resp = s.stub.Predict(req, timeout=30)
            close(self, tf.make_ndarray(resp.outputs[key]), value.numpy())
            self.assertEqual(s.stop(), 0)

    def test_tfx_estimator_classify(self):
        version = os.listdir(TAXI)[0]
        ser = [example(e).SerializeToString() for e in TAXI_EX]
        want, _ = tf1_run(os.path.join(TAXI, version), "classification", {"inputs": ser})
        with Server("--model_name", "taxi", "--model_base_path", TAXI) as s:
            req = classification_pb2.ClassificationRequest()
            req.model_spec.name = "taxi"
            req.model_spec.signature_name = "classification"
            req.input.example_list.examples.extend(example(e) for e in TAXI_EX)
            resp = s.stub.Classify(req, timeout=60)
            self.assertEqual([[c.label for c in r.classes] for r in resp.result.classifications],
                             [[b.decode() for b in row] for row in want["classes"]])
            close(self, [[c.score for c in r.classes] for r in resp.result.classifications], want["scores"])
            code, body = s.rest("POST", "/v1/models/taxi:classify", {"signature_name": "classification", "examples": TAXI_EX})
            self.assertEqual(code, 200, body)
            close(self, [[c[1] for c in r] for r in body["result"]], want["scores"])


class ServeVersions(unittest.TestCase):
    def setUp(self):
        reason = skip_reason()
        if reason:
            self.skipTest(reason)
        self.tmp = tempfile.mkdtemp(prefix="tfscope_serve_versions_")
        self.base = os.path.join(self.tmp, "hp2")
        os.makedirs(self.base)
        shutil.copytree(os.path.join(HP2, "00000123"), os.path.join(self.base, "123"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def wait_for(self, s, pred, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            code, body = s.rest("GET", "/v1/models/hp2")
            if pred(body):
                return body
            time.sleep(0.2)
        self.fail("timed out waiting for %s; status %s\n%s" % (what, body, s.stderr()))

    def states(self, body):
        return {int(v["version"]): v["state"] for v in body.get("model_version_status", [])}

    def served_version(self, s):
        req = predict_pb2.PredictRequest()
        req.model_spec.name = "hp2"
        req.inputs["x"].CopyFrom(tf.make_tensor_proto(np.array([[2.0]], np.float32)))
        resp = s.stub.Predict(req, timeout=30)
        close(self, tf.make_ndarray(resp.outputs["y"]), [[3.0]])
        return resp.model_spec.version.value

    def test_add_break_remove_versions(self):
        with Server("--model_name", "hp2", "--model_base_path", self.base) as s:
            self.assertEqual(self.served_version(s), 123)
            # A half-written version: saved_model.pb there, variables/ without its index yet.
            half = os.path.join(self.base, "200")
            os.makedirs(os.path.join(half, "variables"))
            shutil.copy(os.path.join(HP2, "00000124", "saved_model.pb"), half)
            # A corrupt version next to the good ones.
            bad = os.path.join(self.base, "150")
            os.makedirs(bad)
            with open(os.path.join(bad, "saved_model.pb"), "wb") as f:
                f.write(b"\x08\xff\xff not a SavedModel")
            body = self.wait_for(s, lambda b: self.states(b).get(150) == "END", "the corrupt version to fail")
            err = [v for v in body["model_version_status"] if v["version"] == "150"][0]["status"]
            self.assertNotEqual(err["error_code"], "OK")
            self.assertIn("saved_model.pb", err["error_message"])
            time.sleep(2.5)  # two more polls: the half-written version must still not load
            self.assertNotIn(200, self.states(s.rest("GET", "/v1/models/hp2")[1]))
            self.assertEqual(self.served_version(s), 123)
            # A new complete version starts serving.
            shutil.copytree(os.path.join(HP2, "00000124"), os.path.join(self.base, "124"))
            self.wait_for(s, lambda b: self.states(b).get(124) == "AVAILABLE", "version 124")
            self.assertEqual(self.served_version(s), 124)
            self.assertEqual(self.states(s.rest("GET", "/v1/models/hp2")[1]).get(123), "END")
            # Finishing the half-written one makes it load (it is the highest now).
            shutil.rmtree(half)
            shutil.copytree(os.path.join(HP2, "00000124"), half)
            self.wait_for(s, lambda b: self.states(b).get(200) == "AVAILABLE", "version 200")
            # Removing it falls back to 124.
            shutil.rmtree(half)
            self.wait_for(s, lambda b: self.states(b).get(124) == "AVAILABLE" and self.states(b).get(200) == "END", "fallback to 124")
            self.assertEqual(self.served_version(s), 124)
            self.assertIsNone(s.proc.poll())
            self.assertEqual(s.stop(), 0)

    def test_config_file_policy_and_labels(self):
        shutil.copytree(os.path.join(HP2, "00000124"), os.path.join(self.base, "124"))
        cfg = os.path.join(self.tmp, "models.config")
        with open(cfg, "w") as f:
            f.write('model_config_list { config { name: "hp2" base_path: "%s" model_platform: "tensorflow"\n'
                    '  model_version_policy { specific { versions: 123 versions: 124 } }\n'
                    '  version_labels { key: "stable" value: 123 } version_labels { key: "canary" value: 124 } } }\n' % self.base)
        with Server("--model_config_file", cfg) as s:
            body = s.rest("GET", "/v1/models/hp2")[1]
            self.assertEqual(self.states(body), {123: "AVAILABLE", 124: "AVAILABLE"})
            code, body = s.rest("POST", "/v1/models/hp2/labels/stable:predict", {"instances": [[1.0]]})
            self.assertEqual((code, body), (200, {"predictions": [[2.5]]}))
            req = predict_pb2.PredictRequest()
            req.model_spec.name = "hp2"
            req.model_spec.version_label = "stable"
            req.inputs["x"].CopyFrom(tf.make_tensor_proto(np.array([[1.0]], np.float32)))
            self.assertEqual(s.stub.Predict(req, timeout=30).model_spec.version.value, 123)
            req.model_spec.version_label = "canary"
            self.assertEqual(s.stub.Predict(req, timeout=30).model_spec.version.value, 124)
            # ModelService/HandleReloadConfigRequest: serve 124 only, under another label.
            from tensorflow_serving.apis import model_management_pb2
            reload = model_management_pb2.ReloadConfigRequest()
            c = reload.config.model_config_list.config.add()
            c.name, c.base_path = "hp2", self.base
            c.model_version_policy.specific.versions.append(124)
            c.version_labels["only"] = 124
            call = s.channel.unary_unary("/tensorflow.serving.ModelService/HandleReloadConfigRequest",
                                         request_serializer=model_management_pb2.ReloadConfigRequest.SerializeToString,
                                         response_deserializer=model_management_pb2.ReloadConfigResponse.FromString)
            self.assertEqual(call(reload, timeout=60).status.error_code, 0)
            self.assertEqual(self.states(s.rest("GET", "/v1/models/hp2")[1]), {123: "END", 124: "AVAILABLE"})
            self.assertEqual(s.rest("POST", "/v1/models/hp2/labels/only:predict", {"instances": [[1.0]]}),
                             (200, {"predictions": [[2.5]]}))
            self.assertEqual(s.rest("POST", "/v1/models/hp2/labels/stable:predict", {"instances": [[1.0]]})[0], 400)

    def test_oversized_body(self):
        with Server("--model_name", "hp2", "--model_base_path", self.base, extra=("--max_request_bytes", "1000")) as s:
            code, body = s.rest("POST", "/v1/models/hp2:predict", {"instances": [[1.0]] * 500})
            self.assertEqual(code, 413)
            self.assertIn("above the limit of 1000 bytes", body["error"])
            req = predict_pb2.PredictRequest()
            req.model_spec.name = "hp2"
            req.inputs["x"].CopyFrom(tf.make_tensor_proto(np.ones([500, 1], np.float32)))
            with self.assertRaises(grpc.RpcError) as e:
                s.stub.Predict(req, timeout=30)
            self.assertEqual(e.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
            self.assertEqual(s.rest("POST", "/v1/models/hp2:predict", {"instances": [[1.0]]}), (200, {"predictions": [[2.5]]}))


if __name__ == "__main__":
    unittest.main()
