"""Plain data: what may cross from student code to the grader.

Plain data is None, bool, int, float, str, NumPy arrays of numbers, and lists and
string-keyed dicts of plain data. ``to_plain`` turns a student's answer into it (or
says why it cannot); ``dumps``/``loads`` put it on the wire as one JSON header and
raw ``.npy`` blobs, never pickle, so a hostile child cannot run code in the parent.
"""

from __future__ import annotations

import io
import json
import math
import struct
from typing import Any

import numpy as np

from .i18n import _, ngettext

_MAX_DEPTH = 20


class NotPlain(TypeError):
    """The value cannot be turned into plain data."""


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Return ``value`` as plain data: tuples become lists, NumPy scalars Python
    numbers, array-likes (tf tensors) NumPy arrays.

    Raises:
        NotPlain: naming the type that cannot be converted.
    """
    if _depth > _MAX_DEPTH:
        raise NotPlain("the value is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise NotPlain(f"an array of dtype {value.dtype} (expected numbers)")
        return np.array(value, copy=True)
    if isinstance(value, (list, tuple)):
        return [to_plain(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v, _depth + 1) for k, v in value.items()}
    if hasattr(value, "numpy") and callable(value.numpy):
        return to_plain(np.asarray(value.numpy()), _depth + 1)
    if hasattr(value, "__array__"):
        return to_plain(np.asarray(value), _depth + 1)
    raise NotPlain(f"an object of type {type(value).__name__}")


def _blob(array: np.ndarray, blobs: list[bytes]) -> int:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=False)
    blobs.append(buf.getvalue())
    return len(blobs) - 1


def _encode(value: Any, blobs: list[bytes]) -> Any:
    if isinstance(value, np.ndarray):
        return {"__ndarray__": _blob(value, blobs)}
    if isinstance(value, np.generic):  # NumPy scalars (np.int64(3)) arrive as NumPy scalars
        return {"__scalar__": _blob(np.asarray(value), blobs)}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, blobs) for v in value]}
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if isinstance(value, list):
        return [_encode(v, blobs) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v, blobs) for k, v in value.items()}
    return value


def _decode(value: Any, blobs: list[bytes]) -> Any:
    if isinstance(value, dict):
        if set(value) in ({"__ndarray__"}, {"__scalar__"}):
            index = value.get("__ndarray__", value.get("__scalar__"))
            if not isinstance(index, int) or not 0 <= index < len(blobs):
                raise ValueError("bad array reference in message")
            array = np.lib.format.read_array(io.BytesIO(blobs[index]), allow_pickle=False)
            return array if "__ndarray__" in value else array[()]
        if set(value) == {"__tuple__"} and isinstance(value["__tuple__"], list):
            return tuple(_decode(v, blobs) for v in value["__tuple__"])
        if set(value) == {"__float__"}:
            return float(value["__float__"])
        return {k: _decode(v, blobs) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, blobs) for v in value]
    return value


def dumps(message: Any) -> bytes:
    """Encode plain data (tuples and NumPy scalars kept as such) as
    ``len(header) header (len(blob) blob)*``."""
    blobs: list[bytes] = []
    header = json.dumps(_encode(message, blobs)).encode()
    parts = [struct.pack("<Q", len(header)), header]
    for blob in blobs:
        parts += [struct.pack("<Q", len(blob)), blob]
    return b"".join(parts)


def loads(data: bytes) -> Any:
    """Decode what ``dumps`` wrote; raises ValueError on anything malformed."""
    view = memoryview(data)
    chunks = []
    offset = 0
    while offset < len(view):
        if offset + 8 > len(view):
            raise ValueError("truncated message")
        (size,) = struct.unpack_from("<Q", view, offset)
        offset += 8
        if offset + size > len(view):
            raise ValueError("truncated message")
        chunks.append(bytes(view[offset : offset + size]))
        offset += size
    if not chunks:
        raise ValueError("empty message")
    try:
        header = json.loads(chunks[0])
    except json.JSONDecodeError as err:
        raise ValueError(f"bad message header: {err}") from None
    return _decode(header, chunks[1:])


def _numeric(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, np.integer, np.floating, np.bool_)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_numeric(v) for v in value)
    return False


def describe(value: Any, limit: int = 6) -> str:
    """A short human description: shape, dtype and a few values of an array; a few
    arrays (e.g. the (dx, dw, db) of a backward pass) by their shapes and dtypes; numbers
    and lists of numbers as they are; anything else (strings, dicts, ...) by type and
    size only, so an answer never echoes text the student's code found."""
    if isinstance(value, np.ndarray):
        flat = value.ravel()[:limit]
        more = ", ..." if value.size > limit else ""
        values = ", ".join(f"{v:.4g}" if value.dtype.kind == "f" else str(v) for v in flat)
        return _("array of shape {shape}, dtype {dtype}, values [{values}]").format(
            shape=value.shape, dtype=value.dtype, values=values + more
        )
    if isinstance(value, (list, tuple)) and 0 < len(value) <= limit and all(isinstance(v, np.ndarray) for v in value):
        arrays = ", ".join(f"{v.shape} {v.dtype}" for v in value)
        return _("a {kind} of {n} arrays: {arrays}").format(kind=type(value).__name__, n=len(value), arrays=arrays)
    if _numeric(value):
        text = repr(value)
        return text if len(text) <= 120 else text[:117] + "..."
    if isinstance(value, str):
        return ngettext("a string of {n} character", "a string of {n} characters", len(value)).format(n=len(value))
    if isinstance(value, (list, tuple, dict)):
        items = ngettext("a {type} of {n} item", "a {type} of {n} items", len(value))
        return items.format(type=type(value).__name__, n=len(value))
    return _("a {type}").format(type=type(value).__name__)
