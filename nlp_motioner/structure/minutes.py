"""Is this document minutes (or an extract of minutes)? One detector for every stage.

Structure uses it to decide whether "§ N" lines open items, and the document-type tagger
uses the same answer, so the two can never disagree. The cue words live in
`minutes.toml` (profile table `minutes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner.profile import Profile
from nlp_motioner.record import Document

__all__ = [
    "ITEM_HEAD",
    "RIKSDAG_HEAD",
    "MinutesRules",
    "minutes_rules",
    "has_minutes_cue",
    "is_attendance",
    "item_bounds",
]

# "§ 12 ...", "KS § 1 ...", "Kf §57", "§ 3 a ...", OCR "$ 114 ..."; the code before "§" is one
# short word (a body's abbreviation), so "Paragrafer § 224-244" opens no item.
ITEM_HEAD = re.compile(
    r"^(?:(?P<code>[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,7}(?:-?AU)?)\s*)?(?:§|\$(?=\s*\d))\s*(?P<num>\d{1,4})"
    r"(?:\s?(?P<sub>[a-z])(?![\wåäö]))?(?P<rest>.*)$"
)
# The Riksdag's chamber minutes: "1 § Välkomstord". A statute reference ("45 § FL",
# "4 § kommunallagen") does not go on with a capitalised title word.
RIKSDAG_HEAD = re.compile(r"^(?P<num>\d{1,3})\s*§\s+(?P<rest>[A-ZÅÄÖ][a-zåäöé].{0,200})$")

# "Lisa Andersson (M)", "(-)": a member with a party marker, as attendance lists print them.
_MEMBER = re.compile(r"\(\s*[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,5}\s*\)|\(\s*-\s*\)")


@dataclass
class MinutesRules:
    cue: re.Pattern[str]
    range: re.Pattern[str]
    roll_call: re.Pattern[str]
    toc_line: re.Pattern[str]
    signature: re.Pattern[str]


def _build(profile: Profile) -> MinutesRules:
    t = profile.table("minutes")
    flags = re.IGNORECASE | re.MULTILINE
    return MinutesRules(
        re.compile(t["cue"], flags),
        re.compile(t["range"], re.IGNORECASE),
        re.compile(t["roll_call"], flags),
        re.compile(t["toc_line"], flags),
        re.compile(t["signature"], flags),
    )


def minutes_rules(profile: Profile) -> MinutesRules:
    return profile.compiled("structure.minutes", _build)


def _front_matter_text(doc: Document) -> str:
    front = doc.metadata.get("front_matter") or {}
    return " ".join(str(v) for v in front.values() if isinstance(v, (str, int)))


def has_minutes_cue(doc: Document, profile: Profile) -> bool:
    """Minutes say so in the running header, the front matter or the first lines."""
    rules = minutes_rules(profile)
    if doc.file_kind == "riksdagen":
        return str(doc.metadata.get("doktyp") or "").lower() == "prot"
    header = " ".join(str(h) for h in doc.metadata.get("page_header") or [])
    return bool(
        rules.cue.search(header)
        or rules.cue.search(_front_matter_text(doc))
        or rules.cue.search(doc.text[:1500])
    )


def is_attendance(text: str, profile: Profile) -> bool:
    """Front matter of minutes lists the members present, each with a party marker."""
    return len(_MEMBER.findall(text)) >= 3 or bool(minutes_rules(profile).roll_call.search(text))


def item_bounds(doc: Document, profile: Profile) -> tuple[int, int] | None:
    """ "Paragrafer §§25-31" on the title page: the lowest and highest item number."""
    m = minutes_rules(profile).range.search(doc.text[:6000])
    if not m:
        return None
    low, high = int(m.group(1)), int(m.group(2) or m.group(1))
    return (low, high) if low <= high else None


# "Lisa Andersson (M)": a person's name followed by a party marker.
_NAMED_MEMBER = re.compile(
    # At most four name parts: an unbounded run of capitalised words backtracks quadratically.
    r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:[ -][A-ZÅÄÖÉ][a-zåäöéü]+){1,3}\s*\(\s*[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,4}\s*\)"
)


def names_member(text: str) -> bool:
    """Whether `text` names a person with a party marker, as attendance lists do."""
    return bool(_NAMED_MEMBER.search(text))
