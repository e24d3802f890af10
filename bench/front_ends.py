"""Benchmark: every front end on one synthetic class, side by side in one run.

    python -m bench front-ends [--students N] [--workers W] [--skip-nbgrader] [--skip-dask]

Builds a class of N students across the assignments (a third solved, a third with
a known mistake, a third untouched stubs) and grades it with the batch grader
on an empty reference cache of its own (the cold figure: every Keras reference
computed), then, with that cache warm, with the batch grader again, the batch
grader on dask (``--dask local:2`` by default), ``nbgrader autograde``
with the course's configuration, and stock ``nbgrader autograde`` (the notebook
executed in a Jupyter kernel), each once per assignment and once as a single
``nbgrader autograde '*'``. It checks that every front end gives the same
scores and prints, for each, wall time, time per submission, peak memory (PSS of
the whole process tree), the ratio to stock nbgrader and the efficiency against
this machine's limit ((the student code's compute / cores) + one TensorFlow
import); then the batch grader's overhead beyond the student's own compute, a
per-assignment table, and the self-check's time next to TensorFlow's import.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from autograder.core.course import ASSIGNMENTS

from . import synth

PROJECT = synth.PROJECT
STOCK_AUTOGRADE = (
    '["nbgrader.preprocessors.Execute", "nbgrader.preprocessors.IgnorePattern",'
    ' "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",'
    ' "nbgrader.preprocessors.SaveAutoGrades", "nbgrader.preprocessors.AssignLatePenalties",'
    ' "nbgrader.preprocessors.CheckCellMetadata"]'
)
"""nbgrader's own autograde pipeline: execute in the student's kernel."""


NBGRADER_RUNS = (
    ("nbgrader, course config", False, False),
    ("nbgrader, stock", True, False),
    ("nbgrader '*', course config", False, True),
    ("nbgrader '*', stock", True, True),
)
"""(label, stock, one command): ``nbgrader autograde <a>`` once per assignment, as
instructors grade assignment by assignment, and ``nbgrader autograde '*'`` (the whole
class in one command, nbgrader's own start paid once), each with the course's
configuration and stock."""


def _mistakes(assignment) -> list[tuple[str, str]]:
    """(function, source) of the course's deliberately wrong answers for an assignment."""
    found = []
    for path in sorted((PROJECT / "tests" / "mistakes").glob("*.py")):
        function = path.stem.split("__")[0]
        if function in assignment.functions:
            found.append((function, path.read_text()))
    return found or [(assignment.functions[0], f"def {assignment.functions[0]}(*args, **kwargs):\n    return None")]


def build_class(root: Path, students: int, assignments: list[str]) -> Path:
    """``root/<student>/<assignment>/<notebook>``: solved, wrong and stub in turn."""
    for i in range(students):
        student = f"s{i:03d}"
        for assignment in (ASSIGNMENTS[name] for name in assignments):
            kind = i % 3
            if kind == 0:
                nb = synth.solved(assignment)
            elif kind == 1:
                options = _mistakes(assignment)
                function, source = options[(i // 3) % len(options)]
                nb = synth.solved(assignment, {function: source})
            else:
                nb = synth.release(assignment)
            synth.write(nb, root / student / assignment.name / assignment.notebook)
    return root


class _PeakMemory:
    """Samples the PSS of a process and its descendants (and of ``also``, processes an
    earlier command left running) every second; keeps the peak and every descendant
    seen. (Reading a TensorFlow process's PSS costs the kernel about 10 ms, so sampling
    more often would slow down the very runs it measures.)"""

    def __init__(self, pid: int, every: float = 1.0, also: tuple = ()):
        import psutil

        self.process, self.every, self.peak, self.also = psutil.Process(pid), every, 0, also
        self.seen: set = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                children = self.process.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            self.seen.update(children)
            for p in [self.process, *children, *self.also]:
                try:
                    total += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def measure(cmd: list[str], cwd: Path, also: tuple = ()) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run ``cmd``; return (wall seconds, peak PSS bytes of its process tree and of
    ``also``, result). The processes it leaves running are in ``result.lingering``."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = _PeakMemory(proc.pid, also=also)
    out, err = proc.communicate()
    seconds = time.monotonic() - start
    peak = memory.stop()
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    result.lingering = tuple(p for p in memory.seen | set(also) if p.is_running())
    return seconds, peak, result


@contextlib.contextmanager
def _reference_cache(folder: Path) -> Iterator[None]:
    """Every run of the benchmark (and its children) on a reference cache of its own,
    empty at first, so that the cold and the warm figures mean what they say."""
    before = os.environ.get("AUTOGRADER_CACHE")
    os.environ["AUTOGRADER_CACHE"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["AUTOGRADER_CACHE"]
        else:
            os.environ["AUTOGRADER_CACHE"] = before


def _figures(stdout: str) -> dict:
    """The figures ``python -m autograder grade`` prints (a JSON object before its last line)."""
    return json.loads(stdout[: stdout.rindex("}") + 1])


def batch_scores(out: Path) -> dict[tuple[str, str], dict]:
    return {(p.parent.parent.name, p.parent.name): json.loads(p.read_text()) for p in out.glob("*/*/results.json")}


def nbgrader_run(
    work: Path, class_dir: Path, assignments: list[str], stock: bool = True, one_command: bool = False
) -> tuple[dict, int, dict]:
    """``nbgrader autograde`` for every assignment, one command after the other from a
    cold start (or, with ``one_command``, a single ``nbgrader autograde '*'``), stock
    (the notebook executed in a kernel) or with the course's configuration (the
    sandbox); (seconds per command, peak bytes, scores).

    With the course's configuration the first command starts a background grader for
    the class, whose results the later commands take: the time it runs on after the
    last command (if any) is counted too (under "after the last command"), and its
    memory in every command's peak. Its store is keyed by the course folder, a new
    temporary one in every run, so no run takes results an earlier run left."""
    from nbgrader.api import Gradebook, MissingEntry

    course = work / f"{'stock' if stock else 'course'}-{'one' if one_command else 'each'}"
    course.mkdir()
    shutil.copy(PROJECT / "nbgrader_config.py", course)
    shutil.copytree(PROJECT / "solutions", course / "solutions")
    shutil.copytree(class_dir, course / "submitted")
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    for name in assignments:
        subprocess.run(
            ["nbgrader", "generate_assignment", name, "--force"], cwd=course, env=env, capture_output=True, check=True
        )
    seconds, peak, lingering = {}, 0, ()
    pipeline = [f"--Autograde.autograde_preprocessors={STOCK_AUTOGRADE}"] if stock else []
    for name in ["*"] if one_command else assignments:
        took, used, proc = measure(["nbgrader", "autograde", name, *pipeline], course, also=lingering)
        seconds[name], peak, lingering = took, max(peak, used), proc.lingering
    if lingering:
        import psutil

        start = time.monotonic()
        psutil.wait_procs(lingering)
        seconds["after the last command"] = time.monotonic() - start
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student_dir in sorted(class_dir.iterdir()):
            for name in assignments:
                try:
                    scores[(student_dir.name, name)] = gb.find_submission(name, student_dir.name).score
                except MissingEntry:
                    scores[(student_dir.name, name)] = None
    return seconds, peak, scores


def print_per_assignment(results: dict, nb_seconds: dict, students: int) -> None:
    """Seconds per submission by assignment: the student's own compute and the batch
    grader's sandbox time (one worker's time, not wall) beside nbgrader's wall time."""
    print(f"  {'per submission':18s} {'student code':>12s} {'batch sandbox':>13s} {'nbgrader':>9s}")
    for name in sorted({a for _, a in results}):
        extra = [r["extra_data"] for (_, a), r in results.items() if a == name]
        student = sum(e["student_seconds"] for e in extra) / len(extra)
        sandbox = sum(e["sandbox_seconds"] for e in extra) / len(extra)
        stock = f"{nb_seconds[name] / students:8.2f}s" if name in nb_seconds else f"{'-':>9s}"
        print(f"  {name:18s} {student:11.2f}s {sandbox:12.2f}s {stock}")


def _scores_of(out: Path) -> dict[tuple[str, str], float]:
    return {k: r["score"] for k, r in batch_scores(out).items()}


def main(
    students: int = 3,
    workers: int = os.cpu_count() or 1,
    skip_nbgrader: bool = False,
    assignments: tuple[str, ...] = tuple(ASSIGNMENTS),
    dask: str | None = "local:2",
) -> int:
    """Run the benchmark and print its figures; returns 1 if any scores disagree.

    Every front end grades the same class in one run, one after the other: the batch
    grader, the batch grader on dask (``dask``, None to skip), ``nbgrader autograde``
    with the course's configuration and stock ``nbgrader autograde`` (both skipped
    with ``skip_nbgrader``). Each line gives the wall time, the ratio to stock
    nbgrader, and the efficiency against this machine's limit: the student code's own
    compute spread over the cores, plus one TensorFlow import.

    Raises:
        ValueError: naming an assignment the course does not have.
    """
    unknown = [a for a in assignments if a not in ASSIGNMENTS]
    if unknown or students < 1 or workers < 1:
        raise ValueError(
            f"Expected assignments from {list(ASSIGNMENTS)}, students >= 1, workers >= 1. "
            f"Received: assignments={list(assignments)}, students={students}, workers={workers}"
        )
    gib = 2**30
    with tempfile.TemporaryDirectory(prefix="autograder-bench-") as tmp, _reference_cache(Path(tmp) / "cache"):
        work = Path(tmp)
        class_dir = build_class(work / "class", students, list(assignments))
        n = students * len(assignments)
        print(f"class: {students} students x {len(assignments)} notebooks = {n} submissions; {workers} workers")

        cmd = [sys.executable, "-m", "autograder", "grade", str(class_dir), "--workers", str(workers)]
        runs = {}
        for name in ("out-cold", "out"):  # the reference cache empty, then warm
            seconds, peak, proc = measure([*cmd, "--out", str(work / name)], PROJECT)
            if proc.returncode != 0:
                print(proc.stdout, proc.stderr)
                return 1
            runs[name] = seconds, peak, _figures(proc.stdout)["references_computed"]
        (cold_s, cold_peak, cold_references), (batch_s, batch_peak, warm_references) = runs["out-cold"], runs["out"]
        results = batch_scores(work / "out")
        extra = [r["extra_data"] for r in results.values()]
        student = sum(e["student_seconds"] for e in extra)
        overhead = [e["sandbox_seconds"] - e["student_seconds"] for e in extra]
        tf_s, _, _ = measure([sys.executable, "-c", "import tensorflow"], PROJECT)
        limit = student / (os.cpu_count() or 1) + tf_s
        timings = {"batch, cold reference cache": (cold_s, cold_peak), "batch grader": (batch_s, batch_peak)}
        per_command: dict[str, dict[str, float]] = {}
        scores = {
            "batch, cold reference cache": _scores_of(work / "out-cold"),
            "batch grader": _scores_of(work / "out"),
        }
        if dask:
            took, peak, proc = measure([*cmd, "--out", str(work / "out-dask"), "--dask", dask], PROJECT)
            timings[f"batch on --dask {dask}"] = (took, peak)
            scores[f"batch on --dask {dask}"] = _scores_of(work / "out-dask") if proc.returncode == 0 else {}
        if not skip_nbgrader:
            for label, stock, one in NBGRADER_RUNS:
                seconds, peak, graded = nbgrader_run(work, class_dir, list(assignments), stock=stock, one_command=one)
                timings[label], scores[label] = (sum(seconds.values()), peak), graded
                per_command[label] = seconds
                if stock and not one:
                    nb_seconds = seconds
        else:
            nb_seconds = {}
        stock_s = timings.get("nbgrader, stock", (0.0, 0))[0]
        print(f"the student code's own compute: {student:.1f} s in all; TensorFlow import {tf_s:.1f} s")
        print(f"this machine's limit: {student:.1f} s / {os.cpu_count()} cores + {tf_s:.1f} s = {limit:.1f} s")
        print(
            f"references computed: {cold_references} by the first batch run (empty cache), "
            f"{warm_references} by the second; every later front end runs with the cache warm"
        )
        stock_one = timings.get("nbgrader '*', stock", (0.0, 0))[0]
        for label, (took, peak) in timings.items():
            ratio = f"{stock_s / took:5.1f}x stock" if stock_s else ""
            if label == "nbgrader '*', course config" and stock_one:
                ratio += f" ({stock_one / took:.1f}x stock '*')"
            print(
                f"{label + ':':29s} {took:7.1f} s wall, {took / n:5.2f} s/submission, peak {peak / gib:.2f} GiB, "
                f"{took / limit:4.2f}x the limit {ratio}"
            )
            if label in per_command:
                print("  " + ", ".join(f"{name} {secs:.1f} s" for name, secs in per_command[label].items()))
        print(
            f"  batch overhead beyond the student's compute, per submission (in the sandbox): "
            f"mean {sum(overhead) / len(overhead):.2f} s, max {max(overhead):.2f} s"
        )
        reference = scores["batch grader"]
        differ = {
            label: [k for k in reference if got.get(k) is None or abs(got[k] - reference[k]) > 1e-9]
            for label, got in scores.items()
        }
        disagreeing = {label: keys for label, keys in differ.items() if keys}
        print("same scores:", f"NO: {disagreeing}" if disagreeing else "yes, every front end")
        print_per_assignment(results, nb_seconds, students)

        first = ASSIGNMENTS[assignments[0]]
        notebook = class_dir / "s000" / first.name / first.notebook
        check_cmd = [sys.executable, "-m", "pytest", "autograder", "-q", "-p", "no:cacheprovider", "--submission"]
        self_s, _, _ = measure([*check_cmd, str(notebook)], PROJECT)
        print(
            f"self-check:          {self_s:7.1f} s for one notebook; TensorFlow import alone {tf_s:.1f} s (+{self_s - tf_s:.1f} s)"
        )
    return 1 if disagreeing else 0
