"""Starting worker processes, and starting them early.

A worker is `python -m nlp_motioner.batch._worker` with a pipe each way. Python and the
pipeline take about a quarter of a second to import in it; the parent, meanwhile, imports
click and reads its command line. `prestart` lets the `motioner` launcher start the workers
of a batch command before that, so both imports run at once: the worker imports the
pipeline first (`--preload`) and only then reads its setup. The pool takes a started worker
when it has one (`take_started`) and starts a new one otherwise; a worker nobody takes is
killed when the parent exits (and dies with it in any case, see `child._die_with_parent`).

This module imports nothing heavy: the launcher runs it before anything else.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys

__all__ = ["spawn_worker", "prestart", "take_started", "planned_workers"]

# (process, fd the parent writes to, fd the parent reads from), started and not yet taken.
_STARTED: list[tuple[subprocess.Popen, int, int]] = []
# Commands whose files run on local worker processes (`batch.run` with a pool).
_BATCH_COMMANDS = frozenset({"tag", "read", "index"})


def spawn_worker(*, preload: bool = False) -> tuple[subprocess.Popen, int, int]:
    """Start one worker process: (process, write fd to it, read fd from it)."""
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    env = dict(os.environ)
    # The child must import what the parent can (a source checkout, a test module).
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    args = [sys.executable, "-m", "nlp_motioner.batch._worker", str(to_child_r), str(from_child_w)]
    try:
        proc = subprocess.Popen(
            [*args, "--preload"] if preload else args,
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
    except BaseException:
        for fd in (to_child_w, from_child_r):
            os.close(fd)
        raise
    finally:
        os.close(to_child_r)
        os.close(from_child_w)
    return proc, to_child_w, from_child_r


def prestart(n: int) -> None:
    """Start `n` workers now, for a pool to take later; failures are left to the pool."""
    if n <= 0:
        return
    if not _STARTED:
        atexit.register(_kill_untaken)
    for _ in range(n):
        try:
            _STARTED.append(spawn_worker(preload=True))
        except OSError:
            return  # the pool will try again and report what is wrong


def take_started() -> tuple[subprocess.Popen, int, int] | None:
    """A worker `prestart` started that is still alive, or None."""
    while _STARTED:
        proc, write_fd, read_fd = _STARTED.pop(0)
        if proc.poll() is None:
            return proc, write_fd, read_fd
        for fd in (write_fd, read_fd):
            os.close(fd)
    return None


def _kill_untaken() -> None:
    while _STARTED:
        proc, write_fd, read_fd = _STARTED.pop()
        for fd in (write_fd, read_fd):
            os.close(fd)  # the worker reads EOF and exits
        try:
            proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def planned_workers(argv: list[str]) -> int:
    """How many local workers `motioner ARGV` will start, guessed from the command line
    before click parses it; 0 when it may start none (help, Dask, in-process, not a batch
    command, an option this reading does not understand). A wrong guess costs a worker's
    start-up, never a result: the pool starts what it needs either way."""
    args = argv[: argv.index("--")] if "--" in argv else list(argv)
    if not args or args[0] not in _BATCH_COMMANDS:
        return 0
    if any(a in ("-h", "--help", "--version") or a.startswith("--scheduler") for a in args):
        return 0
    jobs = os.cpu_count() or 1
    timeout = None
    files = 0
    many = False  # a folder, a list of paths or stdin: more files than workers
    i = 1
    while i < len(args):
        a = args[i]
        value = None
        for short, long in (("-j", "--jobs"), (None, "--timeout")):
            if a == long or (short and a == short):
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            elif a.startswith(long + "="):
                value = a[len(long) + 1 :]
            elif short and a.startswith(short) and a[2:].isdigit():
                value = a[2:]
            else:
                continue
            try:
                number = float(value)
            except ValueError:
                return 0
            if long == "--jobs":
                jobs = int(number)
            else:
                timeout = number
            break
        if value is None:
            if a == "-" or a.startswith("--files-from"):
                many = True
            elif not a.startswith("-") and os.path.isdir(a):
                many = True
            elif not a.startswith("-") and os.path.isfile(a):
                files += 1
        i += 1
    if jobs <= 1 and timeout == 0:
        return 0  # no timeout and one job: the files run in the parent process
    return max(0, jobs if many else min(jobs, files))
