"""Search the corpus database: hybrid BM25 + LSA ranking, precedents, and case histories.

    >>> from nlp_motioner.search import search, Filters
    >>> hits = search("motioner.db", "nattvandring", Filters(party=["S"]))   # doctest: +SKIP
    >>> import pandas as pd; pd.DataFrame(hits.hits)                         # doctest: +SKIP

Every hit is a flat dict (the JSONL contract of `motioner search`): source, title, doc_type,
date, parties, outcome, outcome_stage, referral_bodies, paragraph (for § items), snippet,
score, and how it matched (`matched`: keyword, semantic or both, with `bm25` and `semantic`).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from nlp_motioner.search.query import Query, or_query, parse
from nlp_motioner.search.semantic import SemanticModel
from nlp_motioner.search.snippet import make_snippet
from nlp_motioner.store import Store, norm_case
from nlp_motioner.store.analyze import (
    IMPACT_MAX_TIER,
    IMPACT_MIN_TIER,
    facet_token,
    facet_words,
    impact_token,
    stems,
)

__all__ = [
    "Filters",
    "SearchResult",
    "search",
    "similar",
    "case_history",
    "parse",
    "title_core",
]

# Hybrid weights: BM25 (normalized to the best hit) and LSA cosine.
KEYWORD_WEIGHT = 0.6
SEMANTIC_WEIGHT = 0.4
# A hit found only by the semantic side must be at least this close to be listed.
SEMANTIC_ONLY_MIN = 0.35
# Below this cosine a keyword hit is reported as "keyword" rather than "both".
SEMANTIC_AGREES = 0.2
CANDIDATES = 100
# Below this many text matches a filtered query checks the filter row by row (see _fts).
FEW_MATCHES = 5000
# A one-word query with at least FEW_MATCHES matches (after the filters) is ranked over the
# units where its word has a high impact tier (see _impact_first); a tier is used when at
# least max(IMPACT_CANDIDATES, 2 * k) of its units match.
IMPACT_CANDIDATES = 200
# How many units the impact tokens of the first tier tried should hold.
IMPACT_SCAN = 2000


@dataclass
class Filters:
    """Restrict hits; each list is OR-ed, the fields are AND-ed. Dates are ISO prefixes."""

    party: Sequence[str] = ()
    outcome: Sequence[str] = ()
    doc_type: Sequence[str] = ()
    body: Sequence[str] = ()
    organisation: Sequence[str] = ()
    date_from: str | None = None
    date_to: str | None = None

    def any(self) -> bool:
        return bool(
            self.party
            or self.outcome
            or self.doc_type
            or self.body
            or self.organisation
            or self.date_from
            or self.date_to
        )

    def sql(self, alias: str = "u") -> tuple[str, list[Any]]:
        """The exact filter as a WHERE fragment (starting with " AND") over `units`."""
        return self._sql(alias, exact_only=False)

    def _sql(self, alias: str, *, exact_only: bool) -> tuple[str, list[Any]]:
        # exact_only: leave out what the facet tokens already decide exactly.
        parts: list[str] = []
        params: list[Any] = []

        def among(column: str, values: Sequence[str]) -> None:
            marks = ", ".join("?" for _ in values)
            parts.append(f"lower({alias}.{column}) IN ({marks})")
            params.extend(v.lower() for v in values)

        if self.doc_type and not exact_only:
            among("doc_type", self.doc_type)
        if self.outcome and not exact_only:
            among("outcome", self.outcome)
        if self.organisation:
            parts.append(
                "(" + " OR ".join(f"{alias}.organisation LIKE ?" for _ in self.organisation) + ")"
            )
            params.extend(f"%{v}%" for v in self.organisation)
        if self.date_from and not (exact_only and _year_only(self.date_from)):
            parts.append(f"{alias}.date >= ?")
            params.append(self.date_from)
        if self.date_to and not (exact_only and _year_only(self.date_to)):
            # "2025" or "2025-06" means up to the end of that year or month.
            parts.append(f"{alias}.date <= ?")
            params.append(self.date_to + "\uffff")
        if self.party and not exact_only:
            marks = ", ".join("?" for _ in self.party)
            parts.append(
                f"EXISTS (SELECT 1 FROM parties p WHERE p.document_id = {alias}.document_id "
                f"AND (p.item_id IS {alias}.item_id OR p.item_id IS NULL) "
                f"AND p.party IN ({marks}))"
            )
            params.extend(p.upper() for p in self.party)
        if self.body:
            likes = " OR ".join("b.body LIKE ?" for _ in self.body)
            parts.append(
                f"EXISTS (SELECT 1 FROM referral_bodies b WHERE b.document_id = {alias}.document_id "
                f"AND (b.item_id IS {alias}.item_id OR b.item_id IS NULL) AND ({likes}))"
            )
            params.extend(f"%{v}%" for v in self.body)
        if not parts:
            return "", []
        return " AND " + " AND ".join(parts), params

    def facets(self, years: tuple[int, int] | None) -> str | None:
        """An FTS5 expression over the `facets` column that every passing unit matches."""
        groups: list[list[str]] = []
        if self.doc_type:
            groups.append([facet_token("doc_type", v) for v in self.doc_type])
        if self.outcome:
            groups.append([facet_token("outcome", v) for v in self.outcome])
        if self.party:
            groups.append([facet_token("party", v) for v in self.party])
        if (self.date_from or self.date_to) and years is not None:
            lo, hi = years
            if self.date_from and self.date_from[:4].isdigit():
                lo = max(lo, int(self.date_from[:4]))
            if self.date_to and self.date_to[:4].isdigit():
                hi = min(hi, int(self.date_to[:4]))
            groups.append([facet_token("year", str(y)) for y in range(lo, hi + 1)] or ["yrnone"])
        clauses = ["(" + " OR ".join(_q(t) for t in dict.fromkeys(g)) + ")" for g in groups]
        for kind, values in (("organisation", self.organisation), ("body", self.body)):
            if values:
                alts = []
                for v in values:
                    words = facet_words(kind, v)
                    if words:
                        alts.append("(" + " AND ".join(_q(w) for w in words) + ")")
                if alts:
                    clauses.append("(" + " OR ".join(alts) + ")")
        if not clauses:
            return None
        return "facets : (" + " AND ".join(clauses) + ")"


def _q(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _year_only(value: str) -> bool:
    return len(value) == 4 and value.isdigit()


@dataclass
class SearchResult:
    hits: list[dict[str, Any]]
    query: Query | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
def _open(db: str | os.PathLike[str] | Store | None) -> tuple[Store, bool]:
    if isinstance(db, Store):
        return db, False
    return Store(db, readonly=True), True


def _masker(mask: bool) -> Callable[[str], str] | None:
    if not mask:
        return None
    try:
        from nlp_motioner.privacy import mask as fn
    except ImportError:  # pragma: no cover
        return None
    return fn


_MODEL_CACHE: dict[str, tuple[float, tuple[SemanticModel, dict[str, Any]] | None]] = {}


def load_model(store: Store) -> tuple[SemanticModel, dict[str, Any]] | None:
    """The saved LSA model beside `store` (cached per file modification time)."""
    path = store.path + ".lsa.npz"
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        return None
    cached = _MODEL_CACHE.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    loaded = SemanticModel.load(store.path)
    _MODEL_CACHE[path] = (mtime, loaded)  # None too: do not reread a broken pair each query
    return loaded


def _unit_rows(model: SemanticModel, unit_ids: Iterable[int]) -> dict[int, int]:
    ids = np.fromiter(unit_ids, dtype=np.int64)
    if ids.size == 0 or model.unit_ids_.size == 0:
        return {}
    pos = np.searchsorted(model.unit_ids_, ids)
    pos = np.clip(pos, 0, model.unit_ids_.size - 1)
    ok = model.unit_ids_[pos] == ids
    return {int(i): int(p) for i, p, k in zip(ids, pos, ok) if k}


_YEARS_CACHE: dict[tuple[str, int], tuple[int, int] | None] = {}


def _years(store: Store) -> tuple[int, int] | None:
    """The range of years in the database (cached per database generation)."""
    key = (store.path, store.generation)
    if key not in _YEARS_CACHE:
        row = store.conn.execute(
            "SELECT MIN(date), MAX(date) FROM units WHERE date IS NOT NULL AND date >= '0'"
        ).fetchone()
        lo, hi = row if row else (None, None)
        ok = lo and hi and lo[:4].isdigit() and hi[:4].isdigit()
        _YEARS_CACHE[key] = (int(lo[:4]), int(hi[:4])) if ok else None
    return _YEARS_CACHE[key]


def _count(store: Store, expr: str, cap: int) -> int:
    """How many units match `expr`, counting no further than `cap` (no ranking: cheap)."""
    return store.conn.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM units_fts WHERE units_fts MATCH ? LIMIT ?)",
        (expr, cap),
    ).fetchone()[0]


def _fts(
    store: Store, match: str, filters: Filters, k: int, terms: Sequence[str] = ()
) -> list[tuple[int, float]]:
    """BM25 top k: the filters narrow the match inside FTS5 (facet tokens); what the tokens
    cannot decide exactly (day-level dates, substrings) is checked on the survivors.

    `terms` (see _impact_terms: the one stem of a one-word query, else empty) allow the
    impact shortcut: when at least FEW_MATCHES units pass the text and the filters, FTS5
    would compute BM25 for every one of them, so only the units where the word has a high
    impact tier (analyze.impact_text) are ranked (_impact_first). Their scores are the
    same BM25 as in a full ranking (same idf, lengths and weights)."""
    expr = "{title body} : (" + match + ")"
    facets = filters.facets(_years(store)) if filters.any() else None
    exact_only = True
    n: int | None = None
    if facets:
        # Few text matches: checking the filter on each of them is cheaper than making
        # FTS5 walk the long posting lists of the facet tokens.
        n = _count(store, expr, FEW_MATCHES)
        if n < FEW_MATCHES:
            exact_only = False
        else:
            expr = f"{expr} AND {facets}"
    where, params = filters._sql("u", exact_only=exact_only)
    if where:
        sql = (
            "SELECT u.id, bm25(units_fts, 4.0, 1.0, 0.0) AS bm FROM units_fts "
            "JOIN units u ON u.id = units_fts.rowid "
            f"WHERE units_fts MATCH ?{where} ORDER BY bm LIMIT ?"
        )
    else:
        sql = (
            "SELECT rowid, bm25(units_fts, 4.0, 1.0, 0.0) AS bm FROM units_fts "
            "WHERE units_fts MATCH ? ORDER BY bm LIMIT ?"
        )

    def ranked(e: str, limit: int = k) -> list[tuple[int, float]]:
        return [(r[0], -r[1]) for r in store.conn.execute(sql, [e, *params, limit])]

    if terms and store.analyzer_ok and (n is None or n >= FEW_MATCHES):
        # How many units pass the text and the filter tokens: below FEW_MATCHES ranking
        # them all is as quick as the shortcut.
        if _count(store, expr, FEW_MATCHES) >= FEW_MATCHES:
            hits = _impact_first(store, expr, list(dict.fromkeys(terms)), k, ranked)
            if hits is not None:
                return hits
    return ranked(expr)


def _impact_first(
    store: Store,
    expr: str,
    terms: list[str],
    k: int,
    ranked: Callable[[str, int], list[tuple[int, float]]],
) -> list[tuple[int, float]] | None:
    """The top k of `expr` ranked over the units where a term has a high impact tier, or
    None when no tier holds enough matching units (the caller then ranks every match).

    Every evaluation of `expr` walks the long posting lists once (a few ms at 100k units),
    so at most two tiers are tried: the highest whose impact tokens alone reach
    IMPACT_SCAN units, then, if too few of those also match `expr` and the filters, a tier
    chosen from the share that did. A tier is accepted when at least
    max(IMPACT_CANDIDATES, 2k) of its units match; the best k of them by BM25 are returned."""
    need = max(IMPACT_CANDIDATES, 2 * k)
    sizes: dict[int, int] = {}
    total = 0
    for tier in range(IMPACT_MAX_TIER, IMPACT_MIN_TIER - 1, -1):
        tokens = " OR ".join(_q(impact_token(t, tier)) for t in terms)
        total += _count(store, f"facets : ({tokens})", 1_000_000_000)
        sizes[tier] = total
    share: float | None = None
    last = IMPACT_MAX_TIER + 1
    for _ in range(2):
        want = IMPACT_SCAN if share is None else 1.25 * need / max(share, 1e-3)
        tier = next((t for t in sorted(sizes, reverse=True) if sizes[t] >= want), IMPACT_MIN_TIER)
        tier = min(tier, last - 1)
        if tier < IMPACT_MIN_TIER or sizes[tier] < need:
            return None
        tokens = " OR ".join(
            _q(impact_token(t, x)) for t in terms for x in range(tier, IMPACT_MAX_TIER + 1)
        )
        # The short impact lists first: FTS5 then seeks the long lists to them.
        hits = ranked(f"facets : ({tokens}) AND {expr}", need)
        if len(hits) >= need:
            return hits[:k]
        share = len(hits) / sizes[tier]
        last = tier
    return None


def fts_only(
    store: Store, query: str, filters: Filters | None = None, limit: int = 10
) -> list[tuple[int, float]]:
    """Just the BM25 side: (unit id, score) pairs. Used by the benchmark."""
    q = parse(query)
    if q.match is None:
        return []
    return _fts(store, q.match, filters or Filters(), limit, _impact_terms(q))


def _impact_terms(q: Query) -> list[str]:
    """The stem the impact shortcut may use: only for a query with one positive stem (and
    no prefix*). With two or more, the best BM25 sums come from units where every word is
    moderately frequent, which no single word's impact tier finds (measured: top-100
    recall down to 0.4 on common word pairs), so those are ranked in full."""
    return list(q.terms) if len(q.terms) == 1 and not q.prefixes else []


def _allowed(conn: sqlite3.Connection, unit_ids: list[int], filters: Filters) -> set[int]:
    if not unit_ids:
        return set()
    where, params = filters.sql("u")
    out: set[int] = set()
    for i in range(0, len(unit_ids), 500):
        chunk = unit_ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT u.id FROM units u WHERE u.id IN ({marks}){where}"
        out.update(r[0] for r in conn.execute(sql, [*chunk, *params]))
    return out


def search(
    db: str | os.PathLike[str] | Store | None,
    query: str,
    filters: Filters | None = None,
    *,
    limit: int = 10,
    semantic: bool = True,
    mask: bool = True,
) -> SearchResult:
    """Rank documents and § items for `query`; never raises on odd query syntax."""
    filters = filters or Filters()
    store, owned = _open(db)
    try:
        q = parse(query)
        notes = list(q.notes)
        if not store.analyzer_ok:
            notes.append(
                "the index was built with another version of the analyzer; "
                "run `motioner index` to rebuild it"
            )
        model_info = load_model(store) if semantic else None
        if q.match is None and not (model_info and q.positive_text.strip()):
            notes.append("the query has no searchable words (only punctuation or stop words)")
            return SearchResult([], q, notes)
        conn = store.conn
        kw: dict[int, float] = {}
        if q.match is not None:
            try:
                kw = dict(_fts(store, q.match, filters, CANDIDATES, _impact_terms(q)))
                loose = or_query(q)
                # Too few documents have all the words: also rank those with any of them,
                # at half weight (a § about "kameraövervakning" for "trygghet kameraövervakning").
                if len(kw) < limit and loose:
                    for uid, s in _fts(store, loose, filters, CANDIDATES):
                        kw.setdefault(uid, s * 0.5)
            except sqlite3.OperationalError as exc:  # should not happen: terms are quoted
                notes.append(f"full-text query failed ({exc}); showing semantic matches only")
                kw = {}
        best_kw = max(kw.values(), default=0.0) or 1.0
        sem: dict[int, float] = {}
        if model_info is not None:
            model, meta = model_info
            if meta.get("generation") != store.generation:
                notes.append("the semantic model is older than the database; run `motioner index`")
            qv = model.transform_text(q.positive_text)
            if np.any(qv):
                sims = model.unit_vectors_ @ qv
                rows = _unit_rows(model, kw)
                for uid, row in rows.items():
                    sem[uid] = float(sims[row])
                k = min(CANDIDATES * 2, sims.size)
                top = np.argpartition(sims, -k)[-k:] if k < sims.size else np.arange(sims.size)
                extra = [int(model.unit_ids_[i]) for i in top if sims[i] >= SEMANTIC_ONLY_MIN]
                extra = [u for u in extra if u not in kw]
                allowed = _allowed(conn, extra, filters) if filters.any() else set(extra)
                for uid in extra:
                    if uid in allowed:
                        sem[uid] = float(sims[model.unit_ids_.searchsorted(uid)])
        scored: list[tuple[float, int, float, float]] = []
        for uid in set(kw) | set(sem):
            k = kw.get(uid, 0.0) / best_kw
            s = max(sem.get(uid, 0.0), 0.0)
            if uid not in kw and s < SEMANTIC_ONLY_MIN:
                continue
            weight = KEYWORD_WEIGHT * k + (SEMANTIC_WEIGHT * s if sem else 0.0)
            if not sem:
                weight = k
            scored.append((weight, uid, kw.get(uid, 0.0), sem.get(uid, 0.0)))
        scored.sort(key=lambda t: (-t[0], t[1]))
        hits = _hydrate_hits(store, scored, q, limit, _masker(mask), has_semantic=bool(sem))
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


# ---------------------------------------------------------------------------------------
_UNIT_SQL = """
SELECT u.id AS unit_id, u.document_id, u.item_id, d.source, d.sha256, d.kind,
       d.title AS doc_title, d.doc_type AS doc_doc_type, d.date AS doc_date,
       d.organisation AS doc_organisation, d.diarienummer AS doc_diarienummer,
       d.parties AS doc_parties, d.referral_bodies AS doc_referral_bodies,
       d.outcome AS doc_outcome, d.outcome_stage AS doc_outcome_stage,
       d.evidence AS doc_evidence,
       i.paragraph, i.title AS item_title, i.doc_type AS item_doc_type, i.date AS item_date,
       i.diarienummer AS item_diarienummer, i.parties AS item_parties,
       i.referral_bodies AS item_referral_bodies, i.outcome AS item_outcome,
       i.outcome_stage AS item_outcome_stage, i.evidence AS item_evidence, i.page AS item_page
