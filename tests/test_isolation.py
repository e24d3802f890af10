"""Attacks on the sandbox's isolation (DESIGN.md section 4, "Trusted comparison").

One class folder holds an honest classmate, a stub control, and one student per
attack (tests/attacks.py); the real CLI grades it, once as root and once as an
unprivileged user, and every assertion runs for both. Probes report through their
answers (numbers in the "Got:" feedback line), the only channel the child has.

What each attack achieved against the sandbox of commit 67522da (before the namespace
isolation), attack students graded on their own or without the denial students; in the
whole batch nearly every test fails, since detached_classmate rewrites honest's results
and the denial students break every submission after them:

| attack (student) | root | unprivileged | how |
| --- | --- | --- | --- |
| forged_frames | 5/15 | 5/15 | result/done frames on the inherited channel fd are believed |
| forged_references | 15/15 | 15/15 | the child imports the grader, builds the hidden checks and their references |
| blank_forbidden | conv 6/6 | 6/6 | the "forbidden" report is the child's word; patched Connection._send_bytes |
| tf_thread, tf_pool | conv 6/6 | 6/6 | the profiler watches the calling thread only |
| tf_fork | conv 6/6 | 6/6 | a forked grandchild's profiler reports to no one |
| tf_subprocess | conv 5-6/6 | 5-6/6 | another process is out of sight (its TF start-up may cost a call) |
| tf_renamed, tf_alias | caught | caught | the profiler sees the C function's module, whatever its name |
| detached_own/_classmate | rewritten | rewritten | a double-forked session leader outlives the child and writes --out |
| planted result | honest row 0 | same | grades.csv keys rows by extra_data.student, not by folder |
| resume after an edit | kept | kept | --resume trusts any results.json without a grader error |
| overwrite_notebook | victim 0 | victim 0 | the child can write the class folder |
| patch_compare | all-wrong 15/15 | caught | a root child writes the package (root-owned files stop agtest) |
| denial_stop | hang, killed | hang | a stopped fork server blocks every later fork |
| denial_kill | grader errors | same | BrokenProcessPool: the references' worker hangs off the fork server |
| denial_pipes | server ends | same | junk on the inherited liveness pipe ends the fork server (racy: grader errors or a restart) |
| innocent_words | 0/15 | 0/15 | tampering_markers() matches words in comments and strings |
| helper_with_import | 9/15 | 9/15 | the whole cell is taken for a test cell and skipped |
| leaks | all 1 | all 1 but signals_pytest | environment, files, /proc, host loopback, writes: all open |
| loopback | 1 | 1 | (must stay 1) |
| string_leak | shown | shown | feedback shows repr() of a string answer |
| sleeper | survives | survives | a new session escapes the child's process group kill |

Set ISOLATION_ATTACKS=name,name to grade only some attack students, ISOLATION_KEEP=1 to
keep the class and reports (in /tmp/agattack-*) for a look (debugging).
An unprivileged run needs an interpreter other users can read: .ci/run arranges that;
elsewhere the run is skipped with the reason (and fails when CI=true).
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench import synth

from . import attacks

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
USER = "agtest"
LIMITS = ["--cell-seconds", "5", "--submission-seconds", "60", "--fork-seconds", "5"]
"""Should an attack stop a fork server (denial_stop), it is given up after 5 s, not the 20 s of production."""
CLI_SECONDS = 180
"""The batch must finish within this, even when an attack stops the fork server."""
FULL = sum(c.points for c in attacks.SPEC.checks())
ASSIGNMENT = attacks.SPEC.name
CONTROLS = ("honest", "stubs", "zz_victim")


@dataclass
class Batch:
    user: str
    work: Path
    out: Path
    cls: Path
    token: str
    secret: str
    students: list[str]
    returncode: int | None = None
    seconds: float = 0.0
    log: str = ""
    at_exit: dict[str, str] = field(default_factory=dict)
    """Hash of every file under out, when the CLI exited."""
    later: dict[str, str] = field(default_factory=dict)
    """The same, 5 s later."""
    survivors: list[str] = field(default_factory=list)
    """Command lines of processes the attacks started that were alive at the CLI's exit."""
    received: bytes = b""
    results: dict[str, dict] = field(default_factory=dict)
    grades: list[list[str]] = field(default_factory=list)
    notebooks_before: dict[str, str] = field(default_factory=dict)
    resumed_stubs: dict = field(default_factory=dict)
    compare_hashes: list[str] = field(default_factory=list)
    """compare.py of the grading package before the first run, after it, after the second."""
    all_wrong: dict = field(default_factory=dict)


