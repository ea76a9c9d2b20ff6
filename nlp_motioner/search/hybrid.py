"""`search`: BM25 over Swedish stems, optionally fused with LSA similarity, one row per case.

By default the hits are grouped by case (cases.group_units): each row is the best-matching
unit of a case, with the case's number, its papers in date order and its final outcome,
so one case never fills the page. `units=True` lists every unit as ranked.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from nlp_motioner.search.cases import (
    Group,
    case_units,
    final_outcome,
    group_units,
    place_words,
    sort_key,
    unit_numbers,
)
from nlp_motioner.search.filters import Filters, clean_text
from nlp_motioner.search.fts import QueryTimeout, allowed, impact_terms, rank, time_budget
from nlp_motioner.search.hits import (
    PAPER_FIELDS,
    SearchResult,
    add_snippet,
    mask_record,
    masker,
    open_store,
    paper_records,
    prefer_items,
    unit_records,
)
from nlp_motioner.search.query import Query, or_query, parse
from nlp_motioner.store import Store

__all__ = ["search", "BUDGET_SECONDS"]

# Hybrid weights: BM25 (normalized to the best hit) and LSA cosine.
KEYWORD_WEIGHT = 0.6
SEMANTIC_WEIGHT = 0.4
# A hit found only by the semantic side must be at least this close to be listed.
SEMANTIC_ONLY_MIN = 0.35
# Below this cosine a keyword hit is reported as "keyword" rather than "both".
SEMANTIC_AGREES = 0.2
CANDIDATES = 100
# Wall-clock seconds a query may spend in SQLite before it is stopped.
BUDGET_SECONDS = 10.0
# A unit whose title holds the query's words as a phrase has its BM25 multiplied by this
# (first five words of a title: MRR@10 0.873 -> 0.893 on the dev corpus; 1.5 and 2.5 tie).
TITLE_PHRASE_BOOST = 1.5
# Papers of a case listed in a case row.
CASE_PAPERS = 30
# With semantic=None (the default) the LSA side joins only for queries of at least this
# many words. Measured on the dev corpus (benchmarks/retrieval.py): LSA lifts paragraph
# queries (MRR@10 0.979 -> 0.993) and lowers short title queries (first five words of a
# title 0.893 -> 0.888); at 12 words it helps paragraphs and leaves titles as they are.
SEMANTIC_MIN_WORDS = 12


def search(
    db: str | os.PathLike[str] | Store | None,
    query: str,
    filters: Filters | None = None,
    *,
    limit: int = 10,
    semantic: bool | None = None,
    mask: bool = True,
    units: bool = False,
    budget: float | None = BUDGET_SECONDS,
) -> SearchResult:
    """Rank documents and § items for `query`; never raises on odd query syntax.

    One row per case (or per document without a case number) unless `units`. The LSA side
    is used when `semantic` is True, or when it is None and the query has at least
    SEMANTIC_MIN_WORDS words. A query that runs past `budget` seconds is stopped with a
    note."""
    filters = filters or Filters()
    store, owned = open_store(db)
    try:
        q = parse(clean_text(query) or "")
        notes = list(q.notes)
        if not store.analyzer_ok:
            notes.append(
                "the index was built with another version of the analyzer; "
                "run `motioner index` to rebuild it"
            )
        model_info = None
        if semantic is None:
            semantic = q.words >= SEMANTIC_MIN_WORDS
        if semantic:
            from nlp_motioner.search.semantic import load_model, model_problem

            model_info = load_model(store)
            problem = model_problem(store)
            if problem:
                notes.append(problem + "; showing keyword matches only")
        if q.match is None and not (model_info and q.positive_text.strip()):
            notes.append("the query has no searchable words (only punctuation or stop words)")
            return SearchResult([], q, notes)
        try:
            with time_budget(store.conn, budget):
                kw = _keyword(store, q, filters, limit, notes)
                sem = _semantic(store, q, filters, kw, model_info, notes)
        except QueryTimeout as exc:
            notes.append(f"the query was {exc} (time budget); try fewer or rarer words")
            return SearchResult([], q, notes)
        scored = _fuse(kw, sem)
        fn = masker(mask)
        if units:
            hits = _unit_hits(store, scored, q, limit, fn, has_semantic=bool(sem))
        else:
            hits = _case_hits(store, scored, q, limit, fn, has_semantic=bool(sem))
        if not hits and q.match is None:
            notes.append("the query has no searchable words (only punctuation or stop words)")
        elif not hits:
            notes.append(
                "no document matches the query" + (" and filters" if filters.any() else "")
            )
        return SearchResult(hits, q, notes)
    finally:
        if owned:
            store.close()


def title_phrase(q: Query) -> str | None:
    """The query's words as one phrase in the title column, when the query is plain words
    (two or more, no operators): a title that holds them in the order typed is what a clerk
    who types the start of a title is after."""
    if len(q.terms) < 2 or q.prefixes or " OR " in (q.match or "") or " NOT " in (q.match or ""):
        return None
    return "title : " + _quote(" ".join(q.terms))


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _keyword(
    store: Store, q: Query, filters: Filters, limit: int, notes: list[str]
) -> dict[int, float]:
    if q.match is None:
        return {}
    try:
        kw = dict(rank(store, q.match, filters, CANDIDATES, impact_terms(q)))
        loose = or_query(q)
        # Too few units have all the words: also rank those with any of them, at half
        # weight (a § about "kameraövervakning" for "trygghet kameraövervakning").
        if len(kw) < limit and loose:
            for uid, s in rank(store, loose, filters, CANDIDATES):
                kw.setdefault(uid, s * 0.5)
        phrase = title_phrase(q)
        if phrase and kw:
            for uid, _ in rank(store, phrase, filters, CANDIDATES):
                if uid in kw:
                    kw[uid] *= TITLE_PHRASE_BOOST
        return kw
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc).lower():
            raise
        notes.append(f"full-text query failed ({exc}); showing semantic matches only")
        return {}


def _semantic(
    store: Store,
    q: Query,
    filters: Filters,
    kw: dict[int, float],
    model_info: Any,
    notes: list[str],
) -> dict[int, float]:
    if model_info is None or not q.positive_text.strip():
        return {}
    import numpy as np

    model, meta = model_info
    if meta.get("generation") != store.generation:
        notes.append("the semantic model is older than the database; run `motioner index`")
    qv = model.transform_text(q.positive_text)
    if not np.any(qv):
        return {}
    sims = np.nan_to_num(model.unit_vectors_ @ qv, nan=0.0, posinf=0.0, neginf=0.0)
    sem: dict[int, float] = {}
    ids = model.unit_ids_
    if kw and ids.size:
        want = np.fromiter(kw, dtype=np.int64)
        pos = np.clip(np.searchsorted(ids, want), 0, ids.size - 1)
        for uid, p in zip(want.tolist(), pos.tolist()):
            if ids[p] == uid:
                sem[uid] = float(sims[p])
    k = min(CANDIDATES * 2, sims.size)
    top = np.argpartition(sims, -k)[-k:] if k < sims.size else np.arange(sims.size)
    extra = [int(ids[i]) for i in top if sims[i] >= SEMANTIC_ONLY_MIN and int(ids[i]) not in kw]
    ok = allowed(store.conn, extra, filters) if filters.any() else set(extra)
    for uid in extra:
        if uid in ok:
            sem[uid] = float(sims[ids.searchsorted(uid)])
    return sem


def _fuse(kw: dict[int, float], sem: dict[int, float]) -> list[tuple[float, int, float, float]]:
    best_kw = max(kw.values(), default=0.0) or 1.0
    scored: list[tuple[float, int, float, float]] = []
    for uid in set(kw) | set(sem):
        k = kw.get(uid, 0.0) / best_kw
        s = max(sem.get(uid, 0.0), 0.0)
        if uid not in kw and s < SEMANTIC_ONLY_MIN:
            continue
        weight = KEYWORD_WEIGHT * k + SEMANTIC_WEIGHT * s if sem else k
        scored.append((weight, uid, kw.get(uid, 0.0), sem.get(uid, 0.0)))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return scored


def _listed(
    store: Store, scored: list[tuple[float, int, float, float]], cap: int
) -> list[tuple[float, int, float, float]]:
    """The scored units as they are listed (see hits.prefer_items), each unit once."""
    head = scored[:cap]
    shown = prefer_items(store, [t[1] for t in head])
    out: list[tuple[float, int, float, float]] = []
    seen: set[int] = set()
    for score, uid, bm, cos in head:
        target = shown.get(uid)
        if target is None or target in seen:
            continue
        seen.add(target)
        out.append((score, target, bm, cos))
    return out


def _how(bm: float, cos: float) -> str:
    if bm > 0 and cos >= SEMANTIC_AGREES:
        return "both"
    return "keyword" if bm > 0 else "semantic"


def _decorate(rec, score, bm, cos, has_semantic) -> dict[str, Any]:
    rec["score"] = round(score, 4)
    rec["matched"] = _how(bm, cos)
    rec["bm25"] = round(bm, 4)
    rec["semantic"] = round(cos, 4) if has_semantic else None
    return rec


def _unit_hits(store, scored, q, limit, fn, *, has_semantic) -> list[dict[str, Any]]:
    listed = _listed(store, scored, limit * 4)
    recs = unit_records(store, [t[1] for t in listed])
    hits: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    for score, uid, bm, cos in listed:
        rec = recs.get(uid)
        if rec is None:
            continue
        key = (rec.pop("sha256"), rec["paragraph"])
        if key in seen:  # the same file indexed under two paths
            continue
        seen.add(key)
        add_snippet(store, rec, q, fn)
        hits.append(mask_record(_decorate(rec, score, bm, cos, has_semantic), fn))
        if len(hits) >= limit:
            break
    return hits


def _case_hits(store, scored, q, limit, fn, *, has_semantic) -> list[dict[str, Any]]:
    listed = _listed(store, scored, max(limit * 10, 100))
    by_uid = {t[1]: t for t in listed}
    recs = unit_records(store, by_uid)
    order: list[int] = []
    seen: set[tuple[str, Any]] = set()
    for _, uid, _, _ in listed:
        rec = recs.get(uid)
        if rec is None:
            continue
        key = (rec["sha256"], rec["paragraph"])
        if key not in seen:  # the same file indexed under two paths
            seen.add(key)
            order.append(uid)
    numbers = unit_numbers(store, order)
    groups = group_units(recs, numbers, order, place_words(recs.values()))
    hits = []
    for group in groups[:limit]:
        lead = group.units[0]
        score, _, bm, cos = by_uid[lead]
        rec = dict(recs[lead])
        rec.pop("sha256", None)
        add_snippet(store, rec, q, fn)
        _decorate(rec, score, bm, cos, has_semantic)
        rec.update(_case_fields(store, group, recs, fn))
        hits.append(mask_record(rec, fn))
    return hits


def _case_fields(store: Store, group: Group, recs: dict[int, dict[str, Any]], fn) -> dict[str, Any]:
    """The case of a row: its number, committee (the number's series), its papers in date
    order (those that matched marked) and its final outcome."""
    matched = set(group.units)
    members = list(group.units)
    if group.keys:
        members += [u for u in case_units(store, group.keys, exact=True) if u not in matched]
    more = paper_records(store, [u for u in members if u not in recs])
    papers = []
    seen: set[tuple[str, Any]] = set()
    for uid in members:
        r = recs.get(uid) or more.get(uid)
        if r is None or (r["sha256"], r["paragraph"]) in seen:
            continue
        seen.add((r["sha256"], r["paragraph"]))
        paper = {k: r[k] for k in PAPER_FIELDS if k != "sha256"}
        paper["matched"] = uid in matched
        papers.append(mask_record(paper, fn))
    papers.sort(key=sort_key)
    final = final_outcome(papers)
    committees = sorted({k.split(":")[0] for k in group.keys if k.count(":") == 2})
    return {
        "case": group.numbers[0] if group.numbers else None,
        "case_numbers": list(group.numbers),
        "committee": committees,
        "case_outcome": final.get("outcome") if final else None,
        "case_outcome_stage": final.get("outcome_stage") if final else None,
        "case_outcome_date": final.get("date") if final else None,
        "case_documents": papers[:CASE_PAPERS],
    }
