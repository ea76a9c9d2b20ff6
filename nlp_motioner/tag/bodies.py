"""Referral bodies: the bodies asked for an opinion on a matter or given it for preparation.

Sentences that say so ("X fick motionen för beredning", "begärt yttrande från X",
"Yttranden har inkommit från X och Y") and lists under a heading ("Remissinstanser",
"Till följande nämnder för yttrande:") are read; the routine referral of a motion from
kommunfullmäktige to kommunstyrelsen is not a referral body (it is outcome `remitterad`).
"""

from __future__ import annotations

import re

from nlp_motioner._data import load_toml
from nlp_motioner.record import Document, Section
from nlp_motioner.tag._text import flat, mask_spans, spans_of

__all__ = ["find_bodies", "split_bodies", "normalize_body", "is_body"]

_LEX = load_toml("tag/lexicons/bodies.toml")
_SUFFIX = "|".join(sorted((re.escape(s) for s in _LEX["suffixes"]), key=len, reverse=True))
_KNOWN = "|".join(sorted((re.escape(k) for k in _LEX["known"]), key=len, reverse=True))
_ROUTINE = {r.lower() for r in _LEX["routine"]}
# One body name: "Kultur- och utbildningsnämnden", "enheten för social hållbarhet",
# "Älvsjö stadsdelsnämnd", "säkerhetsenheten", "Alingsåshem AB", "Länsstyrelsen".
_WORD = r"[A-ZÅÄÖa-zåäöéü][a-zåäöéü]*"
_BODY = re.compile(
    # Mid-sentence names are often lower case ("remitterats till tekniska nämnden",
    # "vård- och omsorgsnämnden"); a lower-case first word must look like an adjective.
    r"(?:(?:[A-ZÅÄÖa-zåäö][a-zåäö]+-\s(?:och|eller)\s)?(?:[A-ZÅÄÖ][a-zåäö]+\s|[a-zåäö]+(?:iska|ska|ala|ella|iva|ära)\s)?(?:[A-ZÅÄÖa-zåäö][a-zåäö]*?)?(?:"
    + _SUFFIX
    + r")"
    r"(?:\s+för\s+[a-zåäöA-ZÅÄÖ][a-zåäö]+(?:\s+[a-zåäö]+)?)?"
    r"|(?:" + _KNOWN + r")"
    r"|[A-ZÅÄÖ][a-zåäöA-ZÅÄÖ]+(?:\s[A-ZÅÄÖ][a-zåäö]+)?\sAB)"
    r"(?![a-zåäö])",
)
_SUBJECT_FIRST = "(?P<list>[^.;:]{3,80}?) "


def _compile_trigger(pattern: str) -> tuple[bool, re.Pattern[str]]:
    """(subject_first, regex). "X fick motionen ..." patterns are searched from the verb
    and the subject read backwards, which keeps the scan linear in the text length."""
    if pattern.startswith(_SUBJECT_FIRST):
        return True, re.compile(pattern[len(_SUBJECT_FIRST) :], re.IGNORECASE | re.MULTILINE)
    return False, re.compile(pattern, re.IGNORECASE | re.MULTILINE)


_TRIGGERS = [_compile_trigger(p) for p in _LEX["triggers"]]
_LIST_HEAD = [re.compile(p, re.IGNORECASE) for p in _LEX["list_headings"]]
_LIST_STOP = [re.compile(p, re.IGNORECASE) for p in _LEX["list_stops"]]
_LIST_SKIP = [re.compile(p, re.IGNORECASE) for p in _LEX["list_skip"]]
_SELF = [re.compile(p, re.IGNORECASE) for p in _LEX["self_referral"]]
_ENUM_SPLIT = re.compile(r",\s*|\s+och\s+|\s+samt\s+|\s*&\s*")
_ITEM_PREFIX = re.compile(r"^\s*(?:\d+[.)]|[-•*·▪]|\d+\s)\s*")
_FOR_TAIL = re.compile(r"\s+för\s+(?:beredning|yttrande|besvarande|kännedom)\b.*$", re.IGNORECASE)


def normalize_body(name: str) -> str:
    """Tidy a body name as written: one space, first letter capital, upper-case headings lowered."""
    name = flat(name).strip(" ,.;:-–")
    name = re.sub(r"\s*\(.*?\)\s*$", "", name)
    if name.isupper() and len(name) > 5:
        name = name.lower()
    if name.lower().startswith("enheten för "):
        name = name.lower()
    return name[:1].upper() + name[1:] if name else name


def is_body(text: str) -> bool:
    """Whether `text` (a list line) is a body name as a whole."""
    text = _ITEM_PREFIX.sub("", flat(text)).strip(" ,.;:")
    if not text or len(text) > 80:
        return False
    m = _BODY.match(text) or _BODY.match(text[:1].upper() + text[1:])
    return bool(m and len(m.group(0)) >= len(text) - 2)


def split_bodies(enumeration: str) -> list[str]:
    """Body names in an enumeration such as "Socialnämnden och enheten för Social hållbarhet, Styrning och stöd"."""
    out: list[str] = []
    text = _FOR_TAIL.sub("", flat(enumeration))
    for m in _BODY.finditer(text):
        name = normalize_body(m.group(0))
        if name.lower() in _ROUTINE:
            continue
        if name and name.lower() not in {o.lower() for o in out}:
            out.append(name)
    return out


