"""Who is asking: standalone, one token per student (only its hash is stored); inside a
JupyterHub, the hub user (``app`` uses JupyterHub's own ``HubOAuthenticated``).

A roster is a CSV with a header row and a ``student`` column of nbgrader-style ids
(the LMS export's roster; ``autograder.report.lms.read_roster``).
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from ..report.lms import read_roster
from .store import Person, token_hash

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,199}")


def check_name(name: str, what: str = "student") -> str:
    """``name`` when it is an nbgrader-style id (letters, digits, ``_ . @ -``).

    Raises:
        ValueError: naming the value received.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"A {what} id must be letters, digits, '_', '.', '@' or '-'. Received: {name!r}")
    return name


def roster(path: str) -> list[dict[str, str]]:
    """The rows of a roster file (``autograder.report.lms.read_roster``), student ids checked."""
    rows = read_roster(path)
    for row in rows:
        check_name(row["student"])
    return rows


def roster_students(path: str) -> list[str]:
    """The student ids of a roster file, checked."""
    return [row["student"] for row in roster(path)]


def issue_tokens(sessions: sessionmaker, students: list[str], instructors: list[str] = ()) -> list[tuple[str, str]]:
    """A new token for each of these people (any older token of theirs stops working);
    returns (name, token) pairs. Only the tokens' hashes are stored."""
    issued = []
    with sessions() as db:
        for name, instructor in [(s, False) for s in students] + [(i, True) for i in instructors]:
            check_name(name, "instructor" if instructor else "student")
            token = secrets.token_urlsafe(32)
            person = db.get(Person, name) or Person(name=name)
            person.instructor, person.token_hash = instructor, token_hash(token)
            db.add(person)
            issued.append((name, token))
        db.commit()
    return issued


def enrol(sessions: sessionmaker, students: list[str]) -> None:
    """Make sure every roster student is known (without a token, e.g. hub users)."""
    with sessions() as db:
        for name in students:
            if db.get(Person, check_name(name)) is None:
                db.add(Person(name=name, instructor=False))
        db.commit()


def by_token(sessions: sessionmaker, token: str) -> Person | None:
    """The person this token belongs to, if any."""
    if not token:
        return None
    with sessions() as db:
        return db.scalars(select(Person).where(Person.token_hash == token_hash(token))).first()
