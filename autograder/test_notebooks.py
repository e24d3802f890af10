"""The self-check's tests: one per check of each notebook (see conftest.py)."""

from __future__ import annotations

import pytest

from .conftest import assignment_of, submissions
from .core import i18n
from .report.report_text import UNPUBLISHED


def pytest_generate_tests(metafunc):
    if "case" not in metafunc.fixturenames:
        return
    cases, ids = [], []
    for path in submissions(metafunc.config):
        for check in assignment_of(metafunc.config, path).checks():
            cases.append((path, check.name))
            ids.append(f"{path.parent.name}::{check.name}")
    metafunc.parametrize("case", cases, ids=ids)


def test_check(graded, case, request):
    path, name = case
    result = graded.result(path)
    with i18n.language(result.lang):
        failed, unpublished = i18n._("the grader failed (not your fault): {error}"), i18n._(UNPUBLISHED)
    if result.grader_error:
        pytest.fail(failed.format(error=result.grader_error), pytrace=False)
    check = next(c for c in result.checks if c.name == name)
    if not check.passed and check.hidden and not request.config.getoption("show_hidden"):
        pytest.fail(unpublished, pytrace=False)
    if not check.passed:
        pytest.fail(f"{check.description}\n{check.message}", pytrace=False)
