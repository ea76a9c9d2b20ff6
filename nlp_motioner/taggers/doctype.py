"""Document type from structure (minutes, extracts), the metadata and the opening lines' wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner.profile import Profile, default_profile
from nlp_motioner.record import Document
from nlp_motioner.structure import has_minutes_cue, heading_kind, is_attendance
from nlp_motioner.taggers._text import head_lines
from nlp_motioner.taggers.parties import codes_in, names_in

__all__ = ["classify", "opening_lines", "front_matter_value", "DOC_TYPES"]

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
# Riksdagen's document types (`doktyp`), as the records name them.
_RIKSDAGEN = {
    "mot": "motion",
    "bet": "betankande",
    "yttr": "yttrande",
    "prop": "other",
    "ip": "interpellation",
    "fr": "fraga",
    "frs": "fraga",
    "rskr": "other",
    "prot": "protokoll",
}
# The opening lines end at the first running paragraph or a heading of these kinds.
_BODY_KINDS = frozenset({"arendebeskrivning", "sammanfattning", "bakgrund"})
# Minutes print a table of contents ("§ 116 Detaljplan ...") before the first §;
# an extract of one § does not.
_TOC_LINE = re.compile(r"(?m)^\s*(?:[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,7}\s*)?[§$]\s*\d+\s+\S")
_SIGNATURE_TAIL = re.compile(r"(?:yrka[rs]?|föreslå[rs]?|hemställ)", re.IGNORECASE)
_OFFICIAL_GENRE = re.compile(r"^tjänste(?:skrivelse|utlåtande)", re.IGNORECASE)


@dataclass
class _Rules:
    head_lines: int
    cues: list[tuple[str, re.Pattern[str]]]
    front_types: dict[str, str]


def _build(profile: Profile) -> _Rules:
    lex = profile.table("doctypes")
    # One alternation per cue, so that each opening line costs one search per cue.
    cues = [
        (cue["doc_type"], re.compile("|".join(f"(?:{p})" for p in cue["patterns"]), re.I))
        for cue in lex["cue"]
    ]
    front = {str(k).lower(): v for k, v in lex.get("front_matter_types", {}).items()}
    return _Rules(int(lex.get("head_lines", 16)), cues, front)


def _rules(profile: Profile | None) -> _Rules:
    return (profile or default_profile()).compiled("tag.doctype", _build)


def front_matter_value(doc: Document, field: str, profile: Profile | None = None) -> str | None:
    """A front-matter value by what it holds (`date`, `doc_type`, `organ`, ... in metadata.toml)."""
    front = doc.metadata.get("front_matter") or {}
    if not front:
        return None
    lowered = {str(k).lower(): v for k, v in front.items()}
    for key in (profile or default_profile()).table("metadata").get(field, []):
        value = lowered.get(key.lower())
        if isinstance(value, (str, int, float)) and str(value).strip():
            return str(value).strip()
    return None


def opening_lines(doc: Document, profile: Profile | None = None) -> list[str]:
    """The document's first heading-like lines, up to its first running paragraph."""
    limit = _rules(profile).head_lines
    lines: list[str] = []
    for line in head_lines(doc.text, limit * 2):
        if (len(line) > 160 and lines) or _opens_body(line, profile):
            break
        lines.append(line)
        if len(lines) >= limit:
            break
    return lines


def _opens_body(line: str, profile: Profile | None) -> bool:
    kind, exact = heading_kind(line, profile)
    return exact and kind in _BODY_KINDS


def _has_proposal(doc: Document) -> bool:
    return any(s.role == "forslag_till_beslut" for s in doc.sections) or bool(
        re.search(r"(?m)^\s*förslag till beslut", doc.text, re.IGNORECASE)
    )


def is_minutes(doc: Document, profile: Profile) -> bool:
    """§ items count as minutes only when the head says so (a cue word or an attendance list)."""
    if has_minutes_cue(doc, profile):
        return True
    head = doc.text[: min(doc.items[0].start + 200, 3000)] if doc.items else doc.text[:3000]
    return is_attendance(head, profile)


def classify(doc: Document, profile: Profile | None = None) -> str:
    """One of DOC_TYPES."""
    rules = _rules(profile)
    profile = profile or default_profile()
    if doc.file_kind == "riksdagen":
        return _RIKSDAGEN.get(str(doc.metadata.get("doktyp", "")).lower(), "other")
    if doc.items and is_minutes(doc, profile):
        before = doc.text[: doc.items[0].start]
        if len(doc.items) > 1 or _TOC_LINE.search(before):
            return "protokoll"
        return "protokollsutdrag"
    declared = front_matter_value(doc, "doc_type", profile)
    if declared and declared.lower() in rules.front_types:
        return rules.front_types[declared.lower()]
    header = " ".join(str(x) for x in doc.metadata.get("page_header") or [])
    lines = opening_lines(doc, profile)
    # A line that only names the genre ("Tjänsteskrivelse", "Protokollsutdrag") beats a
    # subject line that starts with another genre's word ("Medborgarförslag om ...").
    short = [line for line in lines if len(line.split()) <= 3]
    for batch in (short, lines):
        found = _first_cue(doc, batch, rules)
        if found:
            return found
    if re.search(r"\butlåtande\b", header, re.IGNORECASE):
        return "utlatande"
    if re.search(r"\bprotokoll\b", header, re.IGNORECASE) and any(
        s.role == "beslut" for s in doc.sections
    ):
        return "protokollsutdrag"
    if _looks_like_motion(doc, profile):
        return "motion"
    return "other"


def _first_cue(doc: Document, lines: list[str], rules: _Rules) -> str | None:
    for doc_type, pattern in rules.cues:
        for line in lines:
            if pattern.search(line):
                # An official's header (Handläggare, Diarienr) also opens plans and
                # reports; only with a proposal is it a tjänsteskrivelse.
                indirect = not _OFFICIAL_GENRE.match(line)
                if doc_type == "tjansteskrivelse" and indirect and not _has_proposal(doc):
                    break
                return doc_type
    return None


def _looks_like_motion(doc: Document, profile: Profile) -> bool:
    """A short text without case headings, signed by members with party codes."""
    if doc.page_count > 6 or len(doc.text) > 20000:
        return False
    if any(s.role in ("arendebeskrivning", "beslut", "forslag_till_beslut") for s in doc.sections):
        return False
    lines = [ln for ln in doc.text.strip().splitlines() if ln.strip()]
    tail = "\n".join(lines[-4:])
    signed = bool(codes_in(tail, profile) or names_in(tail, profile))
    return signed and bool(_SIGNATURE_TAIL.search(doc.text) or "att" in doc.text)
