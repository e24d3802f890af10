"""The student copy's leak search: is there answer code among what ships?

Two searches, each of which finds what the other misses:

- shared code: every statement and expression of at least ``MIN_NODES`` AST nodes in
  the copy (its modules and its notebooks' code cells) is compared, with local names
  normalised, against the code an answer is made of: the solution and hidden-test
  regions of the source notebooks, and the instructor-only modules (answer keys,
  references, hidden checks). A copy of TensorFlow's 'same' padding split or of a
  solution's loop is found whatever its variables are called;
- reproduced answers: every function defined at the top level of a shipped module
  is called, in a separate process, on the arguments of each public check whose
  call its signature accepts (and with the first array given a batch axis of 1),
  and its result compared with the check's frozen reference and simulated mistakes.
  A function that computes an answer, or a close variant of one, is found however
  it is written. Functions that name the operating system, files or processes are
  not called.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from ..core import plain
from ..core.outcomes import Reference

PROJECT = Path(__file__).resolve().parent.parent.parent
MIN_NODES = 14
"""Smallest subtree compared: ``max((out - 1) * stride + pool - size, 0)`` has 16 nodes,
``x = np.asarray(x, dtype=np.float64)`` 9."""
INSTRUCTOR_MODULES = ("author/keys", "author/hidden", "author/references.py")
"""Instructor-only code under ``autograder/`` whose statements must not ship."""
MARKERS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
UNSAFE = (
    "os sys subprocess signal socket shutil Path open exit quit exec eval compile __import__ importlib "
    "threading multiprocessing resource ctypes atexit kill fork system unlink rmtree remove rename "
    "write_text write_bytes popen _exit terminate setrlimit"
)
"""Names (variables, modules, attributes) that keep a shipped function from being called
by the search: it could touch files, processes or the interpreter."""
CALL_SECONDS = 2.0


@dataclass(frozen=True)
class Leak:
    """Answer code found in the copy."""

    where: str
    """File in the copy, and the function or line."""
    reason: str
    """What it shares or reproduces."""

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


KEPT_NAMES = frozenset(dir(builtins)) | {"np", "numpy", "tf", "keras", "layers", "math"}
"""Names a normalised subtree keeps: builtins and libraries, which say what the code does."""


class _Normalise(ast.NodeTransformer):
    """Other names become v0, v1, ... in order of first use; attributes and constants stay."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        if name in KEPT_NAMES:
            return name
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.copy_location(ast.Name(id=self._name(node.id), ctx=node.ctx), node)

    def visit_arg(self, node: ast.arg) -> ast.arg:
        return ast.copy_location(ast.arg(arg=self._name(node.arg)), node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = self._name(node.name)
        node.decorator_list, node.returns = [], None
        self.generic_visit(node)
        return node


def _size(node: ast.AST) -> int:
    """Nodes of a subtree, not counting load/store markers."""
    return sum(1 for n in ast.walk(node) if not isinstance(n, ast.expr_context))


def _subtrees(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """(subtree, normalised dump) of every statement and expression of ``MIN_NODES`` or more
    nodes; docstrings and other lone constants are left out."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.stmt, ast.expr)) or isinstance(node, ast.Constant):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if _size(node) < MIN_NODES:
            continue
        normal = _Normalise().visit(copy.deepcopy(node))
        found.append((node, ast.dump(normal, annotate_fields=False, include_attributes=False)))
    return found


def _parse(source: str) -> ast.AST | None:
    """The AST of a module, a notebook cell or a region cut out of a function body."""
    for text in (source, textwrap.dedent(source)):
        try:
            return ast.parse(text)
        except SyntaxError:
            continue
    return None


def _cell_sources(path: Path) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]


def _regions(source: str) -> list[str]:
    """The code between the nbgrader markers of one cell."""
    regions = []
    for begin, end in MARKERS:
        lines, inside = [], False
        for line in source.splitlines():
            if begin in line:
                inside, lines = True, []
            elif end in line and inside:
                inside = False
                regions.append("\n".join(lines))
            elif inside:
                lines.append(line)
    return regions


def _outside_regions(source: str) -> str:
    """A cell's code with its marked regions blanked out: what the release shows."""
    lines, inside = [], False
    for line in source.splitlines():
        if any(begin in line for begin, _ in MARKERS):
            inside = True
        elif any(end in line for _, end in MARKERS):
            inside = False
        lines.append("" if inside or "SOLUTION" in line or "HIDDEN TESTS" in line else line)
    return "\n".join(lines)


def _dumps(source: str) -> set[str]:
    tree = _parse(source)
    return {dump for _, dump in _subtrees(tree)} if tree else set()


def answer_fingerprints(solutions: Path = PROJECT / "solutions", instructor: bool = True) -> dict[str, str]:
    """Normalised dump -> where it comes from, for the solution and hidden-test regions of
    ``solutions`` and, with ``instructor``, the instructor-only modules; less what the
    notebooks show in public (prose examples, stubs, visible tests)."""
    sources: list[tuple[str, str]] = []
    public: set[str] = set()
    for path in sorted(solutions.rglob("*.ipynb")):
        for cell in _cell_sources(path):
            public |= _dumps(_outside_regions(cell)) if "SOLUTION" in cell or "HIDDEN TESTS" in cell else _dumps(cell)
            for region in _regions(cell):
                sources.append((f"{path.relative_to(solutions)} (solution or hidden test)", region))
    if instructor:
        package = PROJECT / "autograder"
        for name in INSTRUCTOR_MODULES:
            for path in sorted((package / name).rglob("*.py")) if (package / name).is_dir() else [package / name]:
                sources.append((str(path.relative_to(PROJECT)), path.read_text()))
    prints: dict[str, str] = {}
    for where, source in sources:
        for dump in _dumps(source) - public:
            prints.setdefault(dump, where)
    return prints


def shared_code(folder: Path, prints: dict[str, str]) -> list[Leak]:
    """Subtrees of the copy's modules and notebook cells that are in ``prints``, outermost only."""
    leaks = []
    files = [(p, [p.read_text()]) for p in sorted(folder.rglob("*.py"))]
    files += [(p, _cell_sources(p)) for p in sorted(folder.rglob("*.ipynb"))]
    for path, sources in files:
        for source in sources:
            tree = _parse(source)
            inside: set[int] = set()
            for node, dump in _subtrees(tree) if tree else []:
                if id(node) in inside or dump not in prints:
                    continue
                inside |= {id(n) for n in ast.walk(node)}
                code = ast.unparse(node).splitlines()[0][:100]
                leaks.append(Leak(f"{path.relative_to(folder)}:{node.lineno}", f"{code!r} is code of {prints[dump]}"))
    return leaks


_CALLER = r"""
import ast, importlib, importlib.util, inspect, signal, sys, textwrap, warnings
from pathlib import Path
import numpy as np

package, checks_file, seconds = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
spec = importlib.util.spec_from_file_location(
    "shipped", package / "__init__.py", submodule_search_locations=[str(package)]
)
root = importlib.util.module_from_spec(spec)
sys.modules["shipped"] = root
spec.loader.exec_module(root)
importlib.import_module("shipped.core.quiet").quiet_tensorflow()
import keras  # noqa: F401  (imported once here, not under a call's time limit)

plain = importlib.import_module("shipped.core.plain")
compare = importlib.import_module("shipped.core.compare")
checks = plain.loads(Path(checks_file).read_bytes())
unsafe = set(sys.argv[4].split())


def touches_the_system(source):
    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        if isinstance(node, ast.Name) and node.id in unsafe or isinstance(node, ast.Attribute) and node.attr in unsafe:
            return True
    return False


def timeout(*_):
    raise TimeoutError


signal.signal(signal.SIGALRM, timeout)


def same(expected, value):
    try:
        if isinstance(expected, np.ndarray) or isinstance(value, np.ndarray):
            return compare.allclose(expected, value) is None
        return compare.equal(expected, value) is None
    except Exception:
        return False


def batched(args):
    args = list(args)
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            args[i] = a[None]
            return tuple(args)
    return None


found = []
for path in sorted(package.rglob("*.py")):
    name = ".".join(("shipped", *path.relative_to(package).with_suffix("").parts)).removesuffix(".__init__")
    try:
        module = importlib.import_module(name)
    except Exception:
        continue
    # A snapshot: a warning raised in a called function adds __warningregistry__ to its module.
    for function_name, function in list(vars(module).items()):
        if not inspect.isfunction(function) or function.__module__ != name:
            continue
        try:
            source = inspect.getsource(function)
        except OSError:
            continue
        if touches_the_system(source):
            continue
        for check in checks:
            calls = [(check["args"], False)]
            if batched(check["args"]) is not None:
                calls.append((batched(check["args"]), True))
            for args, unbatch in calls:
                signature = inspect.signature(function)
                if not args and not check["kwargs"] and signature.parameters:
                    continue  # a call without arguments only for functions that take none
                try:
                    signature.bind(*args, **check["kwargs"])
                except TypeError:
                    continue
                try:
                    signal.setitimer(signal.ITIMER_REAL, seconds)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        value = function(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args],
                                         **check["kwargs"])
                    if unbatch:
                        value = value[0]
                    value = plain.to_plain(value)
                except BaseException:
                    continue
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                targets = {"the answer": check["expected"], **check["alternates"]}
                for label, target in targets.items():
                    if same(target, value):
                        found.append([f"{path.relative_to(package.parent)}::{function_name}",
                                      f"returns {label} of {check['name']}"])
                        break
print("LEAKS" + __import__("json").dumps(found))
"""


def public_calls(references: dict[str, Reference]) -> list[dict]:
    """Each public check's call with its reference, as plain data for the search's process:
    {"name", "args", "kwargs", "expected", "alternates"}."""
    from ..core.course import ASSIGNMENTS

    checks = [c for a in ASSIGNMENTS.values() for c in a.checks(hidden=False)]
    return [
        {"name": c.name, "args": c.args, "kwargs": dict(c.kwargs), **references[c.name].to_plain()}
        for c in checks
        if c.name in references
    ]


def reproduced_answers(package: Path, calls: list[dict]) -> list[Leak]:
    """Shipped functions under ``package`` (the copy's ``autograder``) that return a public
    check's answer or simulated mistake; run in a separate process.

    Raises:
        RuntimeError: with the process's error output when the search itself fails.
    """
    checks_file = package.parent / ".leak-search-calls.bin"
    checks_file.write_bytes(plain.dumps(plain.to_plain(calls)))
    try:
        cmd = [sys.executable, "-c", _CALLER, str(package), str(checks_file), str(CALL_SECONDS), UNSAFE]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=package.parent, timeout=600)
    finally:
        checks_file.unlink()
    line = next((x for x in proc.stdout.splitlines() if x.startswith("LEAKS")), None)
    if line is None:
        raise RuntimeError(f"The leak search failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return [Leak(where, reason) for where, reason in json.loads(line[len("LEAKS") :])]


def find(folder: Path, references: dict[str, Reference], instructor: bool = True) -> list[Leak]:
    """Every leak in the student copy at ``folder``: shared answer code (with the instructor-only
    modules among the sources when ``instructor``), and shipped functions that reproduce one of
    the public ``references`` (by check name)."""
    leaks = shared_code(Path(folder), answer_fingerprints(instructor=instructor))
    return leaks + reproduced_answers(Path(folder) / "autograder", public_calls(references))


# ----------------------------------------------------------------------------------------------
# The release notebook's own public cells: does what it shows answer its graded functions?

VISIBLE_LIMIT = 0.40
"""Largest share of a graded answer's fingerprints that the release may show elsewhere."""
K = 8
"""Tokens per k-gram: ``n = N . N ( N , 0 )`` is 10 tokens, a short line of code."""
WINDOW = 4
"""Winnowing window (in k-grams): every match of ``K + WINDOW - 1`` tokens is found."""
SHORT_K = 4
"""Tokens per k-gram of the second, finer measure: every k-gram, none winnowed, numbers as
written. A one-line answer (``np.sum(w * k) + b``) gets a handful of winnowed 8-grams but a score
of 4-grams; the coarse measure still finds code that differs only in its numbers."""


@functools.cache
def ordinary_kgrams() -> frozenset[int]:
    """``SHORT_K``-token k-grams of ordinary code: every one found in NumPy's own Python source
    (its tests aside). At four tokens most of any answer is grammar that all code has
    (``N . N ( N``, ``N ( N , N``, ``for N , N``): 15 of conv_single_step's 18 k-grams, 54 of
    conv2d_manual's 59, and against a notebook that teaches something else they score as "visible"
    as against their own. The finer measure counts only what is left, the answer's own k-grams:
    a planted copy of an answer shows every one of them."""
    import numpy

    found: set[int] = set()
    for path in sorted(Path(numpy.__file__).parent.rglob("*.py")):
        if "tests" not in path.parts:
            found.update(_kgrams(_tokens(path.read_text(encoding="utf-8", errors="replace"), numbers=True), SHORT_K))
    return frozenset(found)


def _tokens(code: str, numbers: bool = False) -> list[str]:
    """Python tokens with every name ``N``, number ``0`` (or, with ``numbers``, the number as
    written) and string ``S``; comments, docstrings, layout and magics (``%``, ``!`` lines) left
    out, keywords and operators kept."""
    import io
    import keyword
    import re
    import tokenize

    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        found = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return re.findall(r"\w+|[^\w\s]", code)
    layout = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    out: list[str] = []
    statement_start = True
    for tok in found:
        if tok.type in layout:
            statement_start = statement_start or tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
            continue
        if tok.type == tokenize.STRING and statement_start:
            continue  # a docstring or a lone string
        if tok.type == tokenize.NAME:
            out.append(tok.string if keyword.iskeyword(tok.string) else "N")
        else:
            hidden = {tokenize.STRING: "S"} if numbers else {tokenize.NUMBER: "0", tokenize.STRING: "S"}
            out.append(hidden.get(tok.type, tok.string))
        statement_start = False
    return out


def _kgrams(tokens: list[str], k: int = K) -> list[int]:
    import zlib

    return [zlib.crc32(" ".join(tokens[i : i + k]).encode()) for i in range(len(tokens) - k + 1)]


def _winnowed(hashes: list[int]) -> set[int]:
    """The smallest hash of each window of ``WINDOW`` k-grams (Schleimer et al., 2003)."""
    if len(hashes) <= WINDOW:
        return set(hashes)
    return {min(hashes[i : i + WINDOW]) for i in range(len(hashes) - WINDOW + 1)}


PREDICTION = "predict_"
"""The name prefix of a predict-first exercise (DESIGN.md section 3): its answer is values
written by hand, compared with the other cells' values as written, not as ``0``."""


@dataclass(frozen=True)
class Share:
    """How many of an answer's k-grams a release shows elsewhere, by one measure."""

    shown: int
    of: int

    @property
    def share(self) -> float:
        return self.shown / self.of if self.of else 0.0


@dataclass(frozen=True)
class Visible:
    """How much of one graded answer its release notebook shows in its other code cells, by both
    measures; the answer is refused when either is over ``VISIBLE_LIMIT``."""

    assignment: str
    function: str
    winnowed: Share
    """The answer's winnowed ``K``-token k-grams (numbers normalised, a prediction's as written)."""
    short: Share
    """The answer's own ``SHORT_K``-token k-grams (numbers as written, ``ordinary_kgrams`` left out)."""
    every: Share
    """All its ``SHORT_K``-token k-grams, ordinary code included: printed, never refused on."""

    @property
    def share(self) -> float:
        return max(self.winnowed.share, self.short.share)


def _grade_id(cell: dict) -> str:
    return ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id", "")


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def visible_answers(assignment, release: dict | None = None) -> list[Visible]:
    """One row per answer cell of ``assignment``'s source notebook, in notebook order: its
    k-grams, by both measures, against every code cell of the ``release`` notebook (default: the
    committed one) except the answer's own stub."""
    source = json.loads((PROJECT / "solutions" / assignment.name / assignment.notebook).read_text())
    release = release or json.loads(assignment.release_path().read_text())
    code = [c for c in release["cells"] if c.get("cell_type") == "code"]
    rows = []
    for cell in source["cells"]:
        text = _source(cell)
        if cell.get("cell_type") != "code" or "BEGIN SOLUTION" not in text:
            continue
        others = [_source(c) for c in code if _grade_id(c) != _grade_id(cell)]
        answer = "\n".join(textwrap.dedent(r) for r in _regions(text))
        # A prediction is hand-written values: what would give it away is those values.
        numbers = _grade_id(cell).startswith(PREDICTION)
        prints = _winnowed(_kgrams(_tokens(answer, numbers)))
        shown = {h for other in others for h in _kgrams(_tokens(other, numbers))}
        every = set(_kgrams(_tokens(answer, numbers=True), SHORT_K))
        grams = every - ordinary_kgrams()
        grams_shown = {h for other in others for h in _kgrams(_tokens(other, numbers=True), SHORT_K)}
        rows.append(
            Visible(
                assignment.name,
                _grade_id(cell),
                winnowed=Share(len(prints & shown), len(prints)),
                short=Share(len(grams & grams_shown), len(grams)),
                every=Share(len(every & grams_shown), len(every)),
            )
        )
    return rows


def visible_definitions(release: dict) -> list[tuple[str, str]]:
    """(name, source) of each function and class that the ``release`` notebook's public code
    cells (answer stubs and test cells aside) define at the top level, in notebook order."""
    found = []
    for cell in release["cells"]:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") != "code" or meta.get("solution") or meta.get("grade"):
            continue
        text = "\n".join(line for line in _source(cell).splitlines() if not line.lstrip().startswith(("%", "!")))
        tree = _parse(text)
        for node in tree.body if tree else []:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found.append((node.name, ast.get_source_segment(text, node)))
    return found


def renamed_answers(assignment, grader, release: dict | None = None) -> list[Leak]:
    """Public functions and classes of the release that pass a visible check of a graded
    function when renamed to it: for each, the release graded by ``grader`` (public checks,
    the real sandbox) with one cell added at its end that defines it and binds every graded
    name to it. ``release``: the notebook (default: the assignment's committed release)."""
    import copy as copying

    release = release or json.loads(assignment.release_path().read_text())
    leaks = []
    for name, source in visible_definitions(release):
        nb = copying.deepcopy(release)
        rename = "".join(f"{function} = {name}\n" for function in assignment.functions)
        nb["cells"].append(
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": f"{source}\n\n\n{rename}",
            }
        )
        result = grader.grade_notebook(nb, f"leak-search-{name}", assignment)
        if result.grader_error:
            raise RuntimeError(f"The leak search could not grade {assignment.name} with {name}: {result.grader_error}")
        for check in result.checks:
            if check.passed:
                leaks.append(Leak(f"{assignment.name}: {name}() renamed {check.function}", f"passes {check.name}"))
    return leaks


def refused(assignment, grader=None, release: dict | None = None) -> list[str]:
    """Why ``assignment``'s release (default: the committed one) is refused: answers more than
    ``VISIBLE_LIMIT`` visible by either measure, and, with a ``grader`` (public checks), public
    functions that pass a graded check renamed."""
    reasons = [
        f"{assignment.name}: {row.function} is {row.share:.0%} visible in the release's other code cells "
        f"({row.winnowed.share:.0%} of its winnowed {K}-token k-grams, {row.short.share:.0%} of its own "
        f"{SHORT_K}-token k-grams; at most {VISIBLE_LIMIT:.0%})"
        for row in visible_answers(assignment, release)
        if row.share > VISIBLE_LIMIT
    ]
    return reasons + ([str(leak) for leak in renamed_answers(assignment, grader, release)] if grader else [])


def main(assignments: list[str], renamed: bool = True) -> int:
    """``python -m autograder leaks``: print each graded answer's visible share, and with
    ``renamed`` the public functions that pass a graded check renamed; 1 when a release is refused.

    Raises:
        ValueError: naming an assignment that is not part of the course.
    """
    from ..core.course import ASSIGNMENTS
    from ..judge.engine import Grader

    unknown = [a for a in assignments if a not in ASSIGNMENTS]
    if unknown:
        raise ValueError(f"Unknown assignment(s) {unknown}. Expected some of: {', '.join(ASSIGNMENTS)}")
    chosen = [ASSIGNMENTS[a] for a in assignments or ASSIGNMENTS]
    print(
        f"{'':49s} {'winnowed ' + str(K) + '-grams':>20s}  {'own ' + str(SHORT_K) + '-grams':>20s}"
        f"  {'every ' + str(SHORT_K) + '-gram':>20s}\n"
        f"{'assignment':20s} {'function':28s}"
        + f" {'visible':>7s} {'shown':>12s} " * 3
        + f"  (limit {VISIBLE_LIMIT:.0%} on the first two; the third, ordinary code included, for information)"
    )
    for assignment in chosen:
        for row in visible_answers(assignment):
            over = "  REFUSED" if row.share > VISIBLE_LIMIT else ""
            figures = "  ".join(
                f"{m.share:7.1%} {m.shown:5d} of {m.of:3d}" for m in (row.winnowed, row.short, row.every)
            )
            print(f"{row.assignment:20s} {row.function:28s} {figures}{over}")
    reasons = [r for a in chosen for r in refused(a)]
    if renamed:
        with Grader(hidden=False) as grader:
            for assignment in chosen:
                names = ", ".join(
                    name for name, _ in visible_definitions(json.loads(assignment.release_path().read_text()))
                )
                found = renamed_answers(assignment, grader)
                print(
                    f"{assignment.name}: public functions renamed to each graded name ({names or 'none'}): "
                    f"{len(found)} pass a visible check"
                )
                reasons += [str(leak) for leak in found]
    for reason in reasons:
        print(f"refused: {reason}")
    return 1 if reasons else 0
