"""The package as pip installs it: the console script and ``python -m autograder``
answer from a fresh environment, away from the checkout.

The fresh environment is a new venv that sees this environment's libraries through a
``.pth`` file, with the checkout installed into it by pip (``--no-deps``: TensorFlow
and the rest are already there), not as an editable install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A venv with the checkout installed (a wheel built from it, not a link to it)."""
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True, timeout=120)
    python = home / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    source = tmp_path_factory.mktemp("source")  # the build writes beside its source: not into the checkout
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "autograder", source / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    cmd = [python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "-q", str(source)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_clean_env(), cwd=home, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return home


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _run(venv: Path, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, env=_clean_env(), cwd=venv, timeout=300)


def test_the_console_script_answers_help_from_a_fresh_install(venv):
    proc = _run(venv, str(venv / "bin" / "cnn-autograder"), "--help")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "grade" in proc.stdout and "self-check" in proc.stdout


def test_the_installed_package_is_the_copy_in_the_venv_with_its_catalogues(venv):
    code = "import autograder, pathlib; print(pathlib.Path(autograder.__file__).parent)"
    package = Path(_run(venv, str(venv / "bin" / "python"), "-c", code).stdout.strip())
    assert package.is_relative_to(venv) and not package.is_relative_to(ROOT)
    assert (package / "locale" / "ko" / "LC_MESSAGES" / "autograder.mo").is_file()
    proc = _run(venv, str(venv / "bin" / "python"), "-m", "autograder", "--help")
    assert proc.returncode == 0 and "grade" in proc.stdout, proc.stdout + proc.stderr
