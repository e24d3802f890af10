"""Hostile and broken submissions against the real sandbox: each costs at most its
own cell or function, the grader survives, and exploits earn nothing."""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.core.course import ASSIGNMENTS
from autograder.execute import notebook, sandbox
from autograder.execute.sandbox import Limits
from autograder.judge import scoring

from . import attacks
from .conftest import TEST_LIMITS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

FULL = ASSIGNMENTS["01_conv_basics"]
WRONG_CONV = "import numpy as np\ndef conv2d_manual(image, kernel, bias=0.0):\n    kh, kw = np.shape(kernel)[:2]\n    return np.zeros((np.shape(image)[0] - kh + 1, np.shape(image)[1] - kw + 1))"


def full_marks() -> float:
    return sum(c.points for c in FULL.checks())


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param("while True:\n    pass", id="infinite-loop"),
        pytest.param(
            "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
            id="ignores-signals",
        ),
        pytest.param("import os\nos._exit(1)", id="os-exit"),
        pytest.param("import sys\nsys.exit(3)", id="sys-exit"),
        pytest.param("raise SystemExit", id="system-exit"),
        pytest.param("import numpy as np\nhuge = np.ones((200_000, 200_000))", id="huge-allocation"),
        pytest.param("for _ in range(50):\n    print('x' * 1_000_000)", id="50MB-of-prints"),
        pytest.param("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", id="kills-itself"),
        pytest.param("def broken(:\n    pass", id="syntax-error"),
    ],
)
def test_a_hostile_cell_costs_only_that_cell(grader, submission, cell):
    start = time.monotonic()
    result = grader.grade(submission(cells=[cell]))
    assert result.grader_error is None
    assert result.score == full_marks(), [c.message for c in result.checks if not c.passed]
    assert time.monotonic() - start < 60


def test_a_function_that_never_returns_costs_only_that_function(grader, submission):
    """Each call is stopped at its check's time limit: 1 s here instead of the checks' own
    10 s, which this test would otherwise wait out once per call."""
    loop = "def conv_weight_shapes(in_channels, filters, kernel_size):\n    while True:\n        pass"
    checks = [
        dataclasses.replace(c, timeout=1.0) if c.function == "conv_weight_shapes" else c for c in grader.checks(FULL)
    ]
    cells = notebook.student_cells(notebook.load(submission(replace={"conv_weight_shapes": loop})))
    run = sandbox.run_submission(grader.servers(checks), cells, checks, TEST_LIMITS)
    outcomes = [run.outcomes[i] for i in range(len(checks))]
    results = scoring.score(checks, grader.references(FULL), outcomes)
    scores = {f: sum(r.points for r in results if r.function == f) for f in FULL.functions}
    assert scores["conv_weight_shapes"] == 0
    assert scores["conv2d_manual"] == FULL.points("conv2d_manual")
    assert scores["conv_output_shape"] == FULL.points("conv_output_shape")
    failed = [r for r in results if r.function == "conv_weight_shapes"]
    assert "did not return" in failed[0].message


@pytest.mark.parametrize(
    "exploit",
    [
        pytest.param("import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None", id="patch-assert"),
        pytest.param(
            "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True",
            id="patch-numpy",
        ),
        pytest.param(
            "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])", id="input-transformer"
        ),
        pytest.param(
            "import sys, types\nfake = types.SimpleNamespace(check=lambda *a, **k: 6.0)\n"
            "sys.modules['autograder'] = fake\nsys.modules['autograder.inline'] = fake",
            id="fake-module",
        ),
        pytest.param('print(\'{"score": 15, "max_score": 15, "tests": []}\')', id="printed-result"),
        pytest.param(
            "import json\nfor name in ['results.json', '../results.json']:\n    try:\n"
            "        open(name, 'w').write(json.dumps({'score': 15}))\n    except OSError:\n        pass",
            id="written-result",
        ),
        pytest.param("import builtins\nbuiltins.isinstance = lambda *a: True", id="patch-builtins"),
    ],
)
def test_exploits_earn_nothing_for_a_wrong_answer(grader, submission, exploit):
    result = grader.grade(submission(replace={"conv2d_manual": WRONG_CONV}, cells=[exploit]))
    assert result.grader_error is None
    conv = [c for c in result.checks if c.function == "conv2d_manual"]
    assert sum(c.points for c in conv) == 0


