"""CI runs the test command README.md gives, and the dev extra installs what its options need."""

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readmes_test_command_with_what_it_needs():
    commands = re.findall(r"^python -m pytest tests\b.*$", (ROOT / "README.md").read_text(), re.M)
    assert len(commands) == 1, commands
    ran = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("python -m pytest")]
    assert ran == commands
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    if re.search(r" -n \d", commands[0]):
        assert any(d.startswith("pytest-xdist") for d in dev), dev
