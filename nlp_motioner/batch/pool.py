"""Run the per-file function over many files: in-process, on local worker processes, or on Dask.

Results stream back in input order (or completion order with `ordered=False`) with a
bounded number of files in flight, so memory stays flat however long the batch is.

Each local worker is a child process that handles one file at a time. The parent keeps a
deadline per file; a worker that passes it (a PDF that sends pdfium into a loop, a regex
that backtracks for ever) is killed with SIGKILL and replaced, and that file gets an error
record. A worker that dies (segfault, out of memory) is replaced the same way. Workers are
plain subprocesses, not multiprocessing children, so they also work inside Dask workers
(which are daemonic and may not fork multiprocessing children).
"""

from __future__ import annotations

import heapq
import os
import pickle
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from nlp_motioner.batch.spawn import spawn_worker, take_started
from nlp_motioner.batch.tasks import Task, call, error_doc, file_size, process_file, task_path
from nlp_motioner.record import Document

__all__ = ["run", "DEFAULT_TIMEOUT", "WorkerPool", "WorkerStartError", "Task"]

DEFAULT_TIMEOUT = 120.0
# A worker is replaced after this many files, so slow leaks in C libraries cannot add up.
MAX_TASKS_PER_WORKER = 500
# Files handed to a worker at a time: the running one and the next, already in its pipe.
QUEUE_DEPTH = 2
# Seconds a new worker may take to import the pipeline before its first file's clock starts.
STARTUP_TIMEOUT = 300.0
# Address-space cap per worker process (MiB), so one decompression bomb cannot take the
# machine's memory: allocation fails in the worker, and that file gets an error record.
# MOTIONER_MAX_MEMORY_MB overrides it; 0 means no cap.
DEFAULT_MAX_MEMORY_MB = 8192


def run(
    paths: Iterable[Task],
    *,
    jobs: int = 1,
    ordered: bool = True,
    timeout: float | None = None,
    post: Callable[[Document], Any] | None = None,
    fn: Callable[..., Document] = process_file,
    scheduler: str | Any | None = None,
    max_memory_mb: int | None = None,
    **options: Any,
) -> Iterator[Any]:
    """Process files, yielding one result per path: a Document, or `post(document)`.

    A file that fails (including a timeout or a crashed worker) yields an error Document,
    passed through `post` like any other. With `timeout` (seconds per file) or `jobs` > 1,
    files run in worker processes; `fn` and `post` must then be importable functions
    (or `functools.partial` of them). With neither, everything runs in this process.
    With `scheduler` (a Dask address or Client) the files run on that cluster instead.

    Example (the pattern `motioner tag` uses: small records cross process boundaries)::

        for rec in run(iter_files(["archive/"]), jobs=2, timeout=120, post=Document.tag_record):
            ...

    An item of `paths` may also be `(path, {"keyword": value})`: arguments for that file
    only, merged over `options`.
            ...
    """
    if scheduler:
        from nlp_motioner.batch.dask import run_dask

        yield from run_dask(
            paths, scheduler, ordered=ordered, timeout=timeout, post=post, fn=fn, **options
        )
        return
    if jobs <= 1 and not timeout:
        for path in paths:
            doc = call(fn, path, options)
            yield post(doc) if post else doc
        return
    with WorkerPool(
        max(1, jobs),
        fn=fn,
        post=post,
        options=options,
        timeout=timeout,
        max_memory_mb=max_memory_mb,
    ) as pool:
        yield from pool.map(paths, ordered=ordered)


# --- local worker processes -------------------------------------------------------------


class WorkerStartError(RuntimeError):
    """Worker processes cannot start at all (a broken installation), so no file can run."""


