"""`similar`: precedents, the closest *other* cases to a document by LSA cosine.

Every paper of the probe's own case is left out: those under its case numbers (any written
form), those whose text names the case (a body's opinion under its own number), those that
carry no number but name the same matter in their title, and the file itself. Hits of one
case are grouped under the best of them, and each says in one line why it matched.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nlp_motioner.search.cases import (
    documents_with_items,
    group_units,
    place_words,
    same_title_case,
    title_core,
    unit_numbers,
)
from nlp_motioner.search.filters import Filters
from nlp_motioner.search.fts import allowed
from nlp_motioner.search.history import cited_keys, collect_case
from nlp_motioner.search.hits import (
    SearchResult,
    mask_record,
    masker,
    open_store,
    unit_records,
    unit_text,
)
from nlp_motioner.store import Store
from nlp_motioner.store.analyze import stems
from nlp_motioner.store.casekeys import keys_of

__all__ = ["Probe", "probe_for_document", "similar"]

# Shared terms named in a hit's reason.
REASON_TERMS = 4


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


def _probe_tokens(store: Store, probe: Probe) -> list[str]:
    if probe.document_id is not None:
        tokens: list[str] = []
        for _, _, text in store.iter_unit_texts(
            [
                r[0]
                for r in store.conn.execute(
                    "SELECT id FROM units WHERE document_id = ?", (probe.document_id,)
                )
            ]
        ):
            tokens += text.split()
        if tokens:
            return tokens
    return stems(f"{probe.title or ''} {probe.text}")


def similar(
    db: str | os.PathLike[str] | Store | None,
    probe: Probe,
    filters: Filters | None = None,
    *,
    limit: int = 10,
    mask: bool = True,
) -> SearchResult:
    """The closest other cases to `probe`, one row per case, each with `why` (shared terms
    or closeness in topic) and `case_sources` (the case's other matching papers)."""
    import numpy as np

    from nlp_motioner.search.semantic import load_model, model_problem

    filters = filters or Filters()
    store, owned = open_store(db)
    try:
        loaded = load_model(store)
        if loaded is None:
            problem = model_problem(store)
            return SearchResult(
                [], None, [problem or "no semantic model yet: run `motioner index` first"]
            )
        model, meta = loaded
        notes = []
        if meta.get("generation") != store.generation:
            notes.append("the semantic model is older than the database; run `motioner index`")
        tokens = _probe_tokens(store, probe)
        qv = None
        if probe.document_id is not None:
            units = [
                r[0]
                for r in store.conn.execute(
                    "SELECT id FROM units WHERE document_id = ?", (probe.document_id,)
                )
            ]
            qv = model.vector_of_units(units)
        if qv is None:
            qv = model.transform_tokens(tokens)
        qv = np.nan_to_num(qv, nan=0.0, posinf=0.0, neginf=0.0)
        if not np.any(qv):
            return SearchResult([], None, [*notes, "the document has no words the model knows"])
        sims = np.nan_to_num(model.unit_vectors_ @ qv, nan=0.0, posinf=0.0, neginf=0.0)
        k = min(max(limit * 20, 200), sims.size)
        top = np.argpartition(sims, -k)[-k:] if k < sims.size else np.arange(sims.size)
        order = top[np.argsort(-sims[top])]
        cand = [(int(model.unit_ids_[i]), float(sims[i])) for i in order]
        if filters.any():
            ok = allowed(store.conn, [u for u, _ in cand], filters)
            cand = [(u, s) for u, s in cand if u in ok]
        hits, left_out = _other_cases(store, probe, cand, limit)
        fn = masker(mask)
        weights = _weights(model, tokens)
        out = []
        for rec in hits:
            rec["why"] = _why(store, rec, weights, rec["semantic"])
            out.append(mask_record(rec, fn))
        if left_out:
            notes.append(
                f"left out {len(left_out)} document(s) of the same case: "
                + ", ".join(left_out[:5])
                + (" …" if len(left_out) > 5 else "")
            )
        return SearchResult(out, None, notes)
    finally:
        if owned:
            store.close()


def _other_cases(
    store: Store, probe: Probe, cand: list[tuple[int, float]], limit: int
) -> tuple[list[dict[str, Any]], list[str]]:
    recs = unit_records(store, [u for u, _ in cand])
    place = place_words(recs.values())
    numbers = unit_numbers(store, list(recs))
    with_items = documents_with_items(store, {r["document_id"] for r in recs.values()})
    own_core = title_core(probe.title, place)
    own_keys = keys_of(probe.diarienummer) | cited_keys(store, _opening(store, probe))
    # First pass: papers without the probe's number that name its matter in their title
    # (the motion and its replies) bring their numbers into the probe's case.
    for uid, rec in recs.items():
        if len(own_core) >= 2 and same_title_case(title_core(rec["title"], place), own_core):
            own_keys |= keys_of(numbers.get(uid, []))
    own_units = {r["unit_id"] for r in collect_case(store, own_keys)} if own_keys else set()
    own_docs = {probe.document_id} | {recs[u]["document_id"] for u in own_units if u in recs}
    order: list[int] = []
    cos: dict[int, float] = {}
    left_out: list[str] = []
    seen: set[tuple[str, Any]] = set()
    for uid, score in cand:
        rec = recs.get(uid)
        if rec is None:
            continue
        if rec["paragraph"] is None and rec["document_id"] in with_items:
            continue  # a protocol's front matter is not a case; its § items are
        key = (rec["sha256"], rec["paragraph"])
        if key in seen:
            continue
        seen.add(key)
        if (
            uid in own_units
            or rec["document_id"] in own_docs
            or (probe.sha256 and rec["sha256"] == probe.sha256)
            or (keys_of(numbers.get(uid, [])) & own_keys)
            or same_title_case(title_core(rec["title"], place), own_core)
        ):
            left_out.append(rec["source"])
            continue
        order.append(uid)
        cos[uid] = score
    groups = group_units(recs, numbers, order, place)
    hits = []
    for g in groups[:limit]:
        rec = dict(recs[g.units[0]])
        rec.pop("sha256", None)
        rec["case_sources"] = list(
            dict.fromkeys(recs[u]["source"] for u in g.units[1:] if u in recs)
        )
        rec["case"] = g.numbers[0] if g.numbers else None
        rec["score"] = round(cos[g.units[0]], 4)
        rec["semantic"] = rec["score"]
        rec["matched"] = "semantic"
        hits.append(rec)
    return hits, list(dict.fromkeys(left_out))


# Where a paper names the matter it answers ("Kommunfullmäktige remitterade den 1 februari
# 2024, § 10, motionen ...", "Begäran om yttrande (KS-2024-00511)"): its title and opening.
OPENING_CHARS = 1000


def _opening(store: Store, probe: Probe) -> str:
    text = probe.text
    if probe.document_id is not None:
        row = store.conn.execute(
            "SELECT text FROM documents WHERE id = ?", (probe.document_id,)
        ).fetchone()
        text = row[0] if row else text
    return f"{probe.title or ''}\n{(text or '')[:OPENING_CHARS]}"


def _weights(model: Any, tokens: list[str]) -> dict[str, float]:
    """TF-IDF weight of each of the probe's known stems (sublinear tf, as the model)."""
    counts = Counter(t for t in tokens if t in model.vocabulary_)
    return {
        t: (1.0 + math.log(c)) * float(model.idf_[model.vocabulary_[t]]) for t, c in counts.items()
    }


_WORDS = re.compile(r"[^\W_]+")


def _surface(text: str, wanted: list[str]) -> dict[str, str]:
    """The first word in `text` whose stem is each of `wanted` (for a readable reason)."""
    left = set(wanted)
    out: dict[str, str] = {}
    for m in _WORDS.finditer(text[:200_000]):
        word = m.group(0)
        s = stems(word)
        if s and s[0] in left:
            out[s[0]] = word.lower()
            left.discard(s[0])
            if not left:
                break
    return out


def _why(store: Store, rec: dict[str, Any], weights: dict[str, float], cosine: float) -> str:
    """One line: the distinctive terms the hit shares with the probe, or its closeness in
    topic (LSA) when it shares none of weight."""
    row = store.conn.execute(
        "SELECT title, body FROM units_fts WHERE rowid = ?", (rec["unit_id"],)
    ).fetchone()
    hit_terms = Counter(f"{row[0]} {row[1]}".split()) if row else Counter()
    shared = sorted(
        (t for t in weights if t in hit_terms),
        key=lambda t: -(weights[t] * (1.0 + math.log(hit_terms[t]))),
    )[:REASON_TERMS]
    total = sum(weights.values()) or 1.0
    if shared and sum(weights[t] for t in shared) / total >= 0.02:
        words = _surface(unit_text(store, rec), shared)
        return "shared terms: " + ", ".join(words.get(t, t) for t in shared)
    return f"close in topic (LSA cosine {cosine:.2f}), few distinctive words in common"