FROM units u JOIN documents d ON d.id = u.document_id LEFT JOIN items i ON i.id = u.item_id
WHERE u.id = ?
"""


def _title_fallback(source: str) -> str:
    return os.path.splitext(os.path.basename(source))[0]


def unit_record(store: Store, unit_id: int) -> dict[str, Any] | None:
    """The flat output record of one unit (document or § item), without snippet or score."""
    row = store.conn.execute(_UNIT_SQL, (unit_id,)).fetchone()
    if row is None:
        return None
    return _record_from_row(row)


def _record_from_row(row: sqlite3.Row) -> dict[str, Any]:
    r = dict(row)
    is_item = r["item_id"] is not None

    def pick(name: str) -> Any:
        if is_item:
            value = r[f"item_{name}"]
            if name in ("parties", "referral_bodies", "diarienummer"):
                value = json.loads(value or "[]") or json.loads(r[f"doc_{name}"] or "[]")
                return value
            return value
        value = r[f"doc_{name}"]
        if name in ("parties", "referral_bodies", "diarienummer"):
            return json.loads(value or "[]")
        return value

    rec: dict[str, Any] = {
        "source": r["source"],
        "title": (r["item_title"] if is_item else r["doc_title"])
        or r["doc_title"]
        or _title_fallback(r["source"]),
        "doc_type": r["doc_doc_type"] if not is_item else (r["item_doc_type"] or r["doc_doc_type"]),
        "date": (r["item_date"] if is_item else None) or r["doc_date"],
        "diarienummer": pick("diarienummer"),
        "organisation": r["doc_organisation"],
        "parties": pick("parties"),
        "outcome": pick("outcome"),
        "outcome_stage": pick("outcome_stage"),
        "referral_bodies": pick("referral_bodies"),
        "evidence": pick("evidence"),
        "paragraph": r["paragraph"],
        "page": r["item_page"] if is_item else None,
        "document_title": r["doc_title"],
        "document_id": r["document_id"],
        "unit_id": r["unit_id"],
        "sha256": r["sha256"],
    }
    return rec


def _unit_text(store: Store, rec: dict[str, Any]) -> str:
    if rec["paragraph"] is not None:
        row = store.conn.execute(
            "SELECT text FROM items WHERE id = (SELECT item_id FROM units WHERE id = ?)",
            (rec["unit_id"],),
        ).fetchone()
    else:
        row = store.conn.execute(
            "SELECT text FROM documents WHERE id = ?", (rec["document_id"],)
        ).fetchone()
    return row[0] if row else ""


def _prefer_items(
    store: Store, scored: list[tuple[float, int, float, float]]
) -> list[tuple[float, int, float, float]]:
    """A document with § items is listed through its items: its own unit (the front
    matter) is dropped when one of its items is a hit, and a one-item document (a
    protocol extract) is shown as that item."""
    if not scored:
        return scored
    ids = [t[1] for t in scored]
    marks = ", ".join("?" for _ in ids)
    rows = store.conn.execute(
        f"SELECT u.id, u.document_id, u.item_id, (SELECT COUNT(*) FROM items i "
        f"WHERE i.document_id = u.document_id) FROM units u WHERE u.id IN ({marks})",
        ids,
    ).fetchall()
    info = {r[0]: (r[1], r[2], r[3]) for r in rows}
    with_item_hits = {d for d, item, _ in info.values() if item is not None}
    out: list[tuple[float, int, float, float]] = []
    listed: set[int] = set()
    for score, uid, bm, cos in scored:
        doc_id, item_id, n_items = info.get(uid, (None, None, 0))
        if item_id is None and n_items:
            if doc_id in with_item_hits:
                continue
            if n_items == 1:
                row = store.conn.execute(
                    "SELECT id FROM units WHERE document_id = ? AND item_id IS NOT NULL",
                    (doc_id,),
                ).fetchone()
                if row is not None:
                    uid = row[0]
        if uid in listed:
            continue
        listed.add(uid)
        out.append((score, uid, bm, cos))
    return out


def _hydrate_hits(
    store: Store,
    scored: list[tuple[float, int, float, float]],
    q: Query,
    limit: int,
    mask: Callable[[str], str] | None,
    *,
    has_semantic: bool,
) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    for score, uid, bm, cos in _prefer_items(store, scored[: limit * 4]):
        rec = unit_record(store, uid)
        if rec is None:
            continue
        key = (rec["sha256"], rec["paragraph"])
        if key in seen:  # the same file indexed under two paths
            continue
        seen.add(key)
        if bm > 0 and cos >= SEMANTIC_AGREES:
            matched = "both"
        elif bm > 0:
            matched = "keyword"
        else:
            matched = "semantic"
        text = _unit_text(store, rec)
        rec["snippet"] = make_snippet(text, q.terms, q.prefixes, mask=mask)
        if mask is not None:
            for name in ("title", "evidence", "document_title"):
                if isinstance(rec.get(name), str):
                    rec[name] = mask(rec[name])
        rec["score"] = round(score, 4)
        rec["matched"] = matched
        rec["bm25"] = round(bm, 4)
        rec["semantic"] = round(cos, 4) if has_semantic else None
        rec.pop("sha256", None)
        hits.append(rec)
        if len(hits) >= limit:
            break
    return hits


# ---------------------------------------------------------------------------------------
_TITLE_LEAD = (
    "svar på motion",
    "svar på",
    "motionssvar",
    "tjänsteskrivelse",
    "yttrande över motion",
    "yttrande över",
    "utlåtande över motion",
    "utlåtande över",
    "motion till kommunfullmäktige",
    "motion",
    "initiativärende",
)
_TITLE_FILLER = ("gällande", "angående", "avseende", "om", "från", "med", "flera", "alingsås")
# A part of a title that names the signatories: "Irene Jonsson (S) med flera".
_SIGNATORIES = re.compile(r"\([A-ZÅÄÖ]{1,3}\)|\bmed flera\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _filler_stems() -> frozenset[str]:
    return frozenset(stems(" ".join(_TITLE_FILLER)))


def title_core(title: str | None) -> frozenset[str]:
    """The stems that name a case in a title, without "Svar på motion om" and signatories.

    "Svar på motion om stöd till föreningar som nattvandrar - Irene Jonsson (S) med flera"
    and "Motion om stöd till föreningar som nattvandrar" share the core
    {stöd, förening, nattvandr}.
    """
    if not title:
        return frozenset()
    core: set[str] = set()
    parts = re.split(r"\s[-–—]\s", " ".join(title.split()))
    for i, part in enumerate(parts):
        if i > 0 and _SIGNATORIES.search(part):
            continue
        t = part.lower()
        changed = True
        while changed:
            changed = False
            for lead in _TITLE_LEAD:
                if t.startswith(lead + " ") or t == lead:
                    t = t[len(lead) :].lstrip(" :,-–")
                    changed = True
        core.update(
            w for w in stems(t) if w not in _filler_stems() and not w.isdigit() and len(w) > 1
        )
    return frozenset(core)


def same_title_case(a: frozenset[str], b: frozenset[str]) -> bool:
    """Titles name the same case when one core nearly contains the other: 80% of a core of
    3+ stems, or all of a 2-stem core within one of at most 4 (a title cut short)."""
    small, large = sorted((a, b), key=len)
    if len(small) < 2:
        return False
    if len(small) == 2:
        return small <= large and len(large) <= 4
    return len(small & large) / len(small) >= 0.8


_STAGE_ORDER = {
    "motion": 0,
    "initiativarende": 0,
    "interpellation": 0,
    "enkel_fraga": 0,
    "remiss": 1,
    "tjansteskrivelse": 2,
    "yttrande": 3,
    "remissvar": 3,
    "utlatande": 4,
    "sarskilt_uttalande": 4,
    "protokollsutdrag": 5,
    "protokoll": 6,
}
_OUTCOME_STAGE_ORDER = {"proposal": 0, "decision": 1}


def _case_sort_key(rec: dict[str, Any]) -> tuple[Any, ...]:
    stage = _STAGE_ORDER.get(rec["doc_type"] or "", 7)
    # An undated motion opens its case; other undated documents go last.
    undated = "" if stage == 0 else "9999"
    return (
        rec["date"] or undated,
        _STAGE_ORDER.get(rec["doc_type"] or "", 7),
        _OUTCOME_STAGE_ORDER.get(rec["outcome_stage"] or "", 2),
        rec["source"],
        rec["paragraph"] or 0,
    )


def case_history(
    db: str | os.PathLike[str] | Store | None,
    diarienummer: str,
    *,
    mask: bool = True,
    by_title: bool = True,
) -> list[dict[str, Any]]:
    """Every document and § item of one case, oldest first.

    A document that lists the number (a motion's reply, a protocol extract) or a § item of
    minutes that carries it belongs to the case. With `by_title`, documents that carry no
    case number but whose title names the same matter (typically the motion itself, filed
    before it got a number) are added with ``linked_by = "title"``.
    """
    store, owned = _open(db)
    try:
        conn = store.conn
        norm = norm_case(diarienummer)
        rows = conn.execute(
            "SELECT document_id, item_id FROM case_numbers WHERE norm = ?", (norm,)
        ).fetchall()
        with_items = {r[0] for r in rows if r[1] is not None}
        units: list[int] = []
        for doc_id, item_id in rows:
            if item_id is None and doc_id in with_items:
                continue  # minutes: the § item is the entry, not the whole protocol
            if item_id is None:
                u = conn.execute(
                    "SELECT id FROM units WHERE document_id = ? AND item_id IS NULL", (doc_id,)
                ).fetchone()
            else:
                u = conn.execute("SELECT id FROM units WHERE item_id = ?", (item_id,)).fetchone()
            if u is not None:
                units.append(u[0])
        records = [r for r in (unit_record(store, u) for u in dict.fromkeys(units)) if r]
        for rec in records:
            rec["linked_by"] = "diarienummer"
        if by_title and records:
            records.extend(_title_linked(store, records))
        masker = _masker(mask)
        seen: set[tuple[str, Any]] = set()
        out = []
        for rec in sorted(records, key=_case_sort_key):
            key = (rec.pop("sha256"), rec["paragraph"])
            if key in seen:
                continue
            seen.add(key)
            if masker is not None:
                for name in ("title", "evidence", "document_title"):
                    if isinstance(rec.get(name), str):
                        rec[name] = masker(rec[name])
            out.append(rec)
        return out
    finally:
        if owned:
            store.close()


def _title_linked(store: Store, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cores = [c for c in {title_core(r["title"]) for r in records} if len(c) >= 3]
    if not cores:
        return []
    have = {r["document_id"] for r in records}
    terms = sorted(set().union(*cores))
    # Only documents without any diarienummer can be linked by title (facet token).
    match = (
        "title : ("
        + " OR ".join('"' + t + '"' for t in terms)
        + ") AND facets : "
        + _q(facet_token("flag", "nodnr"))
    )
    found = []
    for (uid,) in store.conn.execute(
        "SELECT u.id FROM units_fts JOIN units u ON u.id = units_fts.rowid "
        "WHERE units_fts MATCH ? AND u.item_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM case_numbers c WHERE c.document_id = u.document_id) "
        "ORDER BY rank LIMIT 50",
        (match,),
    ):
        rec = unit_record(store, uid)
        if rec is None or rec["document_id"] in have:
            continue
        core = title_core(rec["title"])
        if any(same_title_case(core, c) for c in cores):
            rec["linked_by"] = "title"
            found.append(rec)
    return found


# ---------------------------------------------------------------------------------------
@dataclass
class Probe:
    """What `similar` compares against: a stored document, or a document given as text."""

    document_id: int | None = None
    text: str = ""
    title: str | None = None
    diarienummer: Sequence[str] = ()
    sha256: str | None = None


def probe_for_document(store: Store, document_id: int) -> Probe | None:
    row = store.conn.execute(
        "SELECT id, title, sha256 FROM documents WHERE id = ?", (document_id,)
    ).fetchone()
    if row is None:
        return None
    numbers = [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT diarienummer FROM case_numbers WHERE document_id = ?", (document_id,)
        )
    ]
    return Probe(document_id=row[0], title=row[1], diarienummer=numbers, sha256=row[2])


def similar(
    db: str | os.PathLike[str] | Store | None,
    probe: Probe,
    filters: Filters | None = None,
    *,
    limit: int = 10,
    mask: bool = True,
) -> SearchResult:
    """The closest *other cases* to `probe` by LSA cosine.

    Documents of the probe's own case (a shared diarienummer, the same title core, or the
    same file content) are left out; hits that belong to one case are grouped under the
    best of them, with the others in `case_sources`.
    """
    filters = filters or Filters()
    store, owned = _open(db)
    try:
        loaded = load_model(store)
        if loaded is None:
            return SearchResult([], None, ["no semantic model yet: run `motioner index` first"])
        model, meta = loaded
        notes = []
        if meta.get("generation") != store.generation:
            notes.append("the semantic model is older than the database; run `motioner index`")
        qv = None
        if probe.document_id is not None:
            units = [
                r[0]
                for r in store.conn.execute(
                    "SELECT id FROM units WHERE document_id = ?", (probe.document_id,)
                )
            ]
            qv = model.vector_of_units(units)
            if qv is None and not probe.text:
                row = store.conn.execute(
                    "SELECT title, text FROM documents WHERE id = ?", (probe.document_id,)
                ).fetchone()
                probe.text = f"{row[0] or ''} {row[1]}" if row else ""
        if qv is None:
            qv = model.transform_text(probe.text)
        if not np.any(qv):
            return SearchResult([], None, [*notes, "the document has no words the model knows"])
        sims = model.unit_vectors_ @ qv
        k = min(max(limit * 20, 200), sims.size)
        top = np.argpartition(sims, -k)[-k:] if k < sims.size else np.arange(sims.size)
        order = top[np.argsort(-sims[top])]
        cand = [(int(model.unit_ids_[i]), float(sims[i])) for i in order]
        if filters.any():
            allowed = _allowed(store.conn, [u for u, _ in cand], filters)
            cand = [(u, s) for u, s in cand if u in allowed]
        own_cases = {norm_case(d) for d in probe.diarienummer}
        own_core = title_core(probe.title)
        has_items = _documents_with_items(store, {u for u, _ in cand})
        masker = _masker(mask)
        groups: list[dict[str, Any]] = []
        same_case: list[str] = []
        seen_sha: set[tuple[str, Any]] = set()
        for uid, cos in cand:
            rec = unit_record(store, uid)
            if rec is None:
                continue
            if rec["paragraph"] is None and rec["document_id"] in has_items:
                continue  # a protocol's front matter is not a case; its § items are
            if rec["document_id"] == probe.document_id or (
                probe.sha256 and rec["sha256"] == probe.sha256
            ):
                continue
            key = (rec["sha256"], rec["paragraph"])
            if key in seen_sha:
                continue
            seen_sha.add(key)
            cases = {norm_case(d) for d in rec["diarienummer"]}
            core = title_core(rec["title"])
            if (cases & own_cases) or same_title_case(core, own_core):
                same_case.append(rec["source"])
                own_cases |= cases  # the case's other numbers (a nämnd's own dnr) join it
                continue
            for g in groups:
                if (cases & g["_cases"]) or same_title_case(core, g["_core"]):
                    g["case_sources"].append(rec["source"])
                    g["_cases"] |= cases
                    break
            else:
                if len(groups) >= limit:
                    continue
                rec["_cases"] = cases
                rec["_core"] = core
                rec["case_sources"] = []
                rec["score"] = round(cos, 4)
                rec["semantic"] = round(cos, 4)
                rec["matched"] = "semantic"
                groups.append(rec)
        hits = []
        for g in groups:
            g.pop("_cases")
            g.pop("_core")
            g.pop("sha256", None)
            if masker is not None:
                for name in ("title", "evidence", "document_title"):
                    if isinstance(g.get(name), str):
                        g[name] = masker(g[name])
            hits.append(g)
        if same_case:
            notes.append(
                f"left out {len(same_case)} document(s) of the same case: "
                + ", ".join(same_case[:5])
                + (" …" if len(same_case) > 5 else "")
            )
        return SearchResult(hits, None, notes)
    finally:
        if owned:
            store.close()


def _documents_with_items(store: Store, unit_ids: set[int]) -> set[int]:
    if not unit_ids:
        return set()
    ids = list(unit_ids)
    out: set[int] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        out.update(
            r[0]
            for r in store.conn.execute(
                f"SELECT DISTINCT u.document_id FROM units u WHERE u.id IN ({marks}) "
                "AND EXISTS (SELECT 1 FROM items i WHERE i.document_id = u.document_id)",
                chunk,
            )
        )
    return out
