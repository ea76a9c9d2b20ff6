"""Reading the corpus back out: rows of any table as dicts, and pandas DataFrames.

Rows come back with list columns decoded, identity numbers masked by default (a second
guard: `index` masks before storage unless told otherwise), and dates that are no
calendar day as None. `frames` types dates as datetime64 and integer columns as Int64.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from nlp_motioner.privacy import masker as privacy_masker
from nlp_motioner.store.db import Store, default_db_path

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TABLES = ("documents", "items", "sections")
# Every table `export` and `frames` can give, the default three first.
ALL_TABLES = (*TABLES, "parties", "referral_bodies", "reservations", "case_numbers", "failures")
_LIST_COLUMNS = ("diarienummer", "parties", "referral_bodies")
_TEXT_COLUMNS = ("title", "text", "evidence", "heading", "error", "organisation", "body")
_INT_COLUMNS = (
    "id",
    "document_id",
    "item_id",
    "paragraph",
    "page",
    "start",
    "end",
    "page_count",
    "cap_topic",
)


def _table_sql(table: str, text: bool) -> str:
    if table == "documents":
        cols = (
            "id, source, sha256, file_kind, page_count, doc_type, title, date, organisation, "
            "diarienummer, parties, referral_bodies, outcome, outcome_stage, evidence, "
            "cap_topic, cap_score, procedural, indexed_at"
        )
        return f"SELECT {cols}{', text' if text else ''} FROM documents ORDER BY id"
    if table == "items":
        cols = (
            'i.id, i.document_id, d.source, i.paragraph, i.title, i.page, i.start, i."end", '
            "COALESCE(i.doc_type, d.doc_type) AS doc_type, i.date, i.organisation, "
            "i.diarienummer, i.parties, i.referral_bodies, i.outcome, i.outcome_stage, i.evidence, "
            "i.cap_topic, i.cap_score, i.procedural"
        )
        return (
            f"SELECT {cols}{', i.text' if text else ''} FROM items i "
            "JOIN documents d ON d.id = i.document_id ORDER BY i.id"
        )
    if table == "sections":
        return (
            "SELECT s.id, s.document_id, d.source, s.item_id, it.paragraph, s.heading, s.role, "
            's.start, s."end", s.page'
            + (', substr(d.text, s.start + 1, s."end" - s.start) AS text' if text else "")
            + " FROM sections s JOIN documents d ON d.id = s.document_id "
            "LEFT JOIN items it ON it.id = s.item_id ORDER BY s.id"
        )
    if table in ("parties", "referral_bodies", "reservations", "case_numbers"):
        cols = {
            "parties": "t.party",
            "reservations": "t.party",
            "referral_bodies": "t.body",
            "case_numbers": "t.diarienummer, t.norm",
        }[table]
        return (
            f"SELECT t.document_id, t.item_id, d.source, {cols} FROM {table} t "
            "JOIN documents d ON d.id = t.document_id ORDER BY t.rowid"
        )
    if table == "failures":
        return "SELECT source, sha256, error, attempted_at FROM failures ORDER BY source"
    raise ValueError(f"unknown table {table!r} (choose from {', '.join(ALL_TABLES)})")


def iter_rows(
    db: str | os.PathLike[str] | Store,
    table: str,
    *,
    text: bool = True,
    mask: bool = True,
) -> Iterator[dict[str, Any]]:
    """Rows of `table` as dicts with list columns decoded; personnummer masked by default."""
    store = db if isinstance(db, Store) else Store(db, readonly=True)
    masker = privacy_masker(mask)
    try:
        for row in store.conn.execute(_table_sql(table, text)):
            rec = dict(row)
            if table in ("documents", "items"):  # value tables hold one plain value a row
                for col in _LIST_COLUMNS:
                    if isinstance(rec.get(col), str):
                        rec[col] = json.loads(rec[col])
            if rec.get("procedural") is not None:  # SQLite keeps the flag as 0/1
                rec["procedural"] = bool(rec["procedural"])
            if masker is not None:
                for col in _TEXT_COLUMNS:
                    if isinstance(rec.get(col), str):
                        rec[col] = masker(rec[col])
            if "date" in rec:
                rec["date"] = _calendar_date(rec["date"])
            yield rec
    finally:
        if not isinstance(db, Store):
            store.close()


def frames(
    db: str | os.PathLike[str] | None = None,
    tables: Iterable[str] = TABLES,
    *,
    text: bool = True,
    mask: bool = True,
) -> dict[str, pd.DataFrame]:
    """The corpus as pandas DataFrames: {"documents": df, "items": df, "sections": df}.

    List fields (parties, referral_bodies, diarienummer) are Python lists; `date` is a
    datetime64 column (a date that is no calendar day is NaT); integer columns that may be
    empty are nullable `Int64`. `tables` may also name parties, referral_bodies,
    case_numbers and failures. `mask=False` keeps personnummer in the text columns.

        >>> docs = frames("motioner.db")["documents"]                  # doctest: +SKIP
        >>> docs[docs.doc_type.eq("motion") & docs.date.ge("2018")]    # doctest: +SKIP
    """
    import pandas as pd

    path = db if db is not None else default_db_path()
    store = Store(path, readonly=True)
    try:
        out = {}
        for table in tables:
            rows = list(iter_rows(store, table, text=text, mask=mask))
            if rows:
                df = pd.DataFrame(rows)
            else:  # keep the columns of an empty table
                cur = store.conn.execute(_table_sql(table, text) + " LIMIT 0")
                df = pd.DataFrame(columns=[d[0] for d in cur.description])
            out[table] = _typed(df)
        return out
    finally:
        store.close()


def _calendar_date(value: Any) -> str | None:
    """A stored date string if it is a real calendar day (2026-02-31 is not), else None."""
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Dates as datetime64 (impossible dates NaT), integer columns as nullable Int64."""
    import pandas as pd

    for col in df.columns:
        if col == "date":
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")
        elif col in ("indexed_at", "attempted_at"):
            df[col] = pd.to_datetime(df[col], utc=True, errors="coerce")
        elif col in _INT_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        elif col == "procedural":
            df[col] = df[col].astype("boolean")
    return df
