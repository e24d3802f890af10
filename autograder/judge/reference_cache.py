"""Keras references cached on disk across runs, on the instructor's side.

A cached entry is keyed by everything that determines it: the grading package's
source, the checks themselves (their arguments, drawn from the course secret and the
student id for hidden checks, so each student's hidden references are an entry of
their own and an assignment's public ones one entry for the class), and the
NumPy/TensorFlow/Keras versions. The cache lives in
``$AUTOGRADER_CACHE`` or ``~/.cache/cnn-course-autograder``, outside anything the
sandbox can see; entries are plain data (``Reference.to_plain``), never pickle.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import pickle
from pathlib import Path

from ..core import plain
from ..core.outcomes import Reference
from ..core.spec import Check

_PACKAGE = Path(__file__).resolve().parent.parent


def cache_root() -> Path:
    """The instructor's cache folder (``$AUTOGRADER_CACHE`` overrides the default)."""
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cnn-course-autograder"
    return Path(os.environ.get("AUTOGRADER_CACHE") or default)


def cache_dir() -> Path:
    """Where references are cached."""
    return cache_root() / "references"


@functools.cache
def environment_digest() -> str:
    """A digest of the grading package's source and the NumPy/TensorFlow/Keras versions."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("numpy", "tensorflow", "tensorflow-cpu", "keras"):
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}: absent".encode())
    return digest.hexdigest()


def key(checks: list[Check]) -> str:
    """The cache key of these checks' references."""
    definitions = [(c.name, c.reference, c.args, dict(c.kwargs), dict(c.mistakes)) for c in checks]
    return hashlib.sha256(environment_digest().encode() + pickle.dumps(definitions, protocol=4)).hexdigest()


def load(checks: list[Check]) -> list[Reference] | None:
    """The cached references of ``checks``, or None."""
    try:
        data = plain.loads((cache_dir() / f"{key(checks)}.bin").read_bytes())
        if not isinstance(data, list) or len(data) != len(checks):
            return None
        return [Reference.from_plain(r) for r in data]
    except (OSError, ValueError):
        return None


def store(checks: list[Check], references: list[Reference]) -> None:
    """Cache ``references`` (best effort: an unwritable cache only costs time)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key(checks)}.{os.getpid()}.tmp"
        tmp.write_bytes(plain.dumps([r.to_plain() for r in references]))
        os.replace(tmp, folder / f"{key(checks)}.bin")
    except OSError:
        pass
