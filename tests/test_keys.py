"""Answer keys are registered (``@key`` in ``autograder.author.keys``) and every check's
handles resolve to one, so a renamed key fails here and not only when its check runs."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from autograder.author import keys
from autograder.author.public.answers import answer, key_name
from autograder.core.course import ASSIGNMENTS


def _handles(check) -> list:
    return [("reference", check.reference)] + [(f"mistake {mid}", sim) for mid, sim in check.mistakes.items()]


def test_every_checks_reference_and_simulated_mistakes_name_a_registered_key():
    unresolved, named = [], 0
    for assignment in ASSIGNMENTS.values():
        for check in assignment.checks(hidden=True):
            for what, handle in _handles(check):
                name = key_name(handle)
                if name is None:
                    unresolved.append((check.name, what, "not an answer handle"))
                    continue
                named += 1
                try:
                    assert callable(keys.resolve(name))
                except LookupError as err:
                    unresolved.append((check.name, what, str(err)))
    assert not unresolved, unresolved[:10]
    assert named > 100  # the references and mistakes of every assignment were looked at


def test_every_public_function_of_the_key_modules_is_registered():
    unregistered = []
    for info in pkgutil.iter_modules(keys.__path__):
        module = importlib.import_module(f"{keys.__name__}.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                if keys.REGISTERED.get(f"{info.name}.{name}") is not function:
                    unregistered.append(f"{info.name}.{name}")
    assert not unregistered, f"decorate with @key: {unregistered}"


def test_a_key_is_named_by_its_object_or_by_a_name_checked_when_called():
    from autograder.author.keys import conv_basics

    by_object, by_name = answer(conv_basics.conv_flipped), answer("conv_basics.conv_flipped")
    assert key_name(by_object) == key_name(by_name) == "conv_basics.conv_flipped"
    with pytest.raises(ValueError, match="key='conv_flipped'"):
        answer("conv_flipped")
    with pytest.raises(ValueError, match="Expected a function of autograder.author.keys"):
        answer(len)
    with pytest.raises(LookupError, match="name='conv_basics.conv_renamed'"):
        answer("conv_basics.conv_renamed")(None, None)
    with pytest.raises(LookupError, match="name='nowhere.conv_flipped'"):
        answer("nowhere.conv_flipped")(None, None)
