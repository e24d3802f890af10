"""Grading on dask.distributed (a LocalCluster of 2 worker processes, each with its own
warm fork servers): the same scores as grading here, and a worker that dies while
grading loses no result."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from autograder.frontends import batch
from autograder.frontends.cluster import DaskGrading

from .conftest import TEST_LIMITS

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parent / "sample_class"


def light_class(tmp_path: Path) -> Path:
    root = tmp_path / "class"
    for student in ("alice", "bob", "carol"):
        for assignment in ("01_conv_basics", "03_pooling"):
            shutil.copytree(SAMPLE / student / assignment, root / student / assignment)
    return root


def scores(out: Path) -> dict[tuple[str, str], tuple[list, str]]:
    found = {}
    for path in out.glob("*/*/results.json"):
        data = json.loads(path.read_text())
        tests = [(t["name"], t["score"]) for t in data["tests"]]
        found[(path.parent.parent.name, path.parent.name)] = (tests, data["extra_data"]["hidden_inputs_sha256"])
    return found


def test_dask_local_cluster_gives_the_same_scores_as_grading_here(tmp_path):
    root = light_class(tmp_path)
    here = batch.grade([root], tmp_path / "here", limits=TEST_LIMITS, progress=False)
    there = batch.grade([root], tmp_path / "dask", limits=TEST_LIMITS, progress=False, dask="local:2")
    assert here["grader_errors"] == there["grader_errors"] == 0
    assert scores(tmp_path / "here") == scores(tmp_path / "dask") and len(scores(tmp_path / "dask")) == 6
    digests = {key: digest for key, (_, digest) in scores(tmp_path / "dask").items()}
    assert len(set(digests.values())) == 6, digests  # each student's own hidden inputs, on either side


def test_a_worker_that_dies_loses_no_result(tmp_path):
    root = light_class(tmp_path)
    jobs = [(p, p.read_text(), p.parent.parent.name, p.parent.name) for p in sorted(root.glob("*/*/*.ipynb"))]
    cluster = DaskGrading("local:2", TEST_LIMITS, None, "namespaces")
    try:
        results = cluster.grade(jobs)
        first = next(results)
        victim = next(iter(cluster.client.scheduler_info()["workers"]))
        cluster.client.run(os._exit, 1, workers=[victim], on_error="ignore")  # a worker process dies mid-batch
        rest = list(results)
    finally:
        cluster.close()
    graded = [first, *rest]
    assert len(graded) == len(jobs)
    assert all(not isinstance(r, Exception) and r.grader_error is None for _, r in graded), graded
    alice = [r for p, r in graded if p.parent.parent.name == "alice"]
    assert all(r.score == r.max_score for r in alice)
