"""The grading service on a real PostgreSQL server, started by the test in a temporary
folder (a Unix socket only, no TCP), and skipped with the reason where PostgreSQL is not
installed (.ci/run installs it)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from autograder.core.course import ASSIGNMENTS
from autograder.service import identity, store
from autograder.service.bucket import RateLimit, RateLimits
from autograder.service.grading import RateLimited, Service

ROOT = Path(__file__).resolve().parent.parent
ALICE = ROOT / "tests" / "sample_class" / "alice" / "01_conv_basics" / "conv_basics.ipynb"


def _bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _as_postgres() -> list[str]:
    """As root, PostgreSQL must run as another user: the package's ``postgres``."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL as")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing")
    return [setpriv, "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]


@pytest.fixture
def postgres():
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL is not installed (initdb, pg_ctl; Debian: apt-get install postgresql)")
    prefix = _as_postgres()
    folder = Path(tempfile.mkdtemp(prefix="autograder-pg-"))
    if prefix:
        shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as s:  # a port number no other server here uses names the socket
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    run = dict(capture_output=True, text=True, timeout=120, cwd=folder)
    made = subprocess.run([*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"], **run)
    assert made.returncode == 0, made.stderr
    options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off"
    started = subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "-t", "60", "start"], **run
    )
    try:
        assert started.returncode == 0, started.stderr + (folder / "log").read_text()
        yield f"postgresql://postgres@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], **run)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_the_service_stores_grades_and_limits_on_postgresql(postgres, grader):
    sessions = store.open_database(postgres)
    assert store.engine_of(sessions).dialect.name == "postgresql"
    [(name, token)] = identity.issue_tokens(sessions, ["alice"])
    assert identity.by_token(sessions, token).name == "alice"

    limits = RateLimits(RateLimit(capacity=1, period_seconds=3600))
    service = Service(sessions, grader, workers=1, limits=limits)
    try:
        ident = service.receive("alice", "01_conv_basics/conv_basics.ipynb", ALICE.read_text())
        service.done(ident).result(timeout=300)
        with pytest.raises(RateLimited) as limited:
            service.receive("alice", "01_conv_basics/conv_basics.ipynb", ALICE.read_text())
        assert limited.value.allowance.attempts_left == 0
    finally:
        service.close()

    again = store.open_database(postgres)  # a restart: the migrations find the schema current
    row = Service(again, grader, workers=1, limits=limits).submission(ident)
    expected = grader.grade(ALICE, "alice", ASSIGNMENTS["01_conv_basics"])
    assert row.status == "graded" and row.notebook == ALICE.read_text()
    assert (row.score, row.max_score) == (expected.score, expected.max_score)
    assert row.received_at <= row.queued_at <= row.started_at <= row.finished_at
