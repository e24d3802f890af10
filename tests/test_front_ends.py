"""The three front ends on the bundled sample class: the batch grader
(``python -m autograder grade``), the self-check (``pytest autograder``) and real
``nbgrader autograde``. Solutions score full marks, stubs score 0, one wrong
function costs exactly that function's points, and all three agree."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder.core.course import ASSIGNMENTS

from .make_sample_class import BOB_MISTAKES

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample_class"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
GRADED = sorted((p.parent.parent.name, p.parent.name) for p in SAMPLE.glob("*/*/*.ipynb"))


def full(assignment: str) -> float:
    return sum(c.points for c in ASSIGNMENTS[assignment].checks())


def _batch(out: Path) -> dict[tuple[str, str], dict]:
    cmd = [sys.executable, "-m", "autograder", "grade", str(SAMPLE), "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=ENV, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = {}
    for path in out.glob("*/*/results.json"):
        results[(path.parent.parent.name, path.parent.name)] = json.loads(path.read_text())
    return results


def _selfcheck() -> dict[tuple[str, str], float]:
    notebooks = sorted(SAMPLE.glob("*/*/*.ipynb"))
    cmd = [sys.executable, "-m", "pytest", "autograder", "-q", "-p", "no:cacheprovider"]
    for nb in notebooks:
        cmd += ["--submission", str(nb)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=ENV, cwd=ROOT)
    scores = {}
    for match in re.finditer(r"^(\S+\.ipynb): ([\d.]+) / ([\d.]+) points \(visible: ", proc.stdout, re.MULTILINE):
        path = Path(match.group(1))
        scores[(path.parent.parent.name, path.parent.name)] = float(match.group(2))
    assert len(scores) == len(notebooks), proc.stdout[-3000:] + proc.stderr[-3000:]
    return scores


def run_nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["nbgrader", *args], capture_output=True, text=True, timeout=1800, env=ENV, cwd=course)


def _autograde(course: Path) -> tuple[Path, dict[str, subprocess.CompletedProcess]]:
    """Real nbgrader on a copy of the course: generate, then autograde the sample class,
    one command per assignment; the course folder and each command's run."""
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    shutil.copytree(SAMPLE, course / "submitted")
    assignments = sorted({a for _, a in GRADED})
    proc = run_nbgrader(course, "generate_assignment", "*", "--force")  # every assignment, one nbgrader start
    assert proc.returncode == 0, proc.stderr[-3000:]
    return course, {a: run_nbgrader(course, "autograde", a, "--force") for a in assignments}


@pytest.fixture(scope="module")
def front_ends(request, tmp_path_factory, grader) -> dict[str, Future]:
    """The front ends the selected tests of this module need, started at once (the self-check
    grades one notebook at a time, nbgrader spends much of its time in its own pass over the
    notebooks: side by side they share the cores), each a Future of what it returns. The
    Keras references are computed first, once, into the session's cache that all of them read."""
    for assignment in sorted({a for _, a in GRADED}):
        grader.references(ASSIGNMENTS[assignment])
    needed = {name for item in request.session.items if item.module is request.module for name in item.fixturenames}
    runs = {
        "batch": lambda: _batch(tmp_path_factory.mktemp("reports")),
        "selfcheck": _selfcheck,
        "autograded": lambda: _autograde(tmp_path_factory.mktemp("course")),
    }
    with ThreadPoolExecutor(len(runs)) as pool:
        yield {name: pool.submit(run) for name, run in runs.items() if name in needed}


@pytest.fixture(scope="module")
def batch(front_ends) -> dict[tuple[str, str], dict]:
    return front_ends["batch"].result()


@pytest.fixture(scope="module")
def selfcheck(front_ends) -> dict[tuple[str, str], float]:
    return front_ends["selfcheck"].result()


@pytest.fixture(scope="module")
def autograded(front_ends) -> tuple[Path, dict[str, subprocess.CompletedProcess]]:
    return front_ends["autograded"].result()


@pytest.fixture(scope="module")
def nbgrader(autograded) -> dict[tuple[str, str], float | None]:
    from nbgrader.api import Gradebook, MissingEntry

    course, _ = autograded
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, assignment in GRADED:
            try:
                scores[(student, assignment)] = gb.find_submission(assignment, student).score
            except MissingEntry:
                scores[(student, assignment)] = None
    return scores


