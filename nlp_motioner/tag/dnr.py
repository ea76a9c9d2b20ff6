"""Case numbers (diarienummer) as printed, with the stray space after the dot removed."""

from __future__ import annotations

import re

from nlp_motioner.record import Document
from nlp_motioner.structure.items import normalize_case_number

__all__ = ["find_dnr", "normalize_dnr"]

# "2025.446 KS", "2018.005 741", "2026.008", "KS 2019/656", "18KS427", "LOV 2026-000111",
# "HSNV 2017-00214", "5475-2026".
_SHAPES = (
    r"\d{4}\.\s?\d{2,4}(?:\s(?:[A-ZÅÄÖ]{2,6}(?:\s?AU)?|\d{3})\b)?"
    r"|[A-ZÅÄÖ]{2,6}\s\d{4}[/-]\d{2,6}"
    r"|\d{2}[A-ZÅÄÖ]{2,4}\d{2,5}"
    r"|\d{3,5}-\d{4}"
)
# A bare "2019/123" or "25/0014-2" counts only after a label ("Dnr 2019/123").
_LABELLED_ONLY = r"|\d{4}/\d{1,5}|\d{2}/\d{2,5}(?:-\d{1,3})?"
# A labelled case number: "Diarienr: 2025.446 KS", "Dnr 18KS427", "Beteckning: 2017.214 SN".
_LABELLED = re.compile(
    r"(?i:diarie\s?n(?:umme)?r|dnr|beteckning|ärendenummer|diarienummer)\.?:?\s*"
    r"(?P<first>" + _SHAPES + _LABELLED_ONLY + r")(?P<rest>(?:\s*\n?\s*(?:" + _SHAPES + r"))*)",
)
_ANY = re.compile(r"(?<![\w.])(?:" + _SHAPES + r")(?![\w])")
_PLACEHOLDER = re.compile(r"X{2,}", re.IGNORECASE)
# Case numbers in a title: "KS 2019/656 ÄLV 2019/229".
_TITLE_DNR = re.compile(r"(?<!\w)[A-ZÅÄÖ]{2,6}\s\d{4}/\d{1,6}")


# One normalization for case numbers, shared with the § item parser.
normalize_dnr = normalize_case_number


def _add(out: list[str], raw: str) -> None:
    value = normalize_dnr(raw)
    if value and value not in out and not _PLACEHOLDER.search(value):
        out.append(value)


def find_dnr(doc: Document, doc_type: str) -> list[str]:
    """Case numbers of the document: the items' for minutes, else labelled ones in the head."""
    out: list[str] = []
    if doc.items:
        for item in doc.items:
            for raw in item.diarienummer:
                _add(out, raw)
        if out:
            return out
    if doc.kind == "riksdagen":
        return out
    for line in doc.metadata.get("page_header") or []:
        line = str(line).strip()
        if _ANY.fullmatch(line) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", line):
            _add(out, line)
    head = doc.text[:1500]
    for m in _LABELLED.finditer(head):
        _add(out, m.group("first"))
        for extra in _ANY.finditer(m.group("rest") or ""):
            _add(out, extra.group(0))
    if re.search(r"(?:diarie\s?n(?:umme)?r|dnr)\.?:?\s*X{2,}", head, re.IGNORECASE):
        return []
    # Header lines such as "KF § 228 2025.493 KS" and the title "..., KS 2019/656 ÄLV 2019/229".
    for m in re.finditer(r"(?:KF|KS)\s*§\s*\d+\s+(" + _SHAPES + ")", head):
        _add(out, m.group(1))
    if not out:
        for m in _TITLE_DNR.finditer(head[:800]):
            _add(out, m.group(0))
    if not out and doc_type in ("rapport",):
        for m in re.finditer(
            r"dnr\s*((?:" + _SHAPES + r")(?:\s*\n\s*(?:" + _SHAPES + r"))*)", head, re.I
        ):
            for x in _ANY.finditer(m.group(1)):
                _add(out, x.group(0))
    return out
