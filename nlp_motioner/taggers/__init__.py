"""Stage 3: tags for a structured Document (type, parties, bodies, outcome, dates, case numbers).

Public surface: `tag(doc, profile)` fills `doc.tags` and each item's `tags`, and returns
doc. Every tag comes from the document's own text and structure; rules and word lists
are the profile's tables (`nlp_motioner/profile.py`), compiled once per profile.
"""

from __future__ import annotations

import re

from nlp_motioner.profile import Profile, choose_profile
from nlp_motioner.record import Document, Item, Tags
from nlp_motioner.taggers._text import flat
from nlp_motioner.taggers.bodies import find_bodies, masked_text, organ_of
from nlp_motioner.taggers.dates import find_date
from nlp_motioner.taggers.dnr import find_dnr
from nlp_motioner.taggers.doctype import classify
from nlp_motioner.taggers.organisation import find_organisation
from nlp_motioner.taggers.outcome import Context, Outcome, decide
from nlp_motioner.taggers.parties import initiator_parties
from nlp_motioner.taggers.reservations import find_reservations
from nlp_motioner.taggers.riksdagen import report_reservations, riksdagen_outcome
from nlp_motioner.taggers.titles import find_title

__all__ = ["tag", "tag_item", "compile_rules"]


def compile_rules(profile: Profile) -> None:
    """Compile this stage's rule tables for `profile` now rather than on the first document."""
    from nlp_motioner.taggers import bodies, doctype, outcome, parties, titles

    for module in (bodies, doctype, outcome, parties, titles):
        module._rules(profile)


# Types whose text states no outcome of their own: the motion itself, minutes as a
# whole (their items carry outcomes), questions, and background material.
_NO_OUTCOME = {
    "motion",
    "protokoll",
    "styrdokument",
    "avtal",
    "rapport",
    "medborgarforslag",
    "interpellation",
    "fraga",
    "initiativarende",
}
# "Förslag till beslut i kommunstyrelsen", "Beslut – Förslag till kommunfullmäktige":
# minutes that head their proposals so mark a plain "Beslut" as the body's own decision.
_MARKED_PROPOSAL = re.compile(r"^(?:beslut\s*[–-]\s*)?förslag till (?:beslut i )?\w+", re.I)


def tag(doc: Document, profile: Profile | None = None) -> Document:
    """Fill `doc.tags` and every item's `tags`; a document with an error is left as is."""
    if doc.error:
        return doc
    if profile is None:
        profile = choose_profile(doc.text, doc.metadata)
    doc_type = classify(doc, profile)
    tags = Tags(doc_type=doc_type)
    tags.date = find_date(doc, doc_type, profile)
    tags.title = find_title(doc, doc_type, tags.date, profile)
    tags.diarienummer = find_dnr(doc, doc_type, profile)
    tags.organisation = find_organisation(doc)
    # The text with attendance and distribution lists blanked, made once for the
    # document and its items (so their referral scan is shared too).
    masked = masked_text(doc)
    if doc.items:
        context = _meeting_context(doc, profile)
        for item in doc.items:
            item.tags = tag_item(doc, item, masked=masked, profile=profile, context=context)
    if doc_type == "protokoll":
        doc.tags = tags
        return doc
    if doc_type == "protokollsutdrag" and doc.items:
        item_tags = doc.items[0].tags or Tags()
        tags.parties = list(item_tags.parties)
        tags.referral_bodies = find_bodies(doc, text=masked, profile=profile)
        tags.reservations = list(item_tags.reservations)
        tags.outcome, tags.outcome_stage, tags.evidence = (
            item_tags.outcome,
            item_tags.outcome_stage,
            item_tags.evidence,
        )
        doc.tags = tags
        return doc
    tags.parties = initiator_parties(doc, doc_type, tags.title, profile=profile)
    tags.referral_bodies = find_bodies(doc, text=masked, profile=profile)
    if doc.file_kind == "riksdagen":
        result = riksdagen_outcome(doc, doc_type)
        tags.reservations = report_reservations(doc)
    elif doc_type in _NO_OUTCOME:
        result = Outcome()
    else:
        result = decide(doc, doc.sections, doc_type, profile=profile)
    tags.outcome, tags.outcome_stage, tags.evidence = result.outcome, result.stage, result.evidence
    doc.tags = tags
    return doc


def _meeting_context(doc: Document, profile: Profile) -> Context:
    marks = any(
        s.role == "forslag_till_beslut" and _MARKED_PROPOSAL.match(flat(s.heading))
        for item in doc.items
        for s in item.sections
    )
    return Context(marks_proposals=marks, organ=organ_of(doc, profile))


def tag_item(
    doc: Document,
    item: Item,
    *,
    masked: str | None = None,
    profile: Profile | None = None,
    context: Context | None = None,
) -> Tags:
    """Tags of one § item of minutes, read only inside the item."""
    title = flat(item.title)
    tags = Tags(
        doc_type=None,
        title=title,
        diarienummer=list(item.diarienummer),  # normalized by the § item parser
    )
    scope = (item.start, item.end)
    # `masked`: the document text with the attendance list blanked, computed once per document.
    tags.parties = initiator_parties(doc, "item", title, scope=scope, text=masked, profile=profile)
    tags.referral_bodies = find_bodies(doc, scope=scope, text=masked, profile=profile)
    result = decide(doc, item.sections, "item", profile=profile, context=context)
    tags.outcome, tags.outcome_stage, tags.evidence = result.outcome, result.stage, result.evidence
    tags.reservations = find_reservations(doc, item.sections, profile)
    return tags
