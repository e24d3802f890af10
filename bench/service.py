"""``python -m bench service``: a bounded load test of the grading service, on
loopback, that stops by itself.

A real service (``python -m autograder serve``, its own SQLite file in a temporary folder,
one attempt per student and assignment per hour) gets ``students`` simulated students who
each submit 01-03 at once, then a burst of ``burst`` more per student beyond the limit.
It checks that every submission is answered and graded and none is lost, and that every
request over the limit is refused with the time the bucket allows the next; it prints the
time from submit to visible result (idle, and under the load) and the throughput against
the batch grader's (``python -m autograder grade``) on the same notebooks, each starting
from the same reference cache (public references computed, the students' hidden ones not).
Everything runs through the commands, as a course would run them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from autograder.core.course import ASSIGNMENTS

from . import synth

FIRST_THREE = ("01_conv_basics", "02_filters", "03_pooling")
PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "tests" / "sample_class"
ENV = {**os.environ, "PYTHONPATH": str(PROJECT), "TF_CPP_MIN_LOG_LEVEL": "3"}


def _notebooks(folder: Path, students: list[str]) -> list[tuple[str, str, Path]]:
    """A notebook per student and assignment in nbgrader's layout: the sample class's in
    turn where there is one (their mistakes included), else the solved release."""
    samples = sorted(p for p in SAMPLE.iterdir() if p.is_dir()) if SAMPLE.is_dir() else []
    jobs = []
    for i, student in enumerate(students):
        for assignment in FIRST_THREE:
            spec = ASSIGNMENTS[assignment]
            target = folder / student / assignment / spec.notebook
            target.parent.mkdir(parents=True, exist_ok=True)
            source = samples[i % len(samples)] / assignment / spec.notebook if samples else None
            readable = source is not None and source.is_file() and _is_json(source)
            if readable:
                shutil.copyfile(source, target)
            else:
                synth.write(synth.solved(spec), target)
            jobs.append((student, assignment, target))
    return jobs


def _is_json(path: Path) -> bool:
    try:
        json.loads(path.read_text())
        return True
    except ValueError:
        return False


def _cli(*args: str, cache: Path | None = None) -> str:
    env = {**ENV, "AUTOGRADER_CACHE": str(cache)} if cache else ENV
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", *args], capture_output=True, text=True, env=env, cwd=PROJECT
    )
    if proc.returncode != 0:
        raise RuntimeError(f"autograder {args[0]} failed: {proc.stderr[-2000:]}")
    return proc.stdout


def _start(folder: Path, workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (folder / "limits.toml").write_text("capacity = 1\nperiod_minutes = 60\n")
    cmd = [sys.executable, "-m", "autograder", "serve", "--db", str(folder / "service.db"), "--port", str(port)]
    cmd += ["--workers", str(workers), "--limits", str(folder / "limits.toml")]
    log = open(folder / "serve.log", "wb")
    env = {**ENV, "AUTOGRADER_CACHE": str(folder / "cache")}
    process = subprocess.Popen(cmd, stdout=log, stderr=log, env=env, cwd=folder, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url + "login", timeout=2).close()
            return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the service did not start: {(folder / 'serve.log').read_text()[-2000:]}")


def _request(url: str, token: str, body: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def _submit(url: str, token: str, path: Path) -> tuple[float, int, dict]:
    """Seconds from submit to the visible result, the HTTP status, the answer."""
    start = time.monotonic()
    query = urllib.parse.urlencode({"filename": f"{path.parent.name}/{path.name}"})
    status, answer = _request(f"{url}api/submissions?{query}", token, path.read_bytes())
    while status == 202:
        time.sleep(0.2)
        status, answer = _request(f"{url}api/submissions/{answer['id']}?wait=1", token)
        status = 202 if status == 200 and answer["status"] != "graded" else status
    return time.monotonic() - start, status, answer


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def run(students: int = 50, workers: int = 2, burst: int = 2, idle: int = 5) -> dict:
    """Run the load test; returns its figures and ``problems`` (empty when all held)."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-serve-bench-"))
    names = [f"s{i:03d}" for i in range(students)]
    jobs = _notebooks(folder / "submitted", names)
    (folder / "roster.csv").write_text("student\n" + "".join(f"{n}\n" for n in [*names, "warmup"]))
    made = _cli(
        "tokens", "--db", str(folder / "service.db"), "--roster", str(folder / "roster.csv"), "--instructor", "bench"
    )
    idlers = [f"idle{i}" for i in range(idle)]
    (folder / "idle.csv").write_text("student\n" + "".join(f"{n}\n" for n in idlers))
    made += _cli("tokens", "--db", str(folder / "service.db"), "--roster", str(folder / "idle.csv"))
    tokens = dict(row for row in csv.reader(io.StringIO(made)) if row and row[0] != "student")
    process, url = _start(folder, workers)
    problems: list[str] = []
    try:
        for _student, _assignment, path in jobs[: len(FIRST_THREE)]:  # references computed, or read from the cache
            _submit(url, tokens["warmup"], path)
        idle_seconds = [_submit(url, tokens[name], jobs[0][2])[0] for name in idlers]
        # The batch grader starts from the same reference cache as the load below: public
        # references computed, each student's hidden ones not (they are drawn per student).
        shutil.copytree(folder / "cache", folder / "cache-batch")

        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            answered = list(pool.map(lambda job: _submit(url, tokens[job[0]], job[2]), jobs))
        load_wall = time.monotonic() - start
        for (student, assignment, _path), (_s, status, answer) in zip(jobs, answered):
            if status != 200 or answer.get("grader_error"):
                problems.append(
                    f"{student} {assignment}: HTTP {status} {answer.get('error') or answer.get('grader_error')}"
                )

        over = [job for job in jobs if job[1] == "01_conv_basics" for _ in range(burst)]
        with ThreadPoolExecutor(max_workers=max(1, len(over))) as pool:
            refused = list(pool.map(lambda job: _submit(url, tokens[job[0]], job[2]), over))
        _status, every = _request(f"{url}api/submissions", tokens["bench"])
        rows = every["submissions"]
        received = {(r["student"], r["assignment"]): r["received_at"] for r in rows if r["status"] == "graded"}
        for (student, assignment, _path), (_s, status, answer) in zip(over, refused):
            expected = datetime.fromisoformat(received[(student, assignment)]) + timedelta(hours=1)
            got = answer.get("next_allowed_at")
            if status != 429:
                problems.append(f"{student}: over the limit, yet HTTP {status}")
            elif got is None or abs((datetime.fromisoformat(got) - expected).total_seconds()) > 0.001:
                problems.append(f"{student}: next allowed at {got}, expected {expected.isoformat()}")
        graded = [r for r in rows if r["status"] == "graded" and r["student"] in names]
        if len(graded) != len(jobs) or len(rows) != len(jobs) + len(FIRST_THREE) + idle:
            problems.append(f"{len(graded)} of {len(jobs)} submissions graded, {len(rows)} stored: some lost")
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    start = time.monotonic()
    out = _cli(
        "grade",
        *(str(folder / "submitted"), "--out", str(folder / "reports"), "--workers", str(workers)),
        cache=folder / "cache-batch",
    )
    batch_wall = time.monotonic() - start
    batch_seconds = json.loads(out[: out.rindex("}") + 1])["seconds"]  # its own figure: from its start of grading
    shutil.rmtree(folder, ignore_errors=True)
    load_seconds = [seconds for seconds, _status, _answer in answered]
    return {
        "students": students,
        "workers": workers,
        "submissions": len(jobs),
        "idle_submit_to_result_p50_s": round(statistics.median(idle_seconds), 3),
        "idle_submit_to_result_max_s": round(max(idle_seconds), 3),
        "load_submit_to_result_p50_s": round(_percentile(load_seconds, 50), 3),
        "load_submit_to_result_p95_s": round(_percentile(load_seconds, 95), 3),
        "service_seconds": round(load_wall, 2),
        "batch_seconds": round(batch_seconds, 2),
        "batch_command_seconds": round(batch_wall, 2),
        "service_per_second": round(len(jobs) / load_wall, 3),
        "batch_per_second": round(len(jobs) / batch_seconds, 3),
        "over_limit_requests": len(over),
        "problems": problems,
    }


def main(students: int = 50, workers: int = 2, burst: int = 2) -> int:
    """Print the figures as JSON; exit 1 when a guarantee did not hold."""
    figures = run(students, workers, burst)
    print(json.dumps(figures, indent=2))
    return 1 if figures["problems"] else 0