@pytest.mark.parametrize(
    "patch",
    [
        pytest.param(
            "import importlib\ncalls = importlib.import_module('auto' + 'grader.execute.calls')\ncalls.call = None",
            id="patch-grader",
        ),
        pytest.param(
            "import importlib\nref = importlib.import_module('auto' + 'grader.author.references')",
            id="import-references",
        ),
        pytest.param("import sys\nsys.setprofile(None)", id="profiler"),
        pytest.param("# the autograder said my shapes were off; ctypes, f_globals, setprofile", id="words"),
    ],
)
def test_reaching_into_the_grader_changes_nothing_and_accuses_no_one(grader, submission, patch):
    """The grader's modules in the child decide nothing, and the ones that hold answers
    are not there at all: honest work keeps its marks whatever else a cell does."""
    result = grader.grade(submission(cells=[patch]))
    assert result.score == full_marks(), [c.message for c in result.checks if not c.passed]
    assert not any(c.misconceptions for c in result.checks)


def test_a_cell_that_imports_the_grader_keeps_its_other_lines(grader, submission):
    helper = (
        "import numpy as np\nfrom autograder.inline import check\n"
        "def _window_sum(window, kernel):\n    return float(np.sum(window * kernel))\n"
        "check('conv2d_manual', None)"
    )
    conv = (
        "import numpy as np\n"
        "def conv2d_manual(image, kernel, bias=0.0):\n"
        "    image = np.asarray(image, dtype=float); kernel = np.asarray(kernel, dtype=float)\n"
        "    kh, kw = kernel.shape[:2]\n"
        "    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))\n"
        "    for i in range(out.shape[0]):\n"
        "        for j in range(out.shape[1]):\n"
        "            out[i, j] = _window_sum(image[i:i + kh, j:j + kw], kernel) + bias\n"
        "    return out"
    )
    result = grader.grade(submission(replace={"conv2d_manual": conv}, cells=[helper]))
    assert result.score == full_marks(), [c.message for c in result.checks if not c.passed]


def test_a_lookup_table_of_public_answers_fails_the_hidden_checks(grader, submission):
    public = [c for c in FULL.checks(hidden=False) if c.function == "conv2d_manual"]
    from autograder.author.references import conv2d_single

    table = {repr(c.args[0].tolist()): conv2d_single(*c.args, **c.kwargs).tolist() for c in public}
    source = (
        "import numpy as np\n"
        f"TABLE = {table!r}\n"
        "def conv2d_manual(image, kernel, bias=0.0):\n"
        "    return np.array(TABLE.get(repr(np.asarray(image).tolist()), [[0.0]]))"
    )
    result = grader.grade(submission(replace={"conv2d_manual": source}))
    conv = [c for c in result.checks if c.function == "conv2d_manual"]
    assert all(c.passed for c in conv if not c.hidden)
    assert not any(c.passed for c in conv if c.hidden)


