"""Judging: the grading engine (``engine``) runs a submission in the sandbox and turns
the values it returned into scores (``scoring``), naming mistakes (``misconceptions``),
against Keras references computed once and cached (``reference_cache``)."""
