"""Party codes of a matter's initiators (signers of a motion, authors of a statement).

Never the attendance list: sections of kind `narvaro` are blanked out before any
search, and in minutes only a § item's title and case description are read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp_motioner._data import load_toml
from nlp_motioner.record import Document, Section
from nlp_motioner.tag._text import mask_spans, spans_of

__all__ = ["codes_in", "names_in", "initiator_parties", "KNOWN_CODES"]

_LEX = load_toml("tag/lexicons/parties.toml")
KNOWN_CODES: frozenset[str] = frozenset(_LEX["names"])
_ABBR: dict[str, str] = {
    abbr.upper(): code for code, abbrs in _LEX["abbreviations"].items() for abbr in abbrs
}
_NOT_PARTY = frozenset(c.upper() for c in _LEX["not_parties"]["codes"])
# "Irene Jonsson (S)", "Holger von Fircks (Mp)", "Motion (M)", "Vänsterpartiet (V)".
_PAREN = re.compile(
    r"(?P<before>[A-ZÅÄÖÉ][a-zåäöéü\-]+\s+[A-ZÅÄÖÉ][a-zåäöéü\-]+)?\s*\((?P<code>[A-Za-zÅÄÖåäö]{1,5})\)"
)
_NAME_BEFORE = re.compile(r"^[A-ZÅÄÖÉ][a-zåäöéü\-]+\s+[A-ZÅÄÖÉ][a-zåäöéü\-]+$")
_NAMES = sorted(
    ((name, code) for code, names in _LEX["names"].items() for name in names),
    key=lambda p: -len(p[0]),
)
_NAME_RE = re.compile(r"\b(" + "|".join(re.escape(n) for n, _ in _NAMES) + r")\b", re.IGNORECASE)
_NAME_CODE = {n.lower(): c for n, c in _NAMES}


def normalize_code(raw: str, *, before: str | None = None) -> str | None:
    """Map a parenthesised abbreviation to a party code, or None when it is not a party.

    A national party maps through the lexicon ("Mp" -> MP, "fp" -> L). Any other
    2-5 letter capitalised code counts as a local party only when it follows a
    person's name ("Anna Berg (AP)").
    """
    up = raw.upper()
    if up in _ABBR:
        return _ABBR[up]
    if up in _NOT_PARTY or not raw.isupper() or not 2 <= len(raw) <= 5:
        return None
    if before and _NAME_BEFORE.match(before):
        return up
    return None


def codes_in(text: str) -> set[str]:
    """Party codes written in parentheses in `text`."""
    found: set[str] = set()
    for m in _PAREN.finditer(text):
        code = normalize_code(m.group("code"), before=m.group("before"))
        if code:
            found.add(code)
    return found


def names_in(text: str) -> set[str]:
    """Party codes of party names written out ("Socialdemokraterna", "Folkpartiet")."""
    return {_NAME_CODE[m.group(1).lower()] for m in _NAME_RE.finditer(text)}


def without_attendance(doc: Document, sections: list[Section] | None = None) -> str:
    """The document text with the attendance list (kind `narvaro`) blanked out."""
    return mask_spans(doc.text, spans_of(sections or doc.sections, {"narvaro"}))


_MATTER = re.compile(
    r"motion|medborgarförslag|initiativ|interpellation|\bfråga\b|uttalande|reservation",
    re.IGNORECASE,
)
_INITIATING = re.compile(
    r"(?:lämna[rt]?|väckt[e]?|väcker|inlämna[dt]?|ställ[et]r?|har\s+\w+\s+lämnat)[^.]{0,120}?"
    r"(?:motion|medborgarförslag|initiativ|interpellation|fråga)"
    r"|(?:motion|medborgarförslag|initiativärende|interpellation)[^.]{0,40}?(?:av|från)\s"
    # "X (V) och Y (V) har i en motion föreslagit ...", "Motionärerna X (S) ..."
    r"|\bi\s+(?:en|sin|sitt|ett)\s+(?:gemensam\s+)?(?:motion|medborgarförslag|initiativ\w*|interpellation)\b"
    r"|\bmotionär(?:en|erna)\b",
    re.IGNORECASE,
)


def about_initiative(title: str | None) -> bool:
    """Whether a title names a member's initiative (motion, initiativärende, ...)."""
    return bool(title and _MATTER.search(title))


def initiator_parties(
    doc: Document,
    doc_type: str,
    title: str | None,
    *,
    scope: tuple[int, int] | None = None,
    sections: list[Section] | None = None,
    text: str | None = None,
) -> list[str]:
    """Sorted party codes of the matter's initiators; [] when the matter has none.

    `scope` limits the search to a character range (a § item of minutes).
    """
    if doc.kind == "riksdagen":
        signers = doc.metadata.get("signers") or []
        return sorted(
            {
                _ABBR.get(str(s.get("party", "")).upper(), str(s.get("party", "")).upper())
                for s in signers
                if s.get("party")
            }
        )
    if text is None:
        text = without_attendance(doc, sections)
    start, end = scope or (0, len(text))
    text = text[start:end]
    if doc_type in ("interpellation", "fraga") and re.search(r"(?i)\bsvar på\b", text[:600]):
        # An answer is signed by the chair who answers; the asker is named in the title
        # or in the sentence that says who put the question.
        found = codes_in(title or "") | _initiating_codes(text)
        return sorted(found)
    if doc_type == "motion" or doc_type in ("initiativarende", "interpellation", "fraga"):
        tail = text[-500:]
        found = codes_in(tail) | names_in(_signature_lines(tail))
        if not found:
            found = codes_in(text[:600]) | codes_in(title or "")
        if not found:
            found = codes_in(text)
        return sorted(found)
    if doc_type in ("sarskilt_uttalande", "reservation"):
        # The authors are listed before the statement's heading or sign after it.
        found = codes_in(text[:1500]) or codes_in(text[-500:])
        return sorted(found)
    if not about_initiative(title) and not about_initiative(_opening_text(text)):
        return []
    found = codes_in(title or "") | names_in(title or "")
    if found:
        return sorted(found)
    return sorted(_initiating_codes(text))


def _initiating_codes(text: str) -> set[str]:
    """Party codes in the first sentence that says who raised the matter."""
    for sent in re.split(r"(?<=[.!?])\s+", " ".join(text[:4000].split())):
        if _INITIATING.search(sent):
            found = codes_in(sent) | names_in(sent)
            if found:
                return found
    return set()


def _opening_text(text: str) -> str:
    """The document's head: the lines before its case description starts."""
    head = text[:800]
    m = re.search(r"(?im)^\s*(?:ärendebeskrivning|beskrivning av ärendet|sammanfattning)\s*$", head)
    return head[: m.start()] if m else head[:300]


def _signature_lines(tail: str) -> str:
    """The last lines of a motion, where "För Socialdemokraterna" or a party name signs."""
    lines = [ln.strip() for ln in tail.splitlines() if ln.strip()]
    return "\n".join(lines[-8:])


@lru_cache(maxsize=1)
def party_names() -> dict[str, list[str]]:
    return {code: list(names) for code, names in _LEX["names"].items()}