def test_another_students_published_hidden_answers_fail_the_hidden_checks(grader, submission):
    """Once hidden results are published a student knows their hidden inputs and answers: a
    table of them earns that student's hidden points, and fails every drawn input of another
    student's (a check on fixed inputs, such as the example computed by hand, is everyone's)."""
    owner, copier = "published-owner", "published-copier"

    def conv(student: str) -> list:
        return [c for c in FULL.checks(hidden=True, student=student) if c.function == "conv2d_manual" and c.hidden]

    table = {
        repr(np.asarray(c.args[0]).tolist()): np.asarray(c.reference(*c.args, **c.kwargs)).tolist() for c in conv(owner)
    }
    source = (
        "import numpy as np\n"
        f"TABLE = {table!r}\n"
        "def conv2d_manual(image, kernel, bias=0.0):\n"
        "    return np.array(TABLE.get(repr(np.asarray(image).tolist()), [[0.0]]))"
    )
    path = submission(replace={"conv2d_manual": source})
    before = grader.references_computed
    mine = grader.grade(path, owner)
    computed = grader.references_computed - before
    assert computed > 0  # the owner's hidden references: none of them cached before
    theirs = grader.grade(path, copier)
    assert grader.references_computed - before == 2 * computed  # the copier's own, as many
    assert grader.grade(path, owner).score == mine.score
    assert grader.references_computed - before == 2 * computed  # the owner's again: from the cache

    assert all(c.passed for c in mine.checks if c.function == "conv2d_manual" and c.hidden)
    drawn = {a.name for a, b in zip(conv(owner), conv(copier), strict=True) if repr(a.args) != repr(b.args)}
    assert len(drawn) >= 2
    copied = {c.name: c for c in theirs.checks if c.function == "conv2d_manual" and c.hidden}
    assert not any(copied[name].passed for name in drawn), [copied[n].message for n in drawn]
    assert mine.hidden_inputs_sha256 != theirs.hidden_inputs_sha256
    assert theirs.score < mine.score


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("import tensorflow as tf\n", id="tensorflow"),
        pytest.param("tf = __import__('tensor' + 'flow')\n", id="obfuscated-import"),
    ],
)
def test_a_manual_function_that_computes_with_tensorflow_earns_nothing(grader, submission, body):
    source = body + (
        "import numpy as np\n"
        "def conv2d_manual(image, kernel, bias=0.0):\n"
        "    image = np.asarray(image, dtype=np.float32)\n"
        "    kernel = np.asarray(kernel, dtype=np.float32)\n"
        "    if image.ndim == 2:\n"
        "        image, kernel = image[..., None], kernel[..., None]\n"
        "    out = tf.nn.conv2d(image[None], kernel[..., None], strides=1, padding='VALID')\n"
        "    return out.numpy()[0, :, :, 0] + bias"
    )
    result = grader.grade(submission(replace={"conv2d_manual": source}))
    conv = [c for c in result.checks if c.function == "conv2d_manual"]
    assert sum(c.points for c in conv) == 0
    assert all("forbidden-library-call" in c.misconceptions for c in conv)
    assert "tensorflow" in conv[0].message
    others = [c for c in result.checks if c.function != "conv2d_manual"]
    assert all(c.passed for c in others)


def test_tensorflow_only_on_later_calls_is_still_caught(grader, submission):
    source = (
        "import numpy as np\nimport tensorflow as tf\ncalls = []\n"
        "def conv2d_manual(image, kernel, bias=0.0):\n"
        "    calls.append(1)\n"
        "    if len(calls) > 1:\n"
        "        tf.constant(0.0)\n"
        "    image = np.asarray(image, dtype=float); kernel = np.asarray(kernel, dtype=float)\n"
        "    kh, kw = kernel.shape[:2]\n"
        "    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))\n"
        "    for i in range(out.shape[0]):\n"
        "        for j in range(out.shape[1]):\n"
        "            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel) + bias\n"
        "    return out"
    )
    result = grader.grade(submission(replace={"conv2d_manual": source}))
    assert sum(c.points for c in result.checks if c.function == "conv2d_manual") == 0


@pytest.mark.parametrize(
    "source, reason",
    [
        pytest.param("def conv2d_manual(image):\n    return image", "TypeError", id="wrong-signature"),
        pytest.param(
            "def conv2d_manual(image, kernel, bias=0.0):\n    return lambda: 0", "cannot read", id="returns-a-function"
        ),
        pytest.param(
            "def conv2d_manual(image, kernel, bias=0.0):\n    return 'hello'", "expected", id="returns-a-string"
        ),
        pytest.param("x = 1", "not defined", id="deleted-function"),
        pytest.param(
            "def conv2d_manual(image, kernel, bias=0.0):\n    raise ValueError('boom')", "ValueError: boom", id="raises"
        ),
    ],
)
def test_broken_functions_get_a_plain_reason(grader, submission, source, reason):
    result = grader.grade(submission(replace={"conv2d_manual": source}))
    conv = [c for c in result.checks if c.function == "conv2d_manual"]
    assert sum(c.points for c in conv) == 0
    assert reason in conv[0].message
    assert "autograder/" not in conv[0].message  # no grader frames in the feedback
    assert all(c.passed for c in result.checks if c.function != "conv2d_manual")


def test_invalid_notebook_json_gets_a_result_with_the_reason(grader, tmp_path):
    path = tmp_path / "s" / "01_conv_basics" / "conv_basics.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    result = grader.grade(path, "s")
    assert result.score == 0 and result.max_score == full_marks()
    assert "not valid notebook JSON" in result.checks[0].message
    assert result.grader_error is None


