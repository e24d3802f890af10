"""Korean: every student-facing message has a translation, the language is chosen by
--lang, the notebook's metadata or AUTOGRADER_LANG (in that order, English by default),
real feedback comes out in Korean, the student copy's catalogue holds no hidden check's
text, and every notebook carries a Korean glossary and a Korean summary per section."""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder import inline
from autograder.core import i18n
from autograder.core.cells import source as source_of
from autograder.core.course import ASSIGNMENTS
from autograder.core.results import CheckResult, NotebookResult
from autograder.execute import calls
from autograder.frontends import batch
from autograder.judge import scoring
from autograder.judge.misconceptions import CATALOGUE, WORDING, explain
from autograder.release import student_copy
from autograder.report import reports

from .conftest import TEST_LIMITS

ROOT = Path(__file__).resolve().parent.parent
BOB = ROOT / "tests" / "sample_class" / "bob" / "01_conv_basics" / "conv_basics.ipynb"  # flipped-kernel
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
ENV.pop(i18n.ENV, None)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def korean(text: str) -> bool:
    return bool(HANGUL.search(text))


@pytest.fixture
def english(monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)


def all_checks():
    return [c for a in ASSIGNMENTS.values() for c in a.checks(hidden=True)]


# ----------------------------------------------------------------------------------------------
# The catalogues


def test_every_message_has_a_korean_translation_with_the_same_placeholders():
    pytest.importorskip("babel", reason="Babel (the dev extra) extracts the messages from the code")
    from autograder.release import messages

    found = messages.problems("ko")
    assert found == [], "run `python -m autograder messages --update` and translate:\n" + "\n".join(found[:30])


def test_every_description_and_misconception_reads_in_korean_from_the_compiled_catalogues(english):
    worded = [pair for table in WORDING.values() for pair in table.values()]
    texts = [c.description for c in all_checks()] + [t for pair in [*CATALOGUE.values(), *worded] for t in pair]
    with i18n.language("ko"):
        untranslated = [t for t in texts if not korean(i18n.data(t))]
    assert untranslated == []
    with i18n.language("en"):
        assert all(i18n.data(t) == t for t in texts)


def test_the_student_copy_ships_a_catalogue_without_the_hidden_checks_texts():
    assert "locale" in student_copy.SHIPPED and not any(p.startswith("author/hidden") for p in student_copy.SHIPPED)
    public = {c.description for a in ASSIGNMENTS.values() for c in a.checks(hidden=False)}
    hidden_only = {c.description for c in all_checks() if c.hidden} - public
    assert hidden_only
    for mo in i18n.LOCALE.glob("*/LC_MESSAGES/*.mo"):
        with mo.open("rb") as f:
            shipped = set(gettext.GNUTranslations(f)._catalog)
        assert not shipped & hidden_only, mo
    for po in i18n.LOCALE.glob("*/LC_MESSAGES/*.po"):
        text = po.read_text()
        assert not [d for d in hidden_only if json.dumps(d)[1:-1][:40] in text], po
    assert i18n.HIDDEN_LOCALE.is_relative_to(ROOT / "autograder" / "author" / "hidden")


# ----------------------------------------------------------------------------------------------
# Choosing the language


def test_the_command_line_wins_over_the_notebook_which_wins_over_the_environment(monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)
    assert i18n.choose() == "en"
    monkeypatch.setenv(i18n.ENV, "ko_KR.UTF-8")
    assert i18n.choose() == "ko"
    assert i18n.choose(notebook="en") == "en"
    assert i18n.choose(cli="ko", notebook="en") == "ko"
    assert i18n.choose(cli="en", notebook="ko") == "en"
    monkeypatch.setenv(i18n.ENV, "klingon")  # not a language of this copy: passed over
    assert i18n.choose() == "en" and i18n.choose(notebook="KO") == "ko"
    assert i18n.notebook_language({"metadata": {"autograder": {"lang": "ko"}}}) == "ko"
    assert i18n.notebook_language({"metadata": {"autograder": "ko"}}) is None
    assert i18n.notebook_language({"cells": []}) is None
    assert i18n.languages() == ("en", "ko")


def test_the_language_is_per_context_and_restored(english):
    assert i18n.current() == "en"
    with i18n.language("ko"):
        assert i18n.current() == "ko" and korean(explain("missing-bias"))
        with i18n.language(None):
            assert i18n.current() == "ko"
        with i18n.language("en"):
            assert explain("missing-bias").startswith("Likely mistake (missing-bias): The bias is missing.")
    assert i18n.current() == "en"


