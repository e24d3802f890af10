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


def _encode(value: Any, blobs: list[bytes]) -> Any:
    if isinstance(value, np.ndarray):
        buf = io.BytesIO()
        np.lib.format.write_array(buf, value, allow_pickle=False)
        blobs.append(buf.getvalue())
        return {"__ndarray__": len(blobs) - 1}
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if isinstance(value, list):
        return [_encode(v, blobs) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v, blobs) for k, v in value.items()}
    return value


def _decode(value: Any, blobs: list[bytes]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__ndarray__"}:
            index = value["__ndarray__"]
            if not isinstance(index, int) or not 0 <= index < len(blobs):
                raise ValueError("bad array reference in message")
            return np.lib.format.read_array(io.BytesIO(blobs[index]), allow_pickle=False)
        if set(value) == {"__float__"}:
            return float(value["__float__"])
        return {k: _decode(v, blobs) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, blobs) for v in value]
    return value


def dumps(message: Any) -> bytes:
    """Encode plain data as ``len(header) header (len(blob) blob)*``."""
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


def describe(value: Any, limit: int = 6) -> str:
    """A short human description: shape, dtype and a few values."""
    if isinstance(value, np.ndarray):
        flat = value.ravel()[:limit]
        more = ", ..." if value.size > limit else ""
        values = ", ".join(f"{v:.4g}" if value.dtype.kind == "f" else str(v) for v in flat)
        return f"array of shape {value.shape}, dtype {value.dtype}, values [{values}{more}]"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
