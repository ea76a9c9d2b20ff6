"""Every case number and every document the bundled corpus holds can be asked about.

An invariant rather than an expected answer: for every number stored, in the forms a
clerk types, `case` finds the paper that carries it; `similar` answers for every
document. Unusual shapes (a Riksdag beteckning, "26/0005-2") once stopped both with a
traceback.
"""

from __future__ import annotations

import sqlite3

from nlp_motioner.search import case_history


def _stored(db, sql, params=()):
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute(sql, params)]
    finally:
        con.close()


def test_case_finds_the_paper_for_every_stored_number(corpus_db):
    numbers = _stored(corpus_db, "SELECT DISTINCT diarienummer FROM case_numbers")
    assert len(numbers) > 30
    for number in numbers:
        sources = set(
            _stored(
                corpus_db,
                "SELECT DISTINCT d.source FROM case_numbers c JOIN documents d "
                "ON d.id = c.document_id WHERE c.diarienummer = ?",
                (number,),
            )
        )
        for form in (number, "Dnr " + number, number.lower()):
            found = {p["source"] for p in case_history(corpus_db, form)}
            assert sources <= found, (form, sources - found)


def test_similar_answers_for_every_document(corpus_db, run_cli):
    for source in _stored(corpus_db, "SELECT source FROM documents"):
        result = run_cli("similar", source, "--db", str(corpus_db), "--limit", "3")
        assert result.exception is None or isinstance(result.exception, SystemExit), source
        assert result.exit_code == 0, (source, result.output)
