"""The student copy holds nothing secret; the Gradescope bundle grades in a
simulated /autograder layout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import gradescope, student_copy
from autograder.course import ASSIGNMENTS

ROOT = Path(__file__).resolve().parent.parent
ALICE = ROOT / "tests" / "sample_class" / "alice" / "01_conv_basics" / "conv_basics.ipynb"


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    return student_copy.build(tmp_path_factory.mktemp("student") / "copy")


def _without_pythonpath() -> dict:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_the_student_copy_ships_only_the_allowed_modules(copy):
    shipped = {p.relative_to(copy / "autograder").as_posix() for p in (copy / "autograder").rglob("*.py")}
    allowed = {f"{m}.py" for m in student_copy.SHIPPED_MODULES}
    assert {s for s in shipped if "/" not in s} == allowed
    assert {s.split("/")[0] for s in shipped if "/" in s} == set(student_copy.SHIPPED_PACKAGES)
    assert not (copy / "autograder" / "synth.py").exists()


def test_the_student_copy_cli_offers_no_instructor_command(copy):
    # cwd comes first on sys.path for -m, so the copy's package is the one imported
    # even though the instructor's package is installed in this environment.
    cmd = [sys.executable, "-m", "autograder", "--help"]
    proc = subprocess.run(cmd, cwd=copy, capture_output=True, text=True, env=_without_pythonpath(), timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "self-check" in proc.stdout
    for command in ("student-copy", "gradescope-bundle", "gradescope-run", "bench"):
        assert command not in proc.stdout, proc.stdout
    where = [sys.executable, "-c", "import autograder; print(autograder.__file__)"]
    origin = subprocess.run(where, cwd=copy, capture_output=True, text=True, env=_without_pythonpath(), timeout=60)
    assert Path(origin.stdout.strip()).resolve() == (copy / "autograder" / "__init__.py").resolve()


def test_the_student_copy_has_no_solution_hidden_check_or_hidden_input(copy):
    assert not (copy / "autograder" / "hidden").exists()
    assert not (copy / "solutions").exists()
    secrets = student_copy.secret_lines()
    assert len(secrets) > 20
    assert student_copy.leaks(copy, secrets) == []
    from autograder.hidden import DEFAULT_SECRET

    assert not any(DEFAULT_SECRET in p.read_text() for p in copy.rglob("*") if p.suffix in {".py", ".md", ".ipynb"})
    assert (copy / "autograder" / "frozen_references.bin").exists()


def test_the_leak_search_finds_a_planted_solution_line(tmp_path):
    secrets = student_copy.secret_lines()
    (tmp_path / "notes.py").write_text(sorted(secrets)[0] + "\n")
    assert student_copy.leaks(tmp_path, secrets)


def test_the_student_copy_self_checks_with_public_checks_only(copy):
    env = _without_pythonpath()
    cmd = [sys.executable, "-m", "pytest", "autograder", "-q", "-p", "no:cacheprovider", "--submission", str(ALICE)]
    proc = subprocess.run(cmd, cwd=copy, capture_output=True, text=True, env=env, timeout=600)
    public = sum(c.points for c in ASSIGNMENTS["01_conv_basics"].checks(hidden=False))
    assert f"{ALICE}: {public:g} / {public:g} points" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.returncode == 0


@pytest.mark.parametrize("assignment", ["01_conv_basics"])
def test_the_gradescope_bundle_grades_a_submission(tmp_path, assignment):
    bundle = gradescope.bundle(assignment, tmp_path / "bundle.zip")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        assert {"setup.sh", "run_autograder", "pyproject.toml"} <= set(names)
        assert "autograder/hidden/conv_basics.py" in names
        assert (z.getinfo("run_autograder").external_attr >> 16) & 0o111
        z.extractall(root / "source")
    (root / "run_autograder").write_text((root / "source" / "run_autograder").read_text())
    (root / "submission").mkdir()
    shutil.copy(ALICE, root / "submission" / ALICE.name)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "alice@example.org"}]}))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == results["max_score"] == sum(c.points for c in ASSIGNMENTS[assignment].checks())
    assert {"name", "score", "max_score", "status", "output", "visibility", "tags"} <= set(results["tests"][0])
    assert results["extra_data"]["student"] == "alice@example.org"
