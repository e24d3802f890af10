"""The similarity page highlights whole words of each student's own code: never from
mid-word to mid-word, never the code every student was given (stubs, docstrings)."""

from __future__ import annotations

import re

import pytest

from autograder.core.course import ASSIGNMENTS
from autograder.report import similarity
from bench import synth


@pytest.mark.parametrize("name", ["01_conv_basics", "03_pooling"])
def test_matches_are_whole_words_of_the_students_own_code(name):
    assignment = ASSIGNMENTS[name]
    solved = similarity.answer_cells(synth.solved(assignment), assignment)
    given = {line.strip() for line in similarity.boilerplate(assignment).splitlines() if line.strip()}
    pairs = similarity.compare({"ann": solved, "ben": solved}, assignment)
    assert pairs and all(p.similarity == 1.0 for p in pairs)
    for pair in pairs:
        source, ranges = pair.sources[0], pair.matches[0]
        assert ranges, pair.function  # the answers' own code matches, and is shown
        for start, end in ranges:
            for at in (start, end):
                assert not re.match(r"\w\w", source[max(at - 1, 0) : at + 1]) or at == 0, (
                    pair.function,
                    source[at - 10 : at + 10],
                )
            marked = [line.strip() for line in source[start:end].splitlines() if line.strip()]
            assert not [line for line in marked if line in given], (pair.function, source[start:end])
    # the signature and docstring are given: none of them is highlighted
    page = similarity._highlighted(pairs[0].sources[0], pairs[0].matches[0])
    assert "<mark>def " not in page and '<mark>    """' not in page
