"""Find section headings from layout (bold, larger font, markup) and the heading vocabulary."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from nlp_motioner.profile import Profile, default_profile
from nlp_motioner.record import Document, Line, Section
from nlp_motioner.structure.minutes import ITEM_HEAD, RIKSDAG_HEAD

_MAX_HEADING_CHARS = 100


@dataclass
class Heading:
    line_index: int  # index of its first line in doc.lines
    n_lines: int
    text: str
    role: str
    start: int
    page: int


@dataclass
class _Vocabulary:
    exact: dict[str, str]  # phrase -> kind; a phrase listed under two kinds keeps the first
    prefixes: dict[str, str]  # the phrases that also name their kind as a heading's first words
    numbered_kinds: frozenset[str]  # kinds a phrase keeps when a number follows it
    first_words: frozenset[str]  # a heading can start with a phrase only after one of these
    longest: int  # no phrase is longer than this
    contained: re.Pattern[str] | None  # phrases that count anywhere in a short heading
    contained_kind: dict[str, str]
    cache: dict[str, tuple[str | None, bool]]


_CACHE_SIZE = 50_000


def _build_vocabulary(profile: Profile) -> _Vocabulary:
    table = profile.table("headings")
    exact: dict[str, str] = {}
    for kind, phrases in table["kinds"].items():
        for phrase in phrases:
            exact.setdefault(phrase, kind)
    whole_only = set(table.get("whole_heading_only", {}).get("phrases", []))
    prefixes = {p: kind for p, kind in exact.items() if p not in whole_only}
    contained = {p: kind for kind, phrases in table.get("contains", {}).items() for p in phrases}
    # One alternation, longest first, so a search finds the longest phrase at each place.
    pattern = (
        re.compile("|".join(re.escape(p) for p in sorted(contained, key=len, reverse=True)))
        if contained
        else None
    )
    return _Vocabulary(
        exact,
        prefixes,
        frozenset(table.get("numbered", {}).get("kinds", [])),
        frozenset(p.split(" ")[0].split(":")[0] for p in prefixes),
        max(map(len, prefixes), default=0),
        pattern,
        contained,
        {},
    )


def _vocabulary(profile: Profile | None) -> _Vocabulary:
    return (profile or default_profile()).compiled("structure.headings", _build_vocabulary)


_SPLIT = re.compile(r"[ :]")
_NUMBER_NEXT = re.compile(r"[ :]*\d")


def _normalize(text: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").split()).lower()
    return text.rstrip(":.").strip()


def heading_kind(text: str, profile: Profile | None = None) -> tuple[str | None, bool]:
    """Return (kind, exact) for a heading text; kind is None when no phrase matches.

    Of the phrases that match (the heading's start up to a space or colon, or a phrase
    contained anywhere), the longest decides: "Beslut – Förslag till kommunfullmäktige" is a
    proposal, "Beslut i kommunstyrelsens arbetsutskott" a decision.
    """
    norm = _normalize(text)
    vocabulary = _vocabulary(profile)
    cached = vocabulary.cache.get(norm)
    if cached is not None:
        return cached
    result = _lookup(norm, vocabulary)
    if len(vocabulary.cache) < _CACHE_SIZE:
        vocabulary.cache[norm] = result
    return result


def _lookup(norm: str, vocabulary: _Vocabulary) -> tuple[str | None, bool]:
    if norm in vocabulary.exact:
        return vocabulary.exact[norm], True
    best: tuple[int, str] | None = None
    first = _SPLIT.split(norm, 1)[0]
    if first in vocabulary.first_words:
        # A dict lookup per split point keeps this linear in the line, not in the vocabulary.
        for m in _SPLIT.finditer(norm, 0, vocabulary.longest + 1):
            kind = vocabulary.prefixes.get(norm[: m.start()])
            if kind and kind not in vocabulary.numbered_kinds and _NUMBER_NEXT.match(norm, m.end()):
                continue  # "Ärende 10", "Bilaga 1 Verkställighet": a numbered thing
            if kind:
                best = (m.start(), kind)
    if vocabulary.contained is not None:
        for m in vocabulary.contained.finditer(norm):
            length = m.end() - m.start()
            if best is None or length > best[0]:
                best = (length, vocabulary.contained_kind[m.group(0)])
    return (best[1], False) if best else (None, False)


_SENTENCE_END = re.compile(r"[,;]$|\.\s*$")
_BULLET = re.compile(r"^\s*([•\-–·o*▪]|\d+[.)]\s|[a-z][.)]\s)")
_LETTERS = re.compile(r"[^\W\d_]")
_STARTS_OK = re.compile(r"^[A-ZÅÄÖÉÜ0-9§\"“(]")
# "Dokumenttyp: Motionssvar", "GIS-enheten: Beslut fattade i mars": a label with its value on
# the same line is a form field or a list entry, not a heading.
# "Etapp 1: Sollebrunn - Gräfsnäs" numbers a heading, so a label holds letters only.
_FIELD = re.compile(r"^(?:[^\W\d_]|-)+(?: (?:[^\W\d_]|-)+)?:\s+\S")
# "Med hänvisning till ovanstående föreslår jag att kommunfullmäktige beslutar:" is a sentence
# that introduces a list, however it is set; a heading ending in a colon is a few words long.
_LEAD_IN_MIN_WORDS = 6


# The last document's answer: its headings, items and title all ask for it in turn.
_LAST_BODY: list[Any] = [None, 0, 0.0]


def body_size(lines: list[Line]) -> float:
    """The font size that most of the text is set in (0 when the source has no layout)."""
    if _LAST_BODY[0] is lines and _LAST_BODY[1] == len(lines):
        return _LAST_BODY[2]
    sizes: Counter[float] = Counter()
    for ln in lines:
        if ln.size:
            sizes[ln.size] += len(ln.text)
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    _LAST_BODY[:] = [lines, len(lines), size]
    return size


def _is_blank(lines: list[Line], i: int) -> bool:
    return i < 0 or i >= len(lines) or not lines[i].text.strip()


def _layout_heading(ln: Line, body: float, continuation: bool = False, named: bool = False) -> bool:
    """Whether a line's font makes it a heading; a `continuation` line (the wrapped rest of
    the heading above it) may start in lower case: "... för gående" / "och cyklister". A line
    the vocabulary `named` ("Ärende: Ansökan om bygglov") is not read as a field."""
    # The font first: most lines are body text, and this test needs no pattern.
    if not (
        ln.heading_level
        or (body and ln.size >= body + 1.5)
        or (ln.bold and (not body or ln.size >= body - 0.5))
    ):
        return False
    text = ln.text.strip()
    if not text or len(text) > _MAX_HEADING_CHARS or _BULLET.match(text):
        return False
    if not (continuation or _STARTS_OK.match(text)) or _SENTENCE_END.search(text):
        return False
    return named or not (
        _FIELD.match(text) or (text.endswith(":") and len(text.split()) >= _LEAD_IN_MIN_WORDS)
    )


def find_headings(doc: Document, profile: Profile | None = None) -> list[Heading]:
    lines = doc.lines
    body = body_size(lines)
    has_layout = any(ln.size or ln.bold or ln.heading_level for ln in lines)
    heads: list[Heading] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        text = ln.text.strip()
        if not text or len(text) > _MAX_HEADING_CHARS:
            i += 1
            continue
        kind, exact = heading_kind(text, profile)
        if kind and (not _STARTS_OK.match(text) or text.endswith((".", ",", ";"))):
            kind = None  # "... kommunfullmäktiges beslut." is the end of a sentence
        layout = _layout_heading(ln, body, named=kind is not None)
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
        if accept and not ln.heading_level and (ITEM_HEAD.match(text) or RIKSDAG_HEAD.match(text)):
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
                and _layout_heading(lines[i + n], body, continuation=True)
                and lines[i + n].size == ln.size
                and heading_kind(lines[i + n].text, profile)[0] is None
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


def split_sections(doc: Document, profile: Profile | None = None) -> list[Heading]:
    """Fill doc.sections from the headings; return the headings for the item parser."""
    heads = find_headings(doc, profile)
    end = len(doc.text)
    sections: list[Section] = []
    first = heads[0].start if heads else end
    if first > 0 and doc.text[:first].strip():
        sections.append(Section("", "body", 0, first, doc.page_at(0)))
    for h, nxt in zip(heads, heads[1:] + [None]):
        stop = nxt.start if nxt else end
        sections.append(Section(h.text, h.role, h.start, stop, h.page))
    if not sections:
        sections.append(Section("", "body", 0, end, doc.page_at(0)))
    doc.sections = sections
    return heads
