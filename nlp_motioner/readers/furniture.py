"""Page furniture: running headers, footers and page numbers that repeat on every page.

A line is furniture when it sits in the top or bottom band of its page and either repeats
(digits ignored) on enough other pages, or matches a known furniture pattern. Both the
bands and the patterns come from `furniture.toml`, so they can be reviewed as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp_motioner._data import load_toml


@dataclass
class RawLine:
    text: str
    page: int
    top: float  # distance from the top of the page, as a fraction of its height (0..1)
    size: float
    bold: bool


@lru_cache(maxsize=1)
def _config() -> tuple[float, float, float, re.Pattern[str]]:
    cfg = load_toml("readers/furniture.toml")
    pattern = re.compile("|".join(f"(?:{p})" for p in cfg["patterns"]), re.IGNORECASE)
    return cfg["header_band"], cfg["footer_band"], cfg["min_page_share"], pattern


_DIGITS = re.compile(r"\d+")
# Page numbering inside a running header: "2 (40)", "Sida 2 av 40", "2/40".
_PAGE_NUMBER = re.compile(r"\b\d+\s*(?:\(\s*\d+\s*\)|av\s+\d+|/\s*\d+)|\bsida\s+\d+", re.I)


def _shape(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split()).lower())


def _page_shape(text: str) -> str:
    """The line with only its page numbering blanked, so that "§ 12 Dnr ..." and "§ 13 Dnr ..."
    stay different while "SAMMANTRÄDESPROTOKOLL 2 (40)" repeats."""
    return _PAGE_NUMBER.sub("#", " ".join(text.split()).lower())


def furniture_mask(lines: list[RawLine], page_count: int, *, any_digits: bool = True) -> list[bool]:
    """True for each line that is page furniture.

    With `any_digits` (PDF pages, where the bands are measured on the page), lines repeat
    whatever their digits; without it (text exports, where the bands are counted in lines
    and may reach the page's first text line), only page numbering may differ.
    """
    header, footer, share, pattern = _config()
    shape = _shape if any_digits else _page_shape
    in_band = [ln.top <= header or ln.top >= 1.0 - footer for ln in lines]
    pages_by_shape: dict[str, set[int]] = {}
    for ln, band in zip(lines, in_band):
        if band:
            pages_by_shape.setdefault(shape(ln.text), set()).add(ln.page)
    need = max(2, int(page_count * share + 0.999))
    repeated = {s for s, pages in pages_by_shape.items() if len(pages) >= need and s}
    mask = []
    for ln, band in zip(lines, in_band):
        if not band:
            mask.append(False)
            continue
        text = ln.text.strip()
        mask.append(
            not text or shape(text) in repeated or bool(pattern.fullmatch(text)) or text.isdigit()
        )
    return mask
