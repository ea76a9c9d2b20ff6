"""The database schema as a list of migrations; `migrate` brings any database up to date.

A migration is applied once, inside a transaction, and recorded in `schema_version`. Add a
new schema change as a new entry at the end of MIGRATIONS; never edit an applied one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from nlp_motioner.store.connection import transaction, utc_now

TOKENIZE = "tokenize='unicode61 remove_diacritics 0'"

# Pieces of SQL that several tables share, spelled once. A migration's text must stay what
# it was when it was applied: tests/store/test_schema.py holds the hash of each.

# The tag columns a document and a § item both have (lists as JSON arrays).
_TAG_COLUMNS = """date TEXT,
    organisation TEXT,
    diarienummer TEXT NOT NULL DEFAULT '[]',
    parties TEXT NOT NULL DEFAULT '[]',
    referral_bodies TEXT NOT NULL DEFAULT '[]',
    outcome TEXT,
    outcome_stage TEXT,
    evidence TEXT,"""


def _value_table(name: str, column: str) -> str:
    """CREATE TABLE for one value (a party, a body, a key) of a document or, with item_id
    set, of one of its § items."""
    return f"""CREATE TABLE {name} (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
    {column} TEXT NOT NULL
);"""


def _text_index(table: str) -> str:
    """An unstemmed FTS5 index over `table`'s title and text, and the triggers that keep
    it in step when a row is inserted or deleted."""
    return f"""CREATE VIRTUAL TABLE {table}_fts USING fts5(
    title, text, content='{table}', content_rowid='id', {TOKENIZE});
CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN
    INSERT INTO {table}_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN
    INSERT INTO {table}_fts({table}_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;"""


_V1 = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per indexed file. Lists are also kept as JSON arrays here (for display and
-- Datasette array facets); the normalized child tables below are what queries filter on.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    page_count INTEGER NOT NULL DEFAULT 0,
    doc_type TEXT,
    title TEXT,
    {_TAG_COLUMNS}
    metadata TEXT NOT NULL DEFAULT '{{}}',
    text TEXT NOT NULL DEFAULT '',
    indexed_at TEXT NOT NULL
);
CREATE INDEX documents_sha256 ON documents(sha256);
CREATE INDEX documents_date ON documents(date);
CREATE INDEX documents_doc_type ON documents(doc_type);
CREATE INDEX documents_outcome ON documents(outcome);

-- A numbered § item of minutes: one case handled at a meeting.
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL,
    title TEXT,
    page INTEGER,
    start INTEGER,
    "end" INTEGER,
    doc_type TEXT,
    {_TAG_COLUMNS}
    text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX items_document ON items(document_id);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
    heading TEXT NOT NULL,
    kind TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    page INTEGER NOT NULL
);
CREATE INDEX sections_document ON sections(document_id);

-- item_id NULL: the value belongs to the document as a whole.
CREATE TABLE case_numbers (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
    diarienummer TEXT NOT NULL,
    norm TEXT NOT NULL
);
CREATE INDEX case_numbers_norm ON case_numbers(norm);
CREATE INDEX case_numbers_document ON case_numbers(document_id);

{_value_table("parties", "party")}
CREATE INDEX parties_party ON parties(party, document_id);
CREATE INDEX parties_document ON parties(document_id);

{_value_table("referral_bodies", "body")}
CREATE INDEX referral_bodies_body ON referral_bodies(body, document_id);
CREATE INDEX referral_bodies_document ON referral_bodies(document_id);

-- Files that could not be read or tagged at their last attempt (retried on every run).
CREATE TABLE failures (
    source TEXT PRIMARY KEY,
    sha256 TEXT,
    error TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);

-- What search ranks: a document, or one § item of minutes. The filter columns are copied
-- here so a filtered full-text query needs one join.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
    doc_type TEXT,
    date TEXT,
    organisation TEXT,
    outcome TEXT,
    outcome_stage TEXT
);
CREATE INDEX units_document ON units(document_id);
CREATE INDEX units_date ON units(date);

-- Stemmed text (see store/analyze.py); rowid = units.id. `facets` holds the filter values
-- as tokens (analyze.facet_text) so filters narrow the match before ranking.
CREATE VIRTUAL TABLE units_fts USING fts5(title, body, facets, {TOKENIZE});
CREATE TRIGGER units_ad AFTER DELETE ON units BEGIN
    DELETE FROM units_fts WHERE rowid = old.id;
END;

-- Unstemmed full-text indexes over the readable tables, for Datasette's search box.
{_text_index("documents")}
CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;

{_text_index("items")}
"""

_V2 = f"""
-- Every key a case number is found under (casenumber.match_keys: "2025:446" and, with a
-- series, "KS:2025:446"), so any written form of a number reaches the same rows.
{_value_table("case_keys", "key")}
CREATE INDEX case_keys_key ON case_keys(key);
CREATE INDEX case_keys_document ON case_keys(document_id);

-- Party codes that reserved against a decision (Tags.reservations), for case histories.
{_value_table("reservations", "party")}
CREATE INDEX reservations_document ON reservations(document_id);
"""


def _v2(conn: sqlite3.Connection) -> None:
    from nlp_motioner.store.casekeys import backfill

    for statement in _statements(_V2):
        conn.execute(statement)
    backfill(conn)  # the numbers already stored get their keys at once


# CAP major topic, its probability and the procedural flag (nlp_motioner.topics) per
# document and § item. SQLite keeps the flag as 0/1. `cap_topics` names the codes (the CAP
# master codebook's major topics), so that Datasette shows a name beside each code.
_V3 = """
CREATE TABLE cap_topics (
    code INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sv TEXT NOT NULL
);
INSERT INTO cap_topics(code, name, sv) VALUES
    (1, 'Macroeconomics', 'Makroekonomi'),
    (2, 'Civil rights, minorities, civil liberties', 'Medborgerliga rättigheter'),
    (3, 'Health', 'Hälsa'),
    (4, 'Agriculture', 'Jordbruk och livsmedel'),
    (5, 'Labour and employment', 'Arbetsmarknad'),
    (6, 'Education', 'Utbildning'),
    (7, 'Environment', 'Miljö'),
    (8, 'Energy', 'Energi'),
    (9, 'Immigration', 'Migration'),
    (10, 'Transportation', 'Transporter'),
    (12, 'Law and crime', 'Lag och ordning'),
    (13, 'Social welfare', 'Social välfärd'),
    (14, 'Housing and community development', 'Bostäder och samhällsbyggnad'),
    (15, 'Domestic commerce and banking', 'Näringsliv och handel'),
    (16, 'Defence', 'Försvar och beredskap'),
    (17, 'Science, technology and communications', 'Teknik och kommunikation'),
    (18, 'Foreign trade', 'Utrikeshandel'),
    (19, 'International affairs', 'Internationella frågor'),
    (20, 'Government operations', 'Offentlig förvaltning'),
    (21, 'Public lands and water management', 'Allmän mark och vatten'),
    (23, 'Culture', 'Kultur och fritid');
ALTER TABLE documents ADD COLUMN cap_topic INTEGER REFERENCES cap_topics(code);
ALTER TABLE documents ADD COLUMN cap_score REAL;
ALTER TABLE documents ADD COLUMN procedural INTEGER;
ALTER TABLE items ADD COLUMN cap_topic INTEGER REFERENCES cap_topics(code);
ALTER TABLE items ADD COLUMN cap_score REAL;
ALTER TABLE items ADD COLUMN procedural INTEGER;
CREATE INDEX documents_cap_topic ON documents(cap_topic);
CREATE INDEX items_cap_topic ON items(cap_topic);
"""

# A document's `kind` was the kind of file, a section's `kind` its role in the document.
_V4 = """
ALTER TABLE documents RENAME COLUMN kind TO file_kind;
ALTER TABLE sections RENAME COLUMN kind TO role;
"""

# (version, description, SQL script or a function run inside the migration's transaction)
MIGRATIONS: list[tuple[int, str, str | Callable[[sqlite3.Connection], None]]] = [
    (1, "documents, items, sections, case numbers, parties, referral bodies, FTS5", _V1),
    (2, "case keys (every written form of a case number), reservations", _v2),
    (3, "CAP topic, CAP score and procedural flag of documents and items", _V3),
    (4, "names that say what they hold: documents.file_kind, sections.role", _V4),
]

CURRENT_VERSION = MIGRATIONS[-1][0]


class SchemaError(Exception):
    """The database is not one this nlp_motioner can use (newer, or another program's)."""


def current_version(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    if row is None:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations this database lacks; returns the resulting version."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    have = current_version(conn)
    if have > CURRENT_VERSION:
        raise SchemaError(
            f"database schema version {have} is newer than this nlp_motioner "
            f"(knows up to {CURRENT_VERSION}); upgrade nlp_motioner"
        )
    for version, description, script in MIGRATIONS:
        if version <= have:
            continue
        with transaction(conn):
            if callable(script):
                script(conn)
            else:
                # executescript would commit on its own; run statement by statement instead.
                for statement in _statements(script):
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version(version, description, applied_at) VALUES (?, ?, ?)",
                (version, description, utc_now()),
            )
    return CURRENT_VERSION


def _statements(script: str) -> list[str]:
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
