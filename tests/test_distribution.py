"""The student copy holds nothing secret; the Gradescope bundle grades in a
simulated /autograder layout."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.author.hidden import DEFAULT_SECRET
from autograder.core import plain
from autograder.core.compare import equal
from autograder.core.course import ASSIGNMENTS
from autograder.core.outcomes import Reference
from autograder.release import gradescope, leaks, student_copy

ROOT = Path(__file__).resolve().parent.parent
ALICE = ROOT / "tests" / "sample_class" / "alice" / "01_conv_basics" / "conv_basics.ipynb"


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    return student_copy.build(tmp_path_factory.mktemp("student") / "copy")


def _without_pythonpath() -> dict:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.mark.slow
def test_the_student_copy_ships_only_the_allowed_modules(copy):
    shipped = {p.relative_to(copy / "autograder").as_posix() for p in (copy / "autograder").rglob("*.py")}
    allowed = {p for p in shipped if any(p == part or p.startswith(part + "/") for part in student_copy.SHIPPED)}
    assert shipped == allowed and "author/public/filters.py" in shipped
    for instructor_only in ("release", "author/keys", "author/hidden", "author/references.py"):
        assert not (copy / "autograder" / instructor_only).exists()


@pytest.mark.slow
def test_the_student_copy_cli_offers_no_instructor_command(copy):
    # cwd comes first on sys.path for -m, so the copy's package is the one imported
    # even though the instructor's package is installed in this environment.
    cmd = [sys.executable, "-m", "autograder", "--help"]
    proc = subprocess.run(cmd, cwd=copy, capture_output=True, text=True, env=_without_pythonpath(), timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "self-check" in proc.stdout
    for command in ("student-copy", "gradescope-bundle", "gradescope-run", "bench", "export", "similarity"):
        assert command not in proc.stdout, proc.stdout
    where = [sys.executable, "-c", "import autograder; print(autograder.__file__)"]
    origin = subprocess.run(where, cwd=copy, capture_output=True, text=True, env=_without_pythonpath(), timeout=60)
    assert Path(origin.stdout.strip()).resolve() == (copy / "autograder" / "__init__.py").resolve()


def test_the_student_copy_installs_what_a_student_needs_and_no_instructor_tool(copy):
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((copy / "pyproject.toml").read_text())
    needs = {re.split(r"[<>=;\[ ]", d)[0] for d in project["project"]["dependencies"]}
    assert {"numpy", "tensorflow-cpu", "keras", "pytest", "jupyterlab", "ipython", "nbformat"} <= needs
    assert not needs & {"nbgrader", "dask", "copydetect", "rich", "import-linter"}, needs
    assert "importlinter" not in project.get("tool", {}) and "optional-dependencies" not in project["project"]
    assert "scripts" not in project["project"]


def _frozen_references(copy: Path) -> dict[str, Reference]:
    data = plain.loads((copy / "autograder" / "author" / "public" / "frozen_references.bin").read_bytes())
    return {name: Reference.from_plain(r) for name, r in data["references"].items()}


@pytest.mark.slow
def test_the_student_copy_has_no_solution_hidden_check_or_hidden_input(copy):
    assert not (copy / "autograder" / "author" / "hidden").exists()
    assert not (copy / "autograder" / "author" / "keys").exists()
    assert not (copy / "solutions").exists()
    assert leaks.find(copy, _frozen_references(copy)) == []
    assert not any(DEFAULT_SECRET in p.read_text() for p in copy.rglob("*") if p.suffix in {".py", ".md", ".ipynb"})


@pytest.mark.slow
def test_the_frozen_references_equal_the_live_ones(copy):
    frozen = _frozen_references(copy)
    live = student_copy.public_references()
    assert frozen.keys() == live.keys()
    for name, reference in live.items():
        assert equal(plain.to_plain(reference.to_plain()), frozen[name].to_plain()) is None, name


# What the public check modules shipped before the answer keys moved out (commit 67522da).
PLANTED = {
    "author/public/filters.py": [
        (
            "channels_first_reference",
            """
def _widen(array):
    return array.astype(np.int64) if array.dtype.kind in "iu" and array.dtype.itemsize < 8 else array


def channels_first_reference(feature_maps):
    return _widen(np.moveaxis(np.asarray(feature_maps), -1, -3).copy())
""",
        ),
        (
            "same_padding",
            """
def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2
""",
        ),
    ],
    "author/public/edge_detection.py": [
        (
            "cross_correlate",
            """
def windows(X, kernel_shape):
    return np.lib.stride_tricks.sliding_window_view(np.asarray(X, dtype=np.float64), tuple(kernel_shape), axis=(1, 2))


def cross_correlate(X, kernel):
    kernel = np.asarray(kernel, dtype=np.float64)
    return np.einsum("nijuv,uv->nij", windows(X, kernel.shape), kernel)
""",
        )
    ],
    "author/public/pooling.py": [
        (
            "_same_pads",
            """