@pytest.fixture(scope="module")
def gradescope(tmp_path_factory) -> dict:
    """The Gradescope bundle's ``run_autograder`` on bob's 05_edge_detection (whose hidden learn_kernel
    targets are derived from his drawn images) alone in its process: its results.json.
    Gradescope names bob by his email, which a course graded on several front ends takes
    as his id everywhere; the sample class's ids are its folder names, so here it is "bob"."""
    from autograder.release import gradescope as bundle

    root = tmp_path_factory.mktemp("gradescope")
    with zipfile.ZipFile(bundle.bundle("05_edge_detection", root / "bundle.zip", allow_default_secret=True)) as z:
        z.extractall(root / "source")
    (root / "run_autograder").write_text((root / "source" / "run_autograder").read_text())
    (root / "submission").mkdir()
    shutil.copy(SAMPLE / "bob" / "05_edge_detection" / "edge_detection.ipynb", root / "submission")
    users = [{"email": "bob", "id": 1234, "name": "Bob"}]
    (root / "submission_metadata.json").write_text(json.dumps({"users": users}))
    env = {**ENV, "AUTOGRADER_ROOT": str(root), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text())


def test_every_submission_gets_a_result_from_the_batch_grader(batch):
    assert set(GRADED) <= set(batch)
    for key, data in batch.items():
        assert data["max_score"] == full(key[1])
        assert data["extra_data"]["grader_error"] is None
        assert {t["name"] for t in data["tests"]} == {c.name for c in ASSIGNMENTS[key[1]].checks()}
        assert all(any(tag.startswith("function:") for tag in t["tags"]) for t in data["tests"])


@pytest.mark.parametrize("assignment", sorted({a for _, a in GRADED}))
def test_the_solution_scores_full_marks_and_the_stubs_zero_everywhere(batch, selfcheck, nbgrader, assignment):
    for scores in ({k: v["score"] for k, v in batch.items()}, selfcheck, nbgrader):
        assert scores[("alice", assignment)] == full(assignment)
        assert scores[("carol", assignment)] == 0


@pytest.mark.parametrize("assignment", sorted({a for _, a in GRADED}))
def test_one_wrong_function_loses_exactly_its_points(batch, assignment):
    wrong = BOB_MISTAKES[assignment].split("__")[0]
    by_function: dict[str, list[float]] = {}
    for t in batch[("bob", assignment)]["tests"]:
        function = next(tag.split(":", 1)[1] for tag in t["tags"] if tag.startswith("function:"))
        by_function.setdefault(function, [0.0, 0.0])
        by_function[function][0] += t["score"]
        by_function[function][1] += t["max_score"]
    assert by_function[wrong][0] < by_function[wrong][1]
    assert all(got == top for f, (got, top) in by_function.items() if f != wrong)
    mistake = BOB_MISTAKES[assignment].split("__")[1]
    tags = {tag for t in batch[("bob", assignment)]["tests"] for tag in t["tags"]}
    assert f"misconception:{mistake}" in tags


def test_the_three_front_ends_give_identical_scores(batch, selfcheck, nbgrader):
    for key in GRADED:
        assert selfcheck[key] == batch[key]["score"], key
        assert nbgrader[key] == batch[key]["score"], key


def test_each_student_is_graded_with_their_own_hidden_inputs_on_every_front_end(batch, autograded, gradescope):
    """The same student's hidden inputs (as the digest every result carries) on the batch
    grader, nbgrader and the Gradescope bundle, with the same scores; another student's differ."""
    course, _ = autograded
    by_assignment: dict[str, dict[str, str]] = {}
    for (student, assignment), data in batch.items():
        digest = data["extra_data"]["hidden_inputs_sha256"]
        if digest is None:  # nothing graded: a missing or unreadable notebook
            continue
        by_assignment.setdefault(assignment, {})[student] = digest
        autograded_nb = course / "autograded" / student / assignment / ASSIGNMENTS[assignment].notebook
        metadata = json.loads(autograded_nb.read_text())["metadata"]["autograder"]
        assert metadata["hidden_inputs_sha256"] == digest, (student, assignment)
    assert all(len(set(d.values())) == len(d) >= 2 for d in by_assignment.values()), by_assignment
    expected = batch[("bob", "05_edge_detection")]
    assert gradescope["extra_data"]["student"] == "bob"
    assert gradescope["extra_data"]["hidden_inputs_sha256"] == expected["extra_data"]["hidden_inputs_sha256"]
    assert gradescope["score"] == expected["score"] < expected["max_score"]
    assert {t["name"]: t["score"] for t in gradescope["tests"]} == {t["name"]: t["score"] for t in expected["tests"]}


