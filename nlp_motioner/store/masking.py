"""Mask the identity numbers in a database that was written before `index` masked them.

Every stored text is masked as `index` masks a new document: the document text (with the
section and item offsets moved to match), titles, evidence, headings, item texts,
metadata and failure messages. The full-text indexes are rebuilt from the masked tables,
the semantic model files are removed (their vocabulary came from the old text; `index`
refits them) and the file is vacuumed, so no freed page keeps an old number.
"""

from __future__ import annotations

import json
import os
import sqlite3
from typing import Any

from nlp_motioner.privacy import mask, mask_record, mask_with_offsets
from nlp_motioner.store.connection import transaction


def _mask_json(value: str | None) -> str | None:
    if not value:
        return value
    try:
        return json.dumps(mask_record(json.loads(value), keep=()), ensure_ascii=False)
    except ValueError:
        return mask(value)


def _text(value: Any) -> Any:
    return mask(value) if isinstance(value, str) else value


def mask_stored(store: Any) -> int:
    """Mask every stored text of `store` (a writable Store); returns the documents changed."""
    conn: sqlite3.Connection = store.conn
    changed = 0
    with transaction(conn):
        docs = conn.execute(
            "SELECT id, text, title, evidence, organisation, metadata, diarienummer FROM documents"
        ).fetchall()
        for doc in docs:
            text, remap = mask_with_offsets(doc["text"] or "")
            values = (
                text,
                _text(doc["title"]),
                _text(doc["evidence"]),
                _text(doc["organisation"]),
                _mask_json(doc["metadata"]),
                _mask_json(doc["diarienummer"]),
            )
            if values == tuple(doc)[1:]:
                continue
            changed += 1
            conn.execute(
                "UPDATE documents SET text = ?, title = ?, evidence = ?, organisation = ?, "
                "metadata = ?, diarienummer = ? WHERE id = ?",
                (*values, doc["id"]),
            )
            for sec in conn.execute(
                'SELECT id, start, "end", heading FROM sections WHERE document_id = ?', (doc["id"],)
            ).fetchall():
                conn.execute(
                    'UPDATE sections SET start = ?, "end" = ?, heading = ? WHERE id = ?',
                    (remap(sec[1]), remap(sec[2], True), mask(sec[3]), sec[0]),
                )
            for item in conn.execute(
                'SELECT id, start, "end", title, evidence, diarienummer FROM items '
                "WHERE document_id = ?",
                (doc["id"],),
            ).fetchall():
                start, end = remap(item[1] or 0), remap(item[2] or 0, True)
                conn.execute(
                    'UPDATE items SET start = ?, "end" = ?, title = ?, evidence = ?, '
                    "diarienummer = ?, text = ? WHERE id = ?",
                    (
                        start,
                        end,
                        _text(item[3]),
                        _text(item[4]),
                        _mask_json(item[5]),
                        text[start:end],
                        item[0],
                    ),
                )
        for table, column in (("case_numbers", "diarienummer"), ("referral_bodies", "body")):
            for rowid, value in conn.execute(f"SELECT rowid, {column} FROM {table}").fetchall():
                if mask(value) != value:
                    conn.execute(
                        f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (mask(value), rowid)
                    )
        for source, error in conn.execute("SELECT source, error FROM failures").fetchall():
            conn.execute("UPDATE failures SET error = ? WHERE source = ?", (mask(error), source))
        # The unstemmed indexes read the (now masked) tables again.
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    store.reanalyze()  # the stemmed index, from the masked tables
    for suffix in (".lsa.npz", ".lsa.json"):
        if os.path.exists(store.path + suffix):
            os.unlink(store.path + suffix)
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return changed
