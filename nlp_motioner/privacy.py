"""Personal identity numbers: find and mask Swedish personnummer and samordningsnummer.

Social-services minutes and appeals can carry a person's identity number; exports and
search snippets must not. A candidate counts only when its date part is a possible date
(samordningsnummer add 60 to the day) and its ten-digit form passes the Luhn check, so
case numbers ("KS 2025.319"), dates, amounts and phone numbers are left alone unless they
happen to be shaped and checksummed exactly like an identity number.

Politicians' names are not personal data for this purpose (public office holders acting in
office), so only numbers are masked.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "IdNumber",
    "find_personnummer",
    "mask",
    "luhn_ok",
    "PERSONNUMMER_MASK",
    "SAMORDNINGSNUMMER_MASK",
]

PERSONNUMMER_MASK = "[personnummer]"
SAMORDNINGSNUMMER_MASK = "[samordningsnummer]"

# Century (optional), YYMMDD, an optional separator, four digits. '+' marks a person
# aged 100 or more; PDFs turn '-' into en or minus dashes; a single space also occurs.
_CANDIDATE = re.compile(
    r"(?<![\d\w])"
    r"(?P<century>18|19|20)?"
    r"(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"(?P<sep>[-+\u2010\u2011\u2012\u2013\u2212 ]?)"
    r"(?P<tail>\d{4})"
    r"(?![\d\w])"
)


@dataclass(frozen=True)
class IdNumber:
    """One identity number found in a text: its span, as written, and which kind it is."""

    start: int
    end: int
    text: str
    kind: str  # "personnummer" | "samordningsnummer"

    @property
    def mask(self) -> str:
        return SAMORDNINGSNUMMER_MASK if self.kind == "samordningsnummer" else PERSONNUMMER_MASK


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used for the ten-digit form YYMMDDNNNN."""
    total = 0
    for i, ch in enumerate(digits):
        d = ord(ch) - 48
        if i % 2 == 0:  # weights 2,1,2,1,... from the left for ten digits
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _possible_date(century: str | None, yy: int, mm: int, dd: int) -> bool:
    if not 1 <= mm <= 12 or dd < 1:
        return False
    if century:
        return dd <= calendar.monthrange(int(century) * 100 + yy, mm)[1]
    # Without a century either one may be meant; 29 February is allowed if any year fits.
    return dd <= max(calendar.monthrange(c * 100 + yy, mm)[1] for c in (19, 20))


def _classify(m: re.Match[str]) -> str | None:
    yy, mm, dd = int(m["yy"]), int(m["mm"]), int(m["dd"])
    kind = "personnummer"
    if dd > 60:
        dd -= 60
        kind = "samordningsnummer"
    if not _possible_date(m["century"], yy, mm, dd):
        return None
    if not luhn_ok(m["yy"] + m["mm"] + m["dd"] + m["tail"]):
        return None
    return kind


def find_personnummer(text: str) -> list[IdNumber]:
    """All Luhn-valid personnummer and samordningsnummer in `text`, in order of position."""
    if not text:
        return []
    found: list[IdNumber] = []
    pos = 0
    while True:
        m = _CANDIDATE.search(text, pos)
        if m is None:
            return found
        kind = _classify(m)
        if kind is not None:
            found.append(IdNumber(m.start(), m.end(), m.group(0), kind))
        # The digit-run boundaries mean no other candidate can start inside this one.
        pos = m.end()


def mask(text: str) -> str:
    """`text` with every identity number replaced by "[personnummer]" or "[samordningsnummer]"."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    hits = find_personnummer(text)
    if not hits:
        return text
    out: list[str] = []
    last = 0
    for hit in hits:
        out.append(text[last : hit.start])
        out.append(hit.mask)
        last = hit.end
    out.append(text[last:])
    return "".join(out)


def mask_record(record: Any, *, keep: tuple[str, ...] = ("source", "sha256")) -> Any:
    """A copy of a JSON-like record with every string value masked (keys in `keep` untouched).

    `source` is the user's own file path, kept as given so records can be joined back to files.
    """
    if isinstance(record, str):
        return mask(record)
    if isinstance(record, dict):
        return {k: (v if k in keep else mask_record(v, keep=keep)) for k, v in record.items()}
    if isinstance(record, list):
        return [mask_record(v, keep=keep) for v in record]
    return record
