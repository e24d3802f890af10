"""``python -m autograder serve``: start the service, grade what a previous run left
unfinished, and serve until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
import sys

from ..execute.sandbox import Limits
from ..judge.engine import Grader
from . import identity
from .bucket import RateLimits
from .grading import Remote, Service
from .store import DEFAULT_URL, open_database


def in_a_hub() -> bool:
    """True when JupyterHub started this process as a service (it sets these variables)."""
    return bool(os.environ.get("JUPYTERHUB_API_TOKEN") and os.environ.get("JUPYTERHUB_SERVICE_NAME"))


def serve(
    db: str = DEFAULT_URL,
    host: str = "127.0.0.1",
    port: int = 8090,
    workers: int = 2,
    roster: str | None = None,
    limits: str | None = None,
    instructor_group: str = "instructors",
    isolation: str = "namespaces",
    sandbox_limits: Limits = Limits(),
    remote: Remote | None = None,
) -> int:
    """Serve until stopped. Inside a JupyterHub (``in_a_hub``) students are hub users and
    members of ``instructor_group`` are instructors; standalone, people are known by the
    tokens of ``python -m autograder tokens``. With ``remote`` (``serve --dask``), the
    submissions are graded on a dask.distributed cluster, ``workers`` at once."""
    from .app import Hub, make_app  # Tornado and JupyterHub's helpers: only where the service runs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    log = logging.getLogger("autograder.service")
    sessions = open_database(db)
    rows = identity.roster(roster) if roster else None
    if rows:
        identity.enrol(sessions, [row["student"] for row in rows])
    rate_limits = RateLimits.load(limits) if limits else RateLimits()
    if sandbox_limits.threads == 0:  # submissions run side by side: no more TensorFlow threads than cores
        sandbox_limits = dataclasses.replace(sandbox_limits, threads=max(1, (os.cpu_count() or 1) // workers))
    grader = Grader(sandbox_limits, isolation=isolation)
    service = Service(sessions, grader, workers, rate_limits, remote)
    hub = Hub(instructor_group) if in_a_hub() else None
    try:
        service.warm()
        if remote is None:
            grader.warm_up()
        again = service.recover()
        if again:
            log.info("grading %d submissions received before a restart: %s", len(again), again)
        app = make_app(service, rows, hub)
        return asyncio.run(_run(app, host, port, log, hub))
    finally:
        service.close()
        grader.close()


async def _run(app, host: str, port: int, log, hub) -> int:
    server = app.listen(port, host, xheaders=bool(hub))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    log.info("grading service on http://%s:%d/ (%s)", host, port, "JupyterHub service" if hub else "standalone tokens")
    print(f"serving on http://{host}:{port}/", flush=True)
    await stop.wait()
    server.stop()
    return 0