def test_the_childs_english_messages_are_reworded_in_the_students_language(english):
    not_implemented = calls.NOT_IMPLEMENTED.format(function="conv2d_manual")
    raised = calls.RAISED.format(function="f", traceback='  File "<cell>", line 2\nValueError: bad')
    assert i18n.reword(not_implemented, calls.ERRORS) == not_implemented
    with i18n.language("ko"):
        assert i18n.reword(not_implemented, calls.ERRORS).startswith("conv2d_manual은(는) 아직 구현되지")
        assert i18n.reword(raised, calls.ERRORS).endswith('  File "<cell>", line 2\nValueError: bad')
        assert korean(i18n.reword(raised, calls.ERRORS))
        assert i18n.reword("anything else", calls.ERRORS) == "anything else"
        # a sentence of the sandbox with a reason inside it: both parts reworded
        stopped = scoring.reword("conv2d_manual ran past its time limit (the call was stopped)")
        assert stopped == "conv2d_manual이(가) 시간 제한을 넘겼습니다 (호출을 멈췄습니다)"


def test_a_result_keeps_its_language_and_older_results_read_as_english():
    check = CheckResult("test_f_x", "f", "설명", 0.0, 1.0, False, "메시지")
    result = NotebookResult("s", "01_conv_basics", (check,), lang="ko")
    assert NotebookResult.from_dict(result.to_dict()).lang == "ko"
    assert "점" in result.summary() and "points" not in result.summary()
    data = result.to_dict()
    del data["lang"]
    assert NotebookResult.from_dict(data).lang == "en"
    page = reports.feedback_html(result)
    assert page.startswith('<!DOCTYPE html><html lang="ko">') and "실패" in page


# ----------------------------------------------------------------------------------------------
# Real feedback


def _with_lang(source: Path, target: Path, lang: str | None) -> Path:
    nb = json.loads(source.read_text())
    if lang:
        nb["metadata"]["autograder"] = {"lang": lang}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb))
    return target


@pytest.mark.slow
def test_grade_with_lang_ko_writes_korean_feedback_pages_and_results(tmp_path):
    root, out = tmp_path / "class", tmp_path / "out"
    shutil.copytree(BOB.parent, root / "bob" / BOB.parent.name)
    cmd = [sys.executable, "-m", "autograder", "grade", str(root), "--out", str(out), "--lang", "ko"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=ENV, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    folder = out / "bob" / "01_conv_basics"
    page = (folder / "feedback.html").read_text()
    assert page.startswith('<!DOCTYPE html><html lang="ko">')
    assert "추정되는 실수(flipped-kernel)" in page and "교차 상관" in page and "비공개 검사" in page
    assert "Likely mistake" not in page and "Hint:" not in page
    data = json.loads((folder / "results.json").read_text())
    assert data["output"].startswith("01_conv_basics: ") and data["output"].splitlines()[0].endswith("점")
    failed = [t for t in data["tests"] if t["status"] == "failed" and t["visibility"] == "visible"]
    assert failed and all(korean(t["output"]) for t in failed)
    assert all("misconception:flipped-kernel" in t["tags"] for t in failed)
    assert data["extra_data"]["lang"] == "ko"
    assert "Class summary" in (out / "summary.md").read_text()  # the instructor's page stays English


@pytest.mark.slow
def test_each_notebook_is_graded_in_the_language_its_metadata_asks_for(tmp_path, english):
    root, out = tmp_path / "class", tmp_path / "out"
    _with_lang(BOB, root / "minji" / "01_conv_basics" / BOB.name, "ko")
    _with_lang(BOB, root / "bob" / "01_conv_basics" / BOB.name, None)
    batch.grade([root], out, limits=TEST_LIMITS, progress=False, hidden=False)
    minji = (out / "minji" / "01_conv_basics" / "feedback.md").read_text()
    bob = (out / "bob" / "01_conv_basics" / "feedback.md").read_text()
    assert "점수:" in minji and "추정되는 실수(flipped-kernel)" in minji
    assert "Score:" in bob and "Likely mistake (flipped-kernel)" in bob and not korean(bob)
    assert (out / "bob" / "01_conv_basics" / "feedback.html").read_text().startswith('<!DOCTYPE html><html lang="en">')


@pytest.mark.slow
def test_the_self_check_speaks_korean_with_lang_ko():
    cmd = [sys.executable, "-m", "autograder", "self-check", str(BOB), "--lang", "ko"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=ENV, cwd=ROOT)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]  # bob's conv2d_manual fails
    assert "과제 자가 점검" in proc.stdout and re.search(rf"{re.escape(str(BOB))}: [\d.]+ / [\d.]+점", proc.stdout)
    assert "추정되는 실수(flipped-kernel)" in proc.stdout


