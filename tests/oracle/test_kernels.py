"""Regenerates the kernel cases live with TensorFlow and checks that the committed
tests/data/kernels/cases.json still matches (same cases, same inputs, same TF outputs within
tolerance.py's rule, K from the case), so CI proves the C++ oracle test
(tests/model/tst_kernels_oracle.cpp) against TF itself."""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_kernel_cases  # noqa: E402
import tolerance  # noqa: E402

COMMITTED = os.path.join(HERE, "..", "data", "kernels", "cases.json")


def decode(tensor):
    """A case tensor's values as a flat list (floats as Python floats, complex as complex)."""
    def one(v):
        if isinstance(v, str) and tolerance.float_kind(tensor["dtype"]):
            return float(v)  # "nan", "inf", "-inf"
        if isinstance(v, list):
            return complex(one(v[0]), one(v[1]))
        return v
    return [one(v) for v in tensor["values"]]


class TestKernelCases(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(COMMITTED) as f:
            cls.committed = {c["name"]: c for c in json.load(f)}
        cls.live = {c["name"]: c for c in make_kernel_cases.cases()}

    def test_same_case_names(self):
        self.assertEqual(sorted(self.committed), sorted(self.live))

    def test_outputs_match_tensorflow(self):
        for name, live in self.live.items():
            with self.subTest(case=name):
                old = self.committed[name]
                self.assertEqual(old["node_def"], live["node_def"])
                self.assertEqual(old["inputs"], live["inputs"])  # fixed seeds: exactly the same inputs
                self.assertEqual(old.get("k", 1), live.get("k", 1))
                self.assertEqual("error" in old, "error" in live, old.get("error") or live.get("error"))
                if "outputs" in live:
                    checked = live.get("check_outputs", len(live["outputs"]))  # the rest is scratch memory in TF
                    self.assertEqual(old.get("check_outputs"), live.get("check_outputs"))
                    self.assertEqual(len(old["outputs"]), len(live["outputs"]))
                    for i, (o, l) in enumerate(list(zip(old["outputs"], live["outputs"]))[:checked]):
                        self.assertEqual((o["dtype"], o["shape"]), (l["dtype"], l["shape"]))
                        tolerance.assert_close(self, decode(l), decode(o), o["dtype"], live.get("k", 1),
                                               "%s output %d (TF now vs committed)" % (name, i))


if __name__ == "__main__":
    unittest.main()
