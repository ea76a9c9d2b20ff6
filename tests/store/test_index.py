"""Incremental, idempotent indexing of the bundled corpus."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nlp_motioner.record import Document, Item, Section, Tags
from nlp_motioner.store import SchemaError, Store
from nlp_motioner.store.schema import CURRENT_VERSION

TABLES = ["documents", "items", "sections", "case_numbers", "parties", "referral_bodies", "units"]


def snapshot(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    out = {}
    for table in TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        order = "id" if "id" in cols else ", ".join(cols)
        out[table] = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    out["units_fts"] = conn.execute("SELECT rowid, * FROM units_fts ORDER BY rowid").fetchall()
    conn.close()
    return out


def rows_of(snap: dict[str, list[tuple]], doc_ids: set[int]) -> dict[str, list[tuple]]:
    """The rows that belong to the given documents (documents.id is column 0, else column 1)."""
    out = {}
    for table, rows in snap.items():
        if table == "units_fts":
            continue
        col = 0 if table == "documents" else 1
        out[table] = [r for r in rows if r[col] in doc_ids]
    return out


def test_indexing_the_corpus_twice_changes_nothing(tmp_path, corpus, run_index):
    db = tmp_path / "m.db"
    first = run_index(db, corpus)
    assert first.exit_code == 1  # the scan and the HTML error page fail
    assert "22 new, 0 unchanged, 0 replaced, 2 failed" in first.output
    before = snapshot(db)
    assert len(before["documents"]) == 22
    assert len(before["units_fts"]) == len(before["units"])
    second = run_index(db, corpus)
    assert "0 new, 22 unchanged, 0 replaced, 2 failed" in second.output
    assert "semantic model" not in second.output  # nothing changed: no refit
    assert snapshot(db) == before


def test_failed_files_get_one_stderr_line_each(tmp_path, corpus, run_index):
    db = tmp_path / "m.db"
    result = run_index(db, corpus / "alingsas" / "socialnamnden", corpus / "seeds")
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("motioner: ")]
    assert len(lines) == 1 and "protokoll.pdf" in lines[0]
    with Store(db, readonly=True) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM failures").fetchone()[0] == 1


def test_replacing_one_file_replaces_exactly_its_rows(tmp_path, corpus_copy, run_index):
    db = tmp_path / "m.db"
    assert "22 new" in run_index(db, corpus_copy).output
    before = snapshot(db)
    conn = sqlite3.connect(db)
    target = str(corpus_copy / "seeds" / "003_3d6ff96fe9424de3.txt")
    (doc_id,) = conn.execute("SELECT id FROM documents WHERE source = ?", (target,)).fetchone()
    conn.close()
    with open(target, "a", encoding="utf-8") as fh:
        fh.write("\n\nTillägg: kvarteret Zyxelbo behöver en ny lekplats.\n")
    result = run_index(db, corpus_copy)
    assert "0 new, 21 unchanged, 1 replaced, 2 failed" in result.output
    after = snapshot(db)
    others = {r[0] for r in before["documents"]} - {doc_id}
    assert rows_of(after, others) == rows_of(before, others)  # nobody else's rows moved
    mine_before, mine_after = rows_of(before, {doc_id}), rows_of(after, {doc_id})
    assert mine_after["documents"] != mine_before["documents"]
    assert mine_after["documents"][0][0] == doc_id  # same id: the row was replaced in place
    # The full-text indexes follow: the new word is found, only in this file.
    conn = sqlite3.connect(db)
    hits = conn.execute(
        "SELECT u.document_id FROM units_fts JOIN units u ON u.id = units_fts.rowid "
        "WHERE units_fts MATCH 'zyxelbo'"
    ).fetchall()
    assert hits == [(doc_id,)]
    web = conn.execute(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'Zyxelbo'"
    ).fetchall()
    assert web == [(doc_id,)]
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
    assert (
        conn.execute("SELECT COUNT(*) FROM units_fts").fetchone()[0]
        == conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    )
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_prune_removes_deleted_files(tmp_path, corpus_copy, run_index):
    db = tmp_path / "m.db"
    run_index(db, corpus_copy / "seeds")
    (corpus_copy / "seeds" / "004_5954df8d533f75be.txt").unlink()
    result = run_index(db, corpus_copy / "seeds", extra=("--prune",))
    assert "0 new, 3 unchanged, 0 replaced, 0 failed, 1 removed" in result.output
    with Store(db, readonly=True) as store:
        assert store.counts()["documents"] == 3


def _doc(text: str, **tags) -> Document:
    return Document(
        source="mem/a.txt",
        file_kind="text",
        text=text,
        sections=[Section("", "body", 0, len(text), 1)],
        items=[Item(7, ["2020.001 KS"], "Ett ärende", 0, len(text), 1)],
        tags=Tags(**tags),
    )


def test_store_put_is_keyed_by_content_hash(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.put(_doc("Första texten om lekplatser.", parties=["S"])) == "new"
        assert store.put(_doc("Första texten om lekplatser.", parties=["S"])) == "unchanged"
        gen = store.generation
        assert store.put(_doc("Andra texten om parkering.", parties=["M"])) == "replaced"
        assert store.generation == gen + 1
        parties = store.conn.execute("SELECT party FROM parties").fetchall()
        assert [tuple(r) for r in parties] == [("M",)]
        assert store.counts()["items"] == 1
        assert store.remove("mem/a.txt")
        assert store.counts() == {
            "documents": 0,
            "items": 0,
            "sections": 0,
            "units": 0,
            "failures": 0,
        }


def test_schema_version_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "s.db"
    with Store(path) as store:
        conn = store.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        versions = conn.execute("SELECT version FROM schema_version").fetchall()
        assert [v[0] for v in versions] == list(range(1, CURRENT_VERSION + 1))
    with Store(path) as store:  # reopening applies nothing twice
        assert (
            store.conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0]
            == CURRENT_VERSION
        )
        store.conn.execute(
            "INSERT INTO schema_version VALUES (?, 'from the future', 'x')", (CURRENT_VERSION + 1,)
        )
    with pytest.raises(SchemaError):
        Store(path)
    with pytest.raises(SchemaError):
        Store(path, readonly=True)


def test_a_failed_document_is_refused(tmp_path):
    with Store(tmp_path / "s.db") as store, pytest.raises(ValueError):
        store.put(Document(source="x", file_kind="pdf", error="broken"))


def test_an_analyzer_change_rebuilds_the_index_identically(tmp_path, corpus, run_index):
    db = tmp_path / "m.db"
    run_index(db, corpus / "alingsas" / "kommunfullmaktige", corpus / "seeds")
    before = snapshot(db)["units_fts"]
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = 'an older analyzer' WHERE key = 'analyzer'")
    conn.execute("DELETE FROM units_fts")
    conn.commit()
    conn.close()
    with Store(db, readonly=True) as store:
        assert not store.analyzer_ok
    with Store(db) as store:  # opening for writing rebuilds
        assert store.analyzer_ok
    assert snapshot(db)["units_fts"] == before


def test_small_changes_fold_into_the_semantic_model(tmp_path, corpus_copy, run_index):
    import json

    import numpy as np

    db = tmp_path / "m.db"
    first = run_index(db, corpus_copy)
    assert "semantic model: " in first.output and "folded" not in first.output
    seed = corpus_copy / "seeds" / "001_57ee7757e7276fbf.txt"
    with open(seed, "a", encoding="utf-8") as fh:
        fh.write("\n\nTillägg om samverkan med polisen.\n")
    second = run_index(db, corpus_copy)
    assert "1 replaced" in second.output and "folded in 1 new units" in second.output
    with Store(db, readonly=True) as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM units ORDER BY id")]
        generation = store.generation
    with np.load(str(db) + ".lsa.npz", allow_pickle=False) as data:
        assert data["unit_ids"].tolist() == ids
        # The replaced file's unit has the highest id; its folded-in vector is a real one.
        assert np.linalg.norm(data["unit_vectors"][-1]) > 0.99
    meta = json.loads(open(str(db) + ".lsa.json", encoding="utf-8").read())
    assert meta["generation"] == generation and meta["folded"] == 1


def test_impact_tokens_follow_a_replaced_file(tmp_path):
    """The impact tokens (analyze.impact_text) are computed per unit at `put`, so replacing
    a file replaces them with its rows and leaves no trace of the old text."""
    from nlp_motioner.store.analyze import stem

    def impact_stems(store: Store) -> set[str]:
        out = set()
        for (facets,) in store.conn.execute("SELECT facets FROM units_fts"):
            out.update(t[3:] for t in facets.split() if t.startswith("im") and t[2].isdigit())
        return out

    old, new = stem("lekplatser"), stem("parkeringar")
    with Store(tmp_path / "s.db") as store:
        store.put(_doc("Lekplatser, lekplatser och åter lekplatser i parken.", parties=["S"]))
        assert old in impact_stems(store) and new not in impact_stems(store)
        store.put(_doc("Parkeringar, parkeringar och fler parkeringar vid torget.", parties=["M"]))
        assert new in impact_stems(store) and old not in impact_stems(store)


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_an_interrupt_as_a_file_commits_leaves_the_count_true(tmp_path, corpus, sig):
    # The interrupt line says how many files were finished; a signal that lands just after
    # a file's transaction commits must not leave that file stored but uncounted.
    import os
    import signal

    from nlp_motioner.indexer import Indexer
    from nlp_motioner.interrupts import handle_interrupts

    seeds = sorted(str(p) for p in (corpus / "seeds").glob("*.txt"))
    store = Store(tmp_path / "k.db")
    put = store.put
    calls = []

    def put_then_signal(doc, **kw):
        status = put(doc, **kw)
        calls.append(status)
        if len(calls) == 2:
            os.kill(os.getpid(), getattr(signal, sig))
        return status

    store.put = put_then_signal
    indexer = Indexer(store, jobs=1, timeout=None)
    old = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        handle_interrupts()
        with pytest.raises(KeyboardInterrupt):
            indexer.index(seeds)
    finally:
        signal.signal(signal.SIGINT, old[0])
        signal.signal(signal.SIGTERM, old[1])
        store.close()
    assert len(calls) == 2, "the signal did not stop the run at the second file"
    conn = sqlite3.connect(tmp_path / "k.db")
    try:
        stored = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    finally:
        conn.close()
    assert stored == 2
    assert sum(indexer.counts.values()) == stored