class _Worker:
    """One child process with a pipe each way; it runs one file at a time, and holds the
    next one in its pipe (`QUEUE_DEPTH`), so it never waits for the parent between files."""

    def __init__(self, setup: bytes) -> None:
        # A worker the launcher started early (see batch.spawn), else a new one.
        self.proc, to_child_w, from_child_r = take_started() or spawn_worker()
        self.send_conn = Connection(to_child_w, readable=False)
        self.recv_conn = Connection(from_child_r, writable=False)
        self.send_conn.send_bytes(setup)
        self.tasks: deque[tuple[int, Task]] = deque()  # the running file first
        self.started = 0.0  # when the running file started
        self.done = 0
        self.ready = False  # set when the child has imported everything and said so

    def deadline(self, timeout: float) -> float:
        # Until the child says it is ready, allow for a slow start as well.
        return self.started + (timeout if self.ready else max(timeout, STARTUP_TIMEOUT))

    @property
    def task(self) -> tuple[int, Task] | None:
        """The file the child is running (or will run first), None when idle."""
        return self.tasks[0] if self.tasks else None

    def submit(self, index: int, task: Task) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append((index, task))
        self.send_conn.send_bytes(pickle.dumps((index, task), protocol=pickle.HIGHEST_PROTOCOL))

    def finished_one(self) -> None:
        """The running file's result came back; the queued one (if any) runs from now."""
        self.tasks.popleft()
        self.done += 1
        self.started = time.monotonic()

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        self.close()

    def stop(self) -> None:
        try:
            self.send_conn.send_bytes(b"")
        except OSError:
            pass
        # The child closes its end of the pipe when it exits: wait for that event rather
        # than poll the process (Popen.wait with a timeout sleeps in steps of up to 50 ms).
        wait([self.recv_conn], timeout=5)
        try:
            self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.close()

    def close(self) -> None:
        for conn in (self.send_conn, self.recv_conn):
            try:
                conn.close()
            except OSError:
                pass

    def exit_reason(self) -> str:
        code = self.proc.wait()
        if code < 0:
            import signal

            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"worker process died ({name})"
        return f"worker process exited with status {code}"


