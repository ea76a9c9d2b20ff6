"""How `search`, `similar` and `case` print: a readable table, JSONL or CSV."""

from __future__ import annotations

from typing import Any

import click

from nlp_motioner.cli.output import CsvWriter, open_output, write_jsonl

HIT_COLUMNS = [
    "score",
    "matched",
    "source",
    "paragraph",
    "title",
    "doc_type",
    "date",
    "parties",
    "outcome",
    "outcome_stage",
    "referral_bodies",
    "organisation",
    "diarienummer",
    "snippet",
]
CASE_COLUMNS = ["case", "committee", "case_outcome", "case_outcome_stage", "case_outcome_date"]


def paper(d: dict[str, Any]) -> str:
    where = f"§{d['paragraph']} " if d.get("paragraph") is not None else ""
    what = d.get("outcome") or d.get("doc_type") or "?"
    return f"{d.get('date') or 'undated'} {where}{what}"


def write_hits(hits: list[dict[str, Any]], fmt: str, output: str | None, kind: str) -> None:
    with open_output(output) as fh:
        if fmt == "jsonl":
            for h in hits:
                write_jsonl(fh, h)
            return
        if fmt == "csv":
            extra = ["case_sources", "why"] if kind == "similar" else []
            if hits and "case_documents" in hits[0]:
                extra += [*CASE_COLUMNS, "case_documents"]
            w = CsvWriter(fh, HIT_COLUMNS + extra)
            for h in hits:
                w.write(h)
            return
        for n, h in enumerate(hits, 1):
            fh.write(f"{n}. {h['title']}\n")
            papers = h.get("case_documents") or []
            # An undated paper (a motion) leads with its case's first date.
            first = next((d["date"] for d in papers if d.get("date")), None)
            when = h.get("date") or (f"{first} (case)" if first else "no date")
            meta = [when, h.get("doc_type") or "?"]
            if h.get("committee"):
                meta.append("/".join(h["committee"]))
            outcome = h.get("outcome")
            if outcome:
                meta.append(f"{outcome} ({h.get('outcome_stage') or '?'})")
            if h.get("parties"):
                meta.append(", ".join(h["parties"]))
            if h.get("referral_bodies"):
                meta.append("bodies: " + ", ".join(h["referral_bodies"]))
            fh.write("   " + " · ".join(meta) + "\n")
            if "case_documents" in h:
                write_case_line(fh, h)
            elif h.get("diarienummer"):
                fh.write("   dnr " + ", ".join(h["diarienummer"][:3]) + "\n")
            where = f"§{h['paragraph']} in " if h.get("paragraph") is not None else ""
            fh.write(f"   {where}{h['source']}\n")
            if "score" in h:
                parts = f"score {h['score']:.3f} ({h.get('matched')}"
                if h.get("bm25"):
                    parts += f", bm25 {h['bm25']:.2f}"
                if h.get("semantic") is not None:
                    parts += f", semantic {h['semantic']:.2f}"
                fh.write("   " + parts + ")\n")
            if h.get("why"):
                fh.write(f"   why: {h['why']}\n")
            if h.get("snippet"):
                fh.write("   " + h["snippet"] + "\n")
            if h.get("case_sources"):
                fh.write(f"   same case: {len(h['case_sources'])} more document(s)\n")
            fh.write("\n")


def write_case_line(fh, h: dict[str, Any]) -> None:
    papers = h.get("case_documents") or []
    if not h.get("case") and len(papers) <= 1:
        return  # a paper of its own: nothing to add
    head = f"case {h['case']}" if h.get("case") else "no case number"
    line = f"   {head} · {len(papers)} paper(s)"
    if h.get("case_outcome"):
        line += (
            f" · final: {h['case_outcome']} ({h.get('case_outcome_stage') or '?'}"
            f"{', ' + h['case_outcome_date'] if h.get('case_outcome_date') else ''})"
        )
    fh.write(line + "\n")
    if len(papers) > 1:
        fh.write("     " + "; ".join(paper(d) for d in papers[:8]) + "\n")


def notes(notes: list[str]) -> None:
    for note in notes:
        click.echo(f"motioner: {clean(note)}", err=True)


CASE_TABLE = [
    ("date", 10),
    ("step", 8),
    ("doc_type", 16),
    ("§", 5),
    ("outcome", 11),
    ("stage", 8),
    ("bodies", 24),
    ("reserved", 8),
    ("via", 5),
    ("title", 50),
    ("source", 44),
]
VIA = {"diarienummer": "dnr", "reference": "ref", "title": "title"}


def case_summary_line(summary: dict[str, Any]) -> list[str]:
    lines = []
    if summary["referral_bodies"]:
        lines.append("referred to: " + ", ".join(summary["referral_bodies"]))
    if summary["opinions"]:
        lines.append(
            f"opinions: {len(summary['opinions'])} ("
            + ", ".join(o["position"] for o in summary["opinions"])
            + ")"
        )
    if summary["final_outcome"]:
        line = f"final: {summary['final_outcome']} ({summary['final_stage']})"
        if summary["decided"]:
            line += f" decided {summary['decided']}"
        lines.append(line)
    else:
        lines.append("final: no decision among the papers")
    if summary["reservations"]:
        lines.append("reservations: " + ", ".join(summary["reservations"]))
    if summary["days_to_decision"] is not None:
        lines.append(f"{summary['days_to_decision']} days from {summary['opened']} to the decision")
    return lines


def clean(text: str | None) -> str:
    from nlp_motioner.search.filters import clean_text

    return clean_text(text) or ""
