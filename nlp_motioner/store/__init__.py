"""The corpus database: tagged Documents stored in SQLite, one transaction per file.

The store keeps what it is given: it never reads or tags files (the CLI joins the stages).
Rows are keyed by the file's path (`source`) and its content hash (`sha256`), so storing
the same file again is a no-op and a changed file replaces exactly its own rows.

    >>> from nlp_motioner.store import Store
    >>> with Store("motioner.db") as store:        # doctest: +SKIP
    ...     store.put(doc)                          # "new" | "replaced" | "unchanged"
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nlp_motioner.record import Document, Item, Tags
from nlp_motioner.store.analyze import analyzer_id, facet_text, fts_values
from nlp_motioner.store.casekeys import insert_keys as insert_case_keys
from nlp_motioner.store.schema import CURRENT_VERSION, SchemaError, migrate

__all__ = [
    "ALL_TABLES",
    "TABLES",
    "iter_rows",
    "Store",
    "SchemaError",
    "default_db_path",
    "frames",
    "norm_case",
    "CURRENT_VERSION",
]

DEFAULT_DB = "motioner.db"


def default_db_path() -> str:
    """$MOTIONER_DB, else ``motioner.db`` in the current directory."""
    return os.environ.get("MOTIONER_DB") or DEFAULT_DB


def norm_case(diarienummer: str) -> str:
    """A diarienummer in the form used for matching: upper case, single spaces."""
    return " ".join(diarienummer.upper().split())


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


class Store:
    """An open corpus database. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, readonly: bool = False):
        self.path = os.fspath(path) if path is not None else default_db_path()
        if readonly and not os.path.exists(self.path):
            raise FileNotFoundError(f"no database at {self.path} (run `motioner index` first)")
        if not readonly and os.path.exists(self.path) and os.path.getsize(self.path):
            # Before anything is written (even the WAL switch changes the file header).
            probe = connect(self.path, readonly=True)
            try:
                _refuse_foreign(probe, self.path)
            finally:
                probe.close()
        self.conn = connect(self.path, readonly=readonly)
        if readonly:
            from nlp_motioner.store.schema import current_version

            version = current_version(self.conn)
            if version == 0:
                raise SchemaError(f"{self.path} is not a motioner database")
            if version > CURRENT_VERSION:
                raise SchemaError(
                    f"database schema version {version} is newer than this nlp_motioner"
                )
        else:
            migrate(self.conn)
            stored = self.get_meta("analyzer")
            if stored is None:
                self.set_meta("analyzer", analyzer_id())
            elif stored != analyzer_id():
                self.reanalyze()

    @property
    def analyzer_ok(self) -> bool:
        """False when the index was built by another analyzer (queries would not match it)."""
        return self.get_meta("analyzer") in (None, analyzer_id())

    def reanalyze(self) -> int:
        """Rebuild the stemmed search index from the stored text (after an analyzer change)."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
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
            _bump_generation(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                conn.execute("ROLLBACK")
            raise
        return len(units)

    # -- personal data ----------------------------------------------------------------------
    @property
    def personal_data(self) -> str:
        """ "masked" (identity numbers masked before storage), "kept", or "unknown"
        (written before the choice was recorded)."""
        value = self.get_meta("personal_data")
        if value:
            return value
        return "unknown" if self.counts()["documents"] else "none yet"

    def set_personal_data(self, keep: bool) -> None:
        self.set_meta("personal_data", "kept" if keep else "masked")

    # -- life cycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading state ----------------------------------------------------------------------
    def lookup(self, source: str) -> str | None:
        """The stored content hash for `source`, or None when it is not indexed."""
        row = self.conn.execute(
            "SELECT sha256 FROM documents WHERE source = ?", (source,)
        ).fetchone()
        return row[0] if row else None

    def sources(self) -> Iterator[str]:
        for (source,) in self.conn.execute("SELECT source FROM documents ORDER BY source"):
            yield source

    def stored_paths(self) -> Iterator[tuple[str, str]]:
        """(source, path on disk): they differ for a file name that is not UTF-8, whose
        exact bytes are kept in the metadata as `source_base64`."""
        import base64

        for source, meta in self.conn.execute(
            "SELECT source, metadata FROM documents ORDER BY source"
        ):
            raw = None
            if meta and "source_base64" in meta:
                with contextlib.suppress(ValueError, TypeError):
                    raw = os.fsdecode(base64.b64decode(json.loads(meta)["source_base64"]))
            yield source, raw or source

    @property
    def generation(self) -> int:
        """A counter bumped by every change to the stored documents."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("documents", "items", "sections", "units", "failures"):
            out[table] = self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        return out

    # -- writing ----------------------------------------------------------------------------
    def put(self, doc: Document, source: str | None = None) -> str:
        """Store one tagged Document; returns "new", "replaced" or "unchanged".

        Everything for the file happens in one transaction, committed before returning,
        so a killed run keeps every file it finished and resumes where it stopped.
        """
        if doc.error:
            raise ValueError(f"{doc.source}: cannot store a document that failed: {doc.error}")
        source = source or doc.source
        sha = doc.sha256 or hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT id, sha256 FROM documents WHERE source = ?", (source,)
            ).fetchone()
            if row is not None and row["sha256"] == sha:
                conn.execute("DELETE FROM failures WHERE source = ?", (source,))
                conn.execute("COMMIT")
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
                conn.execute(
                    f"UPDATE documents SET {sets} WHERE id = ?", [*values.values(), doc_id]
                )
                status = "replaced"
            _insert_children(conn, doc_id, doc, tags)
            conn.execute("DELETE FROM failures WHERE source = ?", (source,))
            _bump_generation(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                conn.execute("ROLLBACK")
            raise
        return status

    def remove(self, source: str) -> bool:
        """Delete one file's rows; True when there were any."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT id FROM documents WHERE source = ?", (source,)).fetchone()
            if row is not None:
                _delete_children(conn, row[0])
                conn.execute("DELETE FROM documents WHERE id = ?", (row[0],))
                _bump_generation(conn)
            conn.execute("DELETE FROM failures WHERE source = ?", (source,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                conn.execute("ROLLBACK")
            raise
        return row is not None

    def record_failure(self, source: str, error: str, sha256: str | None = None) -> None:
        """Remember that `source` failed (its old rows, if any, are kept)."""
        self.conn.execute(
            "INSERT INTO failures(source, sha256, error, attempted_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(source) DO UPDATE SET sha256 = excluded.sha256, "
            "error = excluded.error, attempted_at = excluded.attempted_at",
            (source, sha256, error, _now()),
        )

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- units for search -------------------------------------------------------------------
    def iter_unit_texts(self, ids: Iterable[int] | None = None) -> Iterator[tuple[int, int, str]]:
        """(unit id, document id, stemmed title + body) for every search unit, or for `ids`."""
        sql = (
            "SELECT u.id, u.document_id, f.title, f.body FROM units u "
            "JOIN units_fts f ON f.rowid = u.id"
        )
        if ids is None:
            for row in self.conn.execute(sql + " ORDER BY u.id"):
                yield row[0], row[1], f"{row[2]} {row[3]}"
            return
        wanted = sorted(int(i) for i in ids)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self.conn.execute(f"{sql} WHERE u.id IN ({marks}) ORDER BY u.id", chunk):
                yield row[0], row[1], f"{row[2]} {row[3]}"


# ---------------------------------------------------------------------------------------
def _refuse_foreign(conn: sqlite3.Connection, path: str) -> None:
    """Never add motioner's tables to another application's SQLite file."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    if names and "schema_version" not in names:
        shown = ", ".join(sorted(names)[:5])
        raise SchemaError(
            f"{path} is not a motioner database (it holds other tables: {shown}); "
            "choose another --db"
        )


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _bump_generation(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('generation', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


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
        "indexed_at": _now(),
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


# Reading the corpus back out (export, pandas) lives in frames.py; imported last, since it
# uses Store.
from nlp_motioner.store.frames import ALL_TABLES, TABLES, frames, iter_rows  # noqa: E402