class WorkerPool:
    """A fixed number of worker processes with per-file deadlines; reusable across `map` calls."""

    def __init__(
        self,
        jobs: int,
        *,
        fn: Callable[..., Document] = process_file,
        post: Callable[[Document], Any] | None = None,
        options: dict[str, Any] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_tasks: int = MAX_TASKS_PER_WORKER,
        max_memory_mb: int | None = None,
    ) -> None:
        self.jobs = max(1, jobs)
        self.post = post
        self.timeout = timeout or None
        self.max_tasks = max_tasks
        if max_memory_mb is None:
            max_memory_mb = int(os.environ.get("MOTIONER_MAX_MEMORY_MB", DEFAULT_MAX_MEMORY_MB))
        setup = (fn, post, options or {}, max_memory_mb)
        self._setup = pickle.dumps(setup, protocol=pickle.HIGHEST_PROTOCOL)
        self._workers: list[_Worker | None] = [None] * self.jobs
        self._start_failures = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for i, w in enumerate(self._workers):
            if w is not None:
                if w.task is not None:
                    w.kill()
                else:
                    w.stop()
                self._workers[i] = None

    def _fail(self, task: Task, error: str) -> Any:
        doc = error_doc(task_path(task), error)
        return self.post(doc) if self.post else doc

    def map(self, paths: Iterable[Task], *, ordered: bool = True) -> Iterator[Any]:
        """Yield one result per path; at most a window of files is read ahead at a time.

        Within the window the largest file goes to the next free worker first, so that a
        long file does not start last and keep one worker busy after the others are done;
        results still come out in input order (with `ordered`).
        """
        window = max(64, self.jobs * 32)
        source = iter(paths)
        queue: deque[tuple[int, Task]] = deque()  # files handed back for a retry: first
        pending: list[tuple[int, int, Task]] = []  # heap of (-size, index, task)
        results: dict[int, Any] = {}
        next_index = 0  # next index to read from `source`
        next_out = 0  # next index to yield (ordered mode)
        exhausted = False
        try:
            while True:
                # Read ahead while the window allows.
                while not exhausted and next_index - next_out < window:
                    try:
                        task = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    heapq.heappush(pending, (-file_size(task_path(task)), next_index, task))
                    next_index += 1
                # Hand out work, largest file first: to idle workers, then a second file to
                # each busy one (queued behind its running file).
                for depth in range(QUEUE_DEPTH):
                    if depth and len(queue) + len(pending) < len(self._workers):
                        break  # the last files go to whichever worker is free first
                    for slot, w in enumerate(self._workers):
                        if not queue and not pending:
                            break
                        if w is not None and len(w.tasks) > depth:
                            continue
                        if w is None or (not w.tasks and w.done >= self.max_tasks):
                            if w is not None:
                                w.stop()
                            w = self._workers[slot] = _Worker(self._setup)
                        elif w.done + len(w.tasks) >= self.max_tasks:
                            continue  # it is replaced once its files are done
                        if queue:
                            index, path = queue.popleft()
                        else:
                            _, index, path = heapq.heappop(pending)
                        w.submit(index, path)
                busy = [w for w in self._workers if w is not None and w.task is not None]
                if not busy:
                    # Nothing running means every dispatched result was yielded: done.
                    break
                finished: list[tuple[int, Any]] = []
                wait_s = None
                if self.timeout:
                    wait_s = max(
                        0.0, min(w.started for w in busy) + self.timeout - time.monotonic()
                    )
                ready = wait([w.recv_conn for w in busy], timeout=wait_s)
                for w in busy:
                    assert w.task is not None
                    index, path = w.task
                    slot = self._workers.index(w)
                    if w.recv_conn in ready:
                        try:
                            msg = w.recv_conn.recv_bytes()
                            if not w.ready:
                                # The first message says the child is up; the clock starts now,
                                # so a slow start (loading models) does not count against the file.
                                w.ready, w.started = True, time.monotonic()
                                self._start_failures = 0
                                continue
                            got_index, result = pickle.loads(msg)
                        except (EOFError, OSError, pickle.UnpicklingError):
                            if not w.ready:
                                # Not the file's fault: the worker died while starting. Try the
                                # file again on a fresh worker; give up only if starting keeps failing.
                                code = w.proc.wait()
                                w.close()
                                self._workers[slot] = None
                                self._start_failures += 1
                                if self._start_failures >= 3:
                                    raise WorkerStartError(
                                        f"worker process could not start (exit status {code}); see the message above"
                                    ) from None
                                queue.extendleft(reversed(w.tasks))
                                time.sleep(0.5 * self._start_failures)
                                continue
                            reason = w.exit_reason()
                            w.close()
                            self._workers[slot] = None
                            finished.append((index, self._fail(path, reason)))
                            _requeue_rest(w, queue)
                            continue
                        w.finished_one()
                        finished.append((got_index, result))
                    elif self.timeout and time.monotonic() >= w.deadline(self.timeout):
                        w.kill()
                        self._workers[slot] = None
                        limit = f"timed out after {self.timeout:g} s (--timeout)"
                        finished.append((index, self._fail(path, limit)))
                        _requeue_rest(w, queue)
                if ordered:
                    for index, result in finished:
                        results[index] = result
                    while next_out in results:
                        yield results.pop(next_out)
                        next_out += 1
                else:
                    for _, result in finished:
                        next_out += 1
                        yield result
        except GeneratorExit:
            self.close()
            raise
        except BaseException:
            self.close()
            raise


def _requeue_rest(w: _Worker, queue: deque[tuple[int, Task]]) -> None:
    """The files queued behind a killed or dead worker's running file go to another
    worker first; they were never started, so they are not failed."""
    rest = list(w.tasks)[1:]
    w.tasks.clear()
    queue.extendleft(reversed(rest))
