"""Outcomes of Riksdag records, from their official metadata.

A motion, interpellation or question states no outcome of its own; the committee's
proposal and the chamber's decision on it live in the committee report (betänkande),
whose record lists, per point, the committee's proposal and how the chamber decided.
"""

from __future__ import annotations

import re

from nlp_motioner.record import Document
from nlp_motioner.tag._text import cut, flat
from nlp_motioner.tag.outcome import Outcome

__all__ = ["riksdagen_outcome"]

_DECISION = {
    "avslag": "avslag",
    "bifall": "bifall",
    "delvis bifall": "delvis_bifall",
    "delvis": "delvis_bifall",
    "bifall delvis": "delvis_bifall",
}
# "Beslut: Kammaren biföll utskottets förslag", "Kammaren biföll reservation 1".
_CHAMBER = re.compile(
    r"kammaren\s+(?P<verb>biföll|avslog)\s+(?P<what>utskottets förslag|reservation)", re.I
)
# The committee's proposal: "Riksdagen avslår motion ...", "Riksdagen antar regeringens förslag".
_PROPOSAL = re.compile(
    r"riksdagen\s+(?P<verb>avslår|bifaller|antar|godkänner|lägger [^.]{0,60}till handlingarna)",
    re.I,
)


def riksdagen_outcome(doc: Document, doc_type: str) -> Outcome:
    if doc_type == "betankande":
        return _report_outcome(doc)
    if doc_type in ("motion", "interpellation", "fraga"):
        return Outcome()  # a motion proposes; what was decided is in the committee report
    return Outcome()


def _report_outcome(doc: Document) -> Outcome:
    """The chamber's decision on a committee report's first point (else the committee's
    proposal): the report's own outcome."""
    for point in doc.metadata.get("committee_points") or []:
        if not isinstance(point, dict):
            continue
        proposal = flat(str(point.get("proposal") or ""))
        verdict = flat(str(point.get("decision") or ""))
        label = _proposal_label(proposal)
        if label is None:
            continue
        m = _CHAMBER.search(verdict)
        if m:
            adopted = m.group("verb").lower() == "biföll" and m.group("what").lower().startswith(
                "utskott"
            )
            if adopted:
                return Outcome(label, "decision", cut(f"{verdict} {proposal}", 200))
            return Outcome(None, "decision", cut(verdict, 200))
        return Outcome(label, "proposal", cut(proposal, 200))
    return Outcome()


def _proposal_label(text: str) -> str | None:
    m = _PROPOSAL.search(text)
    if not m:
        return None
    verb = m.group("verb").lower()
    if verb.startswith("avslår"):
        return "avslag"
    return "bifall"
