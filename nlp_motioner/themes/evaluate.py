"""Theme quality as a number: agreement of the theme clusters with labelled case categories.

Cases are records in the format of arenden-dev.json; a case's text is its title plus the
quotes of its steps, its label is `category`. The same run fits a plain baseline (scikit-learn
TfidfVectorizer with default settings + k-means at the same k), so the figures say what the
Swedish lemmas, phrases and seeds add. Random seeds are fixed: runs are reproducible.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from nlp_motioner.themes.model import LemmaText, ThemeClusterer

__all__ = ["case_text", "evaluate_cases", "load_cases"]


def case_text(case: dict[str, Any]) -> str:
    quotes = " ".join((s.get("quote") or "") for s in case.get("steps") or [])
    return f"{case.get('title') or ''}. {quotes}".strip()


def load_cases(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8-sig") as fh:
        data = json.load(fh)
    if isinstance(data, dict):
        data = data.get("arenden") or data.get("cases") or list(data.values())
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of case records")
    return [c for c in data if isinstance(c, dict) and c.get("category")]


def evaluate_cases(
    cases: list[dict[str, Any]], *, k: int | str = "auto", seeds: Any = None, random_state: int = 0
) -> dict[str, Any]:
    """NMI and ARI of the theme pipeline and of the plain baseline against `category`."""
    if len(cases) < 3:
        raise ValueError("need at least 3 labelled cases")
    texts = [case_text(c) for c in cases]
    y = [c["category"] for c in cases]
    t0 = time.perf_counter()
    clusterer = ThemeClusterer(k=k, seeds=seeds, random_state=random_state).fit(
        LemmaText().transform(texts)
    )
    fit_s = time.perf_counter() - t0
    pred = clusterer.labels_
    base = KMeans(n_clusters=clusterer.k_, n_init=10, random_state=random_state).fit_predict(
        TfidfVectorizer().fit_transform(texts)
    )
    sizes = sorted(
        ((t["size"], t["name"], t["label"]) for t in clusterer.themes_), key=lambda x: -x[0]
    )
    return {
        "n": len(cases),
        "categories": len(set(y)),
        "k": int(clusterer.k_),
        "k_criterion": "silhouette (cosine, LSA space)" if k == "auto" else "given",
        "nmi": round(float(normalized_mutual_info_score(y, pred)), 4),
        "ari": round(float(adjusted_rand_score(y, pred)), 4),
        "baseline_nmi": round(float(normalized_mutual_info_score(y, base)), 4),
        "baseline_ari": round(float(adjusted_rand_score(y, base)), 4),
        "fit_seconds": round(fit_s, 2),
        "themes": [
            {"name": name, "label": label, "size": int(size)} for size, name, label in sizes
        ],
    }
