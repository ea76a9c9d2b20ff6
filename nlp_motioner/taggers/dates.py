"""The document's date: the meeting date for minutes and extracts, else its own date."""

from __future__ import annotations

import re

from nlp_motioner.profile import Profile
from nlp_motioner.record import Document

__all__ = ["find_date", "iso"]

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "januari februari mars april maj juni juli augusti september oktober november december".split()
    )
}
# "2026-05-11", "2018-01-155" (a typo: the day keeps its first two digits),
# "2 0 2 6 - 03 - 26" (letter-spaced on a cover).
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})\d?(?!\d)")
_SPACED = re.compile(r"(?<!\d)(\d) ?(\d) ?(\d) ?(\d) ?- ?(\d) ?(\d) ?- ?(\d) ?(\d)(?!\d)")
_LONG = re.compile(r"(?<!\d)(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})(?!\d)", re.IGNORECASE)
_DATUM = re.compile(
    r"(?:^|\n)\s*(?:datum|upprättad|daterad)\s*:?\s*(?P<d>[^\n]{0,40})", re.IGNORECASE
)
_DECIDED = re.compile(r"datum för beslut\s*:?\s*(?P<d>[^\n]{0,40})", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"(?:^|\n)\s*[A-ZÅÄÖ][a-zåäö]+(?: [a-zåäö]+)? (?:den )?(\d{1,2} (?:"
    + "|".join(_MONTHS)
    + r") \d{4})",
    re.IGNORECASE,
)
_REV = re.compile(r"(?:^|\n)\s*rev(?:iderad)?\.?\s*(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def iso(text: str) -> str | None:
    """The first well-formed date in `text` as YYYY-MM-DD, or None."""
    for m in _ISO.finditer(text):
        if _valid(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = _LONG.search(text)
    if m:
        y, mo, d = int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))
        if _valid(y, mo, d):
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = _SPACED.search(text)
    if m:
        g = m.groups()
        y, mo, d = int("".join(g[:4])), int("".join(g[4:6])), int("".join(g[6:]))
        if _valid(y, mo, d):
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _valid(y: int, mo: int, d: int) -> bool:
    return 1900 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31


def find_date(doc: Document, doc_type: str, profile: Profile | None = None) -> str | None:
    if doc.file_kind == "riksdagen":
        value = str(doc.metadata.get("datum") or "")[:10]
        return iso(value)
    header = "\n".join(str(x) for x in doc.metadata.get("page_header") or [])
    text = doc.text
    if doc_type in ("protokoll", "protokollsutdrag"):
        # The meeting date sits in the running header or in the opening lines,
        # before the first § heading.
        first_item = doc.items[0].start if doc.items else 600
        return iso(header) or iso(text[: min(first_item, 600)]) or None
    decided = _DECIDED.search(text[:2000])
    if decided:
        # A steering document's own date is the decision date; a template
        # placeholder ("ÅÅÅÅ-MM-DD", "2026-") gives none.
        return iso(decided.group("d"))
    labelled = _DATUM.search(text[:1500])
    if labelled:
        value = iso(labelled.group("d"))
        if value:
            return value
    if doc_type == "motion":
        tail = text[-300:]
        m = _PLACE_DATE.search(tail)
        if m:
            return iso(m.group(1))
        return iso(text[:40]) or iso(tail[-80:])
    rev = _REV.search(text[:600])
    if rev:
        return iso(rev.group(1))
    head = text[:400]
    return iso(header) or _head_date(head)


# A deadline ("Sista dag att svara är den 4 maj 2018") is no date of the document's own.
_DEADLINE = re.compile(r"sista dag|senast|ska ha kommit in|svarsdatum|svara senast|deadline", re.I)


def _head_date(head: str) -> str | None:
    """A date written on its own line (or after a label) near the top of the document."""
    for line in head.splitlines()[:14]:
        line = line.strip()
        if len(line) > 60 or _DEADLINE.search(line):
            continue
        value = iso(line)
        if value:
            return value
    return None
