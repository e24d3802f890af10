"""The service's database: every submission as received, its phase times and its
full result; students' token hashes; which assignments have published hidden results.

SQLite file by default, PostgreSQL by URL (``postgresql://...``), through SQLAlchemy; the
schema is made and upgraded by the Alembic migrations in ``migrations/`` (never by
``create_all``), so a database written by an older service is upgraded in place.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from sqlalchemy import Boolean, DateTime, Float, Integer, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

DEFAULT_URL = "sqlite:///grading-service.db"


def now() -> datetime.datetime:
    """The current time, UTC, to the microsecond."""
    return datetime.datetime.now(datetime.timezone.utc)


def utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    """``moment`` as an aware UTC time (SQLite hands back naive times)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=datetime.timezone.utc)


def token_hash(token: str) -> str:
    """What is stored of a token (tokens are long random strings: one SHA-256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Base(DeclarativeBase):
    pass


class Person(Base):
    """A student (from the roster) or an instructor, with the hash of their token."""

    __tablename__ = "people"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    instructor: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)


class Submission(Base):
    """One notebook as received, and what became of it.

    ``status``: "queued" (received, not graded yet; graded after a restart too),
    "grading", "graded" or "refused" (not graded: ``reason`` says why; costs no attempt).
    ``counted``: it costs an attempt (a refused notebook or a grader failure does not).
    """

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student: Mapped[str] = mapped_column(String(200), index=True)
    assignment: Mapped[str] = mapped_column(String(200), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    notebook: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    counted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    queued_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    started_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The full ``NotebookResult.to_dict()`` as JSON."""


class Publication(Base):
    """An assignment whose hidden results students may see."""

    __tablename__ = "publications"
    assignment: Mapped[str] = mapped_column(String(200), primary_key=True)
    published_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))


class Setting(Base):
    """Service-wide values kept across restarts (the cookie secret)."""

    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def normalize_url(url: str) -> str:
    """``url`` as SQLAlchemy takes it: a bare path is a SQLite file, and
    ``postgresql://`` uses psycopg 3.

    Raises:
        ValueError: naming the URL when it is neither.
    """
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("sqlite://", "postgresql+")):
        return url
    raise ValueError(f"--db must be a SQLite file or a sqlite:// or postgresql:// URL. Received: {url!r}")


def open_database(url: str = DEFAULT_URL) -> sessionmaker:
    """A session factory on the database at ``url``, its schema migrated to the newest."""
    from alembic import command
    from alembic.config import Config

    engine = create_engine(normalize_url(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(connection, _record) -> None:
    """Write-ahead logging (readers never wait for the grader's writes) and a busy wait."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def engine_of(sessions: sessionmaker) -> Engine:
    return sessions.kw["bind"]
