"""Applied migrations are never edited: each one's SQL is still the text it was applied with."""

from __future__ import annotations

import hashlib

from nlp_motioner.store import schema

# SHA-256 of each migration's SQL text as released (taken at 2ff4809, before the schema
# module spelled shared pieces of SQL once). A database made by an older release holds the
# tables this text made; a new database must get the same.
APPLIED = {
    1: "6eb35ac13762cd904fc0256fe4ab1b9ed8afb6de2387cf9781a286d03d19a6a2",
    2: "d25c15bcce1735d869efe03f5bad2042d1ec0ad19f16a64ec95e2e8574c3e794",
    3: "b8ffdcaaa6c9d00053f19773f95ac600b31f0de5e67901b276cdda11a26ffad2",
    4: "769cb9f7ca8cb7da0dfaa39e2cdfe40cc94c7d2229f584ae1890675e488c5ec0",
}


def test_applied_migrations_keep_their_sql_text():
    texts = {1: schema._V1, 2: schema._V2, 3: schema._V3, 4: schema._V4}
    for version, sha in APPLIED.items():
        assert hashlib.sha256(texts[version].encode()).hexdigest() == sha, version
    assert [v for v, _, _ in schema.MIGRATIONS][: len(APPLIED)] == list(APPLIED)
