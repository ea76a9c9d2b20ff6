"""The CAP side of themes: CAP inputs of theme units and their topic probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nlp_motioner.modelfile import ModelFileError

__all__ = ["cap_inputs", "default_cap_model", "tag_cap_topics", "unit_cap", "unsure_to_zero"]


def cap_inputs(units: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    from nlp_motioner.topics import clean_title

    out = []
    for u in units:
        committee = u.get("committees") or ([u["committee"]] if u.get("committee") else [])
        out.append(
            {
                "title": clean_title(u.get("title")),
                "decision": u.get("decision") or "",
                "body": u.get("text") or "",
                "committee": committee,
            }
        )
    return out


def default_cap_model() -> Any:
    from nlp_motioner.topics import load_cap_model

    try:
        return load_cap_model()
    except ModelFileError:
        return None


def unsure_to_zero(P: np.ndarray, threshold: float) -> np.ndarray:
    """Rows whose best probability is below the threshold become zeros: where the CAP model
    abstains, it must not pull a unit towards any topic."""
    P = np.array(P, dtype=np.float64)
    P[P.max(axis=1) < threshold] = 0.0
    return P


def unit_cap(
    units: list[dict[str, Any]],
    cap_model: Any,
    cap_classes: Sequence[int] | None,
    cap_threshold: float | None,
) -> tuple[np.ndarray | None, list[int] | None, float]:
    """CAP probabilities of the units, and sets `cap_topic`/`cap_score` where missing."""
    if all(u.get("cap_proba") is not None for u in units):
        if not cap_classes:
            raise ValueError("units carry cap_proba: give cap_classes (the topic of each column)")
        P = np.array([u["cap_proba"] for u in units], dtype=np.float64)
        if P.ndim != 2 or P.shape[1] != len(cap_classes):
            raise ValueError("cap_proba and cap_classes differ in length")
        threshold = float(cap_threshold or 0.0)
        return unsure_to_zero(P, threshold), [int(c) for c in cap_classes], threshold
    model = default_cap_model() if cap_model == "default" else cap_model
    if model is None:
        return None, None, 0.0
    threshold = float(model.threshold_ if cap_threshold is None else cap_threshold)
    P = model.predict_proba(cap_inputs(units))
    best = P.argmax(axis=1)
    for u, row, j in zip(units, P, best):
        if u.get("cap_topic") is None and row[j] >= model.threshold_:
            u["cap_topic"], u["cap_score"] = int(model.classes_[j]), round(float(row[j]), 3)
    return unsure_to_zero(P, threshold), [int(c) for c in model.classes_], threshold


def tag_cap_topics(units: Sequence[dict[str, Any]]) -> bool:
    """Set each unit's `cap_topic` and `cap_score` from the shipped CAP model (None where
    it abstains); False, with the units untouched, when there is no usable model."""
    model = default_cap_model()
    if model is None:
        return False
    for u, (topic, score) in zip(units, model.predict_topic(cap_inputs(units))):
        u["cap_topic"], u["cap_score"] = topic, score
    return True
