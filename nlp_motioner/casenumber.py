"""Case numbers (diarienummer): one place that knows their written forms.

Swedish public bodies print the same case number in many ways: "2025.446 KS",
"KS 2025.446", "KS/2025:446", "Dnr KS 2025/0446", "KS-2025-00446", "18KS427",
"2024-00258". Every stage that compares case numbers (the § item parser, the tagger,
the store and search) goes through this module, so that the forms meet in one key.

- `normalize(text)` tidies a number as printed (whitespace, "2025. 374" -> "2025.374")
  and is what records store and show.
- `parse(text)` splits it into series (the registering body's code), year and number.
- `match_keys(text)` gives the keys under which it is found: "2025:446" always, and
  "KS:2025:446" when a series is printed; a query without a series finds every series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CaseNumber", "normalize", "parse", "match_keys", "is_parsed_key", "query_keys"]

# A series is the registering body's code: "KS", "TEN", "KSAU", "HSNV", "KU", "STK".
_SERIES = r"[A-ZÅÄÖ]{1,6}(?:[ -]?AU)?"
_YEAR4 = r"(?:19|20)\d{2}"

# Each shape names its groups; the first that matches the whole (trimmed) text wins.
_SHAPES = [
    # "2025.446 KS", "2025.446", "2025. 374 KS", "2018.005 741" (a numeric register code)
    re.compile(rf"(?P<year>{_YEAR4})\.\s?(?P<num>\d{{1,6}})(?:\s+(?P<series>{_SERIES}|\d{{3}}))?"),
    # "KS 2025.446", "KS/2025:446", "KS 2025/0446", "KS-2024-00511", "RS 2019-0123", "KU/2007.9"
    re.compile(
        rf"(?P<series>{_SERIES})\s?[/ -]?\s?(?P<year>{_YEAR4})\s?[/:.-]\s?(?P<num>\d{{1,6}})"
    ),
    # "18KS427": two-digit year, series, number
    re.compile(r"(?P<yy>\d{2})(?P<series>[A-ZÅÄÖ]{2,4})(?P<num>\d{2,5})"),
    # "2024-00258", "2019/123", "2019:123"
    re.compile(rf"(?P<year>{_YEAR4})[/:-](?P<num>\d{{1,6}})"),
    # "5475-2026": number before year (court and agency style)
    re.compile(rf"(?P<num>\d{{3,5}})-(?P<year>{_YEAR4})"),
]
_LABEL = re.compile(
    r"^(?:dnr|diarie\s?n(?:umme)?r|diarienummer|ärendenummer|beteckning)\.?\s*:?\s*", re.I
)
_DOT_SPACE = re.compile(r"(\d{4})\.\s+(\d)")


@dataclass(frozen=True)
class CaseNumber:
    """A parsed case number. `number` has no leading zeros; `series` is upper case or None."""

    series: str | None
    year: int
    number: int

    @property
    def key(self) -> str:
        return f"{self.year}:{self.number}"


def normalize(text: str) -> str:
    """A case number as printed, tidied: one space between parts, none after the year's dot."""
    return _DOT_SPACE.sub(r"\1.\2", " ".join(str(text).split()))


def parse(text: str) -> CaseNumber | None:
    """Series, year and number of a case number in any common written form; None otherwise."""
    # Upper case: a series typed in lower case ("ks 2025.446") is the same series.
    value = _LABEL.sub("", normalize(text)).strip(" ,;()").upper()
    for shape in _SHAPES:
        m = shape.fullmatch(value)
        if not m:
            continue
        groups = m.groupdict()
        year = int(groups["year"]) if groups.get("year") else 2000 + int(groups["yy"])
        series = groups.get("series")
        if series:
            series = re.sub(r"[ -]", "", series).upper()
        return CaseNumber(series or None, year, int(groups["num"]))
    return None


def match_keys(text: str) -> list[str]:
    """Keys a stored case number is found under: "2025:446" and, with a series, "KS:2025:446".

    A number no shape parses (a Riksdag beteckning "2010/11:A245") is its own key, upper case
    without spaces.
    """
    parsed = parse(text)
    if parsed is None:
        # A label typed before it ("Dnr 2010/11:A245") is no part of the number.
        raw = "".join(_LABEL.sub("", normalize(text)).upper().split())
        return [raw] if raw else []
    keys = [parsed.key]
    if parsed.series:
        keys.append(f"{parsed.series}:{parsed.key}")
    return keys


def is_parsed_key(key: str) -> bool:
    """Whether a key from `match_keys` is a parsed number ("2025:446", "KS:2025:446") rather
    than a number no shape parses, kept as printed ("26/0005-2", "2010/11:A245")."""
    parts = key.split(":")
    return len(parts) >= 2 and parts[-1].isdigit() and parts[-2].isdigit()


def query_keys(text: str) -> list[str]:
    """The one key a query should look up: with its series when the query prints one."""
    keys = match_keys(text)
    return keys[-1:] if keys else []
