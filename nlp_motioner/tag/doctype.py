"""Document type from structure (minutes, extracts) and the opening lines' wording."""

from __future__ import annotations

import re

from nlp_motioner._data import load_toml
from nlp_motioner.record import Document
from nlp_motioner.tag._text import cut, flat, head_lines
from nlp_motioner.tag.parties import codes_in, names_in

__all__ = ["classify", "find_title", "DOC_TYPES"]

DOC_TYPES = (
    "motion",
    "medborgarforslag",
    "initiativarende",
    "interpellation",
    "fraga",
    "tjansteskrivelse",
    "yttrande",
    "utlatande",
    "remiss",
    "remissvar",
    "sarskilt_uttalande",
    "reservation",
    "protokoll",
    "protokollsutdrag",
    "betankande",
    "rapport",
    "styrdokument",
    "avtal",
    "other",
)
_LEX = load_toml("tag/lexicons/doctypes.toml")
_HEAD_LINES = int(_LEX.get("head_lines", 16))
# One alternation per cue, so that each opening line costs one search per cue.
_CUES = [
    (cue["doc_type"], [re.compile("|".join(f"(?:{p})" for p in cue["patterns"]), re.IGNORECASE)])
    for cue in _LEX["cue"]
]
_RIKSDAGEN = {
    "mot": "motion",
    "bet": "betankande",
    "yttr": "yttrande",
    "prop": "other",
    "ip": "interpellation",
    "fr": "fraga",
    "frs": "fraga",
    "rskr": "other",
}
# Opening-lines region ends at the first running paragraph or case-description heading.
_BODY_START = re.compile(
    r"^(?:ärendebeskrivning|beskrivning av ärendet|sammanfattning|bakgrund|inledning|ärendet)$",
    re.IGNORECASE,
)
# Minutes print a table of contents ("§ 116 Detaljplan ...") before the first §;
# an extract of one § does not.
_TOC_LINE = re.compile(r"(?m)^\s*§\s*\d+\s+[A-ZÅÄÖ][a-zåäö]")
_ATTENDANCE = re.compile(
    r"(?m)^\s*(?:beslutande|närvarande|ledamöter)\b(?!\s*instans)", re.IGNORECASE
)
_EXTRACT = re.compile(r"protokollsutdrag|utdrag ur protokoll|expediering|utdragsbestyrkande", re.I)
_SIGNATURE_TAIL = re.compile(r"(?:yrka[rs]?|föreslå[rs]?|hemställ)", re.IGNORECASE)


def _opening(doc: Document) -> list[str]:
    lines: list[str] = []
    for line in head_lines(doc.text, _HEAD_LINES * 2):
        if _BODY_START.match(line) or len(line) > 160:
            break
        lines.append(line)
        if len(lines) >= _HEAD_LINES:
            break
    return lines


def _has_proposal(doc: Document) -> bool:
    return any(s.kind == "forslag_till_beslut" for s in doc.sections) or bool(
        re.search(r"(?m)^\s*förslag till beslut", doc.text, re.IGNORECASE)
    )


def classify(doc: Document) -> str:
    """One of DOC_TYPES."""
    if doc.kind == "riksdagen":
        return _RIKSDAGEN.get(str(doc.metadata.get("doktyp", "")).lower(), "other")
    if doc.items and _is_minutes(doc):
        first = doc.items[0].start
        before = doc.text[:first]
        if len(doc.items) > 1 or _TOC_LINE.search(before):
            return "protokoll"
        return "protokollsutdrag"
    header = " ".join(str(x) for x in doc.metadata.get("page_header") or [])
    lines = _opening(doc)
    for doc_type, patterns in _CUES:
        for line in lines:
            if any(p.search(line) for p in patterns):
                # An official's header (Handläggare, Diarienr) also opens plans and
                # reports; only with a proposal is it a tjänsteskrivelse.
                indirect = not re.match(r"^tjänsteskrivelse", line, re.IGNORECASE)
                if doc_type == "tjansteskrivelse" and indirect and not _has_proposal(doc):
                    break
                return doc_type
    if re.search(r"\butlåtande\b", header, re.IGNORECASE):
        return "utlatande"
    if re.search(r"\bprotokoll\b", header, re.IGNORECASE) and any(
        s.kind == "beslut" for s in doc.sections
    ):
        return "protokollsutdrag"
    if _looks_like_motion(doc):
        return "motion"
    return "other"


_MINUTES = re.compile(
    r"\bprotokoll\b|protokollsutdrag|utdrag ur|sammanträdesprotokoll|^\s*paragrafer\b|"
    r"^\s*plats och tid\b|^\s*beslutande\b(?!\s*instans)|^\s*utses att justera\b",
    re.IGNORECASE | re.MULTILINE,
)


