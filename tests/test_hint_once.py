"""A mistake's hint is told once per function, not under every check that shows it."""

from __future__ import annotations

import pytest

from autograder.core.course import ASSIGNMENTS

from .conftest import ROOT


@pytest.mark.slow
def test_a_flipped_kernel_is_explained_once(grader):
    bob = ROOT / "tests" / "sample_class" / "bob" / "01_conv_basics" / "conv_basics.ipynb"
    result = grader.grade(bob, "bob", ASSIGNMENTS["01_conv_basics"])
    flipped = [c for c in result.checks if "flipped-kernel" in c.misconceptions and c.function == "conv2d_manual"]
    assert len(flipped) >= 3, [c.message for c in result.checks]
    told = [c for c in flipped if "Likely mistake (flipped-kernel): The kernel is flipped" in c.message]
    assert told == flipped[:1]  # the first check that shows it
    assert all("Likely mistake (flipped-kernel): as above." in c.message for c in flipped[1:])
    assert all("Hint:" not in c.message for c in flipped[1:])
