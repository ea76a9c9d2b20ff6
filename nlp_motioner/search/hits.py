"""Hit records: a search unit (a document, or one § item of minutes) as the flat dict that
`motioner search`, `similar` and `case` print, with snippets and masking."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from nlp_motioner.privacy import masker
from nlp_motioner.search.query import Query
from nlp_motioner.search.snippet import make_snippet
from nlp_motioner.store import Store

__all__ = ["SearchResult", "open_store", "masker", "unit_record", "unit_records", "unit_text"]

# Text fields of a record that may carry personal data.
MASKED_FIELDS = ("title", "evidence", "document_title", "snippet")


@dataclass
class SearchResult:
    hits: list[dict[str, Any]]
    query: Query | None = None
    notes: list[str] = field(default_factory=list)


def open_store(db: str | os.PathLike[str] | Store | None) -> tuple[Store, bool]:
    """The store for `db` and whether the caller opened it (and so must close it)."""
    if isinstance(db, Store):
        return db, False
    return Store(db, readonly=True), True


def mask_record(rec: dict[str, Any], mask: Callable[[str], str] | None) -> dict[str, Any]:
    if mask is not None:
        for name in MASKED_FIELDS:
            if isinstance(rec.get(name), str):
                rec[name] = mask(rec[name])
    return rec


_UNIT_SQL = """
SELECT u.id AS unit_id, u.document_id, u.item_id, d.source, d.sha256,
       d.title AS doc_title, d.doc_type AS doc_doc_type, d.date AS doc_date,
       d.organisation AS doc_organisation, d.diarienummer AS doc_diarienummer,
       d.parties AS doc_parties, d.referral_bodies AS doc_referral_bodies,
       d.outcome AS doc_outcome, d.outcome_stage AS doc_outcome_stage,
       d.evidence AS doc_evidence,
       i.paragraph, i.title AS item_title, i.doc_type AS item_doc_type, i.date AS item_date,
       i.diarienummer AS item_diarienummer, i.parties AS item_parties,
       i.referral_bodies AS item_referral_bodies, i.outcome AS item_outcome,
       i.outcome_stage AS item_outcome_stage, i.evidence AS item_evidence, i.page AS item_page
FROM units u JOIN documents d ON d.id = u.document_id LEFT JOIN items i ON i.id = u.item_id
"""


def _title_fallback(source: str) -> str:
    return os.path.splitext(os.path.basename(source))[0]


def unit_record(store: Store, unit_id: int) -> dict[str, Any] | None:
    """The flat output record of one unit (document or § item), without snippet or score."""
    return unit_records(store, [unit_id]).get(unit_id)


def _rows_of_units(store: Store, sql: str, unit_ids: Iterable[int]) -> Iterator[Any]:
    """Rows of `sql` (which ends before its WHERE) for the units, 500 ids a query."""
    ids = list(dict.fromkeys(int(u) for u in unit_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        yield from store.conn.execute(f"{sql} WHERE u.id IN ({marks})", chunk)


def unit_records(store: Store, unit_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The records of many units: {unit id: record}."""
    return {
        row["unit_id"]: _record_from_row(row) for row in _rows_of_units(store, _UNIT_SQL, unit_ids)
    }


def _json_list(value: str | None) -> list[Any]:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return []
    return data if isinstance(data, list) else []


