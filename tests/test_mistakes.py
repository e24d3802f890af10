"""Deliberately wrong submissions, one per mistake (tests/mistakes/<function>__<id>.py),
are named correctly through the sandbox; correct variants in other styles
(tests/variants/) score full marks and are never accused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.core.course import assignment_of_function
from autograder.frontends import batch
from autograder.release import synth

from .conftest import TEST_LIMITS

HERE = Path(__file__).resolve().parent
MISTAKES = sorted((HERE / "mistakes").glob("*.py"))
VARIANTS = sorted((HERE / "variants").glob("*.py"))


def split(path: Path) -> tuple[str, str]:
    function, label = path.stem.split("__")
    return function, label


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    """Every mistake and variant in a notebook of its own, graded as one batch."""
    root = tmp_path_factory.mktemp("submissions")
    for path in MISTAKES + VARIANTS:
        function, _ = split(path)
        assignment = assignment_of_function(function)
        nb = synth.solved(assignment, {function: path.read_text()})
        synth.write(nb, root / f"{path.parent.name}-{path.stem}" / assignment.name / assignment.notebook)
    out = tmp_path_factory.mktemp("reports")
    batch.grade([root], out, limits=TEST_LIMITS, progress=False)
    return {p.parent.parent.name: json.loads(p.read_text()) for p in out.glob("*/*/results.json")}


def checks_of(data: dict, function: str) -> list[dict]:
    return [t for t in data["tests"] if f"function:{function}" in t["tags"]]


@pytest.mark.parametrize("path", MISTAKES, ids=lambda p: p.stem)
def test_each_mistake_is_named_and_costs_only_its_function(graded, path):
    function, mistake = split(path)
    data = graded[f"mistakes-{path.stem}"]
    own = checks_of(data, function)
    failed = [t for t in own if t["status"] == "failed"]
    assert failed, "the wrong answer passed every check"
    assert any(f"misconception:{mistake}" in t["tags"] for t in failed), [t["tags"] for t in failed]
    others = [t for t in data["tests"] if t not in own]
    assert all(t["status"] == "passed" for t in others)


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_correct_variants_score_full_marks_and_are_never_accused(graded, path):
    data = graded[f"variants-{path.stem}"]
    assert data["score"] == data["max_score"]
    assert not [tag for t in data["tests"] for tag in t["tags"] if tag.startswith("misconception:")]
