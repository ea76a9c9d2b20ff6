"""Search, precedents and case histories over the indexed bundled corpus."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_motioner.search import Filters, case_history, probe_for_document, search, similar
from nlp_motioner.search.query import parse
from nlp_motioner.store import Store

NATTVANDRING_CASE = "2025.319 KS"
# What every hit must carry, whichever command printed it.
REQUIRED = (
    "source title doc_type date parties outcome outcome_stage referral_bodies paragraph".split()
)


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_nattvandring_finds_its_case_first_with_the_motion_and_replies(corpus_db, run_cli):
    result = run_cli("search", "nattvandring", "--db", str(corpus_db), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = jsonl(result.stdout)
    assert rows[0]["case"] == NATTVANDRING_CASE
    papers = [d["source"] for d in rows[0]["case_documents"]]
    assert all("nattvandr" in s for s in papers), papers
    assert any("/motion-" in s for s in papers)  # the motion itself, linked by title
    assert sum("svar-pa-motion" in s for s in papers) >= 2  # the replies
    cases = [r["case"] for r in rows if r["case"]]
    assert len(cases) == len(set(cases))  # one row per case


def test_nattvandring_units_are_the_motion_and_its_replies_first(corpus_db, run_cli):
    result = run_cli(
        "search", "nattvandring", "--units", "--db", str(corpus_db), "--format", "jsonl"
    )
    assert result.exit_code == 0, result.output
    hits = jsonl(result.stdout)
    top = [h["source"] for h in hits[:4]]
    assert all("nattvandr" in s for s in top), top
    assert any("/motion-" in s for s in top)  # the motion itself
    assert sum("svar-pa-motion" in s for s in top) >= 2  # the replies
    for h in hits:
        assert set(REQUIRED + ["score", "matched", "snippet"]) <= set(h)
        assert h["matched"] in ("keyword", "semantic", "both")
    assert "«nattvandring»" in hits[0]["snippet"].lower()


def test_item_hits_carry_their_paragraph(corpus_db):
    hits = search(corpus_db, "felparkeringsavgifter", limit=20).hits
    items = [h for h in hits if h["paragraph"] is not None]
    assert items and all(isinstance(h["paragraph"], int) for h in items)
    assert any("protokoll.pdf" in h["source"] for h in items)


def test_stemming_matches_inflected_forms_and_keeps_diacritics(corpus_db):
    # "föreningarna" and "föreningar" share the stem "förening".
    a = {h["source"] for h in search(corpus_db, "föreningarna", semantic=False, limit=50).hits}
    b = {h["source"] for h in search(corpus_db, "föreningar", semantic=False, limit=50).hits}
    assert a and a == b


def test_diacritics_are_kept(tmp_path):
    from nlp_motioner.record import Document, Tags

    with Store(tmp_path / "d.db") as store:
        store.put(
            Document(
                source="a", file_kind="text", text="Hon blev vald till ordförande.", tags=Tags()
            )
        )
        store.put(
            Document(
                source="b", file_kind="text", text="Arbete mot våld i nära relationer.", tags=Tags()
            )
        )
        assert [h["source"] for h in search(store, "våld", semantic=False).hits] == ["b"]
        assert [h["source"] for h in search(store, "vald", semantic=False).hits] == ["a"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "(",
        ")",
        '"nattvandring',
        "nattvandring)",
        "(nattvandring",
        "AND",
        "OR OR",
        "NOT",
        "NOT nattvandring",
        "nattvandring NOT",
        "*",
        "-",
        "'",
        "nattvandring AND (",
        '"")(',
        "title:nattvandring",
        "NEAR(a b)",
        "^",
        "\\",
        "c++",
        "100%",
        "a:b:c",
    ],
)
def test_odd_queries_never_crash(corpus_db, run_cli, query):
    result = run_cli("search", query, "--db", str(corpus_db))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.stdout.strip() or "motioner:" in result.stderr or "no hits" in result.stderr


def test_stray_quote_or_paren_still_finds(corpus_db):
    for q in ['nattvandring "', "(nattvandring", 'stöd "föreningar']:
        assert search(corpus_db, q).hits, q


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab c\"()*-:^+.AND OR NOT åä\\'")), max_size=30))
def test_any_query_parses_to_valid_fts5(text):
    q = parse(text)
    if q.match is None:
        return
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(a, tokenize='unicode61 remove_diacritics 0')")
    conn.execute("INSERT INTO f VALUES ('a b c åä')")
    conn.execute("SELECT * FROM f WHERE f MATCH ?", (q.match,)).fetchall()


def test_boolean_operators_are_honoured(corpus_db):
    all_hits = {
        h["source"] for h in search(corpus_db, "nattvandring", semantic=False, limit=50).hits
    }
    no_motion = {
        h["source"]
        for h in search(corpus_db, "nattvandring NOT lekebergs", semantic=False, limit=50).hits
    }
    assert any("seeds/004" in s for s in all_hits)
    assert not any("seeds/004" in s for s in no_motion)
    either = search(corpus_db, "nattvandring OR felparkeringsavgifter", semantic=False, limit=50)
    assert len(either.hits) > len(all_hits)


def test_filters(corpus_db):
    hits = search(corpus_db, "motion", Filters(party=["MP"]), limit=50).hits
    assert hits and all("MP" in h["parties"] for h in hits)
    hits = search(corpus_db, "motion", Filters(doc_type=["protokollsutdrag"]), limit=50).hits
    assert hits and all(h["doc_type"] == "protokollsutdrag" for h in hits)
    hits = search(
        corpus_db, "motion", Filters(date_from="2026-01-01", date_to="2026-05"), limit=50
    ).hits
    assert hits and all("2026-01-01" <= h["date"] <= "2026-05-31" for h in hits)
    assert not search(corpus_db, "nattvandring", Filters(party=["KD"]), limit=50).hits
    hits = search(corpus_db, "motion", Filters(outcome=["avstyrker"]), limit=50).hits
    assert all(h["outcome"] == "avstyrker" for h in hits)


def test_case_lists_the_documents_in_date_order_with_outcomes(corpus_db, run_cli):
    result = run_cli("case", NATTVANDRING_CASE, "--db", str(corpus_db), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = jsonl(result.stdout)
    assert lines[-1]["record"] == "summary" and lines[-1]["case"] == NATTVANDRING_CASE
    recs = [r for r in lines if r["record"] == "entry"]
    assert len(recs) == len(lines) - 1
    by_number = [r for r in recs if r["linked_by"] == "diarienummer"]
    assert len(by_number) >= 3
    assert all("nattvandr" in r["source"] for r in recs)
    dates = [r["date"] for r in by_number]
    assert dates == sorted(dates)
    assert all(r["outcome"] for r in by_number)
    assert by_number[0]["outcome"] == "remitterad"  # KF sends the motion to KS first
    # The motion (no number of its own) opens the case, linked by its title.
    assert recs[0]["doc_type"] == "motion" and recs[0]["linked_by"] == "title"
    table = run_cli("case", NATTVANDRING_CASE, "--db", str(corpus_db))
    assert table.exit_code == 0 and "remitterad" in table.stdout and "§144" in table.stdout


def test_unknown_case_is_a_clear_message(corpus_db, run_cli):
    result = run_cli("case", "1999.999 XX", "--db", str(corpus_db))
    assert result.exit_code == 1
    assert "no documents with diarienummer" in result.stderr


def test_similar_leaves_out_the_same_case(corpus_db, run_cli):
    with Store(corpus_db, readonly=True) as store:
        (doc_id,) = store.conn.execute(
            "SELECT id FROM documents WHERE source LIKE '%ss74-ksau-svar-pa-motion-om-stod%'"
        ).fetchone()
        result = similar(store, probe_for_document(store, doc_id), limit=10)
    sources = [h["source"] for h in result.hits]
    assert sources
    assert not any("nattvandr" in s for s in sources), sources
    assert any("same case" in n for n in result.notes)
    cases = [set(h["diarienummer"]) for h in result.hits if h["diarienummer"]]
    for i, a in enumerate(cases):  # one entry per case
        for b in cases[i + 1 :]:
            assert not (a & b)
    out = run_cli("similar", str(doc_id), "--db", str(corpus_db), "--format", "jsonl")
    assert out.exit_code == 0, out.output
    for h in jsonl(out.stdout):
        assert set(REQUIRED + ["score"]) <= set(h)


def test_similar_to_a_file_path(corpus_db, run_cli, corpus):
    path = corpus / "seeds" / "001_57ee7757e7276fbf.txt"
    out = run_cli("similar", str(path), "--db", str(corpus_db), "-n", "3", "--format", "jsonl")
    assert out.exit_code == 0, out.output
    hits = jsonl(out.stdout)
    assert 0 < len(hits) <= 3 and all(h["source"] != str(path) for h in hits)


def test_case_history_function(corpus_db):
    recs = case_history(corpus_db, " 2025.319  ks ")  # spacing and case do not matter
    assert len(recs) >= 3


def test_similar_to_a_motion_leaves_out_its_replies(corpus_db, run_cli, corpus):
    motion = next((corpus / "alingsas").rglob("motion-gallande-att-infora-laddstationer*.pdf"))
    out = run_cli("similar", str(motion), "--db", str(corpus_db), "--format", "jsonl")
    assert out.exit_code == 0, out.output
    sources = [h["source"] for h in jsonl(out.stdout)]
    assert sources and not any("laddstationer" in s for s in sources), sources
    assert "same case" in out.stderr


def test_search_lists_a_protocol_extract_once(corpus_db):
    hits = search(corpus_db, "laddstationer cyklister", limit=10).hits
    keys = [(h["source"], h["paragraph"]) for h in hits]
    assert len(set(keys)) == len(keys), keys
    whole = {s for s, p in keys if p is None}
    assert not any(s in whole for s, p in keys if p is not None), keys  # not doc and § both


@pytest.mark.parametrize(
    "filters",
    [
        Filters(party=["S"]),
        Filters(party=["mp", "V"]),
        Filters(doc_type=["protokollsutdrag"]),
        Filters(outcome=["bifall", "avslag"]),
        Filters(date_from="2026"),
        Filters(date_from="2025-07-01", date_to="2026-05"),
        Filters(body=["tekniska"]),
        Filters(organisation=["Alingsås"]),
        Filters(party=["S"], date_from="2018", doc_type=["protokollsutdrag", "motion"]),
    ],
)
def test_facet_tokens_and_row_checks_agree(corpus_db, monkeypatch, filters):
    """Filters run inside FTS5 (facet tokens, for many matches) or row by row (few
    matches); both must give the same hits."""
    import nlp_motioner.search.fts as search_module
    from nlp_motioner.search import fts_only

    with Store(corpus_db, readonly=True) as store:
        for query in ("motion", "kommun", "beslut OR förslag"):
            monkeypatch.setattr(search_module, "FEW_MATCHES", 10**9)
            by_rows = sorted(fts_only(store, query, filters, limit=1000))
            monkeypatch.setattr(search_module, "FEW_MATCHES", 0)
            by_facets = sorted(fts_only(store, query, filters, limit=1000))
            assert [u for u, _ in by_rows] == [u for u, _ in by_facets], (query, filters)
        monkeypatch.setattr(search_module, "FEW_MATCHES", 10**9)
        assert any(fts_only(store, q, filters, limit=5) for q in ("motion", "kommun", "beslut"))


@pytest.mark.parametrize("query", ["kommun", "motion", "beslut", '"förslag"', "nämnd -motion"])
@pytest.mark.parametrize("filters", [Filters(), Filters(party=["S"])])
def test_impact_shortcut_keeps_bm25_and_the_best_hits(corpus_db, monkeypatch, query, filters):
    """A one-word query over many matches is ranked over its high-impact units first
    (search._impact_first). Forced on the small corpus, it must return true matches with
    their exact BM25 scores, and the same best hit as ranking every match."""
    import nlp_motioner.search.fts as search_module
    from nlp_motioner.search import fts_only

    with Store(corpus_db, readonly=True) as store:
        exact = dict(fts_only(store, query, filters, limit=100_000))
        monkeypatch.setattr(search_module, "FEW_MATCHES", 0)
        monkeypatch.setattr(search_module, "IMPACT_CANDIDATES", 3)
        monkeypatch.setattr(search_module, "IMPACT_SCAN", 10)
        used = []
        real = search_module._impact_first

        def spy(*args, **kwargs):
            out = real(*args, **kwargs)
            used.append(out is not None)
            return out

        monkeypatch.setattr(search_module, "_impact_first", spy)
        fast = fts_only(store, query, filters, limit=3)
    # `used` holds one bool per call: whether the shortcut applied (False: it fell back).
    assert len(used) >= 1, "the shortcut was not tried"
    if not filters.any():  # unfiltered, the small corpus has enough units in a tier
        assert any(used), "the shortcut never applied"
    if not exact:
        assert fast == []
        return
    for uid, score in fast:
        assert score == pytest.approx(exact[uid], rel=1e-9, abs=1e-12), (query, uid)
    best = max(exact.values())
    assert fast[0][1] == pytest.approx(best), (query, fast[0], best)
