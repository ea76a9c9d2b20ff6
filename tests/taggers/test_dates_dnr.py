"""Dates and case numbers as the labelling conventions write them."""

from __future__ import annotations

import pytest

from nlp_motioner.record import Document
from nlp_motioner.taggers.dates import find_date, iso
from nlp_motioner.taggers.dnr import find_dnr, normalize_dnr


def _doc(text: str, **kw) -> Document:
    return Document(source="t.txt", file_kind="text", text=text, **kw)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Datum: 2018-01-155 Socialnämnden", "2018-01-15"),
        ("2 0 2 6 - 03 - 26", "2026-03-26"),
        ("Alingsås den 25 februari 2026", "2026-02-25"),
        ("Datum för beslut: ÅÅÅ-MM-DD", None),
        ("2026-13-01", None),
    ],
)
def test_iso(text, value):
    assert iso(text) == value


def test_placeholder_decision_date_gives_none():
    doc = _doc("Reglemente\nTyp av styrdokument: Reglemente\nDatum för beslut: 2026-\nText\n")
    assert find_date(doc, "styrdokument") is None


def test_minutes_date_comes_from_the_running_header():
    doc = _doc(
        "§ 5 2026.1 KS\nRubrik\n",
        metadata={"page_header": ["Kommunstyrelsen", "Protokoll", "2026-05-20"]},
    )
    assert find_date(doc, "protokollsutdrag") == "2026-05-20"


def test_labelled_dnr_drops_the_space_after_the_dot():
    assert normalize_dnr("2025. 374 KS") == "2025.374 KS"
    doc = _doc("Datum: 2026-05-11 Kommunstyrelsen\nDiarienr: 2025.446 KS\nTitel\n")
    assert find_dnr(doc, "tjansteskrivelse") == ["2025.446 KS"]


def test_placeholder_dnr_gives_empty_list():
    doc = _doc("Riktlinje\nDiarienummer: XXXX.XXX VON\n")
    assert find_dnr(doc, "styrdokument") == []


def test_title_case_numbers_and_dnr_label_without_colon():
    assert find_dnr(_doc("Yttrande\nDnr 18KS427\n2019-01-23\n"), "yttrande") == ["18KS427"]
    doc = _doc("Ärende 10\nSvar på remiss till kommunstyrelsen, KS 2019/656 ÄLV\n2019/229\n")
    assert find_dnr(doc, "sarskilt_uttalande") == ["KS 2019/656", "ÄLV 2019/229"]


def test_dnr_label_with_value_on_next_line_in_federation_style():
    doc = _doc("Förbundsordning\nDiarienummer:\n25/0014-2\nBeslutad av:\n")
    assert find_dnr(doc, "styrdokument") == ["25/0014-2"]
    # The same shape without a label is a page reference or a ratio, not a case number.
    assert find_dnr(_doc("Rapport\nSida 25/0014-2\n"), "rapport") == []
