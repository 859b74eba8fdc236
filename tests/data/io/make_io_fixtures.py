"""Makes the .npy/.npz fixtures of tests/model/tst_io.cpp with numpy itself (run with the oracle venv):
   ~/.cache/tfscope/venv/bin/python tests/data/io/make_io_fixtures.py"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
np.save(os.path.join(here, "f32_2x3.npy"), np.array([[1.5, -2, 3], [4, 5, 6.25]], dtype=np.float32))
np.save(os.path.join(here, "i64_be.npy"), np.array([1, -2, 300000000000], dtype=">i8"))
np.save(os.path.join(here, "bool_scalar.npy"), np.array(True))
np.save(os.path.join(here, "f64_fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)))
np.save(os.path.join(here, "unicode.npy"), np.array(["a", "héllo"]))
np.save(os.path.join(here, "bytes.npy"), np.array([b"x", b"yz"]))
np.save(os.path.join(here, "object.npy"), np.array([b"x", None], dtype=object), allow_pickle=True)
np.savez(os.path.join(here, "two.npz"), x=np.array([1, 2, 3], dtype=np.int32), y=np.zeros((2, 2), dtype=np.uint8))
np.savez_compressed(os.path.join(here, "compressed.npz"), x=np.array([1.0]))
