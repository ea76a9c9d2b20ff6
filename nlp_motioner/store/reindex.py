"""Rebuilding the stemmed search index (`units_fts`) from the stored tables.

Needed when the analyzer changed (another stemmer or stop-word list: queries would no
longer match the old tokens) and after the stored text was masked. Each unit's FTS row is
rebuilt from the readable tables exactly as `write.put_document` first wrote it.
"""

from __future__ import annotations

import sqlite3

from nlp_motioner.store.analyze import analyzer_id, facet_text, fts_values
from nlp_motioner.store.connection import transaction
from nlp_motioner.store.write import bump_generation

__all__ = ["reanalyze"]


def reanalyze(conn: sqlite3.Connection) -> int:
    """Rebuild `units_fts` with the current analyzer; returns the number of units."""
    with transaction(conn):
        conn.execute("DELETE FROM units_fts")
        units = conn.execute(
            "SELECT id, document_id, item_id, doc_type, date, organisation, outcome "
            "FROM units ORDER BY id"
        ).fetchall()
        for u in units:
            title, body, facets = _unit_fts_values(conn, u)
            conn.execute(
                "INSERT INTO units_fts(rowid, title, body, facets) VALUES (?, ?, ?, ?)",
                (u["id"], title, body, facets),
            )
        # DELETE leaves a delete marker for every old token in the index; merging all
        # segments drops them (7 s at 100k units; left in place, every query over the
        # rebuilt index was about twice as slow).
        conn.execute("INSERT INTO units_fts(units_fts) VALUES ('optimize')")
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('analyzer', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (analyzer_id(),),
        )
        bump_generation(conn)
    return len(units)


def _unit_fts_values(conn: sqlite3.Connection, u: sqlite3.Row) -> tuple[str, str, str]:
    """The FTS row of a stored unit, rebuilt from the readable tables (as `put` wrote it)."""
    doc = conn.execute(
        "SELECT title, text FROM documents WHERE id = ?", (u["document_id"],)
    ).fetchone()

    def values(table: str, column: str, item_id: int | None) -> list[str]:
        return [
            r[0]
            for r in conn.execute(
                f"SELECT {column} FROM {table} WHERE document_id = ? AND item_id IS ? "
                "ORDER BY rowid",
                (u["document_id"], item_id),
            )
        ]

    numbered = (
        conn.execute(
            "SELECT 1 FROM case_numbers WHERE document_id = ? LIMIT 1", (u["document_id"],)
        ).fetchone()
        is not None
    )
    parties = values("parties", "party", u["item_id"])
    bodies = values("referral_bodies", "body", u["item_id"])
    if u["item_id"] is not None:
        item = conn.execute(
            "SELECT title, text FROM items WHERE id = ?", (u["item_id"],)
        ).fetchone()
        title, body = item["title"] or "", item["text"]
        parties = parties or values("parties", "party", None)
        bodies = bodies or values("referral_bodies", "body", None)
    else:
        title = doc["title"] or ""
        text = doc["text"]
        outside, last = [], 0
        for start, end in conn.execute(
            'SELECT start, "end" FROM items WHERE document_id = ? ORDER BY start',
            (u["document_id"],),
        ):
            outside.append(text[last:start])
            last = max(last, end)
        outside.append(text[last:])
        body = "".join(outside)
    facets = facet_text(
        doc_type=u["doc_type"],
        date=u["date"],
        organisation=u["organisation"],
        outcome=u["outcome"],
        parties=parties,
        bodies=bodies,
        numbered=numbered,
    )
    return fts_values(title, body, facets)
