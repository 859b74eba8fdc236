"""Oracle: tfscope's readers against what TensorFlow itself reports, live.

- `tfscope ckpt PREFIX --json --all_tensors` vs tf.train.load_checkpoint(PREFIX): formats, shard
  counts, key set and order, dtypes, shapes, every value (exact after rounding to the dtype).
- `tfscope show DIR --json` vs the SavedModel proto parsed with TensorFlow's own protos: tags,
  signature keys, method names, input/output names, dtypes and shapes, the files under assets/, and
  the variables' checkpoint keys against the variables bundle.
- The committed tests/data/*/expected.json are what TensorFlow reports today.
"""

import json
import os
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import oracle_cases as oc  # noqa: E402
import tf_facts  # noqa: E402

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def first_difference(a, b, path="$"):
    """Path and values of the first difference between two JSON values, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return "%s.%s: %s vs %s" % (path, k, _brief(a.get(k, "<missing>")),
                                             _brief(b.get(k, "<missing>")))
            d = first_difference(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "%s: length %d vs %d" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    if a != b or type(a) is not type(b):
        return "%s: %s vs %s" % (path, _brief(a), _brief(b))
    return None


def _brief(v):
    s = json.dumps(v) if not isinstance(v, str) or v != "<missing>" else v
    return s if len(s) <= 160 else s[:157] + "..."


class TestCkptMatchesTensorFlow(unittest.TestCase):
    """tfscope ckpt --json --all_tensors == tf.train.load_checkpoint, key by key."""

    def check(self, prefix):
        try:
            tf_ckpt = tf_facts.checkpoint_facts(prefix)
        except Exception as e:  # noqa: BLE001 (any TF failure means there is no oracle)
            self.skipTest("TensorFlow itself cannot read %s (%s: %s); nothing to compare"
                          % (prefix, type(e).__name__, str(e).splitlines()[0][:200]))
        got = oc.run_tfscope_json(self, ["ckpt", prefix, "--json", "--all_tensors"])
        self.assertEqual(got.get("format"), tf_ckpt["format"], "format of %s" % prefix)
        if tf_ckpt["format"] == "V2":
            self.assertEqual(got.get("num_shards"), tf_ckpt["num_shards"], "num_shards of %s" % prefix)
        names = [t.get("name") for t in got.get("tensors", [])]
        self.assertEqual(names, sorted(names, key=lambda n: n.encode("utf-8")),
                         "tensors are not sorted by name (bytewise)")
        want = {t["name"]: t for t in tf_ckpt["tensors"]}
        missing = sorted(set(want) - set(names))
        extra = sorted(set(names) - set(want))
        self.assertFalse(missing or extra, "keys differ from TF: missing %s, extra %s" % (missing, extra))
        self.assertEqual(len(names), len(set(names)), "duplicate keys in %s" % names)
        for t in got["tensors"]:
            self.check_tensor(t, want[t["name"]])
        self.assertEqual(got.get("total_params"), tf_ckpt["total_params"], "total_params")

    def check_tensor(self, got, want):
        key = want["name"]
        self.assertEqual(got.get("dtype"), want["dtype"], "key '%s': dtype" % key)
        self.assertEqual(got.get("shape"), want["shape"], "key '%s': shape" % key)
        self.assertIn("value", got, "key '%s': no value with --all_tensors" % key)
        try:
            actual = tf_facts.decode_value(got["value"], want["shape"], want["dtype"])
        except ValueError as e:
            self.fail("key '%s': %s" % (key, e))
        expected = tf_facts.decode_value(want["value"], want["shape"], want["dtype"])
        i = tf_facts.first_mismatch(expected, actual, want["dtype"])
        if i is not None:
            self.fail("key '%s' element %d (flat): tfscope %r != TF %r" % (key, i, actual[i], expected[i]))


class TestShowMatchesTensorFlow(unittest.TestCase):
    """tfscope show --json == the SavedModel proto as TensorFlow parses it."""

    def check(self, export_dir):
        try:
            want = tf_facts.saved_model_facts(export_dir, with_values=False)
        except Exception as e:  # noqa: BLE001 (any TF failure means there is no oracle)
            self.skipTest("TensorFlow itself cannot parse %s (%s: %s); nothing to compare"
                          % (export_dir, type(e).__name__, str(e).splitlines()[0][:200]))
        got = oc.run_tfscope_json(self, ["show", export_dir, "--json"])
        self.assertEqual(got.get("format"), "saved_model")
        metas = got.get("meta_graphs", [])
        self.assertEqual([m.get("tags") for m in metas], [m["tags"] for m in want["meta_graphs"]],
                         "MetaGraphDef tag sets (file order)")
        for g, w in zip(metas, want["meta_graphs"]):
            sigs = g.get("signatures", {})
            self.assertEqual(sorted(sigs), sorted(w["signatures"]), "signature keys of tags %s" % w["tags"])
            for key, wsig in w["signatures"].items():
                gsig = {k: sigs[key].get(k) for k in ("method_name", "inputs", "outputs")}
                diff = first_difference(gsig, wsig)
                self.assertIsNone(diff, "tags %s signature '%s' (tfscope vs TF): %s" % (w["tags"], key, diff))
        self.check_assets(export_dir, got.get("assets", []))
        self.check_variables(got.get("variables", []), want["variables"])

    def check_assets(self, export_dir, got):
        """tfscope lists the files under assets/ (its loader's meaning of "assets"). The assets the
        graph declares (asset_file_def / saved_model_assets) can differ: a declared file may be
        missing on disk (serving ..._with_saved_model_config), so they are not compared."""
        root = os.path.join(export_dir, "assets")
        on_disk = sorted(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
                         for d, _, files in os.walk(root) for f in files)
        self.assertEqual(sorted(got), on_disk, "files under assets/")

    def check_variables(self, got_vars, bundle):
        if bundle is None:
            return
        keys = {t["name"]: t for t in bundle["tensors"]}
        for v in got_vars:
            key = v.get("checkpoint_key")
            if key is None:
                continue  # a variable without a bundle entry (e.g. not saved)
            self.assertIn(key, keys, "variable '%s': checkpoint_key '%s' not in the bundle" % (v.get("name"), key))
            self.assertEqual(v.get("dtype"), keys[key]["dtype"], "variable '%s': dtype" % key)
            self.assertEqual(v.get("shape"), keys[key]["shape"], "variable '%s': shape" % key)
        if set(keys) - {OBJECT_GRAPH_KEY}:
            self.assertTrue(got_vars, "the bundle holds variables but tfscope lists none")


class TestCommittedExpectationsAreCurrent(unittest.TestCase):
    """tests/data/*/expected.json (and resources/demo) == what TensorFlow reports now."""

    def check(self, fixture_dir):
        with open(os.path.join(fixture_dir, "expected.json"), encoding="utf-8") as f:
            committed = json.load(f)
        if "checkpoints" in committed:
            fresh = {"checkpoints": {rel: tf_facts.checkpoint_facts(os.path.join(fixture_dir, rel))
                                     for rel in committed["checkpoints"]}}
        else:
            with_values = committed.get("variables") is None or any(
                "value" in t for t in committed["variables"]["tensors"])
            fresh = tf_facts.saved_model_facts(fixture_dir, with_values=with_values)
        diff = first_difference(fresh, committed)
        self.assertIsNone(diff, "%s/expected.json is stale (TF now vs committed): %s; rerun "
                                "tests/oracle/make_fixtures.py" % (fixture_dir, diff))


oc.add_shared_models_check(TestCkptMatchesTensorFlow)
oc.add_cases(TestCkptMatchesTensorFlow, "ckpt_all_tensors_matches_tf", oc.checkpoint_cases(),
             lambda p: lambda self: self.check(p))
oc.add_cases(TestShowMatchesTensorFlow, "show_signatures_match_tf_proto", oc.saved_model_cases(),
             lambda d: lambda self: self.check(d))
oc.add_cases(TestCommittedExpectationsAreCurrent, "expected_json_matches_tf",
             [(oc.slug("fixture", d, d.parent), str(d)) for d in oc.fixture_dirs()],
             lambda d: lambda self: self.check(d))

if __name__ == "__main__":
    unittest.main()
