"""Names for fitted themes: distinctive words and phrases, and seed names that hold.

* **Terms** come from class-based TF-IDF (a theme's term frequency times the log of how
  rare the term is across themes). A phrase replaces the single words it contains. The
  vocabulary has no procedural words and no names of bodies (LemmaText drops them), so a
  label names the matter, not the committee or the paperwork.
* **Seed names**: a seed names a theme only when most of the theme's units are about the
  seed's terms (`seed_name_share`; see `seeds.seed_matches`) and so are most of its
  `seed_top` most central units (`seed_top_share`), and, when the theme has a dominant CAP
  topic and the seed lists CAP topics, the two agree. Each seed names at most one theme
  and each theme takes at most one seed, by a one-to-one assignment that maximises the
  number of matching units.
* **CAP topic**: with CAP probabilities, each theme gets the topic most of its units have
  (`cap_index`, an index into the probability columns) and the share that have it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from nlp_motioner.themes.seeds import SeedTheme, seed_matches

__all__ = ["class_tfidf", "label_terms", "describe_themes", "signature"]


def class_tfidf(counts: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """k x V: each theme's term frequencies weighted by the terms' rarity across themes."""
    onehot = sp.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    tf = np.asarray((onehot @ counts).todense())
    per_class = tf.sum(axis=1, keepdims=True)
    avg = max(1.0, float(per_class.mean()))
    freq = tf.sum(axis=0)
    return (tf / np.maximum(per_class, 1.0)) * np.log1p(avg / np.maximum(freq, 1.0))


def label_terms(row: np.ndarray, terms: Sequence[str], n: int) -> list[str]:
    """The `n` most distinctive terms of one theme; a phrase replaces the words it holds."""
    order = np.argsort(-row, kind="stable")[: 12 * n]
    chosen: list[str] = []
    for i in order:
        if row[i] <= 0:
            break
        term = str(terms[i])
        parts = term.split()
        if len(parts) == 2 and parts[0] == parts[1]:
            continue
        if len(parts) == 1 and any(term in c.split() for c in chosen):
            continue
        if len(parts) == 2:
            chosen = [c for c in chosen if c not in parts]
            if any(set(parts) & set(c.split()) for c in chosen if " " in c):
                continue
        chosen.append(term)
        if len(chosen) >= n:
            break
    return chosen


def signature(row: np.ndarray, terms: Sequence[str], n: int = 40) -> dict[str, float]:
    order = np.argsort(-row, kind="stable")[:n]
    return {str(terms[i]): round(float(row[i]), 6) for i in order if row[i] > 0}


def _seed_names(
    est: Any,
    X: Sequence[str],
    labels: np.ndarray,
    scores: np.ndarray,
    seeds: list[SeedTheme],
    k: int,
    theme_cap: list[int | None],
) -> tuple[dict[int, int], np.ndarray]:
    """{theme: seed index} for seeds whose terms most of the theme's units use."""
    from nlp_motioner.themes.text import procedural_terms

    share = np.zeros((k, len(seeds)))
    if not seeds:
        return {}, share
    match = seed_matches(X, seeds, procedural_terms())
    ok = np.zeros((k, len(seeds)), dtype=bool)
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if not len(members):
            continue
        share[c] = match[members].mean(axis=0)
        top = members[np.argsort(-scores[members, c], kind="stable")][: est.seed_top]
        top_share = match[top].mean(axis=0)
        ok[c] = (share[c] >= est.seed_name_share) & (top_share >= est.seed_top_share)
        if theme_cap[c] is not None:
            ok[c] &= np.array([not s.cap or theme_cap[c] in s.cap for s in seeds])
    sizes = np.bincount(labels, minlength=k)
    mass = np.where(ok, share * sizes[:, None], 0.0)
    named: dict[int, int] = {}
    if mass.any():
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(-mass)
        for r, c in zip(rows, cols):
            if ok[r, c]:
                named[int(r)] = int(c)
    return named, share


def describe_themes(
    est: Any,
    counts: sp.csr_matrix,
    X: Sequence[str],
    labels: np.ndarray,
    scores: np.ndarray,
    seeds: list[SeedTheme],
    cap: Any = None,
    cap_classes: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """One dict per theme: index, name, label, seeded, terms, size, signature, seed share
    and, with CAP probabilities, the dominant topic (`cap_topic`, its column `cap_index`)
    and the share of the theme's units whose most probable topic it is."""
    k = est.k_
    ctf = class_tfidf(counts, labels, k)
    est.class_tfidf_ = ctf
    sizes = np.bincount(labels, minlength=k)
    P = None if cap is None else np.asarray(cap, dtype=np.float64)
    dominant: list[tuple[int, float] | None] = []
    for c in range(k):
        members = labels == c
        if P is None or not members.any():
            dominant.append(None)
            continue
        votes = np.bincount(P[members].argmax(axis=1), minlength=P.shape[1])
        dominant.append((int(votes.argmax()), round(float(votes.max() / members.sum()), 3)))
    theme_cap = [
        int(cap_classes[d[0]]) if d is not None and cap_classes is not None else None
        for d in dominant
    ]
    named, share = _seed_names(est, X, labels, scores, seeds, k, theme_cap)
    themes = []
    for c in range(k):
        top = label_terms(ctf[c], est.text_.terms_, 10)
        label = ", ".join(top[: est.n_label_terms])
        seed = named.get(c)
        theme: dict[str, Any] = {
            "index": c,
            "name": seeds[seed].name if seed is not None else label,
            "label": label,
            "seeded": seed is not None,
            "seed_share": round(float(share[c, seed]), 3) if seed is not None else None,
            "terms": top,
            "size": int(sizes[c]),
            "signature": signature(ctf[c], est.text_.terms_),
            "cap_topic": theme_cap[c],
            "cap_index": dominant[c][0] if dominant[c] else None,
            "cap_share": dominant[c][1] if dominant[c] else None,
        }
        themes.append(theme)
    return themes
