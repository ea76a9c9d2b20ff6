"""Theme and CAP quality as numbers, against the CAP labels of dev cases, each beside a plain
baseline computed in the same run.

* **CAP classifier**: grouped cross-validation (`topics.train.evaluate_cap`): weighted and
  macro F1, on cases whose (normalised) title recurs in the data and on unique titles,
  beside TF-IDF words + logistic regression in the same folds.
* **Themes**: fitted over the cases the procedural rules keep, with each case's CAP
  probabilities taken from the cross-validation (a model that never saw its title), so the
  CAP labels the themes are scored against did not leak into them. NMI and ARI against the
  CAP labels, beside plain TF-IDF + LSA + k-means at the same k, the themes without the CAP
  part, and the committee that handled the case (no text at all).
* **Seed names**: a seeded theme is contradicted when fewer than half of its 10 most
  central cases have a CAP label in the seed's `cap` list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

from nlp_motioner.themes.api import fit_themes
from nlp_motioner.themes.seeds import load_seeds
from nlp_motioner.themes.units import case_text, units_from_case_records
from nlp_motioner.topics.train import evaluate_cap

__all__ = ["case_text", "evaluate_themes"]

Progress = Callable[[int, int | None], None]


def _scores(y: np.ndarray, pred: Sequence[Any]) -> tuple[float, float]:
    return (
        round(float(normalized_mutual_info_score(y, pred)), 4),
        round(float(adjusted_rand_score(y, pred)), 4),
    )


def plain_baseline(texts: list[str], k: int, random_state: int = 0) -> np.ndarray:
    """TF-IDF (scikit-learn defaults) + LSA (100 dimensions) + k-means at k."""
    X = TfidfVectorizer().fit_transform(texts)
    dims = max(2, min(100, X.shape[1] - 1, len(texts) - 1))
    Z = normalize(TruncatedSVD(dims, random_state=random_state).fit_transform(X))
    return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(Z)


def evaluate_themes(
    pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    *,
    k: int | str = "auto",
    seeds: Any = None,
    random_state: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """All figures of `motioner eval themes` (see the module docstring)."""
    if len(pairs) < 10:
        raise ValueError("need at least 10 labelled cases")
    cap = evaluate_cap(pairs, random_state=random_state)
    proba, classes = cap.pop("proba"), cap.pop("classes")
    y_all = cap.pop("labels")
    cap.pop("predictions")
    cap.pop("recurring")
    units = units_from_case_records([c for c, _ in pairs], source="cases")
    for u, row in zip(units, proba):
        u["cap_proba"] = [float(p) for p in row]
    label_of = {u["id"]: int(y) for u, y in zip(units, y_all)}
    t0 = time.process_time()
    model = fit_themes(
        units,
        k=k,
        seeds=seeds,
        cap_classes=[int(c) for c in classes],
        cap_threshold=cap["threshold"],
        progress=progress,
    )
    fit_cpu = time.process_time() - t0
    a = model.assignments()
    y = np.array([label_of[i] for i in a["id"]])
    kept = {u["id"] for u in units if not u["procedural"]}
    texts = [
        u["text"] for u in sorted((u for u in units if u["id"] in kept), key=lambda u: u["id"])
    ]
    kk = int(model.clusterer.k_)
    base = plain_baseline(texts, kk, random_state)
    text_only = fit_themes(
        [{k_: v for k_, v in u.items() if k_ != "cap_proba"} for u in units],
        k=kk,
        seeds=seeds,
        cap_model=None,
        random_state=random_state,
    ).assignments()["theme"]
    committee = a["committee"].fillna("(none)").tolist()
    nmi, ari = _scores(y, a["theme"])
    b_nmi, b_ari = _scores(y, base)
    t_nmi, t_ari = _scores(y, text_only)
    c_nmi, c_ari = _scores(y, committee)
    return {
        "cap": cap,
        "themes": {
            "cases": len(a),
            "procedural_left_out": len(units) - len(a),
            "k": kk,
            "k_criterion": "cluster stability (mean best Jaccard over 80% subsamples)"
            if k == "auto"
            else "given",
            "k_scores": model.clusterer.k_scores_,
            "nmi": nmi,
            "ari": ari,
            "baseline": {
                "method": "TF-IDF + LSA(100) + k-means, same k",
                "nmi": b_nmi,
                "ari": b_ari,
            },
            "text_only": {
                "method": "these themes without the CAP part, same k",
                "nmi": t_nmi,
                "ari": t_ari,
            },
            "committee": {
                "method": "the committee that handled the case (no text)",
                "nmi": c_nmi,
                "ari": c_ari,
            },
            "nmi_ratio": round(nmi / b_nmi, 2) if b_nmi else None,
            "fit_cpu_seconds": round(fit_cpu, 1),
            "list": _theme_rows(model, label_of),
        },
        "seeds": _seed_check(model, label_of, seeds),
    }


def _theme_rows(model: Any, label_of: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    df = model.themes(top=10)
    for t in df.itertuples(index=False):
        labels = [label_of[u] for u in t.top_units if u in label_of]
        rows.append(
            {
                "id": t.id,
                "name": t.name,
                "seeded": bool(t.seeded),
                "size": int(t.size),
                "cap_topic": t.cap_topic,
                "cap_name": t.cap_name,
                "top_labels": labels,
            }
        )
    return rows


def _seed_check(model: Any, label_of: dict[str, int], seeds: Any) -> dict[str, Any]:
    if seeds is None:
        seed_list = load_seeds()
    elif isinstance(seeds, (list, tuple)):
        seed_list = list(seeds)
    else:
        seed_list = load_seeds(seeds)
    cap_of = {s.name: set(s.cap) for s in seed_list}
    out = []
    df = model.themes(top=10)
    for t in df[df["seeded"]].itertuples(index=False):
        allowed = cap_of.get(t.name) or set()
        labels = [label_of[u] for u in t.top_units if u in label_of]
        agree = sum(1 for lab in labels if lab in allowed)
        out.append(
            {
                "name": t.name,
                "size": int(t.size),
                "top": len(labels),
                "agree": agree,
                "contradicted": bool(allowed) and agree * 2 < len(labels),
            }
        )
    return {
        "seeded_themes": len(out),
        "contradicted": sum(r["contradicted"] for r in out),
        "themes": out,
    }
