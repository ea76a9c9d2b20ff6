"""Progress on stderr: a bar with total, rate and ETA at a terminal, plain lines elsewhere.

tqdm draws the bar (it comes with spaCy, and `tqdm.write` / `external_write_mode` print a
line above a bar, which is what error lines and table rows need). Rich would do the same
with more weight. When stderr is not a terminal (a log file, CI), one plain line is
printed every `interval` seconds instead of carriage-return redraws.

Anything that runs long can report through the same callable:

    progress = Progress("files", total=len(paths))
    progress(done, total)          # or progress.advance()

so a model fit can take `progress: Callable[[int, int | None], None] | None`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

ProgressCallback = Callable[[int, "int | None"], None]

# The bar that is on screen now, so lines printed meanwhile go above it.
_ACTIVE: list[Progress] = []


def write_above(line: str, *, stdout: bool = False) -> None:
    """Print one line (stderr, or stdout) without garbling a progress bar on the terminal."""
    stream = sys.stdout if stdout else sys.stderr
    bar = _ACTIVE[-1]._bar if _ACTIVE else None
    if bar is not None:
        with bar.external_write_mode(file=stream):
            stream.write(line + "\n")
            stream.flush()
    else:
        stream.write(line + "\n")
        if not stdout:
            stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Counts finished units of work; draws a bar on a terminal, plain lines otherwise.

    `quiet` shows nothing. The bar appears only after `delay` seconds, so short runs
    print nothing extra.
    """

    def __init__(
        self,
        unit: str = "files",
        total: int | None = None,
        *,
        quiet: bool = False,
        interval: float = 10.0,
        delay: float = 0.5,
        stream: Any = None,
    ) -> None:
        self.unit = unit
        self.total = total
        self.done = 0
        self.quiet = quiet
        self.interval = interval
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self._last_line = self.start
        self._bar: Any = None
        if quiet:
            return
        if _isatty(self.stream):
            from tqdm import tqdm

            # A terminal that reports no width (a fresh pty) would get no bar at all.
            sized = _columns(self.stream) > 0
            self._bar = tqdm(
                total=total,
                unit=" " + unit,
                file=self.stream,
                delay=delay,
                dynamic_ncols=sized,
                ncols=None if sized else 80,
                nrows=None if sized else 24,
                leave=False,
                mininterval=0,
                miniters=1,
            )
        _ACTIVE.append(self)

    def __call__(self, done: int, total: int | None = None) -> None:
        """The callback form: `done` units of `total` are finished."""
        if total is not None and total != self.total:
            self.total = total
            if self._bar is not None:
                self._bar.total = total
                self._bar.refresh()
        self._update(done - self.done)

    def advance(self, n: int = 1) -> None:
        self._update(n)

    def _update(self, n: int) -> None:
        self.done += n
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(n)
            return
        now = time.monotonic()
        if now - self._last_line >= self.interval:
            self._last_line = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """The plain progress line: done/total, rate and time left."""
        elapsed = max((now or time.monotonic()) - self.start, 1e-9)
        rate = self.done / elapsed
        text = f"motioner: progress: {self.done}"
        if self.total:
            text += f"/{self.total} {self.unit} ({100 * self.done // self.total}%)"
        else:
            text += f" {self.unit}"
        text += f", {rate:.1f} {self.unit}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f", about {_clock((self.total - self.done) / rate)} left"
        return text

    def close(self) -> None:
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _columns(stream: Any) -> int:
    import os

    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
