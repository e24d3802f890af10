"""Submitting a notebook to the course's grading service (``autograder.service``): the
student's side, ``python -m autograder submit NOTEBOOK`` and ``submit()`` in a notebook.

The server and the token come from the arguments, else from the environment:
``AUTOGRADER_SERVER`` (default ``http://127.0.0.1:8090/``) and ``AUTOGRADER_TOKEN``, else,
inside a JupyterHub, the user's own ``JUPYTERHUB_API_TOKEN`` (the hub's configuration
sets ``AUTOGRADER_SERVER`` for every user's server). Standard library only: this ships
in the student copy.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..core import i18n
from ..core.i18n import _

DEFAULT_SERVER = "http://127.0.0.1:8090/"
GRADED, FAILED, REFUSED, RATE_LIMITED = 0, 1, 2, 3
"""Exit codes of ``python -m autograder submit`` (DESIGN.md, section 8)."""
POLL_SECONDS = 900.0
"""How long to wait for a grade the service has not finished when it first answers."""


@dataclass(frozen=True)
class Outcome:
    """The service's answer: ``code`` is the exit code; ``answer`` the JSON it sent."""

    code: int
    answer: dict
    reason: str = ""


def server_and_token(server: str | None = None, token: str | None = None) -> tuple[str, str]:
    """The service URL (ending in /) and the token, from the arguments or the environment.

    Raises:
        ValueError: when no token is given and the environment has none.
    """
    server = server or os.environ.get("AUTOGRADER_SERVER") or DEFAULT_SERVER
    token = token or os.environ.get("AUTOGRADER_TOKEN") or os.environ.get("JUPYTERHUB_API_TOKEN") or ""
    if not server.startswith(("http://", "https://")):
        raise ValueError(f"The server must be an http:// or https:// URL. Received: server={server!r}")
    if not token:
        raise ValueError("No token: pass --token, or set AUTOGRADER_TOKEN (inside a JupyterHub: JUPYTERHUB_API_TOKEN)")
    return server.rstrip("/") + "/", token


def _request(url: str, token: str, body: bytes | None = None, timeout: float = 120.0) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    request.add_header("Authorization", f"token {token}")
    if body is not None:
        request.add_header("Content-Type", "application/x-ipynb+json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        try:
            return err.code, json.loads(err.read() or b"{}")
        except ValueError:
            return err.code, {"error": f"HTTP {err.code} {err.reason}"}


def send(path: str | Path, server: str | None = None, token: str | None = None) -> Outcome:
    """Submit the notebook at ``path`` and wait for its grade (see the exit codes)."""
    path = Path(path)
    try:
        body = path.read_bytes()
    except OSError as err:
        return Outcome(REFUSED, {}, _("cannot read {path}: {error}").format(path=str(path), error=err.strerror or err))
    server, token = server_and_token(server, token)
    filename = f"{path.resolve().parent.name}/{path.name}"
    url = f"{server}api/submissions?{urllib.parse.urlencode({'filename': filename})}"
    try:
        status, answer = _request(url, token, body)
        deadline = time.monotonic() + POLL_SECONDS
        while status == 202 and time.monotonic() < deadline:
            time.sleep(0.5)
            status, answer = _request(f"{server}api/submissions/{answer['id']}?wait=1", token)
            status = 202 if status == 200 and answer.get("status") != "graded" else status
    except (OSError, ValueError) as err:
        return Outcome(
            FAILED, {}, _("the grading service at {server} did not answer: {error}").format(server=server, error=err)
        )
    if status == 200:
        return Outcome(GRADED, answer)
    code = {400: REFUSED, 429: RATE_LIMITED}.get(status, FAILED)
    return Outcome(code, answer, answer.get("error") or f"HTTP {status}")


def _when(iso: str | None) -> str:
    if iso is None:
        return _("now")
    moment = datetime.datetime.fromisoformat(iso)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def describe(outcome: Outcome) -> str:
    """The answer as text for the student, in the current language."""
    a = outcome.answer
    lines = []
    if outcome.code == GRADED:
        lines.append(
            _("{assignment}: visible checks {score} / {max_score} points").format(
                assignment=a["assignment"], score=f"{a['score_visible']:g}", max_score=f"{a['max_visible']:g}"
            )
        )
        if a.get("hidden_published"):
            lines.append(
                _("Hidden checks (published): {score} / {max_score} points").format(
                    score=f"{a['score_hidden']:g}", max_score=f"{a['max_hidden']:g}"
                )
            )
        elif a.get("hidden_checks"):
            lines.append(
                _(
                    "{count} hidden checks worth {points} points were graded too; their results are shown once the instructor publishes them."
                ).format(count=a["hidden_checks"], points=f"{a['max_hidden']:g}")
            )
        lines += list(a.get("notes") or [])
        for test in a["tests"]:
            mark = _("passed") if test["status"] == "passed" else _("FAILED")
            lines.append(f"  {mark}  {test['name']} ({test['score']:g}/{test['max_score']:g})")
            if test["status"] != "passed":
                lines += ["      " + line for line in test["output"].splitlines()]
    elif outcome.reason:
        lines.append(outcome.reason)
    if "attempts_left" in a:
        limit = a.get("rate_limit") or {}
        lines.append(
            _("Attempts left: {left} (at most {capacity} per {hours} h); next attempt allowed: {when}").format(
                left=a["attempts_left"],
                capacity=limit.get("capacity", "?"),
                hours=f"{limit.get('period_seconds', 0) / 3600:g}",
                when=_when(a.get("next_allowed_at")),
            )
        )
    return "\n".join(lines)


def submit(notebook: str | Path | None = None, server: str | None = None, token: str | None = None) -> dict:
    """Submit a notebook for official grading and print the visible results, the attempts
    left and when the next is allowed; returns the service's answer.

    In a notebook, ``submit()`` with no argument submits the notebook itself (save it
    first): the one notebook of this course in the current folder.
    """
    path = Path(notebook) if notebook is not None else _this_notebook()
    with i18n.language(i18n.choose()):
        outcome = send(path, server, token)
        print(describe(outcome))
    return outcome.answer


def _this_notebook() -> Path:
    from ..core.course import ASSIGNMENTS

    found = [Path(a.notebook) for a in ASSIGNMENTS.values() if Path(a.notebook).is_file()]
    if len(found) != 1:
        raise ValueError(
            f"Pass the notebook to submit: found {len(found)} of the course's notebooks in {os.getcwd()!r}"
        )
    return found[0].resolve()


def main(notebook: str, server: str | None, token: str | None, as_json: bool, lang: str | None = None) -> int:
    """``python -m autograder submit``: print the answer (JSON with ``as_json``), reasons on
    stderr; returns the exit code."""
    with i18n.language(i18n.choose(lang)):
        try:
            outcome = send(notebook, server, token)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return FAILED
        if as_json and outcome.answer:
            print(json.dumps(outcome.answer, indent=2, ensure_ascii=False))
        elif not as_json:
            print(describe(outcome), file=sys.stdout if outcome.code == GRADED else sys.stderr)
        if outcome.code != GRADED and outcome.reason:
            if as_json:
                print(outcome.reason, file=sys.stderr)
        return outcome.code
