"""Unit test of the float comparison rule (tolerance.py) that every oracle test uses: it accepts the
same sums computed in another order and rejects real errors. No TensorFlow needed except for the
graph walk."""
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tolerance as T  # noqa: E402


def matmul_forward(a, b):
    """float32 a @ b, each dot product summed strictly left to right."""
    out = np.zeros((a.shape[0], b.shape[1]), np.float32)
    for k in range(a.shape[1]):
        out += np.outer(a[:, k], b[k, :]).astype(np.float32)
    return out


def matmul_backward(a, b):
    out = np.zeros((a.shape[0], b.shape[1]), np.float32)
    for k in reversed(range(a.shape[1])):
        out += np.outer(a[:, k], b[k, :]).astype(np.float32)
    return out


class TestCompareRule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rng = np.random.RandomState(1)
        cls.K = 1000
        cls.a = rng.uniform(-1, 1, (32, cls.K)).astype(np.float32)
        cls.b = rng.uniform(-1, 1, (cls.K, 16)).astype(np.float32)
        cls.ref = matmul_forward(cls.a, cls.b)
        cls.other = matmul_backward(cls.a, cls.b)

    def test_sum_in_another_order_passes(self):
        self.assertFalse(np.array_equal(self.ref, self.other), "the two orders should round differently")
        self.assertIsNone(T.compare(self.other, self.ref, "float32", self.K))
        exact = (self.a.astype(np.float64) @ self.b.astype(np.float64)).astype(np.float32)  # pairwise/BLAS order
        self.assertIsNone(T.compare(exact, self.ref, "float32", self.K))

    def test_elements_near_zero_pass_where_per_element_relative_fails(self):
        ref = np.array([10.0, 3e-7, -2.0], np.float32)
        got = np.array([10.0, 1e-6, -2.0], np.float32)  # rounding noise of a sum of terms of size ~10
        self.assertFalse(np.allclose(got, ref, rtol=1e-6, atol=1e-7))
        self.assertIsNone(T.compare(got, ref, "float32", 4))

    def test_single_wrong_element_fails(self):
        got = self.other.copy()
        got[3, 5] += 1e-3 * np.abs(self.ref).max()
        msg = T.compare(got, self.ref, "float32", self.K)
        self.assertIsNotNone(msg)
        self.assertTrue(msg.startswith("element %d:" % (3 * 16 + 5)), msg)

    def test_one_missing_term_fails(self):
        got = self.other.copy()
        got[0, 0] -= self.a[0, 7] * self.b[7, 0]  # a kernel that skips one of the K products
        self.assertIsNotNone(T.compare(got, self.ref, "float32", self.K))

    def test_nan_and_inf(self):
        self.assertIsNone(T.compare([np.nan, np.inf, -np.inf, 1.0], [np.nan, np.inf, -np.inf, 1.0], "float32"))
        self.assertIn("element 0", T.compare([np.nan, 1.0], [1.0, 1.0], "float32"))
        self.assertIn("element 1", T.compare([1.0, 1.0], [1.0, np.nan], "float32"))
        self.assertIn("element 0", T.compare([np.inf], [-np.inf], "float32"))
        self.assertIn("element 0", T.compare([3e38], [np.inf], "float32"))

    def test_tolerance_scales_with_magnitude(self):
        for scale in (1e-30, 1e-5, 1.0, 1e5, 1e30):
            ref, other = self.ref.astype(np.float64) * scale, self.other.astype(np.float64) * scale
            self.assertIsNone(T.compare(other, ref, "float32", self.K), scale)
            wrong = other.copy()
            wrong[1, 1] += 1e-3 * np.abs(ref).max()
            self.assertIsNotNone(T.compare(wrong, ref, "float32", self.K), scale)

    def test_tolerance_grows_with_sqrt_k_and_dtype_eps(self):
        self.assertAlmostEqual(T.tolerance("float32", 100, 2.0) - T.TINY["float32"], 10 * T.ULPS * 2.0 ** -23 * 2.0)
        self.assertAlmostEqual(T.tolerance("DT_HALF", 1, 1.0) - T.TINY["float16"], T.ULPS * 2.0 ** -10)
        self.assertIsNone(T.compare([1.0 + 2 ** -10], [1.0], "float16"))
        self.assertIsNotNone(T.compare([1.0 + 2 ** -10], [1.0], "float64"))

    def test_all_zero_reference(self):
        self.assertIsNone(T.compare([0.0, -0.0], [0.0, 0.0], "float32"))
        self.assertIsNotNone(T.compare([0.0, 1e-6], [0.0, 0.0], "float32"))

    def test_complex_parts(self):
        self.assertIsNone(T.compare([1 + 2j], [1 + 2j], "complex64"))
        self.assertIn("element 1", T.compare([1 + 2.001j], [1 + 2j], "complex64"))

    def test_exact_dtypes(self):
        self.assertIsNone(T.compare([1, 2, 3], [1, 2, 3], "int32"))
        self.assertIn("element 2", T.compare([1, 2, 4], [1, 2, 3], "DT_INT64"))
        self.assertIsNotNone(T.compare([b"a"], [b"b"], "string"))
        self.assertIsNotNone(T.compare([True], [False], "bool"))
        self.assertIn("shape", T.compare([1, 2], [[1, 2]], "int32"))


