"""Regenerates the kernel cases live with TensorFlow and checks that the committed
tests/data/kernels/cases.json still matches (same cases, same inputs, same TF outputs), so CI
proves the C++ oracle test (tests/model/tst_kernels_oracle.cpp) against TF itself."""
import json
import math
import os
import unittest

import make_kernel_cases

HERE = os.path.dirname(os.path.abspath(__file__))
COMMITTED = os.path.join(HERE, "..", "data", "kernels", "cases.json")


def close(a, b):
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-7)
    return a == b


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
                self.assertEqual("error" in old, "error" in live)
                self.assertTrue(close(old["inputs"], live["inputs"]))
                if "outputs" in live:
                    checked = live.get("check_outputs", len(live["outputs"]))  # the rest is scratch memory in TF
                    for o, l in list(zip(old["outputs"], live["outputs"]))[:checked]:
                        self.assertEqual((o["dtype"], o["shape"]), (l["dtype"], l["shape"]))
                        self.assertTrue(close(o["values"], l["values"]), f"{name}: values differ")


if __name__ == "__main__":
    unittest.main()
