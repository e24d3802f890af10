"""The commands say nothing of TensorFlow's start-up on stderr (``absl::InitializeLog``,
the CPU-feature and oneDNN lines), in an environment that does not silence it
itself: the test suite's own ``TF_CPP_MIN_LOG_LEVEL`` is taken out, and the reference
cache is empty, so that Keras is imported to compute the references."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample_class"
NOISE = re.compile(
    r"absl::InitializeLog|cpu_feature_guard|oneDNN|TF_ENABLE_ONEDNN_OPTS|rebuild TensorFlow|^[IWE]\d{4} ", re.M
)
"""What TensorFlow writes on stderr as it starts, unless told not to."""


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """The environment a user's shell would give: no TensorFlow log level, a fresh cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "ABSL_MIN_LOG_LEVEL")}
    return {**env, "PYTHONPATH": str(ROOT), "AUTOGRADER_CACHE": str(tmp_path_factory.mktemp("cache"))}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "autograder", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)


def test_noise_is_what_tensorflow_says_when_not_silenced(env):
    """The pattern matches what this TensorFlow prints at start-up (so the tests below can fail)."""
    code = "import tensorflow as tf; tf.constant(1.0) + 1.0"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert NOISE.search(proc.stderr), proc.stderr


def test_grade_self_check_and_student_copy_write_no_tensorflow_noise(env, tmp_path):
    submitted = tmp_path / "submitted" / "bob" / "01_conv_basics"
    shutil.copytree(SAMPLE / "bob" / "01_conv_basics", submitted)  # Keras references; lecture cells in TensorFlow
    runs = {
        "grade": _run(env, "grade", str(tmp_path / "submitted"), "--out", str(tmp_path / "reports")),
        "self-check": _run(env, "self-check", str(submitted / "conv_basics.ipynb")),
        "student-copy": _run(env, "student-copy", "--out", str(tmp_path / "student")),
    }
    for command, proc in runs.items():
        assert proc.returncode in (0, 1), (command, proc.stderr[-3000:])  # self-check: 1 when a check fails
        assert not NOISE.search(proc.stderr), (command, proc.stderr[-3000:])
    assert (tmp_path / "reports" / "bob" / "01_conv_basics" / "results.json").exists()
