"""The corpus database: tagged Documents stored in SQLite, one transaction per file.

The store keeps what it is given: it never reads or tags files (the CLI joins the
stages). Rows are keyed by the file's path (`source`) and its content hash (`sha256`), so
storing the same file again is a no-op and a changed file replaces exactly its own rows.

    >>> from nlp_motioner.store import Store
    >>> with Store("motioner.db") as store:        # doctest: +SKIP
    ...     store.put(doc)                          # "new" | "replaced" | "unchanged"

Its rooms: `db` (the Store: open, migrate, meta, what is stored), `connection` (SQLite
connection, transaction, timestamps), `schema` (migrations), `write` (one document's
rows), `reindex` (the stemmed index rebuilt), `analyze` (the stemming analyzer),
`casekeys` (case-number lookup keys), `export` (rows and DataFrames out: `iter_rows`,
`frames`), `masking` (masking an old database), `datasette` (its metadata).
"""

from __future__ import annotations

from nlp_motioner.store.db import Store, default_db_path
from nlp_motioner.store.export import ALL_TABLES, TABLES, frames, iter_rows
from nlp_motioner.store.schema import CURRENT_VERSION, SchemaError
from nlp_motioner.store.write import norm_case

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
