"""Case discovery and the tfscope runner shared by the oracle tests.

Cases are every checkpoint and SavedModel under tests/data (our TensorFlow-made fixtures),
resources/demo, and the real TensorFlow-written models in ../shared/testdata/models.
"""

import json
import os
import re
import subprocess
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
DEMO = REPO / "resources" / "demo"
SHARED = Path(os.environ.get("TFSCOPE_SHARED_MODELS") or (REPO / ".." / "shared" / "testdata" / "models")).resolve()
SHARED_MISSING = ("The shared real models are missing: %s (../shared/testdata/models beside the checkout) "
                  "does not exist; only tests/data and resources/demo are compared." % SHARED)

# Legacy V1 (TensorSlice) checkpoints among the shared models: no .index file marks them.
SHARED_V1_CHECKPOINTS = [
    "serving_bad_half_plus_two/00000123/export",
    "serving_session_bundle_half_plus_two/00000123/export-00000-of-00001",
]


def safe_name(text):
    """`text` usable in a test method name: runs of other characters become '_'."""
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")


def slug(root_name, path, root):
    return safe_name(root_name + "_" + os.path.relpath(path, root))


def _roots():
    roots = [("data", DATA), ("demo", DEMO)]
    if SHARED.is_dir():
        roots.append(("shared", SHARED))
    return roots


def checkpoint_cases():
    """[(test-name suffix, prefix path)] for every checkpoint prefix found."""
    cases = []
    for name, root in _roots():
        for index in sorted(root.rglob("*.index")):
            prefix = str(index)[: -len(".index")]
            cases.append((slug(name, prefix, root), prefix))
    for rel in DATA_V1_CHECKPOINTS:
        cases.append((slug("data", DATA / rel, DATA), str(DATA / rel)))
    if SHARED.is_dir():
        for rel in SHARED_V1_CHECKPOINTS:
            p = SHARED / rel
            if p.exists():
                cases.append((slug("shared", p, SHARED), str(p)))
    return cases


def saved_model_cases():
    """[(test-name suffix, export dir)] for every SavedModel directory found."""
    cases = []
    for name, root in _roots():
        dirs = {p.parent for pat in ("saved_model.pb", "saved_model.pbtxt") for p in root.rglob(pat)}
        for d in sorted(dirs):
            cases.append((slug(name, d, root), str(d)))
    return cases


# V1 checkpoints among our fixtures (no .index to find them by); the pattern is what the V1 Saver
# wrote into the state file.
DATA_V1_CHECKPOINTS = ["v1_sharded/model.ckpt-?????-of-00002"]

# The fixtures make_fixtures.py writes (other tests/data folders belong to other suites).
OUR_FIXTURES = ["builder_multi", "dtypes", "keras_mlp", "partitioned", "sharded", "tf2_ckpt",
                "tf2_module", "tutorial", "tutorial_v1only", "v1_sharded", "v1_loops", "v1_tensor_arrays"]


def fixture_dirs():
    """Our committed fixture directories (they carry expected.json), then resources/demo."""
    dirs = [DATA / name for name in OUR_FIXTURES]
    if (DEMO / "expected.json").exists():
        dirs.append(DEMO)
    return dirs


def tfscope_bin(test):
    binary = os.environ.get("TFSCOPE_BIN")
    if not binary:
        test.skipTest("TFSCOPE_BIN is not set: this case needs the built tfscope binary")
    if not os.access(binary, os.X_OK):
        test.fail("TFSCOPE_BIN='%s' is not an executable file" % binary)
    return binary


def run_tfscope(test, args, timeout=300):
    """Runs tfscope; returns (exit code, stdout, stderr)."""
    binary = tfscope_bin(test)
    proc = subprocess.run([binary] + args, capture_output=True, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def run_tfscope_json(test, args):
    rc, out, err = run_tfscope(test, args)
    if rc != 0:
        test.fail("tfscope %s exited %d: %s" % (" ".join(args), rc, err.strip()[:2000]))
    try:
        return json.loads(out)
    except json.JSONDecodeError as e:
        test.fail("tfscope %s printed invalid JSON (%s): %s" % (" ".join(args), e, out[:500]))


def add_shared_models_check(cls):
    """Adds `test_shared_models_present`, which skips with SHARED_MISSING when the shared models are
    absent, so a run without them says so instead of silently having fewer cases."""
    def test_shared_models_present(self):
        if not SHARED.is_dir():
            self.skipTest(SHARED_MISSING)
    cls.test_shared_models_present = test_shared_models_present


def add_cases(cls, prefix, cases, make):
    """Adds one test method per case: `test_<prefix>__<case name>`."""
    for name, arg in cases:
        method = make(arg)
        method.__name__ = "test_%s__%s" % (prefix, name)
        setattr(cls, method.__name__, method)


unittest.TestLoader.sortTestMethodsUsing = None  # keep discovery order: data, demo, shared
