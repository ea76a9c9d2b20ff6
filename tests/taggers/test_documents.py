"""Tags of real documents pinned to the bundled gold labels (corpus/labels/*.jsonl).

The seeds' labels (Gävle, Stockholm, Lekeberg) and the Alingsås documents are compared
field by field; referral bodies and organisation case-insensitively, as written.
"""

from __future__ import annotations

import pytest

from tests.taggers.conftest import labels, tagged

FIELDS = ("doc_type", "date", "parties", "outcome", "outcome_stage")
SEEDS = labels("seeds.jsonl")
DOCS = labels("dev-docs.jsonl") + labels("dev-docs-more.jsonl")
ITEMS = labels("dev-items.jsonl")


def _fold(values):
    return sorted(" ".join(v.split()).casefold() for v in values or [])


@pytest.mark.parametrize("gold", SEEDS, ids=lambda g: g["name"])
def test_seed_tags(gold):
    tags = tagged(gold["name"]).tags
    for field in FIELDS:
        assert getattr(tags, field) == gold[field], field
    assert tags.diarienummer == gold["diarienummer"]
    assert _fold(tags.referral_bodies) == _fold(gold["referral_bodies"])
    assert tags.organisation == gold["organisation"]


def test_seed_evidence_is_the_proposal_sentence():
    gold = SEEDS[0]
    tags = tagged(gold["name"]).tags
    assert gold["evidence"] in tags.evidence


@pytest.mark.parametrize("gold", DOCS, ids=lambda g: g["name"].rsplit("/", 1)[-1][:60])
def test_document_tags(gold):
    doc = tagged(gold["name"])
    if gold.get("unreadable"):
        assert doc.error or doc.tags.doc_type == "other"
        return
    tags = doc.tags
    for field in FIELDS:
        assert getattr(tags, field) == gold[field], field
    assert {d.replace(" ", "") for d in tags.diarienummer} == {
        d.replace(" ", "") for d in gold["diarienummer"]
    }
    assert _fold(tags.referral_bodies) == _fold(gold["referral_bodies"])


def test_at_least_ten_alingsas_documents_are_pinned():
    assert len([g for g in DOCS if not g.get("unreadable")]) >= 10


@pytest.mark.parametrize("gold", ITEMS, ids=lambda g: f"§{g['paragraph']}")
def test_item_tags(gold):
    doc = tagged(gold["name"])
    items = {item.paragraph: item for item in doc.items}
    assert gold["paragraph"] in items
    item = items[gold["paragraph"]]
    assert item.tags.outcome == gold["outcome"]
    assert item.tags.outcome_stage == gold["outcome_stage"]
    assert gold["diarienummer"] in item.tags.diarienummer


def test_whole_protokoll_has_no_outcome_but_items_do():
    doc = tagged("alingsas/tekniska-namnden/2026-05-18/protokoll.pdf")
    assert doc.tags.doc_type == "protokoll"
    assert doc.tags.outcome is None and doc.tags.outcome_stage is None
    assert doc.tags.date == "2026-05-18"
    assert [
        i.tags.diarienummer[0] for i in doc.items if i.tags.diarienummer
    ] == doc.tags.diarienummer
    assert any(i.tags.outcome == "bifall" for i in doc.items)


def test_riksdagen_motion_uses_official_metadata():
    doc = tagged("riksdagen/mot-2014-2017-h2021148.json")
    assert doc.tags.doc_type == "motion"
    assert doc.tags.parties == ["S"]
    assert doc.tags.date == "2014-11-07"
    # The beteckning with its riksmöte is the case number ("2014/15:1148"), and a motion
    # states no outcome of its own: the chamber's decision belongs to the committee report.
    assert doc.tags.diarienummer == [f"{doc.metadata['rm']}:{doc.metadata['beteckning']}"]
    assert doc.tags.outcome is None and doc.tags.outcome_stage is None


def test_remiss_page_lists_referral_bodies():
    doc = tagged("remisser/2015_11_remiss-sou-201585-bostader-att-bo-kvar-i.md")
    assert doc.tags.doc_type == "remiss"
    assert "Boverket" in doc.tags.referral_bodies
    assert len(doc.tags.referral_bodies) >= 20


def test_html_error_page_gets_an_error_record():
    doc = tagged("alingsas/socialnamnden/2018-01-23/protokoll.pdf")
    rec = doc.tag_record()
    # An unreadable file has no document type: a blank, not a guessed "other".
    assert rec["error"] and rec.get("doc_type") is None
