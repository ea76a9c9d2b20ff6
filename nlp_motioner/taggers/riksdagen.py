"""Outcomes of Riksdag records, from their official metadata.

A motion, interpellation or question states no outcome of its own; the committee's
proposal and the chamber's decision on it live in the committee report (betänkande),
whose record lists, per point, the committee's proposal and how the chamber decided.
"""

from __future__ import annotations

import re

from nlp_motioner.record import Document
from nlp_motioner.taggers._text import cut, flat
from nlp_motioner.taggers.outcome import Outcome

__all__ = ["riksdagen_outcome", "report_reservations"]

# The committee's proposal: "Riksdagen avslår motion ...", "Riksdagen antar regeringens förslag".
_PROPOSAL = re.compile(
    r"riksdagen\s+(?P<verb>avslår|bifaller|antar|godkänner|anvisar|bemyndigar|beslutar|ställer sig bakom|tillkännager|lägger [^.]{0,60}till handlingarna)",
    re.I,
)


def riksdagen_outcome(doc: Document, doc_type: str) -> Outcome:
    if doc_type == "betankande":
        return _report_outcome(doc)
    if doc_type in ("motion", "interpellation", "fraga"):
        return Outcome()  # a motion proposes; what was decided is in the committee report
    return Outcome()


def _report_outcome(doc: Document) -> Outcome:
    """A committee report's outcome: its first point's proposal, as the chamber decided it.

    When the committee prevailed ("vinnare": utskottet) the proposal is the chamber's
    decision; when a reservation prevailed, the outcome is unknown from the metadata; a
    report not yet decided carries the committee's proposal.
    """
    for point in doc.metadata.get("committee_points") or []:
        if not isinstance(point, dict):
            continue
        proposal = flat(str(point.get("proposal") or ""))
        label = _proposal_label(proposal)
        if label is None:
            continue
        winner = str(point.get("winner") or "").lower()
        evidence = cut(proposal, 200)
        if winner == "utskottet":
            return Outcome(label, "decision", evidence)
        if winner.startswith("reservation"):
            return Outcome(None, "decision", evidence)
        return Outcome(label, "proposal", evidence)
    return Outcome()


def report_reservations(doc: Document) -> list[str]:
    """Parties behind a committee report's reservations (counter-proposals), all points."""
    found: set[str] = set()
    for point in doc.metadata.get("committee_points") or []:
        if isinstance(point, dict):
            found.update(str(p) for p in point.get("counter_parties") or [])
    return sorted(found)


def _proposal_label(text: str) -> str | None:
    m = _PROPOSAL.search(text)
    if not m:
        return None
    verb = m.group("verb").lower()
    if verb.startswith("avslår"):
        return "avslag"
    return "bifall"
