"""The worker side of WorkerPool: a child process that runs one file at a time.

It reads (fn, post, options, memory cap) once, then (index, task) messages until an empty
one, and answers each with the pickled result; any failure becomes an error record.
"""

from __future__ import annotations

import pickle
import sys
from multiprocessing.connection import Connection

from nlp_motioner.batch.tasks import call, error_doc, one_line, process_file, task_path

__all__ = ["worker_main"]


def worker_main(read_fd: int, write_fd: int, *, preload: bool = False) -> None:
    """The child side: receive (fn, post, options), then (index, path) until an empty message.

    With `preload` (a worker started before its parent knew the command's options) the
    pipeline is imported before the setup is read."""
    import logging
    import signal
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _die_with_parent()
    # Library chatter (pdfminer warnings, deprecation notices) must not reach the user's
    # stderr: each failure is reported once, by the parent, as one line.
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    recv = Connection(read_fd, writable=False)
    send = Connection(write_fd, readable=False)
    if preload:
        import nlp_motioner.pipeline  # noqa: F401
    try:
        setup = recv.recv_bytes()
    except (EOFError, OSError):
        return  # started early and never taken: the parent is gone or did not need it
    fn, post, options, max_memory_mb = pickle.loads(setup)
    if max_memory_mb:
        _cap_memory(max_memory_mb)
    if getattr(fn, "func", fn) is process_file:
        # Import the pipeline before saying ready, so the import is not charged to the
        # first file's deadline.
        import nlp_motioner.pipeline  # noqa: F401
    send.send_bytes(b"ready")
    while True:
        try:
            msg = recv.recv_bytes()
        except (EOFError, OSError):
            return
        if not msg:
            return
        index, task = pickle.loads(msg)
        doc = call(fn, task, options)
        try:
            result = post(doc) if post else doc
            payload = pickle.dumps((index, result), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            doc = error_doc(
                task_path(task), f"internal error ({type(exc).__name__}: {one_line(exc)})"
            )
            payload = pickle.dumps(
                (index, post(doc) if post else doc), protocol=pickle.HIGHEST_PROTOCOL
            )
        send.send_bytes(payload)


def _cap_memory(megabytes: int) -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = megabytes * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or want < soft:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the timeout still bounds the damage


def _die_with_parent() -> None:
    # Linux only: if the parent is killed, so is the worker (no orphans stuck in C code).
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
