"""Progress of a batch, fitted to where it is written.

On a terminal (the stream is a TTY) a live bar drawn by ``rich``; anywhere else (a
log file, a pipe, a CI log) one plain line per finished item, with the elapsed
time and an estimate of the time left, and never a carriage return.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _has_rich() -> bool:
    """True where ``rich`` is installed (the student copy goes without it)."""
    return importlib.util.find_spec("rich") is not None


class Progress:
    """``with Progress(total) as p: p.advance("alice 01_conv_basics 15/15")`` once per item.

    Args:
        total: items to finish (at least 0).
        stream: where to write (default stderr).
        live: draw a live bar (None: when ``stream`` is a TTY).
    """

    def __init__(self, total: int, stream: TextIO | None = None, live: bool | None = None):
        if total < 0:
            raise ValueError(f"total must be at least 0. Received: total={total}")
        self.total, self.done = total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty() and _has_rich() if live is None else live
        self._start = time.monotonic()
        self._bar = None

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=Console(file=self.stream),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def advance(self, text: str) -> None:
        """One more item finished; ``text`` says which (one line)."""
        self.done += 1
        text = " ".join(text.split())
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=text[:60])
            return
        elapsed = time.monotonic() - self._start
        left = elapsed / self.done * (self.total - self.done)
        width = len(str(self.total))
        self.stream.write(
            f"[{self.done:>{width}}/{self.total}] {text}  (elapsed {_clock(elapsed)}, ETA {_clock(left)})\n"
        )
        self.stream.flush()

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