def test_time_in_cells_counts_as_the_students_own_compute(grader, submission):
    result = grader.grade(submission(cells=["import time\ntime.sleep(0.5)"]))
    assert result.student_seconds >= 0.5
    assert result.sandbox_seconds >= result.student_seconds


@pytest.mark.parametrize("threads, seen", [(1, "1"), (0, "0")])
def test_the_thread_limit_reaches_tensorflow_in_the_child(grader, threads, seen):
    probe = "import tensorflow as tf\nprint(tf.config.threading.get_intra_op_parallelism_threads())"
    run = sandbox.run_submission(grader.servers([]), [(0, probe)], [], Limits(threads=threads))
    assert run.cells[0].error is None
    assert run.cells[0].output.strip() == seen


@pytest.mark.parametrize("sig", [signal.SIGSTOP, signal.SIGKILL], ids=["stopped", "killed"])
def test_a_fork_server_that_is_stopped_or_killed_is_replaced(grader, submission, sig, monkeypatch):
    """Students cannot reach the fork servers (other PID namespace), but a server that
    hangs or dies all the same costs nobody a grade: it is replaced."""
    path = submission()
    grader.grade(path)  # the servers are up
    for server in grader.servers(FULL.checks()).values():
        # a stopped server is given up after fork_seconds: 5 s here, not the 20 s it waits in production
        monkeypatch.setattr(server, "fork_seconds", 5.0)
        os.kill(server._process.pid, sig)
    start = time.monotonic()
    result = grader.grade(path)
    assert result.grader_error is None and result.score == full_marks()
    assert all(s.restarts >= 1 for s in grader.servers(FULL.checks()).values())
    assert time.monotonic() - start < 120


def test_the_child_sees_nothing_but_its_view(grader):
    """The child's own report of what it sees (a test of the view, not of trust)."""
    probe = (
        "import os, socket\n"
        "seen = [p for p in ('/etc/shadow', '/home') if os.path.exists(p)]\n"
        "seen += [p for p in os.environ if 'SECRET' in p]\n"
        f"seen += [p for p in ({str(ROOT / 'solutions')!r}, {str(ROOT / 'autograder' / 'hidden')!r}) if os.path.exists(p)]\n"
        "seen += [p for p in os.listdir('/proc') if p.isdigit() and p != '1']\n"
        "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=1); seen.append('network')\n"
        "except OSError:\n    pass\n"
        "print(seen, os.getuid() != 0)"
    )
    os.environ["AUTOGRADER_SECRET"] = "kept-from-the-child"
    try:
        run = sandbox.run_submission(grader.servers([]), [(0, probe)], [], TEST_LIMITS)
    finally:
        del os.environ["AUTOGRADER_SECRET"]
    assert run.cells[0].error is None and run.cells[0].output.strip() == "[] True"


def test_numpy_only_children_have_no_tensorflow_on_disk(grader):
    import importlib.machinery

    folder = importlib.machinery.PathFinder.find_spec("tensorflow").submodule_search_locations[0]
    probe = f"import os\nprint(os.listdir({folder!r}))\nimport tensorflow as tf\ntf.constant(1.0)"
    numpy_server = grader.servers([c for c in FULL.checks() if c.manual])["numpy"]
    run = sandbox.run_submission({"numpy": numpy_server}, [(0, probe)], [], TEST_LIMITS)
    assert run.cells[0].output.splitlines()[0] == "[]"
    assert "must compute with NumPy only" in run.cells[0].output  # not counted as an error of the cell


def test_the_words_of_the_rule_cost_an_honest_answer_nothing(grader, submission):
    """DESIGN.md section 4: verdicts come from kinds, never from words (the phrase in a
    comment, a string, printed output and exception messages; then the issue's case)."""
    result = grader.grade(submission(replace={"conv2d_manual": attacks.PHRASE_CONV}, cells=[attacks.PHRASE_CELL]))
    assert result.score == full_marks(), [c.message for c in result.checks if not c.passed]
    result = grader.grade(submission(replace={"conv2d_manual": attacks.READ_ONLY_CONV}))
    failed = [c for c in result.checks if not c.passed]
    assert failed and all(c.misconceptions == ("input-mutated",) and c.function == "conv2d_manual" for c in failed)
