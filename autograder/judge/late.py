"""Late submissions: when a submission was handed in, and what that costs.

The submission time is read as nbgrader reads it: ``timestamp.txt`` in the
submission's ``<student>/<assignment>/`` folder, written by ``nbgrader submit`` /
``nbgrader collect`` as ``"%Y-%m-%d %H:%M:%S.%f %Z"`` (e.g.
``2026-03-02 14:05:09.123456 UTC``) and parsed with nbgrader's own
``nbgrader.utils.parse_utc``; failing that, ``created_at`` of a Gradescope
``submission_metadata.json`` beside the notebook. Like nbgrader, times are
compared in UTC and a submission without a time is not late.

A policy (TOML or JSON file)::

    per = "day"          # "day" or "hour": each started day (hour) late costs `penalty`
    penalty = 10         # percent of the assignment's maximum score per started day/hour
    cap = 30             # at most this percent in all (100: up to the whole score)
    grace_minutes = 15   # up to this long after the due date counts as on time

    [due]                # one due date per assignment, in any form parse_utc reads
    01_conv_basics = "2026-03-02 23:59:00 Asia/Seoul"

Past the grace period, lateness counts from the due date itself (a submission
1.5 days late with a per-day penalty pays for 2 days). The penalty never takes a
score below 0. ``NotebookResult.score`` stays the raw sum of the checks; the
penalty goes to ``late_penalty`` and ``final_score`` is what grades.csv and the
LMS exports use.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..core.results import NotebookResult

_UNIT_SECONDS = {"day": 86400.0, "hour": 3600.0}


def parse_time(text: str) -> datetime:
    """A time as nbgrader reads it (``nbgrader.utils.parse_utc``): naive, in UTC.

    Raises:
        ValueError: naming the text when it is not a time.
    """
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text.strip())
    except (ValueError, OverflowError) as err:
        raise ValueError(f"Not a time nbgrader can read: {text!r} ({err})") from None


def submission_time(folder: Path) -> datetime | None:
    """When the submission in ``folder`` (``<student>/<assignment>/``) was handed in,
    naive UTC, or None when neither ``timestamp.txt`` nor ``submission_metadata.json``
    says."""
    stamp = folder / "timestamp.txt"
    if stamp.is_file() and stamp.read_text().strip():
        return parse_time(stamp.read_text())
    meta = folder / "submission_metadata.json"
    if meta.is_file():
        created = json.loads(meta.read_text()).get("created_at")
        if created:
            return parse_time(str(created))
    return None


def _utc(when: datetime | str) -> datetime:
    """A due date (a TOML date-time or text), naive UTC; a naive one is taken as UTC, as nbgrader does."""
    if isinstance(when, datetime):
        return when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when
    return parse_time(str(when))


@dataclass(frozen=True)
class LatePolicy:
    """Due dates per assignment and the penalty for handing in after them."""

    due: dict[str, datetime] = field(default_factory=dict)
    """Assignment name -> due date (naive UTC)."""
    per: str = "day"
    """"day" or "hour": the unit a penalty is charged per (each started one)."""
    penalty: float = 0.0
    """Percent of the assignment's maximum score per started unit."""
    cap: float = 100.0
    """Largest total penalty, in percent of the maximum score."""
    grace_minutes: float = 0.0
    """Lateness up to this long costs nothing."""

    def __post_init__(self):
        if self.per not in _UNIT_SECONDS:
            raise ValueError(f"per must be 'day' or 'hour'. Received: per={self.per!r}")
        for name in ("penalty", "cap", "grace_minutes"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be at least 0. Received: {name}={getattr(self, name)!r}")

    @classmethod
    def load(cls, path: str | Path) -> LatePolicy:
        """The policy in a ``.toml`` or ``.json`` file (keys: see the module).

        Raises:
            FileNotFoundError: naming the path.
            ValueError: naming an unknown key, an unknown assignment or a bad value.
        """
        from ..core.course import ASSIGNMENTS

        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No such late policy file: {str(path)!r}")
        if path.suffix == ".toml":
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib
            data = tomllib.loads(path.read_text())
        else:
            data = json.loads(path.read_text())
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"Unknown key(s) in {str(path)!r}: {sorted(unknown)}. Known: {sorted(known)}")
        unknown = set(data.get("due", {})) - set(ASSIGNMENTS)
        if unknown:
            raise ValueError(f"Unknown assignment(s) in {str(path)!r}'s due dates: {sorted(unknown)}")
        return cls(**{**data, "due": {name: _utc(when) for name, when in data.get("due", {}).items()}})

    def seconds_late(self, assignment: str, submitted: datetime | None) -> float:
        """Seconds after the due date (0 when on time, undated or without a due date)."""
        if submitted is None or assignment not in self.due:
            return 0.0
        return max(0.0, (submitted - self.due[assignment]).total_seconds())

    def penalty_fraction(self, seconds_late: float) -> float:
        """Fraction of the maximum score a submission this late loses (0..1)."""
        if seconds_late <= self.grace_minutes * 60:
            return 0.0
        units = math.ceil(seconds_late / _UNIT_SECONDS[self.per])
        return min(self.cap, units * self.penalty) / 100

    def apply(self, result: NotebookResult, folder: Path) -> NotebookResult:
        """``result`` with its submission time, lateness and penalty (in points) set."""
        submitted = submission_time(folder)
        late = self.seconds_late(result.assignment, submitted)
        points = min(result.score, round(self.penalty_fraction(late) * result.max_score, 6))
        stamp = submitted.replace(tzinfo=timezone.utc).isoformat() if submitted else None
        return dataclasses.replace(result, submitted_at=stamp, seconds_late=late, late_penalty=points)
