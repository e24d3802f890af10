"""The benchmark runs end to end on a tiny class (without nbgrader, which the
front-end tests already run) and names bad arguments."""

from __future__ import annotations

import re

import pytest

from bench import front_ends as bench


@pytest.mark.slow
def test_the_benchmark_prints_its_figures(capsys):
    assert bench.main(students=3, assignments=("01_conv_basics",), skip_nbgrader=True, dask=None) == 0
    out = capsys.readouterr().out
    assert "class: 3 students x 1 notebooks = 3 submissions" in out
    wall = float(re.search(r"batch grader:\s+([\d.]+) s wall", out).group(1))
    overhead = float(re.search(r"overhead .*: mean ([\d.]+) s", out).group(1))
    student, sandbox = map(float, re.search(r"01_conv_basics\s+([\d.]+)s\s+([\d.]+)s", out).groups())
    assert 0 < overhead < wall
    assert student <= sandbox < wall
    assert re.search(r"self-check:\s+[\d.]+ s for one notebook", out)
    cold, warm = map(int, re.search(r"references computed: (\d+) by the first .*, (\d+) by the second", out).groups())
    assert cold > 0 and warm == 0  # its own cache: empty at first, warm for the second run


@pytest.mark.parametrize(
    "bad", [{"students": 0}, {"workers": 0}, {"assignments": ("06_transformers",)}], ids=lambda b: next(iter(b))
)
def test_bad_benchmark_arguments_are_named(bad):
    with pytest.raises(ValueError, match="Received: .*" + next(iter(bad))):
        bench.main(**bad)
