"""Reservations: the parties whose members reserved themselves against a decision.

Read from the sentences that say so ("X (S) och Y (V) reserverar sig mot beslutet"), in
a § item's Reservation sections or its decision text. A member who does not take part
("deltar inte i beslutet") or writes a protokollsanteckning has not reserved.
"""

from __future__ import annotations

import re

from nlp_motioner.profile import Profile
from nlp_motioner.record import Document, Section
from nlp_motioner.taggers._text import flat, sentences
from nlp_motioner.taggers.parties import codes_in, names_in

__all__ = ["find_reservations"]

_RESERVES = re.compile(r"\breserver(?:ar|ade|at)\s+sig\b|\breservation\s+(?:mot|till förmån)", re.I)
_SCOPED_ROLES = frozenset(
    {"reservation", "beslut", "beslutsgang", "yrkanden", "forslag_till_beslut"}
)


def find_reservations(
    doc: Document, sections: list[Section], profile: Profile | None = None
) -> list[str]:
    """Sorted party codes named in the sentences that reserve against the decision."""
    found: set[str] = set()
    for sec in sections:
        if sec.role not in _SCOPED_ROLES:
            continue
        text = flat(doc.text[sec.start : sec.end])
        if not _RESERVES.search(text):
            continue
        for sent in sentences(text):
            m = _RESERVES.search(sent)
            if m:
                # The members who reserve are named before the verb; a party named after
                # it ("till förmån för M:s förslag") did not reserve.
                subject = sent[: m.start()]
                found |= codes_in(subject, profile) | names_in(subject, profile)
    return sorted(found)
