"""Split minutes into their numbered § items."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp_motioner._data import load_toml
from nlp_motioner.record import Document, Item, Section
from nlp_motioner.structure.sections import Heading, _body_size


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cfg = load_toml("structure/headings.toml")["items"]
    case = cfg["case_number"]
    line = re.compile(r"^§\s*(\d{1,4})\s*(.*)$")
    cases = re.compile(rf"^(?:(?:dnr\.?\s*)?(?:{case})[\s,;]*)+$", re.IGNORECASE)
    minutes = re.compile(cfg["minutes_cue"], re.IGNORECASE)
    return line, cases, re.compile(cfg["range"], re.IGNORECASE), minutes


@lru_cache(maxsize=1)
def _case_finder() -> re.Pattern[str]:
    return re.compile(load_toml("structure/headings.toml")["items"]["case_number"])


@dataclass
class _Candidate:
    line_index: int
    number: int
    rest: str
    strong: bool  # "§ N" alone or followed only by case numbers


def normalize_case_number(text: str) -> str:
    """'2025. 374 KS' -> '2025.374 KS' (extraction sometimes splits after the dot)."""
    return re.sub(r"(\d{4})\.\s+(\d)", r"\1.\2", " ".join(text.split()))


def _candidates(doc: Document) -> list[_Candidate]:
    line_re, cases_re, _, _ = _patterns()
    out = []
    for i, ln in enumerate(doc.lines):
        m = line_re.match(ln.text.strip())
        if not m or m.group(2).startswith("§"):
            continue
        rest = m.group(2).strip()
        strong = not rest or bool(cases_re.match(rest))
        out.append(_Candidate(i, int(m.group(1)), rest, strong))
    return out


def _bounds(doc: Document) -> tuple[int, int] | None:
    _, _, range_re, _ = _patterns()
    head = doc.text[:5000]
    m = range_re.search(head)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or m.group(1))


def _increasing(cands: list[_Candidate]) -> list[_Candidate]:
    """Longest strictly increasing run of paragraph numbers, in document order."""
    if not cands:
        return []
    n = len(cands)
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if cands[j].number < cands[i].number and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    k = max(range(n), key=lambda i: (best[i], -i))
    chain = []
    while k != -1:
        chain.append(cands[k])
        k = prev[k]
    return chain[::-1]


def _has_minutes_cue(doc: Document) -> bool:
    _, _, _, cue = _patterns()
    header = " ".join(doc.metadata.get("page_header") or [])
    return bool(cue.search(header) or cue.search(doc.text[:1500]))


def find_items(doc: Document, heads: list[Heading]) -> list[Item]:
    cands = _candidates(doc)
    if not cands:
        return []
    if not _has_minutes_cue(doc):
        # Outside minutes a "§ N" line is a cross-reference or a statute ("45 § FL"), unless
        # it carries a case number the way an item heading does.
        cands = [c for c in cands if c.strong and c.rest]
        if not cands:
            return []
    bounds = _bounds(doc)
    if bounds:
        cands = [c for c in cands if bounds[0] <= c.number <= bounds[1]] or cands
    strong = [c for c in cands if c.strong]
    chosen = _increasing(strong if strong else cands)
    if not chosen:
        return []
    body = _body_size(doc.lines)
    items: list[Item] = []
    finder = _case_finder()
    for c, nxt in zip(chosen, chosen[1:] + [None]):
        ln = doc.lines[c.line_index]
        start = ln.start
        end = doc.lines[nxt.line_index].start if nxt else len(doc.text)
        cases = (
            [normalize_case_number(m.group(0)) for m in finder.finditer(c.rest)] if c.strong else []
        )
        title, title_end = _title(doc, c, body)
        if not c.strong:
            title = finder.sub("", c.rest).strip(" ,;-–") or title
        item_sections = _item_sections(doc, heads, title_end, end)
        items.append(Item(c.number, cases, title, start, end, ln.page, item_sections))
    return items


def _title(doc: Document, c: _Candidate, body: float) -> tuple[str, int]:
    """The § item's title: the heading-styled lines right after the '§ N' line."""
    lines = doc.lines
    i = c.line_index + 1
    parts: list[str] = []
    end = lines[c.line_index].end
    first_style = None
    while i < len(lines) and len(parts) < 4:
        ln = lines[i]
        text = ln.text.strip()
        if not text:
            if parts:
                break
            i += 1
            continue
        styled = ln.bold or (body and ln.size >= body + 1.5) or ln.heading_level
        style = (ln.bold, ln.size)
        if parts and (not styled or style != first_style):
            break
        if not parts:
            first_style = style
            if not c.strong:
                break
        parts.append(text)
        end = ln.end
        i += 1
        has_layout = body or ln.bold
        if not has_layout:
            break  # plain text: the title is the one line after "§ N"
        if not styled:
            break
    return " ".join(parts), end


def _item_sections(doc: Document, heads: list[Heading], start: int, end: int) -> list[Section]:
    inside = [h for h in heads if start <= h.start < end]
    sections: list[Section] = []
    first = inside[0].start if inside else end
    if doc.text[start:first].strip():
        sections.append(Section("", "body", start, first, doc.page_at(start)))
    for h, nxt in zip(inside, inside[1:] + [None]):
        sections.append(Section(h.text, h.kind, h.start, nxt.start if nxt else end, h.page))
    return sections
