"""Run the per-file function over many files: in-process, or on a local process pool.

Results stream back in input order (or completion order with `ordered=False`) with a
bounded number of files in flight, so memory stays flat however long the batch is.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait, FIRST_COMPLETED
from functools import partial
from pathlib import Path

from nlp_motioner.pipeline import process
from nlp_motioner.record import Document

_SKIP_DIRS = {".git", "__pycache__", ".venv", "node_modules"}


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Yield files under the given paths (directories walked recursively, sorted).

    Symlinked directories are followed once; a loop is cut by remembering real paths.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            seen: set[str] = set()
            yield from _walk(p, seen)
        else:
            yield os.fspath(raw)


def _walk(root: Path, seen: set[str]) -> Iterator[str]:
    try:
        real = os.path.realpath(root)
    except OSError:
        return
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        yield os.fspath(root)  # unreadable directory: let the reader report it
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in _SKIP_DIRS:
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(Path(entry.path), seen)
        else:
            yield entry.path


def _worker_init() -> None:
    # Workers ignore Ctrl-C; the parent decides when to stop.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(
    paths: Iterable[str],
    *,
    jobs: int = 1,
    ordered: bool = True,
    **options,
) -> Iterator[Document]:
    """Process files, yielding one Document per path (an error record when it fails)."""
    fn = partial(process, **options)
    if jobs <= 1:
        for path in paths:
            yield fn(path)
        return
    window = jobs * 4
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init) as pool:
        pending: deque[tuple[str, Future[Document]]] = deque()
        it = iter(paths)
        for path in it:
            pending.append((path, pool.submit(fn, path)))
            if len(pending) >= window:
                break
        while pending:
            if ordered:
                path, fut = pending.popleft()
                yield _result(path, fut)
            else:
                done, _ = wait([f for _, f in pending], return_when=FIRST_COMPLETED)
                for pair in [pr for pr in pending if pr[1] in done]:
                    pending.remove(pair)
                    yield _result(*pair)
            for path in it:
                pending.append((path, pool.submit(fn, path)))
                if len(pending) >= window:
                    break


def _result(path: str, fut: Future[Document]) -> Document:
    try:
        return fut.result()
    except Exception as exc:  # a crash in a worker must not end the batch
        return Document(source=path, kind="unknown", error=f"internal error ({type(exc).__name__}: {exc})")
