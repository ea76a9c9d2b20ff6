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

import bisect
import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

from nlp_motioner.record import Document, Tags

__all__ = [
    "IdNumber",
    "find_personnummer",
    "mask",
    "masker",
    "mask_document",
    "mask_with_offsets",
    "mask_record",
    "luhn_ok",
    "PERSONNUMMER_MASK",
    "SAMORDNINGSNUMMER_MASK",
]

PERSONNUMMER_MASK = "[personnummer]"
SAMORDNINGSNUMMER_MASK = "[samordningsnummer]"

# The number is searched for in a normalized view of the text, so that every way it is
# written reaches the same pattern: full-width digits become ASCII digits; every dash and
# hyphen (en, em, minus, non-breaking, small, full-width) becomes "-"; no-break and thin
# spaces become a space; soft hyphens and zero-width characters are dropped. The view maps
# back to the original text, so the mask covers exactly what was written.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u2007\u2009\u200a\u202f\u3000\t"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_VIEW = str.maketrans(
    {
        **{ch: "-" for ch in _DASHES},
        **{ch: " " for ch in _SPACES},
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "\uff0b": "+",
        "\r": "\n",
        **dict.fromkeys(_INVISIBLE),
    }
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# A text without one of these digits cannot hold a number (the view maps only full-width
# digits to ASCII ones): such texts, most strings of a record, skip the search.
_ANY_DIGIT = re.compile("[0-9\uff10-\uff19]")

# Century (optional), YYMMDD, a separator, four digits. '+' marks a person aged 100 or
# more. The separator may be nothing, a dash or '+', one or two spaces, a line break, or a
# table-cell border ("640823 | 3239", a number split over two cells); its shape is
# checked in `_separator_ok`. Bounded repeats only: the search is linear in the text.
_CANDIDATE = re.compile(
    r"(?<![0-9])"
    r"(?P<century>18|19|20)?"
    r"(?P<yy>[0-9]{2})(?P<mm>[0-9]{2})(?P<dd>[0-9]{2})"
    r"(?P<sep>[ \n|+-]{1,8})?"
    r"(?P<tail>[0-9]{4})"
    r"(?![0-9])"
)


def _separator_ok(sep: str | None) -> bool:
    if not sep:
        return True
    if sep.count("\n") > 1 or sep.count("|") > 1 or sum(sep.count(c) for c in "+-") > 1:
        return False
    if sep.strip(" ") == "":
        return len(sep) <= 2  # one or two spaces; more is layout between two numbers
    return len(sep.replace(" ", "")) <= 2 and len(sep) <= 7


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


def _view(text: str) -> tuple[str, list[int]]:
    """The normalized view of `text`, and the view offsets at which characters were dropped."""
    view = text.translate(_VIEW)
    if len(view) == len(text):
        return view, []
    # removed[i] = view offset where the i-th dropped character stood.
    return view, [m.start() - i for i, m in enumerate(_INVISIBLE_RE.finditer(text))]


def _to_text(v: int, removed: list[int]) -> int:
    """Original offset of view offset `v` (the character there, not a dropped one before it)."""
    return v + bisect.bisect_right(removed, v) if removed else v


def find_personnummer(text: str) -> list[IdNumber]:
    """All Luhn-valid personnummer and samordningsnummer in `text`, in order of position.

    Letters glued on the left count ("pnr640823-3239"); on the right only when the number
    has a separator, so a product code like "ABC8507121234X" is left alone.
    """
    if not text:
        return []
    view, removed = _view(text)
    found: list[IdNumber] = []
    pos = 0
    while True:
        m = _CANDIDATE.search(view, pos)
        if m is None:
            return found
        pos = m.end()
        sep = m["sep"]
        if not _separator_ok(sep):
            # The separator was too loose; the tail may still start another candidate.
            pos = m.start("tail")
            continue
        after = view[m.end() : m.end() + 1]
        if after.isalpha() and not sep:
            continue
        kind = _classify(m)
        if kind is None:
            continue
        start = _to_text(m.start(), removed)
        end = _to_text(m.end() - 1, removed) + 1
        found.append(IdNumber(start, end, text[start:end], kind))


