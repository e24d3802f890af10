"""Feedback a student can read: pictures of wrong image-shaped answers (expected, got,
their difference), and pages that wrap, mark pass and fail by colour and by word, are
navigable by headings and fit a laptop screen in headless Chromium.

One small class is graded once for the module with the real grader: deliberate
mistakes from tests/mistakes/ (flipped kernels, a wrong activation, a max pool padded
with zeros) beside three sample students."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from autograder.core.course import ASSIGNMENTS, assignment_of_function
from autograder.core.excerpts import LIMIT, Excerpt, excerpt
from autograder.core.results import NotebookResult
from autograder.frontends import batch
from autograder.judge.engine import Grader
from autograder.report import pictures, reports
from bench import synth

from .conftest import TEST_LIMITS

HERE = Path(__file__).resolve().parent
MISTAKES = {
    "flipped": "conv2d_manual__flipped-kernel",
    "relu": "multi_filter_conv__wrong-activation",
    "zeros": "maxpool_manual__same-padding-zeros",
    "edges": "detect_edges__flipped-kernel",
}
LIGHT = ("01_conv_basics", "02_filters", "03_pooling", "05_edge_detection")
"""The sample students' notebooks graded beside the mistakes (04's training is slow)."""
LAPTOP = (1366, 768)
"""A typical laptop screen, in CSS pixels."""


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """The reports folder of a graded class: four mistakes and three sample students."""
    root = tmp_path_factory.mktemp("class")
    for student, stem in MISTAKES.items():
        function = stem.split("__")[0]
        assignment = assignment_of_function(function)
        nb = synth.solved(assignment, {function: (HERE / "mistakes" / f"{stem}.py").read_text()})
        synth.write(nb, root / student / assignment.name / assignment.notebook)
    for student in ("alice", "bob", "carol"):
        for name in LIGHT:
            shutil.copytree(HERE / "sample_class" / student / name, root / student / name)
    out = tmp_path_factory.mktemp("reports")
    batch.grade([root], out, limits=TEST_LIMITS, progress=False)
    return out


def _result(out: Path, student: str, assignment: str) -> NotebookResult:
    return NotebookResult.from_json(json.loads((out / student / assignment / "results.json").read_text()))


def _published(out: Path, student: str, assignment: str, tmp_path: Path) -> str:
    """The student's feedback.html as written once grades are published."""
    reports.write_submission(tmp_path, _result(out, student, assignment), show_hidden=True)
    return (tmp_path / student / assignment / "feedback.html").read_text()


# pictures


@pytest.mark.slow
def test_a_flipped_kernel_is_pictured_for_visible_checks_and_hidden_ones_once_published(graded, tmp_path):
    result = _result(graded, "flipped", "01_conv_basics")
    wrong = [c for c in result.checks if c.function == "conv2d_manual" and not c.passed]
    assert wrong and all(c.excerpt is not None for c in wrong)
    visible = [c for c in wrong if not c.hidden]
    hidden = [c for c in wrong if c.hidden]
    assert visible and hidden
    page = (graded / "flipped" / "01_conv_basics" / "feedback.html").read_text()
    assert page.count('src="data:image/png;base64,') == len(visible)  # no hidden check's picture
    assert "<figcaption>Expected, got and difference (got - expected)" in page
    assert "First difference (outlined) at row 0, column 0" in page
    assert 'alt="Three heatmaps' in page and "http" not in page  # works offline
    published = _published(graded, "flipped", "01_conv_basics", tmp_path)
    assert published.count('src="data:image/png;base64,') == len(wrong)
    md = (graded / "flipped" / "01_conv_basics" / "feedback.md").read_text()
    assert "base64" not in md and "feedback.html shows a picture" in md


@pytest.mark.slow
@pytest.mark.parametrize("student", list(MISTAKES))
def test_each_wrong_map_is_pictured_in_the_published_feedback_page(graded, student, tmp_path):
    function = MISTAKES[student].split("__")[0]
    assignment = assignment_of_function(function).name
    result = _result(graded, student, assignment)
    shown = [c for c in result.checks if pictures.shown(c, show_hidden=True)]
    assert shown and {c.function for c in shown} == {function}
    page = _published(graded, student, assignment, tmp_path)
    assert page.count('src="data:image/png;base64,') == len(shown)


@pytest.mark.slow
def test_a_pooled_map_is_pictured_at_its_item_and_channel(graded):
    result = _result(graded, "zeros", "03_pooling")
    wrong = [c for c in result.checks if c.function == "maxpool_manual" and not c.passed]
    assert wrong, "a max pool padded with zeros passed every check"
    pictured = [c for c in wrong if c.excerpt is not None]
    assert pictured and all(c.excerpt.layout == "NHWC" for c in pictured)
    first = pictured[0].excerpt
    assert f"item {first.first[0]}, channel {first.first[3]}" == first.where
    assert "of item" in pictures.caption(first)


