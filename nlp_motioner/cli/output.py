"""Writers for JSONL, CSV, Parquet and terminal tables, and the files they write into.

`-o PATH` rules: a regular file (or a path that does not exist yet) is written through a
temporary file beside it and renamed into place when the run ends, so a crash never
leaves a half-written file that looks complete; an interrupted run (Ctrl-C, SIGTERM)
renames what it has, so every finished record is kept. Anything else at PATH (a device
such as /dev/null, a FIFO) is opened and written as it is, and a symlink is followed.
New files get the mode the user's umask gives; a replaced file keeps its mode.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import re
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from typing import IO, Any

import click

# A file name as records show it is the indexer's rule too (the database keys rows by it).
from nlp_motioner.indexer import surrogate_safe
from nlp_motioner.interrupts import handle_interrupts

# --- what reaches a terminal or a spreadsheet -----------------------------------------

# C0/C1 controls, DEL, and the bidirectional overrides that can make text display in
# another order than it is stored ("Trojan Source").
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with control characters shown as escapes ("\\n", "\\x1b"): one safe line."""

    def esc(m: re.Match[str]) -> str:
        ch = m.group(0)
        if ch == "\n":
            return "\\n"
        if ch == "\t":
            return "\\t"
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return _UNPRINTABLE.sub(esc, surrogate_safe(text))


def _cell_text(text: str) -> str:
    """A table cell: controls become spaces (the table is for reading, not for names)."""
    return _UNPRINTABLE.sub(" ", text)


# A cell a spreadsheet would run as a formula (CSV injection): =, +, -, @, tab, CR.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def safe_streams() -> None:
    """Never crash on printing: characters stdout/stderr cannot encode become escapes."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")


def echo_err(message: str) -> None:
    """One line on stderr, printed above the progress bar when there is one."""
    from nlp_motioner.cli.progress import write_above

    write_above(printable(message))


# --- interrupts -----------------------------------------------------------------------


def interruptible(fn: Any) -> Any:
    """Ctrl-C or SIGTERM anywhere in a command: one line and exit status 130, no traceback.

    Commands that have finished work to report catch KeyboardInterrupt themselves first;
    this is the floor under them (listing files, opening the database, fitting a model).
    """
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        handle_interrupts()
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt:
            echo_err("motioner: interrupted")
            sys.exit(130)

    return wrapper


@contextlib.contextmanager
def _no_interrupts() -> Iterator[None]:
    """Hold off Ctrl-C and SIGTERM while a finished file is put in place."""
    try:
        old = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old[0])
        signal.signal(signal.SIGTERM, old[1])


# --- output files ---------------------------------------------------------------------

_WRITE_ERRORS = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EIO,
    errno.EFBIG,
    errno.EROFS,
    errno.EISDIR,
    errno.EACCES,
    errno.EPERM,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EPIPE,
}


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _file_error(path: str, exc: OSError) -> click.FileError:
    return click.FileError(printable(path), hint=exc.strerror or str(exc))


class Target:
    """Where `-o PATH` writes: the rules in the module docstring, as a context manager.

    Yields a file object. On success the temporary file is synced and renamed; on
    KeyboardInterrupt it is renamed too (the writer has closed its last record); on any
    other error it is removed and an OSError becomes one `click.FileError` line.
    """

    def __init__(self, path: str, *, binary: bool = False) -> None:
        self.path = path
        self.binary = binary
        self.tmp: str | None = None
        self.fh: IO[Any] | None = None

    def __enter__(self) -> IO[Any]:
        real = os.path.realpath(self.path)  # follow a symlink to what it names
        try:
            st: os.stat_result | None = os.stat(real)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise _file_error(self.path, exc) from None
        mode = "wb" if self.binary else "w"
        kw: dict[str, Any] = {} if self.binary else {"encoding": "utf-8", "newline": ""}
        try:
            if st is not None and stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, "Is a directory")
            if st is not None and not stat.S_ISREG(st.st_mode):
                # A device or FIFO: write to it as it is; never replace it.
                self.fh = open(real, mode, **kw)  # noqa: SIM115 - closed in __exit__
                return self.fh
            directory = os.path.dirname(real) or "."
            fd, self.tmp = tempfile.mkstemp(prefix=".motioner-", suffix=".part", dir=directory)
            os.fchmod(fd, stat.S_IMODE(st.st_mode) if st else 0o666 & ~_umask())
            self.final = real
            self.fh = os.fdopen(fd, mode, **kw)
        except OSError as exc:
            raise _file_error(self.path, exc) from None
        return self.fh

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        assert self.fh is not None
        keep = exc_type is None or issubclass(exc_type, KeyboardInterrupt)
        try:
            with _no_interrupts():
                if keep:
                    self.fh.flush()
                    if self.tmp:
                        os.fsync(self.fh.fileno())
                self.fh.close()
                if self.tmp:
                    if keep:
                        os.replace(self.tmp, self.final)
                    else:
                        os.unlink(self.tmp)
        except OSError as err:
            if self.tmp:
                with contextlib.suppress(OSError):
                    os.unlink(self.tmp)
            if exc_type is None or issubclass(exc_type, OSError):
                raise _file_error(self.path, err) from None
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRORS:
            # A full or failing disk: one line; an older file at PATH is untouched.
            raise _file_error(self.path, exc) from None
        return False


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[IO[str]]:
    """stdout (no path, or "-"), or `Target(path)` (see the module docstring)."""
    if not path or path == "-":
        yield sys.stdout
        return
    with Target(path) as fh:
        yield fh


# --- record writers -------------------------------------------------------------------


def write_jsonl(fh: IO[str], record: dict[str, Any]) -> None:
    fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def flat_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(
            flat_value(v) if not isinstance(v, dict) else json.dumps(v, ensure_ascii=False)
            for v in value
        )
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class CsvWriter:
    """CSV with lists "; "-joined; text cells a spreadsheet would run as formulas escaped."""

    def __init__(self, fh: IO[str], columns: list[str]) -> None:
        self.writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        self.writer.writeheader()

    def write(self, record: dict[str, Any]) -> None:
        row = {}
        for k in self.writer.fieldnames:
            value = record.get(k)
            row[k] = value if isinstance(value, (int, float)) else csv_cell(flat_value(value))
        self.writer.writerow(row)


class TableWriter:
    """A plain aligned table, streamed: widths are fixed up front and long cells are cut."""

    def __init__(self, fh: IO[str], columns: list[tuple[str, int]]) -> None:
        self.fh = fh
        self.columns = columns
        self._row({c: c for c, _ in columns})
        self._emit("  ".join("-" * w for _, w in columns) + "\n")

    def _emit(self, line: str) -> None:
        from nlp_motioner.cli.progress import write_above

        if self.fh is sys.stdout:
            write_above(line.rstrip("\n"), stdout=True)
        else:
            self.fh.write(line)

    def _row(self, values: dict[str, str]) -> None:
        cells = []
        for name, width in self.columns:
            text = " ".join(_cell_text(surrogate_safe(str(values.get(name, "")))).split())
            if len(text) > width:
                # A path is told apart by its end (the file name), anything else by its start.
                text = "…" + text[-(width - 1) :] if name == "source" else text[: width - 1] + "…"
            cells.append(text.ljust(width))
        self._emit("  ".join(cells).rstrip() + "\n")

    def write(self, record: dict[str, Any]) -> None:
        self._row({name: flat_value(record.get(name)) for name, _ in self.columns})
