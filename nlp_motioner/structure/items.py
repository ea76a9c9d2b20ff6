"""Split minutes into their numbered § items.

Every line that could open an item is a candidate: "§ 12" alone, "§ 12  Dnr KS 2024/0012",
"KS § 1 DNR:KU/2007.9", "Kf § 57 Title", "§ 3 a", OCR's "$ 114", the Riksdag's
"1 § Välkomstord". Minutes print most numbers twice (table of contents, then the item),
and an attendance list may name items ("deltar § 164"); which candidate opens the item is
decided by what follows it — dot leaders and page numbers, a list of members, or the
headings and text of a case — never by its position. The kept candidates must form an
increasing run of numbers, and stay inside "Paragrafer §§ N-M" when the minutes print it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner.casenumber import normalize
from nlp_motioner.profile import Profile
from nlp_motioner.record import Document, Item, Section
from nlp_motioner.structure.cases import case_finder
from nlp_motioner.structure.minutes import (
    ITEM_HEAD,
    RIKSDAG_HEAD,
    has_minutes_cue,
    item_bounds,
    minutes_rules,
    names_member,
)
from nlp_motioner.structure.sections import Heading, body_size, heading_kind

__all__ = ["find_items", "normalize_case_number"]

_RANGE_REST = re.compile(r"^\s*[-–]\s*\d")
# Section kinds that belong to a case; a candidate followed by one opens a real item.
_CASE_KINDS = frozenset(
    {
        "beslut",
        "forslag_till_beslut",
        "arendebeskrivning",
        "beslutsunderlag",
        "beslutsgang",
        "beredning",
        "yrkanden",
        "reservation",
        "expedieras",
        "sammanfattning",
        "bakgrund",
    }
)
_TITLE_LINES = 4


def normalize_case_number(text: str) -> str:
    """'2025. 374 KS' -> '2025.374 KS' (kept for callers of the old name)."""
    return normalize(text)


@dataclass
class _Candidate:
    line_index: int
    number: int
    sub: str
    rest: str
    cases: list[str]
    title: str  # text on the heading line besides case numbers
    score: float = 0.0

    @property
    def order(self) -> tuple[int, str]:
        return (self.number, self.sub)


def _candidates(doc: Document, profile: Profile) -> list[_Candidate]:
    finder = case_finder(profile)
    out: list[_Candidate] = []
    riksdag: list[_Candidate] = []
    for i, ln in enumerate(doc.lines):
        text = ln.text.strip()
        if not text or len(text) > 300:
            continue
        m = ITEM_HEAD.match(text)
        if m and not m.group("rest").lstrip().startswith(("§", "$")):
            rest = m.group("rest").strip()
            if _RANGE_REST.match(rest) or (rest and rest[0] in ").,;:"):
                continue  # "§ 224-244" is a range, "(... § 148)." a reference in a sentence
            cases = finder.in_heading(rest)
            title = _strip_cases(rest, finder) if rest else ""
            out.append(_Candidate(i, int(m.group("num")), m.group("sub") or "", rest, cases, title))
            continue
        r = RIKSDAG_HEAD.match(text)
        if r:
            rest = r.group("rest").strip()
            riksdag.append(_Candidate(i, int(r.group("num")), "", rest, [], rest))
    return out or riksdag


def _strip_cases(rest: str, finder) -> str:
    text = finder.heading.sub(" ", rest)
    text = re.sub(finder.labels_pattern, " ", text, flags=re.IGNORECASE)
    return " ".join(text.split()).strip(" ,;:-–")


def _next_lines(doc: Document, start: int, stop: int, limit: int) -> list[str]:
    out: list[str] = []
    for ln in doc.lines[start:stop]:
        text = ln.text.strip()
        if text:
            out.append(text)
            if len(out) >= limit:
                break
    return out


def _score(doc: Document, cands: list[_Candidate], heads: list[Heading], profile: Profile) -> None:
    """How surely each candidate opens an item, from what follows it (0 = not an item)."""
    rules = minutes_rules(profile)
    head_starts = [(h.start, h.role) for h in heads]
    for n, c in enumerate(cands):
        stop_line = cands[n + 1].line_index if n + 1 < len(cands) else len(doc.lines)
        start = doc.lines[c.line_index].start
        end = doc.lines[stop_line].start if stop_line < len(doc.lines) else len(doc.text)
        following = _next_lines(doc, c.line_index, stop_line, 4)
        if any(rules.toc_line.search(line) for line in following):
            c.score = 0  # a table-of-contents entry: title, dots, page number
            continue
        span = doc.text[start:end]
        sections = any(start < s < end and kind in _CASE_KINDS for s, kind in head_starts)
        if not sections and not c.title and not c.cases and _among_members(doc, c.line_index):
            c.score = 0  # "§ 164" inside an attendance list: a member's name beside it
            continue
        size = len(span.strip())
        base = 3 if sections else 2 if size > 300 else 1
        # Of two candidates alike, the one followed by more text opens the item: a contents
        # entry without dot leaders is followed by the next entry at once.
        c.score = base + size / (size + 300)


def _among_members(doc: Document, index: int) -> bool:
    """Whether the non-empty line before or after line `index` names a member "(M)"."""
    for step in (-1, 1):
        j = index + step
        while 0 <= j < len(doc.lines) and not doc.lines[j].text.strip():
            j += step
        if 0 <= j < len(doc.lines) and names_member(doc.lines[j].text):
            return True
    return False


def _best_run(cands: list[_Candidate]) -> list[_Candidate]:
    """The increasing run of item numbers with the largest total score, in document order."""
    if not cands:
        return []
    n = len(cands)
    best = [c.score for c in cands]
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if cands[j].order < cands[i].order and best[j] + cands[i].score > best[i]:
                best[i], prev[i] = best[j] + cands[i].score, j
    k = max(range(n), key=lambda i: (best[i], -i))
    chain = []
    while k != -1:
        chain.append(cands[k])
        k = prev[k]
    return chain[::-1]


def find_items(doc: Document, heads: list[Heading], profile: Profile) -> list[Item]:
    cands = _candidates(doc, profile)
    if not cands:
        return []
    _score(doc, cands, heads, profile)
    if not has_minutes_cue(doc, profile):
        # Outside minutes a "§ N" line is a cross-reference or a statute, unless it opens
        # a case the way an item heading does: a case number and the case's headings.
        cands = [c for c in cands if c.cases and c.score >= 3]
    bounds = item_bounds(doc, profile)
    if bounds:
        cands = [c for c in cands if bounds[0] <= c.number <= bounds[1]] or cands
    # Per number, only the candidates that most surely open the item stay.
    top: dict[tuple[int, str], int] = {}
    for c in cands:
        top[c.order] = max(top.get(c.order, 0), c.score)
    cands = [c for c in cands if c.score > 0 and c.score == top[c.order]]
    chosen = _best_run(cands)
    body = body_size(doc.lines)
    items: list[Item] = []
    for c, nxt in zip(chosen, chosen[1:] + [None]):
        ln = doc.lines[c.line_index]
        end = doc.lines[nxt.line_index].start if nxt else len(doc.text)
        cases, title, title_end = _title_and_cases(doc, c, body, end, profile)
        item_sections = _item_sections(doc, heads, title_end, end)
        items.append(Item(c.number, cases, title, ln.start, end, ln.page, item_sections, sub=c.sub))
    return items


def _title_and_cases(doc: Document, c: _Candidate, body: float, end: int, profile: Profile):
    """Case numbers and title of an item: on its heading line, or on the lines below it."""
    finder = case_finder(profile)
    lines = doc.lines
    cases = list(c.cases)
    i = c.line_index + 1
    title_end = lines[c.line_index].end
    # "§ 12" with the case number on the next line ("Dnr KS 2024/0012").
    while i < len(lines) and lines[i].start < end and not lines[i].text.strip():
        i += 1
    if not cases and i < len(lines) and lines[i].start < end:
        nxt = lines[i].text.strip()
        found = finder.in_heading(nxt)
        if found and finder.only_cases(nxt):
            cases = found
            title_end = lines[i].end
            i += 1
    if c.title:
        return cases, c.title, title_end
    parts: list[str] = []
    first_style = None
    while i < len(lines) and lines[i].start < end and len(parts) < _TITLE_LINES:
        ln = lines[i]
        text = ln.text.strip()
        if not text:
            if parts:
                break
            i += 1
            continue
        styled = bool(ln.bold or (body and ln.size >= body + 1.5) or ln.heading_level)
        has_layout = bool(body or ln.bold)
        if parts:
            if has_layout and (not styled or (ln.bold, ln.size) != first_style):
                break
            if not has_layout and (
                _is_heading_line(doc, i, profile) or parts[-1].endswith((".", ":"))
            ):
                break
        else:
            first_style = (ln.bold, ln.size)
        parts.append(text)
        title_end = ln.end
        i += 1
        if has_layout and not styled:
            break
    return cases, _join_title(parts), title_end


def _is_heading_line(doc: Document, index: int, profile: Profile) -> bool:
    return heading_kind(doc.lines[index].text, profile)[0] is not None


_JOINERS = ("och ", "eller ", "samt ", "till ")


def _join_title(parts: list[str]) -> str:
    """Title lines joined with one space; "VA-" / "lösningar" without one."""
    out = ""
    for part in parts:
        if not out:
            out = part
        elif (
            out.endswith("-")
            and not part.startswith(_JOINERS)
            and (out[-2:-1].isupper() or out[-2:-1].isdigit())
        ) or (out.endswith(("-", "–")) and part[:1].isdigit()):
            out += part  # "VA-" / "lösningar", "2027–" / "2030"
        else:
            out = f"{out} {part}"
    return " ".join(out.split())


def _item_sections(doc: Document, heads: list[Heading], start: int, end: int) -> list[Section]:
    inside = [h for h in heads if start <= h.start < end]
    sections: list[Section] = []
    first = inside[0].start if inside else end
    if doc.text[start:first].strip():
        sections.append(Section("", "body", start, first, doc.page_at(start)))
    for h, nxt in zip(inside, inside[1:] + [None]):
        sections.append(Section(h.text, h.role, h.start, nxt.start if nxt else end, h.page))
    return sections