class TestReductionLength(unittest.TestCase):
    def k(self, op, shapes, attrs=None, values=None):
        attrs = attrs or {}
        return T.reduction_length(op, lambda n, d: attrs.get(n, d), shapes, lambda i: (values or {}).get(i))

    def test_ops(self):
        self.assertEqual(self.k("MatMul", [[3, 4], [4, 5]]), 4)
        self.assertEqual(self.k("MatMul", [[4, 3], [4, 5]], {"transpose_a": True}), 4)
        self.assertEqual(self.k("BatchMatMulV2", [[2, 4, 3], [2, 2, 4]], {"adj_x": True}), 4)
        self.assertEqual(self.k("Einsum", [[2, 2, 3], [2, 3, 4]], {"equation": b"...ij,...jk->...ik"}), 3)
        self.assertEqual(self.k("Einsum", [[2, 3, 4], [4, 5]], {"equation": "bsh,hd->bsd"}), 4)
        self.assertEqual(self.k("Einsum", [[2, 3]], {"equation": "ij->i"}), 3)
        self.assertEqual(self.k("Einsum", [[3], [4]], {"equation": "i,j->ij"}), 1)
        self.assertEqual(self.k("Conv2D", [[2, 7, 8, 3], [3, 2, 3, 4]]), 18)
        self.assertEqual(self.k("DepthwiseConv2dNative", [[2, 7, 8, 3], [3, 3, 3, 2]]), 9)
        self.assertEqual(self.k("FusedBatchNorm", [[2, 7, 8, 3], [3], [3], [0], [0]]), 112)
        self.assertEqual(self.k("FusedBatchNormV3", [[2, 7, 8, 3], [3], [3], [3], [3]], {"is_training": False}), 1)
        self.assertEqual(self.k("Sum", [[2, 3, 4], [2]], values={1: np.array([0, -1])}), 8)
        self.assertEqual(self.k("Mean", [[2, 3, 4], [0]], values={1: np.array([], np.int32)}), 1)
        self.assertEqual(self.k("Softmax", [[3, 5]]), 5)
        self.assertEqual(self.k("AvgPool", [[2, 7, 8, 3]], {"ksize": [1, 3, 2, 1]}), 6)
        self.assertEqual(self.k("AddN", [[2], [2], [2]]), 3)
        self.assertEqual(self.k("Add", [[2, 3], [3]]), 1)
        self.assertEqual(self.k("MatMul", [None, None]), 1)

    def test_graph_sums_over_dependencies(self):
        import tensorflow as tf
        g = tf.Graph()
        with g.as_default():
            x = tf.compat.v1.placeholder(tf.float32, [None, 10])
            h = tf.matmul(x, tf.ones([10, 20]))                 # K 10
            y = tf.reduce_sum(tf.matmul(h, tf.ones([20, 3])), axis=1)  # K 20, then 3
            z = tf.identity(x)
        k = T.graph_reduction_length(g, [y.name, z.name])
        ops_y = len({op.name for op in g.get_operations()}) - 1  # all but z's Identity feed y
        self.assertEqual(k[z.name], 2)  # Placeholder + Identity, 1 each
        self.assertEqual(k[y.name], 10 + 20 + 3 + (ops_y - 3))


if __name__ == "__main__":
    unittest.main()
