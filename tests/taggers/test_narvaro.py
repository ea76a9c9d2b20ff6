"""The attendance list of minutes names every member with a party; none is an initiator."""

from __future__ import annotations

from nlp_motioner.record import Document, Item, Section
from nlp_motioner.taggers import tag
from tests.taggers.conftest import tagged


def test_real_protokoll_attendance_yields_no_parties():
    doc = tagged("alingsas/tekniska-namnden/2026-05-18/protokoll.pdf")
    narvaro = [s for s in doc.sections if s.role == "narvaro"]
    assert narvaro, "the structure stage should mark the attendance block"
    attendance = doc.text[narvaro[0].start : narvaro[0].end]
    assert "(S)" in attendance and "(M)" in attendance  # the list does name parties
    assert doc.tags.parties == []
    assert all(item.tags.parties == [] for item in doc.items)


def test_attendance_is_masked_even_for_an_initiative_document():
    attendance = "Närvaro\nBeslutande Anna Berg (M) (ordförande)\nOlle Ek (SD)\nEva Ek (V)\n"
    body = "§ 5 2026.1 KS\nMotion om cykelbanor - Lisa Holm (C)\nBeslut\nMotionen lämnas till kommunstyrelsen för beredning.\n"
    text = attendance + body
    start = len(attendance)
    item = Item(
        paragraph=5,
        diarienummer=["2026.1 KS"],
        title="Motion om cykelbanor - Lisa Holm (C)",
        start=start,
        end=len(text),
        page=1,
        sections=[Section("Beslut", "beslut", text.index("Beslut"), len(text), 1)],
    )
    doc = Document(
        source="kf.txt",
        file_kind="text",
        text=text,
        sections=[Section("Närvaro", "narvaro", 0, start, 1)],
        items=[item],
        metadata={"page_header": ["Kommunfullmäktige", "Protokoll"]},
    )
    tag(doc)
    assert doc.tags.doc_type == "protokollsutdrag"
    assert doc.tags.parties == ["C"]
    assert item.tags.parties == ["C"]
    assert item.tags.outcome == "remitterad"


def _tagged_after_attendance(text: str, attendance_end: int):
    """`text` tagged with its first `attendance_end` characters marked as the attendance."""
    doc = Document(
        source="minutes.txt",
        file_kind="text",
        text=text,
        sections=[Section("Närvaro", "narvaro", 0, attendance_end, 1)],
    )
    return tag(doc)


def test_attendance_only_document_has_no_parties():
    text = "Närvaro\nBeslutande Anna Berg (M)\nOlle Ek (SD)\n"
    doc = _tagged_after_attendance(text, len(text))
    assert doc.tags.parties == []


def test_attendance_before_a_statement_is_not_read_as_its_authors():
    attendance = "Närvaro\nBeslutande Anna Berg (M) (ordförande)\nOlle Ek (SD)\n"
    text = attendance + "Särskilt uttalande\nLisa Holm (L)\nVi anser att förslaget är bra.\n"
    doc = _tagged_after_attendance(text, len(attendance))
    assert doc.tags.doc_type == "sarskilt_uttalande"
    assert doc.tags.parties == ["L"]
