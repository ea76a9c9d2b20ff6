"""The open corpus database: `Store` opens (and migrates) it, keeps its meta values and
answers what is stored; writing a document is `write.py`, reading tables out `export.py`."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator

from nlp_motioner.record import Document
from nlp_motioner.store.analyze import analyzer_id
from nlp_motioner.store.connection import connect
from nlp_motioner.store.reindex import reanalyze
from nlp_motioner.store.schema import CURRENT_VERSION, SchemaError, current_version, migrate
from nlp_motioner.store.write import put_document, record_failure, remove_document

__all__ = ["DEFAULT_DB", "Store", "default_db_path"]

DEFAULT_DB = "motioner.db"


def default_db_path() -> str:
    """$MOTIONER_DB, else ``motioner.db`` in the current directory."""
    return os.environ.get("MOTIONER_DB") or DEFAULT_DB


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
        return reanalyze(self.conn)

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

    def stored_paths(self) -> Iterator[tuple[str, str]]:
        """(source, path on disk): they differ for a file name that is not UTF-8, whose
        exact bytes are kept in the metadata as `source_base64`."""
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
        return put_document(self.conn, doc, source)

    def remove(self, source: str) -> bool:
        """Delete one file's rows; True when there were any."""
        return remove_document(self.conn, source)

    def record_failure(self, source: str, error: str, sha256: str | None = None) -> None:
        """Remember that `source` failed (its old rows, if any, are kept)."""
        record_failure(self.conn, source, error, sha256)

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
