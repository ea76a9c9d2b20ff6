"""Choosing the number of themes by how reproducible the themes are.

For each candidate k the units are clustered once in full and `runs` times on random
subsamples (`fraction` of the units). A theme of the full clustering is recovered by a run
when some cluster of the run holds nearly the same units: the best Jaccard index between
the theme (restricted to the subsample) and any cluster of the run. A theme's stability is
its mean best Jaccard over the runs (Hennig 2007, "Cluster-wise assessment of cluster
stability"), and the score of k is the mean over its themes.

Splitting a corpus into more themes than it holds makes themes that come out differently
each time, so the score falls as k grows past what the data supports. The chosen k is the
largest whose score (smoothed over its neighbours) reaches `cut` (0.6: clusters that
reflect a pattern in the data rather than noise, in Hennig's terms); when no k does, the k
with the best score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["stability", "choose_k"]

Cluster = Callable[[np.ndarray, int, int], np.ndarray]


def _best_jaccard(full: np.ndarray, part: np.ndarray, k: int) -> np.ndarray:
    """Per cluster of `full`: the best Jaccard index with any cluster of `part` (same units)."""
    out = np.zeros(k)
    m = int(part.max()) + 1 if len(part) else 0
    # Contingency table: units of theme c that the run put in cluster d.
    table = np.zeros((k, m))
    np.add.at(table, (full, part), 1)
    size_c = table.sum(axis=1, keepdims=True)
    size_d = table.sum(axis=0, keepdims=True)
    union = size_c + size_d - table
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, table / union, 0.0)
    present = size_c[:, 0] > 0
    out[present] = jac[present].max(axis=1) if m else 0.0
    return out


def stability(
    Z: np.ndarray,
    k: int,
    cluster: Cluster,
    *,
    runs: int = 4,
    fraction: float = 0.8,
    random_state: int = 0,
) -> float:
    """Mean over the themes of the full clustering of their mean best Jaccard over runs."""
    n = len(Z)
    full = cluster(Z, k, random_state)
    scores = np.zeros(k)
    counted = np.zeros(k)
    for r in range(runs):
        rng = np.random.default_rng(random_state + 1 + r)
        pick = np.sort(rng.choice(n, max(k + 1, int(fraction * n)), replace=False))
        part = cluster(Z[pick], k, random_state + 1 + r)
        sub = full[pick]
        jac = _best_jaccard(sub, part, k)
        present = np.bincount(sub, minlength=k) > 0
        scores[present] += jac[present]
        counted[present] += 1
    used = counted > 0
    return float((scores[used] / counted[used]).mean()) if used.any() else 0.0


def choose_k(
    Z: np.ndarray,
    ks: Sequence[int],
    cluster: Cluster,
    *,
    cut: float = 0.6,
    runs: int = 4,
    fraction: float = 0.8,
    random_state: int = 0,
    progress: Callable[[int, int | None], None] | None = None,
) -> tuple[int, dict[int, float]]:
    """The k to use and the stability score of every candidate (see the module docstring)."""
    ks = sorted(set(int(k) for k in ks if 2 <= k < len(Z)))
    if not ks:
        return max(1, min(2, len(Z))), {}
    scores: dict[int, float] = {}
    for i, k in enumerate(ks):
        scores[k] = round(
            stability(Z, k, cluster, runs=runs, fraction=fraction, random_state=random_state), 4
        )
        if progress:
            progress(i + 1, len(ks))
    smooth = {}
    for i, k in enumerate(ks):
        near = [scores[ks[j]] for j in range(max(0, i - 1), min(len(ks), i + 2))]
        smooth[k] = sum(near) / len(near)
    stable = [k for k in ks if smooth[k] >= cut]
    if stable:
        return max(stable), scores
    return max(ks, key=lambda k: (scores[k], -k)), scores