def _wrong_shape(input_shape, filters, kernel_size, strides=1, padding="valid"):
    n, h, w, _ = input_shape
    return (n, h - kernel_size, w - kernel_size, filters)  # off by one


def test_check_in_a_notebook_follows_its_saved_metadata_over_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(i18n.ENV, "en")
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert inline.check("conv_output_shape", _wrong_shape) == 0.0
    english_text = capsys.readouterr().out
    assert "[FAIL]" in english_text and not korean(english_text)
    notebook = ROOT / "assignments" / "01_conv_basics" / "conv_basics.ipynb"
    _with_lang(notebook, tmp_path / notebook.name, "ko")  # the kernel runs in the notebook's folder
    assert inline.check("conv_output_shape", _wrong_shape) == 0.0
    text = capsys.readouterr().out
    assert "[실패]" in text and "의 결과는 (1, 26, 26, 1)입니다" in text and "추정되는 실수(off-by-one-size)" in text
    assert np.isclose(inline.check("conv_output_shape", _wrong_shape), 0.0)


def test_the_pictures_titles_are_korean_in_a_font_that_has_their_glyphs(english):
    """The heatmaps of a wrong map title their panels in the feedback's language, drawn
    in a font matplotlib finds with Hangul glyphs (not DejaVu Sans, which would draw
    empty boxes): matplotlib draws the titles in it without a "Glyph missing" warning."""
    import warnings

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    from autograder.core.excerpts import excerpt
    from autograder.report import pictures

    expected = np.arange(16.0).reshape(4, 4)
    got = expected.copy()
    got[1, 2] = 0.0
    wrong = excerpt(expected, got, "conv2d_manual")
    with i18n.language("ko"):
        titles, font = pictures.titles()
        in_korean = pictures.png(wrong)
    assert len(titles) == 3 and all(re.fullmatch(r"[\uac00-\ud7a3]+", t) for t in titles), titles
    assert len(set(titles)) == 3
    figure = Figure()
    figure.text(0.1, 0.5, " ".join(titles), fontproperties=FontProperties(fname=font))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for each box it draws
        FigureCanvasAgg(figure).draw()
    assert in_korean != pictures.png(wrong)  # in English (the test's language) the titles differ


# ----------------------------------------------------------------------------------------------
# The notebooks' Korean cells


def _cells(folder: str, assignment) -> list[dict]:
    return json.loads((ROOT / folder / assignment.name / assignment.notebook).read_text())["cells"]


def _tags(cell: dict) -> list[str]:
    return (cell.get("metadata") or {}).get("tags") or []


@pytest.mark.parametrize("folder", ["solutions", "assignments"])
@pytest.mark.parametrize("assignment", list(ASSIGNMENTS.values()), ids=lambda a: a.name)
def test_each_notebook_has_a_korean_glossary_and_a_korean_summary_after_each_section_heading(folder, assignment):
    cells = _cells(folder, assignment)
    glossaries = [i for i, c in enumerate(cells) if "ko-glossary" in _tags(c)]
    assert len(glossaries) == 1 and glossaries[0] <= 3, "run /work/ko_cells.py on solutions/ (see its docstring)"
    glossary = source_of(cells[glossaries[0]])
    for term in ("합성곱", "교차 상관", "커널 / 필터", "특징 맵", "패딩", "스트라이드", "풀링", "편향", "채널"):
        assert term in glossary
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or "ko-summary" in _tags(cell) or "ko-glossary" in _tags(cell):
            continue
        headings = re.findall(r"^## +(.+?)\s*$", source_of(cell), re.MULTILINE)
        following = cells[i + 1 : i + 1 + len(headings)]
        assert [("ko-summary" in _tags(c), korean(source_of(c))) for c in following] == [(True, True)] * len(
            headings
        ), f"{folder}/{assignment.name}: no Korean summary after the section(s) {headings}"
    for cell in cells:
        if "ko-summary" in _tags(cell) or "ko-glossary" in _tags(cell):
            assert cell["cell_type"] == "markdown" and "nbgrader" not in cell["metadata"]