@pytest.mark.slow
def test_results_json_stays_small_and_reads_back_the_same(graded):
    for path in graded.glob("*/*/results.json"):
        assert path.stat().st_size < 64_000, path
        result = NotebookResult.from_json(json.loads(path.read_text()))
        assert NotebookResult.from_json(json.loads(json.dumps(result.to_json()))) == result
        assert NotebookResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_an_excerpt_is_a_bounded_window_around_the_first_difference():
    rng = np.random.default_rng(0)
    expected = rng.uniform(-1, 1, size=(2, 30, 25, 3))
    got = expected.copy()
    got[1, 20, 24, 2] = np.nan
    got[1, 21, 3, 2] += 1
    found = excerpt(expected, got, "maxpool_manual")
    assert found.first == (1, 20, 24, 2) and found.where == "item 1, channel 2" and found.cell == (20, 24)
    window_e, window_g, differs = found.arrays()
    assert window_e.shape == window_g.shape == differs.shape == (LIMIT, LIMIT)
    assert (found.top, found.left) == (14, 13)
    np.testing.assert_allclose(window_e, expected[1, 14:26, 13:25, 2], rtol=1e-5)
    assert np.isnan(window_g[6, 11]) and differs.sum() == 1
    assert Excerpt.from_dict(json.loads(json.dumps(found.__dict__))) == found
    first = pictures.caption(found)
    assert "rows 14-25 and columns 13-24 of the 30 x 25 map" in first and "got nan" in first


def test_an_excerpt_only_for_maps_of_the_same_shape_that_differ():
    image = np.arange(12.0).reshape(3, 4)
    assert excerpt(image, image + 0.5, "conv2d_manual").differs[0] == "1111"
    assert excerpt(image, image, "conv2d_manual") is None
    assert excerpt(image, image[:, :3], "conv2d_manual") is None  # a shape error is said in words
    assert excerpt(image, [1, 2], "conv2d_manual") is None
    assert excerpt(np.zeros((4, 1)), np.ones((4, 1)), "conv2d_manual") is None  # not a map
    assert excerpt(image, image + 0.01, "learn_kernel", _within(0.05)) is None  # within its tolerance
    channels = excerpt(np.zeros((2, 3, 4, 5)), np.ones((2, 3, 4, 5)), "channels_first")
    assert channels.layout == "NCHW" and channels.map_shape == (4, 5) and channels.where == "item 0, channel 0"


def _within(tolerance):
    from autograder.core.compare import within

    return within(tolerance)


def test_check_prints_text_outside_a_kernel(monkeypatch, capsys):
    from autograder import inline

    scope: dict = {}
    exec((HERE / "mistakes" / "conv2d_manual__flipped-kernel.py").read_text(), scope)
    import IPython.display

    shown: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *args, **kwargs: shown.append(args))
    inline.check("conv2d_manual", scope["conv2d_manual"])
    assert "[FAIL]" in capsys.readouterr().out and not shown


@pytest.mark.slow
def test_check_shows_pictures_in_a_notebook_kernel():
    import nbformat
    from nbclient import NotebookClient

    source = (HERE / "mistakes" / "conv2d_manual__flipped-kernel.py").read_text()
    call = 'from autograder.inline import check\ncheck("conv2d_manual", conv2d_manual)'
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source), nbformat.v4.new_code_cell(call)])
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    outputs = nb.cells[1].outputs
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    shown = [o.data for o in outputs if o.output_type == "display_data"]
    assert shown and len(shown) == printed.count("[FAIL]")  # a picture per failed check
    assert all('<img alt="Three heatmaps' in d["text/html"] and "<figcaption>" in d["text/html"] for d in shown)
    assert all("First difference (outlined) at row" in d["text/plain"] for d in shown)


# readable HTML


