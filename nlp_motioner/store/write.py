"""Writing tagged Documents: one file's rows put, replaced or removed in one transaction.

A document becomes a `documents` row, its § items `items` rows, its sections, case numbers
(with their match keys), parties, referral bodies and reservations rows in the child
tables, and search units: one per § item and one for the text outside the items, each
with its stemmed FTS row. `Store.put` and `Store.remove` call these.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict
from typing import Any

from nlp_motioner.casenumber import normalize as normalize_case
from nlp_motioner.record import Document, Item, Tags
from nlp_motioner.store.analyze import facet_text, fts_values
from nlp_motioner.store.casekeys import insert_keys as insert_case_keys
from nlp_motioner.store.connection import transaction, utc_now

__all__ = ["put_document", "remove_document", "record_failure", "bump_generation", "norm_case"]


def put_document(conn: sqlite3.Connection, doc: Document, source: str | None = None) -> str:
    """Store one tagged Document; returns "new", "replaced" or "unchanged"."""
    if doc.error:
        raise ValueError(f"{doc.source}: cannot store a document that failed: {doc.error}")
    source = source or doc.source
    sha = doc.sha256 or hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    with transaction(conn):
        row = conn.execute(
            "SELECT id, sha256 FROM documents WHERE source = ?", (source,)
        ).fetchone()
        if row is not None and row["sha256"] == sha:
            conn.execute("DELETE FROM failures WHERE source = ?", (source,))
            return "unchanged"
        tags = doc.tags or Tags()
        values = _document_values(doc, tags, source, sha)
        if row is None:
            cols = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            cur = conn.execute(
                f"INSERT INTO documents({cols}) VALUES ({marks})", list(values.values())
            )
            doc_id = cur.lastrowid
            status = "new"
        else:
            doc_id = row["id"]
            _delete_children(conn, doc_id)
            sets = ", ".join(f"{k} = ?" for k in values)
            conn.execute(f"UPDATE documents SET {sets} WHERE id = ?", [*values.values(), doc_id])
            status = "replaced"
        _insert_children(conn, doc_id, doc, tags)
        conn.execute("DELETE FROM failures WHERE source = ?", (source,))
        bump_generation(conn)
    return status


def remove_document(conn: sqlite3.Connection, source: str) -> bool:
    """Delete one file's rows; True when there were any."""
    with transaction(conn):
        row = conn.execute("SELECT id FROM documents WHERE source = ?", (source,)).fetchone()
        if row is not None:
            _delete_children(conn, row[0])
            conn.execute("DELETE FROM documents WHERE id = ?", (row[0],))
            bump_generation(conn)
        conn.execute("DELETE FROM failures WHERE source = ?", (source,))
    return row is not None


def record_failure(
    conn: sqlite3.Connection, source: str, error: str, sha256: str | None = None
) -> None:
    """Remember that `source` failed (its old rows, if any, are kept)."""
    conn.execute(
        "INSERT INTO failures(source, sha256, error, attempted_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(source) DO UPDATE SET sha256 = excluded.sha256, "
        "error = excluded.error, attempted_at = excluded.attempted_at",
        (source, sha256, error, utc_now()),
    )


def bump_generation(conn: sqlite3.Connection) -> None:
    """Count one more change to the stored documents (models built on them see it)."""
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('generation', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def norm_case(number: str) -> str:
    """A case number as `case_numbers.norm` keeps it: `casenumber.normalize`d, upper case."""
    return normalize_case(number).upper()


# ---------------------------------------------------------------------------------------


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _document_values(doc: Document, tags: Tags, source: str, sha: str) -> dict[str, Any]:
    return {
        "source": source,
        "sha256": sha,
        "file_kind": doc.file_kind,
        "page_count": doc.page_count,
        "doc_type": tags.doc_type,
        "title": tags.title,
        "date": tags.date,
        "organisation": tags.organisation,
        "diarienummer": _json(list(tags.diarienummer)),
        "parties": _json(list(tags.parties)),
        "referral_bodies": _json(list(tags.referral_bodies)),
        "outcome": tags.outcome,
        "outcome_stage": tags.outcome_stage,
        "evidence": tags.evidence,
        "cap_topic": tags.cap_topic,
        "cap_score": tags.cap_score,
        "procedural": tags.procedural,
        "metadata": _json(doc.metadata or {}),
        "text": doc.text or "",
        "indexed_at": utc_now(),
    }


def _delete_children(conn: sqlite3.Connection, doc_id: int) -> None:
    # Explicit deletes (not only ON DELETE CASCADE) so the FTS triggers fire in order.
    for table in (
        "units",
        "case_numbers",
        "case_keys",
        "reservations",
        "parties",
        "referral_bodies",
        "sections",
        "items",
    ):
        conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc_id,))


def _item_tags(item: Item) -> Tags:
    return item.tags or Tags(title=item.title, diarienummer=list(item.diarienummer))


