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

FIELDS = ("doc_type", "parties", "outcome", "outcome_stage", "date", "diarienummer", "title")


def load_labels(
    paths: Iterable[str | os.PathLike[str]],
    root: str | os.PathLike[str] | None = None,
    *,
    skipped: list[str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(document labels, item labels); each label gets `_path`, the file it names.

    A file whose first line names no file (case-level labels such as CAP codes, keyed by
    `id`) is not document or item labels: it is left out and its path added to `skipped`.
    """
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
                if not isinstance(label, dict):
                    raise ValueError(f"{path}:{n}: not a JSON object")
                if "name" not in label and n == 1 and skipped is not None:
                    skipped.append(str(path))
                    break
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
    if field == "title":
        return _norm_name(gold or "") == _norm_name(pred or "")
    if field == "parties":
        return sorted(gold or []) == sorted(pred or [])
    if field == "diarienummer":
        return {_norm_dnr(x) for x in gold or []} == {_norm_dnr(x) for x in pred or []}
    return (gold or None) == (pred or None)


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _bodies(label: dict[str, Any], rec: dict[str, Any]) -> tuple[set[str], set[str]]:
    gold = {_norm_name(b) for b in label.get("referral_bodies") or []}
    pred = {_norm_name(b) for b in rec.get("referral_bodies") or []}
    return gold, pred


def _outcome_prf(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
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


# Item fields: (label field, record field, how they are compared).
ITEM_FIELDS = ("outcome", "outcome_stage", "parties", "reservations", "diarienummer", "title")


def _same_item(field: str, gold: Any, pred: Any) -> bool:
    if field in ("parties", "reservations"):
        return sorted(gold or []) == sorted(pred or [])
    if field == "diarienummer":
        gold = [gold] if isinstance(gold, str) else gold
        return {_norm_dnr(x) for x in gold or []} == {_norm_dnr(x) for x in pred or []}
    if field == "title":
        return _norm_name(gold or "") == _norm_name(pred or "")
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
                ok = _same(field, gold, pred)
            fields[field]["total"] += 1
            fields[field]["correct"] += int(ok)
            if not ok:
                mistakes.append({"name": label["name"], "field": field, "gold": gold, "pred": pred})
        if "outcome" in label:
            confusion[(str(label["outcome"]), str(rec.get("outcome")))] += 1
            outcome_pairs.append((label["outcome"], rec.get("outcome")))
        if "referral_bodies" in label:
            gold_b, pred_b = _bodies(label, rec)
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
    items = _score_items(item_labels, records, mistakes)
    return {
        "documents": len(doc_labels),
        "fields": fields,
        "outcome": _outcome_prf(outcome_pairs),
        "referral_bodies": _prf(tp, fp, fn),
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
    tp = fp = fn = 0
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
            ok = _same_item(field, label[field], item.get(field))
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
        if "referral_bodies" in label:
            gold_b, pred_b = _bodies(label, item)
            tp += len(gold_b & pred_b)
            fp += len(pred_b - gold_b)
            fn += len(gold_b - pred_b)
            if gold_b != pred_b:
                mistakes.append(
                    {
                        "name": label["name"],
                        "paragraph": label["paragraph"],
                        "field": "item_referral_bodies",
                        "gold": sorted(gold_b),
                        "pred": sorted(pred_b),
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
        "outcome": _outcome_prf(outcome_pairs),
    }
    if any("referral_bodies" in label for label in item_labels):
        summary["referral_bodies"] = _prf(tp, fp, fn)
    return {
        "summary": summary,
        "confusion": [
            {"gold": g, "pred": p, "count": c} for (g, p), c in sorted(confusion.items())
        ],
    }


def source_of(name: str) -> str:
    """The source a label belongs to: the top folder of its name ("alingsas", "kungsbacka")."""
    parts = str(name).replace("\\", "/").split("/")
    return parts[0] if len(parts) > 1 else "(root)"


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
    skipped: list[str] = []
    doc_labels, item_labels = load_labels(label_paths, root, skipped=skipped)
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
    report["skipped_label_files"] = skipped
    sources = sorted({source_of(lab["name"]) for lab in doc_labels + item_labels})
    report["sources"] = {
        src: score(
            [lab for lab in doc_labels if source_of(lab["name"]) == src],
            [lab for lab in item_labels if source_of(lab["name"]) == src],
            records,
        )
        for src in sources
    }
    for sub in report["sources"].values():
        sub.pop("mistakes")
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


def _cell(value: Any, width: int = 7) -> str:
    return f"{_pct(value):>{width}}"


def _sources_table(report: dict[str, Any]) -> list[str]:
    """One row per source (top folder of the label names), documents then § items."""
    sources = report.get("sources") or {}
    if not sources:
        return []
    doc_cols = ("doc_type", "parties", "outcome", "outcome_stage", "date", "diarienummer", "title")
    short = {"outcome_stage": "stage", "diarienummer": "dnr", "doc_type": "type"}
    out = [
        "per source: documents (accuracy; outcome P/R: precision over outcomes given, recall over"
        " outcomes stated; bodies: referral-body F1)",
        f"{'source':<12}{'docs':>5}"
        + "".join(f"{short.get(c, c):>8}" for c in doc_cols)
        + f"{'out P':>7}{'out R':>7}{'bodies':>8}",
    ]
    rows = [(name, rep) for name, rep in sources.items()] + [("all", report)]
    for name, rep in rows:
        if not rep["documents"]:
            continue
        fields = rep["fields"]
        out.append(
            f"{name:<12}{rep['documents']:>5}"
            + "".join(_cell(fields[c]["accuracy"], 8) for c in doc_cols)
            + _cell(rep["outcome"]["precision"])
            + _cell(rep["outcome"]["recall"])
            + _cell(rep["referral_bodies"]["f1"], 8)
        )
    item_cols = ("outcome", "outcome_stage", "parties", "reservations", "diarienummer", "title")
    item_rows = [(n, r) for n, r in rows if r["items"]["labels"]]
    if item_rows:
        out += [
            "",
            "per source: § items (found = recall; field accuracy over the items found)",
            f"{'source':<12}{'items':>6}{'found':>7}"
            + "".join(f"{short.get(c, c)[:7]:>8}" for c in item_cols)
            + f"{'out P':>7}{'out R':>7}{'bodies':>8}",
        ]
        for name, rep in item_rows:
            it = rep["items"]
            fields = it["fields"]
            bodies = it.get("referral_bodies")
            out.append(
                f"{name:<12}{it['labels']:>6}{_cell(it['recall'])}"
                + "".join(_cell(fields.get(c, {}).get("accuracy"), 8) for c in item_cols)
                + _cell(it["outcome"]["precision"])
                + _cell(it["outcome"]["recall"])
                + _cell(bodies["f1"] if bodies else None, 8)
            )
    return out + [""]


def format_table(report: dict[str, Any]) -> str:
    """The report as plain-text tables (fields, referral bodies, items, outcome confusion)."""
    out = _sources_table(report)
    out += [f"documents: {report['documents']}  files tagged: {report.get('files', '-')}"]
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
