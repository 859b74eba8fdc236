"""Self-test of the oracle comparisons: they pass on TensorFlow's own answers (fake_tfscope.py)
and fail on each kind of deliberate error. Runs without the real tfscope binary."""

import json
import os
import stat
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import oracle_cases as oc  # noqa: E402
import test_readers  # noqa: E402
import tf_facts  # noqa: E402

DTYPES_PREFIX = str(oc.DATA / "dtypes" / "all_dtypes")
TF2_CKPT_PREFIX = str(oc.DATA / "tf2_ckpt" / "ckpt-2")
BUILDER = str(oc.DATA / "builder_multi")


def ckpt_doc(prefix):
    facts = tf_facts.checkpoint_facts(prefix)
    return {"path": os.path.abspath(prefix), "format": facts["format"], "num_shards": facts["num_shards"],
            "tensors": facts["tensors"], "total_params": facts["total_params"]}


def show_doc(export_dir):
    facts = tf_facts.saved_model_facts(export_dir, with_values=False)
    variables = [{"name": t["name"], "dtype": t["dtype"], "shape": t["shape"], "checkpoint_key": t["name"]}
                 for t in facts["variables"]["tensors"] if t["name"] != test_readers.OBJECT_GRAPH_KEY]
    return {"path": os.path.abspath(export_dir), "format": "saved_model",
            "meta_graphs": [dict(m, ops=[]) for m in facts["meta_graphs"]],
            "variables": variables, "assets": facts["assets"], "warnings": []}


_DOCS = {}


def docs_file(tmpdir):
    """Writes TensorFlow's answers for the self-test paths (computed once per process)."""
    if not _DOCS:
        for prefix in (DTYPES_PREFIX, TF2_CKPT_PREFIX):
            _DOCS[prefix] = ckpt_doc(prefix)
        _DOCS[BUILDER] = show_doc(BUILDER)
    path = os.path.join(tmpdir, "docs.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(_DOCS, f)
    return path


class FakeBinary:
    def __init__(self, mutate=""):
        self.mutate = mutate

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory()
        path = os.path.join(self.dir.name, "tfscope")
        with open(path, "w") as f:
            f.write('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (sys.executable, HERE / "fake_tfscope.py"))
        os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
        self.saved = {k: os.environ.get(k) for k in ("TFSCOPE_BIN", "FAKE_TFSCOPE_MUTATE", "FAKE_TFSCOPE_DOCS")}
        os.environ["TFSCOPE_BIN"] = path
        os.environ["FAKE_TFSCOPE_MUTATE"] = self.mutate
        os.environ["FAKE_TFSCOPE_DOCS"] = docs_file(self.dir.name)
        return self

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        self.dir.cleanup()


def outcome(case_cls, arg):
    """Runs case_cls.check(arg) as a test; returns 'pass', 'fail: <message>' or 'skip'."""
    class Probe(case_cls):
        def runTest(self):
            self.check(arg)
    result = unittest.TestResult()
    Probe().run(result)
    if result.failures:
        return "fail: " + result.failures[0][1].strip().splitlines()[-1]
    if result.errors:
        return "error: " + result.errors[0][1].strip().splitlines()[-1]
    return "skip" if result.skipped else "pass"


class TestOracleSelfTest(unittest.TestCase):
    def test_ckpt_oracle_passes_on_tensorflows_own_answers(self):
        with FakeBinary():
            for prefix in (DTYPES_PREFIX, TF2_CKPT_PREFIX):
                self.assertEqual(outcome(test_readers.TestCkptMatchesTensorFlow, prefix), "pass", prefix)

    def test_show_oracle_passes_on_tensorflows_own_answers(self):
        with FakeBinary():
            self.assertEqual(outcome(test_readers.TestShowMatchesTensorFlow, BUILDER), "pass")

    def test_ckpt_oracle_catches_each_deliberate_error(self):
        expect = {"float_value": "key 'float' element 0", "utf8_as_base64": "was base64-encoded",
                  "unsorted": "not sorted", "drop_key": "keys differ from TF",
                  "nan_as_null": "expected a number", "int_as_float": "expected a JSON integer"}
        for how, needle in expect.items():
            with self.subTest(mutation=how), FakeBinary(how):
                got = outcome(test_readers.TestCkptMatchesTensorFlow, DTYPES_PREFIX)
                self.assertTrue(got.startswith("fail:"), "%s: oracle did not fail (%s)" % (how, got))
                self.assertIn(needle, got, how)

    def test_show_oracle_catches_wrong_dtype_and_tag_order(self):
        for how, needle in {"sig_dtype": "dtype", "tags_order": "tag sets"}.items():
            with self.subTest(mutation=how), FakeBinary(how):
                got = outcome(test_readers.TestShowMatchesTensorFlow, BUILDER)
                self.assertTrue(got.startswith("fail:"), "%s: oracle did not fail (%s)" % (how, got))
                self.assertIn(needle, got, how)

    def test_failing_binary_fails(self):
        """Whatever a failing binary prints (even "not implemented"), the case fails, never skips."""
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "tfscope")
            old = os.environ.get("TFSCOPE_BIN")
            os.environ["TFSCOPE_BIN"] = path
            try:
                for message in ("'ckpt' is not implemented yet.", "Cannot open."):
                    with open(path, "w") as f:
                        f.write("#!/bin/sh\necho \"%s\" >&2\nexit 1\n" % message)
                    os.chmod(path, 0o755)
                    got = outcome(test_readers.TestCkptMatchesTensorFlow, DTYPES_PREFIX)
                    self.assertTrue(got.startswith("fail:"), "%s: %s" % (message, got))
            finally:
                if old is None:
                    os.environ.pop("TFSCOPE_BIN", None)
                else:
                    os.environ["TFSCOPE_BIN"] = old

if __name__ == "__main__":
    unittest.main()