def _insert_lists(conn: sqlite3.Connection, doc_id: int, item_id: int | None, tags: Tags) -> None:
    seen: set[str] = set()
    for number in tags.diarienummer:
        norm = norm_case(number)
        if norm and norm not in seen:
            seen.add(norm)
            conn.execute(
                "INSERT INTO case_numbers(document_id, item_id, diarienummer, norm) "
                "VALUES (?, ?, ?, ?)",
                (doc_id, item_id, number, norm),
            )
    insert_case_keys(conn, doc_id, item_id, tags.diarienummer)
    conn.executemany(
        "INSERT INTO reservations(document_id, item_id, party) VALUES (?, ?, ?)",
        [(doc_id, item_id, p) for p in dict.fromkeys(tags.reservations or [])],
    )
    conn.executemany(
        "INSERT INTO parties(document_id, item_id, party) VALUES (?, ?, ?)",
        [(doc_id, item_id, p) for p in dict.fromkeys(tags.parties)],
    )
    conn.executemany(
        "INSERT INTO referral_bodies(document_id, item_id, body) VALUES (?, ?, ?)",
        [(doc_id, item_id, b) for b in dict.fromkeys(tags.referral_bodies)],
    )


def _insert_unit(
    conn: sqlite3.Connection,
    doc_id: int,
    item_id: int | None,
    filters: tuple[Any, ...],
    tags: Tags,
    title: str,
    body: str,
    numbered: bool,
) -> None:
    cur = conn.execute(
        "INSERT INTO units(document_id, item_id, doc_type, date, organisation, outcome, "
        "outcome_stage) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (doc_id, item_id, *filters),
    )
    doc_type, date, organisation, outcome, _ = filters
    facets = facet_text(
        doc_type=doc_type,
        date=date,
        organisation=organisation,
        outcome=outcome,
        parties=list(tags.parties),
        bodies=list(tags.referral_bodies),
        numbered=numbered,
    )
    conn.execute(
        "INSERT INTO units_fts(rowid, title, body, facets) VALUES (?, ?, ?, ?)",
        (cur.lastrowid, *fts_values(title, body, facets)),
    )


def _insert_children(conn: sqlite3.Connection, doc_id: int, doc: Document, tags: Tags) -> None:
    _insert_lists(conn, doc_id, None, tags)
    conn.executemany(
        'INSERT INTO sections(document_id, item_id, heading, role, start, "end", page) '
        "VALUES (?, NULL, ?, ?, ?, ?, ?)",
        [(doc_id, s.heading, s.role, s.start, s.end, s.page) for s in doc.sections],
    )
    text = doc.text or ""
    doc_title = tags.title or ""
    numbered = any(norm_case(n) for n in tags.diarienummer) or any(
        norm_case(n)
        for item in doc.items
        for n in (item.tags.diarienummer if item.tags and item.tags.diarienummer else [])
        + list(item.diarienummer)
    )
    outside: list[str] = []
    last = 0
    for item in sorted(doc.items, key=lambda it: it.start):
        it = _item_tags(item)
        body = text[item.start : item.end]
        outside.append(text[last : item.start])
        last = max(last, item.end)
        cur = conn.execute(
            'INSERT INTO items(document_id, paragraph, title, page, start, "end", doc_type, '
            "date, organisation, diarienummer, parties, referral_bodies, outcome, "
            "outcome_stage, evidence, cap_topic, cap_score, procedural, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                item.paragraph,
                it.title or item.title,
                item.page,
                item.start,
                item.end,
                it.doc_type,
                it.date or tags.date,
                it.organisation or tags.organisation,
                _json(list(it.diarienummer or item.diarienummer)),
                _json(list(it.parties)),
                _json(list(it.referral_bodies)),
                it.outcome,
                it.outcome_stage,
                it.evidence,
                it.cap_topic,
                it.cap_score,
                it.procedural,
                body,
            ),
        )
        item_id = cur.lastrowid
        if not it.diarienummer and item.diarienummer:
            it = Tags(**{**asdict(it), "diarienummer": list(item.diarienummer)})
        _insert_lists(conn, doc_id, item_id, it)
        conn.executemany(
            'INSERT INTO sections(document_id, item_id, heading, role, start, "end", page) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, item_id, s.heading, s.role, s.start, s.end, s.page) for s in item.sections],
        )
        filters = (
            it.doc_type or tags.doc_type,
            it.date or tags.date,
            it.organisation or tags.organisation,
            it.outcome,
            it.outcome_stage,
        )
        # A § item without its own parties or bodies is filtered by its document's.
        facet_tags = Tags(
            parties=list(it.parties or tags.parties),
            referral_bodies=list(it.referral_bodies or tags.referral_bodies),
        )
        title = it.title or item.title or ""
        _insert_unit(conn, doc_id, item_id, filters, facet_tags, title, body, numbered)
    outside.append(text[last:])
    doc_filters = (tags.doc_type, tags.date, tags.organisation, tags.outcome, tags.outcome_stage)
    _insert_unit(conn, doc_id, None, doc_filters, tags, doc_title, "".join(outside), numbered)
