"""Grading beyond one machine on dask.distributed.

``python -m autograder grade submitted --out reports --dask tcp://HOST:8786`` sends
each submission (the notebook's text, not a path) to the cluster's workers; every
worker keeps a warm ``Grader`` (its own fork servers and reference cache) set up by
``GraderPlugin``, and grades in the same sandbox as local grading. Results come back
as plain data; the parent alone writes them. A worker that dies loses nothing: dask
runs its submissions elsewhere, and one that cannot be graded anywhere becomes a
grader error, never a 0. ``--dask local:N`` starts a LocalCluster of N workers here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from distributed import WorkerPlugin

from ..core.course import ASSIGNMENTS
from ..core.results import NotebookResult
from ..execute.sandbox import Limits

PLUGIN = "cnn-course-grader"


class GraderPlugin(WorkerPlugin):
    """A dask worker plugin: one warm Grader per worker process."""

    def __init__(self, limits: Limits, hidden: bool | None, isolation: str, lang: str | None = None):
        self.limits, self.hidden, self.isolation, self.lang = limits, hidden, isolation, lang
        self.grader = None

    def setup(self, worker) -> None:
        from ..judge.engine import Grader

        self.grader = Grader(self.limits, self.hidden, self.isolation, references_in_process=True, lang=self.lang)

    def teardown(self, worker) -> None:
        if self.grader is not None:
            self.grader.close()


def grade_remotely(text: str, student: str, assignment: str) -> dict:
    """Runs on a worker: grade a notebook given as text; the result as plain data."""
    from distributed import get_worker

    grader = get_worker().plugins[PLUGIN].grader
    return grader.grade_text(text, student, ASSIGNMENTS[assignment]).to_dict()


class DaskGrading:
    """A connection to a cluster (or a LocalCluster for ``local:N``) ready to grade.

    Raises:
        ValueError: naming ``address`` when it is neither ``local:N`` nor an address.
    """

    def __init__(self, address: str, limits: Limits, hidden: bool | None, isolation: str, lang: str | None = None):
        from distributed import Client, LocalCluster

        self.cluster = None
        if address.startswith("local:"):
            try:
                workers = int(address.split(":", 1)[1])
            except ValueError:
                workers = 0
            if workers < 1:
                raise ValueError(f"--dask local:N needs N >= 1. Received: dask={address!r}")
            import dask

            dask.config.set({"distributed.worker.daemon": False, "logging.distributed": "error"})
            self.cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
            )
            self.client = Client(self.cluster)
        elif "://" in address:
            self.client = Client(address, timeout=60)
        else:
            raise ValueError(f"--dask takes local:N or a scheduler address like tcp://HOST:8786. Received: {address!r}")
        self.client.register_plugin(GraderPlugin(limits, hidden, isolation, lang), name=PLUGIN)

    def grade(self, jobs: list[tuple[object, str, str, str]]) -> Iterator[tuple[object, NotebookResult | Exception]]:
        """Grade (tag, notebook text, student, assignment) jobs; yields (tag, result
        or the exception that stopped it) as each finishes."""
        from distributed import as_completed

        futures = {}
        for tag, text, student, assignment in jobs:
            future = self.client.submit(grade_remotely, text, student, assignment, pure=False, retries=1)
            futures[future] = tag
        for future in as_completed(futures):
            try:
                yield futures[future], NotebookResult.from_dict(json.loads(json.dumps(future.result())))
            except Exception as err:  # a worker lost twice, or the grader failed there
                yield futures[future], err

    def grade_text(self, text: str, student: str, assignment) -> NotebookResult:
        """Grade one notebook given as text (``autograder.service.grading.Remote``): blocks
        until a worker has graded it; raises what stopped it (a worker lost twice)."""
        future = self.client.submit(grade_remotely, text, student, assignment.name, pure=False, retries=1)
        return NotebookResult.from_dict(json.loads(json.dumps(future.result())))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
