"""BM25 over the stemmed units: filters inside FTS5, the impact shortcut, a time budget.

`rank(store, match, filters, k)` is the keyword side of every search: the best k units by
BM25 (title weighted 4, body 1) as (unit id, score) pairs, higher is better.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from nlp_motioner.search.filters import Filters, _q
from nlp_motioner.search.query import Query, parse
from nlp_motioner.store import Store
from nlp_motioner.store.analyze import IMPACT_MAX_TIER, IMPACT_MIN_TIER, impact_token

__all__ = ["rank", "fts_only", "impact_terms", "allowed", "time_budget", "QueryTimeout"]

# Below this many text matches a filtered query checks the filter row by row (see rank).
FEW_MATCHES = 5000
# A one-word query with at least FEW_MATCHES matches (after the filters) is ranked over the
# units where its word has a high impact tier (see _impact_first); a tier is used when at
# least max(IMPACT_CANDIDATES, 2 * k) of its units match.
IMPACT_CANDIDATES = 200
# How many units the impact tokens of the first tier tried should hold.
IMPACT_SCAN = 2000


class QueryTimeout(Exception):
    """A query ran past its time budget (SQLite interrupted it)."""


@contextmanager
def time_budget(conn: sqlite3.Connection, seconds: float | None) -> Iterator[None]:
    """Interrupt any statement on `conn` that runs after `seconds` from now; the statement
    then raises QueryTimeout. A budget of None or 0 means no limit."""
    if not seconds:
        yield
        return
    deadline = time.monotonic() + seconds
    # Checked every 1,000 SQLite VM steps (about every millisecond of an FTS5 query).
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1_000)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc).lower():
            raise QueryTimeout(f"stopped after {seconds:g} s") from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)


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


def rank(
    store: Store, match: str, filters: Filters, k: int, terms: Sequence[str] = ()
) -> list[tuple[int, float]]:
    """BM25 top k: the filters narrow the match inside FTS5 (facet tokens); what the tokens
    cannot decide exactly (day-level dates, substrings) is checked on the survivors.

    `terms` (see impact_terms: the one stem of a one-word query, else empty) allow the
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
    return rank(store, q.match, filters or Filters(), limit, impact_terms(q))


def impact_terms(q: Query) -> list[str]:
    """The stem the impact shortcut may use: only for a query with one positive stem (and
    no prefix*). With two or more, the best BM25 sums come from units where every word is
    moderately frequent, which no single word's impact tier finds (measured: top-100
    recall down to 0.4 on common word pairs), so those are ranked in full."""
    return list(q.terms) if len(q.terms) == 1 and not q.prefixes else []


def allowed(conn: sqlite3.Connection, unit_ids: list[int], filters: Filters) -> set[int]:
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
