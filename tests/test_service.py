"""The grading service (``autograder.service``): its token bucket, database and pages,
and, marked slow, a real service process: tokens, ``submit`` with its exit codes, scores
equal to the batch grader's, rate limits, privacy, the instructor's pages in Chromium,
and a service killed mid-grading that grades the submission after its restart."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select

from autograder.core.course import ASSIGNMENTS
from autograder.frontends import batch, submit
from autograder.report import files
from autograder.service import bucket, pages, store
from autograder.service.bucket import RateLimit, RateLimits, allowance
from bench import synth

from .conftest import TEST_LIMITS, unavailable

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample_class"
CLASS = ("alice", "bob", "carol", "dave")
FIRST_THREE = ("01_conv_basics", "02_filters", "03_pooling")
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)


def _at(seconds: float) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


# The token bucket, replayed from the attempts' times


def test_a_full_bucket_allows_capacity_attempts_then_refills_one_per_period_over_capacity():
    limit = RateLimit(capacity=5, period_seconds=3600)
    assert allowance(limit, [], T0) == bucket.Allowance(5, None)
    five = [_at(i) for i in range(5)]
    empty = allowance(limit, five, _at(10))
    # 5 tokens refill over an hour: one every 720 s, counted from the attempts themselves
    assert empty.attempts_left == 0
    assert abs((empty.next_allowed_at - _at(720)).total_seconds()) < 1e-6
    later = allowance(limit, five, empty.next_allowed_at)
    assert later.attempts_left == 1 and later.next_allowed_at is None
    assert allowance(limit, five, _at(3 * 3600)).attempts_left == 5  # never above capacity


def test_the_next_allowed_time_is_when_one_whole_attempt_has_refilled():
    limit = RateLimit(capacity=2, period_seconds=60)  # one attempt per 30 s
    left = allowance(limit, [_at(0), _at(10)], _at(10))
    # after the first: 1 left, +10 s * 1/30 refilled; after the second: 1/3 of an attempt
    assert left.attempts_left == 0
    assert abs((left.next_allowed_at - _at(30)).total_seconds()) < 1e-6
    assert allowance(limit, [_at(0), _at(10)], _at(29.9)).attempts_left == 0
    assert allowance(limit, [_at(10), _at(0)], _at(30)).attempts_left == 1  # order does not matter


def test_rate_limits_are_read_per_assignment_and_bad_values_are_named(tmp_path):
    path = tmp_path / "limits.toml"
    path.write_text("capacity = 3\nperiod_minutes = 30\n[assignments.02_filters]\ncapacity = 1\n")
    limits = RateLimits.load(path)
    assert limits.of("01_conv_basics") == RateLimit(3, 1800)
    assert limits.of("02_filters") == RateLimit(1, 1800)
    path.write_text("[assignments.99_nothing]\ncapacity = 1\n")
    with pytest.raises(ValueError, match="99_nothing"):
        RateLimits.load(path)
    path.write_text('capacity = "many"\n')
    with pytest.raises(ValueError, match="many"):
        RateLimits.load(path)
    with pytest.raises(ValueError, match="capacity=0"):
        RateLimit(0, 60)


# The database


def test_the_database_is_made_by_its_migrations_and_opened_again_unchanged(tmp_path):
    from sqlalchemy import inspect

    url = str(tmp_path / "service.db")
    sessions = store.open_database(url)
    with sessions() as db:
        db.add(store.Publication(assignment="01_conv_basics", published_at=store.now()))
        db.commit()
    again = store.open_database(url)
    tables = set(inspect(store.engine_of(again)).get_table_names())
    assert {"alembic_version", "people", "submissions", "publications", "settings"} <= tables
    with again() as db:
        assert store.utc(db.get(store.Publication, "01_conv_basics").published_at).tzinfo is not None
    with pytest.raises(ValueError, match="mysql://x"):
        store.normalize_url("mysql://x")


# Pages and exports: inert


def _row(ident: int, student: str, status: str = "graded", reason: str | None = None, result=None) -> store.Submission:
    return store.Submission(
        id=ident,
        student=student,
        assignment="01_conv_basics",
        filename="01_conv_basics/conv_basics.ipynb",
        notebook="{}",
        status=status,
        counted=True,
        reason=reason,
        received_at=T0,
        finished_at=T0,
        score=None if result is None else result.score,
        max_score=None if result is None else result.max_score,
        result=None if result is None else json.dumps(result.to_dict()),
    )


def test_pages_escape_what_a_submission_brings_and_grades_csv_cells_are_never_formulas():
    from autograder.core.results import CheckResult, NotebookResult

    check = CheckResult("test_x", "conv_output_shape", "calls <b>it</b>", 1.0, 1.0, False)
    result = NotebookResult("=cmd|' /C calc'!A0", "01_conv_basics", (check,))
    rows = [_row(1, "alice", "refused", reason="<script>alert(1)</script>"), _row(2, "alice", result=result)]
    page = pages.student_page("alice", rows)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    table = list(csv.reader(io.StringIO(pages.grades_csv(rows))))
    assert table[1][0] == "'=cmd|' /C calc'!A0"
    assert all(not cell.startswith(files.FORMULA_STARTS) for row in table for cell in row)


LMS_ROSTER = [
    {"student": "alice", "name": "Kim, Alice", "id": "101", "sis_user_id": "S1", "sis_login_id": "akim", "section": "A",
     "email": "alice@example.edu"},
    {"student": "zoe", "name": "Han, Zoe", "id": "105", "sis_user_id": "S5", "sis_login_id": "zhan", "section": "B",
     "email": "zoe@example.edu"},
]  # fmt: skip


def test_the_lms_exports_hold_each_students_best_submission_and_name_who_is_left_out():
    from autograder.core.results import CheckResult, NotebookResult

    def result(student: str, passed: int) -> NotebookResult:  # three 1-point visible checks, `passed` of them passed
        checks = tuple(
            CheckResult(f"test_{i}", "conv_output_shape", "", float(i < passed), 1.0, False) for i in range(3)
        )
        return NotebookResult(student, "01_conv_basics", checks)

    rows = [_row(1, "alice", result=result("alice", 1)), _row(2, "alice", result=result("alice", 3))]
    rows += [_row(3, "alice", result=result("alice", 2)), _row(4, "gina", result=result("gina", 3))]
    canvas = list(csv.reader(io.StringIO(pages.lms_export(rows, LMS_ROSTER, "canvas").text)))
    assert canvas == [  # Canvas's gradebook import: its columns, a "Points Possible" row, the best score
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_conv_basics"],
        ["Points Possible", "", "", "", "", "3"],
        ["Kim, Alice", "101", "S1", "akim", "A", "3"],
        ["Han, Zoe", "105", "S5", "zhan", "B", ""],
    ]
    moodle = pages.lms_export(rows, LMS_ROSTER, "moodle", "username")
    assert list(csv.reader(io.StringIO(moodle.text))) == [["Username", "01_conv_basics"], ["akim", "3"], ["zhan", ""]]
    problems = moodle.problems()
    assert problems == [
        "graded but not in the roster (not exported): gina",
        "in the roster but not graded (empty cell): zoe/01_conv_basics",
    ]
    page = pages.class_page(rows, ["alice", "zoe"], set(), "xsrf", "/services/grading/", problems)
    assert '<a href="/services/grading/canvas.csv" id="canvas-csv">' in page
    assert '<a href="/services/grading/moodle.csv?id=email" id="moodle-csv">' in page
    assert "<li>graded but not in the roster (not exported): gina</li>" in page


# A real service


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=timeout
    )


class Running:
    """A ``python -m autograder serve`` process (its own process group), started and
    stopped by the test; ``kill9`` kills it and everything it started at once."""

    def __init__(self, folder: Path, *extra: str):
        self.folder, self.extra = folder, extra
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.db = folder / "service.db"
        self.process: subprocess.Popen | None = None
        self.started: set[int] = set()

    def start(self, timeout: float = 240.0) -> None:
        log = open(self.folder / "serve.log", "ab")
        cmd = [sys.executable, "-m", "autograder", "serve", "--db", str(self.db), "--port", str(self.port)]
        cmd += ["--workers", "2", "--cell-seconds", "20", *self.extra]
        self.process = subprocess.Popen(cmd, env=ENV, cwd=self.folder, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.folder / "serve.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(f"{self.url}login", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError(f"the service did not start in {timeout} s")
        self._remember()

    def _remember(self) -> None:
        try:
            self.started |= {p.pid for p in psutil.Process(self.process.pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
        self.started.add(self.process.pid)

    def kill9(self) -> None:
        self._remember()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._reap()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self._remember()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._reap()

    def _reap(self) -> None:
        """Every process the service started ends with it (waited for, then killed by id)."""
        deadline = time.monotonic() + 20
        alive = [p for p in map(_process, self.started) if p is not None]
        while alive and time.monotonic() < deadline:
            alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
            time.sleep(0.1)
        for p in alive:
            p.kill()
        assert not alive, f"processes outlived the service: {alive}"

    def request(self, path: str, token: str, body: bytes | None = None) -> tuple[int, dict | str]:
        req = urllib.request.Request(self.url + path, data=body, method="POST" if body is not None else "GET")
        req.add_header("Authorization", f"token {token}")
        try:
            with urllib.request.urlopen(req, timeout=120) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("service")
    (folder / "roster.csv").write_text("student,email\n" + "".join(f"{s},{s}@example.edu\n" for s in (*CLASS, "eve")))
    (folder / "limits.toml").write_text("[assignments.02_filters]\ncapacity = 2\nperiod_minutes = 60\n")
    running = Running(folder, "--roster", str(folder / "roster.csv"), "--limits", str(folder / "limits.toml"))
    made = cli("tokens", "--db", str(running.db), "--roster", str(folder / "roster.csv"), "--instructor", "prof")
    assert made.returncode == 0, made.stderr
    running.tokens = dict(row for row in csv.reader(io.StringIO(made.stdout)) if row[0] != "student")
    running.start()
    yield running
    running.stop()


def _submit_json(service, student: str, path: Path) -> tuple[int, dict, str]:
    proc = cli("submit", str(path), "--server", service.url, "--token", service.tokens[student], "--json")
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}, proc.stderr


@pytest.mark.slow
def test_tokens_are_stored_only_as_hashes(service):
    assert set(service.tokens) == {*CLASS, "eve", "prof"}
    assert len(set(service.tokens.values())) == 6
    text = b"".join(p.read_bytes() for p in service.folder.glob("service.db*"))
    for token in service.tokens.values():
        assert token.encode() not in text
        assert store.token_hash(token).encode() in text


@pytest.mark.slow
def test_the_sample_class_scores_equal_the_batch_graders(service, tmp_path):
    jobs = [(s, a) for s in CLASS for a in FIRST_THREE if (SAMPLE / s / a / ASSIGNMENTS[a].notebook).is_file()]
    answers: dict[tuple[str, str], tuple[int, dict, str]] = {}

    def one(job):  # submit.send: what `submit --json` prints, without a process per student
        student, assignment = job
        path = SAMPLE / student / assignment / ASSIGNMENTS[assignment].notebook
        outcome = submit.send(path, service.url, service.tokens[student])
        answers[job] = (outcome.code, outcome.answer, outcome.reason)

    threads = [threading.Thread(target=one, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    refused = {job for job, (code, _, reason) in answers.items() if code == submit.REFUSED}
    for job in refused:  # the sample class's unreadable notebook: refused here, 0 in the batch
        assert "not valid notebook JSON" in answers[job][2]
    for (student, assignment), (code, answer, reason) in answers.items():
        if (student, assignment) in refused:
            continue
        assert code == submit.GRADED, reason
        assert answer["student"] == student and answer["assignment"] == assignment
        assert answer["hidden_published"] is False and answer["next_allowed_at"] is None
        assert answer["attempts_left"] == (1 if assignment == "02_filters" else 4)
        assert all(t["visibility"] == "visible" for t in answer["tests"]) and answer["tests"]
        assert answer["max_visible"] == sum(t["max_score"] for t in answer["tests"])
        assert answer["score_visible"] == sum(t["score"] for t in answer["tests"])
    assert len(answers) == len(jobs)

    root = tmp_path / "submitted"
    for student, assignment in jobs:
        shutil.copytree(SAMPLE / student / assignment, root / student / assignment)
    batch.grade([root], tmp_path / "reports", workers=2, limits=TEST_LIMITS, progress=False)
    for assignment in FIRST_THREE:
        status, _ = service.request("publish", service.tokens["prof"], f"assignment={assignment}".encode())
        assert status in (200, 302)
    for student, assignment in refused:
        expected = json.loads((tmp_path / "reports" / student / assignment / "results.json").read_text())
        assert expected["score"] == 0
    sessions = store.open_database(f"sqlite:///{service.db}")
    digests: dict[str, set[str]] = {}
    for (student, assignment), (_code, answer, _) in answers.items():
        if (student, assignment) in refused:
            continue
        status, published = service.request(f"api/submissions/{answer['id']}", service.tokens[student])
        expected = json.loads((tmp_path / "reports" / student / assignment / "results.json").read_text())
        assert status == 200 and published["hidden_published"] is True
        assert (published["score"], published["max_score"]) == (expected["score"], expected["max_score"]), (
            student,
            assignment,
        )
        assert {t["name"]: t["score"] for t in published["tests"]} == {t["name"]: t["score"] for t in expected["tests"]}
        with sessions() as db:  # the result the service stored: graded with the student's own hidden inputs
            stored = json.loads(db.get(store.Submission, answer["id"]).result)
        assert stored["hidden_inputs_sha256"] == expected["extra_data"]["hidden_inputs_sha256"] is not None
        digests.setdefault(assignment, set()).add(stored["hidden_inputs_sha256"])
    assert all(len(found) >= 2 for found in digests.values()), digests  # each student's own
    some = [a for job, a in answers.items() if job not in refused and a[1]["score_visible"] < a[1]["max_visible"]]
    assert some, "the sample class has mistakes: some visible check must fail"


@pytest.mark.slow
def test_over_the_limit_is_refused_with_the_next_allowed_time_and_a_refused_notebook_costs_nothing(service, tmp_path):
    broken = tmp_path / "02_filters" / "filters.ipynb"
    broken.parent.mkdir()
    broken.write_text('{"cells": [')
    code, answer, stderr = _submit_json(service, "eve", broken)
    assert code == 2 and "refused" in stderr and "not valid notebook JSON" in stderr
    stray = tmp_path / "notes.ipynb"
    stray.write_text("{}")
    code, _, stderr = _submit_json(service, "eve", stray)
    assert code == 2 and "Cannot tell which assignment" in stderr

    solved = synth.write(synth.solved(ASSIGNMENTS["02_filters"]), tmp_path / "eve" / "02_filters" / "filters.ipynb")
    first_code, first, _ = _submit_json(service, "eve", solved)
    second_code, second, _ = _submit_json(service, "eve", solved)
    assert (first_code, second_code) == (0, 0)
    assert (first["attempts_left"], second["attempts_left"]) == (1, 0)  # the refused ones cost nothing
    assert first["score_visible"] == first["max_visible"] > 0
    received = [datetime.datetime.fromisoformat(a["received_at"]) for a in (first, second)]
    # 2 per hour: one attempt refills in 30 min; after two, the bucket holds what refilled between them
    expected = received[1] + datetime.timedelta(seconds=1800) - (received[1] - received[0])
    assert abs(datetime.datetime.fromisoformat(second["next_allowed_at"]) - expected).total_seconds() < 0.01

    code, limited, stderr = _submit_json(service, "eve", solved)
    assert code == 3 and "rate-limited" in stderr
    assert limited["attempts_left"] == 0 and limited["next_allowed_at"] == second["next_allowed_at"]
    assert limited["rate_limit"] == {"capacity": 2, "period_seconds": 3600.0}
    status, mine = service.request("api/submissions", service.tokens["eve"])
    assert [s["status"] for s in mine["submissions"]] == ["refused", "refused", "graded", "graded"]


@pytest.mark.slow
def test_a_student_sees_only_their_own_submissions(service):
    status, alices = service.request("api/submissions", service.tokens["alice"])
    assert status == 200 and alices["submissions"] and {s["student"] for s in alices["submissions"]} == {"alice"}
    status, bobs = service.request("api/submissions", service.tokens["bob"])
    assert {s["student"] for s in bobs["submissions"]} == {"bob"}
    first = alices["submissions"][0]["id"]
    assert service.request(f"api/submissions/{first}", service.tokens["bob"])[0] == 404
    assert service.request(f"api/submissions/{first}?wait=1", service.tokens["bob"])[0] == 404
    status, again = service.request(f"api/submissions/{first}?wait=1", service.tokens["alice"])
    assert status == 200 and again["id"] == first and again["status"] == "graded"
    assert service.request("students/alice", service.tokens["bob"])[0] == 403
    assert service.request("grades.csv", service.tokens["bob"])[0] == 403
    assert service.request("publish", service.tokens["bob"], b"assignment=01_conv_basics")[0] == 403
    assert service.request("api/submissions", "not-a-token")[0] == 401
    status, everyone = service.request("api/submissions", service.tokens["prof"])
    assert {s["student"] for s in everyone["submissions"]} >= {"alice", "bob"}
    # an instructor's grades.csv: the best submission per student and assignment
    status, text = service.request("grades.csv", service.tokens["prof"])
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(text))}
    assert status == 200 and set(rows) >= set(CLASS)
    # and the LMS exports of the same best scores, named by the roster's email column
    status, moodle = service.request("moodle.csv?id=email", service.tokens["prof"])
    emails = {r["Email address"]: r for r in csv.DictReader(io.StringIO(moodle))}
    assert status == 200 and set(emails) == {f"{s}@example.edu" for s in (*CLASS, "eve")}
    assert emails["alice@example.edu"]["01_conv_basics"] == rows["alice"]["01_conv_basics"] != ""
    status, canvas = service.request("canvas.csv", service.tokens["prof"])
    assert status == 200 and canvas.splitlines()[1].startswith("Points Possible,")
    assert service.request("canvas.csv", service.tokens["bob"])[0] == 403
    assert service.request("moodle.csv?id=phone", service.tokens["prof"])[0] == 400


def _chromium_driver():
    try:
        from selenium import webdriver
    except ImportError:
        unavailable("selenium is not installed (pip install selenium)")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        unavailable("headless Chromium or chromedriver is not installed (Debian: apt-get install chromium-driver)")
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--disable-gpu", "--no-sandbox", "--window-size=1366,768"):
        options.add_argument(flag)
    return webdriver.Chrome(service=DriverService(shutil.which("chromedriver")), options=options)


@pytest.mark.slow
@pytest.mark.browser
def test_the_instructor_pages_in_chromium(service):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _chromium_driver()

    def heading(text: str) -> None:  # wait for the page a click or a form leads to
        wait = WebDriverWait(driver, 60, ignored_exceptions=(StaleElementReferenceException,))
        wait.until(lambda d: text in " ".join(h.text for h in d.find_elements(By.TAG_NAME, "h1")))

    try:
        driver.get(service.url)  # not logged in: the login page
        heading("Grading service")
        driver.find_element(By.ID, "token").send_keys(service.tokens["prof"])
        driver.find_element(By.ID, "login").click()
        heading("class progress")
        tables = driver.find_elements(By.TAG_NAME, "table")
        rows = tables[0].find_elements(By.CSS_SELECTOR, "tbody tr")
        assert set(CLASS) <= {row.find_element(By.TAG_NAME, "th").text for row in rows}
        assert driver.find_element(By.ID, "canvas-csv").get_attribute("href") == f"{service.url}canvas.csv"
        functions = tables[1].text
        assert "conv2d_manual" in functions and "maxpool_manual" in functions and "%" in functions
        width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width  # fits a laptop's screen
        driver.find_element(By.LINK_TEXT, "bob").click()
        heading("Submissions of bob")
        driver.find_elements(By.CSS_SELECTOR, "table a")[0].click()  # bob's latest, with its feedback
        heading("feedback for bob")
        assert "FAILED" in driver.find_element(By.TAG_NAME, "main").text  # bob's sample notebooks have mistakes
        driver.get(service.url)
        heading("class progress")
        driver.find_element(By.ID, "unpublish-01_conv_basics").click()
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.ID, "publish-01_conv_basics"))
        status, answers = service.request("api/submissions", service.tokens["alice"])
        first = [a for a in answers["submissions"] if a["assignment"] == "01_conv_basics"]
        assert first and all(not a["hidden_published"] and a["score"] is None for a in first)
        assert all(t["visibility"] == "visible" for a in first for t in a["tests"])
    finally:
        driver.quit()


@pytest.mark.slow
def test_a_service_killed_mid_grading_grades_the_submission_after_its_restart(service, tmp_path):
    """Last in this module: it kills the module's service, restarts it and finds everything."""
    status, before = service.request("api/submissions", service.tokens["prof"])
    slow = synth.solved(ASSIGNMENTS["03_pooling"])
    slow["cells"].insert(
        2,
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "id": "slow",
            "source": "import time\ntime.sleep(8)",
        },
    )
    body = json.dumps(slow).encode()

    def send() -> None:  # its answer never comes: the service dies first
        with pytest.raises(OSError):
            service.request("api/submissions?filename=03_pooling/pooling.ipynb", service.tokens["dave"], body)

    sent = threading.Thread(target=send)
    sent.start()
    sessions = store.open_database(str(service.db))
    deadline = time.monotonic() + 120
    row = None
    while time.monotonic() < deadline:
        with sessions() as db:
            row = db.scalars(select(store.Submission).where(store.Submission.status == "grading")).first()
        if row is not None:
            break
        time.sleep(0.1)
    assert row is not None, "the submission never started grading"
    killed_at = store.now()
    service.kill9()
    sent.join(timeout=60)
    with sessions() as db:
        assert db.get(store.Submission, row.id).status == "grading"  # received, not finished
    service.start()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status, answer = service.request(f"api/submissions/{row.id}", service.tokens["dave"])
        if answer.get("status") == "graded":
            break
        time.sleep(0.2)
    assert answer["status"] == "graded" and answer["score_visible"] == answer["max_visible"] > 0
    assert datetime.datetime.fromisoformat(answer["started_at"]) > killed_at  # graded again after the restart
    status, after = service.request("api/submissions", service.tokens["prof"])
    assert [s["id"] for s in after["submissions"]] == [s["id"] for s in before["submissions"]] + [row.id]


