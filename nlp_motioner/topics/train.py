"""Train and evaluate the CAP classifier on labelled cases (dev-cap.jsonl joined to arenden.json).

    python -m nlp_motioner.topics.train CASES.json LABELS.jsonl --out models/cap

Cross-validation is grouped by normalised title (`title_group`): cases whose titles differ
only in years, dates or months ("Delegerade beslut 2024", "Delegerade beslut 2025") are the
same recurring matter, and a fold never holds one on both sides. So the figures estimate
the score on matters the training data has never seen; cases whose matter recurs in the
training data (the usual delegation reports and budget follow-ups) score higher in use.
The plain baseline (TF-IDF words + logistic regression on title and decision text) runs in
the same folds.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from nlp_motioner.topics.cap import CapClassifier, Progress
from nlp_motioner.topics.inputs import case_input
from nlp_motioner.topics.procedural import procedural_kind

__all__ = ["load_labelled_cases", "title_group", "evaluate_cap", "train_cap"]

_MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december "
    "jan feb mar apr jun jul aug sep sept okt nov dec"
).split()
_FILLER = {"per", "år", "tom", "t", "o", "m", "för", "läsåret", "verksamhetsåret", "kvartal", "q"}


def title_group(title: str) -> str:
    """A title without numbers, months and punctuation: one key per recurring matter."""
    text = re.sub(r"\d+", " ", str(title).lower())
    text = re.sub(r"[^\wåäöéü]+", " ", text)
    return " ".join(w for w in text.split() if w not in _MONTHS and w not in _FILLER)


def load_labelled_cases(
    cases_path: str | os.PathLike[str], labels_path: str | os.PathLike[str]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(case record, label) pairs joined on `id`; labels without a case are skipped."""
    with open(cases_path, encoding="utf-8-sig") as fh:
        data = json.load(fh)
    if isinstance(data, dict):
        data = data.get("arenden") or data.get("cases") or list(data.values())
    cases = {str(c.get("id")): c for c in data if isinstance(c, dict) and c.get("id")}
    out = []
    with open(labels_path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            label = json.loads(line)
            case = cases.get(str(label.get("id")))
            if case is not None and isinstance(label.get("cap_major"), int):
                out.append((case, label))
    return out


def _weighted(y: np.ndarray, pred: np.ndarray, mask: np.ndarray | None = None) -> float:
    if mask is not None:
        y, pred = y[mask], pred[mask]
    if not len(y):
        return float("nan")
    return round(float(f1_score(y, pred, average="weighted", zero_division=0)), 4)


def _macro(y: np.ndarray, pred: np.ndarray) -> float:
    return round(float(f1_score(y, pred, average="macro", zero_division=0)), 4)


def _baseline_oof(texts: list[str], y: np.ndarray, splits: list) -> np.ndarray:
    pred = np.zeros_like(y)
    for train, test in splits:
        vec = TfidfVectorizer()
        clf = LogisticRegression(C=10, max_iter=3000)
        clf.fit(vec.fit_transform([texts[i] for i in train]), y[train])
        pred[test] = clf.predict(vec.transform([texts[i] for i in test]))
    return pred


def evaluate_cap(
    pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    *,
    cv: int = 5,
    random_state: int = 0,
    progress: Progress | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Grouped cross-validated scores of the CAP classifier and of the plain baseline."""
    X = [case_input(c) for c, _ in pairs]
    y = np.array([lab["cap_major"] for _, lab in pairs], dtype=np.int64)
    groups = [title_group(c.get("title") or "") for c, _ in pairs]
    counts = Counter(groups)
    recurring = np.array([counts[g] > 1 for g in groups])
    model = CapClassifier(cv=cv, random_state=random_state, **params)
    t0 = time.process_time()
    dec = model.out_of_fold(X, y, groups, progress)
    classes = np.unique(y)
    from nlp_motioner.topics.cap import _fit_temperature, _softmax, threshold_curve

    temperature = _fit_temperature(dec, y, classes)
    proba = _softmax(dec / temperature)
    pred = classes[proba.argmax(axis=1)]
    curve = threshold_curve(proba, y, classes)
    from nlp_motioner.topics.cap import choose_threshold

    threshold = choose_threshold(curve, model.target_precision)
    at = next(r for r in curve if r["threshold"] == threshold)
    cpu = time.process_time() - t0

    splits = model._splits(y, groups)
    texts = [f"{c.get('title') or ''}. {x['decision']}" for (c, _), x in zip(pairs, X)]
    base = _baseline_oof(texts, y, splits)

    proc_true = np.array([bool(lab.get("procedural")) for _, lab in pairs])
    proc_pred = np.array(
        [procedural_kind(c.get("title"), x["decision"]) is not None for (c, _), x in zip(pairs, X)]
    )
    tp = int((proc_true & proc_pred).sum())
    return {
        "n": len(y),
        "topics": len(classes),
        "folds": cv,
        "grouping": "normalised title",
        "recurring_cases": int(recurring.sum()),
        "unique_cases": int((~recurring).sum()),
        "weighted_f1": _weighted(y, pred),
        "macro_f1": _macro(y, pred),
        "weighted_f1_recurring": _weighted(y, pred, recurring),
        "weighted_f1_unique": _weighted(y, pred, ~recurring),
        "baseline": {
            "method": "TF-IDF words + logistic regression, C=10 (title and decision text)",
            "weighted_f1": _weighted(y, base),
            "macro_f1": _macro(y, base),
            "weighted_f1_recurring": _weighted(y, base, recurring),
            "weighted_f1_unique": _weighted(y, base, ~recurring),
        },
        "temperature": round(temperature, 4),
        "threshold": threshold,
        "at_threshold": at,
        "curve": curve,
        "procedural": {
            "labelled": int(proc_true.sum()),
            "flagged": int(proc_pred.sum()),
            "precision": round(tp / max(1, int(proc_pred.sum())), 4),
            "recall": round(tp / max(1, int(proc_true.sum())), 4),
        },
        "cv_cpu_seconds": round(cpu, 1),
        "predictions": pred,
        "labels": y,
        "proba": proba,
        "classes": classes,
        "recurring": recurring,
    }


def train_cap(
    pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    *,
    progress: Progress | None = None,
    **params: Any,
) -> CapClassifier:
    """The CAP classifier fitted on all labelled cases (calibrated by grouped CV)."""
    X = [case_input(c) for c, _ in pairs]
    y = [lab["cap_major"] for _, lab in pairs]
    groups = [title_group(c.get("title") or "") for c, _ in pairs]
    return CapClassifier(**params).fit(X, y, groups=groups, progress=progress)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m nlp_motioner.topics.train", description=__doc__)
    ap.add_argument("cases")
    ap.add_argument("labels")
    ap.add_argument("--out", default="models/cap")
    args = ap.parse_args(argv)
    pairs = load_labelled_cases(args.cases, args.labels)
    scores = evaluate_cap(pairs)
    for key in ("predictions", "labels", "curve", "proba", "classes", "recurring"):
        scores.pop(key)
    cpu = scores.pop("cv_cpu_seconds")  # not saved: a rebuild writes the same files
    model = train_cap(pairs)
    model.save(
        args.out,
        extra={
            "trained_on": {
                "cases": os.path.basename(args.cases),
                "labels": os.path.basename(args.labels),
                "n": len(pairs),
            },
            "cv": scores,
        },
    )
    print(json.dumps({**scores, "cv_cpu_seconds": cpu}, ensure_ascii=False, indent=1))
    print(f"CAP model -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