def _pair(value):
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def _same_pads(size, pool, stride, extra_first=False):
    out = -(-size // stride)
    total = max((out - 1) * stride + pool - size, 0)
    small, big = total // 2, total - total // 2
    return (big, small) if extra_first else (small, big)
""",
        ),
        (
            "_geometry",
            """
def _geometry(x, pool_size, strides, padding, extra_first=False):
    _, h, w, _ = np.shape(x)
    ph, pw = _pair(pool_size)
    sh, sw = _pair(pool_size if strides is None else strides)
    if padding == "same":
        pads = (_same_pads(h, ph, sh, extra_first), _same_pads(w, pw, sw, extra_first))
        out = (-(-h // sh), -(-w // sw))
    else:
        pads = ((0, 0), (0, 0))
        out = ((h - ph) // sh + 1, (w - pw) // sw + 1)
    return (ph, pw), (sh, sw), pads, out
""",
        ),
    ],
    "author/public/cnn_models.py": [
        (
            "_cascade_no_plus_one",
            """
def _pair(value):
    if np.ndim(value) == 0:
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def _cascade_no_plus_one(input_shape, filters_per_layer, kernel_size=3):
    kh, kw = _pair(kernel_size)
    n, h, w, _ = (int(d) for d in input_shape)
    shapes = []
    for filters in filters_per_layer:
        h, w = h - kh, w - kw
        shapes.append((n, h, w, int(filters)))
    return shapes
""",
        )
    ],
}


def _lines_of(source: str, name: str) -> range:
    start = source.index(f"def {name}(")
    first = source[:start].count("\n") + 1
    return range(first, first + source[start:].split("\n\n\n")[0].count("\n") + 1)


@pytest.mark.slow
def test_the_leak_search_finds_answer_code_planted_in_a_shipped_module(copy, tmp_path):
    planted = shutil.copytree(copy, tmp_path / "copy")
    where: dict[str, tuple[str, range]] = {}
    for module, snippets in PLANTED.items():
        path = planted / "autograder" / module
        for name, snippet in snippets:
            before = path.read_text()
            path.write_text(before + "\n" + snippet)
            where[name] = (module, _lines_of(before + "\n" + snippet, name))
    shutil.copy(ROOT / "autograder" / "author" / "references.py", planted / "autograder" / "author" / "references.py")
    where["conv2d_single"] = (
        "author/references.py",
        _lines_of((ROOT / "autograder" / "author" / "references.py").read_text(), "conv2d_single"),
    )
    # Without the instructor-only modules among the sources: what was found is found
    # because it computes (or is code of) an answer, not because it was moved from there.
    found = leaks.find(planted, _frozen_references(copy), instructor=False)
    for name, (module, lines) in where.items():
        at_line = (re.fullmatch(rf"autograder/{re.escape(module)}:(\d+)", leak.where) for leak in found)
        hits = [
            leak
            for leak, m in zip(found, at_line)
            if leak.where.endswith(f"{module}::{name}") or m and int(m[1]) in lines
        ]
        assert hits, f"{name} planted in {module} was not found; found: {[str(x) for x in found]}"


SELF_CHECKED = ("01_conv_basics", "05_edge_detection", "06_backprop")
"""05: frozen learn_kernel targets; 06: answers that are tuples of arrays."""


@pytest.fixture(scope="module")
def self_check(copy) -> subprocess.CompletedProcess:
    """``pytest autograder`` in the student copy on alice's notebooks, in one run."""
    cmd = [sys.executable, "-m", "pytest", "autograder", "-q", "-p", "no:cacheprovider"]
    for assignment in SELF_CHECKED:
        # one argument each: pytest would take a separate value for a path and load the conftest.py beside it
        cmd.append(f"--submission={ALICE.parent.parent / assignment / ASSIGNMENTS[assignment].notebook}")
    return subprocess.run(cmd, cwd=copy, capture_output=True, text=True, env=_without_pythonpath(), timeout=900)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", SELF_CHECKED)
def test_the_student_copy_self_checks_with_public_checks_only(self_check, assignment):
    proc = self_check
    notebook = ALICE.parent.parent / assignment / ASSIGNMENTS[assignment].notebook
    spec = ASSIGNMENTS[assignment]
    public = sum(c.points for c in spec.checks(hidden=False))
    hidden = sum(spec.hidden_points(f) for f in spec.functions)
    told = f"visible: {public:g} / {public:g} points; hidden checks worth {hidden:g} more points run when the course grades"
    assert f"{notebook}: {told}" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    for function in spec.functions:
        public = spec.points(function, hidden=False)
        if spec.hidden_points(function):
            assert f"  {function}: visible: {public:g} / {public:g} points; hidden checks worth " in proc.stdout
        else:
            assert f"  {function}: {public:g} / {public:g} points (no hidden checks)" in proc.stdout
    assert proc.returncode == 0


@pytest.mark.slow
def test_the_student_copy_tells_what_the_hidden_checks_are_worth_without_holding_them(copy):
    frozen = plain.loads((copy / "autograder" / "author" / "public" / "frozen_references.bin").read_bytes())
    assert frozen["hidden_points"] == student_copy.hidden_points()
    assert student_copy.points_table() in (copy / "README.md").read_text()
    hidden_names = [c.name for a in ASSIGNMENTS.values() for c in a.checks(hidden=True) if c.hidden]
    files = [p for p in copy.rglob("*") if p.is_file()]
    assert not [(n, p.name) for p in files for n in hidden_names if n.encode() in p.read_bytes()]
    # The in-notebook check(): a wrong answer to every visible check, and the hidden figure.
    code = "from autograder.inline import check; check('conv_output_shape', lambda *a, **k: (0, 0, 0, 0))"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=copy, capture_output=True, text=True, env=_without_pythonpath(), timeout=300
    )
    spec = ASSIGNMENTS["01_conv_basics"]
    visible, hidden = spec.points("conv_output_shape", hidden=False), spec.hidden_points("conv_output_shape")
    assert hidden > 0
    first = proc.stdout.splitlines()[0] if proc.stdout else proc.stderr[-2000:]
    assert first == (
        f"conv_output_shape: visible: 0 / {visible:g} points; hidden checks worth {hidden:g} more points "
        "run when the course grades"
    ), first
    assert visible + hidden == spec.points("conv_output_shape", hidden=True)


def test_bundling_without_the_course_secret_fails_naming_it(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTOGRADER_SECRET", raising=False)
    with pytest.raises(ValueError, match="AUTOGRADER_SECRET is not set"):
        gradescope.bundle("01_conv_basics", tmp_path / "bundle.zip")
    monkeypatch.setenv("AUTOGRADER_SECRET", DEFAULT_SECRET)
    with pytest.raises(ValueError, match="AUTOGRADER_SECRET is the public default"):
        gradescope.bundle("01_conv_basics", tmp_path / "bundle.zip")
    assert not (tmp_path / "bundle.zip").exists()
    cmd = [sys.executable, "-m", "autograder", "gradescope-bundle", "01_conv_basics", "--out", str(tmp_path / "b.zip")]
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_SECRET"}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "AUTOGRADER_SECRET" in proc.stderr, proc.stderr[-2000:]
    assert gradescope.bundle("01_conv_basics", tmp_path / "b.zip", allow_default_secret=True).exists()


def _hidden_inputs_digest(assignment: str, secret: str, student: str) -> str:
    """The batch grader's hidden inputs for ``student`` under ``secret``, computed in a fresh process."""
    code = (
        "from autograder.core.spec import hidden_inputs_digest; from autograder.core.course import ASSIGNMENTS; "
        f"print(hidden_inputs_digest(ASSIGNMENTS[{assignment!r}].checks(student={student!r})))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUTOGRADER_SECRET": secret}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["01_conv_basics", "06_backprop"])
def test_the_gradescope_bundle_grades_a_submission_with_the_course_secret(tmp_path, assignment, monkeypatch):
    secret = "a private secret for this term"
    monkeypatch.setenv("AUTOGRADER_SECRET", secret)
    bundle = gradescope.bundle(assignment, tmp_path / "bundle.zip")
    root = tmp_path / "autograder"
    alice = ALICE.parent.parent / assignment / ASSIGNMENTS[assignment].notebook
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        assert {"setup.sh", "run_autograder", "pyproject.toml", gradescope.SECRET_FILE} <= set(names)
        assert f"autograder/author/hidden/{ASSIGNMENTS[assignment].module}.py" in names
        assert (z.getinfo("run_autograder").external_attr >> 16) & 0o111
        assert (z.getinfo(gradescope.SECRET_FILE).external_attr >> 16) & 0o077 == 0
        assert z.read(gradescope.SECRET_FILE).decode() == secret
        z.extractall(root / "source")
    (root / "run_autograder").write_text((root / "source" / "run_autograder").read_text())
    (root / "submission").mkdir()
    shutil.copy(alice, root / "submission" / alice.name)
    users = [{"email": "alice@example.org", "id": 1234, "name": "Alice"}, {"email": "bob@example.org", "id": 7}]
    (root / "submission_metadata.json").write_text(json.dumps({"users": users}))
    # The run must take the secret from the bundle, not from its environment.
    env = {
        **os.environ,
        "AUTOGRADER_SECRET": "another value",
        "AUTOGRADER_ROOT": str(root),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == results["max_score"] == sum(c.points for c in ASSIGNMENTS[assignment].checks())
    assert {"name", "score", "max_score", "status", "output", "visibility", "tags"} <= set(results["tests"][0])
    assert results["extra_data"]["student"] == "alice@example.org"
    digest = results["extra_data"]["hidden_inputs_sha256"]
    assert digest == _hidden_inputs_digest(assignment, secret, "alice@example.org")  # the first user's email
    assert digest != _hidden_inputs_digest(assignment, DEFAULT_SECRET, "alice@example.org")
    assert digest != _hidden_inputs_digest(assignment, secret, "bob@example.org")