def test_the_student_reads_points_attempts_and_the_next_time_in_their_language():
    from autograder.core import i18n

    answer = {
        "assignment": "02_filters",
        "score_visible": 3.0,
        "max_visible": 4.0,
        "hidden_published": False,
        "hidden_checks": 5,
        "max_hidden": 5.0,
        "notes": [],
        "tests": [
            {"name": "test_a", "score": 1.0, "max_score": 1.0, "status": "passed", "output": "ok"},
            {"name": "test_b", "score": 0.0, "max_score": 1.0, "status": "failed", "output": "called\nwrong"},
        ],
        "attempts_left": 0,
        "next_allowed_at": "2026-03-02T09:30:00+00:00",
        "rate_limit": {"capacity": 2, "period_seconds": 3600.0},
    }
    text = submit.describe(submit.Outcome(submit.GRADED, answer))
    assert "02_filters: visible checks 3 / 4 points" in text and "5 hidden checks worth 5 points" in text
    assert "FAILED  test_b (0/1)\n      called\n      wrong" in text
    assert "Attempts left: 0 (at most 2 per 1 h)" in text and "2026-03-02" in text
    with i18n.language("ko"):
        korean = submit.describe(submit.Outcome(submit.GRADED, answer))
    assert "공개 검사 3 / 4점" in korean and "남은 제출 횟수: 0회" in korean
    limited = submit.describe(submit.Outcome(submit.RATE_LIMITED, {**answer, "tests": []}, "rate-limited: wait"))
    assert limited.startswith("rate-limited: wait") and "Attempts left: 0" in limited


