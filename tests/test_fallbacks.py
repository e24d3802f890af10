"""What could not be graded gets a result that says why, built by the grading engine alone
and the same for every front end, in the student's language: a notebook that cannot be
read, no notebook submitted, and a grader that failed (never a 0 that looks final)."""

from __future__ import annotations

import json
import re

import pytest

from autograder.core import intake
from autograder.core.course import ASSIGNMENTS
from autograder.core.submissions import Submission
from autograder.frontends import batch, gradescope
from autograder.judge.engine import Grader

CONV = ASSIGNMENTS["01_conv_basics"]
HANGUL = re.compile("[\uac00-\ud7a3]")
ENGLISH = {
    "unreadable": "The notebook could not be read",
    "missing": "No notebook was submitted (expected conv_basics.ipynb)",
    "failed": "Not graded: the grader failed (not your fault).",
}


def _korean(text: str) -> bool:
    return bool(HANGUL.search(text)) and not any(english in text for english in ENGLISH.values())


def _fallbacks(grader: Grader) -> dict:
    # A source line that is not text, handed over as a dict (as nbgrader's plugin does): the
    # grader's own code fails on it before any sandbox starts.
    broken = {"cells": [{"cell_type": "code", "source": ["x = 1\n", 5], "metadata": {}}], "metadata": {}}
    return {
        "unreadable": grader.grade_text("{not json", "ann", CONV),
        "missing": grader.missing("ann", CONV),
        "failed": grader.grade_notebook(broken, "ann", CONV),
    }


@pytest.mark.parametrize("kind", list(ENGLISH))
def test_each_fallback_fails_every_check_and_says_why_in_english_and_korean(kind):
    english, korean = (
        _fallbacks(Grader(hidden=False, lang="en"))[kind],
        _fallbacks(Grader(hidden=False, lang="ko"))[kind],
    )
    public = [c.name for c in CONV.checks(hidden=False)]
    for result in (english, korean):
        assert [c.name for c in result.checks] == public and result.score == 0 and result.max_score > 0
    assert all(ENGLISH[kind] in c.message for c in english.checks), english.checks[0].message
    assert all(_korean(c.message) for c in korean.checks), korean.checks[0].message
    assert (english.lang, korean.lang) == ("en", "ko")
    assert bool(english.grader_error) == bool(korean.grader_error) == (kind == "failed")
    if kind == "failed":
        assert english.grader_error.startswith("TypeError: sequence item 1")


def test_the_hidden_checks_are_failed_too_when_the_grader_grades_them():
    result = Grader(hidden=True).missing("ann", CONV)
    assert any(c.hidden for c in result.checks) and result.max_score == sum(c.points for c in CONV.checks(True))


def test_the_batch_grader_hands_a_refused_file_and_a_missing_notebook_to_the_engine(tmp_path):
    grader = Grader(hidden=False, lang="ko")
    refused = intake.Refusal(intake.RefusalKind.SYMLINK, str(tmp_path / "conv_basics.ipynb"))
    results = {
        "refused": batch._not_graded(grader, Submission("ann", CONV, tmp_path / "x.ipynb", refused)),
        "missing": batch._not_graded(grader, Submission("ann", CONV, None)),
    }
    assert batch._not_graded(grader, Submission("ann", CONV, tmp_path / "x.ipynb")) is None  # graded
    assert all(r.score == 0 and r.lang == "ko" and not r.grader_error for r in results.values())
    assert "conv_basics.ipynb" in results["refused"].notes[0] and _korean(results["refused"].checks[0].message)
    assert _korean(results["missing"].notes[0])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_gradescope_says_no_notebook_was_submitted_in_the_courses_language(tmp_path, monkeypatch, lang):
    monkeypatch.setenv("AUTOGRADER_LANG", lang)
    (tmp_path / "submission").mkdir()
    gradescope.run(CONV.name, root=tmp_path)
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    assert data["score"] == 0 and data["tests"] and data["extra_data"]["lang"] == lang
    said = data["tests"][0]["output"]
    assert ENGLISH["missing"] in said if lang == "en" else _korean(said)
