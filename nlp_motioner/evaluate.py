"""Score tags against gold label files (JSONL), the Python side of `motioner eval`.

A label line names a file relative to a root (by default the label file's
grandparent, i.e. the corpus folder). A line with `paragraph` labels one § item of a
protokoll; other lines label a whole document. A line with `unreadable` expects the
file's error record or doc_type `other`.

    >>> from nlp_motioner.evaluate import evaluate
    >>> report = evaluate(["corpus/labels/dev-docs.jsonl"])
    >>> report["fields"]["outcome"]["accuracy"]
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from nlp_motioner.record import Document

__all__ = ["FIELDS", "load_labels", "evaluate", "score", "format_table"]

FIELDS = ("doc_type", "parties", "outcome", "outcome_stage", "date", "diarienummer")


def load_labels(
    paths: Iterable[str | os.PathLike[str]], root: str | os.PathLike[str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(document labels, item labels); each label gets `_path`, the file it names."""
    docs: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for path in paths:
        path = Path(path)
        base = Path(root) if root is not None else path.resolve().parent.parent
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    label = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
                if "name" not in label:
                    raise ValueError(f"{path}:{n}: no 'name' field")
                label["_path"] = str(base / label["name"])
                label["_labels"] = str(path)
                (items if "paragraph" in label else docs).append(label)
    return docs, items