def test_broken_submissions_get_results_with_reasons(batch):
    dave = {a: data for (s, a), data in batch.items() if s == "dave"}
    assert "not valid notebook JSON" in dave["01_conv_basics"]["output"]
    if "02_filters" in dave:
        assert "No notebook was submitted" in dave["02_filters"]["output"]
    if "06_backprop" in dave:  # the imports cell deleted: every answer fails on np, and says so
        assert dave["06_backprop"]["score"] == 0
        assert all("name 'np' is not defined" in t["output"] for t in dave["06_backprop"]["tests"])


def test_nbgrader_reports_an_unreadable_notebook_in_one_line_and_grades_the_rest(autograded, nbgrader):
    """dave's 01 is not JSON: one warning line, 0 points like the batch grader, exit 0."""
    _, runs = autograded
    run = runs["01_conv_basics"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr and "There was an error processing" not in run.stderr
    about_dave = [line for line in run.stderr.splitlines() if "dave" in line and "not valid notebook JSON" in line]
    assert len(about_dave) == 1, run.stderr[-3000:]
    assert about_dave[0].startswith("[AutogradeApp | WARNING] dave/01_conv_basics: conv_basics.ipynb is not valid")
    assert nbgrader["dave", "01_conv_basics"] == 0.0
    assert all(nbgrader[s, "01_conv_basics"] is not None for s in ("alice", "bob", "carol"))


def test_nbgrader_logs_no_false_alarm_on_the_sample_class(autograded):
    """No test cell of the class was edited: no checksum warning (nbgrader#1961 compares
    them with the gradebook's copy, hidden tests included), and no SQLAlchemy warning."""
    _, runs = autograded
    for assignment, run in runs.items():
        assert "Attribute 'checksum'" not in run.stderr, (assignment, run.stderr[-3000:])
        assert "SAWarning" not in run.stderr, (assignment, run.stderr[-3000:])


def test_the_first_nbgrader_command_grades_the_class_ahead_for_the_later_ones(autograded):
    """One background grader for every command: the later commands start none and take
    every readable submission's result."""
    _, runs = autograded
    first, *later = sorted(runs)
    submitted = [p for p in SAMPLE.glob("*/*") if p.is_dir()]
    assert f"grading {len(submitted)} submissions of {len(runs)} assignments ahead" in runs[first].stderr
    for assignment in later:
        log = runs[assignment].stderr
        assert "ahead in the background" not in log
        graded = {s for s, a in GRADED if a == assignment}
        assert {s for s in graded if re.search(rf"{s}/{assignment} scored \S+, graded ahead$", log, re.M)} == graded
        assert not re.search(r"scored \S+, graded now", log), log[-3000:]


def _text(value: str | list[str]) -> str:
    """A notebook's text field, which nbformat may store as a list of lines."""
    return "".join(value) if isinstance(value, list) else value


def test_nbgrader_test_cells_show_the_pictures_of_wrong_maps(autograded, batch):
    """A test cell of the autograded notebook (what generate_feedback renders) shows one
    picture per visible failed check with an excerpt, named, and no picture otherwise."""
    course, _ = autograded
    pictured = 0
    for (student, assignment), data in batch.items():
        path = course / "autograded" / student / assignment / ASSIGNMENTS[assignment].notebook
        if not path.exists():
            continue
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            if cell["cell_type"] != "code" or not grade_id.startswith("test_"):
                continue
            function = grade_id[len("test_") :]
            wanted = sorted(
                c["name"]
                for c in data["extra_data"]["checks"]
                if c["function"] == function and c["excerpt"] and c["points"] < c["max_points"] and not c["hidden"]
            )
            shown = [o for o in cell["outputs"] if o["output_type"] == "display_data"]
            assert sorted(_text(o["data"]["text/plain"]).split(":")[0] for o in shown) == wanted, (student, grade_id)
            assert all("<img" in _text(o["data"]["text/html"]) for o in shown)
            pictured += len(shown)
    assert pictured > 0  # bob's wrong convolutions and pools have them
