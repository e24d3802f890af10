"""What an instructor does after grading: progress in a log, late penalties, LMS
exports and similar answers. One class is graded once, through the CLI, for the module."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest

from autograder import synth
from autograder.course import ASSIGNMENTS
from autograder.progress import Progress

from .conftest import ROOT
from .test_batch import SAMPLE, cli

A = ASSIGNMENTS["01_conv_basics"]
VARIANTS = ROOT / "tests" / "variants"


def renamed(source: str) -> str:
    """``source`` with its local names changed, as a student hiding a copy would."""
    for old, new in {"image": "img", "kernel": "filt", "kh": "fh", "kw": "fw", "windows": "patches"}.items():
        source = re.sub(rf"\b{old}\b", new, source)
    return source.replace("def conv2d_manual(img, filt,", "def conv2d_manual(image, kernel,")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(submitted, reports, CompletedProcess of `grade`): alice on time, bob 10 minutes
    late (within grace), erin and frank two independent correct variants (erin undated,
    frank 1.5 days late by Gradescope's metadata), gina a renamed copy of frank's answer."""
    tmp = tmp_path_factory.mktemp("instructor")
    submitted, out = tmp / "submitted", tmp / "reports"
    folder = {s: submitted / s / A.name for s in ("alice", "bob", "erin", "frank", "gina")}
    synth.write(synth.solved(A), folder["alice"] / A.notebook)
    (folder["alice"] / "timestamp.txt").write_text("2026-03-02 10:00:00.000000 UTC")
    shutil.copytree(SAMPLE / "bob" / A.name, folder["bob"])
    (folder["bob"] / "timestamp.txt").write_text("2026-03-03 00:09:00.000000 Asia/Seoul")
    loops = (VARIANTS / "conv2d_manual__loops.py").read_text()
    sliding = (VARIANTS / "conv2d_manual__sliding_window.py").read_text()
    synth.write(synth.solved(A, {"conv2d_manual": loops}), folder["erin"] / A.notebook)
    synth.write(synth.solved(A, {"conv2d_manual": sliding}), folder["frank"] / A.notebook)
    (folder["frank"] / "submission_metadata.json").write_text(json.dumps({"created_at": "2026-03-04T11:59:00+09:00"}))
    synth.write(synth.solved(A, {"conv2d_manual": renamed(sliding)}), folder["gina"] / A.notebook)
    proc = cli("grade", str(submitted), "--out", str(out), "--workers", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return submitted, out, proc


# 1. progress


def test_progress_in_a_log_is_one_plain_line_per_submission(graded):
    _, _, proc = graded
    assert "\r" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if re.match(r"\[\d/5\] ", line)]
    assert len(lines) == 5 and all("ETA" in line for line in lines), proc.stderr
    assert sorted(line.split()[1] for line in lines) == ["alice", "bob", "erin", "frank", "gina"]


def test_progress_to_a_file_counts_up_and_estimates_the_rest():
    stream = io.StringIO()
    with Progress(2, stream=stream) as bar:
        bar.advance("alice  01_conv_basics\n15/15")
        bar.advance("bob 01_conv_basics 12/15")
    first, second = stream.getvalue().splitlines()
    assert first.startswith("[1/2] alice 01_conv_basics 15/15  (elapsed 0:00:00, ETA")
    assert second.startswith("[2/2] bob") and second.endswith("ETA 0:00:00)")
    with pytest.raises(ValueError, match="total=-1"):
        Progress(-1)
