"""Case numbers as lookup keys: every written form of a number reaches the same rows.

A stored number is kept under its `casenumber.match_keys` ("2025:446" and, with a series,
"KS:2025:446") in the `case_keys` table; a query is looked up under its
`casenumber.query_keys`. So "KS 2025.446", "2025.446 KS", "KS/2025:446" and
"Dnr KS 2025/0446" find the rows of "2025.446 KS", and "2025.446" finds every series.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from nlp_motioner import casenumber

__all__ = ["insert_keys", "backfill", "lookup", "keys_of", "has_table"]


def insert_keys(
    conn: sqlite3.Connection, document_id: int, item_id: int | None, numbers: Iterable[str]
) -> None:
    """Store the match keys of `numbers` for one document (item_id None) or § item."""
    keys: dict[str, None] = {}
    for number in numbers:
        for key in casenumber.match_keys(number):
            keys[key] = None
    conn.executemany(
        "INSERT INTO case_keys(document_id, item_id, key) VALUES (?, ?, ?)",
        [(document_id, item_id, k) for k in keys],
    )


def backfill(conn: sqlite3.Connection) -> None:
    """Fill `case_keys` from the stored case numbers (a database indexed before it existed)."""
    rows = conn.execute("SELECT document_id, item_id, diarienummer FROM case_numbers").fetchall()
    for document_id, item_id, number in rows:
        insert_keys(conn, document_id, item_id, [number])


def has_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'case_keys'"
    ).fetchone()
    return row is not None


def lookup(conn: sqlite3.Connection, keys: Iterable[str]) -> list[tuple[int, int | None]]:
    """(document id, item id or None) of every row stored under one of `keys`."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return []
    if has_table(conn):
        marks = ", ".join("?" for _ in wanted)
        rows = conn.execute(
            f"SELECT DISTINCT document_id, item_id FROM case_keys WHERE key IN ({marks})",
            wanted,
        ).fetchall()
        return [(r[0], r[1]) for r in rows]
    # A database from before the table (opened read-only, so not migrated): compare the
    # stored numbers one by one. Slower, but only until the next `motioner index`.
    want = set(wanted)
    out: list[tuple[int, int | None]] = []
    for document_id, item_id, number in conn.execute(
        "SELECT document_id, item_id, diarienummer FROM case_numbers"
    ):
        if want.intersection(casenumber.match_keys(number)):
            out.append((document_id, item_id))
    return list(dict.fromkeys(out))


def keys_of(numbers: Iterable[str]) -> set[str]:
    """The most specific key of each number: with its series when one is printed."""
    out: set[str] = set()
    for number in numbers:
        keys = casenumber.match_keys(number)
        if keys:
            out.add(keys[-1])
    return out
