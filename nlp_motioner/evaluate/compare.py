"""How a predicted field is compared with its label, and precision/recall arithmetic."""

from __future__ import annotations

from typing import Any

__all__ = ["same", "prf", "BodyTally", "outcome_prf"]


def _norm_name(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _norm_dnr(value: str) -> str:
    return "".join(str(value).split()).casefold()


def same(field: str, gold: Any, pred: Any) -> bool:
    """Whether a predicted field value matches its label: titles and names compared without
    case or spacing, lists (parties, reservations) as sets, case numbers without spaces
    (an item label may give one number as a string)."""
    if field == "title":
        return _norm_name(gold or "") == _norm_name(pred or "")
    if field in ("parties", "reservations"):
        return sorted(gold or []) == sorted(pred or [])
    if field == "diarienummer":
        gold = [gold] if isinstance(gold, str) else gold
        return {_norm_dnr(x) for x in gold or []} == {_norm_dnr(x) for x in pred or []}
    return (gold or None) == (pred or None)


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


class BodyTally:
    """Referral bodies counted as retrieval over all labels: true and false positives and
    false negatives of the named bodies (compared without case or spacing)."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, label: dict[str, Any], rec: dict[str, Any]) -> tuple[list[str], list[str]] | None:
        """Count one labelled unit; (gold, predicted) sorted when they differ, else None."""
        gold = {_norm_name(b) for b in label.get("referral_bodies") or []}
        pred = {_norm_name(b) for b in rec.get("referral_bodies") or []}
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        return None if gold == pred else (sorted(gold), sorted(pred))

    def prf(self) -> dict[str, Any]:
        return prf(self.tp, self.fp, self.fn)


def outcome_prf(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    """Outcome as retrieval of stated outcomes: precision over the outcomes the tagger gave
    (an outcome given where none is stated counts against it), recall over the stated ones."""
    given = [(g, p) for g, p in pairs if p]
    stated = [(g, p) for g, p in pairs if g]
    correct = sum(1 for g, p in pairs if g and g == p)
    return {
        "precision": correct / len(given) if given else None,
        "recall": correct / len(stated) if stated else None,
        "given": len(given),
        "stated": len(stated),
        "invented": sum(1 for g, p in pairs if p and not g),
    }
