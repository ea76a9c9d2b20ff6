"""Cases: any written form of a number, a history worth reading, one row per case."""

from __future__ import annotations

import json
import sqlite3

import pytest
from casefile import CASE, IN_CASE

from nlp_motioner.record import Document, Tags
from nlp_motioner.search import case_history, case_summary, search
from nlp_motioner.store import Store
from nlp_motioner.store.schema import _V1, _statements


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "form",
    [CASE, "KS 2024.100", "KS/2024:100", "Dnr KS 2024/0100", "KS-2024-00100", "ks 2024.100"],
)
def test_every_form_of_the_number_reaches_the_same_case(case_db, form):
    sources = {r["source"] for r in case_history(case_db, form)}
    assert sources == IN_CASE


def test_a_number_without_series_reaches_every_series(case_db):
    sources = {r["source"] for r in case_history(case_db, "2024.100", by_reference=False)}
    assert "other/ten-2024-100.txt" in sources and "case/ks-50.txt" in sources


def test_the_history_reads_as_the_case_went(case_db):
    recs = case_history(case_db, CASE)
    assert [r["source"] for r in recs] == [
        "case/motion.txt",
        "case/kf-10.txt",
        "case/ten-31.txt",
        "case/bun-yttrande.txt",
        "case/tjansteskrivelse.txt",
        "case/ks-50.txt",
    ]
    steps = {r["source"]: r["step"] for r in recs}
    assert steps["case/motion.txt"] == "motion"
    assert steps["case/kf-10.txt"] == "referral"
    assert steps["case/ten-31.txt"] == steps["case/bun-yttrande.txt"] == "opinion"
    assert steps["case/tjansteskrivelse.txt"] == "proposal"
    assert steps["case/ks-50.txt"] == "decision"
    links = {r["source"]: r["linked_by"] for r in recs}
    assert links["case/motion.txt"] == "title"
    assert links["case/ten-31.txt"] == "reference"  # "den 1 februari 2024, § 10"
    assert links["case/bun-yttrande.txt"] == "reference"  # "(KS 2024/0100)"
    assert {r["source"]: r["reservations"] for r in recs}["case/ks-50.txt"] == ["V"]
    summary = case_summary(recs)
    assert summary["final_outcome"] == "avslag" and summary["final_stage"] == "decision"
    assert summary["decided"] == "2024-06-03" and summary["opened"] == "2024-01-10"
    assert summary["days_to_decision"] == 145
    assert summary["referral_bodies"] == ["Tekniska nämnden"]
    assert sorted(o["position"] for o in summary["opinions"]) == ["avstyrker", "tillstyrker"]
    assert summary["reservations"] == ["V"]


def test_case_command_table_and_jsonl_say_the_same(case_db, run_cli):
    table = run_cli("case", "KS 2024/100", "--db", str(case_db))
    assert table.exit_code == 0, table.output
    for word in ("referral", "opinion", "decision", "avstyrker", "145 days", "final: avslag"):
        assert word in table.stdout, word
    out = run_cli("case", "KS 2024/100", "--db", str(case_db), "--format", "jsonl")
    lines = jsonl(out.stdout)
    assert [r["record"] for r in lines] == ["entry"] * 6 + ["summary"]
    assert lines[-1]["days_to_decision"] == 145 and lines[-1]["final_outcome"] == "avslag"
    assert {r["source"] for r in lines[:-1]} == IN_CASE


def test_search_gives_one_row_per_case_with_its_papers(case_db):
    rows = search(case_db, "lekplatser", semantic=False).hits
    assert rows[0]["case"] == CASE
    cases = [r["case"] for r in rows if r["case"]]
    assert len(cases) == len(set(cases))
    papers = {d["source"] for d in rows[0]["case_documents"]}
    assert {"case/motion.txt", "case/kf-10.txt", "case/ks-50.txt"} <= papers
    assert rows[0]["case_outcome"] == "avslag"  # the decision, not a body's opinion
    assert not any("other/ten-2024-100.txt" == d["source"] for d in rows[0]["case_documents"])
    units = search(case_db, "lekplatser", semantic=False, units=True, limit=50).hits
    assert len(units) > len(rows)


def _v1_database(path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for statement in _statements(_V1):
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, 'v1', 'x')")
    conn.execute(
        "INSERT INTO documents(id, source, sha256, kind, title, text, indexed_at) "
        "VALUES (1, 'a.txt', 'h', 'text', 'Svar på motion', 'x', 'now')"
    )
    conn.execute(
        "INSERT INTO case_numbers(document_id, item_id, diarienummer, norm) "
        "VALUES (1, NULL, '2025.446 KS', '2025.446 KS')"
    )
    conn.execute("INSERT INTO units(id, document_id) VALUES (1, 1)")
    conn.close()


def test_an_old_database_is_found_by_any_form_read_only_and_after_migration(tmp_path):
    db = tmp_path / "old.db"
    _v1_database(db)
    # Read-only (not migrated): the lookup falls back to the stored numbers.
    assert [r["source"] for r in case_history(db, "Dnr KS 2025/0446")] == ["a.txt"]
    with Store(db) as store:  # migrates to version 2 and fills the keys
        keys = {r[0] for r in store.conn.execute("SELECT key FROM case_keys")}
    assert keys == {"2025:446", "KS:2025:446"}
    assert [r["source"] for r in case_history(db, "KS 2025.446")] == ["a.txt"]


def test_replacing_a_document_replaces_its_keys(case_db):
    from nlp_motioner.record import Document, Tags

    with Store(case_db) as store:
        store.put(
            Document(
                source="case/tjansteskrivelse.txt",
                file_kind="text",
                text="Ett annat ärende.",
                tags=Tags(diarienummer=["2030.001 KS"]),
            )
        )
        (n,) = store.conn.execute(
            "SELECT COUNT(*) FROM case_keys WHERE key = 'KS:2024:100' AND document_id = "
            "(SELECT id FROM documents WHERE source = 'case/tjansteskrivelse.txt')"
        ).fetchone()
    assert n == 0
    assert "case/tjansteskrivelse.txt" not in {r["source"] for r in case_history(case_db, CASE)}


@pytest.mark.parametrize(
    "number",
    [
        # a serial of seven characters once left the text forms to look for empty, and
        # FTS5 refused the empty "( )" with a traceback
        "2010/11:-S68106",
        # a number no shape parses is its own key, with no "year:number" in it
        "26/0005-2",
        "KS 26/0005-2",
    ],
)
def test_a_number_of_an_unusual_shape_has_a_history(tmp_path, number):
    text = f"Motion {number}\nom skolskjuts på landsbygden\nVi yrkar att fullmäktige beslutar."
    other = f"Yttrande över motion {number} om skolskjuts.\nNämnden tillstyrker motionen."
    db = tmp_path / "r.db"
    with Store(db) as store:
        store.put(
            Document(
                source="mot.txt",
                file_kind="text",
                text=text,
                tags=Tags(doc_type="motion", title="Skolskjuts", diarienummer=[number]),
            )
        )
        store.put(
            Document(source="ytt.txt", file_kind="text", text=other, tags=Tags(doc_type="yttrande"))
        )
    # The motion is the case's paper; the opinion that names the number in its text is
    # linked to it, as for numbers of the common shapes.
    assert [p["source"] for p in case_history(db, number)] == ["mot.txt", "ytt.txt"]
