"""Attempts per student and assignment: a token bucket.

A full bucket holds ``capacity`` attempts; it refills at ``capacity`` per
``period_seconds``, continuously, never above ``capacity``; each counted submission
takes one attempt. The state is replayed from the times of the counted submissions, so
the database holds nothing but the submissions themselves.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RateLimit:
    """``capacity`` attempts, refilled at ``capacity`` per ``period_seconds``."""

    capacity: int = 5
    period_seconds: float = 3600.0

    def __post_init__(self):
        if self.capacity < 1 or self.period_seconds <= 0:
            raise ValueError(f"A rate limit needs capacity >= 1 and period_seconds > 0. Received: {self}")

    @property
    def per_second(self) -> float:
        return self.capacity / self.period_seconds

    def describe(self) -> str:
        return f"{self.capacity} per {self.period_seconds / 3600:g} h"


@dataclass(frozen=True)
class Allowance:
    """What the bucket allows at ``at``: whole attempts left, and when the next one is
    allowed (None: now)."""

    attempts_left: int
    next_allowed_at: datetime.datetime | None


def allowance(limit: RateLimit, attempts: Iterable[datetime.datetime], at: datetime.datetime) -> Allowance:
    """The allowance at ``at`` after the counted ``attempts`` (their times, any order).

    >>> t = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    >>> allowance(RateLimit(2, 60), [t, t], t)
    Allowance(attempts_left=0, next_allowed_at=datetime.datetime(2026, 1, 1, 0, 0, 30, tzinfo=datetime.timezone.utc))
    """
    tokens, last = float(limit.capacity), None
    for moment in sorted(attempts):
        if last is not None:
            tokens = min(limit.capacity, tokens + (moment - last).total_seconds() * limit.per_second)
        tokens, last = tokens - 1, moment
    if last is None:
        return Allowance(limit.capacity, None)
    now = min(limit.capacity, tokens + max(0.0, (at - last).total_seconds()) * limit.per_second)
    now = round(now, 9)  # what floating point adds or loses over a period is not an attempt
    if now >= 1:
        return Allowance(math.floor(now), None)
    # counted from the last attempt, so that every answer until then names the same moment
    wait = round((1 - tokens) / limit.per_second, 6)
    return Allowance(0, last + datetime.timedelta(seconds=wait))


@dataclass(frozen=True)
class RateLimits:
    """The course's rate limits: one per assignment, ``default`` for the rest.

    A TOML file (``serve --limits FILE``)::

        capacity = 5             # the default: 5 attempts ...
        period_minutes = 60      # ... refilled over an hour

        [assignments.04_cnn_models]
        capacity = 3
        period_minutes = 120
    """

    default: RateLimit = RateLimit()
    assignments: tuple[tuple[str, RateLimit], ...] = ()

    def of(self, assignment: str) -> RateLimit:
        return dict(self.assignments).get(assignment, self.default)

    @classmethod
    def load(cls, path: str | Path) -> RateLimits:
        """Read a limits file (see the class docstring).

        Raises:
            FileNotFoundError: naming the path; ValueError: naming a bad key or value.
        """
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No such rate limits file: {str(path)!r}")
        data = tomllib.loads(path.read_text())
        default = _limit(data, RateLimit(), f"{path}")
        from ..core.course import ASSIGNMENTS

        assignments = []
        for name, table in data.get("assignments", {}).items():
            if name not in ASSIGNMENTS:
                raise ValueError(
                    f"Rate limits {str(path)!r}: no assignment {name!r}. Expected one of {list(ASSIGNMENTS)}"
                )
            assignments.append((name, _limit(table, default, f"{path} [assignments.{name}]")))
        return cls(default, tuple(assignments))


def _limit(table: dict, fallback: RateLimit, where: str) -> RateLimit:
    unknown = set(table) - {"capacity", "period_minutes", "assignments"}
    if unknown:
        raise ValueError(f"Rate limits {where}: unknown keys {sorted(unknown)}. Expected capacity, period_minutes")
    capacity = table.get("capacity", fallback.capacity)
    minutes = table.get("period_minutes", fallback.period_seconds / 60)
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not isinstance(minutes, (int, float)):
        raise ValueError(
            f"Rate limits {where}: capacity must be an integer and period_minutes a number. Received: {table}"
        )
    return RateLimit(capacity, float(minutes) * 60)
