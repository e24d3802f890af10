"""The batch grader's command line, reports, resume and grader-failure handling."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.frontends import batch

from .conftest import TEST_LIMITS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample_class"


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


def small_class(tmp_path: Path) -> Path:
    root = tmp_path / "class"
    for student in ("alice", "bob", "carol"):
        shutil.copytree(SAMPLE / student / "01_conv_basics", root / student / "01_conv_basics")
    return root


def test_bad_arguments_get_a_clear_message():
    proc = cli("grade", "nowhere", "--out", "x")
    assert proc.returncode == 2 and "No such file or folder: 'nowhere'" in proc.stderr
    proc = cli("grade", str(SAMPLE), "--out", "x", "--workers", "0")
    assert proc.returncode == 2 and "must be at least 1" in proc.stderr
    proc = cli("gradescope-bundle", "99_nothing", "--out", "x.zip")
    assert proc.returncode == 2 and "assignment='99_nothing'" in proc.stderr


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, Path, dict]:
    """alice, bob and carol's 01 graded once by the batch grader: (class, reports, figures)."""
    tmp = tmp_path_factory.mktemp("batch")
    root, out = small_class(tmp), tmp / "out"
    return root, out, batch.grade([root], out, limits=TEST_LIMITS, progress=False)


@pytest.mark.slow
def test_reports_per_student_and_for_the_class(graded):
    _, out, figures = graded
    assert figures["graded"] == 3 and figures["grader_errors"] == 0
    rows = list(csv.reader((out / "grades.csv").open()))
    assert rows[0][:3] == ["student", "01_conv_basics", "01_conv_basics:conv_output_shape"]
    assert rows[0][-1] == "total" and [r[0] for r in rows[1:]] == ["alice", "bob", "carol"]
    summary = (out / "summary.md").read_text()
    assert "flipped-kernel" in summary and "Pass rate per check" in summary
    assert (out / "histogram.png").read_bytes().startswith(b"\x89PNG")
    bob = (out / "bob" / "01_conv_basics" / "feedback.md").read_text()
    assert "flipped-kernel" in bob and "details are shown when grades are published" in bob
    assert (out / "bob" / "01_conv_basics" / "feedback.html").read_text().startswith("<!DOCTYPE html>")


@pytest.mark.slow
def test_hidden_details_appear_once_grades_are_published(tmp_path):
    out = tmp_path / "out"
    batch.grade([small_class(tmp_path) / "bob"], out, limits=TEST_LIMITS, progress=False, show_hidden=True)
    page = (out / "bob" / "01_conv_basics" / "feedback.md").read_text()
    assert "details are shown when grades are published" not in page
    assert "(hidden check)" in page


@pytest.mark.slow
def test_resume_grades_only_what_is_missing(graded, tmp_path):
    root, first, _ = graded
    out = shutil.copytree(first, tmp_path / "out")  # the manifest names results relative to the folder
    (out / "carol" / "01_conv_basics" / "results.json").unlink()
    before = (out / "alice" / "01_conv_basics" / "results.json").stat().st_mtime_ns
    figures = batch.grade([root], out, limits=TEST_LIMITS, progress=False, resume=True)
    assert (figures["graded"], figures["skipped"]) == (1, 2)
    assert (out / "alice" / "01_conv_basics" / "results.json").stat().st_mtime_ns == before
    assert len(list(csv.reader((out / "grades.csv").open()))) == 4


@pytest.mark.slow
def test_a_grader_failure_is_reported_as_such_never_as_a_zero(tmp_path):
    root, out = small_class(tmp_path), tmp_path / "out"
    broken = tmp_path / "broken" / "keras"  # the grading environment's Keras is broken
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('keras is broken here')\n")
    cache = tmp_path / "empty-cache"  # the references must be computed, with the broken Keras
    env = {**os.environ, "PYTHONPATH": f"{broken.parent}{os.pathsep}{ROOT}", "AUTOGRADER_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "autograder", "grade", str(root / "alice"), "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    data = json.loads((out / "alice" / "01_conv_basics" / "results.json").read_text())
    assert "keras is broken here" in data["extra_data"]["grader_error"] and "GRADER ERROR" in data["output"]
    assert list(csv.reader((out / "grades.csv").open()))[1][1] == "ERROR"
    figures = batch.grade([root / "alice"], out, limits=TEST_LIMITS, progress=False, resume=True)
    assert figures["graded"] == 1  # resume re-grades what the grader failed on
    data = json.loads((out / "alice" / "01_conv_basics" / "results.json").read_text())
    assert data["extra_data"]["grader_error"] is None and data["score"] == data["max_score"]


@pytest.mark.slow
def test_a_second_run_computes_no_reference(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "cache"))
    root = small_class(tmp_path)
    first = batch.grade([root], tmp_path / "a", limits=TEST_LIMITS, progress=False)
    second = batch.grade([root], tmp_path / "b", limits=TEST_LIMITS, progress=False)
    assert first["references_computed"] > 0 and second["references_computed"] == 0
    same = [(tmp_path / out / "bob" / "01_conv_basics" / "results.json").read_text() for out in ("a", "b")]
    assert json.loads(same[0])["tests"] == json.loads(same[1])["tests"]
    monkeypatch.setenv("AUTOGRADER_SECRET", "another term")  # other hidden inputs: other references
    third = batch.grade([root], tmp_path / "c", limits=TEST_LIMITS, progress=False)
    assert third["references_computed"] > 0
