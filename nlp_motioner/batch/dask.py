"""The Dask path: the same per-file function on a `dask.distributed` cluster.

Files go out in small chunks; each Dask worker thread runs its chunk through a local
WorkerPool of one process, so `--timeout` and the memory cap hold there too.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from nlp_motioner.batch.pool import DEFAULT_TIMEOUT, WorkerPool, WorkerStartError
from nlp_motioner.batch.tasks import Task, call, one_line, process_file
from nlp_motioner.record import Document

_local = threading.local()


def _dask_chunk(
    paths: list[Task],
    fn: Callable[..., Document],
    post: Callable[[Document], Any] | None,
    options: dict[str, Any],
    timeout: float | None,
) -> list[Any]:
    """Runs on a Dask worker: one chunk of files through a worker process kept per thread."""
    if not timeout:
        return [post(call(fn, p, options)) if post else call(fn, p, options) for p in paths]
    key = pickle.dumps((fn, post, options, timeout))
    pool = getattr(_local, "pool", None)
    if pool is None or getattr(_local, "key", None) != key:
        if pool is not None:
            pool.close()
        pool = WorkerPool(1, fn=fn, post=post, options=options, timeout=timeout)
        _local.pool, _local.key = pool, key
    return list(pool.map(paths))


def _chunks(paths: Iterable[Task], size: int) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for path in paths:
        chunk.append(path)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_dask(
    paths: Iterable[Task],
    scheduler: str | Any,
    *,
    ordered: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
    post: Callable[[Document], Any] | None = None,
    fn: Callable[..., Document] = process_file,
    chunk_size: int = 8,
    **options: Any,
) -> Iterator[Any]:
    """Like `run`, on a Dask distributed cluster: files go out in chunks, results come back here.

    `scheduler` is an address ("tcp://host:8786") or an existing `distributed.Client`.
    Workers must have nlp_motioner installed and see the same file paths (a shared file
    system). Only a bounded number of chunks is in flight, so the caller can stream the
    results into one writer (a JSONL file, the database).
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise WorkerStartError(
            "--scheduler needs dask.distributed: pip install 'nlp_motioner[dask]'"
        ) from None

    own = not hasattr(scheduler, "submit")
    try:
        client = Client(scheduler, timeout="20s") if own else scheduler
    except (OSError, TimeoutError, ValueError) as exc:
        raise WorkerStartError(
            f"cannot connect to the Dask scheduler at {scheduler} ({one_line(exc)})"
        ) from None
    try:
        n_workers = max(1, sum(client.nthreads().values()))
        window = n_workers * 3
        submit = partial(
            client.submit,
            _dask_chunk,
            fn=fn,
            post=post,
            options=options,
            timeout=timeout,
            pure=False,
        )
        chunks = enumerate(_chunks(paths, chunk_size))
        futures: dict[Any, int] = {}
        done_results: dict[int, list[Any]] = {}
        next_out = 0
        pending = as_completed()

        def top_up() -> None:
            # Keep `window` chunks in flight: memory stays flat however long the batch is.
            for index, chunk in chunks:
                fut = submit(chunk)
                futures[fut] = index
                pending.add(fut)
                if len(futures) >= window:
                    break

        top_up()
        for fut in pending:
            index = futures.pop(fut)
            results = fut.result()
            fut.release()
            if ordered:
                done_results[index] = results
                while next_out in done_results:
                    yield from done_results.pop(next_out)
                    next_out += 1
            else:
                yield from results
            top_up()
    finally:
        if own:
            client.close()
