"""Reading a submitted file as a stranger's data: never through a symbolic link, never
more than a size limit, never a JSON document nested past a depth limit.

A file that fails one of these rules is refused for its own student with a
``Refusal``: a kind (``RefusalKind``) and the path, which every front end can print
(``Refusal.message``) and the judge puts in the student's language.
"""

from __future__ import annotations

import enum
import errno
import itertools
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .i18n import N_

MAX_NOTEBOOK_BYTES = 32 * 2**20
"""The largest notebook file read (a course notebook with its outputs is under 2 MB)."""
MAX_NESTING = 64
"""The deepest nesting of JSON arrays and objects read (a notebook needs about 8)."""
LINK_LEVELS = 3
"""The path components checked for links: ``<student>/<assignment>/<notebook>``."""


class RefusalKind(str, enum.Enum):
    """Why a submitted file is not read."""

    SYMLINK = "symlink"
    NOT_A_FILE = "not-a-file"
    TOO_LARGE = "too-large"
    TOO_DEEP = "too-deep"


MESSAGES = {
    RefusalKind.SYMLINK: N_("{name} is a symbolic link, which the grader never follows: submit the file itself"),
    RefusalKind.NOT_A_FILE: N_("{name} is not a regular file"),
    RefusalKind.TOO_LARGE: N_("{name} is larger than the {limit} MB a notebook may be"),
    RefusalKind.TOO_DEEP: N_("{name} is nested more than {limit} levels deep, which no notebook needs"),
}
"""What each kind says, in English (``autograder.judge.scoring.reword`` translates it)."""


@dataclass(frozen=True)
class Refusal:
    """A submitted file the grader refuses to read, and why."""

    kind: RefusalKind
    path: str
    """The path refused (the link itself, for ``SYMLINK``)."""

    def message(self) -> str:
        """One English sentence naming the file and the rule it breaks."""
        limit = {RefusalKind.TOO_LARGE: MAX_NOTEBOOK_BYTES // 2**20, RefusalKind.TOO_DEEP: MAX_NESTING}
        return MESSAGES[self.kind].format(name=Path(self.path).name, limit=limit.get(self.kind, ""))


class RefusedFile(ValueError):
    """Raised where a submitted file is refused; ``refusal`` says why."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message())
        self.refusal = refusal


def _linked(path: Path, levels: int = LINK_LEVELS) -> Path | None:
    """The first of the last ``levels`` components of ``path`` that is a symbolic link."""
    path = Path(os.path.abspath(path))
    chain = [path, *path.parents][:levels][::-1]
    for part in chain:
        try:
            if stat.S_ISLNK(os.lstat(part).st_mode):
                return part
        except OSError:
            return None
    return None


def linked_folder(folder: Path) -> Refusal | None:
    """A ``SYMLINK`` refusal when an assignment ``folder`` or the student's folder holding
    it is a symbolic link, else None."""
    link = _linked(folder, LINK_LEVELS - 1)
    return None if link is None else Refusal(RefusalKind.SYMLINK, str(link))


def refusal(path: Path) -> Refusal | None:
    """Why the submitted file at ``path`` is refused (seen without following any link),
    or None when it may be read (or does not exist)."""
    link = _linked(path)
    if link is not None:
        return Refusal(RefusalKind.SYMLINK, str(link))
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return Refusal(RefusalKind.NOT_A_FILE, str(path))
    if info.st_size > MAX_NOTEBOOK_BYTES:
        return Refusal(RefusalKind.TOO_LARGE, str(path))
    return None


def read_bytes(path: str | Path) -> bytes:
    """The submitted file at ``path``: opened without following a link in its last
    ``LINK_LEVELS`` components, a regular file, at most ``MAX_NOTEBOOK_BYTES``.

    Raises:
        RefusedFile: the file breaks one of those rules.
        OSError: it cannot be read (missing, no permission).
    """
    path = Path(os.path.abspath(path))
    found = refusal(path)
    if found is not None:
        raise RefusedFile(found)
    parts = [path, *path.parents][:LINK_LEVELS][::-1]
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(parts[0].parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:  # a link put in place after the check above is refused here
            last = part == path
            try:
                new = os.open(part.name, flags | (os.O_NONBLOCK if last else os.O_DIRECTORY), dir_fd=fd)
            except OSError as err:
                if err.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise RefusedFile(Refusal(RefusalKind.SYMLINK, str(part))) from None
                raise
            os.close(fd)
            fd = new
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(Refusal(RefusalKind.NOT_A_FILE, str(path)))
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise RefusedFile(Refusal(RefusalKind.TOO_LARGE, str(path)))
    return data


def nesting(text: str) -> int:
    """How deep JSON arrays and objects nest in ``text`` (brackets inside strings not
    counted), without parsing it: so a deep document is refused before a parser recurses."""
    structure = _BRACKETS.findall(_STRINGS.sub("", text))
    return max(itertools.accumulate(1 if c in "[{" else -1 for c in structure), default=0)


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
