"""Referral bodies: the bodies asked for an opinion on a matter or given it for preparation.

Sentences that say so ("X fick motionen för beredning", "begärt yttrande från X",
"Yttranden har inkommit från X och Y") and lists under a heading ("Remissinstanser",
"Till följande nämnder för yttrande:") are read; the routine referral of a motion from
kommunfullmäktige to kommunstyrelsen is not a referral body (it is outcome `remitterad`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from nlp_motioner.casefold import FoldedPattern
from nlp_motioner.profile import Profile, default_profile
from nlp_motioner.record import Document, Section
from nlp_motioner.taggers._text import flat, mask_spans, spans_of

__all__ = ["find_bodies", "split_bodies", "normalize_body", "is_body", "organ_of"]

_WORD = r"[A-ZÅÄÖa-zåäöéü][a-zåäöéü]*"
_SUBJECT_FIRST = "(?P<list>[^.;:]{3,80}?) "


@dataclass
class _Rules:
    body: re.Pattern[str]
    routine: frozenset[str]
    triggers: list[tuple[bool, FoldedPattern]]
    list_head: re.Pattern[str]  # one alternation of the list headings
    list_stop: list[re.Pattern[str]]
    list_skip: list[re.Pattern[str]]
    self_referral: list[FoldedPattern]
    list_hint: FoldedPattern
    # The hint words with any white space between their words: a list heading's line
    # holds one once flattened, so only the lines these touch are tried as headings.
    line_hint: FoldedPattern


def _compile_trigger(pattern: str) -> tuple[bool, FoldedPattern]:
    """(subject_first, regex). "X fick motionen ..." patterns are searched from the verb
    and the subject read backwards, which keeps the scan linear in the text length.
    Case-insensitive, on the lower-cased sentence where that finds the same (so a match's
    text is taken from the sentence by its offsets)."""
    if pattern.startswith(_SUBJECT_FIRST):
        return True, FoldedPattern(pattern[len(_SUBJECT_FIRST) :], re.MULTILINE)
    return False, FoldedPattern(pattern, re.MULTILINE)


def _build(profile: Profile) -> _Rules:
    lex = profile.table("bodies")
    # A head word may open the name too ("Nämnden för Miljö & Hälsoskydd").
    suffix = "|".join(
        f"[{w[0]}{w[0].upper()}]{re.escape(w[1:])}"
        for w in sorted(lex["suffixes"], key=len, reverse=True)
    )
    known = "|".join(sorted((re.escape(k) for k in lex["known"]), key=len, reverse=True))
    # One body name: "Kultur- och utbildningsnämnden", "enheten för social hållbarhet",
    # "nämnden för Kultur & Fritid", "Älvsjö stadsdelsnämnd", "säkerhetsenheten",
    # "Alingsåshem AB", "Länsstyrelsen". Mid-sentence names are often lower case
    # ("remitterats till tekniska nämnden"); a lower-case first word must look like an
    # adjective.
    body = re.compile(
        r"(?:(?:[A-ZÅÄÖa-zåäö][a-zåäö]+-\s(?:och|eller)\s)?(?:[A-ZÅÄÖa-zåäö][a-zåäö]*(?:styrelsens|nämndens|fullmäktiges)\s|[A-ZÅÄÖ][a-zåäö]+\s|[a-zåäö]+(?:iska|ska|ala|ella|iva|ära)\s)?(?:[A-ZÅÄÖa-zåäö][a-zåäö]*?)?(?:"
        + suffix
        + r")"
        r"(?:\s+för\s+[a-zåäöA-ZÅÄÖ][a-zåäö]+(?:\s+(?:&|och)\s+[A-ZÅÄÖ][a-zåäö]+|\s+(?!(?:och|eller|samt|för|till|om|med|i)\b)[a-zåäö]+)?)?"
        r"|(?:" + known + r")"
        r"|[A-ZÅÄÖ][a-zåäöA-ZÅÄÖ]+(?:\s[A-ZÅÄÖ][a-zåäö]+)?\sAB)"
        r"(?![a-zåäö])",
    )
    return _Rules(
        body,
        frozenset(r.lower() for r in lex["routine"]),
        [_compile_trigger(p) for p in lex["triggers"]],
        re.compile("|".join(f"(?:{p})" for p in lex["list_headings"]), re.IGNORECASE),
        [re.compile(p, re.IGNORECASE) for p in lex["list_stops"]],
        [re.compile(p, re.IGNORECASE) for p in lex["list_skip"]],
        [FoldedPattern(p) for p in lex["self_referral"]],
        FoldedPattern("|".join(lex["list_hint"])),
        FoldedPattern("|".join(h.replace(" ", r"\s+") for h in lex["list_hint"])),
    )


def _rules(profile: Profile | None) -> _Rules:
    return (profile or default_profile()).compiled("tag.bodies", _build)


_ITEM_PREFIX = re.compile(r"^\s*(?:\d+[.)]|[-•*·▪]|\d+\s)\s*")
_FOR_TAIL = re.compile(r"\s+för\s+(?:beredning|yttrande|besvarande|kännedom)\b.*$", re.IGNORECASE)


def normalize_body(name: str) -> str:
    """Tidy a body name found in a sentence: one space, first letter capital, no trailing
    parenthesis, upper-case headings lowered."""
    name = flat(name).strip(" ,.;:-–")
    name = re.sub(r"\s*\(.*?\)\s*$", "", name)
    if name.isupper() and len(name) > 5:
        name = name.lower()
    if name.lower().startswith("enheten för "):
        name = name.lower()
    return name[:1].upper() + name[1:] if name else name


def is_body(text: str, profile: Profile | None = None) -> bool:
    """Whether `text` (a list line) is a body name as a whole."""
    return _is_body(text, _rules(profile).body)


def _is_body(text: str, body: re.Pattern[str]) -> bool:
    text = _ITEM_PREFIX.sub("", flat(text)).strip(" ,.;:")
    if not text or len(text) > 80:
        return False
    m = body.match(text) or body.match(text[:1].upper() + text[1:])
    return bool(m and len(m.group(0)) >= len(text) - 2)


def split_bodies(enumeration: str, profile: Profile | None = None) -> list[str]:
    """Body names in an enumeration such as "Socialnämnden och enheten för Social hållbarhet, Styrning och stöd"."""
    rules = _rules(profile)
    out: list[str] = []
    text = _FOR_TAIL.sub("", flat(enumeration))
    for m in rules.body.finditer(text):
        name = normalize_body(m.group(0))
        if name.lower() in rules.routine:
            continue
        if name and name.lower() not in {o.lower() for o in out}:
            out.append(name)
    return out


def organ_of(doc: Document, profile: Profile | None = None) -> str | None:
    """The body that writes the document or holds the meeting: a body named on its own line
    in the running header or the first lines ("Kommunstyrelsens arbetsutskott")."""
    organs = _organs(doc, _rules(profile))
    return organs[0] if organs else None


def _organs(doc: Document, rules: _Rules) -> list[str]:
    header = [str(h) for h in doc.metadata.get("page_header") or []]
    head = [ln.strip() for ln in doc.text[:600].splitlines() if ln.strip()][:12]
    out = []
    for lines in (header, head):
        lines = [re.sub(r"^datum:?\s*\S+\s*", "", ln, flags=re.IGNORECASE).strip() for ln in lines]
        for n, line in enumerate(lines):
            # A name wrapped in a narrow header: "Barn- och" / "ungdomsnämnden",
            # "Överförmyndarnämnde" / "n".
            nxt = lines[n + 1] if n + 1 < len(lines) else ""
            joined = []
            if nxt[:1].islower():
                joined = [f"{line} {nxt}", f"{line}{nxt}"]
            for candidate in [*joined, line]:
                if not candidate or len(candidate) > 60:
                    continue
                body = rules.body
                if body.fullmatch(candidate) or body.fullmatch(
                    candidate[:1] + candidate[1:].lower()
                ):
                    out.append(normalize_body(candidate))
                    break
    return out


def _own_organ(doc: Document, rules: _Rules) -> str | None:
    """The body that writes the document, when it can be a referral body."""
    for name in _organs(doc, rules):
        if name.lower() not in rules.routine or name.lower() == "kommunstyrelsen":
            return name
    return None


# Only sentences with one of these words can hold a referral; the trigger patterns
# (which scan backwards for a subject) run on those alone, which keeps tagging fast.
# Searched on the lower-cased text (see nlp_motioner.casefold): every branch then starts
# with a literal the engine skips to, 7x faster over the dev corpus than a case-folding
# pattern with a leading \b, which tried every position. The word start of "fick" and
# "fått" is checked by hand (`_word_start`).
_CUE = FoldedPattern(
    r"fick\b|fått\b|behandlat|yttrande|remiss|remitter|överlämnat|gemensamt|styrk|motionen"
)


def _cue_starts(text: str) -> list[int]:
    """Where a cue word starts in `text` (case-insensitive), in order."""
    return [m.start() for m in _CUE.finditer(text) if _word_start(text, m.start())]


def _word_start(text: str, at: int) -> bool:
    # Only "fick" and "fått" must start a word (the \b the pattern leaves out); the other
    # cues may end a compound.
    return text[at] not in "fF" or at == 0 or not _WORD_CHAR.match(text, at - 1)


_WORD_CHAR = re.compile(r"\w")


_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n\s*\n|\n(?=\s*[-•·*]\s)")
_LEADING_BULLET = re.compile(r"^[-•·*▪]\s*")


def find_bodies(
    doc: Document,
    sections: list[Section] | None = None,
    scope: tuple[int, int] | None = None,
    *,
    text: str | None = None,
    profile: Profile | None = None,
) -> list[str]:
    """Referral bodies named in the document (or in the character range `scope`).

    `text` may pass the document text with attendance and distribution lists already
    blanked (see `masked_text`). The text is scanned once; the document and each of its
    § items then take the names found inside their range.
    """
    if doc.file_kind == "riksdagen":
        return []
    rules = _rules(profile)
    if text is None:
        text = masked_text(doc, sections)
    lo, hi = scope or (0, len(text))
    found: list[str] = []
    seen: set[str] = set()
    for offset, name in _scan(text, rules, profile):
        if lo <= offset < hi and name.lower() not in seen:
            seen.add(name.lower())
            found.append(name)
    if not found:
        head = flat(text[lo : min(hi, lo + 4000)])
        if any(p.search(head) for p in rules.self_referral):
            organ = _own_organ(doc, rules)
            if organ and organ.lower() not in rules.routine:
                found.append(organ)
    return found


# The last text scanned and what was found in it: a document and its § items ask in turn.
_LAST_SCAN: list[object] = [None, None, []]


def _scan(text: str, rules: _Rules, profile: Profile | None) -> list[tuple[int, str]]:
    """(offset, body) for every body that a list or a referral sentence names, in text order."""
    if _LAST_SCAN[0] is text and _LAST_SCAN[1] is rules:
        return _LAST_SCAN[2]  # type: ignore[return-value]
    hits = _from_lists(text, rules)
    # Where the cue words stand, found in one pass: only sentences that hold one are read.
    cues = _cue_starts(text)
    if not cues:
        _LAST_SCAN[:] = [text, rules, hits]
        return hits
    for start, raw in _sentences(text):
        k = bisect.bisect_left(cues, start)
        if k == len(cues) or cues[k] >= start + len(raw):
            continue
        sent = _LEADING_BULLET.sub("", flat(raw))
        for subject_first, pat in rules.triggers:
            for m in pat.finditer(sent):
                if subject_first:
                    # "... X fick motionen för beredning": only the subject next to the verb.
                    before = re.split(r"[.;:]", sent[max(0, m.start() - 81) : m.start()])[-1]
                    names = split_bodies(before, profile)[-1:]
                else:
                    names = split_bodies(sent[m.start("list") : m.end("list")], profile)
                hits.extend((start, name) for name in names)
    hits.sort(key=lambda hit: hit[0])
    _LAST_SCAN[:] = [text, rules, hits]
    return hits


_MAX_SENTENCE = 1500


def _sentences(text: str):
    """(offset, sentence) of `text`; a run-on "sentence" (a table, a list without stops) is
    cut into overlapping windows so that no pattern scans more than a page at a time."""
    pos = 0
    for sep in [*_SENTENCE.finditer(text), None]:
        end = sep.start() if sep else len(text)
        raw = text[pos:end]
        if len(raw) <= _MAX_SENTENCE:
            yield pos, raw
        else:
            for start in range(0, len(raw), _MAX_SENTENCE - 200):
                yield pos + start, raw[start : start + _MAX_SENTENCE]
        if sep:
            pos = sep.end()


def masked_text(doc: Document, sections: list[Section] | None = None) -> str:
    """The text with the attendance list and the distribution list ("Expedieras till") blanked."""
    return mask_spans(doc.text, spans_of(sections or doc.sections, {"narvaro", "expedieras"}))


_TRAILING_DATE = re.compile(r"\s+(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:\s?\d{4})?)$")
# A list item's marker: "1.", "1)", "1 " (a number and a space), "-", "*", "•".
_MARKER = re.compile(
    r"^\s*(?:(?P<num>\d{1,3})(?:[.)]\s*|\s+)|(?P<bullet>[-•*·▪–])\s+)(?P<name>\S.*)$"
)
_PROSE = re.compile(r"[.!?]$")


def _from_lists(text: str, rules: _Rules) -> list[tuple[int, str]]:
    """(offset of the list heading, body) for bodies listed line by line under a referral
    heading ("Remissinstanser").

    The list may be numbered ("1.", "1)", "1 Name"), bulleted or plain lines; a line
    without a marker inside a marked list continues the item above it (a wrapped name).
    The list ends at a blank line followed by unmarked text, a heading, a stop line
    ("Sakägare") or prose.
    """
    out: list[tuple[int, str]] = []
    if not rules.list_hint.search(text):
        return out
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    seen: set[str] = set()
    # Every list heading holds a hint word (the lexicon says so), so only the lines a hint
    # touches are tried; trying each line of every document was most of this scan.
    candidates: set[int] = set()
    for m in rules.line_hint.finditer(text):
        first = bisect.bisect_right(starts, m.start()) - 1
        last = bisect.bisect_right(starts, m.end() - 1) - 1
        candidates.update(range(first, last + 1))
    i = 0
    for at in sorted(candidates):
        if at < i:
            continue  # inside the list read last
        line = flat(lines[at])
        i = at + 1
        if not (line and rules.list_head.search(line)):
            continue
        heading_at = starts[at]
        # Under "Remissinstanser" every line is a body; under a heading such as "Inkomna
        # yttranden" only lines that read as a body's name.
        pure = bool(_PURE_LIST.search(line))
        items, i = _read_list(lines, i, rules, pure)
        for name in items:
            name = _TRAILING_DATE.sub("", flat(name)).strip(" ,;:")
            name = name[:1].upper() + name[1:]
            if name and name.lower() not in seen:
                seen.add(name.lower())
                out.append((heading_at, name))
    return out


_PURE_LIST = re.compile(r"remissinstans|sändlista|remisslista", re.IGNORECASE)


def _read_list(lines: list[str], i: int, rules: _Rules, pure: bool) -> tuple[list[str], int]:
    items: list[str] = []
    marked = None  # whether the list's items carry numbers or bullets
    blank_before = False
    misses = 0
    while i < len(lines):
        raw = lines[i]
        item = flat(raw)
        i += 1
        if not item:
            blank_before = True
            continue
        bare = _ITEM_PREFIX.sub("", item)
        # Stops are sub-headings ("Sakägare"), not a wrapped sentence that starts with the word.
        if item.startswith("#") or (
            len(bare) <= 40 and any(p.search(bare) for p in rules.list_stop)
        ):
            break
        if any(p.search(item) for p in rules.list_skip) or rules.list_head.search(item):
            continue
        m = _MARKER.match(item)
        if m and len(item) < 200 and (marked is not False):
            marked = True
            items.append(m.group("name"))
            misses, blank_before = 0, False
            continue
        if (
            marked
            and items
            and not blank_before
            and len(item) < 100
            and not _PROSE.search(items[-1])
            and not _PROSE.search(item)
        ):
            items[-1] = f"{items[-1]} {item}"  # a wrapped item (a sentence is not one)
            continue
        body_line = _is_body(item, rules.body)
        if marked is None and (body_line or (pure and not _PROSE.search(item))) and len(item) < 120:
            marked = False  # a list of plain lines, one body a line
        if marked is False:
            if pure and item[:1].islower() and items and not blank_before:
                items[-1] = f"{items[-1]} {item}"
                continue
            if (body_line or pure) and len(item) < 120 and not _PROSE.search(item):
                items.append(item)
                misses, blank_before = 0, False
                continue
        misses += 1
        # A list may open after a sentence or two and a column header ("Yttrande från
        # Ankomstdatum"); once items have started, a miss after a blank line ends it.
        if items and (blank_before or misses >= 2) or misses >= 4:
            break
    return items, i