# --- helpers -----------------------------------------------------------------------------


def _hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as err:
        return f"unreadable: {err}"


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _hash(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def _ours(token: str) -> dict[int, str]:
    """Processes this run started (the CLI's environment or an attack's argv marker)."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        cmdline = _read(f"/proc/{name}/cmdline")
        if f"AGTEST_RUN={token}".encode() in _read(f"/proc/{name}/environ") or token.encode() in cmdline:
            found[int(name)] = cmdline.replace(b"\0", b" ").decode(errors="replace")
    return found


def _kill(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _chown(folder: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)  # never a link's target


class _Listener:
    """A TCP listener on the host's loopback that keeps whatever reaches it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2.0)
                try:
                    self.received.append(b"connected: " + conn.recv(4096))
                except OSError:
                    self.received.append(b"connected")

    def close(self) -> bytes:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()
        return b"\n".join(self.received)


def _prefix(user: str, env: dict[str, str]) -> list[str]:
    if user == "root":
        return []
    return ["setpriv", "--reuid", USER, "--regid", USER, "--clear-groups", "--reset-env", "env"] + [
        f"{k}={v}" for k, v in env.items()
    ]


def _unprivileged_python_works() -> str | None:
    """None when USER can run this interpreter (creating USER if needed), else why not."""
    if os.geteuid() != 0:
        return "the tests do not run as root, so they cannot create or become an unprivileged user"
    try:
        pwd.getpwnam(USER)
    except KeyError:
        cmd = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            return f"useradd {USER} failed: {proc.stderr.strip()}"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    cmd = _prefix("unprivileged", env) + [sys.executable, "-c", "import numpy"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/", timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"cannot run {sys.executable} as {USER}: {err}"
    if proc.returncode:
        return (
            f"user {USER} cannot run {sys.executable} ({proc.stderr.strip()[-300:]}); give other users search/read "
            "access to the interpreter, its prefix and the venv (see .ci/run)"
        )
    return None


def _cli(batch: Batch, env: dict[str, str], *args: str, timeout: float = CLI_SECONDS) -> tuple[int | None, float]:
    """Run ``python -m autograder`` as the batch's user; (return code or None on time-out, seconds)."""
    cmd = _prefix(batch.user, env) + [sys.executable, "-m", "autograder", *args]
    with open(batch.work / "cli.log", "ab") as log:
        start = time.monotonic()
        proc = subprocess.Popen(
            cmd, env=env, cwd=batch.work, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
    batch.log = (batch.work / "cli.log").read_text(errors="replace")[-3000:]
    return code, time.monotonic() - start


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _selected(names) -> list[str]:
    only = os.environ.get("ISOLATION_ATTACKS")
    if not only:
        return list(names)
    wanted = set(only.split(",")) | set(CONTROLS)
    return [n for n in names if n in wanted]


# --- the graded class --------------------------------------------------------------------


@pytest.fixture(scope="module", params=["root", "unprivileged"])
def batch(request):
    user = request.param
    if user == "unprivileged":
        reason = _unprivileged_python_works()
        if reason:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI must run the unprivileged isolation tests: {reason}")
            pytest.skip(reason)
    work = Path(tempfile.mkdtemp(prefix="agattack-"))
    os.chmod(work, 0o755)
    token = secrets.token_hex(6)
    listener = _Listener()
    b = Batch(user, work, work / "out", work / "class", token, f"agtest-secret-{token}", [])
    try:
        _grade(b, listener)
        yield b
    finally:
        listener.close()
        _kill(_ours(token))
        for planted in Path(pwd.getpwuid(os.geteuid()).pw_dir).glob(f".agattack-notes-{work.name}.txt"):
            planted.unlink()
        if not os.environ.get("ISOLATION_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


FILE_ATTACKS = ("link_solution", "link_folder", "nested_names", "deep_notebook")
"""Students whose submitted files, not their code, attack the grader (``_submitted_files``)."""


def _submitted_files(b: Batch, solution: str, names: list[str]) -> None:
    """A notebook that is a link to the instructor's solution, a student folder that is a
    link to a classmate's, stubs nested in one submission under two classmates' names,
    and a notebook nested 100,000 deep."""
    own = Path(ASSIGNMENT) / attacks.SPEC.notebook
    stubs = attacks.notebook(attacks.Student(base="stubs"))
    for name in names:
        if name == "link_solution":
            (b.cls / name / ASSIGNMENT).mkdir(parents=True)
            (b.cls / name / own).symlink_to(solution)
        elif name == "link_folder":
            (b.cls / name).symlink_to(b.cls / "honest")
        elif name == "nested_names":
            synth.write(stubs, b.cls / name / own)
            for classmate in ("honest", "zz_victim"):
                synth.write(stubs, b.cls / name / ASSIGNMENT / classmate / own)
        else:
            (b.cls / name / ASSIGNMENT).mkdir(parents=True)
            (b.cls / name / own).write_text('{"cells": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    b.students += names


def _grade(b: Batch, listener: _Listener) -> None:
    # grade with a copy of the course (so an attack that writes into the package cannot damage the checkout)
    site = b.work / "course"
    shutil.copytree(
        ROOT, site, ignore=shutil.ignore_patterns(".git", ".venv", "tests", "__pycache__", ".*cache", "*.egg-info")
    )
    for path in [site, *site.rglob("*")]:
        os.chmod(path, os.stat(path).st_mode | 0o444 | (0o111 if path.is_dir() else 0))
    home = b.work / "home" if b.user != "root" else Path(pwd.getpwuid(os.geteuid()).pw_dir)
    home.mkdir(exist_ok=True)
    home_file = home / f".agattack-notes-{b.work.name}.txt"  # removed with the batch (see the fixture's finally)
    home_file.write_text("the instructor's own files\n")
    ctx = {
        "class": str(b.cls),
        "out": str(b.out),
        "token": b.token,
        "secret": b.secret,
        "port": listener.port,
        "hidden": [str(site / "autograder" / "hidden"), str(ROOT / "autograder" / "hidden")],
        "solutions": [str(p / "solutions" / ASSIGNMENT / attacks.SPEC.notebook) for p in (site, ROOT)],
        "checkout": str(ROOT),
        "home": str(home),
        "home_file": str(home_file),
        "pytest_pid": os.getpid(),
    }
    everyone = attacks.students(ctx)
    b.students = _selected(everyone)
    for name in b.students:
        synth.write(attacks.notebook(everyone[name]), b.cls / name / ASSIGNMENT / attacks.SPEC.notebook)
    _submitted_files(b, ctx["solutions"][1], _selected(FILE_ATTACKS))
    b.notebooks_before = _tree(b.cls)
    planted = {
        "score": 0.0,
        "max_score": FULL,
        "execution_time": 0.0,
        "output": "planted",
        "tests": [],
        "extra_data": {"student": "honest", "assignment": ASSIGNMENT, "grader_error": None, "notes": []},
    }
    synth.write(planted, b.out / "zz_planted" / ASSIGNMENT / "results.json")
    wrong = b.work / "class2" / "all_wrong" / ASSIGNMENT / attacks.SPEC.notebook
    synth.write(attacks.notebook(attacks.Student(base="wrong")), wrong)
    (b.work / "out2").mkdir()
    if b.user != "root":
        for folder in ("class", "out", "class2", "out2", "home"):
            _chown(b.work / folder, USER)
    compare = site / "autograder" / "core" / "compare.py"
    b.compare_hashes.append(_hash(compare))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(site),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "AUTOGRADER_SECRET": b.secret,
        "AGTEST_RUN": b.token,
        "HOME": str(home),
        "LANG": "C.UTF-8",
    }

    b.returncode, b.seconds = _cli(b, env, "grade", str(b.cls), "--out", str(b.out), *LIMITS)
    b.survivors = [c for c in _ours(b.token).values() if attacks.MARKER in c]
    b.at_exit = _tree(b.out)
    time.sleep(5)
    b.later = _tree(b.out)
    b.results = {n: _load(b.out / n / ASSIGNMENT / "results.json") for n in b.students}
    b.grades = list(csv.reader(_read(str(b.out / "grades.csv")).decode(errors="replace").splitlines()))
    _kill(_ours(b.token))
    b.received = listener.close()
    b.compare_hashes.append(_hash(compare))

    stubs = b.out / "stubs" / ASSIGNMENT / "results.json"
    edited = _load(stubs)
    if edited:
        edited["score"] = FULL
        stubs.write_text(json.dumps(edited, indent=2))
    if b.returncode is not None:  # after a time-out, resuming would grade the whole class again
        _cli(b, env, "grade", str(b.cls), "--out", str(b.out), "--resume", *LIMITS, timeout=120)
        b.resumed_stubs = _load(stubs)
    _kill(_ours(b.token))

    _cli(b, env, "grade", str(b.work / "class2"), "--out", str(b.work / "out2"), *LIMITS, timeout=120)
    b.all_wrong = _load(b.work / "out2" / "all_wrong" / ASSIGNMENT / "results.json")
    b.compare_hashes.append(_hash(compare))
    _kill(_ours(b.token))


def _result(b: Batch, student: str) -> dict:
    if student not in b.students:
        pytest.skip(f"{student} is not in ISOLATION_ATTACKS")
    data = b.results[student]
    assert data, f"{student} has no readable results.json\n{b.log}"
    error = data.get("extra_data", {}).get("grader_error")
    assert not error, f"the grader failed on {student}, so the attack proves nothing: {error}"
    return data


def _points(data: dict, function: str | None = None) -> float:
    tests = [t for t in data.get("tests", []) if function is None or f"function:{function}" in t.get("tags", [])]
    return round(sum(t["score"] for t in tests), 6)


def _max(function: str) -> float:
    return attacks.SPEC.points(function)


def _failures(data: dict) -> str:
    return "\n".join(t["output"] for t in data.get("tests", []) if t.get("status") != "passed")[:3000]


def _classmates_intact(b: Batch) -> None:
    honest = _result(b, "honest")
    assert honest["score"] == FULL, _failures(honest)
    assert _points(_result(b, "stubs")) == 0
    for name in b.students:
        data = b.results[name]
        assert data.get("extra_data", {}).get("student") == name, f"{name}: {data or 'no results.json'}"
        assert not data["extra_data"].get("grader_error"), f"{name}: {data['extra_data']['grader_error']}"


def _probes(b: Batch) -> dict[str, int]:
    data = _result(b, "leaks")
    for test in data["tests"]:
        if "function:conv_output_shape" in test["tags"]:
            got = re.search(r"^Got:(.*)$", test["output"], re.MULTILINE)
            found = got and re.search(r"[\[(]([01](?:,\s*[01])*)[\])]", got.group(1))
            if found:
                bits = ast.literal_eval(f"[{found.group(1)}]")
                assert len(bits) == len(attacks.PROBES), test["output"]
                return dict(zip(attacks.PROBES, bits))
    raise AssertionError(f"the probes' answer is not in the feedback:\n{_failures(data)}")


# --- 1, 2. wrong scores --------------------------------------------------------------------


@pytest.mark.parametrize("student", ["forged_frames", "forged_references"])
def test_forged_result_frames_earn_nothing(batch, student):
    data = _result(batch, student)
    assert data["score"] == 0, data["output"]
    _classmates_intact(batch)


def test_blanking_the_forbidden_report_on_the_channel_does_not_help(batch):
    data = _result(batch, "blank_forbidden")
    assert _points(data, "conv2d_manual") == 0, data["output"]
    assert _points(data, "conv_output_shape") == _max("conv_output_shape")
    _classmates_intact(batch)


# --- 3. forbidden libraries ------------------------------------------------------------------


@pytest.mark.parametrize("student", ["tf_thread", "tf_pool", "tf_fork", "tf_subprocess", "tf_renamed", "tf_alias"])
def test_tensorflow_out_of_the_callers_sight_earns_nothing(batch, student):
    data = _result(batch, student)
    assert _points(data, "conv2d_manual") == 0, data["output"]
    for function in ("conv_output_shape", "conv_weight_shapes"):
        assert _points(data, function) == _max(function), _failures(data)
    _classmates_intact(batch)


# --- 4, 5. outputs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "student, targets",
    [
        ("detached_own", ["detached_own/01_conv_basics/results.json"]),
        ("detached_classmate", ["honest/01_conv_basics/results.json", "grades.csv"]),
    ],
)
def test_a_detached_process_cannot_rewrite_results(batch, student, targets):
    _result(batch, student)
    marker = f"{attacks.MARKER}-{batch.token}-{student.split('_')[1]}"
    assert not [c for c in batch.survivors if marker in c], batch.survivors
    for target in targets:
        assert batch.at_exit.get(target) == batch.later.get(target), f"{target} changed after the grader exited"
        assert attacks.FORGED.encode() not in _read(str(batch.out / target)), f"{target} was rewritten"
    assert batch.results[student]["score"] == FULL
    _classmates_intact(batch)


def test_a_planted_result_does_not_change_a_classmates_row(batch):
    _classmates_intact(batch)
    header, rows = batch.grades[0], batch.grades[1:]
    honest = [r for r in rows if r and r[0] == "honest"]
    assert len(honest) == 1, rows
    assert float(honest[0][header.index(ASSIGNMENT)]) == FULL, (header, honest)
    assert float(honest[0][header.index("total")]) == FULL, (header, honest)
    assert {r[0] for r in rows if r} <= set(batch.students) | {"zz_planted"}, rows


def test_resume_regrades_a_result_edited_after_the_grader_wrote_it(batch):
    _result(batch, "stubs")
    assert batch.returncode is not None, f"the first run did not finish within {CLI_SECONDS} s"
    assert batch.resumed_stubs.get("score") == 0, batch.resumed_stubs.get("output", batch.log)


# --- 6, 7. inputs and the installed package -----------------------------------------------------


def test_a_classmates_notebook_cannot_be_overwritten(batch):
    _result(batch, "overwrite_notebook")
    victim = _result(batch, "zz_victim")
    assert victim["score"] == FULL, victim["output"]
    path = f"zz_victim/{ASSIGNMENT}/{attacks.SPEC.notebook}"
    assert _hash(batch.cls / path) == batch.notebooks_before[path]
    _classmates_intact(batch)


def test_the_wrong_notebook_answers_every_graded_function_wrongly():
    assert set(attacks.WRONG) == set(attacks.SPEC.functions), "give attacks.WRONG a wrong answer for each function"


def test_the_installed_grading_package_cannot_be_patched(batch):
    _result(batch, "patch_compare")
    assert batch.compare_hashes[1:] == batch.compare_hashes[:1] * 2, "compare.py was changed"
    assert batch.all_wrong, f"the second run wrote no result\n{batch.log}"
    assert batch.all_wrong["score"] == 0, batch.all_wrong["output"]
    _classmates_intact(batch)


# --- 8. denial -----------------------------------------------------------------------------------


def test_stopping_killing_or_jamming_the_fork_server_costs_no_one_else(batch):
    for student in ("denial_stop", "denial_kill", "denial_pipes"):
        _result(batch, student)
    assert batch.returncode == 0, f"exit code {batch.returncode} after {batch.seconds:.0f} s\n{batch.log}"
    assert batch.seconds < CLI_SECONDS
    _classmates_intact(batch)
    assert _result(batch, "zz_victim")["score"] == FULL


# --- 9. false accusations ------------------------------------------------------------------------


@pytest.mark.parametrize("student", ["innocent_words", "helper_with_import", "phrase_words"])
def test_honest_code_is_not_accused(batch, student):
    data = _result(batch, student)
    assert data["score"] == FULL, data["output"] + "\n" + _failures(data)


def test_a_write_into_a_read_only_input_costs_that_check_whatever_its_comment_says(batch):
    data = _result(batch, "phrase_read_only")
    conv = [t for t in data["tests"] if "function:conv2d_manual" in t["tags"]]
    failed = [t for t in conv if t["status"] != "passed"]
    assert failed and len(failed) < len(conv), _failures(data)
    assert all("misconception:input-mutated" in t["tags"] for t in failed), _failures(data)
    assert not any("misconception:forbidden-library-call" in t["tags"] for t in conv), _failures(data)
    assert data["score"] == FULL - sum(t["max_score"] for t in failed)


# --- 10-13. leaks and host damage ------------------------------------------------------------------


@pytest.mark.parametrize("probe", [p for p in attacks.PROBES if p != "loopback"])
def test_the_child_cannot_see_or_touch_the_host(batch, probe):
    assert _probes(batch)[probe] == 0, _probes(batch)


def test_the_child_has_its_own_loopback(batch):
    assert _probes(batch)["loopback"] == 1, _probes(batch)


def test_nothing_reaches_the_hosts_network(batch):
    _result(batch, "leaks")
    assert batch.received == b""


def test_a_string_answer_leaks_neither_the_answer_nor_the_secret(batch):
    _result(batch, "string_leak")
    marker = f"LEAKMARK-{batch.token}".encode()
    for path in sorted(batch.out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            assert marker not in data, f"the answer appears in {path.relative_to(batch.out)}"
            assert batch.secret.encode() not in data, f"the secret appears in {path.relative_to(batch.out)}"


def test_no_process_outlives_the_grader(batch):
    _result(batch, "sleeper")
    assert batch.survivors == []


# --- 14. between students: signals and process budgets ------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("user", ["root", "unprivileged"])
def test_no_sandbox_can_signal_stop_or_outfork_a_classmate(user):
    if user == "unprivileged" and (reason := _unprivileged_python_works()):
        pytest.skip(reason)
    with tempfile.TemporaryDirectory(prefix="agsiblings-") as work:
        script = Path(work) / "siblings.py"
        script.write_text(attacks.SIBLINGS)
        os.chmod(work, 0o755)
        os.chmod(script, 0o644)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
        cmd = _prefix(user, env) + [sys.executable, str(script), str(ROOT / "tests")]
        proc = subprocess.run(cmd, env=env, cwd="/", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.splitlines()[-1])
    for name in ("bystander_1", "bystander_2"):
        cell = report["cells"].get(name)
        assert cell == {"error": None, "output": "bystander 80\n"}, (report["budget"], name, cell)


# --- 15. submitted files: links, layout, size and nesting --------------------------------------


def test_submitted_files_are_read_as_a_strangers_data(batch):
    for student, reason in (
        ("link_solution", "conv_basics.ipynb is a symbolic link"),
        ("link_folder", "link_folder is a symbolic link"),
        ("deep_notebook", "nested more than 64 levels deep"),
    ):
        data = _result(batch, student)
        assert data["score"] == 0 and reason in data["output"], (student, data["output"])
    assert _result(batch, "nested_names")["score"] == 0
    assert batch.returncode == 0, f"exit code {batch.returncode}\n{batch.log}"
    _classmates_intact(batch)
    assert _result(batch, "zz_victim")["score"] == FULL


# --- 16. "absent" on every interpreter layout ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("user", ["root", "unprivileged"])
def test_a_second_scipy_on_the_interpreters_path_is_absent_too(user):
    """A venv whose path holds a second SciPy (a hard-linked copy, named by a ``.pth``
    file as a base interpreter's or a system's site-packages would be) besides the
    grading venv's own: no folder the child can reach lets it load ``scipy.signal``."""
    if user == "unprivileged" and (reason := _unprivileged_python_works()):
        pytest.skip(reason)
    import scipy

    installed = Path(scipy.__file__).parent
    with tempfile.TemporaryDirectory(prefix="agabsent-") as work:
        os.chmod(work, 0o755)
        venv, copy = Path(work) / "venv", Path(work) / "copy"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
        copy.mkdir()
        subprocess.run(["cp", "-al", str(installed), str(copy / "scipy")], check=True, timeout=120)
        (site_packages,) = venv.glob("lib/python3*/site-packages")
        (site_packages / "course.pth").write_text(f"{installed.parent}\n")
        (site_packages / "zz_copy.pth").write_text(f"{copy}\n")
        script = Path(work) / "absent.py"
        script.write_text(attacks.ABSENT)
        for path in [Path(work), *Path(work).rglob("*")]:
            if not path.is_symlink():
                os.chmod(path, os.stat(path).st_mode | 0o444 | (0o111 if path.is_dir() else 0))
        cell = attacks.params(roots=[str(venv), str(copy)], copy=str(copy)) + attacks.SCIPY_ANYWHERE
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
        cmd = _prefix(user, env) + [str(venv / "bin" / "python"), str(script), cell]
        proc = subprocess.run(cmd, env=env, cwd="/", capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report and report["error"] is None, report
    assert "seen True" in report["output"], report["output"]  # the copy's folder is in the child's view
    assert "BREACH" not in report["output"], report["output"]
