"""Before grading: what will be graded and what is skipped (and why), ``--dry-run``,
``--out`` checked first, ``--assignment``; and a batch interrupted with Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.core.course import ASSIGNMENTS
from autograder.core.submissions import classify

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample_class"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "autograder", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=timeout)


def release(name: str) -> Path:
    return ASSIGNMENTS[name].release_path()


def foreign_notebook(path: Path) -> Path:
    """A notebook of another course: its grade ids name none of this course's functions."""
    cell = {
        "cell_type": "code",
        "metadata": {"nbgrader": {"grade_id": "load_titanic", "grade": False, "solution": True}},
        "source": "import pandas as pd\n",
        "outputs": [],
        "execution_count": None,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_the_preflight_says_what_is_graded_and_why_the_rest_is_skipped(tmp_path):
    root = tmp_path / "class"
    (root / "ann" / "01_conv_basics").mkdir(parents=True)
    shutil.copy(release("01_conv_basics"), root / "ann" / "01_conv_basics" / "conv_basics.ipynb")
    (root / "ann" / "01_conv_basics" / "notes.txt").write_text("my notes")
    (root / "ann" / "01_conv_basics" / "timestamp.txt").write_text("2026-01-01")  # nbgrader's own
    (root / "ann" / "01_conv_basics" / "link.ipynb").symlink_to(release("02_filters"))
    (root / "ben" / "lab1").mkdir(parents=True)
    shutil.copy(release("03_pooling"), root / "ben" / "lab1" / "mine.ipynb")
    foreign_notebook(root / "cas" / "02_filters" / "filters.ipynb")
    (root / "dan" / "04_cnn_models").mkdir(parents=True)

    found = classify([root])
    assert [(s.student, s.assignment.name, s.path is None) for s in found.submissions] == [
        ("ann", "01_conv_basics", False),
        ("dan", "04_cnn_models", True),
    ]
    reasons = {p.path.relative_to(root).as_posix(): p.reason for p in found.skipped}
    assert set(reasons) == {
        "ann/01_conv_basics/notes.txt",
        "ann/01_conv_basics/link.ipynb",
        "ben/lab1/mine.ipynb",
        "cas/02_filters/filters.ipynb",
    }
    assert "not a notebook" in reasons["ann/01_conv_basics/notes.txt"]
    assert "symbolic link" in reasons["ann/01_conv_basics/link.ipynb"]
    assert "'lab1'" in reasons["ben/lab1/mine.ipynb"] and "03_pooling" in reasons["ben/lab1/mine.ipynb"]
    assert "not a notebook of this course" in reasons["cas/02_filters/filters.ipynb"]
    assert "load_titanic" in reasons["cas/02_filters/filters.ipynb"]
    summary = found.summary()
    assert summary.startswith("Found 2 students, 2 assignments: 1 notebook to grade, 1 assignment folder without")
    assert "Skipped 4 paths:" in summary
    (tmp_path / "linked").symlink_to(root)  # the instructor's own path is followed, links under it are not
    assert classify([tmp_path / "linked"]).submissions == [
        s.__class__(s.student, s.assignment, tmp_path / "linked" / s.path.relative_to(root) if s.path else None)
        for s in found.submissions
    ]


def test_a_renamed_notebook_is_known_by_its_grade_ids_and_assignment_names_the_rest(tmp_path):
    renamed = tmp_path / "downloads" / "conv_basics (1).ipynb"
    renamed.parent.mkdir()
    shutil.copy(release("01_conv_basics"), renamed)
    [submission] = classify([renamed]).submissions
    assert (submission.student, submission.assignment.name) == ("downloads", "01_conv_basics")

    bare = tmp_path / "downloads" / "untitled.ipynb"  # no grade ids at all: only --assignment says
    nb = json.loads(release("03_pooling").read_text())
    for cell in nb["cells"]:
        cell["metadata"].pop("nbgrader", None)
    bare.write_text(json.dumps(nb))
    found = classify([bare])
    assert not found.submissions and "unknown assignment" in found.skipped[0].reason
    [submission] = classify([bare], assignment="03_pooling").submissions
    assert submission.assignment.name == "03_pooling"
    # --assignment grades only that assignment; a notebook whose grade ids say otherwise is not taken as it
    assert classify([renamed], assignment="03_pooling").submissions == []
    with pytest.raises(ValueError, match="assignment='99_none'"):
        classify([bare], assignment="99_none")


def test_nothing_to_grade_exits_non_zero_and_writes_nothing(tmp_path):
    empty, out = tmp_path / "empty", tmp_path / "out"
    empty.mkdir()
    proc = cli("grade", str(empty), "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    assert "Nothing to grade" in proc.stderr and "Reports:" not in proc.stdout and not out.exists()
    foreign_notebook(tmp_path / "other" / "ann" / "01_conv_basics" / "conv_basics.ipynb")
    proc = cli("grade", str(tmp_path / "other"), "--out", str(out))
    assert proc.returncode == 1 and "not a notebook of this course" in proc.stderr and not out.exists()


def test_out_naming_a_file_is_refused_before_any_work(tmp_path):
    existing = tmp_path / "grades.csv"
    existing.write_text("student,total\n")
    for out in (existing, existing / "reports"):
        start = time.monotonic()
        proc = cli("grade", str(SAMPLE), "--out", str(out))
        assert proc.returncode == 2 and f"Received: out={str(out)!r}" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr and time.monotonic() - start < 60  # no grading happened
    assert existing.read_text() == "student,total\n"


def test_dry_run_prints_only_the_preflight(tmp_path):
    out = tmp_path / "out"
    proc = cli("grade", str(SAMPLE), "--out", str(out), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Found 4 students, 6 assignments: 23 notebooks to grade")
    assert "dave/02_filters/NOTE.txt: not a notebook" in proc.stdout
    assert not out.exists()
    proc = cli("grade", str(SAMPLE / "alice"), "--out", str(out), "--dry-run", "--assignment", "03_pooling")
    assert proc.stdout.startswith("Found 1 student, 1 assignment: 1 notebook to grade.")


def test_strict_refuses_the_default_secret_before_any_work(tmp_path):
    env = {k: v for k, v in ENV.items() if not k.startswith("AUTOGRADER_SECRET")}
    cmd = [sys.executable, "-m", "autograder", "grade", str(SAMPLE / "alice"), "--out", str(tmp_path / "out")]
    proc = subprocess.run([*cmd, "--strict"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "public default course secret" in proc.stderr and "AUTOGRADER_SECRET" in proc.stderr
    assert not (tmp_path / "out").exists()
    secret = tmp_path / "secret"
    secret.write_text("a private value\n")
    env["AUTOGRADER_SECRET_FILE"] = str(secret)
    proc = subprocess.run([*cmd, "--strict", "--dry-run"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0 and "secret" not in proc.stderr, proc.stderr


@pytest.mark.slow
def test_a_renamed_notebook_is_graded_as_its_assignment_with_a_warning_about_the_default_secret(tmp_path):
    renamed = tmp_path / "alice" / "conv_basics (1).ipynb"
    renamed.parent.mkdir()
    shutil.copy(SAMPLE / "alice" / "01_conv_basics" / "conv_basics.ipynb", renamed)
    env = {k: v for k, v in ENV.items() if not k.startswith("AUTOGRADER_SECRET")}
    cmd = [sys.executable, "-m", "autograder", "grade", str(renamed), "--out", str(tmp_path / "out")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING: the hidden checks are graded with the public default course secret" in proc.stderr
    data = json.loads((tmp_path / "out" / "alice" / "01_conv_basics" / "results.json").read_text())
    assert data["score"] == data["max_score"] > 0


@pytest.mark.slow
def test_ctrl_c_stops_the_batch_at_once_and_keeps_what_finished(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "autograder", "grade", str(SAMPLE / "alice"), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT)
    try:
        for line in proc.stderr:  # one line per finished submission, off a terminal
            if re.match(r"\[\s*1/6\]", line):
                break
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        stdout, stderr = proc.communicate(timeout=60)
        stopped = time.monotonic() - start
    finally:
        proc.kill()
    assert proc.returncode == 130 and stopped < 3.0, (stopped, stderr)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    graded = json.loads((out / ".results-manifest.json").read_text())
    assert len(graded) >= 1 and all((out / relative).is_file() for relative in graded)
    match = re.search(
        r"Interrupted: (\d+) submissions? graded .*\nTo grade the rest: python -m autograder (.*)", stderr
    )
    assert match and int(match.group(1)) == len(graded), stderr
    assert match.group(2).endswith("--resume")


@pytest.mark.slow
def test_a_second_ctrl_c_stops_at_once(tmp_path):
    cmd = [sys.executable, "-m", "autograder", "grade", str(SAMPLE / "alice"), "--out", str(tmp_path / "out")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT)
    try:
        for line in proc.stderr:
            if re.match(r"\[\s*1/6\]", line):
                break
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        _, stderr = proc.communicate(timeout=60)
        stopped = time.monotonic() - start
    finally:
        proc.kill()
    assert proc.returncode == 130 and stopped < 3.0 and "Traceback" not in stderr, (stopped, stderr)


@pytest.mark.slow
def test_self_check_takes_a_renamed_notebook_and_assignment(tmp_path):
    renamed = tmp_path / "conv_basics (1).ipynb"
    nb = json.loads((SAMPLE / "alice" / "01_conv_basics" / "conv_basics.ipynb").read_text())
    for cell in nb["cells"]:  # nothing but --assignment says which assignment it is
        cell["metadata"].pop("nbgrader", None)
    renamed.write_text(json.dumps(nb))
    proc = cli("self-check", str(renamed), timeout=600)
    assert proc.returncode != 0 and "pass --assignment" in proc.stdout + proc.stderr
    proc = cli("self-check", str(renamed), "--assignment", "01_conv_basics", timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "conv_basics (1).ipynb: " in proc.stdout and " passed" in proc.stdout
