"""Every notebook runs end to end in a real Jupyter kernel, as a student opens it:
the solutions without an error, the releases with their stubs failing only in the
test cells, and no cell of either writing to stderr (TensorFlow's start-up lines,
Keras warnings: nbgrader gives 0 to a test cell that writes to stderr, and a
student reads red text as a fault of theirs)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.core.course import ASSIGNMENTS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _run(path: Path, tmp_path: Path) -> nbformat.NotebookNode:
    """``path`` executed in a fresh python3 kernel started in ``tmp_path``, in an
    environment without the test run's TF_CPP_MIN_LOG_LEVEL (as a student's)."""
    nb = nbformat.read(path, as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PYTHONPATH"] = str(ROOT)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute(env=env)
    return nb


def _stderr(nb) -> list[str]:
    return [
        f"cell {i}: {''.join(o['text'])[:300]!r}"
        for i, cell in enumerate(nb.cells)
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]


def _errors(nb) -> list[tuple[int, nbformat.NotebookNode]]:
    return [
        (i, cell) for i, cell in enumerate(nb.cells) for o in cell.get("outputs", []) if o.get("output_type") == "error"
    ]


@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_the_solution_runs_clean_in_a_kernel(name, tmp_path):
    a = ASSIGNMENTS[name]
    nb = _run(ROOT / "solutions" / name / a.notebook, tmp_path)
    errors = [f"cell {i}: {o['ename']}: {o['evalue']}" for i, c in _errors(nb) for o in c.outputs if "ename" in o]
    assert not errors, errors
    assert not _stderr(nb), _stderr(nb)


@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_the_release_runs_with_only_its_test_cells_failing(name, tmp_path):
    a = ASSIGNMENTS[name]
    nb = _run(ROOT / "assignments" / name / a.notebook, tmp_path)
    for i, cell in _errors(nb):
        grading = cell.metadata.get("nbgrader", {})
        assert grading.get("grade") or grading.get("solution"), f"cell {i} failed outside a test or answer cell"
    assert not _stderr(nb), _stderr(nb)