def _own_organ(doc: Document) -> str | None:
    """The body that writes the document: a body named on its own line in the head."""
    header = [str(h) for h in doc.metadata.get("page_header") or []]
    lines = header + [ln.strip() for ln in doc.text[:600].splitlines() if ln.strip()][:12]
    for line in lines:
        line = re.sub(r"^datum:?\s*\S+\s*", "", line, flags=re.IGNORECASE)
        if not line or len(line) > 60:
            continue
        m = _BODY.fullmatch(line) or _BODY.fullmatch(line[:1] + line[1:].lower())
        if m:
            name = normalize_body(line)
            if name.lower() not in _ROUTINE or name.lower() == "kommunstyrelsen":
                return name
    return None


# Only sentences with one of these words can hold a referral; the trigger patterns
# (which scan backwards for a subject) run on those alone, which keeps tagging fast.
_CUE = re.compile(
    r"\bfick\b|\bfått\b|behandlat|yttrande|remiss|remitter|överlämnat|gemensamt|styrk|motionen",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n\s*\n|\n(?=\s*[-•·*]\s)")
_LEADING_BULLET = re.compile(r"^[-•·*▪]\s*")


def find_bodies(
    doc: Document,
    sections: list[Section] | None = None,
    scope: tuple[int, int] | None = None,
    *,
    text: str | None = None,
) -> list[str]:
    """Referral bodies named in the document (or in the character range `scope`).

    `text` may pass the document text with attendance and distribution lists already
    blanked (see `masked_text`), so that § items do not redo it.
    """
    if doc.kind == "riksdagen":
        return []
    if text is None:
        text = masked_text(doc, sections)
    if scope:
        text = text[scope[0] : scope[1]]
    found: list[str] = []
    seen: set[str] = set()

    def add(names: list[str]) -> None:
        for n in names:
            if n.lower() not in seen:
                seen.add(n.lower())
                found.append(n)

    add(_from_lists(text))
    for raw in _sentences(text):
        if not _CUE.search(raw):
            continue
        sent = _LEADING_BULLET.sub("", flat(raw))
        for subject_first, pat in _TRIGGERS:
            for m in pat.finditer(sent):
                if subject_first:
                    # "... X fick motionen för beredning": only the subject next to the verb.
                    before = re.split(r"[.;:]", sent[max(0, m.start() - 81) : m.start()])[-1]
                    names = split_bodies(before)[-1:]
                else:
                    names = split_bodies(m.group("list"))
                add(names)
    if not found:
        head = flat(text[:4000])
        if any(p.search(head) for p in _SELF):
            organ = _own_organ(doc)
            if organ and organ.lower() not in _ROUTINE:
                add([organ])
    return found


_MAX_SENTENCE = 1500


def _sentences(text: str):
    """Sentences of `text`; a run-on "sentence" (a table, a list without stops) is cut
    into overlapping windows so that no pattern scans more than a page at a time."""
    for raw in _SENTENCE.split(text):
        if len(raw) <= _MAX_SENTENCE:
            yield raw
            continue
        for start in range(0, len(raw), _MAX_SENTENCE - 200):
            yield raw[start : start + _MAX_SENTENCE]


def masked_text(doc: Document, sections: list[Section] | None = None) -> str:
    """The text with the attendance list and the distribution list ("Expedieras till") blanked."""
    return mask_spans(doc.text, spans_of(sections or doc.sections, {"narvaro", "expedieras"}))


# Words that every list heading above contains; texts without any skip the line scan.
_LIST_HINT = re.compile(r"remissinstans|för yttrande|sändlista|inkomna yttranden|remisslista", re.I)
_TRAILING_DATE = re.compile(r"\s+(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:\s?\d{4})?)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(?P<name>\S.*)$")


def _from_lists(text: str) -> list[str]:
    """Bodies listed line by line under a referral heading.

    A numbered list ("1. Svea hovrätt, Mark- och miljööverdomstolen") takes every
    numbered line as one body, with lower-case continuation lines joined to it; an
    unnumbered list takes lines that are body names as a whole.
    """
    out: list[str] = []
    if not _LIST_HINT.search(text):
        return out
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = flat(lines[i])
        i += 1
        if not (line and any(p.search(line) for p in _LIST_HEAD)):
            continue
        items: list[str] = []
        numbered = False
        misses = 0
        # A list may open after a sentence or two and a column header ("Yttrande från
        # Ankomstdatum"); once items have started, two misses end it.
        while i < len(lines) and misses < (2 if items else 4):
            item = flat(lines[i])
            i += 1
            if not item:
                continue
            bare = _ITEM_PREFIX.sub("", item)
            # Stops are sub-headings ("Sakägare"), not a wrapped sentence that starts with the word.
            if (len(bare) <= 40 and any(p.search(bare) for p in _LIST_STOP)) or item.startswith(
                "#"
            ):
                break
            if any(p.search(item) for p in _LIST_SKIP) or any(p.search(item) for p in _LIST_HEAD):
                continue
            m = _NUMBERED.match(item)
            if m and len(item) < 160:
                numbered = True
                items.append(_TRAILING_DATE.sub("", m.group("name")))
                misses = 0
            elif (
                numbered
                and items
                and len(items[-1]) + len(item) < 110
                and (item[:1].islower() or items[-1].endswith((",", "-", "–")))
            ):
                items[-1] = f"{items[-1]} {item}"
            elif not numbered and is_body(item):
                items.append(item)
                misses = 0
            else:
                misses += 1
        for name in items:
            name = normalize_body(name)
            if name and name.lower() not in {o.lower() for o in out}:
                out.append(name)
    return out
