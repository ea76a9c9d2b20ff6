"""Run the per-file function over many files: in-process, on local worker processes, or on Dask.

Public surface, for every command that reads documents (tag, read, index, similar FILE,
themes fit/assign PATHS): `iter_files` picks the files, `run` processes them with the
per-file `--timeout` and memory cap, in worker processes that are killed and replaced when
a file hangs or crashes them.

    >>> from nlp_motioner.batch import iter_files, run
    >>> for doc in run(iter_files(["arkiv/"]), jobs=2, timeout=120):   # doctest: +SKIP
    ...     print(doc.source, doc.error or doc.tags.doc_type)

`hash_file` gives a file's content hash without blocking on a FIFO or device; call it in
the per-file function (that is, in the worker), never in the parent.
"""

from __future__ import annotations

from typing import Any

# Names and the module that holds each, imported on first use: a worker process imports
# this package for its child side only, and the launcher for `batch.spawn`; neither needs
# the pool, the directory walk or multiprocessing.
_EXPORTS = {
    "DEFAULT_MAX_MEMORY_MB": "pool",
    "DEFAULT_TIMEOUT": "pool",
    "WorkerPool": "pool",
    "WorkerStartError": "pool",
    "run": "pool",
    "Task": "tasks",
    "task_path": "tasks",
    "IGNORE_FILE": "walk",
    "WalkStats": "walk",
    "is_not_document": "walk",
    "iter_files": "walk",
    "read_path_list": "walk",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def run_dask(*args, **kwargs):  # noqa: ANN002, ANN003 - the signature lives in batch.dask
    """See `nlp_motioner.batch.dask.run_dask` (imported lazily: dask is optional)."""
    from nlp_motioner.batch.dask import run_dask as _run_dask

    return _run_dask(*args, **kwargs)


def hash_file(path: str) -> str | None:
    """SHA-256 of a regular file's bytes; None when it is not a regular file or unreadable."""
    import hashlib
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None  # a FIFO or device would block or never end
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


__all__ = [
    "DEFAULT_MAX_MEMORY_MB",
    "DEFAULT_TIMEOUT",
    "IGNORE_FILE",
    "Task",
    "WalkStats",
    "WorkerPool",
    "WorkerStartError",
    "hash_file",
    "is_not_document",
    "iter_files",
    "read_path_list",
    "run",
    "run_dask",
    "task_path",
]
