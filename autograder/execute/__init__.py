"""Executing student code: fork servers (``forkserver``), the kernel boundary around each
child (``isolation``), the child's side (``child``, ``calls``, ``adapters``), the parent's
side (``sandbox``) and which cells run (``notebook``). Never imports the judge, the
reports or the Keras references."""
