"""Party codes of a matter's initiators (signers of a motion, authors of a statement).

Never the attendance list: sections of kind `narvaro` are blanked out before any
search, and in minutes only a § item's title and case description are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner.profile import Profile, default_profile
from nlp_motioner.record import Document, Section
from nlp_motioner.taggers._text import mask_spans, spans_of

__all__ = ["codes_in", "names_in", "initiator_parties", "known_codes"]

# "Irene Jonsson (S)", "Holger von Fircks (Mp)", "Motion (M)", "Vänsterpartiet (V)".
_PAREN = re.compile(
    r"(?P<before>[A-ZÅÄÖÉ][a-zåäöéü\-]+\s+[A-ZÅÄÖÉ][a-zåäöéü\-]+)?\s*\((?P<code>[A-Za-zÅÄÖåäö]{1,5})\)"
)
_NAME_BEFORE = re.compile(r"^[A-ZÅÄÖÉ][a-zåäöéü\-]+\s+[A-ZÅÄÖÉ][a-zåäöéü\-]+$")


@dataclass
class _Rules:
    codes: frozenset[str]
    abbr: dict[str, str]
    not_party: frozenset[str]
    name_re: re.Pattern[str]
    name_codes: dict[str, tuple[str, ...]]  # a party's name, or a group's ("Alliansen")


def _build(profile: Profile) -> _Rules:
    lex = profile.table("parties")
    abbr = {a.upper(): code for code, abbrs in lex["abbreviations"].items() for a in abbrs}
    name_codes: dict[str, tuple[str, ...]] = {}
    for code, names in lex["names"].items():
        for name in names:
            name_codes[name.lower()] = (code,)
    for group, codes in lex.get("groups", {}).items():
        name_codes[group.lower()] = tuple(codes)
    alternatives = sorted(name_codes, key=len, reverse=True)
    name_re = re.compile(r"\b(" + "|".join(re.escape(n) for n in alternatives) + r")\b", re.I)
    return _Rules(
        frozenset(lex["names"]),
        abbr,
        frozenset(c.upper() for c in lex["not_parties"]["codes"]),
        name_re,
        name_codes,
    )


def _rules(profile: Profile | None) -> _Rules:
    return (profile or default_profile()).compiled("tag.parties", _build)


def known_codes(profile: Profile | None = None) -> frozenset[str]:
    """The party codes a profile knows by name (national parties, plus its local ones)."""
    return _rules(profile).codes


def normalize_code(
    raw: str, *, before: str | None = None, profile: Profile | None = None
) -> str | None:
    """Map a parenthesised abbreviation to a party code, or None when it is not a party.

    A national party maps through the lexicon ("Mp" -> MP, "fp" -> L). Any other
    2-5 letter capitalised code counts as a local party only when it follows a
    person's name ("Anna Berg (AP)").
    """
    rules = _rules(profile)
    up = raw.upper()
    if len(raw) == 1 and raw.islower() and not before:
        return None  # "ledamot(s)": a plural ending, unless a person's name precedes "(s)"
    if up in rules.abbr:
        return rules.abbr[up]
    if up in rules.not_party or not raw.isupper() or not 2 <= len(raw) <= 5:
        return None
    if before and _NAME_BEFORE.match(before):
        return up
    return None


def codes_in(text: str, profile: Profile | None = None) -> set[str]:
    """Party codes written in parentheses in `text`."""
    found: set[str] = set()
    for m in _PAREN.finditer(text):
        code = normalize_code(m.group("code"), before=m.group("before"), profile=profile)
        if code:
            found.add(code)
    return found


def names_in(text: str, profile: Profile | None = None) -> set[str]:
    """Party codes of party names written out ("Socialdemokraterna", "Folkpartiet")."""
    rules = _rules(profile)
    return {c for m in rules.name_re.finditer(text) for c in rules.name_codes[m.group(1).lower()]}


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
    # "X (V) och Y (V) har i en motion föreslagit ...", "har i motion till fullmäktige föreslagit"
    r"|\bi\s+(?:(?:en|sin|sitt|ett)\s+)?(?:gemensam\s+)?(?:motion|medborgarförslag|initiativ\w*|interpellation)\b"
    r"|\bmotionär(?:en|erna)\b"
    # "Anna Berg (L) och Olle Ek (C) Initiativärende angående ...": signers before the genre
    r"|\)\s+(?:initiativärende|motion|medborgarförslag)\b",
    re.IGNORECASE,
)
# How far from the initiating phrase the initiators' names stand.
_BEFORE_PHRASE, _AFTER_PHRASE = 250, 150


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
    profile: Profile | None = None,
) -> list[str]:
    """Sorted party codes of the matter's initiators; [] when the matter has none.

    `scope` limits the search to a character range (a § item of minutes).
    """
    p = profile
    if doc.file_kind == "riksdagen":
        found = _signer_codes(doc, p)
        if not found and doc_type in ("motion", "interpellation", "fraga"):
            # Old records name no signers; the text prints "Bertil Persson (m)".
            found = codes_in(doc.text[:600], p) or codes_in(doc.text[-800:], p)
        return sorted(found)
    if text is None:
        text = without_attendance(doc, sections)
    start, end = scope or (0, len(text))
    text = text[start:end]
    if doc_type in ("interpellation", "fraga") and re.search(r"(?i)\bsvar på\b", text[:600]):
        # An answer is signed by the chair who answers; the asker is named in the title
        # or in the sentence that says who put the question.
        found = codes_in(title or "", p) | _initiating_codes(text, p)
        return sorted(found)
    if doc_type == "motion" or doc_type in ("initiativarende", "interpellation", "fraga"):
        tail = text[-500:]
        found = codes_in(tail, p) | names_in(_signature_lines(tail), p)
        if not found:
            found = codes_in(text[:600], p) | codes_in(title or "", p)
        if not found:
            found = codes_in(text, p)
        return sorted(found)
    if doc_type in ("sarskilt_uttalande", "reservation"):
        # The authors are listed before the statement's heading or sign after it.
        found = codes_in(text[:1500], p) or codes_in(text[-500:], p)
        return sorted(found)
    if not about_initiative(title) and not about_initiative(_opening_text(text)):
        return []
    found = codes_in(title or "", p) | names_in(title or "", p)
    if found:
        return sorted(found)
    return sorted(_initiating_codes(text, p))


def _signer_codes(doc: Document, profile: Profile | None) -> set[str]:
    rules = _rules(profile)
    found: set[str] = set()
    for signer in doc.metadata.get("signers") or []:
        raw = signer.get("party") if isinstance(signer, dict) else None
        if isinstance(raw, str) and raw.strip():
            code = raw.strip().upper()
            found.add(rules.abbr.get(code, code))
    return found


def _initiating_codes(text: str, profile: Profile | None) -> set[str]:
    """Party codes in the first sentence that says who raised the matter."""
    for sent in re.split(r"(?<=[.!?])\s+", " ".join(text[:4000].split())):
        m = _INITIATING.search(sent)
        if m:
            near = sent[max(0, m.start() - _BEFORE_PHRASE) : m.end() + _AFTER_PHRASE]
            found = codes_in(near, profile) | names_in(near, profile)
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


def __getattr__(name: str):
    if name == "KNOWN_CODES":  # the national parties of the general profile
        return known_codes()
    raise AttributeError(name)
