"""Oracle: every committed expected_outputs.json (tests/data/*, resources/demo) is what TensorFlow
computes now. Each case is re-run live through TensorFlow's TF1-style loader (the same load path
tfscope's executor mirrors: restore, init op, then feed the signature inputs) and compared with
the stored outputs (floats by tolerance.py's rule, K summed over the ops behind each output;
everything else exactly)."""

import json
import os
import sys
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import oracle_cases as oc  # noqa: E402
import tf_facts  # noqa: E402
import tolerance  # noqa: E402
import tensorflow as tf  # noqa: E402

tf1 = tf.compat.v1


def to_numpy(t):
    flat = tf_facts.decode_value(t["value"], t["shape"], t["dtype"])
    dt = t["dtype"]
    if dt == "DT_STRING":
        return np.array(flat, dtype=object).reshape(t["shape"])
    np_type = tf.dtypes.as_dtype(tf_facts.types_pb2.DataType.Value(dt)).as_numpy_dtype
    return np.array(flat, dtype=np_type).reshape(t["shape"])


def run_case(export_dir, case, ks=None):
    """Outputs of one signature call as {key: numpy array}, via the TF1 loader; fills `ks` (a dict)
    with each output's reduction length K (tolerance.graph_reduction_length)."""
    g = tf.Graph()
    with tf1.Session(graph=g) as sess:
        mg = tf1.saved_model.loader.load(sess, case["tags"], export_dir)
        sig = mg.signature_def[case["signature"]]
        feeds = {sig.inputs[k].name: to_numpy(v) for k, v in case["inputs"].items()}
        keys = sorted(case["outputs"])
        values = sess.run([sig.outputs[k].name for k in keys], feed_dict=feeds)
        if ks is not None:
            ks.update(tolerance.signature_reduction_lengths(g, sig))
    return dict(zip(keys, values))


class TestExpectedOutputsMatchTensorFlow(unittest.TestCase):
    def check(self, export_dir):
        with open(os.path.join(export_dir, "expected_outputs.json"), encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        self.assertTrue(cases, "no cases")
        for case in cases:
            where = "%s tags %s signature '%s'" % (export_dir, case["tags"], case["signature"])
            ks = {}
            got = run_case(export_dir, case, ks)
            for key, want in case["outputs"].items():
                value = np.asarray(got[key])
                self.assertEqual(list(value.shape), want["shape"], "%s output '%s': shape" % (where, key))
                expected = to_numpy(want)
                tolerance.assert_close(self, value, expected, want["dtype"], ks.get(key, 1),
                                       "%s output '%s' (TF now vs committed)" % (where, key))


oc.add_cases(TestExpectedOutputsMatchTensorFlow, "expected_outputs_match_tf",
             [(oc.slug("fixture", d, d.parent), str(d)) for d in oc.fixture_dirs()
              if (d / "expected_outputs.json").exists()],
             lambda d: lambda self: self.check(d))

if __name__ == "__main__":
    unittest.main()
