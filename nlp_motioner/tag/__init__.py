"""Stage 3: tags for a structured Document (type, parties, bodies, outcome, dates, case numbers).

Public surface: `tag(doc)` fills `doc.tags` and each item's `tags`, and returns doc.
Every tag comes from the document's own text and structure; rules and word lists
live in nlp_motioner/tag/lexicons/*.toml and are loaded once at import.
"""

from __future__ import annotations

from nlp_motioner.record import Document, Item, Tags
from nlp_motioner.tag._text import flat
from nlp_motioner.tag.bodies import find_bodies, masked_text
from nlp_motioner.tag.dates import find_date
from nlp_motioner.tag.dnr import find_dnr
from nlp_motioner.tag.doctype import classify, find_title
from nlp_motioner.tag.organisation import find_organisation
from nlp_motioner.tag.outcome import Outcome, decide
from nlp_motioner.tag.parties import initiator_parties

__all__ = ["tag", "tag_item"]

# Types whose text states no outcome of their own: the motion itself, minutes as a
# whole (their items carry outcomes), and background material.
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
    "betankande",
}
_RIKSDAGEN_DECISION = {
    "avslag": "avslag",
    "bifall": "bifall",
    "delvis bifall": "delvis_bifall",
    "delvis": "delvis_bifall",
    "bifall delvis": "delvis_bifall",
}


def tag(doc: Document) -> Document:
    """Fill `doc.tags` and every item's `tags`; a document with an error is left as is."""
    if doc.error:
        return doc
    doc_type = classify(doc)
    tags = Tags(doc_type=doc_type)
    tags.date = find_date(doc, doc_type)
    tags.title = find_title(doc, doc_type, tags.date)
    tags.diarienummer = find_dnr(doc, doc_type)
    tags.organisation = find_organisation(doc)
    if doc.items:
        masked = masked_text(doc)
        for item in doc.items:
            item.tags = tag_item(doc, item, masked=masked)
    if doc_type == "protokoll":
        doc.tags = tags
        return doc
    if doc_type == "protokollsutdrag" and doc.items:
        item_tags = doc.items[0].tags or Tags()
        tags.parties = list(item_tags.parties)
        tags.referral_bodies = find_bodies(doc)
        tags.outcome, tags.outcome_stage, tags.evidence = (
            item_tags.outcome,
            item_tags.outcome_stage,
            item_tags.evidence,
        )
        doc.tags = tags
        return doc
    tags.parties = initiator_parties(doc, doc_type, tags.title)
    tags.referral_bodies = find_bodies(doc)
    result = _riksdagen_outcome(doc) if doc.kind == "riksdagen" else None
    if result is None:
        result = Outcome() if doc_type in _NO_OUTCOME else decide(doc, doc.sections, doc_type)
    tags.outcome, tags.outcome_stage, tags.evidence = result.outcome, result.stage, result.evidence
    doc.tags = tags
    return doc


def tag_item(doc: Document, item: Item, *, masked: str | None = None) -> Tags:
    """Tags of one § item of minutes, read only inside the item."""
    title = flat(item.title)
    tags = Tags(
        doc_type=None,
        title=title,
        diarienummer=list(item.diarienummer),  # normalized by the § item parser
    )
    scope = (item.start, item.end)
    # `masked`: the document text with the attendance list blanked, computed once per document.
    tags.parties = initiator_parties(doc, "item", title, scope=scope, text=masked)
    tags.referral_bodies = find_bodies(doc, scope=scope, text=masked)
    result = decide(doc, item.sections, "item")
    tags.outcome, tags.outcome_stage, tags.evidence = result.outcome, result.stage, result.evidence
    return tags


def _riksdagen_outcome(doc: Document) -> Outcome | None:
    """The chamber's (else the committee's) decision on a Riksdagen motion's first proposal."""
    for prop in doc.metadata.get("proposals") or []:
        for field, stage in (("chamber", "decision"), ("committee", "proposal")):
            raw = str(prop.get(field) or "").strip().lower()
            if raw in _RIKSDAGEN_DECISION:
                return Outcome(_RIKSDAGEN_DECISION[raw], stage, f"{field}: {prop.get(field)}")
    return None
