"""Shared fixtures: one real Grader (fork server, sandboxed children) per session,
and helpers that write submissions made from the course's own notebooks."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from autograder.core.course import ASSIGNMENTS
from autograder.execute.sandbox import Limits
from autograder.judge.engine import Grader
from bench import synth

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# One reference cache for the whole session (shared by the subprocesses the tests start,
# and by the workers of ``-n 2``, which inherit it from the run that started them), never
# the developer's own.
if "PYTEST_XDIST_WORKER" not in os.environ:
    os.environ["AUTOGRADER_CACHE"] = tempfile.mkdtemp(prefix="autograder-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
TEST_LIMITS = Limits(cell_seconds=4.0, submission_seconds=120.0)


def unavailable(reason: str):
    """Skip the test: a real part it needs (a browser, a proxy, a server) is missing here.
    Under ``CI=true`` (``.ci/run`` sets it and installs every part) fail instead: CI
    must run it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run this test, but {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    """The fast tier (``-m "not slow"``) starts no grader and runs no nbgrader or
    Chromium: a test that does must say so with ``@pytest.mark.slow``."""
    unmarked = [
        item.nodeid
        for item in items
        if item.get_closest_marker("slow") is None
        and ("grader" in item.fixturenames or item.get_closest_marker("nbgrader") or item.get_closest_marker("browser"))
    ]
    if unmarked:
        raise pytest.UsageError("mark these tests @pytest.mark.slow: " + ", ".join(unmarked))


@pytest.fixture(scope="session")
def grader():
    """The session's grader, warm: its fork servers preloaded and 01's references
    computed here, so that no test's own time limit pays for that."""
    with Grader(TEST_LIMITS) as g:
        conv_basics = ASSIGNMENTS["01_conv_basics"]
        g.prepare(conv_basics)
        g.warm_up()
        g.references(conv_basics)
        yield g


def code_cell(source: str, cell_id: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "id": cell_id,
        "source": source,
    }


@pytest.fixture
def submission(tmp_path):
    """submission(assignment, replace={function: source}, cells=[source, ...]) -> path.

    The notebook is the release with every answer filled in from the solutions,
    except the ``replace``d answer cells; extra ``cells`` go right after the first
    cell (the imports), so later answer cells still run after them."""

    def make(assignment="01_conv_basics", replace=None, cells=(), student="student"):
        spec = ASSIGNMENTS[assignment]
        nb = synth.solved(spec, replace)
        for i, source in enumerate(cells):
            nb["cells"].insert(2 + i, code_cell(source, f"extra-{i}"))
        return synth.write(nb, tmp_path / student / assignment / spec.notebook)

    return make


def function_scores(result) -> dict[str, float]:
    return {f: got for f, (got, _) in result.function_scores().items()}