def _record_from_row(row: sqlite3.Row) -> dict[str, Any]:
    r = dict(row)
    is_item = r["item_id"] is not None

    def pick(name: str) -> Any:
        if name in ("parties", "referral_bodies", "diarienummer"):
            own = _json_list(r[f"item_{name}"]) if is_item else []
            return own or _json_list(r[f"doc_{name}"])
        return r[f"item_{name}"] if is_item else r[f"doc_{name}"]

    return {
        "source": r["source"],
        "title": (r["item_title"] if is_item else r["doc_title"])
        or r["doc_title"]
        or _title_fallback(r["source"]),
        "doc_type": r["doc_doc_type"] if not is_item else (r["item_doc_type"] or r["doc_doc_type"]),
        "date": (r["item_date"] if is_item else None) or r["doc_date"],
        "diarienummer": pick("diarienummer"),
        "organisation": r["doc_organisation"],
        "parties": pick("parties"),
        "outcome": pick("outcome"),
        "outcome_stage": pick("outcome_stage"),
        "referral_bodies": pick("referral_bodies"),
        "evidence": pick("evidence"),
        "paragraph": r["paragraph"],
        "page": r["item_page"] if is_item else None,
        "document_title": r["doc_title"],
        "document_id": r["document_id"],
        "item_id": r["item_id"],
        "unit_id": r["unit_id"],
        "sha256": r["sha256"],
    }


_PAPER_SQL = """
SELECT u.id, d.source, i.paragraph, COALESCE(i.doc_type, d.doc_type), COALESCE(i.date, d.date),
       COALESCE(i.title, d.title), CASE WHEN u.item_id IS NULL THEN d.outcome ELSE i.outcome END,
       CASE WHEN u.item_id IS NULL THEN d.outcome_stage ELSE i.outcome_stage END,
       u.document_id, d.sha256
FROM units u JOIN documents d ON d.id = u.document_id LEFT JOIN items i ON i.id = u.item_id
"""
PAPER_FIELDS = (
    "source",
    "paragraph",
    "doc_type",
    "date",
    "title",
    "outcome",
    "outcome_stage",
    "document_id",
    "sha256",
)


def paper_records(store: Store, unit_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The few fields a case row lists for each of its papers (cheaper than unit_records)."""
    out: dict[int, dict[str, Any]] = {}
    for row in _rows_of_units(store, _PAPER_SQL, unit_ids):
        rec = dict(zip(PAPER_FIELDS, row[1:]))
        rec["title"] = rec["title"] or _title_fallback(rec["source"])
        out[row[0]] = rec
    return out


def unit_text(store: Store, rec: dict[str, Any]) -> str:
    """The original text of a unit: the § item's, or the whole document's."""
    if rec.get("item_id") is not None:
        row = store.conn.execute(
            "SELECT text FROM items WHERE id = ?", (rec["item_id"],)
        ).fetchone()
    else:
        row = store.conn.execute(
            "SELECT text FROM documents WHERE id = ?", (rec["document_id"],)
        ).fetchone()
    return row[0] if row else ""


def prefer_items(store: Store, unit_ids: list[int]) -> dict[int, int | None]:
    """How each unit is listed: a document with § items is shown through its items, so its
    own unit (the front matter) maps to None when one of its items is among `unit_ids`, and
    a one-item document (a protocol extract) maps to that item's unit."""
    if not unit_ids:
        return {}
    out: dict[int, int | None] = {}
    info: dict[int, tuple[int, int | None, int]] = {}
    for i in range(0, len(unit_ids), 500):
        chunk = unit_ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        for r in store.conn.execute(
            "SELECT u.id, u.document_id, u.item_id, (SELECT COUNT(*) FROM items i "
            f"WHERE i.document_id = u.document_id) FROM units u WHERE u.id IN ({marks})",
            chunk,
        ):
            info[r[0]] = (r[1], r[2], r[3])
    with_item_hits = {d for d, item, _ in info.values() if item is not None}
    for uid in unit_ids:
        doc_id, item_id, n_items = info.get(uid, (0, None, 0))
        out[uid] = uid
        if item_id is None and n_items:
            if doc_id in with_item_hits:
                out[uid] = None
            elif n_items == 1:
                row = store.conn.execute(
                    "SELECT id FROM units WHERE document_id = ? AND item_id IS NOT NULL",
                    (doc_id,),
                ).fetchone()
                if row is not None:
                    out[uid] = row[0]
    return out


def add_snippet(
    store: Store, rec: dict[str, Any], q: Query, mask: Callable[[str], str] | None
) -> None:
    rec["snippet"] = make_snippet(unit_text(store, rec), q.terms, q.prefixes, mask=mask)
