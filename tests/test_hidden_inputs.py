"""Per-student hidden inputs: drawn from the course secret and the student id together,
so the inputs one student sees once hidden results are published are no other student's;
the same student draws the same inputs in every run, and the reference cache tells them
apart. (That every front end grades a student with the same inputs is checked where the
front ends run: tests/test_front_ends.py, tests/test_service.py, tests/test_distribution.py.)"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.core import plain
from autograder.core.course import ASSIGNMENTS
from autograder.core.spec import hidden_inputs_digest
from autograder.judge import reference_cache

ROOT = Path(__file__).resolve().parent.parent


def _inputs(check) -> bytes:
    """A check's arguments as bytes: equal bytes, equal inputs."""
    return plain.dumps(plain.to_plain([list(check.args), dict(check.kwargs)]))


def _hidden(assignment, student: str) -> list:
    return [c for c in assignment.checks(hidden=True, student=student) if c.hidden]


LIGHT = ("01_conv_basics", "02_filters", "03_pooling", "05_edge_detection")
"""Assignments whose checks build without scikit-learn's import (seconds): another run of these."""


def _digests_in_a_fresh_process(student: str) -> dict[str, str]:
    code = (
        "import json; from autograder.core.course import ASSIGNMENTS; "
        "from autograder.core.spec import hidden_inputs_digest; "
        f"print(json.dumps({{n: hidden_inputs_digest(ASSIGNMENTS[n].checks(student={student!r})) for n in {LIGHT!r}}}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_two_students_draw_different_hidden_inputs_and_one_student_the_same_in_every_run():
    again = _digests_in_a_fresh_process("alice")
    assert set(again) == set(LIGHT)
    for name, assignment in ASSIGNMENTS.items():
        bob, alice = _hidden(assignment, "bob"), _hidden(assignment, "alice")  # bob's first: nothing of his is alice's
        assert alice, name
        # the same checks, points and texts for both (grades stay comparable), other inputs
        assert [(c.name, c.points, c.description) for c in alice] == [(c.name, c.points, c.description) for c in bob]
        assert b"".join(map(_inputs, alice)) != b"".join(map(_inputs, bob)), name
        # alice's inputs again, in this process and in another run
        assert [_inputs(c) for c in alice] == [_inputs(c) for c in _hidden(assignment, "alice")], name
        assert again.get(name, hidden_inputs_digest(alice)) == hidden_inputs_digest(alice), name


def test_every_hidden_input_the_course_secret_draws_differs_from_student_to_student(monkeypatch):
    """What the secret alone used to decide, the student decides too: every hidden check
    whose inputs change with the secret has inputs of its own for each student (checks on
    fixed arguments, such as a size computed by hand, are the same for everyone)."""
    drawn = 0
    for name, assignment in ASSIGNMENTS.items():
        monkeypatch.setenv("AUTOGRADER_SECRET", "term one")
        first, bob = _hidden(assignment, "alice"), _hidden(assignment, "bob")
        monkeypatch.setenv("AUTOGRADER_SECRET", "term two")
        second = _hidden(assignment, "alice")
        for a, b, other_term in zip(first, bob, second, strict=True):
            if _inputs(a) != _inputs(other_term):
                drawn += 1
                assert _inputs(a) != _inputs(b), (name, a.name)
    assert drawn > 60  # the drawn inputs of every assignment were looked at


def test_the_reference_cache_keeps_each_students_hidden_references_apart(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SECRET", "term one")
    spec = ASSIGNMENTS["03_pooling"]

    def key(student: str) -> str:
        return reference_cache.key([dataclasses.replace(c, compare=None) for c in _hidden(spec, student)])

    alice = key("alice")
    assert alice == key("alice") != key("bob")
    monkeypatch.setenv("AUTOGRADER_SECRET", "term two")
    assert key("alice") != alice


@pytest.mark.parametrize("student", ["alice", "alice@example.org", "학생 1"])
def test_an_id_draws_apart_from_one_that_only_looks_alike(student):
    """The id is taken as given: ids that differ in case or spacing are other students."""
    spec = ASSIGNMENTS["01_conv_basics"]
    conv = [c for c in _hidden(spec, student) if c.function == "conv2d_manual" and isinstance(c.args[0], np.ndarray)]
    for other in (student.upper(), f" {student}", ""):
        if other != student:
            lookalike = [c for c in _hidden(spec, other) if c.name in {x.name for x in conv}]
            assert [_inputs(c) for c in conv] != [_inputs(c) for c in lookalike], other