def _norm_name(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _norm_dnr(value: str) -> str:
    return "".join(str(value).split()).casefold()


def _same(field: str, gold: Any, pred: Any) -> bool:
    if field == "parties":
        return sorted(gold or []) == sorted(pred or [])
    if field == "diarienummer":
        return {_norm_dnr(x) for x in gold or []} == {_norm_dnr(x) for x in pred or []}
    return (gold or None) == (pred or None)


def score(
    doc_labels: list[dict[str, Any]],
    item_labels: list[dict[str, Any]],
    records: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Scores of tag records (by file path, as `Document.tag_record()`) against labels."""
    fields: dict[str, dict[str, Any]] = {f: {"correct": 0, "total": 0} for f in FIELDS}
    mistakes: list[dict[str, Any]] = []
    confusion: Counter[tuple[str, str]] = Counter()
    tp = fp = fn = 0
    for label in doc_labels:
        rec = records[label["_path"]]
        for field in FIELDS:
            if field not in label:
                continue
            gold, pred = label[field], rec.get(field)
            if field == "doc_type" and label.get("unreadable"):
                ok = bool(rec.get("error")) or pred == "other"
            else:
                ok = _same(field, gold, pred)
            fields[field]["total"] += 1
            fields[field]["correct"] += int(ok)
            if not ok:
                mistakes.append({"name": label["name"], "field": field, "gold": gold, "pred": pred})
        if "outcome" in label:
            confusion[(str(label["outcome"]), str(rec.get("outcome")))] += 1
        if "referral_bodies" in label:
            gold_b = {_norm_name(b) for b in label["referral_bodies"] or []}
            pred_b = {_norm_name(b) for b in rec.get("referral_bodies") or []}
            tp += len(gold_b & pred_b)
            fp += len(pred_b - gold_b)
            fn += len(gold_b - pred_b)
            if gold_b != pred_b:
                mistakes.append(
                    {
                        "name": label["name"],
                        "field": "referral_bodies",
                        "gold": sorted(gold_b),
                        "pred": sorted(pred_b),
                    }
                )
    for f in fields.values():
        f["accuracy"] = f["correct"] / f["total"] if f["total"] else None
    precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    found = outcome_ok = stage_ok = 0
    item_confusion: Counter[tuple[str, str]] = Counter()
    for label in item_labels:
        rec = records[label["_path"]]
        match = [i for i in rec.get("items") or [] if i.get("paragraph") == label["paragraph"]]
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
        ok = (label.get("outcome") or None) == (item.get("outcome") or None)
        outcome_ok += int(ok)
        stage_ok += int((label.get("outcome_stage") or None) == (item.get("outcome_stage") or None))
        item_confusion[(str(label.get("outcome")), str(item.get("outcome")))] += 1
        if not ok:
            mistakes.append(
                {
                    "name": label["name"],
                    "paragraph": label["paragraph"],
                    "field": "item_outcome",
                    "gold": label.get("outcome"),
                    "pred": item.get("outcome"),
                }
            )
    n_items = len(item_labels)
    return {
        "documents": len(doc_labels),
        "fields": fields,
        "referral_bodies": {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        },
        "items": {
            "labels": n_items,
            "recall": found / n_items if n_items else None,
            "outcome_accuracy": outcome_ok / n_items if n_items else None,
            "stage_accuracy": stage_ok / n_items if n_items else None,
        },
        "confusion": [
            {"gold": g, "pred": p, "count": c} for (g, p), c in sorted(confusion.items()) if c
        ],
        "item_confusion": [
            {"gold": g, "pred": p, "count": c} for (g, p), c in sorted(item_confusion.items())
        ],
        "mistakes": mistakes,
    }


def evaluate(
    label_paths: Iterable[str | os.PathLike[str]],
    *,
    root: str | os.PathLike[str] | None = None,
    process: Callable[[str], Document] | None = None,
) -> dict[str, Any]:
    """Tag every labelled file once and score the tags (see `score` for the report's shape)."""
    if process is None:
        from nlp_motioner.pipeline import process as default_process

        process = default_process
    doc_labels, item_labels = load_labels(label_paths, root)
    records: dict[str, dict[str, Any]] = {}
    for label in doc_labels + item_labels:
        path = label["_path"]
        if path in records:
            continue
        if not os.path.exists(path):
            records[path] = {
                "source": path,
                "doc_type": "other",
                "error": "file not found",
                "items": [],
            }
            continue
        try:
            records[path] = process(path).tag_record()
        except Exception as exc:  # a crash is scored as an error record, not raised
            records[path] = {
                "source": path,
                "doc_type": "other",
                "error": f"{type(exc).__name__}: {exc}",
                "items": [],
            }
    report = score(doc_labels, item_labels, records)
    report["files"] = len(records)
    return report


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _confusion_table(title: str, confusion: list[dict[str, Any]]) -> list[str]:
    labels = sorted({c["gold"] for c in confusion} | {c["pred"] for c in confusion})
    if not labels:
        return []
    cells = {(c["gold"], c["pred"]): c["count"] for c in confusion}
    width = max(6, *(len(lab) for lab in labels)) + 1
    out = [
        "",
        f"{title} (rows: gold, columns: predicted)",
        " " * width + "".join(f"{lab[:10]:>11}" for lab in labels),
    ]
    for g in labels:
        out.append(f"{g:<{width}}" + "".join(f"{cells.get((g, p), 0) or '.':>11}" for p in labels))
    return out


def format_table(report: dict[str, Any]) -> str:
    """The report as plain-text tables (fields, referral bodies, items, outcome confusion)."""
    out = [f"documents: {report['documents']}  files tagged: {report.get('files', '-')}"]
    if report["documents"]:
        out += ["", f"{'field':<16}{'accuracy':>9}{'correct':>9}{'total':>7}"]
        for name, f in report["fields"].items():
            out.append(f"{name:<16}{_pct(f['accuracy']):>9}{f['correct']:>9}{f['total']:>7}")
        rb = report["referral_bodies"]
        out += [
            "",
            f"{'referral_bodies':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}",
            f"{'':<16}{rb['precision']:>7.3f}{rb['recall']:>7.3f}{rb['f1']:>7.3f}"
            f"{rb['tp']:>5}{rb['fp']:>5}{rb['fn']:>5}",
        ]
    it = report["items"]
    if it["labels"]:
        out += [
            "",
            f"items: {it['labels']} labelled  recall {_pct(it['recall'])}  "
            f"outcome accuracy {_pct(it['outcome_accuracy'])}  "
            f"stage accuracy {_pct(it['stage_accuracy'])}",
        ]
    out += _confusion_table("document outcome confusion", report["confusion"])
    out += _confusion_table("item outcome confusion", report.get("item_confusion", []))
    return "\n".join(out)