class _Outline(HTMLParser):
    """What a screen reader navigates by: headings, table headers, images, the language."""

    def __init__(self) -> None:
        super().__init__()
        self.lang, self.headings, self.th, self.images, self.marks = None, [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        elif tag == "th":
            self.th.append(attrs.get("scope"))
        elif tag == "img":
            self.images.append(attrs.get("alt"))
        elif attrs.get("class") in ("pass", "fail"):
            self.marks.append(attrs["class"])


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def _pages(out: Path, tmp_path: Path) -> dict[str, Path]:
    """The class summary and a published feedback page with pictures (more content)."""
    _published(out, "flipped", "01_conv_basics", tmp_path)
    return {"feedback": tmp_path / "flipped" / "01_conv_basics" / "feedback.html", "summary": out / "summary.html"}


@pytest.mark.slow
def test_pages_are_navigable_by_headings_and_mark_pass_and_fail_by_word(graded, tmp_path):
    for name, path in _pages(graded, tmp_path).items():
        page = path.read_text()
        found = _outline(page)
        assert found.lang == "en", name
        assert found.headings[0] == 1 and found.headings.count(1) == 1, name
        assert all(b - a <= 1 for a, b in zip(found.headings, found.headings[1:])), (name, found.headings)
        assert found.th and set(found.th) <= {"col", "row"}, name
        assert found.images and all(found.images), name
        assert "white-space: pre-wrap" in page and "overflow-wrap: anywhere" in page
    feedback = _pages(graded, tmp_path)["feedback"].read_text()
    marks = _outline(feedback).marks
    assert "pass" in marks and "fail" in marks
    assert '<strong class="fail">FAILED</strong>' in feedback and '<strong class="pass">passed</strong>' in feedback


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


PROBE = """<script>
window.addEventListener("load", () => {
  const width = document.documentElement.clientWidth, wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect(), what = `${el.tagName}: ${el.textContent.slice(0, 80)}`;
    if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) {
      wide.push(`${Math.round(box.left)}..${Math.round(box.right)} ${what}`);
    } else if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {  // content cut or scrolled
      wide.push(`content ${el.scrollWidth} in ${el.clientWidth} ${what}`);
    }
  }
  const report = {
    innerWidth: window.innerWidth, width, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 10),
    images: [...document.images].map(i => i.complete && i.naturalWidth > 0),
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(report);
  document.body.append(out);
});
</script>"""


def _layout(page: Path, script: str = PROBE, width: int = LAPTOP[0]) -> dict:
    """What headless Chromium measures of ``page`` with ``script``, at a laptop's width."""
    probe = page.with_name(f".probe-{page.name}")
    probe.write_text(page.read_text().replace("</body>", script + "</body>"))
    cmd = [_chromium(), "--headless", "--disable-gpu", f"--window-size={width},{LAPTOP[1]}"]
    cmd += ["--no-sandbox"] if os.geteuid() == 0 else []
    cmd += ["--virtual-time-budget=10000", "--dump-dom", probe.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    probe.unlink()
    start = proc.stdout.find('<pre id="probe">')
    assert start >= 0, proc.stderr[-2000:]
    text = proc.stdout[start + len('<pre id="probe">') : proc.stdout.index("</pre>", start)]
    return json.loads(text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)")
@pytest.mark.parametrize("name", ["feedback", "summary"])
def test_nothing_overflows_a_laptop_screen_in_chromium(graded, tmp_path, name):
    found = _layout(_pages(graded, tmp_path)[name])
    assert found["innerWidth"] == LAPTOP[0], found
    assert found["scrollWidth"] <= found["width"], found
    assert not found["wide"], found["wide"]
    assert found["images"] and all(found["images"]), found  # every picture loaded, offline


TOTALS_PROBE = """<script>
window.addEventListener("load", () => {
  const width = document.documentElement.clientWidth;
  const head = [...document.querySelectorAll("th")].find(th => th.textContent === "course total");
  const column = [...head.parentElement.children].indexOf(head);
  const cells = [...head.closest("table").rows].map(row => row.cells[column]);
  const box = head.closest(".table").getBoundingClientRect();
  const report = {
    width, box: [box.left, box.right],
    cells: cells.map(c => { const r = c.getBoundingClientRect(); return [r.left, r.right, c.textContent]; }),
    sections: [...document.querySelectorAll("h2")].map(h => h.textContent),
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(report);
  document.body.append(out);
});
</script>"""


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)")
def test_the_course_total_is_seen_without_scrolling_and_what_to_act_on_comes_first(graded, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(graded, out)
    grader = Grader(hidden=False)
    for name in ("04_cnn_models", "06_backprop"):  # every assignment of the course in the summary's tables
        reports.write_submission(out, grader.missing("alice", ASSIGNMENTS[name]))
    reports.write_class_summary(out)
    found = _layout(out / "summary.html", TOTALS_PROBE, width=1280)
    assert 1200 < found["width"] <= 1280, found
    assert len(found["cells"]) >= 8  # the header, the maximum and each student
    for left, right, text in found["cells"]:
        assert found["box"][0] <= left and right <= min(found["box"][1], found["width"]), (text, found)
    sections = found["sections"]
    assert sections[:2] == ["First: misconceptions and failing functions", "Scores"], sections
    assert sections.index("Scores") < sections.index("Points per function") < sections.index("Pass rate per check")
    assert sections[-2:] == ["Misconceptions: where, and who", "Similar answers"], sections