def mask(text: str) -> str:
    """`text` with every identity number replaced by "[personnummer]" or "[samordningsnummer]"."""
    if not text or not _ANY_DIGIT.search(text):
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


def masker(enabled: bool) -> Callable[[str], str] | None:
    """`mask` when masking is on, else None: what every reader of stored text (export,
    search hits) applies to the strings it gives out."""
    return mask if enabled else None


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


def mask_with_offsets(text: str) -> tuple[str, Callable[[int, bool], int]]:
    """The masked text, and a function from an offset in `text` to one in the masked text.

    An offset inside a masked number moves to the start of its mask (`end=False`) or to
    its end (`end=True`), so a span never cuts a mask in two.
    """
    hits = find_personnummer(text)
    if not hits:
        return text, lambda offset, end=False: offset
    out: list[str] = []
    last = 0
    starts, ends, shifts = [], [], []
    shift = 0
    for hit in hits:
        out.append(text[last : hit.start])
        starts.append(hit.start)
        ends.append(hit.end)
        shifts.append(shift)  # total shift before this hit
        out.append(hit.mask)
        shift += len(hit.mask) - (hit.end - hit.start)
        last = hit.end
    out.append(text[last:])
    total = shift

    def remap(offset: int, end: bool = False) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        if offset >= ends[i]:
            return offset + (shifts[i + 1] if i + 1 < len(shifts) else total)
        if offset == starts[i]:
            return offset + shifts[i]
        new_start = starts[i] + shifts[i]
        length = len(hits[i].mask)
        return new_start + length if end else new_start

    return "".join(out), remap


def mask_document(doc: Document) -> Document:
    """A copy of `doc` with every identity number masked, offsets moved to match the text.

    The text, line texts, headings, item titles, tags and metadata are masked; `source`
    (the user's own path) is kept. Sections, items, lines and pages keep indexing the
    masked text.
    """
    if not find_personnummer(doc.text or ""):
        # Lines, headings, titles and tags are all cut from the text: with no number in the
        # text only the metadata (a page header, front matter, a record's fields) can hold one.
        return replace(
            doc,
            metadata=mask_record(doc.metadata, keep=()),
            tags=_mask_tags(doc.tags),
            error=mask(doc.error) if doc.error else doc.error,
        )
    text, remap = mask_with_offsets(doc.text or "")

    def span(obj: Any) -> Any:
        return replace(obj, start=remap(obj.start), end=remap(obj.end, True))

    lines = [
        replace(ln, start=(s := remap(ln.start)), end=(e := remap(ln.end, True)), text=text[s:e])
        for ln in doc.lines
    ]
    sections = [replace(span(s), heading=mask(s.heading)) for s in doc.sections]
    items = [
        replace(
            span(it),
            title=mask(it.title),
            diarienummer=[mask(d) for d in it.diarienummer],
            sections=[replace(span(s), heading=mask(s.heading)) for s in it.sections],
            tags=_mask_tags(it.tags),
        )
        for it in doc.items
    ]
    return replace(
        doc,
        text=text,
        pages=[span(p) for p in doc.pages],
        lines=lines,
        sections=sections,
        items=items,
        metadata=mask_record(doc.metadata, keep=()),
        tags=_mask_tags(doc.tags),
        error=mask(doc.error) if doc.error else doc.error,
    )


def _mask_tags(tags: Tags | None) -> Tags | None:
    if tags is None:
        return None
    values = {}
    for f in fields(tags):
        value = getattr(tags, f.name)
        if isinstance(value, str):
            values[f.name] = mask(value)
        elif isinstance(value, list):
            values[f.name] = [mask(v) if isinstance(v, str) else v for v in value]
    return replace(tags, **values)
