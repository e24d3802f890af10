"""A small run of the grading service's load test (``python -m bench service``):
every submission answered and graded, none lost, every request over the limit refused
with the time the bucket allows the next."""

from __future__ import annotations

import pytest

from bench import service as serve_bench


@pytest.mark.slow
def test_a_small_load_loses_nothing_and_refuses_over_the_limit_with_the_right_time():
    figures = serve_bench.run(students=2, workers=2, burst=1, idle=1)
    assert figures["problems"] == []
    assert figures["submissions"] == 6 and figures["over_limit_requests"] == 2
    assert 0 < figures["load_submit_to_result_p50_s"] <= figures["load_submit_to_result_p95_s"]
    assert figures["service_per_second"] > 0 and figures["batch_per_second"] > 0
