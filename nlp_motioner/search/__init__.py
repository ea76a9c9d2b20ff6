"""Search the corpus database: BM25 over Swedish stems (with LSA where it helps), one row
per case, precedents, and case histories.

    >>> from nlp_motioner.search import search, Filters
    >>> hits = search("motioner.db", "nattvandring", Filters(party=["S"]))   # doctest: +SKIP
    >>> import pandas as pd; pd.DataFrame(hits.hits)                         # doctest: +SKIP

Every hit is a flat dict (the JSONL contract of `motioner search`): source, title, doc_type,
date, parties, outcome, outcome_stage, referral_bodies, paragraph (for § items), snippet,
score, and how it matched (`matched`: keyword, semantic or both, with `bm25` and
`semantic`). A case row (the default) adds `case`, `case_numbers`, `committee` (the
number's series), `case_outcome` and `case_documents` (the case's papers in date order).

Rooms: query (the query language), filters, fts (BM25), hybrid (`search`), hits (records),
cases (what belongs to one case), history (`case_history`), similar, semantic (LSA),
snippet.
"""

from __future__ import annotations

from typing import Any

from nlp_motioner.search.cases import same_title_case, title_core
from nlp_motioner.search.filters import Filters
from nlp_motioner.search.fts import fts_only
from nlp_motioner.search.history import case_history, case_summary
from nlp_motioner.search.hits import SearchResult, unit_record
from nlp_motioner.search.hybrid import search
from nlp_motioner.search.query import parse
from nlp_motioner.search.similar import Probe, probe_for_document, similar

__all__ = [
    "Filters",
    "SearchResult",
    "search",
    "similar",
    "Probe",
    "probe_for_document",
    "case_history",
    "case_summary",
    "parse",
    "title_core",
    "same_title_case",
    "fts_only",
    "unit_record",
    "load_model",
]


def __getattr__(name: str) -> Any:
    # The LSA side needs numpy; it is imported only when used (a keyword search or a case
    # history starts faster without it).
    if name in ("load_model", "model_problem", "SemanticModel"):
        from nlp_motioner.search import semantic

        return getattr(semantic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
