"""The package and tests pass ruff (lint and import order), and the architecture
contracts of pyproject.toml hold (import-linter): stages import only the stages below
them, execution never imports the judge or the references, what ships to students
never imports what does not, no cycles."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is in the dev extra")
def test_ruff_is_clean():
    proc = subprocess.run(["ruff", "check", "autograder", "bench", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    cmd = ["lint-imports", "--config", str(root / "pyproject.toml"), "--no-cache"]
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is in the dev extra")
def test_the_architecture_contracts_hold():
    proc = lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "4 kept, 0 broken" in proc.stdout


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is in the dev extra")
def test_a_child_that_imports_the_judge_breaks_the_contracts(tmp_path):
    shutil.copytree(ROOT / "autograder", tmp_path / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    child = tmp_path / "autograder" / "execute" / "child.py"
    child.write_text(child.read_text() + "\nfrom ..judge import scoring  # noqa\n")
    proc = lint_imports(tmp_path)
    assert proc.returncode != 0 and "BROKEN" in proc.stdout


def test_the_package_neither_reads_the_tests_nor_imports_the_development_tools():
    """``bench/`` (benchmarks, synthetic classes) and ``tests/`` are not shipped: no module of
    the package may need them."""
    import ast
    import re

    reads_tests = re.compile(r"""/\s*["']tests["']|["']tests/""")
    found = []
    for path in sorted((ROOT / "autograder").rglob("*.py")):
        text = path.read_text()
        found += [f"{path.relative_to(ROOT)}: reads tests/" for _ in reads_tests.finditer(text)]
        for node in ast.walk(ast.parse(text)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            found += [f"{path.relative_to(ROOT)}: imports {n}" for n in names if n.split(".")[0] in {"bench", "tests"}]
    assert found == []