def _is_minutes(doc: Document) -> bool:
    """§ items count as minutes only when the head says so (a header or an attendance block)."""
    header = " ".join(str(x) for x in doc.metadata.get("page_header") or [])
    head = doc.text[: min(doc.items[0].start + 200, 3000)]
    return bool(_MINUTES.search(header) or _MINUTES.search(head[:600]) or _ATTENDANCE.search(head))


def _looks_like_motion(doc: Document) -> bool:
    """A short text without case headings, signed by members with party codes."""
    if doc.page_count > 6 or len(doc.text) > 20000:
        return False
    if any(s.kind in ("arendebeskrivning", "beslut", "forslag_till_beslut") for s in doc.sections):
        return False
    lines = [ln for ln in doc.text.strip().splitlines() if ln.strip()]
    tail = "\n".join(lines[-4:])
    signed = bool(codes_in(tail) or names_in(tail))
    return signed and bool(_SIGNATURE_TAIL.search(doc.text) or "att" in doc.text)


_TITLE_SKIP = re.compile(
    r"^(?:datum|handläggare|diarie\s?n(?:umme)?r|dnr|beteckning|direktnr|telefon|e-?post|"
    r"dokumenttyp|dokumentansvarig|upprättad|version|sida|postadress|besöksadress|www\.|"
    r"alingsas\.se|alingsås\.se|protokoll|missiv|revisorerna|ärende \d|"
    r"typ av styrdokument|beslutande instans|dokumentinfo|innehåll|rev\.?\s|\d)",
    re.IGNORECASE,
)
_TITLE_NOISE = re.compile(r"\bbox \d|org\.?\s?nr|www\.|@|\.se\b|^\W*$", re.IGNORECASE)
_ONLY_ORGAN = re.compile(
    r"^(?:[\wåäöÅÄÖ-]+\s)?(?:och\s[\wåäö]+\s)?[\wåäöÅÄÖ-]*"
    r"(?:nämnden|nämnd|styrelsen|fullmäktige|förvaltningen|kontoret|utskott)(?:/\S+)?$",
    re.IGNORECASE,
)
_CONTINUES = re.compile(r"^[a-zåäö(–-]")
_PROTOKOLL_ORGAN = re.compile(
    r"^(?:kommunfullmäktige|kommunstyrelsen|[\wåäöÅÄÖ-]*nämnd(?:en)?|[\wåäöÅÄÖ-]+ och [\wåäö-]+nämnden)$",
    re.IGNORECASE,
)


def _title_ok(line: str) -> bool:
    return (
        len(line) > 8
        and not _TITLE_SKIP.match(line)
        and not _TITLE_NOISE.search(line)
        and not _ONLY_ORGAN.match(line)
    )


def find_title(doc: Document, doc_type: str, date: str | None = None) -> str | None:
    """The document's title: the § heading of an extract, else its first title-like line(s).

    Minutes are titled by organ and meeting `date` (the one `dates.find_date` gives).
    """
    if doc.kind == "riksdagen":
        return doc.metadata.get("titel") or None
    if doc.items and doc_type == "protokollsutdrag":
        return flat(doc.items[0].title) or None
    if doc_type == "protokoll":
        header = [str(h) for h in doc.metadata.get("page_header") or []]
        lines = header + head_lines(doc.text, 6)
        joined = flat(" ".join(lines))
        organ = next(
            (
                m.group(0)
                for m in re.finditer(
                    r"Kommunfullmäktige|Kommunstyrelsen(?:s arbetsutskott)?|"
                    r"(?:[A-ZÅÄÖ][\wåäö]*- och [\wåäö]*nämnden|[A-ZÅÄÖ][\wåäö]* nämnden|"
                    r"[A-ZÅÄÖ][\wåäö]*nämnden)(?:s arbetsutskott)?",
                    joined,
                )
            ),
            "",
        )
        return flat(f"{organ} protokoll {date or ''}") or None
    for sec in doc.sections:
        if sec.kind == "other" and sec.heading and _title_ok(flat(sec.heading)):
            return flat(sec.heading)
    lines = _opening(doc)
    for n, line in enumerate(lines):
        if _title_ok(line):
            parts = [line]
            # A title wrapped over several short lines continues in lower case.
            for nxt in lines[n + 1 : n + 4]:
                open_end = re.search(r"\b(?:mellan|och|för|av|i|om|till|med|över|på)$", parts[-1])
                if (_CONTINUES.match(nxt) or open_end) and not _TITLE_NOISE.search(nxt):
                    parts.append(nxt)
                else:
                    break
            return cut(flat(" ".join(parts).replace("*", "")), 250)
    return None
