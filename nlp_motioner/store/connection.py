"""The SQLite side every store module shares: how a connection is opened, the one shape of
a write transaction, and the timestamp format of the database."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["connect", "transaction", "utc_now"]


def connect(path: str | os.PathLike[str], *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with foreign keys on, WAL journal, and explicit transactions.

    Read-only opens use `mode=ro`; when that cannot work (a WAL database on read-only
    media or in a folder without write permission, where SQLite cannot create its
    shared-memory file) they fall back to `immutable=1`.
    """
    if readonly:
        base = Path(path).resolve().as_uri()
        conn = sqlite3.connect(
            base + "?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = sqlite3.connect(
                base + "?immutable=1", uri=True, isolation_level=None, check_same_thread=False
            )
    else:
        conn = sqlite3.connect(os.fspath(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL: a commit survives a killed process; only a power cut may lose the last one.
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends (a `return` inside it too),
    rolled back on any exception, Ctrl-C included, so a file is stored whole or not at all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
            conn.execute("ROLLBACK")
        raise


def utc_now() -> str:
    """The time as the database keeps it: UTC, to the second, ISO 8601 with a Z."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
