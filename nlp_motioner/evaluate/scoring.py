"""Scores of tag records against document and § item labels."""

from __future__ import annotations

from collections import Counter
from typing import Any

from nlp_motioner.evaluate.compare import BodyTally, outcome_prf, same

__all__ = ["FIELDS", "ITEM_FIELDS", "score"]

FIELDS = ("doc_type", "parties", "outcome", "outcome_stage", "date", "diarienummer", "title")
# The fields of an item label that are scored.
ITEM_FIELDS = ("outcome", "outcome_stage", "parties", "reservations", "diarienummer", "title")


def score(
    doc_labels: list[dict[str, Any]],
    item_labels: list[dict[str, Any]],
    records: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Scores of tag records (by file path, as `Document.tag_record()`) against labels."""
    fields: dict[str, dict[str, Any]] = {f: {"correct": 0, "total": 0} for f in FIELDS}
    mistakes: list[dict[str, Any]] = []
    confusion: Counter[tuple[str, str]] = Counter()
    tally = BodyTally()
    outcome_pairs: list[tuple[Any, Any]] = []
    for label in doc_labels:
        rec = records[label["_path"]]
        for field in FIELDS:
            if field not in label:
                continue
            gold, pred = label[field], rec.get(field)
            if field == "doc_type" and label.get("unreadable"):
                ok = bool(rec.get("error")) or pred == "other"
            else:
                ok = same(field, gold, pred)
            fields[field]["total"] += 1
            fields[field]["correct"] += int(ok)
            if not ok:
                mistakes.append({"name": label["name"], "field": field, "gold": gold, "pred": pred})
        if "outcome" in label:
            confusion[(str(label["outcome"]), str(rec.get("outcome")))] += 1
            outcome_pairs.append((label["outcome"], rec.get("outcome")))
        if "referral_bodies" in label and (wrong := tally.add(label, rec)):
            mistakes.append(
                {
                    "name": label["name"],
                    "field": "referral_bodies",
                    "gold": wrong[0],
                    "pred": wrong[1],
                }
            )
    for f in fields.values():
        f["accuracy"] = f["correct"] / f["total"] if f["total"] else None
    items = _score_items(item_labels, records, mistakes)
    return {
        "documents": len(doc_labels),
        "fields": fields,
        "outcome": outcome_prf(outcome_pairs),
        "referral_bodies": tally.prf(),
        "items": items.pop("summary"),
        "confusion": [
            {"gold": g, "pred": p, "count": c} for (g, p), c in sorted(confusion.items()) if c
        ],
        "item_confusion": items.pop("confusion"),
        "mistakes": mistakes,
    }


def _score_items(
    item_labels: list[dict[str, Any]],
    records: dict[str, dict[str, Any]],
    mistakes: list[dict[str, Any]],
) -> dict[str, Any]:
    found = 0
    correct: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    tally = BodyTally()
    outcome_pairs: list[tuple[Any, Any]] = []
    confusion: Counter[tuple[str, str]] = Counter()
    for label in item_labels:
        rec = records[label["_path"]]
        match = [
            i
            for i in rec.get("items") or []
            if i.get("paragraph") == label["paragraph"]
            and (i.get("sub") or "") == (label.get("sub") or "")
        ]
        if not match:
            mistakes.append(
                {
                    "name": label["name"],
                    "paragraph": label["paragraph"],
                    "field": "item",
                    "gold": "present",
                    "pred": None,
                }
            )
            continue
        found += 1
        item = match[0]
        for field in ITEM_FIELDS:
            if field not in label:
                continue
            totals[field] += 1
            ok = same(field, label[field], item.get(field))
            correct[field] += int(ok)
            if not ok:
                mistakes.append(
                    {
                        "name": label["name"],
                        "paragraph": label["paragraph"],
                        "field": f"item_{field}",
                        "gold": label[field],
                        "pred": item.get(field),
                    }
                )
        if "referral_bodies" in label and (wrong := tally.add(label, item)):
            mistakes.append(
                {
                    "name": label["name"],
                    "paragraph": label["paragraph"],
                    "field": "item_referral_bodies",
                    "gold": wrong[0],
                    "pred": wrong[1],
                }
            )
        outcome_pairs.append((label.get("outcome"), item.get("outcome")))
        confusion[(str(label.get("outcome")), str(item.get("outcome")))] += 1
    n = len(item_labels)
    summary: dict[str, Any] = {
        "labels": n,
        "recall": found / n if n else None,
        # Accuracy over all labelled items (a missed item counts as wrong).
        "outcome_accuracy": correct["outcome"] / n if n else None,
        "stage_accuracy": correct["outcome_stage"] / n if n else None,
        "fields": {
            f: {"correct": correct[f], "total": totals[f], "accuracy": correct[f] / totals[f]}
            for f in ITEM_FIELDS
            if totals[f]
        },
        "outcome": outcome_prf(outcome_pairs),
    }
    if any("referral_bodies" in label for label in item_labels):
        summary["referral_bodies"] = tally.prf()
    return {
        "summary": summary,
        "confusion": [
            {"gold": g, "pred": p, "count": c} for (g, p), c in sorted(confusion.items())
        ],
    }
