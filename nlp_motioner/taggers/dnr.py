"""Case numbers (diarienummer) of a document, as printed (tidied by `casenumber.normalize`)."""

from __future__ import annotations

import re

from nlp_motioner.casenumber import normalize
from nlp_motioner.profile import Profile, default_profile
from nlp_motioner.record import Document
from nlp_motioner.structure.cases import case_finder

__all__ = ["find_dnr", "normalize_dnr"]

# One normalization for case numbers, shared with the § item parser, the store and search.
normalize_dnr = normalize

# A placeholder instead of a number ("Diarienummer: XXXX.XXX VON") means the template was
# never filled in: the document has no case number.
_PLACEHOLDER = re.compile(r"(?:diarie\s?n(?:umme)?r|dnr)\.?:?\s*X{2,}", re.IGNORECASE)
# "KF § 228 2025.493 KS": a minutes reference in a header carries the case number.
_PARAGRAPH_REF = re.compile(r"\b[A-ZÅÄÖ]{2,6}\s*§\s*\d+\s+(?P<rest>[^\n]{4,40})")


def _add(out: list[str], values: list[str]) -> None:
    for value in values:
        if value not in out:
            out.append(value)


def find_dnr(doc: Document, doc_type: str, profile: Profile | None = None) -> list[str]:
    """Case numbers of the document: the items' for minutes, the beteckning of a Riksdag
    record, else labelled ones in the head, numbers in the running header or the title."""
    finder = case_finder(profile or default_profile())
    out: list[str] = []
    if doc.items:
        for item in doc.items:
            _add(out, [normalize(x) for x in item.diarienummer])
        if out:
            return out
    if doc.file_kind == "riksdagen":
        return _riksdagen_number(doc)
    for line in doc.metadata.get("page_header") or []:
        line = str(line).strip()
        found = finder.in_heading(line)
        if found and finder.only_cases(line):
            _add(out, found)
    head = doc.text[:1500]
    if _PLACEHOLDER.search(head):
        return []
    _add(out, finder.labelled_in(head))
    for m in _PARAGRAPH_REF.finditer(head):
        _add(out, finder.anywhere_in(m.group("rest"))[:1])
    if not out:
        # Case numbers in a title line: "Svar på remiss ..., KS 2019/656 ÄLV 2019/229".
        _add(out, [v for v in finder.anywhere_in(head[:800]) if re.match(r"[A-ZÅÄÖ]", v)])
    return out


def _riksdagen_number(doc: Document) -> list[str]:
    """A Riksdag document's beteckning with its riksmöte: "2010/11:A245"."""
    rm = doc.metadata.get("rm")
    number = doc.metadata.get("beteckning")
    if isinstance(rm, str) and isinstance(number, str) and rm.strip() and number.strip():
        return [f"{rm.strip()}:{number.strip()}"]
    return []