def test_a_students_feedback_page_holds_no_hidden_check_until_published():
    from autograder.core.results import CheckResult, NotebookResult

    visible = CheckResult("test_visible_one", "conv_output_shape", "calls it", 1.0, 1.0, False)
    hidden = CheckResult("test_hidden_one", "conv_output_shape", "calls it", 0.0, 1.0, True, message="secret input")
    row = _row(1, "alice", result=NotebookResult("alice", "01_conv_basics", (visible, hidden)))
    before = pages.feedback_page(row, instructor=False, published=False)
    assert "test_<wbr>visible_<wbr>one" in before and "hidden_<wbr>one" not in before
    after = pages.feedback_page(row, instructor=False, published=True)
    assert "hidden_<wbr>one" in after and "secret input" in after
    assert "secret input" in pages.feedback_page(row, instructor=True, published=False)


@pytest.mark.slow
def test_serve_on_a_dask_cluster_grades_as_the_batch_grader_and_leaves_no_process(tmp_path):
    """``serve --dask local:1``: the worker grades with the student's own hidden inputs, the
    scores are the batch grader's, and stopping the service stops the cluster."""
    (tmp_path / "roster.csv").write_text("student\nalice\nbob\n")
    running = Running(tmp_path, "--roster", str(tmp_path / "roster.csv"), "--dask", "local:1")
    made = cli("tokens", "--db", str(running.db), "--roster", str(tmp_path / "roster.csv"))
    assert made.returncode == 0, made.stderr
    tokens = dict(row for row in csv.reader(io.StringIO(made.stdout)) if row[0] != "student")
    jobs = [("bob", "01_conv_basics"), ("alice", "01_conv_basics")]
    root = tmp_path / "submitted"
    for student, assignment in jobs:
        shutil.copytree(SAMPLE / student / assignment, root / student / assignment)
    running.start()
    try:
        answers = {}
        for student, assignment in jobs:
            outcome = submit.send(
                root / student / assignment / ASSIGNMENTS[assignment].notebook, running.url, tokens[student]
            )
            assert outcome.code == submit.GRADED, outcome.reason
            answers[student, assignment] = outcome.answer
    finally:
        running.stop()  # asserts that every process it started, the dask workers too, has ended
    batch.grade([root], tmp_path / "reports", workers=2, limits=TEST_LIMITS, progress=False)
    sessions = store.open_database(f"sqlite:///{running.db}")
    for (student, assignment), answer in answers.items():
        expected = json.loads((tmp_path / "reports" / student / assignment / "results.json").read_text())
        with sessions() as db:
            row = db.get(store.Submission, answer["id"])
            scores, stored = (row.score, row.max_score), json.loads(row.result)
        assert scores == (expected["score"], expected["max_score"]), student
        assert stored["hidden_inputs_sha256"] == expected["extra_data"]["hidden_inputs_sha256"] is not None
    assert answers["bob", "01_conv_basics"]["score_visible"] < answers["alice", "01_conv_basics"]["score_visible"]
