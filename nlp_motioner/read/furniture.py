"""Page furniture: running headers, footers and page numbers that repeat on every page.

A line is furniture when it sits in the top or bottom band of its page and either repeats
(digits ignored) on enough other pages, or matches a known furniture pattern. Both the
bands and the patterns come from `furniture.toml`, so they can be reviewed as data.
"""

from __future__ import annotations

import re
from collections import Counter
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
    cfg = load_toml("read/furniture.toml")
    pattern = re.compile("|".join(f"(?:{p})" for p in cfg["patterns"]), re.IGNORECASE)
    return cfg["header_band"], cfg["footer_band"], cfg["min_page_share"], pattern


_DIGITS = re.compile(r"\d+")


def _shape(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split()).lower())


def furniture_mask(lines: list[RawLine], page_count: int) -> list[bool]:
    """True for each line that is page furniture."""
    header, footer, share, pattern = _config()
    in_band = [ln.top <= header or ln.top >= 1.0 - footer for ln in lines]
    pages_by_shape: dict[str, set[int]] = {}
    for ln, band in zip(lines, in_band):
        if band:
            pages_by_shape.setdefault(_shape(ln.text), set()).add(ln.page)
    need = max(2, int(page_count * share + 0.999))
    repeated = {s for s, pages in pages_by_shape.items() if len(pages) >= need and s}
    mask = []
    for ln, band in zip(lines, in_band):
        if not band:
            mask.append(False)
            continue
        text = ln.text.strip()
        mask.append(
            not text or _shape(text) in repeated or bool(pattern.fullmatch(text)) or text.isdigit()
        )
    return mask


def furniture_counts(lines: list[RawLine], mask: list[bool]) -> Counter[str]:
    return Counter(_shape(ln.text) for ln, m in zip(lines, mask) if m)
