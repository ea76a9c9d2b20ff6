"""The evaluation report as plain-text tables."""

from __future__ import annotations

from typing import Any

__all__ = ["format_table"]


def pct(value: float | None) -> str:
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
    return f"{pct(value):>{width}}"


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
            out.append(f"{name:<16}{pct(f['accuracy']):>9}{f['correct']:>9}{f['total']:>7}")
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
            f"items: {it['labels']} labelled  recall {pct(it['recall'])}  "
            f"outcome accuracy {pct(it['outcome_accuracy'])}  "
            f"stage accuracy {pct(it['stage_accuracy'])}",
        ]
    out += _confusion_table("document outcome confusion", report["confusion"])
    out += _confusion_table("item outcome confusion", report.get("item_confusion", []))
    return "\n".join(out)
