"""What crosses a stage boundary is a type, written and read back in one place each."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from autograder.core.compare import equal
from autograder.core.course import ASSIGNMENTS
from autograder.core.outcomes import CallError, CellRun, ErrorKind, Reference
from autograder.core.results import NotebookResult
from autograder.judge import reference_cache
from autograder.judge.engine import Grader


def test_references_round_trip_through_the_cache_as_plain_data(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path))
    checks = ASSIGNMENTS["01_conv_basics"].checks(hidden=False)[:2]
    references = [
        Reference(np.arange(6.0).reshape(2, 3), {"flipped-kernel": np.zeros((2, 3))}),
        Reference((1, 4, 4, 8)),
    ]
    assert reference_cache.load(checks) is None
    reference_cache.store(checks, references)
    back = reference_cache.load(checks)
    assert [type(r) for r in back] == [Reference, Reference]
    assert equal(back[0].expected, references[0].expected) is None
    assert equal(back[0].alternates["flipped-kernel"], np.zeros((2, 3))) is None
    assert back[1].alternates == {} and list(back[1].expected) == [1, 4, 4, 8]
    assert reference_cache.load(checks[:1]) is None  # another set of checks, another entry


@pytest.mark.parametrize(
    "data",
    [{"expected": 1}, {"expected": 1, "alternates": [], "more": 0}, {"expected": 1, "alternates": {1: 2}}, [1, {}]],
)
def test_a_malformed_reference_is_refused(data):
    with pytest.raises(ValueError):
        Reference.from_plain(data)


def test_a_results_cells_round_trip_with_their_error_kind():
    assignment = ASSIGNMENTS["01_conv_basics"]
    ran = {
        0: CellRun(output="hello\n", seconds=0.5),
        3: CellRun(CallError(ErrorKind.NOT_DEFINED, "NameError: m"), "partial", 0.1),
    }
    result = dataclasses.replace(Grader(hidden=False).missing("ada", assignment), cells=ran)
    back = NotebookResult.from_dict(result.to_dict())
    assert back.cells == ran
    assert back.cell_errors == {3: "NameError: m"}
