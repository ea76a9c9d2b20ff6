"""Find section headings from layout (bold, larger font, markup) and the heading vocabulary."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from nlp_motioner._data import load_toml
from nlp_motioner.record import Document, Line, Section

_MAX_HEADING_CHARS = 100


@dataclass
class Heading:
    line_index: int  # index of its first line in doc.lines
    n_lines: int
    text: str
    kind: str
    start: int
    page: int


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, str]:
    """phrase -> kind; a phrase listed under two kinds keeps the first."""
    table: dict[str, str] = {}
    for kind, phrases in load_toml("structure/headings.toml")["kinds"].items():
        for phrase in phrases:
            table.setdefault(phrase, kind)
    return table


_SPLIT = re.compile(r"[ :]")


def _normalize(text: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").split()).lower()
    return text.rstrip(":.").strip()


def heading_kind(text: str) -> tuple[str | None, bool]:
    """Return (kind, exact) for a heading text; kind is None when no phrase matches."""
    norm = _normalize(text)
    vocabulary = _vocabulary()
    if norm in vocabulary:
        return vocabulary[norm], True
    # Prefixes that end before a space or colon, longest first: the most specific phrase wins.
    # A dict lookup per split point keeps this linear in the line, not in the vocabulary.
    for m in reversed(list(_SPLIT.finditer(norm))):
        kind = vocabulary.get(norm[: m.start()])
        if kind:
            return kind, False
    for phrase, kind in _contained():
        if phrase in norm:
            return kind, False
    return None, False


@lru_cache(maxsize=1)
def _contained() -> list[tuple[str, str]]:
    table = load_toml("structure/headings.toml").get("contains", {})
    return [(phrase, kind) for kind, phrases in table.items() for phrase in phrases]


_SENTENCE_END = re.compile(r"[,;]$|\.\s*$")
_BULLET = re.compile(r"^\s*([•\-–·o*▪]|\d+[.)]\s|[a-z][.)]\s)")
_LETTERS = re.compile(r"[^\W\d_]")
_STARTS_OK = re.compile(r"^[A-ZÅÄÖÉÜ0-9§\"“(]")


def _body_size(lines: list[Line]) -> float:
    sizes: Counter[float] = Counter()
    for ln in lines:
        if ln.size:
            sizes[ln.size] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _is_blank(lines: list[Line], i: int) -> bool:
    return i < 0 or i >= len(lines) or not lines[i].text.strip()


def _layout_heading(ln: Line, body: float) -> bool:
    text = ln.text.strip()
    if not text or len(text) > _MAX_HEADING_CHARS or _BULLET.match(text):
        return False
    if not _STARTS_OK.match(text) or _SENTENCE_END.search(text):
        return False
    if ln.heading_level:
        return True
    if body and ln.size >= body + 1.5:
        return True
    return ln.bold and (not body or ln.size >= body - 0.5)


def find_headings(doc: Document) -> list[Heading]:
    lines = doc.lines
    body = _body_size(lines)
    has_layout = any(ln.size or ln.bold or ln.heading_level for ln in lines)
    heads: list[Heading] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        text = ln.text.strip()
        if not text or len(text) > _MAX_HEADING_CHARS:
            i += 1
            continue
        kind, exact = heading_kind(text)
        if kind and (not _STARTS_OK.match(text) or text.endswith((".", ",", ";"))):
            kind = None  # "... kommunfullmäktiges beslut." is the end of a sentence
        layout = _layout_heading(ln, body)
        # Plain text has no fonts: a vocabulary heading must open a paragraph. Alone between
        # blank lines any match counts; directly above its text only a short line that names
        # the heading phrase near its end ("Kommunstyrelsens förslag till beslut").
        standalone = (
            not has_layout
            and _is_blank(lines, i - 1)
            and (
                _is_blank(lines, i + 1)
                or (kind is not None and len(text) <= 60 and text[-1:].isalpha())
            )
        )
        accept = ln.heading_level > 0 or (kind and (exact or layout or standalone)) or layout
        if text.startswith("§") and not ln.heading_level:
            accept = False  # § lines open items; the item parser owns them
        if not accept:
            i += 1
            continue
        n = 1
        # A bold heading that wraps continues on the next bold line of the same size.
        if layout and kind is None:
            while (
                i + n < len(lines)
                and lines[i + n].page == ln.page
                and _layout_heading(lines[i + n], body)
                and lines[i + n].size == ln.size
                and heading_kind(lines[i + n].text)[0] is None
                and n < 3
            ):
                n += 1
        full = " ".join(lines[j].text.strip() for j in range(i, i + n)).strip("*_ ")
        if len(_LETTERS.findall(full)) < 2:
            i += n  # "2", "56,7%": chapter numbers and figures set large are not headings
            continue
        heads.append(Heading(i, n, full, kind or "other", ln.start, ln.page))
        i += n
    return heads


def split_sections(doc: Document) -> list[Heading]:
    """Fill doc.sections from the headings; return the headings for the item parser."""
    heads = find_headings(doc)
    end = len(doc.text)
    sections: list[Section] = []
    first = heads[0].start if heads else end
    if first > 0 and doc.text[:first].strip():
        sections.append(Section("", "body", 0, first, doc.page_at(0)))
    for h, nxt in zip(heads, heads[1:] + [None]):
        stop = nxt.start if nxt else end
        sections.append(Section(h.text, h.kind, h.start, stop, h.page))
    if not sections:
        sections.append(Section("", "body", 0, end, doc.page_at(0)))
    doc.sections = sections
    return heads
