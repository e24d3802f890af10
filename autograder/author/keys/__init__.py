"""Answer keys, one module per assignment: every function that computes a student
function's answer or a close variant of it (the Keras references, the simulated
mistakes, 'same' padding and window geometry, the seed network, an exact kernel
solver). Checks name them with ``autograder.author.public.answers.answer``; they run only in a
trusted process of the instructor's copy. The student copy leaves this package out
and carries the public checks' results frozen instead."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TypeVar

Key = TypeVar("Key", bound=Callable)

REGISTERED: dict[str, Callable] = {}
"""Key name "<module>.<function>" (as checks name it) -> the function."""


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def key(function: Key) -> Key:
    """Registers ``function`` as an answer key, named "<module>.<function>" after the
    module of this package that defines it."""
    REGISTERED[f"{_short(function.__module__)}.{function.__name__}"] = function
    return function


def also(module: str, *functions: Callable) -> None:
    """Registers functions defined elsewhere (the Keras references) as keys of ``module``."""
    for function in functions:
        REGISTERED[f"{_short(module)}.{function.__name__}"] = function


def resolve(name: str) -> Callable:
    """The key registered under ``name`` ("<module>.<function>"), its module imported.

    Raises:
        LookupError: naming the key, when no module of this package registers it.
    """
    module = name.split(".", 1)[0]
    try:
        importlib.import_module(f"{__name__}.{module}")
    except ModuleNotFoundError:
        raise LookupError(f"No answer key module {module!r} in {__name__}. Received: name={name!r}") from None
    if name not in REGISTERED:
        raise LookupError(
            f"No answer key registered under this name (decorate it with @key in {__name__}.{module}). "
            f"Received: name={name!r}"
        )
    return REGISTERED[name]
