"""One unit of batch work and how it runs: the per-file call that turns any failure into an
error record. Shared by the in-process loop, the worker processes and the Dask runner."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Union

from nlp_motioner.record import Document

__all__ = ["Task", "task_path", "file_size", "error_doc", "call", "one_line", "process_file"]

# One unit of work: a path, or a path with keyword arguments for this file only
# (`index` passes the stored content hash, so the worker can skip an unchanged file).
Task = Union[str, tuple[str, dict[str, Any]]]  # noqa: UP007 - a runtime alias on 3.10


def file_size(path: str) -> int:
    """A file's size for ordering work; 0 when it cannot be told (the reader says why later)."""
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0


def task_path(task: Task) -> str:
    return task[0] if isinstance(task, tuple) else task


def error_doc(path: str, error: str) -> Document:
    # The parent never opens the file (it may be a FIFO or on a hung mount): kind unknown.
    return Document(source=path, file_kind="unknown", error=error)


def call(fn: Callable[..., Document], task: Task, options: dict[str, Any]) -> Document:
    """Run the per-file function; an exception becomes an error record, never a traceback."""
    path, extra = (task[0], {**options, **task[1]}) if isinstance(task, tuple) else (task, options)
    try:
        return fn(path, **extra)
    except MemoryError:
        return error_doc(path, "out of memory")
    except RecursionError:
        return error_doc(path, "too deeply nested")
    except Exception as exc:  # a bug in one stage must not end the batch
        return error_doc(path, f"internal error ({type(exc).__name__}: {one_line(exc)})")


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200]


def process_file(path: str, **options: Any) -> Document:
    """`pipeline.process`, imported on first use: the default per-file function. A parent
    that only hands files to worker processes never imports the pipeline itself (0.2 s of
    start-up before the first worker could begin)."""
    from nlp_motioner.pipeline import process

    return process(path, **options)
