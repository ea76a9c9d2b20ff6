"""Stage 2: lines -> sections with normalized kinds; minutes -> § items with their own sections.

Public surface: `structure(doc)` fills `doc.sections` and `doc.items` in place and returns doc.
"""

from __future__ import annotations

import re

from nlp_motioner.record import Document
from nlp_motioner.structure.items import find_items
from nlp_motioner.structure.sections import heading_kind, split_sections

__all__ = ["structure", "heading_kind"]


_MEMBER = re.compile(r"\(\s*[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,5}\s*\)|\(\s*-\s*\)")
_ROLL_CALL = re.compile(
    r"\b(beslutande|närvarande|ledamöter|tjänstgörande ersättare)\b", re.IGNORECASE
)


def _is_attendance(text: str) -> bool:
    """Front matter of minutes lists the members present, each with a party marker."""
    return len(_MEMBER.findall(text)) >= 3 or bool(_ROLL_CALL.search(text))


def structure(doc: Document) -> Document:
    if doc.error or not doc.lines:
        return doc
    heads = split_sections(doc)
    items = find_items(doc, heads)
    if items:
        first = items[0].start
        pre = [s for s in doc.sections if s.start < first]
        # Everything before the first § is the meeting's front matter (attendance, list of §).
        if pre:
            pre[0].end = first
            if _is_attendance(doc.text[pre[0].start : first]):
                pre[0].kind = "narvaro"
                pre[0].heading = pre[0].heading or "Närvaro"
        # Doc-level sections stay complete and in order; each item also keeps its own.
        doc.sections = pre[:1] + [s for item in items for s in item.sections]
        doc.items = items
    return doc
