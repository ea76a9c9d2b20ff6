"""Which files a batch reads: paths named, lists of paths, and directory walks.

A directory walk is iterative (a tree 10,000 levels deep cannot exhaust the stack), visits
each real directory once (symlink loops are cut), and leaves out what is plainly not a
document: hidden files, a folder's README, label and data files, images (the name
patterns are data, in `not_documents.toml`). Files named on the command line are always
read. File names are kept as the operating system gives them (`str` with
surrogate escapes for bytes that are not UTF-8), so the exact file is opened.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO

from nlp_motioner._data import load_toml

IGNORE_FILE = ".motionerignore"


@dataclass
class WalkStats:
    """What a walk left out, for the one summary line on stderr."""

    not_documents: int = 0
    excluded: int = 0
    examples: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _not_documents() -> tuple[frozenset[str], tuple[str, ...]]:
    cfg = load_toml("batch/not_documents.toml")
    return frozenset(cfg["skip_dirs"]), tuple(cfg["names"])


def is_not_document(name: str) -> bool:
    """True for a file name that is plainly not a document (README, labels, images, ...)."""
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pat) for pat in _not_documents()[1])


def iter_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    stats: WalkStats | None = None,
) -> Iterator[str]:
    """Yield files under the given paths (directories walked, sorted by name).

    `include` / `exclude` are glob patterns for walked files: a pattern with "/" is matched
    against the path below the directory named, any other against the file name.
    """
    include, exclude = tuple(include), tuple(exclude)
    stats = stats if stats is not None else WalkStats()
    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            yield from _walk(path, include, exclude, stats)
        else:
            yield path


def _selected(rel: str, name: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    def hit(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatchcase(rel if "/" in p else name, p) for p in patterns)

    return (not include or hit(include)) and not hit(exclude)


def _walk(
    root: str, include: tuple[str, ...], exclude: tuple[str, ...], stats: WalkStats
) -> Iterator[str]:
    skip_dirs = _not_documents()[0]
    seen: set[str] = set()
    # A stack of (directory, sorted entries still to visit): depth-first in name order,
    # the order a recursive walk gives, without recursion.
    stack: list[tuple[str, Iterator[os.DirEntry[str]], list[str]]] = []

    def enter(directory: str) -> Iterator[str]:
        try:
            real = os.path.realpath(directory)
        except (OSError, ValueError):
            return
        if real in seen:
            return
        seen.add(real)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            yield directory  # unreadable directory: the reader reports it
            return
        stack.append((directory, iter(entries), _ignore_patterns(directory)))

    yield from enter(root)
    while stack:
        _, entries, ignored = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name = entry.name
        if name.startswith(".") or any(fnmatch.fnmatchcase(name, p) for p in ignored):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if name not in skip_dirs:
                yield from enter(entry.path)
            continue
        rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
        if not _selected(rel, name, include, exclude):
            stats.excluded += 1
            continue
        if is_not_document(name):
            stats.not_documents += 1
            if len(stats.examples) < 3:
                stats.examples.append(name)
            continue
        yield entry.path


def _ignore_patterns(directory: str) -> list[str]:
    """Names to skip in this directory, one glob per line of its `.motionerignore`.

    Archives hold files that are not documents (label files, checksums, notes); listing
    them here keeps a directory walk from reporting each as a failed document.
    """
    try:
        with open(os.path.join(directory, IGNORE_FILE), encoding="utf-8") as fh:
            text = fh.read(1 << 20)
    except (OSError, UnicodeDecodeError):
        return []
    lines = (line.strip().rstrip("/") for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def read_path_list(stream: BinaryIO) -> Iterator[str]:
    """Paths from a list, one a line (as `find` prints them); names kept byte for byte."""
    for raw in stream:
        line = raw.rstrip(b"\n").rstrip(b"\r")
        if line:
            yield os.fsdecode(line)
